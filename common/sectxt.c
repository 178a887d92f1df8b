/* SPDX-License-Identifier: ISC */
/* security.txt (RFC 9116): fields, the OpenPGP cleartext wrapping, Expires against a time. */
#include <string.h>
#include <strings.h>

#include "date.h"
#include "sectxt.h"
#include "textline.h"

#define BEGIN_SIGNED "-----BEGIN PGP SIGNED MESSAGE-----"
#define BEGIN_SIG    "-----BEGIN PGP SIGNATURE-----"
#define END_SIG	     "-----END PGP SIGNATURE-----"
#define YEAR	     (366 * 86400LL)

static bool
line_is(const char *l, size_t n, const char *w)
{
	size_t wn = strlen(w);
	return n == wn && !memcmp(l, w, wn);
}

static bool
name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '-';
}

static void
field(struct sectxt *t, struct findings *f, const char *l, size_t n, size_t line, int64_t now,
      unsigned *nexpires)
{
	const char *colon = memchr(l, ':', n);
	size_t kn = colon ? (size_t)(colon - l) : 0;
	for (size_t i = 0; i < kn; i++)
		if (!name_char(l[i]))
			kn = 0;
	if (!colon || kn == 0) {
		findings_add(f, "SECURITY_TXT_SYNTAX", SEV_ERROR,
			     "line %zu is not a comment or 'Field: value': '%.*s'", line, FV(n), l);
		return;
	}
	const char *v = colon + 1;
	size_t vn = n - kn - 1;
	while (vn && (*v == ' ' || *v == '\t'))
		v++, vn--;
	t->fields++;
	if (kn == 7 && !strncasecmp(l, "contact", 7)) {
		t->contacts++;
		if (!((vn > 7 && !strncasecmp(v, "mailto:", 7)) ||
		      (vn > 8 && !strncasecmp(v, "https://", 8)) ||
		      (vn > 4 && !strncasecmp(v, "tel:", 4))))
			findings_add(f, "SECURITY_TXT_CONTACT_URI", SEV_WARNING,
				     "Contact '%.*s' is not a mailto:, tel: or https:// URI "
				     "(RFC 9116 2.5.3)",
				     FV(vn), v);
	} else if (kn == 7 && !strncasecmp(l, "expires", 7)) {
		if (++*nexpires > 1) {
			findings_add(f, "SECURITY_TXT_MULTIPLE_EXPIRES", SEV_ERROR,
				     "line %zu: a second Expires field (RFC 9116 2.5.5: once)",
				     line);
			return;
		}
		int64_t at;
		if (date_parse_iso(v, vn, &at) < 0) {
			findings_add(f, "SECURITY_TXT_BAD_EXPIRES", SEV_ERROR,
				     "Expires '%.*s' is not an RFC 3339 date-time", FV(vn), v);
			return;
		}
		t->expires = true;
		t->expires_at = at;
		if (at < now) {
			t->expired = true;
			findings_add(
			    f, "SECURITY_TXT_EXPIRED", SEV_ERROR,
			    "Expires '%.*s' has passed: the file is stale (RFC 9116 2.5.5)", FV(vn),
			    v);
		} else if (at - now > YEAR) {
			findings_add(f, "SECURITY_TXT_EXPIRES_FAR", SEV_WARNING,
				     "Expires '%.*s' is more than a year ahead (RFC 9116 2.5.5 "
				     "recommends less)",
				     FV(vn), v);
		}
	}
	/* the other fields (Acknowledgments, Canonical, Encryption, Hiring, Policy,
	 * Preferred-Languages, CSAF, extensions) say nothing graded */
}

void
sectxt_parse(const char *s, size_t n, int64_t now, struct sectxt *t, struct findings *f)
{
	memset(t, 0, sizeof *t);
	size_t errors = findings_count(f, SEV_ERROR) + f->dropped_errors;
	/* the cleartext framework: armour header lines up to an empty line, the text (a line
	 * starting with '-' is dash-escaped as "- "), then the signature block */
	enum { TEXT, HEADER, SIGNATURE, DONE } st = TEXT;
	size_t line = 0, at = 0;
	unsigned nexpires = 0;
	bool first = true;
	const char *l;
	size_t ln;
	while (text_line(s, n, &at, &l, &ln)) {
		line++;
		if (first) {
			first = false;
			if (line_is(l, ln, BEGIN_SIGNED)) {
				t->signed_ = true;
				st = HEADER;
				continue;
			}
		}
		if (st == HEADER) {
			if (ln == 0)
				st = TEXT;
			continue;
		}
		if (st == SIGNATURE) {
			if (line_is(l, ln, END_SIG))
				st = DONE;
			continue;
		}
		if (st == DONE) {
			if (ln)
				findings_add(f, "SECURITY_TXT_SIGNATURE", SEV_ERROR,
					     "line %zu: text after the signature", line);
			break;
		}
		if (t->signed_ && line_is(l, ln, BEGIN_SIG)) {
			st = SIGNATURE;
			continue;
		}
		if (t->signed_ && ln >= 2 && l[0] == '-' && l[1] == ' ') {
			l += 2;
			ln -= 2;
		}
		while (ln && (l[ln - 1] == ' ' || l[ln - 1] == '\t'))
			ln--;
		if (ln == 0 || l[0] == '#')
			continue;
		field(t, f, l, ln, line, now, &nexpires);
	}
	if (t->signed_ && st != DONE)
		findings_add(f, "SECURITY_TXT_SIGNATURE", SEV_ERROR,
			     "a signed message without a whole signature block (RFC 4880 7)");
	if (!t->contacts)
		findings_add(f, "SECURITY_TXT_NO_CONTACT", SEV_ERROR,
			     "no Contact field (RFC 9116 2.5.3: required)");
	if (!nexpires)
		findings_add(f, "SECURITY_TXT_NO_EXPIRES", SEV_ERROR,
			     "no Expires field (RFC 9116 2.5.5: required)");
	t->valid = findings_count(f, SEV_ERROR) + f->dropped_errors == errors;
}
