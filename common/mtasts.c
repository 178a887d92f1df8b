/* SPDX-License-Identifier: ISC */
/* MTA-STS policy text (RFC 8461 3.2) and MX pattern matching (4.1). */
#include <string.h>
#include <strings.h>

#include "mtasts.h"
#include "textline.h"

void
mtasts_init(struct mtasts_policy *p)
{
	memset(p, 0, sizeof *p);
	p->max_age = -1;
}

void
mtasts_free(struct mtasts_policy *p)
{
	buf_free(&p->mx);
}

const char *
mtasts_mode_name(enum mtasts_mode m)
{
	switch (m) {
	case MTASTS_ENFORCE:
		return "enforce";
	case MTASTS_TESTING:
		return "testing";
	case MTASTS_NONE:
		return "none";
	default:
		return NULL;
	}
}

static bool
is_ldh(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

/* A domain name in letters, digits and hyphens (RFC 5321's Domain), an optional "*." first. */
static bool
valid_pattern(const char *s, size_t n)
{
	if (n >= 2 && s[0] == '*' && s[1] == '.') {
		s += 2;
		n -= 2;
	}
	if (n > 0 && s[n - 1] == '.')
		n--;
	if (n == 0 || n > 253)
		return false;
	size_t label = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '.') {
			if (label == 0 || s[i - 1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!is_ldh(c) || (label == 0 && c == '-') || ++label > 63)
			return false;
	}
	return label > 0 && s[n - 1] != '-';
}

/* An extension field's name: (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / "."). */
static bool
valid_ext_name(const char *s, size_t n)
{
	if (n == 0 || n > 32 || !(is_ldh((unsigned char)s[0]) && s[0] != '-'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!is_ldh((unsigned char)s[i]) && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

static bool
is_wsp(char c)
{
	return c == ' ' || c == '\t';
}

enum field { FL_VERSION, FL_MODE, FL_MAX_AGE, FL_COUNT };

static void
one_field(struct mtasts_policy *p, struct findings *f, const char *k, size_t kn, const char *v,
	  size_t vn, unsigned seen[FL_COUNT], size_t line)
{
	/* field names are case-sensitive (%s"version" in the ABNF) */
	if (kn == 7 && !memcmp(k, "version", 7)) {
		if (seen[FL_VERSION]++) {
			findings_add(f, "STS_POLICY_DUPLICATE_FIELD", SEV_ERROR,
				     "line %zu: a second 'version' field", line);
			return;
		}
		if (line != 1)
			findings_add(f, "STS_POLICY_VERSION", SEV_WARNING,
				     "line %zu: 'version' is not the first field", line);
		if (vn == 5 && !memcmp(v, "STSv1", 5))
			p->version = true;
		else
			findings_add(f, "STS_POLICY_VERSION", SEV_ERROR,
				     "version '%.*s' is not STSv1", FV(vn), v);
	} else if (kn == 4 && !memcmp(k, "mode", 4)) {
		if (seen[FL_MODE]++) {
			findings_add(f, "STS_POLICY_DUPLICATE_FIELD", SEV_ERROR,
				     "line %zu: a second 'mode' field", line);
			return;
		}
		if (vn == 7 && !memcmp(v, "enforce", 7))
			p->mode = MTASTS_ENFORCE;
		else if (vn == 7 && !memcmp(v, "testing", 7))
			p->mode = MTASTS_TESTING;
		else if (vn == 4 && !memcmp(v, "none", 4))
			p->mode = MTASTS_NONE;
		else
			findings_add(f, "STS_POLICY_MODE", SEV_ERROR,
				     "mode '%.*s' is not enforce, testing or none", FV(vn), v);
	} else if (kn == 7 && !memcmp(k, "max_age", 7)) {
		if (seen[FL_MAX_AGE]++) {
			findings_add(f, "STS_POLICY_DUPLICATE_FIELD", SEV_ERROR,
				     "line %zu: a second 'max_age' field", line);
			return;
		}
		long long a = 0;
		size_t i;
		for (i = 0; i < vn && i <= 10 && v[i] >= '0' && v[i] <= '9'; i++)
			a = a * 10 + (v[i] - '0'); /* 11 digits at most: no overflow */
		if (vn == 0 || i != vn || vn > 10) {
			findings_add(f, "STS_POLICY_MAX_AGE", SEV_ERROR,
				     "max_age '%.*s' is not 1 to 10 digits", FV(vn), v);
		} else if (a > MTASTS_MAX_AGE_MAX) {
			p->max_age = a;
			findings_add(f, "STS_POLICY_MAX_AGE", SEV_ERROR,
				     "max_age %lld is over %lld seconds (RFC 8461 3.2)", a,
				     MTASTS_MAX_AGE_MAX);
		} else {
			p->max_age = a;
			if (a < 86400)
				findings_add(f, "STS_POLICY_MAX_AGE_SHORT", SEV_WARNING,
					     "max_age %lld is under a day: the policy protects "
					     "little between fetches (RFC 8461 recommends weeks)",
					     a);
		}
	} else if (kn == 2 && !memcmp(k, "mx", 2)) {
		p->nmx++;
		if (!valid_pattern(v, vn)) {
			findings_add(f, "STS_POLICY_MX_PATTERN", SEV_ERROR,
				     "mx '%.*s' is not a host name or *. and a domain", FV(vn), v);
		} else if (p->nkept < MTASTS_MAX_PATTERNS) {
			for (size_t i = 0; i < vn; i++)
				buf_addc(&p->mx,
					 v[i] >= 'A' && v[i] <= 'Z' ? (char)(v[i] + 32) : v[i]);
			buf_addc(&p->mx, '\0');
			p->nkept++;
		}
	} else if (!valid_ext_name(k, kn)) {
		findings_add(f, "STS_POLICY_SYNTAX", SEV_ERROR,
			     "line %zu: '%.*s' is not a field name", line, FV(kn), k);
	}
	/* other extension fields are ignored (RFC 8461 3.2) */
}

void
mtasts_parse(const char *s, size_t n, struct mtasts_policy *p, struct findings *f)
{
	buf_reset(&p->mx);
	p->version = false;
	p->mode = MTASTS_MODE_UNSET;
	p->max_age = -1;
	p->nmx = p->nkept = 0;
	size_t errors = findings_count(f, SEV_ERROR) + f->dropped_errors;
	unsigned seen[FL_COUNT] = {0};
	size_t line = 0, at = 0;
	const char *l;
	size_t ln;
	while (text_line(s, n, &at, &l, &ln)) {
		line++;
		/* trailing white space is allowed after a field (*WSP before the delimiter) */
		while (ln && is_wsp(l[ln - 1]))
			ln--;
		if (ln == 0)
			continue; /* an empty line: tolerated, as receivers do */
		const char *colon = memchr(l, ':', ln);
		if (!colon) {
			findings_add(f, "STS_POLICY_SYNTAX", SEV_ERROR,
				     "line %zu is not 'name: value': '%.*s'", line, FV(ln), l);
			continue;
		}
		size_t kn = (size_t)(colon - l);
		const char *v = colon + 1;
		size_t vn = ln - kn - 1;
		while (vn && is_wsp(*v))
			v++, vn--;
		bool ctl = false;
		for (size_t i = 0; i < vn; i++)
			if ((unsigned char)v[i] < 0x20 && v[i] != '\t')
				ctl = true;
		if (ctl) {
			findings_add(f, "STS_POLICY_SYNTAX", SEV_ERROR,
				     "line %zu: a control character in the value", line);
			continue;
		}
		one_field(p, f, l, kn, v, vn, seen, line);
	}
	if (!seen[FL_VERSION])
		findings_add(f, "STS_POLICY_VERSION", SEV_ERROR, "no 'version' field");
	if (!seen[FL_MODE])
		findings_add(f, "STS_POLICY_MODE", SEV_ERROR, "no 'mode' field");
	if (!seen[FL_MAX_AGE])
		findings_add(f, "STS_POLICY_MAX_AGE", SEV_ERROR, "no 'max_age' field");
	if ((p->mode == MTASTS_ENFORCE || p->mode == MTASTS_TESTING) && p->nmx == 0)
		findings_add(f, "STS_POLICY_NO_MX", SEV_ERROR,
			     "mode %s without any 'mx' field: no MX host can match",
			     mtasts_mode_name(p->mode));
	p->valid = findings_count(f, SEV_ERROR) + f->dropped_errors == errors;
}

bool
mtasts_pattern_match(const char *pat, size_t pn, const char *host, size_t hn)
{
	if (pn && pat[pn - 1] == '.')
		pn--;
	if (hn && host[hn - 1] == '.')
		hn--;
	if (pn >= 2 && pat[0] == '*' && pat[1] == '.') {
		/* exactly one label in place of the star */
		const char *dot = memchr(host, '.', hn);
		if (!dot || dot == host)
			return false;
		size_t rest = hn - (size_t)(dot + 1 - host);
		return rest == pn - 2 && rest > 0 && !strncasecmp(dot + 1, pat + 2, rest);
	}
	return pn == hn && pn > 0 && !strncasecmp(pat, host, pn);
}

bool
mtasts_match(const struct mtasts_policy *p, const char *host, size_t n)
{
	const char *at = p->mx.s;
	for (size_t i = 0; i < p->nkept; i++) {
		size_t pn = strlen(at);
		if (mtasts_pattern_match(at, pn, host, n))
			return true;
		at += pn + 1;
	}
	return false;
}
