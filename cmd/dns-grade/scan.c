/* SPDX-License-Identifier: ISC */
/* The dns member once read (scan_read.c): the queries the graders need, loaded and checked
 * member by member (hostile or truncated scan data becomes a problem report, never a crash),
 * and the typed accessors and lookups the graders use on them. */
#include <stdarg.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "grade.h"
#include "jscan.h"
#include "utf8.h"
#include "xalloc.h"
#include "scan_jv.h"

void
scan_problem(struct scan *s, const char *fmt, ...)
{
	if (s->nproblems++ == 0) {
		va_list ap;
		va_start(ap, fmt);
		buf_vaddf(&s->problem, fmt, ap);
		va_end(ap);
	}
}

/* --- typed access ------------------------------------------------------------------------- */

/* The value after v and everything in it. */
static const struct jv *
next(const struct jv *v)
{
	return v + v->skip;
}

/* The value of member id (the last of that name), NULL when absent or null. */
static const struct jv *
get(const struct jv *o, int id)
{
	if (!o || o->type != JV_OBJ)
		return NULL;
	const struct jv *v = o + 1, *found = NULL;
	for (size_t i = 0; i < o->n; i++, v = next(v))
		if (name_is(v, id))
			found = v;
	return found && found->type != JV_NULL ? found : NULL;
}

/* The same by any name. */
static const struct jv *
get_named(const struct jv *o, const char *key)
{
	if (!o || o->type != JV_OBJ)
		return NULL;
	size_t kl = strlen(key);
	const struct jv *v = o + 1, *found = NULL;
	for (size_t i = 0; i < o->n; i++, v = next(v))
		if (v->keylen == kl && !memcmp(v->key, key, kl))
			found = v;
	return found && found->type != JV_NULL ? found : NULL;
}

static const struct jv *
member(const struct jv *o, int id, uint8_t t)
{
	const struct jv *v = get(o, id);
	return v && v->type == t ? v : NULL;
}

static const char *
str_member(const struct jv *o, int id, size_t *len)
{
	const struct jv *v = member(o, id, JV_STR);
	if (!v)
		return NULL;
	if (len)
		*len = v->n;
	return v->u.s;
}

/* "2026-11-23T14:00:00Z" (seconds and zone optional) to a time. */
static bool
parse_iso(const char *t, time_t *out)
{
	struct tm tm;
	memset(&tm, 0, sizeof tm);
	const char *e = strptime(t, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!e)
		return false;
	long long secs = timegm(&tm);
	if (*e == '.')
		while (*++e >= '0' && *e <= '9')
			;
	long off = 0;
	if ((*e == '+' || *e == '-') && strlen(e) >= 6) {
		off = ((e[1] - '0') * 10 + (e[2] - '0')) * 3600 +
		      ((e[4] - '0') * 10 + (e[5] - '0')) * 60;
		if (*e == '-')
			off = -off;
	}
	*out = (time_t)(secs - off);
	return true;
}

/* The members of a query that the graders read. */
enum {
	Q_NONE, /* the others */
	Q_Q,
	Q_TYPE,
	Q_WHY,
	Q_SERVER,
	Q_RCODE,
	Q_ERROR,
	Q_DIRECT,
	Q_DROPPED,
	Q_AA,
	Q_ANSWER,
	Q_AUTHORITY,
	Q_EDE,
	Q_CD_RETRY,
	Q_NKEYS
};

/* Which of them a query's member is (Q_NONE for the others: a slot nobody reads), by its first
 * byte, then its name: every member of every query is asked. */
static int
query_member(const struct jv *v)
{
	switch (v->key[0]) {
	case 'q':
		return name_is(v, K_q) ? Q_Q : Q_NONE;
	case 't':
		return name_is(v, K_type) ? Q_TYPE : Q_NONE;
	case 'w':
		return name_is(v, K_why) ? Q_WHY : Q_NONE;
	case 's':
		return name_is(v, K_server) ? Q_SERVER : Q_NONE;
	case 'r':
		return name_is(v, K_rcode) ? Q_RCODE : Q_NONE;
	case 'e':
		return name_is(v, K_error) ? Q_ERROR : name_is(v, K_ede) ? Q_EDE : Q_NONE;
	case 'd':
		return name_is(v, K_direct) ? Q_DIRECT : name_is(v, K_dropped) ? Q_DROPPED : Q_NONE;
	case 'a':
		return name_is(v, K_aa)		 ? Q_AA
		       : name_is(v, K_answer)	 ? Q_ANSWER
		       : name_is(v, K_authority) ? Q_AUTHORITY
						 : Q_NONE;
	case 'c':
		return name_is(v, K_cd_retry) ? Q_CD_RETRY : Q_NONE;
	default:
		return Q_NONE;
	}
}

static const char *
str_of(const struct jv *v, size_t *len)
{
	if (!v || v->type != JV_STR)
		return NULL;
	if (len)
		*len = v->n;
	return v->u.s;
}

static int load_queries(struct scan *s);

int
scan_load(struct scan *s, const char *text, size_t n)
{
	scan_clear(s);
	size_t used;
	int rc = read_all(s, text, n, &used);
	if (rc == P_DEEP) {
		scan_problem(s, "dns member: a value nested %d containers deep at byte %zu",
			     MAX_DEPTH, used);
		return -1;
	}
	if (rc != P_OK) {
		scan_problem(s, "dns member: invalid JSON at byte %zu", used);
		return -1;
	}
	return load_queries(s);
}

int
scan_load_read(struct scan *s)
{
	if (!s->read)
		return -1;
	s->read = false;
	return load_queries(s);
}

/* What the graders need from a read member: version, domain, clock and queries. */
static int
load_queries(struct scan *s)
{
	if (s->root->type != JV_OBJ) {
		scan_problem(s, "dns member is not an object");
		return -1;
	}
	const struct jv *v = member(s->root, K_v, JV_INT);
	if (!v || v->u.i != 1) {
		scan_problem(s, "dns member: unsupported or missing version 'v'");
		return -1;
	}
	s->domain = str_member(s->root, K_domain, &s->domainlen);
	if (!s->domain || s->domainlen == 0 || s->domainlen > 253 ||
	    !hostname_ok(s->domain, s->domainlen)) {
		scan_problem(s, "dns member: missing or invalid 'domain'");
		return -1;
	}
	const char *st = str_member(s->root, K_started, NULL);
	if (!st || !parse_iso(st, &s->started))
		s->started = time(NULL);
	s->status = str_member(s->root, K_status, NULL);
	s->profile = str_member(s->root, K_profile, NULL);
	const struct jv *failed = member(s->root, K_failed, JV_OBJ), *ref;
	if ((ref = member(failed, K_refused, JV_INT)))
		s->refused = ref->u.i;
	const struct jv *qs = member(s->root, K_queries, JV_ARR);
	if (!qs) {
		scan_problem(s, "dns member: no 'queries' array");
		return -1;
	}
	size_t nq = qs->n;
	if (nq > s->cap)
		s->qs = xgrow(s->qs, &s->cap, nq, sizeof *s->qs);
	/* scan_find's lists of the non-direct queries of each known type, in order */
	int last[NTYPES];
	for (int t = 0; t < NTYPES; t++)
		s->type_first[t] = last[t] = -1;
	const struct jv *q = qs + 1;
	for (size_t i = 0; i < nq; i++, q += q->skip) {
		/* filled in place (not copied there), every field below: it counts only when it
		 * has q and type */
		struct query *x = &s->qs[s->nq];
		/* one walk over the members; a later member of the same name wins */
		const struct jv *m[Q_NKEYS] = {0}, *mv = q + 1;
		for (size_t k = 0; q->type == JV_OBJ && k < q->n; k++, mv = next(mv))
			m[query_member(mv)] = mv;
		if (q->type != JV_OBJ || !(x->q = str_of(m[Q_Q], &x->qlen)) ||
		    !(x->type = str_of(m[Q_TYPE], NULL)) || x->qlen > 1024) {
			scan_problem(s, "query %zu lacks 'q' or 'type'", i + 1);
			continue;
		}
		while (x->qlen && x->q[x->qlen - 1] == '.')
			x->qlen--;
		x->tcode = q->tcode; /* type_code(x->type), from the reader */
		x->why = str_of(m[Q_WHY], NULL);
		x->server = str_of(m[Q_SERVER], NULL);
		x->rcode = str_of(m[Q_RCODE], NULL);
		x->error = str_of(m[Q_ERROR], NULL);
		x->direct = m[Q_DIRECT] && m[Q_DIRECT]->type == JV_BOOL && m[Q_DIRECT]->u.i;
		x->aa = m[Q_AA] && m[Q_AA]->type == JV_BOOL && m[Q_AA]->u.i;
		x->answered = x->rcode != NULL;
		x->answer = x->authority = x->ede = NULL;
		x->final = x->rcode &&
			   (!strcasecmp(x->rcode, "NOERROR") || !strcasecmp(x->rcode, "NXDOMAIN"));
		if (m[Q_ANSWER]) {
			if (m[Q_ANSWER]->type == JV_ARR)
				x->answer = m[Q_ANSWER];
			else
				scan_problem(s, "query %zu: 'answer' is not an array", i + 1);
		}
		if (m[Q_AUTHORITY] && m[Q_AUTHORITY]->type == JV_ARR)
			x->authority = m[Q_AUTHORITY];
		if (m[Q_EDE] && m[Q_EDE]->type == JV_ARR)
			x->ede = m[Q_EDE];
		x->cd_rcode = str_member(m[Q_CD_RETRY], K_rcode, NULL);
		/* records dns-scan cut to bound the line: what is left is no answer, and no
		 * absence either (a failure, like a timeout) */
		x->cut = m[Q_DROPPED] && m[Q_DROPPED]->type == JV_INT && m[Q_DROPPED]->u.i > 0;
		if (x->cut) {
			x->rcode = x->cd_rcode = NULL;
			x->error = Q_CUT;
			x->answered = x->final = false;
		}
		x->type_next = -1;
		if (x->tcode >= 0 && !x->direct) {
			if (last[x->tcode] < 0)
				s->type_first[x->tcode] = (int)s->nq;
			else
				s->qs[last[x->tcode]].type_next = (int)s->nq;
			last[x->tcode] = (int)s->nq;
		}
		s->nq++;
	}
	return 0;
}

/* Labels of 1 to 63 letters, digits, '_' and '-', neither starting nor ending with '-', 253
 * bytes in all, final dots aside. */
bool
hostname_ok(const char *s, size_t n)
{
	while (n && s[n - 1] == '.')
		n--;
	return ascii_hostname_ok(s, n);
}

bool
name_eq(const char *a, size_t an, const char *b, size_t bn)
{
	while (an && a[an - 1] == '.')
		an--;
	while (bn && b[bn - 1] == '.')
		bn--;
	return an == bn && !strncasecmp(a, b, an);
}

/* Keep q in *best if it is the first candidate or the first answered one; true when its answer
 * is final (NOERROR or NXDOMAIN: the one to take, over a SERVFAIL or REFUSED another resolver
 * gave). */
static inline bool
pick(const struct query **best, const struct query *q)
{
	if (!*best || (q->answered && !(*best)->answered))
		*best = q;
	if (!q->final)
		return false;
	*best = q;
	return true;
}

const char Q_CUT[] = "answer too large, cut by dns-scan";

const char *
q_unknown(const struct query *q)
{
	if (!q)
		return "not asked";
	if (q->final)
		return NULL;
	return q->rcode ? q->rcode : q->error ? q->error : "no answer";
}

/* Did the query fail: SERVFAIL, REFUSED or another rcode but NOERROR and NXDOMAIN, a timeout,
 * a malformed answer? That is a temporary error (RFC 7208 5, RFC 7489 6.6.3), never an answer
 * that there is nothing; a query the scan skipped or never asked is neither. */
bool
q_failed(const struct query *q)
{
	if (!q)
		return false;
	if (!q->answered)
		return q->error && strcmp(q->error, "skipped");
	return !q->final;
}

bool
q_ede(const struct query *q, long long *code, const char **text)
{
	const struct jv *e = q && q->ede && q->ede->n ? q->ede + 1 : NULL, *c;
	if (!(c = member(e, K_code, JV_INT)))
		return false;
	*code = c->u.i;
	*text = str_member(e, K_text, NULL);
	return true;
}

/* The first non-direct query for (name, type), preferring one with a final answer, then one
 * with an answer: only the queries of that type (load_queries links them in order). */
const struct query *
scan_find(const struct scan *s, const char *name, size_t n, enum rr_type type)
{
	const struct query *best = NULL;
	while (n && name[n - 1] == '.')
		n--;
	for (int i = s->type_first[type]; i >= 0; i = s->qs[i].type_next) {
		const struct query *q = &s->qs[i];
		/* q->qlen has no final dots (scan_load) */
		if (q->qlen == n && !strncasecmp(q->q, name, n) && pick(&best, q))
			break;
	}
	return best;
}

const struct query *
scan_find_named(const struct scan *s, const char *name, size_t n, const char *type)
{
	int tc = type_code(type);
	if (tc >= 0)
		return scan_find(s, name, n, tc);
	const struct query *best = NULL;
	while (n && name[n - 1] == '.')
		n--;
	for (size_t i = 0; i < s->nq; i++) {
		const struct query *q = &s->qs[i];
		if (!q->direct && q->qlen == n && !strcasecmp(q->type, type) &&
		    !strncasecmp(q->q, name, n) && pick(&best, q))
			break;
	}
	return best;
}

/* RRs of a type in an array of them: want is a type's number, T_ANY, or -1 with the name of
 * a type that has none. */
static const struct jv *
arr_rr(const struct jv *arr, int want, const char *name, size_t *i)
{
	if (!arr)
		return NULL;
	/* *i: 0, then the slot after the RR returned (relative to the array) */
	size_t at = *i ? *i : 1;
	while (at < arr->skip) {
		const struct jv *rr = arr + at;
		at += rr->skip;
		/* the reader gave non-objects and objects without a type string RR_NOTYPE; equal
		 * numbers are equal types and different ones different, -1 (other types) aside */
		if (rr->tcode == RR_NOTYPE || (want != T_ANY && rr->tcode != want))
			continue;
		if (want < 0 && name && strcasecmp(str_member(rr, K_type, NULL), name))
			continue;
		*i = at;
		return rr;
	}
	*i = at;
	return NULL;
}

const struct jv *
q_rr(const struct query *q, enum rr_type type, size_t *i)
{
	return q ? arr_rr(q->answer, type, NULL, i) : NULL;
}

const struct jv *
q_auth_rr(const struct query *q, enum rr_type type, size_t *i)
{
	return q ? arr_rr(q->authority, type, NULL, i) : NULL;
}

size_t
q_count(const struct query *q, enum rr_type type)
{
	size_t i = 0, c = 0;
	while (q_rr(q, type, &i))
		c++;
	return c;
}

size_t
q_count_named(const struct query *q, const char *type)
{
	int tc = type_code(type);
	size_t i = 0, c = 0;
	while (q && arr_rr(q->answer, tc, type, &i))
		c++;
	return c;
}

const char *
rr_str(const struct jv *rr, enum scan_key key, size_t *len)
{
	size_t l;
	const char *s = str_member(rr, key, &l);
	if (len)
		*len = s ? l : 0;
	return s;
}

bool
rr_int(const struct jv *rr, enum scan_key key, long long *v)
{
	const struct jv *o = member(rr, key, JV_INT);
	if (!o)
		return false;
	*v = o->u.i;
	return true;
}

const char *
rr_str_named(const struct jv *rr, const char *key, size_t *len)
{
	const struct jv *v = get_named(rr, key);
	if (!v || v->type != JV_STR)
		v = NULL;
	if (len)
		*len = v ? v->n : 0;
	return v ? v->u.s : NULL;
}

bool
rr_int_named(const struct jv *rr, const char *key, long long *v)
{
	const struct jv *o = get_named(rr, key);
	if (!o || o->type != JV_INT)
		return false;
	*v = o->u.i;
	return true;
}

size_t
printable_run(const char *p, size_t n)
{
	size_t i = 0;
	while (i < n && (unsigned char)p[i] >= 0x20 && (unsigned char)p[i] < 0x7f && p[i] != '"' &&
	       p[i] != '\\')
		i++;
	return i;
}

static bool
txt_strings(struct scan *s, const struct jv *rr, struct buf *out, const char *sep, bool quoted)
{
	buf_reset(out);
	const struct jv *a = member(rr, K_txt, JV_ARR);
	if (!a) {
		scan_problem(s, "TXT record without a 'txt' array");
		return false;
	}
	size_t n = a->n, total = 0;
	const struct jv *e = a + 1;
	for (size_t i = 0; i < n; i++, e = next(e)) {
		if (e->type != JV_STR) {
			scan_problem(s, "TXT record with a string that is not a string");
			return false;
		}
		size_t len = e->n;
		total += len;
		if (len > 255) {
			scan_problem(s, "TXT string of %zu bytes (DNS allows 255)", len);
			return false;
		}
		if (total > 65535) {
			scan_problem(s, "TXT strings of %zu bytes in all (DNS allows 65535)",
				     total);
			return false;
		}
		const char *p = e->u.s;
		if (i && sep)
			buf_adds(out, sep);
		if (!quoted) {
			buf_add(out, p, len);
			continue;
		}
		buf_addc(out, '"');
		size_t run = 0; /* plain bytes are copied in runs */
		for (size_t j = 0; j < len; j++) {
			j += printable_run(p + j, len - j);
			if (j >= len)
				break;
			unsigned char c = (unsigned char)p[j];
			buf_add(out, p + run, j - run);
			run = j + 1;
			if (c == '"' || c == '\\') {
				buf_addc(out, '\\');
				buf_addc(out, (char)c);
			} else {
				buf_addf(out, "\\%03u", c);
			}
		}
		buf_add(out, p + run, len - run);
		buf_addc(out, '"');
	}
	return true;
}

bool
rr_txt(struct scan *s, const struct jv *rr, struct buf *out, const char *sep)
{
	return txt_strings(s, rr, out, sep, false);
}

bool
rr_txt_quoted(struct scan *s, const struct jv *rr, struct buf *out)
{
	return txt_strings(s, rr, out, " ", true);
}

/* --- what only the DNSSEC check reads: the resolver's verdict and the CD=1 retry ---------- */

/* The object of a loaded query in the queries array: the one whose q string is q->q (the
 * reader's own copy, so the pointer is the query's). Only asked of a few queries a record. */
static const struct jv *
query_object(const struct scan *s, const struct query *q)
{
	const struct jv *qs = q ? member(s->root, K_queries, JV_ARR) : NULL;
	const struct jv *o = qs ? qs + 1 : NULL;
	for (size_t i = 0; qs && i < qs->n; i++, o = next(o)) {
		if (o->type != JV_OBJ || o->n == 0)
			continue;
		/* dns-scan writes q first: its string is the query's own, or another query's */
		const struct jv *v = o + 1;
		if (!name_is(v, K_q) || v->type != JV_STR)
			v = get(o, K_q);
		else if (v->u.s != q->q)
			continue;
		if (v && v->type == JV_STR && v->u.s == q->q)
			return o;
	}
	return NULL;
}

int
q_ad(const struct scan *s, const struct query *q)
{
	const struct jv *v = get(query_object(s, q), K_ad);
	return v && v->type == JV_BOOL ? (int)v->u.i : -1;
}

bool
q_cd_retry(const struct scan *s, const struct query *q, struct query *out)
{
	const struct jv *c = get_named(query_object(s, q), "cd_retry");
	if (!c || c->type != JV_OBJ)
		return false;
	*out = *q;
	out->server = str_member(c, K_server, NULL);
	out->rcode = str_member(c, K_rcode, NULL);
	out->error = str_member(c, K_error, NULL);
	out->answered = out->rcode != NULL;
	out->final = out->rcode &&
		     (!strcasecmp(out->rcode, "NOERROR") || !strcasecmp(out->rcode, "NXDOMAIN"));
	const struct jv *aa = member(c, K_aa, JV_BOOL);
	out->aa = aa && aa->u.i;
	out->answer = member(c, K_answer, JV_ARR);
	out->authority = member(c, K_authority, JV_ARR);
	out->type_next = -1;
	return true;
}

size_t
q_ede_codes(const struct scan *s, const struct query *q, bool cd, int *codes, size_t max)
{
	const struct jv *o = query_object(s, q);
	if (cd)
		o = get_named(o, "cd_retry");
	const struct jv *a = get_named(o, "ede");
	size_t n = 0;
	const struct jv *e = a && a->type == JV_ARR ? a + 1 : NULL;
	for (size_t i = 0; e && i < a->n && n < max; i++, e = next(e)) {
		const struct jv *c = get_named(e, "code");
		if (c && c->type == JV_INT && c->u.i >= 0 && c->u.i <= 65535)
			codes[n++] = (int)c->u.i;
	}
	return n;
}
