/* SPDX-License-Identifier: ISC */
/* SPF record syntax (RFC 7208 sections 4.5, 4.6, 5, 6 and 7). */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "ipaddr.h"
#include "spf.h"
#include "xalloc.h"

/* Classes of the bytes of SPF text: spf_parse sorts each byte of a term once as it finds the
 * term's end, so that parse_term knows without another pass whether the term holds a byte no term
 * may hold (B_BAD: outside 0x21..0x7e) or a macro ('%'), and reads names by table. */
enum { B_BAD = 1, B_PCT = 2, B_ALPHA = 4, B_ALNUM = 8, B_NAME = 16 };
#define SPF_CLASS(c)                                                                               \
	(((c) < 0x21 || (c) > 0x7e ? B_BAD : 0) | ((c) == '%' ? B_PCT : 0) |                       \
	 (ASCII_ALPHA(c) ? B_ALPHA | B_ALNUM | B_NAME : 0) |                                       \
	 (ASCII_DIGIT(c) ? B_ALNUM | B_NAME : 0) |                                                 \
	 ((c) == '-' || (c) == '_' || (c) == '.' ? B_NAME : 0))
static const unsigned char byte_class[256] = {ASCII_TABLE(SPF_CLASS)};
#undef SPF_CLASS

static bool
has_class(char c, unsigned cls)
{
	return byte_class[(unsigned char)c] & cls;
}

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
	/* ascii_word_eq(s, 6, "v=spf1") written out: every TXT text of a name comes here, and most
	 * differ at the first byte (c | 0x20 is the letter c in lowercase, and nothing else that)
	 */
	return n >= 6 && (s[0] | 0x20) == 'v' && s[1] == '=' && (s[2] | 0x20) == 's' &&
	       (s[3] | 0x20) == 'p' && (s[4] | 0x20) == 'f' && s[5] == '1' &&
	       (n == 6 || s[6] == ' ');
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

/* domain-spec = macro-string domain-end; domain-end = ( "." toplabel [ "." ] ) / macro-expand.
 * pct: the term holds a '%'. Without one, the text (bytes 0x21..0x7e, as parse_term checked) is a
 * macro-string of literal characters only, which macro_string_ok would accept with no macro and
 * the literal run from 0: so it is not called. */
static bool
domain_spec_ok(const char *s, size_t n, bool pct, bool *has_macro, const char **why,
	       bool *macro_err)
{
	bool ends_macro = false;
	size_t lit = 0;
	*why = "empty";
	*macro_err = false;
	*has_macro = false;
	if (n == 0)
		return false;
	if (pct && !macro_string_ok(s, n, false, has_macro, &ends_macro, &lit, why)) {
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
	/* a literal label over 63 octets can never be looked up (none in 63 bytes or fewer) */
	size_t run = 0;
	for (size_t i = 0; n > 63 && i < n; i++) {
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
	if (n == 0 || n >= 64) /* what the copy for inet_pton had room for */
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(has_class(s[i], B_ALNUM) || s[i] == ':' || s[i] == '.'))
			return false;
	unsigned char b[16];
	return ipaddr_v6(s, n, b); /* inet_pton's answer, without the copy it needs */
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
	if (r->nterms == r->cap)
		r->terms = xgrow(r->terms, &r->cap, r->nterms + 1, sizeof *r->terms);
	r->terms[r->nterms++] = (struct spf_term){m, q, arg, n, macro};
}

/* The mechanism named by the n bytes at w (any case), or -1: the one name of that length and
 * first letter is compared. */
static int
mech_of(const char *w, size_t n)
{
	const char *name;
	enum spf_mech m;
	switch (n) {
	case 1:
		name = "a", m = SPF_A;
		break;
	case 2:
		name = "mx", m = SPF_MX;
		break;
	case 3:
		switch (w[0] | 0x20) {
		case 'a':
			name = "all", m = SPF_ALL;
			break;
		case 'p':
			name = "ptr", m = SPF_PTR;
			break;
		case 'i':
			if (w[2] == '4')
				name = "ip4", m = SPF_IP4;
			else
				name = "ip6", m = SPF_IP6;
			break;
		default:
			return -1;
		}
		break;
	case 6:
		name = "exists", m = SPF_EXISTS;
		break;
	case 7:
		name = "include", m = SPF_INCLUDE;
		break;
	default:
		return -1;
	}
	return ascii_word_eq(w, n, name) ? (int)m : -1;
}

static void
parse_modifier(const char *t, size_t tn, size_t eq, bool pct, struct spf_record *r,
	       struct findings *f)
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
		if (!domain_spec_ok(v, vn, pct, &macro, &why, &merr)) {
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
	/* without a '%', printable text is a valid macro-string (see domain_spec_ok) */
	bool ends;
	size_t lit;
	if (pct && !macro_string_ok(v, vn, false, &macro, &ends, &lit, &why)) {
		findings_add(f, "INVALID_MACRO", SEV_ERROR, "bad value in modifier '%.*s': %s",
			     FV(tn), t, why);
		r->syntax_ok = false;
	}
}

/* One term: t[0..tn) holds no space; cls is the union of its bytes' classes. */
static void
parse_term(const char *t, size_t tn, unsigned cls, struct spf_record *r, struct findings *f)
{
	if (cls & B_BAD) {
		for (size_t i = 0; i < tn; i++) {
			unsigned char c = (unsigned char)t[i];
			if (c < 0x21 || c > 0x7e) {
				findings_add(f, "INVALID_CHARACTER", SEV_ERROR,
					     "control or non-ASCII byte 0x%02x in '%.*s'", c,
					     FV(tn), t);
				break;
			}
		}
		r->syntax_ok = false;
		return;
	}
	bool pct = cls & B_PCT;
	/* The mechanism's name: the letters and digits after the qualifier. Starting with a letter
	 * (so with no qualifier), the term is a modifier if the name continues with name bytes
	 * (modifier = name "=" macro-string; name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ))
	 * up to a '='. */
	size_t i = 0, ns = 0;
	char q = '+';
	if (has_class(t[0], B_ALPHA)) {
		while (i < tn && has_class(t[i], B_ALNUM))
			i++;
		size_t k = i;
		while (k < tn && has_class(t[k], B_NAME))
			k++;
		if (k < tn && t[k] == '=') {
			parse_modifier(t, tn, k, pct, r, f);
			return;
		}
	} else {
		if (t[0] == '+' || t[0] == '-' || t[0] == '~' || t[0] == '?') {
			q = t[0];
			i = ns = 1;
		}
		while (i < tn && has_class(t[i], B_ALNUM))
			i++;
	}
	int m = mech_of(t + ns, i - ns);
	if (m < 0) {
		bool modlike = memchr(t, '=', tn) != NULL;
		findings_add(f, modlike ? "INVALID_MODIFIER" : "INVALID_MECHANISM", SEV_ERROR,
			     modlike ? "bad modifier '%.*s'" : "unknown mechanism '%.*s'", FV(tn),
			     t);
		r->syntax_ok = false;
		return;
	}
	enum spf_mech mech = (enum spf_mech)m;
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
		if (!domain_spec_ok(rest + 1, rn - 1, pct, &macro, &why, &merr)) {
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
		} else if (!domain_spec_ok(rest + 1, an - 1, pct, &macro, &why, &merr)) {
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

/* The end of the term at s[i] (not a space): the next space, or n. Sets in *cls what
 * parse_term needs of its bytes' classes (B_BAD, B_PCT), eight bytes at a time where it can: of
 * the flags of a word, those below its first space are those of the term's bytes (a flag's
 * borrow runs only upward). */
static size_t
term_end(const char *s, size_t i, size_t n, unsigned *cls)
{
	for (; i + 8 <= n; i += 8) {
		uint64_t w = ascii_load8(s + i), sp = ascii_equal(w, ' ');
		uint64_t bad = ascii_unprintable(w), pct = ascii_equal(w, '%');
		if (sp) {
			uint64_t in = (sp & -sp) - 1; /* the bits of the bytes before the space */
			bad &= in;
			pct &= in;
		}
		*cls |= (bad ? B_BAD : 0) | (pct ? B_PCT : 0);
		if (sp)
			return i + (size_t)__builtin_ctzll(sp) / 8;
	}
	for (; i < n && s[i] != ' '; i++)
		*cls |= byte_class[(unsigned char)s[i]];
	return i;
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
		if (s[i] == ' ') {
			i++;
			continue;
		}
		size_t st = i;
		unsigned cls = 0;
		i = term_end(s, i, n, &cls);
		parse_term(s + st, i - st, cls, r, f);
	}
	for (size_t j = 0; j < r->nterms; j++)
		if (r->terms[j].mech == SPF_PTR) {
			findings_add(f, "HAS_PTR", SEV_WARNING,
				     "'ptr' should not be used (RFC 7208 5.5)");
			break;
		}
}
