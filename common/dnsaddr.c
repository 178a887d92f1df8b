/* SPDX-License-Identifier: ISC */
/* Server addresses, address ranges and resolv.conf for the DNS client. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dns.h"
#include "xalloc.h"

int
dns_addr_from_ip(const char *ip, uint16_t port, struct dns_addr *a)
{
	memset(a, 0, sizeof *a);
	struct sockaddr_in *s4 = (struct sockaddr_in *)&a->ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&a->ss;
	if (inet_pton(AF_INET, ip, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		a->len = sizeof *s4;
		return 0;
	}
	if (inet_pton(AF_INET6, ip, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		a->len = sizeof *s6;
		return 0;
	}
	return -1;
}

static int
parse_port(const char *s, uint16_t *port)
{
	char *end;
	long v = strtol(s, &end, 10);
	if (!*s || *end || v < 1 || v > 65535)
		return -1;
	*port = (uint16_t)v;
	return 0;
}

int
dns_addr_parse(const char *s, uint16_t defport, struct dns_addr *a)
{
	char host[128];
	uint16_t port = defport;
	size_t n = strlen(s);
	if (n == 0 || n >= sizeof host)
		return -1;
	if (s[0] == '[') {
		const char *close = strchr(s, ']');
		if (!close || (size_t)(close - s - 1) >= sizeof host)
			return -1;
		memcpy(host, s + 1, (size_t)(close - s - 1));
		host[close - s - 1] = '\0';
		if (close[1] == ':') {
			if (parse_port(close + 2, &port) < 0)
				return -1;
		} else if (close[1]) {
			return -1;
		}
		return dns_addr_from_ip(host, port, a);
	}
	const char *colon = strchr(s, ':');
	if (colon && !strchr(colon + 1, ':')) {
		memcpy(host, s, (size_t)(colon - s));
		host[colon - s] = '\0';
		if (parse_port(colon + 1, &port) < 0)
			return -1;
		return dns_addr_from_ip(host, port, a);
	}
	return dns_addr_from_ip(s, port, a); /* IPv4 or a bare IPv6 address */
}

void
dns_addr_str(const struct dns_addr *a, char *out, size_t n)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	if (a->ss.ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)&a->ss;
		inet_ntop(AF_INET, &s4->sin_addr, ip, sizeof ip);
		snprintf(out, n, "%s:%u", ip, ntohs(s4->sin_port));
	} else if (a->ss.ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)&a->ss;
		inet_ntop(AF_INET6, &s6->sin6_addr, ip, sizeof ip);
		snprintf(out, n, "[%s]:%u", ip, ntohs(s6->sin6_port));
	} else {
		snprintf(out, n, "?");
	}
}

void
dns_addr_ip(const struct dns_addr *a, char *out, size_t n)
{
	char ip[INET6_ADDRSTRLEN] = "?";
	if (a->ss.ss_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)&a->ss)->sin_addr, ip, sizeof ip);
	else if (a->ss.ss_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)&a->ss)->sin6_addr, ip,
			  sizeof ip);
	snprintf(out, n, "%s", ip);
}

void
dns_addr_set_port(struct dns_addr *a, uint16_t port)
{
	if (a->ss.ss_family == AF_INET)
		((struct sockaddr_in *)&a->ss)->sin_port = htons(port);
	else if (a->ss.ss_family == AF_INET6)
		((struct sockaddr_in6 *)&a->ss)->sin6_port = htons(port);
}

int
dns_cidr_parse(const char *s, struct dns_cidr *c)
{
	char ip[INET6_ADDRSTRLEN + 1];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	if (n == 0 || n >= sizeof ip)
		return -1;
	memcpy(ip, s, n);
	ip[n] = '\0';
	memset(c, 0, sizeof *c);
	if (inet_pton(AF_INET, ip, c->addr) == 1) {
		c->family = AF_INET;
		c->bits = 32;
	} else if (inet_pton(AF_INET6, ip, c->addr) == 1) {
		c->family = AF_INET6;
		c->bits = 128;
	} else {
		return -1;
	}
	if (slash) {
		char *end;
		long b = strtol(slash + 1, &end, 10);
		if (!slash[1] || *end || b < 0 || b > c->bits)
			return -1;
		c->bits = (int)b;
	}
	return 0;
}

static bool
prefix_eq(const uint8_t *a, const uint8_t *b, int bits)
{
	int full = bits / 8, rest = bits % 8;
	if (memcmp(a, b, (size_t)full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (a[full] & mask) == (b[full] & mask);
}

bool
dns_cidr_match(const struct dns_cidr *c, size_t n, const struct dns_addr *a)
{
	const uint8_t *bytes;
	int family = a->ss.ss_family;
	if (family == AF_INET)
		bytes = (const uint8_t *)&((const struct sockaddr_in *)&a->ss)->sin_addr;
	else if (family == AF_INET6)
		bytes = (const uint8_t *)&((const struct sockaddr_in6 *)&a->ss)->sin6_addr;
	else
		return false;
	for (size_t i = 0; i < n; i++)
		if (c[i].family == family && prefix_eq(c[i].addr, bytes, c[i].bits))
			return true;
	return false;
}

int
dns_resolvconf(const char *path, struct dns_addr **v, size_t *n, size_t *cap)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char *line = NULL;
	size_t linecap = 0;
	int found = 0;
	while (getline(&line, &linecap, f) > 0) {
		char word[16], addr[128];
		if (sscanf(line, "%15s %127s", word, addr) != 2 || strcmp(word, "nameserver"))
			continue;
		char *pct = strchr(addr, '%'); /* fe80::1%eth0: the zone is not kept */
		if (pct)
			*pct = '\0';
		struct dns_addr a;
		if (dns_addr_from_ip(addr, 53, &a) < 0)
			continue;
		*v = xgrow(*v, cap, *n + 1, sizeof **v);
		(*v)[(*n)++] = a;
		found++;
	}
	free(line);
	fclose(f);
	return found;
}
