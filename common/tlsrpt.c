/* SPDX-License-Identifier: ISC */
/* SMTP TLS reporting record syntax (RFC 8460 section 3). */
#include <strings.h>

#include "tlsrpt.h"
#include "txtfield.h"

#define RPT_VERSION "v=TLSRPTv1"

bool
tlsrpt_is_record(const char *s, size_t n)
{
	return txtfield_is_record(s, n, RPT_VERSION);
}

/* One tlsrpt-uri: "mailto:" with an address, or "https:" with an authority (RFC 8460 section
 * 3: the only schemes defined). The URI's own syntax is only checked for printable ASCII
 * without the record's delimiters. */
static bool
uri(struct tlsrpt_record *r, const char *u, size_t n)
{
	if (!txtfield_value_ok(u, n) || memchr(u, ',', n))
		return false;
	if (n > 7 && !strncasecmp(u, "mailto:", 7) && memchr(u + 7, '@', n - 7)) {
		const char *at = memchr(u + 7, '@', n - 7);
		if (at == u + 7 || at == u + n - 1)
			return false;
		r->mailto++;
		return true;
	}
	if (n > 8 && !strncasecmp(u, "https://", 8) && u[8] != '/') {
		r->https++;
		return true;
	}
	return false;
}

/* tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri): each URI counted, each bad one a finding. */
static bool
rua_uris(struct tlsrpt_record *r, const char *v, size_t vn, struct findings *f)
{
	bool ok = true;
	size_t k = 0;
	while (k <= vn) {
		const char *c = k < vn ? memchr(v + k, ',', vn - k) : NULL;
		size_t end = c ? (size_t)(c - v) : vn, a = k, b = end;
		while (a < b && (v[a] == ' ' || v[a] == '\t'))
			a++;
		while (b > a && (v[b - 1] == ' ' || v[b - 1] == '\t'))
			b--;
		if (!uri(r, v + a, b - a)) {
			findings_add(f, "TLSRPT_BAD_RUA", SEV_ERROR,
				     "rua '%.*s' is not a mailto: or https: URI", FV(b - a), v + a);
			ok = false;
		}
		k = end + 1;
	}
	return ok;
}

void
tlsrpt_parse(const char *s, size_t n, struct tlsrpt_record *r, struct findings *f)
{
	*r = (struct tlsrpt_record){0};
	if (!tlsrpt_is_record(s, n)) {
		findings_add(f, "TLSRPT_INVALID_RECORD", SEV_ERROR,
			     "record does not start 'v=TLSRPTv1': '%.*s'", FV(n), s);
		return;
	}
	bool ok = true;
	unsigned ruas = 0, fields = 0;
	size_t i = sizeof RPT_VERSION - 1;
	struct txtfield fl;
	while (txtfield_next(s, n, &i, &fields, &fl)) {
		if (txtfield_is(&fl, "rua") && fl.has_value) {
			if (ruas++) {
				findings_add(f, "TLSRPT_BAD_RUA", SEV_ERROR,
					     "a second rua field: '%.*s'", FV(fl.len), fl.text);
				ok = false;
				continue;
			}
			if (!rua_uris(r, fl.value, fl.valuelen, f))
				ok = false;
			continue;
		}
		if (!txtfield_ext_ok(&fl)) {
			findings_add(f, "TLSRPT_INVALID_RECORD", SEV_ERROR,
				     "not a field name=value: '%.*s'", FV(fl.len), fl.text);
			ok = false;
		}
	}
	if (ruas == 0) {
		findings_add(f, "TLSRPT_BAD_RUA", SEV_ERROR,
			     "no rua field: reports have nowhere to go (RFC 8460 section 3)");
		ok = false;
	}
	r->valid = ok;
}
