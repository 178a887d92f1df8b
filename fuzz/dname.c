/* SPDX-License-Identifier: ISC */
/* Domain-name normalisation and IDN conversion over arbitrary bytes: dname_set, then
 * dname_registrable and dname_to_unicode, as the filters use them on attacker-chosen names.
 * Checks: a valid name has an A-label form of printable ASCII within the DNS limits; the
 * registrable domain is a suffix of the name at a label boundary; both forms of a valid name (the
 * A-label and the Unicode form) are valid spellings of it that normalise to the same two forms
 * (one name however a log spells it); the Unicode form is the decoded A-label form; the
 * mixed-script check reads any text, and finds nothing in an ASCII name. */
#include <stdbool.h>
#include <string.h>

#include "dname.h"
#include "fuzz.h"
#include "idn.h"
#include "utf8.h"

FUZZ_INIT_QUIET()

static void
check_suffix(const char *name, size_t n, const char *reg)
{
	if (!reg)
		return;
	FUZZ_CHECK(reg >= name && reg < name + n);
	FUZZ_CHECK(reg == name || reg[-1] == '.');
	FUZZ_CHECK(strlen(reg) == n - (size_t)(reg - name));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	struct dname d, again;
	dname_init(&d);
	dname_init(&again);
	int rc = dname_set(&d, s, size);
	FUZZ_CHECK(d.text.len == 0 || buf_str(&d.text)[d.text.len] == '\0');
	if (rc == 0) {
		FUZZ_CHECK(d.invalid == NULL);
		FUZZ_CHECK(utf8_valid(d.text.s, d.text.len));
		FUZZ_CHECK(d.ascii.len >= 1 && d.ascii.len <= 253);
		for (size_t i = 0; i < d.ascii.len; i++)
			FUZZ_CHECK((unsigned char)d.ascii.s[i] > 0x20 &&
				   (unsigned char)d.ascii.s[i] < 0x7f);
	} else {
		FUZZ_CHECK(d.invalid != NULL && *d.invalid);
	}
	bool has_reg = dname_registrable(&d);
	if (has_reg) {
		check_suffix(d.text.s, strlen(d.text.s), d.reg_text);
		if (rc == 0)
			check_suffix(d.ascii.s, d.ascii.len, d.reg_ascii);
	}
	if (rc == 0) {
		char *u = dname_to_unicode(d.ascii.s);
		if (u) {
			FUZZ_CHECK(utf8_valid(u, strlen(u)));
			free(u);
		}
		/* the lookup form is a fixed point, and gives the same text */
		FUZZ_CHECK(dname_set(&again, d.ascii.s, d.ascii.len) == 0);
		FUZZ_CHECK(again.ascii.len == d.ascii.len &&
			   !memcmp(again.ascii.s, d.ascii.s, d.ascii.len));
		FUZZ_CHECK(again.text.len == d.text.len &&
			   !memcmp(again.text.s, d.text.s, d.text.len));
		/* the text form is a spelling of the same name */
		FUZZ_CHECK(dname_set(&again, d.text.s, d.text.len) == 0);
		FUZZ_CHECK(again.ascii.len == d.ascii.len &&
			   !memcmp(again.ascii.s, d.ascii.s, d.ascii.len));
		FUZZ_CHECK(again.text.len == d.text.len &&
			   !memcmp(again.text.s, d.text.s, d.text.len));
		bool ascii_text = true;
		for (size_t i = 0; i < d.text.len; i++)
			ascii_text &= (unsigned char)d.text.s[i] < 0x80;
		if (ascii_text)
			FUZZ_CHECK(d.text.len == d.ascii.len &&
				   !memcmp(d.text.s, d.ascii.s, d.ascii.len) &&
				   idn_mixed_script(d.text.s, d.text.len) == NULL);
	}
	(void)idn_mixed_script(d.text.s, d.text.len);
	if (utf8_valid(s, size))
		(void)idn_mixed_script(s, size);
	/* dname_to_unicode on whatever bytes arrive (it takes a C string) */
	if (size < 512) {
		char *z = malloc(size + 1);
		memcpy(z, s, size);
		z[size] = '\0';
		char *u = dname_to_unicode(z);
		if (u)
			FUZZ_CHECK(utf8_valid(u, strlen(u)));
		free(u);
		free(z);
	}
	dname_free(&d);
	dname_free(&again);
	return 0;
}
