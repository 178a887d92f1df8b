/* CAA property checks (RFC 8659 section 4, RFC 8657 section 4, RFC 9495). */
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "caa.h"

static bool
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool
is_alnum(int c)
{
	return is_alpha(c) || (c >= '0' && c <= '9');
}

static bool
is_wsp(int c)
{
	return c == ' ' || c == '\t';
}

/* label = (ALPHA / DIGIT) *( *("-") (ALPHA / DIGIT) ), joined by "." */
static bool
domain_ok(const char *s, size_t n)
{
	if (n == 0 || n > 253)
		return false;
	size_t lab = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (lab == 0 || s[i - 1] == '-')
				return false;
			lab = 0;
		} else if (is_alnum((unsigned char)s[i]) || (s[i] == '-' && lab > 0)) {
			if (++lab > 63)
				return false;
		} else {
			return false;
		}
	}
	return lab > 0 && s[n - 1] != '-';
}

/* The RFC 8657 parameters; others are allowed and ignored by CAs that do not know them. */
static void
check_parameter(const char *tag, const char *k, size_t kn, const char *v, size_t vn,
		struct findings *f)
{
	if (ascii_word_eq(k, kn, "accounturi")) {
		const char *c = memchr(v, ':', vn);
		if (!c || c == v || c + 1 == v + vn)
			findings_add(f, "INVALID_ACCOUNTURI", SEV_ERROR,
				     "%s accounturi '%.*s' is not a URI", tag, FV(vn), v);
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
					     "%s validation method '%.*s' is not an ACME method",
					     tag, FV(mn), m);
		}
	}
}

/* issue-value = *WSP [issuer-domain-name *WSP] [";" *WSP [parameters *WSP]] */
static bool
issue_value_ok(const char *tag, const char *v, size_t n, bool *deny, struct findings *f)
{
	size_t i = 0;
	while (i < n && is_wsp(v[i]))
		i++;
	size_t ds = i;
	while (i < n && !is_wsp(v[i]) && v[i] != ';')
		i++;
	size_t dn = i - ds;
	*deny = dn == 0;
	if (dn && !domain_ok(v + ds, dn))
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
		while (i < n && (is_alnum((unsigned char)v[i]) || v[i] == '-'))
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
		while (i < n && (unsigned char)v[i] >= 0x21 && (unsigned char)v[i] <= 0x7e &&
		       v[i] != ';')
			i++;
		check_parameter(tag, v + ks, kn, v + vs, i - vs, f);
		while (i < n && is_wsp(v[i]))
			i++;
		if (i < n && v[i] != ';')
			return false;
		if (i < n)
			i++;
	}
	return true;
}

static bool
iodef_ok(const char *v, size_t n, struct findings *f)
{
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)v[i] <= 0x20 || (unsigned char)v[i] >= 0x7f) {
			findings_add(f, "IODEF_INVALID_URL", SEV_ERROR,
				     "bad character in iodef '%.*s'", FV(n), v);
			return false;
		}
	if (n > 7 && !strncasecmp(v, "mailto:", 7)) {
		const char *at = memchr(v + 7, '@', n - 7);
		if (!at || at == v + 7 || !domain_ok(at + 1, (size_t)(v + n - at - 1))) {
			findings_add(f, "IODEF_INVALID_EMAIL", SEV_ERROR,
				     "bad iodef address '%.*s'", FV(n), v);
			return false;
		}
		return true;
	}
	size_t skip = n > 8 && !strncasecmp(v, "https://", 8)  ? 8
		      : n > 7 && !strncasecmp(v, "http://", 7) ? 7
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
	bool tag_ok = tn > 0;
	for (size_t i = 0; i < tn; i++)
		if (!is_alnum((unsigned char)tag[i]))
			tag_ok = false;
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
	int kind = tag_kind(tag, tn);
	if (kind <= T_ISSUEVMC) {
		bool wild = kind == T_ISSUEWILD;
		out->kind = kind == T_ISSUE ? CAA_ISSUE : wild ? CAA_ISSUEWILD : CAA_KNOWN_OTHER;
		char t[16];
		memcpy(t, tag, tn);
		t[tn] = '\0';
		out->ok = issue_value_ok(t, val, vn, &out->deny, f);
		if (!out->ok)
			findings_add(f, wild ? "ISSUEWILD_DOMAIN_INVALID" : "ISSUE_DOMAIN_INVALID",
				     SEV_ERROR, "bad %s value '%.*s'", t, FV(vn), val);
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
