/* SPDX-License-Identifier: ISC */
/* Writing JSON values into a buf: strings (always valid UTF-8 out), numbers, freq.py-style floats.
 */
#ifndef JSONW_H
#define JSONW_H
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* A quoted JSON string; ill-formed UTF-8 becomes U+FFFD, control characters are escaped. */
void jsonw_str(struct buf *b, const char *s, size_t n);
void jsonw_strz(struct buf *b, const char *s);
void jsonw_int(struct buf *b, long long v);
/* x rounded to `places` decimals and printed in the shortest form that reads back the same,
 * always with a decimal point (Python's repr(round(x, places))): 6.832, 0.0, 12.2034. */
void jsonw_round(struct buf *b, double x, int places);
/* The same for 4 places, fast and exact for scores; returns the rounded value as a double. */
double jsonw_round4(struct buf *b, double x);
/* Python's json.dumps (ensure_ascii) escaping, for files Python tools read back: one character
 * without quotes, or a whole UTF-8 string with them. */
void jsonw_ascii_char(struct buf *b, uint32_t c);
void jsonw_str_ascii(struct buf *b, const char *s, size_t n);
/* A member separator and key: ",\"key\":" (the comma only when b is not just after '{' or '['). */
void jsonw_key(struct buf *b, const char *key);

#endif
