/* SPDX-License-Identifier: ISC */
/* The field grammar MTA-STS (RFC 8461 section 3.1) and TLS-RPT (RFC 8460 section 3) TXT records
 * share: a version, then fields split by *WSP ";" *WSP (taglist.h), each name "=" value, with
 * extension names and values of a fixed alphabet. Inline: both parsers ask it of every field. */
#ifndef TXTFIELD_H
#define TXTFIELD_H
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "taglist.h"

/* Does s start with the version ver (case-sensitive, %s in the ABNF), followed by the end or
 * *WSP ";"? Such a record is the one a sender keeps among the TXT records of the name. */
static inline bool
txtfield_is_record(const char *s, size_t n, const char *ver)
{
	size_t vn = strlen(ver), i;
	if (n < vn || memcmp(s, ver, vn))
		return false;
	for (i = vn; i < n && (s[i] == ' ' || s[i] == '\t'); i++)
		;
	return i == n || s[i] == ';';
}

/* ext-name = (ALPHA / DIGIT) *31(ALPHA / DIGIT / "_" / "-" / ".") */
static inline bool
txtfield_name_ok(const char *s, size_t n)
{
	if (n == 0 || n > 32)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		bool alnum =
		    (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
		if (!alnum && (i == 0 || (c != '_' && c != '-' && c != '.')))
			return false;
	}
	return true;
}

/* ext-value = 1*(%x21-3A / %x3C / %x3E-7E): printable ASCII but ';', '=' and space */
static inline bool
txtfield_value_ok(const char *s, size_t n)
{
	if (n == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x21 || c > 0x7e || c == ';' || c == '=')
			return false;
	}
	return true;
}

/* One field of such a record: its whole text, the name before the first '=' and the value after
 * it (has_value false, and an empty value, when there is no '='). */
struct txtfield {
	const char *text, *name, *value;
	size_t len, namelen, valuelen;
	bool has_value;
};

/* A record's fields one by one, after the version (*i starts at the version's length): false at
 * the end, or after the 64th field (a bound on hostile records, which are at most 64 KiB). */
static inline bool
txtfield_next(const char *s, size_t n, size_t *i, unsigned *count, struct txtfield *f)
{
	if (++*count > 64 || !taglist_next(s, n, i, &f->text, &f->len))
		return false;
	const char *eq = memchr(f->text, '=', f->len);
	f->name = f->text;
	f->namelen = eq ? (size_t)(eq - f->text) : f->len;
	f->value = eq ? eq + 1 : f->text + f->len;
	f->valuelen = (size_t)(f->text + f->len - f->value);
	f->has_value = eq != NULL;
	return true;
}

/* Is the field's name this one (case-sensitive, as the ABNF's %s strings)? */
static inline bool
txtfield_is(const struct txtfield *f, const char *name)
{
	return f->namelen == strlen(name) && !memcmp(f->name, name, f->namelen);
}

/* An extension field: ext-name "=" ext-value. */
static inline bool
txtfield_ext_ok(const struct txtfield *f)
{
	return f->has_value && txtfield_name_ok(f->name, f->namelen) &&
	       txtfield_value_ok(f->value, f->valuelen);
}

#endif
