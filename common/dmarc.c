/* SPDX-License-Identifier: ISC */
/* DMARC record syntax (RFC 9989 section 4.7, RFC 7489 section 6.3 for the removed tags). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "dmarc.h"
#include "taglist.h"
#include "xalloc.h"

bool
dmarc_is_record(const char *s, size_t n)
{
	if (n < 8 || memcmp(s, "v=DMARC1", 8))
		return false;
	size_t i = 8;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i == n || s[i] == ';';
}

void
dmarc_record_init(struct dmarc_record *r)
{
	memset(r, 0, sizeof *r);
}

void
dmarc_record_free(struct dmarc_record *r)
{
	free(r->uris);
	memset(r, 0, sizeof *r);
}

const char *
dmarc_policy_name(enum dmarc_policy p)
{
	switch (p) {
	case DMARC_NONE:
		return "none";
	case DMARC_QUARANTINE:
		return "quarantine";
	case DMARC_REJECT:
		return "reject";
	default:
		return NULL;
	}
}

enum dmarc_policy
dmarc_effective(const struct dmarc_record *r, enum dmarc_policy p)
{
	if (!r->testing)
		return p;
	return p == DMARC_REJECT ? DMARC_QUARANTINE : p == DMARC_QUARANTINE ? DMARC_NONE : p;
}

static enum dmarc_policy
policy(const char *v, size_t n)
{
	if (ascii_word_eq(v, n, "none"))
		return DMARC_NONE;
	if (ascii_word_eq(v, n, "quarantine"))
		return DMARC_QUARANTINE;
	if (ascii_word_eq(v, n, "reject"))
		return DMARC_REJECT;
	return DMARC_INVALID;
}

static bool
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_digit(int c)
{
	return c >= '0' && c <= '9';
}

/* Classes of bytes, read by table: D_WORD the letters, digits and '_' of tag names; D_URI what
 * a report URI's one pass looks for. */
enum { D_WORD = 1, D_BAD = 2, D_BANG = 4, D_AT = 8, D_QUERY = 16 };
enum { D_URI = D_BAD | D_BANG | D_AT | D_QUERY };
#define DMARC_CLASS(c)                                                                             \
	((ASCII_ALPHA(c) || ASCII_DIGIT(c) || (c) == '_' ? D_WORD : 0) |                           \
	 ((c) <= 0x20 || (c) >= 0x7f ? D_BAD : 0) | ((c) == '!' ? D_BANG : 0) |                    \
	 ((c) == '@' ? D_AT : 0) | ((c) == '?' ? D_QUERY : 0))
static const unsigned char byte_class[256] = {ASCII_TABLE(DMARC_CLASS)};
#undef DMARC_CLASS

static unsigned
class_of(char c)
{
	return byte_class[(unsigned char)c];
}

static void
parse_uris(const char *v, size_t n, bool ruf, struct dmarc_record *r, struct findings *f)
{
	const char *tag = ruf ? "ruf" : "rua";
	size_t i = 0, count = 0;
	while (i <= n) {
		size_t st = i;
		const char *comma = memchr(v + i, ',', n - i);
		i = comma ? (size_t)(comma - v) : n;
		const char *u = v + st;
		size_t un = i - st;
		while (un && (*u == ' ' || *u == '\t'))
			u++, un--;
		while (un && (u[un - 1] == ' ' || u[un - 1] == '\t'))
			un--;
		i++;
		count++;
		if (count > 50)
			break;
		/* One pass over the URI finds what the checks below need: the first '!' (a size
		 * limit follows it), whether a byte is not allowed, and, before the '!', the last
		 * '@' and the first '?' after that '@' (the mail domain lies between them). */
		size_t core = un, at = un, qm = un;
		bool bad = false;
		for (size_t j = 0; j < un; j++) {
			unsigned c = class_of(u[j]) & D_URI;
			if (!c)
				continue;
			if (c & D_BAD)
				bad = true;
			else if (j >= core)
				continue;
			else if (c & D_BANG)
				core = j;
			else if (c & D_AT)
				at = j, qm = un;
			else if ((c & D_QUERY) && qm == un)
				qm = j;
		}
		if (core < un)
			findings_add(f, "REPORT_URI_SIZE_OBSOLETE", SEV_NOTICE,
				     "size limit on %s URI '%.*s' is obsolete (RFC 9989)", tag,
				     FV(un), u);
		size_t k = 0; /* the scheme; a NUL passes, as it did strchr("+.-", c) */
		if (core && is_alpha((unsigned char)u[0]))
			while (k < core &&
			       (is_alpha((unsigned char)u[k]) || is_digit((unsigned char)u[k]) ||
				u[k] == '+' || u[k] == '.' || u[k] == '-' || u[k] == '\0'))
				k++;
		if (k == 0 || k >= core || u[k] != ':' || k + 1 == core) {
			findings_add(f, "INVALID_REPORT_URI", SEV_ERROR, "bad %s URI '%.*s'", tag,
				     FV(un), u);
			continue;
		}
		if (bad) {
			findings_add(f, "INVALID_REPORT_URI", SEV_ERROR,
				     "bad character in %s URI '%.*s'", tag, FV(un), u);
			continue;
		}
		struct dmarc_uri du = {ruf, false, NULL, 0};
		if (k == 6 && ascii_word_eq(u, 6, "mailto")) {
			/* the scheme and its ':' hold no '@': the last one before the '!' is the
			 * last one after "mailto:" */
			const char *h = at < core ? u + at + 1 : NULL;
			size_t hn = h ? (size_t)(u + (qm < core ? qm : core) - h) : 0;
			if (!h || at == k + 1 || !ascii_hostname_ok(h, hn)) {
				findings_add(f, "INVALID_REPORT_URI", SEV_ERROR,
					     "bad mail address in %s URI '%.*s'", tag, FV(un), u);
				continue;
			}
			du.mailto = true;
			du.host = h;
			du.hostlen = hn;
		} else {
			findings_add(f, "REPORT_URI_NOT_MAILTO", SEV_WARNING,
				     "%s URI '%.*s' is not mailto: (RFC 9990 reports go by mail)",
				     tag, FV(un), u);
		}
		if (r->nuris == r->cap)
			r->uris = xgrow(r->uris, &r->cap, r->nuris + 1, sizeof *r->uris);
		r->uris[r->nuris++] = du;
	}
	if (count > 2)
		findings_add(f, "TOO_MANY_REPORT_URIS", SEV_NOTICE,
			     "%zu %s URIs; receivers need only send to two", count, tag);
}

/* The tags dmarc_parse knows, in the order of the bits of its duplicate check. */
enum {
	T_P,
	T_SP,
	T_NP,
	T_ADKIM,
	T_ASPF,
	T_FO,
	T_RUA,
	T_RUF,
	T_T,
	T_PSD,
	T_PCT,
	T_RF,
	T_RI,
	T_NTAGS
};
static const char *const known[T_NTAGS] = {
    "p", "sp", "np", "adkim", "aspf", "fo", "rua", "ruf", "t", "psd", "pct", "rf", "ri",
};

/* The known tag named by the n bytes at t (any case), or -1: the one name of that length and
 * those letters is compared. */
static int
known_tag(const char *t, size_t n)
{
	int j;
	char a = (char)(t[0] | 0x20), b = n > 1 ? (char)(t[1] | 0x20) : 0;
	switch (n) {
	case 1:
		j = a == 'p' ? T_P : T_T;
		break;
	case 2:
		j = a == 's' ? T_SP : a == 'n' ? T_NP : a == 'f' ? T_FO : b == 'f' ? T_RF : T_RI;
		break;
	case 3:
		j = a == 'r' ? ((t[2] | 0x20) == 'a' ? T_RUA : T_RUF) : b == 's' ? T_PSD : T_PCT;
		break;
	case 4:
		j = T_ASPF;
		break;
	case 5:
		j = T_ADKIM;
		break;
	default:
		return -1;
	}
	return ascii_word_eq(t, n, known[j]) ? j : -1;
}

void
dmarc_parse(const char *s, size_t n, struct dmarc_record *r, struct findings *f)
{
	r->valid = false;
	r->p = r->sp = r->np = DMARC_UNSET;
	r->pct = -1;
	r->testing = false;
	r->has_rua = r->has_ruf = false;
	r->adkim = r->aspf = 0;
	r->nuris = 0;
	size_t before = f->n;
	if (!dmarc_is_record(s, n)) {
		findings_add(f, "INVALID_DMARC_RECORD_START", SEV_ERROR,
			     "record does not start 'v=DMARC1;': '%.*s'", FV(n), s);
		return;
	}
	unsigned seen = 0; /* bit per known tag, for duplicates */
	size_t i = 8, ntags = 0;
	const char *t;
	size_t tn;
	while (taglist_next(s, n, &i, &t, &tn)) {
		if (++ntags > 64)
			break;
		/* A tag is a name (a letter, then letters, digits and '_'), optional spaces or
		 * tabs, then '='. Anything else before the first '=', or no '=', is not a tag. */
		size_t kn = 0, e;
		while (kn < tn && (class_of(t[kn]) & D_WORD))
			kn++;
		for (e = kn; e < tn && (t[e] == ' ' || t[e] == '\t');)
			e++;
		if (e == tn || t[e] != '=' || kn == 0 || !is_alpha((unsigned char)t[0])) {
			findings_add(f, "INVALID_TAG", SEV_ERROR, "not a tag=value pair: '%.*s'",
				     FV(tn), t);
			continue;
		}
		const char *v = t + e + 1;
		size_t vn = (size_t)(t + tn - v);
		while (vn && (*v == ' ' || *v == '\t'))
			v++, vn--;
		int kidx = known_tag(t, kn);
		if (kidx < 0) {
			if (ascii_word_eq(t, kn, "v"))
				findings_add(f, "INVALID_DMARC_RECORD_START", SEV_ERROR,
					     "'v' tag is not first");
			else
				findings_add(f, "UNKNOWN_TAG", SEV_NOTICE,
					     "unknown tag '%.*s' ignored", FV(kn), t);
			continue;
		}
		if (seen & (1u << kidx)) {
			findings_add(f, "DUPLICATE_TAG", SEV_ERROR, "tag '%.*s' given twice",
				     FV(kn), t);
			continue;
		}
		seen |= 1u << kidx;
		const char *k = known[kidx];
		if (kidx == T_P || kidx == T_SP || kidx == T_NP) {
			enum dmarc_policy p = policy(v, vn);
			if (p == DMARC_INVALID)
				findings_add(f,
					     kidx == T_P    ? "INVALID_POLICY"
					     : kidx == T_SP ? "INVALID_SUBDOMAIN_POLICY"
							    : "INVALID_NP_POLICY",
					     SEV_ERROR, "bad %s value '%.*s'", k, FV(vn), v);
			*(kidx == T_P ? &r->p : kidx == T_SP ? &r->sp : &r->np) = p;
		} else if (kidx == T_ADKIM || kidx == T_ASPF) {
			char c = vn == 1 ? (char)(v[0] | 0x20) : 0;
			if (c != 'r' && c != 's') {
				findings_add(
				    f, k[1] == 'd' ? "INVALID_ADKIM_VALUE" : "INVALID_ASPF_VALUE",
				    SEV_ERROR, "bad %s value '%.*s'", k, FV(vn), v);
				c = 0;
			}
			*(k[1] == 'd' ? &r->adkim : &r->aspf) = c;
		} else if (kidx == T_FO) {
			bool ok = vn > 0;
			for (size_t j = 0; j < vn; j++) {
				bool item = v[j] == '0' || v[j] == '1' || v[j] == 'd' ||
					    v[j] == 's' || v[j] == 'D' || v[j] == 'S';
				bool sep = v[j] == ':' && j > 0 && j + 1 < vn;
				if (!(item && (j == 0 || v[j - 1] == ':')) && !sep)
					ok = false;
			}
			if (!ok)
				findings_add(f, "INVALID_FAILURE_REPORTING_VALUE", SEV_ERROR,
					     "bad fo value '%.*s'", FV(vn), v);
		} else if (kidx == T_RUA || kidx == T_RUF) {
			*(k[2] == 'a' ? &r->has_rua : &r->has_ruf) = true;
			parse_uris(v, vn, k[2] == 'f', r, f);
		} else if (kidx == T_T) {
			if (ascii_word_eq(v, vn, "y"))
				r->testing = true;
			else if (!ascii_word_eq(v, vn, "n"))
				findings_add(f, "INVALID_T_VALUE", SEV_ERROR, "bad t value '%.*s'",
					     FV(vn), v);
		} else if (kidx == T_PSD) {
			if (!ascii_word_eq(v, vn, "y") && !ascii_word_eq(v, vn, "n") &&
			    !ascii_word_eq(v, vn, "u"))
				findings_add(f, "INVALID_PSD_VALUE", SEV_ERROR,
					     "bad psd value '%.*s'", FV(vn), v);
		} else {
			/* RFC 9989 removed pct, rf and ri: receivers ignore them, and even RFC 7489
			 * 6.3 fell back to the default on a bad value. A bad value is worth a
			 * warning, never an invalid record. */
			long x = 0;
			bool num = vn > 0 && vn <= 10;
			for (size_t j = 0; j < vn; j++) {
				if (!is_digit((unsigned char)v[j]))
					num = false;
				else if (num)
					x = x * 10 + (v[j] - '0');
			}
			const char *bad = NULL;
			if (kidx == T_PCT) {
				if (!num || x > 100)
					bad = "INVALID_PCT_VALUE";
				else
					r->pct = (int)x;
			} else if (kidx == T_RI) {
				if (!num || x > 4294967295L)
					bad = "INVALID_RI_VALUE";
			} else if (!ascii_word_eq(v, vn, "afrf")) {
				bad = "INVALID_RF_VALUE";
			}
			if (bad)
				findings_add(
				    f, bad, SEV_WARNING,
				    "bad %s value '%.*s', ignored: the tag is obsolete (RFC "
				    "9989)",
				    k, FV(vn), v);
			else
				findings_add(f, "REMOVED_TAG", SEV_NOTICE,
					     "tag '%s' was removed by RFC 9989", k);
		}
	}
	if (r->p == DMARC_UNSET)
		findings_add(f, "MISSING_POLICY", SEV_WARNING,
			     "no 'p' tag: receivers apply 'none'");
	r->valid = f->dropped_errors == 0;
	for (size_t j = before; j < f->n; j++)
		if (f->v[j].sev == SEV_ERROR)
			r->valid = false;
}
