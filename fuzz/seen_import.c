/* SPDX-License-Identifier: ISC */
/* seen-db import over arbitrary bytes: the format sniffing, NDJSON records, bare lists,
 * rank,domain CSV and domain_stats' export array (json-c's incremental tokener), written to a
 * real store on /dev/shm (or $TMPDIR).
 * Input: byte 0 picks the format (auto, lines, domain-stats array, by its value modulo 3), the
 * rest is the file. The file reaches seen-db through a memfd opened by its /proc path, the way
 * `seen-db import FILE` opens one.
 * Checks: the import returns (no exit, no abort from the store) with status 0 or 1, or 2 for
 * a broken array, and the store still opens afterwards. The store is made anew every 2,048 inputs
 * so it stays small. */
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz.h"
#include "seen-db.h"
#include "tool.h"

/* seen-db.c's session helpers, without signals (this harness links import.c only). */
volatile sig_atomic_t stop_signal;

struct store *
open_store(const struct options *o, int flags)
{
	struct buf why = BUF_INIT;
	struct store *s = store_open(o->db, flags, &why);
	if (!s) {
		(dprintf)(2, "store: %s\n", why.s);
		abort();
	}
	buf_free(&why);
	return s;
}

void
close_store(struct store *s)
{
	struct buf why = BUF_INIT;
	if (store_close(s, &why) < 0) {
		(dprintf)(2, "store: %s\n", why.s);
		abort();
	}
	buf_free(&why);
}

void
catch_signals(void)
{
}

void
die_of_signal(void)
{
	abort(); /* no signal is ever caught here */
}

static char db_path[256];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_quiet();
	const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
	snprintf(db_path, sizeof db_path, "%s/domstat-fuzz-import-%d.db", dir ? dir : "/tmp",
		 (int)getpid());
	return 0;
}

static void
remove_store(void)
{
	static const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
	char p[300];
	for (size_t i = 0; i < sizeof suffix / sizeof *suffix; i++) {
		snprintf(p, sizeof p, "%s%s", db_path, suffix[i]);
		unlink(p);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const formats[] = {"auto", "ndjson", "domain-stats"};
	static unsigned long runs;
	if (size < 1)
		return 0;
	if (runs++ % 2048 == 0)
		remove_store();

	int fd = memfd_create("import", MFD_CLOEXEC);
	if (fd < 0 || write(fd, data + 1, size - 1) != (ssize_t)(size - 1))
		abort();
	char path[64];
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	char *argv[] = {path, NULL};
	struct options o = {
	    .db = db_path,
	    .field = "domain",
	    .max_line = 64 * 1024,
	    .format = formats[data[0] % 3],
	};
	int status = cmd_import(&o, 1, argv);
	/* Only an array can be broken beyond its records (status 2); lines never are. */
	size_t k = 1;
	while (k < size && memchr(" \t\r\n", data[k], 4))
		k++;
	bool array = data[0] % 3 == 2 || (data[0] % 3 == 0 && k < size && data[k] == '[');
	FUZZ_CHECK(status == 0 || status == EXIT_RECORD_ERRORS || (array && status == EXIT_FATAL));
	close(fd);

	/* What was committed can be read back. */
	struct store *s = open_store(&o, STORE_READONLY);
	close_store(s);
	return 0;
}
