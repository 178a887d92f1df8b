/* SPDX-License-Identifier: ISC */
/* The one list of error codes: every `code` an `errors` entry carries, and every value of the
 * `error` members of dns-scan's `dns` record, whichever command writes it. Lower-case kebab
 * case; the meanings are in domstat(7), "Error codes". A code is added here and there. */
#ifndef ERRCODE_H
#define ERRCODE_H
#include <stdbool.h>
#include <stddef.h>

extern const char *const errcode_list[];
extern const size_t errcode_count;

/* Is code on the list? */
bool errcode_known(const char *code);

#endif
