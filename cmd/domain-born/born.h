/* domain-born's own pieces shared between its files. */
#ifndef BORN_H
#define BORN_H
#include <stdbool.h>
#include <stdint.h>

#include "buf.h"
#include "http.h"
#include "rdap.h"

struct bootstrap_opts {
	const char *file;      /* --bootstrap: use this file, never download */
	const char *url;       /* where IANA publishes it */
	const char *overrides; /* --overrides FILE, or NULL */
	bool no_shipped;       /* do not read the shipped overrides */
	struct http_opts http; /* for the download */
	int64_t now;
};

/* The IANA registry and the overrides, loaded (and downloaded, refreshed) on first use. */
struct bootstrap {
	struct rdap_bootstrap *iana, *over;
	bool tried, ok;
	struct buf why; /* when !ok */
};

/* Load what the options name. Returns 0, or -1 (b->why says why; messages already printed). */
int bootstrap_load(struct bootstrap *b, const struct bootstrap_opts *o);
void bootstrap_free(struct bootstrap *b);
enum rdap_match bootstrap_lookup(const struct bootstrap *b, const char *name, bool allow_http,
				 const char **base);
/* Read a whole file of at most max bytes. Returns 0 or -1 with why. */
int read_file(const char *path, size_t max, struct buf *out, struct buf *why);

#endif
