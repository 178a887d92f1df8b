/* SPDX-License-Identifier: ISC */
/* IP address text to bytes as glibc's inet_pton reads it, on n bytes in place (no copy, no NUL
 * needed): true and the address in out, or false (out unchanged). */
#ifndef IPADDR_H
#define IPADDR_H
#include <stdbool.h>
#include <stddef.h>

bool ipaddr_v4(const char *s, size_t n, unsigned char out[4]);
bool ipaddr_v6(const char *s, size_t n, unsigned char out[16]);

#endif
