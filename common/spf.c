/* SPF record syntax (RFC 7208 sections 4.5, 4.6, 5, 6 and 7). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "spf.h"
#include "xalloc.h"

static const char *const syntax_codes[] = {
    "INVALID_RECORD_START",   "INVALID_CHARACTER",
    "INVALID_MECHANISM",      "INVALID_MODIFIER",
    "INVALID_DOMAIN_SPEC",    "INVALID_MACRO",
    "INVALID_IPV4_VALUE",     "INVALID_IPV4_CIDR",
    "INVALID_IPV6_VALUE",     "INVALID_IPV6_CIDR",
    "INVALID_INCLUDE_FORMAT", "INVALID_REDIRECT_MECHANISM",
    "DUPLICATE_MODIFIER",     NULL,
};

bool
spf_syntax_code(const char *code)
{
	if (code[0] != 'I' && code[0] != 'D') /* every syntax code starts INVALID_ or DUPLICATE_ */
		return false;
	for (size_t i = 0; syntax_codes[i]; i++)
		if (!strcmp(code, syntax_codes[i]))
			return true;
	return false;
}

bool
spf_is_record(const char *s, size_t n)
{
	return n >= 6 && ascii_word_eq(s, 6, "v=spf1") && (n == 6 || s[6] == ' ');
}

void
spf_record_init(struct spf_record *r)
{
	memset(r, 0, sizeof *r);
}

void
spf_record_free(struct spf_record *r)
{
	free(r->terms);
	memset(r, 0, sizeof *r);
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

static bool
is_alnum(int c)
{
	return is_alpha(c) || is_digit(c);
}

/* toplabel = ( *alphanum ALPHA *alphanum ) / ( 1*alphanum "-" *( alphanum / "-" ) alphanum ) */
static bool
toplabel_ok(const char *s, size_t n)
{
	if (n == 0 || n > 63)
		return false;
	bool alpha = false, dash = false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '-')
			dash = true;
		else if (is_alpha((unsigned char)s[i]))
			alpha = true;
		else if (!is_digit((unsigned char)s[i]))
			return false;
	}
	if (!dash)
		return alpha;
	return is_alnum((unsigned char)s[0]) && is_alnum((unsigned char)s[n - 1]);
}

/* Check a macro-string; on error name the offending part. *ends_macro says whether the last
 * token was a macro-expand; *lit is where the final run of literal characters starts. */
static bool
macro_string_ok(const char *s, size_t n, bool in_exp_text, bool *has_macro, bool *ends_macro,
		size_t *lit, const char **why)
{
	*has_macro = false;
	*ends_macro = false;
	*lit = 0;
	for (size_t i = 0; i < n;) {
		unsigned char c = (unsigned char)s[i];
		if (c != '%') {
			if (c < 0x21 || c > 0x7e) {
				*why = "character not allowed";
				return false;
			}
			if (*ends_macro) {
				*ends_macro = false;
				*lit = i;
			}
			i++;
			continue;
		}
		if (i + 1 >= n) {
			*why = "'%' at the end";
			return false;
		}
		char d = s[i + 1];
		if (d == '%' || d == '_' || d == '-') {
			/* escapes expand to literal text, they do not end a domain-spec */
			if (*ends_macro) {
				*ends_macro = false;
				*lit = i;
			}
			i += 2;
			continue;
		}
		if (d != '{') {
			*why = "'%' not followed by '{', '%', '_' or '-'";
			return false;
		}
		size_t j = i + 2;
		if (j >= n) {
			*why = "unterminated macro";
			return false;
		}
		char l = (char)(s[j] | 0x20);
		if (!strchr("slodiphv", l) && !(in_exp_text && strchr("crt", l))) {
			*why = strchr("crt", l) ? "macro letter only allowed in explanation text"
						: "unknown macro letter";
			return false;
		}
		j++;
		size_t dstart = j;
		long digits = 0;
		while (j < n && is_digit((unsigned char)s[j]) && j - dstart < 4)
			digits = digits * 10 + (s[j++] - '0');
		if (j > dstart && digits == 0) {
			*why = "macro transformer of zero labels";
			return false;
		}
		if (j < n && (s[j] == 'r' || s[j] == 'R'))
			j++;
		while (j < n && strchr(".-+,/_=", s[j]))
			j++;
		if (j >= n || s[j] != '}') {
			*why = "bad macro";
			return false;
		}
		i = j + 1;
		*has_macro = true;
		*ends_macro = true;
	}
	return true;
}

/* domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand */
static bool
domain_spec_ok(const char *s, size_t n, bool *has_macro, const char **why, bool *macro_err)
{
	bool ends_macro;
	size_t lit;
	*why = "empty";
	*macro_err = false;
	if (n == 0)
		return false;
	if (!macro_string_ok(s, n, false, has_macro, &ends_macro, &lit, why)) {
		*macro_err = memchr(s, '%', n) != NULL;
		return false;
	}
	if (ends_macro)
		return true;
	const char *t = s + lit;
	size_t tn = n - lit;
	if (tn && t[tn - 1] == '.')
		tn--;
	const char *dot = NULL;
	for (size_t i = tn; i-- > 0;)
		if (t[i] == '.') {
			dot = t + i;
			break;
		}
	if (!dot) {
		*why = "no top-level label";
		return false;
	}
	if (!toplabel_ok(dot + 1, (size_t)(t + tn - dot - 1))) {
		*why = "bad top-level label";
		return false;
	}
	/* a literal label over 63 octets can never be looked up */
	size_t run = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.' || s[i] == '%' || s[i] == '}')
			run = 0;
		else if (++run > 63) {
			*why = "label over 63 octets";
			return false;
		}
	}
	return true;
}

/* CIDR digits: "0" / %x31-39 0*(max-1)DIGIT, value at most lim. */
static bool
cidr_ok(const char *s, size_t n, size_t maxdigits, long lim)
{
	if (n == 0 || n > maxdigits || (n > 1 && s[0] == '0'))
		return false;
	long v = 0;
	for (size_t i = 0; i < n; i++) {
		if (!is_digit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	return v <= lim;
}

static bool
ip4_ok(const char *s, size_t n)
{
	int parts = 0;
	size_t i = 0;
	while (parts < 4) {
		size_t st = i;
		int v = 0;
		while (i < n && is_digit((unsigned char)s[i]) && i - st < 3)
			v = v * 10 + (s[i++] - '0');
		size_t len = i - st;
		if (len == 0 || (len > 1 && s[st] == '0') || v > 255)
			return false;
		parts++;
		if (parts < 4) {
			if (i >= n || s[i] != '.')
				return false;
			i++;
		}
	}
	return i == n;
}

static bool
ip6_ok(const char *s, size_t n)
{
	char tmp[64];
	unsigned char out[16];
	if (n == 0 || n >= sizeof tmp)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(is_alnum((unsigned char)s[i]) || s[i] == ':' || s[i] == '.'))
			return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	return inet_pton(AF_INET6, tmp, out) == 1;
}

/* Strip a trailing dual-cidr-length ( [ "/" ip4 ] [ "//" ip6 ] ) from s[0..*n), checking it. */
static void
strip_dual_cidr(const char *s, size_t *n, const char *term, size_t tn, struct findings *f)
{
	size_t e = *n, d = e;
	while (d > 0 && is_digit((unsigned char)s[d - 1]))
		d--;
	if (d == e || d == 0 || s[d - 1] != '/')
		return;
	if (d >= 2 && s[d - 2] == '/') {
		if (!cidr_ok(s + d, e - d, 3, 128))
			findings_add(f, "INVALID_IPV6_CIDR", SEV_ERROR,
				     "bad IPv6 prefix length in '%.*s'", FV(tn), term);
		e = d - 2;
		d = e;
		while (d > 0 && is_digit((unsigned char)s[d - 1]))
			d--;
		if (d == e || d == 0 || s[d - 1] != '/') {
			*n = e;
			return;
		}
	}
	if (!cidr_ok(s + d, e - d, 2, 32))
		findings_add(f, "INVALID_IPV4_CIDR", SEV_ERROR, "bad IPv4 prefix length in '%.*s'",
			     FV(tn), term);
	*n = d - 1;
}

static void
add_term(struct spf_record *r, enum spf_mech m, char q, const char *arg, size_t n, bool macro)
{
	r->terms = xgrow(r->terms, &r->cap, r->nterms + 1, sizeof *r->terms);
	r->terms[r->nterms++] = (struct spf_term){m, q, arg, n, macro};
}

static const struct {
	const char *name;
	size_t len; /* compared first: most names differ in length */
	enum spf_mech mech;
} mechs[] = {
    {"all", 3, SPF_ALL}, {"include", 7, SPF_INCLUDE}, {"a", 1, SPF_A},
    {"mx", 2, SPF_MX},	 {"ptr", 3, SPF_PTR},	      {"ip4", 3, SPF_IP4},
    {"ip6", 3, SPF_IP6}, {"exists", 6, SPF_EXISTS},
};

static void
parse_modifier(const char *t, size_t tn, size_t eq, struct spf_record *r, struct findings *f)
{
	const char *v = t + eq + 1;
	size_t vn = tn - eq - 1;
	const char *why;
	bool macro;
	bool is_redirect = eq == 8 && ascii_word_eq(t, 8, "redirect");
	bool is_exp = eq == 3 && ascii_word_eq(t, 3, "exp");
	if (is_redirect || is_exp) {
		if ((is_redirect && r->redirect) || (is_exp && r->exp)) {
			findings_add(f, "DUPLICATE_MODIFIER", SEV_ERROR, "'%.*s' given twice",
				     (int)eq, t);
			r->syntax_ok = false;
			return;
		}
		bool merr;
		if (!domain_spec_ok(v, vn, &macro, &why, &merr)) {
			findings_add(f,
				     merr	   ? "INVALID_MACRO"
				     : is_redirect ? "INVALID_REDIRECT_MECHANISM"
						   : "INVALID_DOMAIN_SPEC",
				     SEV_ERROR, "bad domain in '%.*s': %s", FV(tn), t, why);
			r->syntax_ok = false;
			return;
		}
		if (is_redirect) {
			r->redirect = v;
			r->redirect_len = vn;
			r->redirect_macro = macro;
			r->lookups++;
		} else {
			r->exp = v;
			r->exp_len = vn;
		}
		return;
	}
	bool ends;
	size_t lit;
	if (!macro_string_ok(v, vn, false, &macro, &ends, &lit, &why)) {
		findings_add(f, "INVALID_MACRO", SEV_ERROR, "bad value in modifier '%.*s': %s",
			     FV(tn), t, why);
		r->syntax_ok = false;
	}
}

static void
parse_term(const char *t, size_t tn, struct spf_record *r, struct findings *f)
{
	for (size_t i = 0; i < tn; i++) {
		unsigned char c = (unsigned char)t[i];
		if (c < 0x21 || c > 0x7e) {
			findings_add(f, "INVALID_CHARACTER", SEV_ERROR,
				     "control or non-ASCII byte 0x%02x in '%.*s'", c, FV(tn), t);
			r->syntax_ok = false;
			return;
		}
	}
	/* modifier = name "=" macro-string; name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) */
	size_t k = 0;
	if (is_alpha((unsigned char)t[0]))
		while (k < tn &&
		       (is_alnum((unsigned char)t[k]) || t[k] == '-' || t[k] == '_' || t[k] == '.'))
			k++;
	if (k > 0 && k < tn && t[k] == '=') {
		parse_modifier(t, tn, k, r, f);
		return;
	}
	size_t i = 0;
	char q = '+';
	if (t[0] == '+' || t[0] == '-' || t[0] == '~' || t[0] == '?') {
		q = t[0];
		i = 1;
	}
	size_t ns = i;
	while (i < tn && is_alnum((unsigned char)t[i]))
		i++;
	const char *name = t + ns;
	size_t nn = i - ns;
	int m = -1;
	for (size_t j = 0; j < sizeof mechs / sizeof mechs[0] && m < 0; j++)
		if (mechs[j].len == nn && ascii_word_eq(name, nn, mechs[j].name))
			m = (int)j;
	if (m < 0) {
		bool modlike = memchr(t, '=', tn) != NULL;
		findings_add(f, modlike ? "INVALID_MODIFIER" : "INVALID_MECHANISM", SEV_ERROR,
			     modlike ? "bad modifier '%.*s'" : "unknown mechanism '%.*s'", FV(tn),
			     t);
		r->syntax_ok = false;
		return;
	}
	enum spf_mech mech = mechs[m].mech;
	const char *rest = t + i;
	size_t rn = tn - i;
	const char *why;
	bool macro = false, merr = false;
	size_t before = f->n, dropped = f->dropped_errors;
	switch (mech) {
	case SPF_ALL:
		if (rn) {
			findings_add(f, "INVALID_MECHANISM", SEV_ERROR,
				     "'all' takes no argument: '%.*s'", FV(tn), t);
			break;
		}
		if (!r->all)
			r->all = q;
		add_term(r, mech, q, NULL, 0, false);
		break;
	case SPF_INCLUDE:
	case SPF_EXISTS:
	case SPF_PTR:
		if (rn == 0 && mech == SPF_PTR) {
			add_term(r, mech, q, NULL, 0, false);
			r->lookups++;
			break;
		}
		if (rn == 0 || rest[0] != ':') {
			findings_add(
			    f, mech == SPF_INCLUDE ? "INVALID_INCLUDE_FORMAT" : "INVALID_MECHANISM",
			    SEV_ERROR, "'%.*s' needs ':domain'", FV(tn), t);
			break;
		}
		if (!domain_spec_ok(rest + 1, rn - 1, &macro, &why, &merr)) {
			findings_add(f,
				     merr		   ? "INVALID_MACRO"
				     : mech == SPF_INCLUDE ? "INVALID_INCLUDE_FORMAT"
							   : "INVALID_DOMAIN_SPEC",
				     SEV_ERROR, "bad domain in '%.*s': %s", FV(tn), t, why);
			break;
		}
		add_term(r, mech, q, rest + 1, rn - 1, macro);
		r->lookups++;
		break;
	case SPF_A:
	case SPF_MX: {
		size_t an = rn;
		strip_dual_cidr(rest, &an, t, tn, f);
		if (an == 0) {
			add_term(r, mech, q, NULL, 0, false);
		} else if (rest[0] != ':') {
			findings_add(f, "INVALID_MECHANISM", SEV_ERROR, "bad argument in '%.*s'",
				     FV(tn), t);
		} else if (!domain_spec_ok(rest + 1, an - 1, &macro, &why, &merr)) {
			findings_add(f, merr ? "INVALID_MACRO" : "INVALID_DOMAIN_SPEC", SEV_ERROR,
				     "bad domain in '%.*s': %s", FV(tn), t, why);
		} else {
			add_term(r, mech, q, rest + 1, an - 1, macro);
		}
		r->lookups++;
		break;
	}
	case SPF_IP4:
	case SPF_IP6: {
		bool v4 = mech == SPF_IP4;
		if (rn < 2 || rest[0] != ':') {
			findings_add(f, v4 ? "INVALID_IPV4_VALUE" : "INVALID_IPV6_VALUE", SEV_ERROR,
				     "'%.*s' needs an address", FV(tn), t);
			break;
		}
		const char *a = rest + 1;
		size_t an = rn - 1;
		const char *slash = memchr(a, '/', an);
		size_t addr_n = slash ? (size_t)(slash - a) : an;
		if (!(v4 ? ip4_ok(a, addr_n) : ip6_ok(a, addr_n)))
			findings_add(f, v4 ? "INVALID_IPV4_VALUE" : "INVALID_IPV6_VALUE", SEV_ERROR,
				     "bad address in '%.*s'", FV(tn), t);
		else if (slash && !cidr_ok(slash + 1, an - addr_n - 1, v4 ? 2 : 3, v4 ? 32 : 128))
			findings_add(f, v4 ? "INVALID_IPV4_CIDR" : "INVALID_IPV6_CIDR", SEV_ERROR,
				     "bad prefix length in '%.*s'", FV(tn), t);
		else
			add_term(r, mech, q, a, an, false);
		break;
	}
	}
	for (size_t j = before; j < f->n; j++)
		if (f->v[j].sev == SEV_ERROR)
			r->syntax_ok = false;
	if (f->dropped_errors > dropped)
		r->syntax_ok = false;
}

void
spf_parse(const char *s, size_t n, struct spf_record *r, struct findings *f)
{
	r->nterms = 0;
	r->redirect = r->exp = NULL;
	r->redirect_len = r->exp_len = 0;
	r->redirect_macro = false;
	r->all = 0;
	r->lookups = 0;
	r->syntax_ok = true;
	if (!spf_is_record(s, n)) {
		findings_add(f, "INVALID_RECORD_START", SEV_ERROR,
			     "record does not start 'v=spf1 ': '%.*s'", FV(n), s);
		r->syntax_ok = false;
		return;
	}
	if (n > SPF_SIZE_LIMIT)
		findings_add(f, "SPF_RECORD_TOO_LONG", SEV_WARNING,
			     "record of %zu bytes does not fit a 512-byte UDP answer", n);
	size_t i = 6;
	while (i < n) {
		while (i < n && s[i] == ' ')
			i++;
		size_t st = i;
		while (i < n && s[i] != ' ')
			i++;
		if (i > st)
			parse_term(s + st, i - st, r, f);
	}
	for (size_t j = 0; j < r->nterms; j++)
		if (r->terms[j].mech == SPF_PTR) {
			findings_add(f, "HAS_PTR", SEV_WARNING,
				     "'ptr' should not be used (RFC 7208 5.5)");
			break;
		}
}
