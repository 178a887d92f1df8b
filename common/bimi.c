/* SPDX-License-Identifier: ISC */
/* BIMI record syntax. */
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "bimi.h"
#include "taglist.h"

bool
bimi_is_record(const char *s, size_t n)
{
	/* ascii_word_eq(s, 7, "v=bimi1") written out, as spf_is_record does */
	if (n < 7 || (s[0] | 0x20) != 'v' || s[1] != '=' || (s[2] | 0x20) != 'b' ||
	    (s[3] | 0x20) != 'i' || (s[4] | 0x20) != 'm' || (s[5] | 0x20) != 'i' || s[6] != '1')
		return false;
	size_t i = 7;
	while (i < n && (s[i] == ' ' || s[i] == '\t'))
		i++;
	return i == n || s[i] == ';';
}

static bool
https_url_ok(const char *v, size_t n)
{
	if (n <= 8 || strncasecmp(v, "https://", 8))
		return false;
	/* no byte outside 0x21..0x7e and no ',': URLs are long, so eight bytes at a time */
	size_t i = 0;
	for (; i + 8 <= n; i += 8) {
		uint64_t w = ascii_load8(v + i);
		if (ascii_unprintable(w) | ascii_equal(w, ','))
			return false;
	}
	for (; i < n; i++)
		if ((unsigned char)v[i] <= 0x20 || (unsigned char)v[i] >= 0x7f || v[i] == ',')
			return false;
	return v[8] != '/';
}

void
bimi_parse(const char *s, size_t n, struct bimi_record *r, struct findings *f)
{
	*r = (struct bimi_record){false, false, false, false};
	size_t before = f->n;
	if (!bimi_is_record(s, n)) {
		findings_add(f, "INVALID_START", SEV_ERROR,
			     "record does not start 'v=BIMI1;': '%.*s'", FV(n), s);
		return;
	}
	static const char *const known[] = {"l", "a", "avp", "s", NULL};
	unsigned seen = 0;
	size_t ln = 0, an = 0, i = 7, ntags = 0;
	bool l_set = false, a_set = false;
	const char *t;
	size_t tn;
	while (taglist_next(s, n, &i, &t, &tn)) {
		if (++ntags > 32)
			break;
		const char *eq = memchr(t, '=', tn);
		if (!eq || eq == t) {
			findings_add(f, "INVALID_TAG", SEV_ERROR, "not a tag=value pair: '%.*s'",
				     FV(tn), t);
			continue;
		}
		size_t kn = (size_t)(eq - t);
		while (kn && (t[kn - 1] == ' ' || t[kn - 1] == '\t'))
			kn--;
		const char *v = eq + 1;
		size_t vn = (size_t)(t + tn - v);
		while (vn && (*v == ' ' || *v == '\t'))
			v++, vn--;
		int k = -1;
		for (int j = 0; known[j] && k < 0; j++)
			if ((t[0] | 0x20) == known[j][0] && ascii_word_eq(t, kn, known[j]))
				k = j;
		if (k < 0) {
			findings_add(f, "UNKNOWN_TAG", SEV_NOTICE, "unknown tag '%.*s' ignored",
				     FV(kn), t);
			continue;
		}
		if (seen & (1u << k)) {
			findings_add(f, "DUPLICATE_TAG_FOUND", SEV_ERROR, "tag '%s' given twice",
				     known[k]);
			continue;
		}
		seen |= 1u << k;
		if (k == 0) {
			l_set = true;
			ln = vn;
			if (vn == 0)
				continue;
			if (vn > 7 && !strncasecmp(v, "http://", 7))
				findings_add(f, "LOGO_NOT_HTTPS", SEV_ERROR,
					     "logo '%.*s' is not https", FV(vn), v);
			else if (!https_url_ok(v, vn))
				findings_add(f, "LOGO_INVALID_LOCATION", SEV_ERROR,
					     "logo '%.*s' is not an https URL", FV(vn), v);
			else if (!(vn > 4 && !strncasecmp(v + vn - 4, ".svg", 4)) &&
				 !(vn > 5 && !strncasecmp(v + vn - 5, ".svgz", 5)))
				findings_add(f, "LOGO_INVALID_FORMAT", SEV_WARNING,
					     "logo '%.*s' is not an SVG file", FV(vn), v);
		} else if (k == 1) {
			a_set = true;
			an = vn;
			if (vn && !https_url_ok(v, vn))
				findings_add(f, "AUTHORITY_NOT_HTTPS", SEV_ERROR,
					     "evidence document '%.*s' is not an https URL", FV(vn),
					     v);
		} else if (k == 2) {
			if (!ascii_word_eq(v, vn, "brand") && !ascii_word_eq(v, vn, "personal"))
				findings_add(f, "INVALID_AVP_VALUE", SEV_ERROR,
					     "bad avp value '%.*s'", FV(vn), v);
		} else {
			findings_add(f, "OBSOLETE_SELECTOR_TAG", SEV_NOTICE,
				     "the 's' tag of old drafts is ignored; the selector is the "
				     "record's name");
		}
	}
	r->has_logo = ln > 0;
	r->has_authority = an > 0;
	if (!l_set)
		findings_add(f, "LOGO_NOT_DEFINED", SEV_ERROR, "no 'l' tag");
	else if (ln == 0 && (!a_set || an == 0)) {
		r->declined = true;
		findings_add(f, "BIMI_OPTED_OUT", SEV_NOTICE,
			     "empty 'l' and 'a': the domain declines BIMI");
	}
	r->valid = f->dropped_errors == 0;
	for (size_t j = before; j < f->n; j++)
		if (f->v[j].sev == SEV_ERROR)
			r->valid = false;
}
