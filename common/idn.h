/* SPDX-License-Identifier: ISC */
/* What a record says of an internationalised name: its Unicode form beside its A-label form,
 * and the MIXED-SCRIPT alert when its letters are of scripts that do not belong together or
 * imitate Latin ones (UTS #39). */
#ifndef IDN_H
#define IDN_H
#include <stdbool.h>
#include <stddef.h>

#include "dname.h"
#include "record.h"

#define IDN_ALERT "MIXED-SCRIPT"

/* Does the Unicode name s (n bytes of UTF-8, labels separated by dots) mix scripts: a label
 * with letters of two scripts no writing system uses together, or a label made only of Cyrillic
 * or Greek letters that look like Latin ones beside a label with Latin letters? NULL if not,
 * else which of the two (a static string). */
const char *idn_mixed_script(const char *s, size_t n);

/* For a valid name d of record r: add name_ascii and name_unicode when the two forms differ
 * (an IDN), and the alert when idn_mixed_script. Nothing for an invalid name. */
void idn_annotate(struct record *r, const struct dname *d);

#endif
