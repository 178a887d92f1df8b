/* SPDX-License-Identifier: ISC */
/* MTA-STS TXT record syntax (RFC 8461 section 3.1). */
#include "mtasts_txt.h"
#include "txtfield.h"

#define STS_VERSION "v=STSv1"

bool
mtasts_txt_is_record(const char *s, size_t n)
{
	return txtfield_is_record(s, n, STS_VERSION);
}

/* sts-id = %s"id=" 1*32(ALPHA / DIGIT) */
static bool
id_ok(const char *v, size_t n)
{
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)v[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			return false;
	}
	return true;
}

void
mtasts_txt_parse(const char *s, size_t n, struct mtasts_txt *r, struct findings *f)
{
	*r = (struct mtasts_txt){0};
	if (!mtasts_txt_is_record(s, n)) {
		findings_add(f, "MTA_STS_INVALID_RECORD", SEV_ERROR,
			     "record does not start 'v=STSv1': '%.*s'", FV(n), s);
		return;
	}
	bool ok = true;
	unsigned ids = 0, fields = 0;
	size_t i = sizeof STS_VERSION - 1;
	struct txtfield fl;
	while (txtfield_next(s, n, &i, &fields, &fl)) {
		if (txtfield_is(&fl, "id")) {
			if (ids++ == 0) {
				r->id = fl.value;
				r->idlen = fl.valuelen;
			}
			continue;
		}
		if (!txtfield_ext_ok(&fl)) {
			findings_add(f, "MTA_STS_INVALID_RECORD", SEV_ERROR,
				     "not a field name=value: '%.*s'", FV(fl.len), fl.text);
			ok = false;
		}
	}
	if (ids == 0) {
		findings_add(f, "MTA_STS_BAD_ID", SEV_ERROR, "no id field (RFC 8461 section 3.1)");
		ok = false;
	} else if (ids > 1) {
		findings_add(f, "MTA_STS_BAD_ID", SEV_ERROR, "%u id fields: a policy has one id",
			     ids);
		ok = false;
	} else if (!id_ok(r->id, r->idlen)) {
		findings_add(f, "MTA_STS_BAD_ID", SEV_ERROR,
			     "id '%.*s' is not 1 to 32 letters and digits", FV(r->idlen), r->id);
		ok = false;
	}
	r->valid = ok;
}
