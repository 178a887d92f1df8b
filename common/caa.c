/* SPDX-License-Identifier: ISC */
/* CAA property checks (RFC 8659 section 4, RFC 8657 section 4, RFC 9495). */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "caa.h"

/* Byte classes, by table: the checks below look at every byte of every value. */
enum { C_ALNUM = 1, C_HYPHEN = 2, C_WSP = 4, C_SEMI = 8, C_VCHAR = 16 };
#define CAA_CLASS(c)                                                                               \
	(((((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'z') || ((c) >= '0' && (c) <= '9') ? C_ALNUM     \
										     : 0) |        \
	 ((c) == '-' ? C_HYPHEN : 0) | ((c) == ' ' || (c) == '\t' ? C_WSP : 0) |                   \
	 ((c) == ';' ? C_SEMI : 0) | ((c) >= 0x21 && (c) <= 0x7e ? C_VCHAR : 0))
static const unsigned char caa_class[256] = {ASCII_TABLE(CAA_CLASS)};

static bool
is_class(char c, int cls)
{
	return caa_class[(unsigned char)c] & cls;
}

static bool
is_alnum(char c)
{
	return is_class(c, C_ALNUM);
}

static bool
is_wsp(char c)
{
	return is_class(c, C_WSP);
}

/* label = (ALPHA / DIGIT) *( *("-") (ALPHA / DIGIT) ), joined by "." : labels of 1 to 63
 * letters, digits and '-', neither starting nor ending with '-'. Read a label at a time: the
 * run of label bytes, then what ends it (a '.', the end, or a byte that makes it bad). */
static bool
domain_ok(const char *s, size_t n)
{
	if (n == 0 || n > 253)
		return false;
	const char *p = s, *e = s + n;
	for (;;) {
		const char *l = p;
		if (!is_alnum(*p))
			return false; /* an empty label, a leading '-' or a bad byte */
		while (++p < e && is_class(*p, C_ALNUM | C_HYPHEN))
			;
		if (p - l > 63 || p[-1] == '-')
			return false;
		if (p == e)
			return true;
		if (*p++ != '.' || p == e)
			return false;
	}
}

/* The issuer domain at v[*i]: it runs to the first space, tab or ';' (or the end), and must be
 * empty or pass domain_ok. Read in one pass with domain_ok's label rules (a byte that is none
 * of letter, digit, '-', '.' inside the run makes it bad); *i is left at the run's end. */
static bool
issuer_ok(const char *v, size_t n, size_t *i)
{
	size_t at = *i, p = at;
	for (;;) {
		size_t l = p;
		while (p < n && is_class(v[p], C_ALNUM | C_HYPHEN))
			p++;
		bool end = p == n || v[p] != '.';
		if (end && p < n && !is_class(v[p], C_WSP | C_SEMI))
			return false; /* a byte no domain holds, inside the run */
		if (end && p == at) {
			*i = p;
			return true; /* no issuer */
		}
		if (p == l || !is_alnum(v[l]) || v[p - 1] == '-' || p - l > 63 || p - at > 253)
			return false;
		if (end) {
			*i = p;
			return true;
		}
		p++;
	}
}

/* Does v (n bytes) start with the lowercase prefix w (wn bytes) but for case, as strncasecmp
 * says? The same bytes match in every locale; others are left to strncasecmp. */
static bool
prefix_is(const char *v, size_t n, const char *w, size_t wn)
{
	if (n < wn)
		return false;
	for (size_t i = 0; i < wn; i++)
		if (v[i] != w[i])
			return !strncasecmp(v, w, wn);
	return true;
}

/* The RFC 8657 parameters; others are allowed and ignored by CAs that do not know them. */
static void
check_parameter(const char *tag, int tn, const char *k, size_t kn, const char *v, size_t vn,
		struct findings *f)
{
	if (ascii_word_eq(k, kn, "accounturi")) {
		const char *c = memchr(v, ':', vn);
		if (!c || c == v || c + 1 == v + vn)
			findings_add(f, "INVALID_ACCOUNTURI", SEV_ERROR,
				     "%.*s accounturi '%.*s' is not a URI", tn, tag, FV(vn), v);
	} else if (ascii_word_eq(k, kn, "validationmethods")) {
		static const char *const acme[] = {
		    "http-01", "dns-01", "tls-alpn-01", "dns-account-01", "dns-persist-01", NULL};
		size_t i = 0;
		while (i <= vn) {
			size_t st = i;
			while (i < vn && v[i] != ',')
				i++;
			const char *m = v + st;
			size_t mn = i - st;
			i++;
			bool known = mn > 3 && !strncmp(m, "ca-", 3);
			for (size_t j = 0; acme[j]; j++)
				known = known || ascii_word_eq(m, mn, acme[j]);
			if (!known)
				findings_add(f, "UNKNOWN_VALIDATION_METHOD", SEV_WARNING,
					     "%.*s validation method '%.*s' is not an ACME method",
					     tn, tag, FV(mn), m);
		}
	}
}

/* issue-value = *WSP [issuer-domain-name *WSP] [";" *WSP [parameters *WSP]] */
static bool
issue_value_ok(const char *tag, int tn, const char *v, size_t n, bool *deny, struct findings *f)
{
	size_t i = 0;
	while (i < n && is_wsp(v[i]))
		i++;
	*deny = i == n || is_class(v[i], C_WSP | C_SEMI); /* no issuer */
	if (!issuer_ok(v, n, &i))
		return false;
	while (i < n && is_wsp(v[i]))
		i++;
	if (i == n)
		return true;
	if (v[i] != ';')
		return false;
	i++;
	while (i < n) {
		while (i < n && is_wsp(v[i]))
			i++;
		if (i == n)
			break;
		size_t ks = i;
		while (i < n && is_class(v[i], C_ALNUM | C_HYPHEN))
			i++;
		size_t kn = i - ks;
		if (kn == 0 || v[ks] == '-' || v[i - 1] == '-')
			return false;
		while (i < n && is_wsp(v[i]))
			i++;
		if (i == n || v[i] != '=')
			return false;
		i++;
		while (i < n && is_wsp(v[i]))
			i++;
		size_t vs = i;
		while (i < n && is_class(v[i], C_VCHAR) && v[i] != ';')
			i++;
		check_parameter(tag, tn, v + ks, kn, v + vs, i - vs, f);
		while (i < n && is_wsp(v[i]))
			i++;
		if (i < n && v[i] != ';')
			return false;
		if (i < n)
			i++;
	}
	return true;
}

/* Are all n bytes at v printable ASCII but space (0x21 to 0x7e)? Eight at a time: a word has a
 * byte under 0x21 when (w - 0x21..) & ~w & 0x80.. is not 0, one over 0x7e when (w + 0x01..) | w
 * has a high bit (the bit tricks of "hasless" and "hasmore"; both say exactly whether there is
 * one, and only that is asked). */
static bool
all_vchar(const char *v, size_t n)
{
	const uint64_t ones = 0x0101010101010101ULL, high = 0x8080808080808080ULL;
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w;
		memcpy(&w, v + i, 8);
		if (((w - 0x21 * ones) & ~w & high) | (((w + ones) | w) & high))
			return false;
	}
	for (; i < n; i++)
		if (!is_class(v[i], C_VCHAR))
			return false;
	return true;
}

static bool
iodef_ok(const char *v, size_t n, struct findings *f)
{
	if (!all_vchar(v, n)) {
		findings_add(f, "IODEF_INVALID_URL", SEV_ERROR, "bad character in iodef '%.*s'",
			     FV(n), v);
		return false;
	}
	if (n > 7 && prefix_is(v, n, "mailto:", 7)) {
		const char *at = memchr(v + 7, '@', n - 7);
		if (!at || at == v + 7 || !domain_ok(at + 1, (size_t)(v + n - at - 1))) {
			findings_add(f, "IODEF_INVALID_EMAIL", SEV_ERROR,
				     "bad iodef address '%.*s'", FV(n), v);
			return false;
		}
		return true;
	}
	size_t skip = n > 8 && prefix_is(v, n, "https://", 8)  ? 8
		      : n > 7 && prefix_is(v, n, "http://", 7) ? 7
							       : 0;
	if (!skip) {
		findings_add(f, "IODEF_NO_SCHEME", SEV_ERROR,
			     "iodef '%.*s' is neither mailto: nor http(s):", FV(n), v);
		return false;
	}
	size_t h = skip, e = h;
	while (e < n && v[e] != '/' && v[e] != ':' && v[e] != '?' && v[e] != '#')
		e++;
	if (!domain_ok(v + h, e - h)) {
		findings_add(f, "IODEF_INVALID_URL", SEV_ERROR, "bad host in iodef '%.*s'", FV(n),
			     v);
		return false;
	}
	return true;
}

/* The tags caa_check knows, found in one pass over the table. */
enum { T_ISSUE, T_ISSUEWILD, T_ISSUEMAIL, T_ISSUEVMC, T_IODEF, T_CONTACT, T_RESERVED, T_OTHER };

static int
tag_kind(const char *tag, size_t tn)
{
	static const struct {
		const char *name;
		size_t len; /* compared first: most tags differ in length */
		int kind;
	} tags[] = {
	    {"issue", 5, T_ISSUE},	     {"issuewild", 9, T_ISSUEWILD},
	    {"iodef", 5, T_IODEF},	     {"issuemail", 9, T_ISSUEMAIL},
	    {"issuevmc", 8, T_ISSUEVMC},     {"contactemail", 12, T_CONTACT},
	    {"contactphone", 12, T_CONTACT}, {"auth", 4, T_RESERVED},
	    {"path", 4, T_RESERVED},	     {"policy", 6, T_RESERVED},
	};
	for (size_t i = 0; i < sizeof tags / sizeof *tags; i++)
		if (tags[i].len == tn && ascii_word_eq(tag, tn, tags[i].name))
			return tags[i].kind;
	return T_OTHER;
}

void
caa_check(long flags, const char *tag, size_t tn, const char *val, size_t vn,
	  struct caa_property *out, struct findings *f)
{
	*out = (struct caa_property){CAA_UNKNOWN, false, false, false};
	if (flags < 0 || flags > 255) {
		findings_add(f, "INVALID_FLAG", SEV_ERROR, "flags %ld out of range", flags);
		flags = 0;
	} else if (flags != 0 && flags != 128) {
		findings_add(f, "INVALID_FLAG", SEV_WARNING,
			     "flags %ld set reserved bits (only 0 or 128)", flags);
	}
	out->critical = (flags & 128) != 0;
	/* a tag the table knows is letters only and under 16 bytes: only others are checked */
	int kind = tag_kind(tag, tn);
	bool tag_ok = tn > 0;
	for (size_t i = 0; kind == T_OTHER && i < tn && tag_ok; i++)
		tag_ok = is_alnum(tag[i]);
	if (!tag_ok) {
		findings_add(f, "INVALID_TAG", SEV_ERROR,
			     "tag '%.*s' is not 1 to 15 letters and digits", FV(tn), tag);
		out->kind = CAA_BAD_TAG;
		return;
	}
	if (tn > 15) {
		findings_add(f, "TAG_TOO_LONG", SEV_ERROR, "tag '%.*s' is over 15 characters",
			     FV(tn), tag);
		out->kind = CAA_BAD_TAG;
		return;
	}
	if (kind <= T_ISSUEVMC) {
		bool wild = kind == T_ISSUEWILD;
		out->kind = kind == T_ISSUE ? CAA_ISSUE : wild ? CAA_ISSUEWILD : CAA_KNOWN_OTHER;
		/* the tag is 1 to 15 letters and digits: "%.*s" prints it whole */
		out->ok = issue_value_ok(tag, (int)tn, val, vn, &out->deny, f);
		if (!out->ok)
			findings_add(f, wild ? "ISSUEWILD_DOMAIN_INVALID" : "ISSUE_DOMAIN_INVALID",
				     SEV_ERROR, "bad %.*s value '%.*s'", (int)tn, tag, FV(vn), val);
	} else if (kind == T_IODEF) {
		out->kind = CAA_IODEF;
		out->ok = iodef_ok(val, vn, f);
	} else if (kind == T_CONTACT) {
		out->kind = CAA_KNOWN_OTHER;
		out->ok = vn > 0;
	} else if (kind == T_RESERVED) {
		out->kind = CAA_UNKNOWN;
		findings_add(f, "RESERVED_TAG", SEV_WARNING, "tag '%.*s' is reserved", FV(tn), tag);
	} else {
		out->kind = CAA_UNKNOWN;
	}
	if (out->kind == CAA_UNKNOWN) {
		if (out->critical)
			findings_add(f, "UNKNOWN_CRITICAL_TAG", SEV_ERROR,
				     "unknown tag '%.*s' with the critical flag: no CA may issue",
				     FV(tn), tag);
		else
			findings_add(f, "UNKNOWN_TAG", SEV_NOTICE, "unknown tag '%.*s' ignored",
				     FV(tn), tag);
	}
}
