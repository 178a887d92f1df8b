/* SPDX-License-Identifier: ISC */
/* UTF-8 decoding with U+FFFD replacement (Unicode's "maximal subpart" rule, as Python does). */
#ifndef UTF8_H
#define UTF8_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define UTF8_REPLACEMENT 0xFFFD

/* Decode one character at s (n > 0 bytes left); returns bytes used (>= 1). Invalid input gives
 * U+FFFD for each maximal subpart of an ill-formed sequence. */
size_t utf8_decode1(const unsigned char *s, size_t n, uint32_t *cp);
bool utf8_valid(const char *s, size_t n);
void buf_add_utf8(struct buf *b, uint32_t cp);
/* Append s, replacing ill-formed sequences with U+FFFD. */
void buf_add_utf8_repaired(struct buf *b, const char *s, size_t n);
/* Append outside text for a terminal or a mail: ill-formed sequences become U+FFFD and control
 * characters (C0, DEL, C1) \xNN or \uNNNN, as tool_warn writes them, so the text stays on its
 * line and carries no escape sequence. */
void buf_add_printable(struct buf *b, const char *s, size_t n);

#endif
