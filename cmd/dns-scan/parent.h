/* SPDX-License-Identifier: ISC */
/* The servers of a domain's parent zone, to ask them for the delegation as the parent has it:
 * found through the resolvers once per parent name a run (most domains of a scan share a few
 * parents), the domains that need them waiting meanwhile. */
#ifndef PARENT_H
#define PARENT_H
#include <stddef.h>
#include <stdint.h>

#include "dns.h"

#define PARENT_MAX_NS	 8 /* name servers of the parent asked for addresses */
#define PARENT_MAX_ADDRS 8 /* addresses asked for the delegation */

struct parent_info {
	const char *zone; /* the parent zone (the owner of the SOA it answered), or NULL */
	char *const *ns;  /* its name servers' names */
	size_t nns;
	const struct dns_addr *addrs; /* their addresses, with the name server port */
	size_t naddrs;
	int cause; /* -1, or the dns_cause (DNS_C_COUNT: another rcode) of the lookup that failed */
};

typedef void (*parent_ready_fn)(void *ctx, const struct parent_info *p);

struct parents;

struct parents *parents_new(struct dns_engine *e, uint16_t ns_port);
void parents_free(struct parents *ps);
/* Call ready(ctx, info) once: at once when the parent name pname is known, else from
 * dns_engine_run when its lookup ends. info is valid during the call. */
void parents_get(struct parents *ps, const char *pname, parent_ready_fn ready, void *ctx);

#endif
