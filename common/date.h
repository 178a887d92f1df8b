/* SPDX-License-Identifier: ISC */
/* Dates as the filters print and parse them. Times are Unix seconds (UTC) in int64_t. */
#ifndef DATE_H
#define DATE_H
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define DATE_UNKNOWN INT64_MIN

enum date_style {
	DATE_ISO,  /* 2026-11-23T14:00:00Z (ISO 8601 / RFC 3339, UTC) */
	DATE_HTTP, /* Mon, 23 Nov 2026 14:00:00 GMT (RFC 1123, domain_stats' form) */
};

/* "iso" or "http" to a style; -1 for anything else. */
int date_style_parse(const char *name);
void date_format(struct buf *b, int64_t t, enum date_style style);
/* Strict RFC 3339-like parse, as RDAP servers really send it:
 * YYYY-MM-DD[Tt ]HH:MM:SS[.F{1,9}][Z|z|+HH:MM|+HHMM|+HH|-...|nothing = UTC].
 * Returns 0 and sets *t, or -1 (nothing is guessed). */
int date_parse_iso(const char *s, size_t n, int64_t *t);
/* RFC 1123: "Sat, 07 Nov 2020 17:19:49 GMT" (also "UTC"). Returns 0 or -1. */
int date_parse_http(const char *s, size_t n, int64_t *t);
/* Seconds since the epoch for a UTC calendar date (no range checks). */
int64_t date_from_civil(int64_t y, int m, int d, int hh, int mm, int ss);

#endif
