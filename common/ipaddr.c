/* SPDX-License-Identifier: ISC */
/* IP address text to bytes exactly as glibc's inet_pton reads it, without the NUL-terminated copy
 * inet_pton needs: dns-grade parses thousands of addresses a second out of scan data (NS
 * addresses, MX addresses, SPF ip4/ip6), so the same answers are worth having in place. The
 * steps are glibc 2.36's inet_pton4 and inet_pton6 (resolv/inet_pton.c); fuzz/ipaddr.c checks
 * both against inet_pton on every input. */
#include <string.h>

#include "ascii.h"
#include "ipaddr.h"

bool
ipaddr_v4(const char *s, size_t n, unsigned char out[4])
{
	unsigned char tmp[4] = {0}, *tp = tmp;
	int octets = 0;
	bool digit = false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= '0' && c <= '9') {
			unsigned v = *tp * 10u + (unsigned)(c - '0');
			if ((digit && *tp == 0) || v > 255)
				return false; /* a leading zero, or over 255 */
			*tp = (unsigned char)v;
			if (!digit) {
				if (++octets > 4)
					return false;
				digit = true;
			}
		} else if (c == '.' && digit) {
			if (octets == 4)
				return false;
			*++tp = 0;
			digit = false;
		} else {
			return false;
		}
	}
	if (octets < 4)
		return false;
	memcpy(out, tmp, 4);
	return true;
}

/* The value of a hex digit, -1 for other bytes. */
#define HEX(c)                                                                                     \
	((c) >= '0' && (c) <= '9'   ? (c) - '0'                                                    \
	 : (c) >= 'a' && (c) <= 'f' ? (c) - 'a' + 10                                               \
	 : (c) >= 'A' && (c) <= 'F' ? (c) - 'A' + 10                                               \
				    : -1)
static const signed char hex_value[256] = {ASCII_TABLE(HEX)};
#undef HEX

bool
ipaddr_v6(const char *s, size_t n, unsigned char out[16])
{
	unsigned char tmp[16] = {0}, *tp = tmp, *const endp = tmp + 16, *colonp = NULL;
	const char *p = s, *end = s + n;
	/* a leading "::" takes its first colon here, its second below */
	if (p == end)
		return false;
	if (*p == ':' && (++p == end || *p != ':'))
		return false;
	const char *curtok = p;
	int xdigits = 0; /* hex digits since the last colon */
	unsigned val = 0;
	while (p < end) {
		char c = *p++;
		int d = hex_value[(unsigned char)c];
		if (d >= 0) {
			if (xdigits == 4)
				return false;
			val = val << 4 | (unsigned)d;
			xdigits++;
			continue;
		}
		if (c == ':') {
			curtok = p;
			if (xdigits == 0) {
				if (colonp)
					return false; /* a second "::" */
				colonp = tp;
				continue;
			}
			if (p == end || tp + 2 > endp)
				return false;
			*tp++ = (unsigned char)(val >> 8);
			*tp++ = (unsigned char)val;
			xdigits = 0;
			val = 0;
			continue;
		}
		/* an IPv4 address ends it, from the start of this group to the end */
		if (c == '.' && tp + 4 <= endp && ipaddr_v4(curtok, (size_t)(end - curtok), tp)) {
			tp += 4;
			xdigits = 0;
			break;
		}
		return false;
	}
	if (xdigits > 0) {
		if (tp + 2 > endp)
			return false;
		*tp++ = (unsigned char)(val >> 8);
		*tp++ = (unsigned char)val;
	}
	if (colonp) {
		/* "::" stands for the zeros that make sixteen bytes, at least one group of them */
		if (tp == endp)
			return false;
		size_t k = (size_t)(tp - colonp);
		memmove(endp - k, colonp, k);
		memset(colonp, 0, (size_t)(endp - k - colonp));
		tp = endp;
	}
	if (tp != endp)
		return false;
	memcpy(out, tmp, 16);
	return true;
}
