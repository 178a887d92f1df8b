/* SPDX-License-Identifier: ISC */
/* dns-grade's reading of the dns member (cmd/dns-grade/scan_read.c, scan.c) and its graders.
 * Input: the member's text.
 * Checks: over any text, the record line {"dns":TEXT} scans the same (result, error and its
 * offset, member spans) whether the member goes to scan_read_member while the line is
 * validated or jscan checks it, so the one-pass reader never takes what jscan refuses; what it
 * took loads as below. Over valid JSON text (the record layer refuses the rest before
 * dns-grade sees it), the reader agrees with json-c, which it replaced, on everything the graders
 * read (whether the member loads and which problem it reports, the domain, every query's strings
 * with their lengths and flags, its answer and authority arrays, each answer RR's type, data and
 * ttl, members by names the reader knows and by others, the RRs q_rr and q_count pick by type, and
 * scan_find_named against a walk over every query);
 * then every check of both scales runs and its findings stay bounded. */
#include <json-c/json.h>
#include <string.h>
#include <strings.h>

#include "findings.h"
#include "fuzz.h"
#include "grade.h"
#include "jscan.h"

static json_tokener *tok;

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	tok = json_tokener_new_ex(16);
	return 0;
}

/* json-c's view, as dns-grade read it up to commit cd80a8a. */
static json_object *
member(json_object *o, const char *key, json_type t)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, t))
		return NULL;
	return v;
}

static const char *
str_member(json_object *o, const char *key, size_t *len)
{
	json_object *v = member(o, key, json_type_string);
	if (!v)
		return NULL;
	if (len)
		*len = (size_t)json_object_get_string_len(v);
	return json_object_get_string(v);
}

static void
same_str(const char *a, const char *b)
{
	FUZZ_CHECK(!a == !b);
	if (a)
		FUZZ_CHECK(!strcmp(a, b));
}

static void
same_mem(const char *a, size_t an, const char *b, size_t bn)
{
	FUZZ_CHECK(!a == !b);
	if (a)
		FUZZ_CHECK(an == bn && !memcmp(a, b, an));
}

/* The answer RRs as q_rr sees them against json-c's array. */
static void
same_rrs(const struct query *q, json_object *arr)
{
	size_t i = 0, n = json_object_array_length(arr), k = 0;
	const struct jv *rr;
	while ((rr = q_rr(q, T_ANY, &i))) {
		json_object *o = NULL;
		const char *t = NULL;
		while (k < n) {
			o = json_object_array_get_idx(arr, k++);
			if (json_object_is_type(o, json_type_object) &&
			    (t = str_member(o, "type", NULL)))
				break;
			o = NULL;
		}
		FUZZ_CHECK(o != NULL);
		same_str(rr_str(rr, K_type, NULL), t);
		size_t dn, rn;
		const char *d = rr_str(rr, K_data, &dn), *rd = str_member(o, "data", &rn);
		same_mem(d, dn, rd, rn);
		long long ttl;
		json_object *jt = member(o, "ttl", json_type_int);
		FUZZ_CHECK(rr_int(rr, K_ttl, &ttl) == (jt != NULL));
		if (jt)
			FUZZ_CHECK(ttl == (long long)json_object_get_int64(jt));
		/* names the reader numbers (scan.c's enum key) and others, the empty one too */
		static const char *const strs[] = {
		    "name", "host", "txt", "type_covered", "tc", "digest", "hos", "hostx", "x", ""};
		for (size_t j = 0; j < sizeof strs / sizeof *strs; j++) {
			const char *a = rr_str_named(rr, strs[j], &dn),
				   *b = str_member(o, strs[j], &rn);
			same_mem(a, dn, b, rn);
		}
		static const char *const ints[] = {"serial", "flags", "key_tag", "n"};
		for (size_t j = 0; j < sizeof ints / sizeof *ints; j++) {
			long long x;
			jt = member(o, ints[j], json_type_int);
			FUZZ_CHECK(rr_int_named(rr, ints[j], &x) == (jt != NULL));
			if (jt)
				FUZZ_CHECK(x == (long long)json_object_get_int64(jt));
		}
	}
	while (k < n) {
		json_object *o = json_object_array_get_idx(arr, k++);
		FUZZ_CHECK(!json_object_is_type(o, json_type_object) ||
			   !str_member(o, "type", NULL));
	}
	/* the RRs of a type, as the graders ask (upper case) and otherwise */
	static const char *const types[] = {"A",	  "AAAA", "TXT",  "NSEC3",
					    "NSEC3PARAM", "ns",	  "HINFO"};
	for (size_t t = 0; t < sizeof types / sizeof *types; t++) {
		size_t want = 0;
		for (k = 0; k < n; k++) {
			json_object *o = json_object_array_get_idx(arr, k);
			const char *ty = json_object_is_type(o, json_type_object)
					     ? str_member(o, "type", NULL)
					     : NULL;
			want += ty && !strcasecmp(ty, types[t]);
		}
		FUZZ_CHECK(q_count_named(q, types[t]) == want);
	}
}

/* scan_find as a walk over every query (what it was before it kept a list per type): the
 * first query with a final answer (NOERROR or NXDOMAIN), else the first answered one, else the
 * first one. */
static const struct query *
find_all(const struct scan *s, const char *name, size_t n, const char *type)
{
	const struct query *best = NULL;
	while (n && name[n - 1] == '.')
		n--;
	for (size_t i = 0; i < s->nq; i++) {
		const struct query *q = &s->qs[i];
		if (q->direct || q->qlen != n || strcasecmp(q->type, type) ||
		    strncasecmp(q->q, name, n))
			continue;
		if (q->final)
			return q;
		if (!best || (q->answered && !best->answered))
			best = q;
	}
	return best;
}

static void
compare(const struct scan *s, int rc, const char *text, size_t n)
{
	json_tokener_reset(tok);
	json_object *root = json_tokener_parse_ex(tok, text, (int)n);
	enum json_tokener_error e = json_tokener_get_error(tok);
	if (!root || e != json_tokener_success) {
		/* valid JSON that json-c gives no object for: nested too deep, or a scalar (a
		 * number or word that ends the text is unfinished for json-c, null is none) */
		FUZZ_CHECK(rc < 0);
		if (e == json_tokener_error_depth)
			FUZZ_CHECK(
			    !strncmp(s->problem.s,
				     "dns member: a value nested 16 containers deep at byte ", 54));
		else
			FUZZ_CHECK(!strcmp(s->problem.s, "dns member is not an object"));
		json_object_put(root);
		return;
	}
	json_object *v = member(root, "v", json_type_int);
	size_t dl = 0;
	const char *dom = str_member(root, "domain", &dl);
	json_object *qs = member(root, "queries", json_type_array);
	if (!json_object_is_type(root, json_type_object))
		FUZZ_CHECK(rc < 0 && !strcmp(s->problem.s, "dns member is not an object"));
	else if (!v || json_object_get_int64(v) != 1)
		FUZZ_CHECK(rc < 0 && strstr(s->problem.s, "version"));
	else if (!dom || dl == 0 || dl > 253 || !hostname_ok(dom, dl))
		FUZZ_CHECK(rc < 0 && strstr(s->problem.s, "'domain'"));
	else if (!qs)
		FUZZ_CHECK(rc < 0 && strstr(s->problem.s, "'queries'"));
	else
		FUZZ_CHECK(rc == 0);
	if (rc < 0) {
		json_object_put(root);
		return;
	}
	same_mem(s->domain, s->domainlen, dom, dl);
	size_t k = 0;
	for (size_t i = 0; i < json_object_array_length(qs); i++) {
		json_object *q = json_object_array_get_idx(qs, i);
		size_t ql = 0;
		const char *qn, *ty;
		if (!json_object_is_type(q, json_type_object) || !(qn = str_member(q, "q", &ql)) ||
		    !(ty = str_member(q, "type", NULL)) || ql > 1024)
			continue;
		FUZZ_CHECK(k < s->nq);
		const struct query *x = &s->qs[k++];
		while (ql && qn[ql - 1] == '.')
			ql--;
		same_mem(x->q, x->qlen, qn, ql);
		same_str(x->type, ty);
		same_str(x->why, str_member(q, "why", NULL));
		same_str(x->server, str_member(q, "server", NULL));
		same_str(x->rcode, str_member(q, "rcode", NULL));
		same_str(x->error, str_member(q, "error", NULL));
		json_object *b = member(q, "direct", json_type_boolean);
		FUZZ_CHECK(x->direct == (b && json_object_get_boolean(b)));
		b = member(q, "aa", json_type_boolean);
		FUZZ_CHECK(x->aa == (b && json_object_get_boolean(b)));
		json_object *a = member(q, "answer", json_type_array);
		FUZZ_CHECK(!x->answer == !a);
		if (a)
			same_rrs(x, a);
		a = member(q, "authority", json_type_array);
		FUZZ_CHECK(!x->authority == !a);
	}
	FUZZ_CHECK(k == s->nq);
	/* every query's name and type, and its name with types in other spellings */
	static const char *const types[] = {"txt", "Ns", "NSEC3", "HINFO"};
	for (size_t i = 0; i < s->nq; i++) {
		const struct query *x = &s->qs[i];
		FUZZ_CHECK(scan_find_named(s, x->q, x->qlen, x->type) ==
			   find_all(s, x->q, x->qlen, x->type));
		for (size_t t = 0; t < sizeof types / sizeof *types; t++)
			FUZZ_CHECK(scan_find_named(s, x->q, x->qlen, types[t]) ==
				   find_all(s, x->q, x->qlen, types[t]));
	}
	json_object_put(root);
}

static size_t
read_member(void *arg, const char *text, size_t n)
{
	return scan_read_member(arg, text, n);
}

/* The record layer's scan of {"dns":TEXT} with and without the one-pass reader. */
static void
check_one_pass(struct scan *s, const uint8_t *data, size_t size)
{
	size_t n = size + 8;
	char *line = malloc(n);
	memcpy(line, "{\"dns\":", 7);
	memcpy(line + 7, data, size);
	line[n - 1] = '}';
	struct jmembers m1 = {0}, m2 = {0};
	const char *why1 = NULL, *why2 = NULL;
	size_t at1 = 0, at2 = 0;
	struct jscan_defer d = {.key = "dns", .keylen = 3, .read = read_member, .arg = s};
	int rc1 = jscan_object_find(line, n, &m1, "domain", NULL, NULL, &why1, &at1);
	int rc2 = jscan_object_defer(line, n, &m2, "domain", NULL, NULL, &d, &why2, &at2);
	FUZZ_CHECK(rc1 == rc2);
	if (rc1 < 0) {
		FUZZ_CHECK(!strcmp(why1, why2) && at1 == at2);
	} else {
		FUZZ_CHECK(m1.n == m2.n);
		for (size_t i = 0; i < m1.n; i++)
			FUZZ_CHECK(!memcmp(&m1.v[i], &m2.v[i], sizeof m1.v[i]));
	}
	/* (a line that fails after the member may have had it taken: the record is bad anyway) */
	if (rc1 == 0 && d.taken) {
		FUZZ_CHECK(d.taken == m1.v[0].val.p);
		int rc = scan_load_read(s);
		compare(s, rc, m1.v[0].val.p, m1.v[0].val.n);
	}
	free(m1.v);
	free(m2.v);
	free(line);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why;
	size_t at;
	static struct scan s1;
	static bool init1;
	if (!init1) {
		scan_init(&s1);
		init1 = true;
	}
	if (size <= 1 << 20)
		check_one_pass(&s1, data, size);
	if (size > 1 << 20 || jscan_value((const char *)data, size, &why, &at) < 0)
		return 0;
	/* a copy of exactly size bytes, so ASan sees any read past the text */
	char *text = malloc(size ? size : 1);
	memcpy(text, data, size);
	static struct scan s;
	static struct grader g;
	static bool init;
	if (!init) {
		scan_init(&s);
		grader_init(&g);
		g.s = &s;
		init = true;
	}
	int rc = scan_load(&s, text, size);
	compare(&s, rc, text, size);
	if (rc == 0) {
		grade_checks(&g);
		grade_domstat(&g);
		for (int c = 0; c < NCAT; c++)
			fuzz_check_findings(&g.f[c]);
		grade_dnstats(&g);
		for (int c = 0; c < NCAT; c++)
			fuzz_check_findings(&g.f[c]);
	}
	free(text);
	return 0;
}
