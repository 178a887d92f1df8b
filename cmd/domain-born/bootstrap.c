/* SPDX-License-Identifier: ISC */
/* The RDAP bootstrap registry: a given file, or IANA's, kept in the user's cache folder and
 * refreshed at most daily with a conditional GET; a stale copy serves (with a warning) when a
 * refresh fails. Overrides add TLDs IANA lists no server for. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "born.h"
#include "date.h"
#include "tool.h"
#include "xalloc.h"

#define BOOTSTRAP_MAX (16 * 1024 * 1024)
#define REFRESH_AFTER 86400

int
read_file(const char *path, size_t max, struct buf *out, struct buf *why)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		buf_addf(why, "cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	buf_reset(out);
	for (;;) {
		buf_grow(out, 65536);
		ssize_t n = read(fd, out->s + out->len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			buf_addf(why, "cannot read '%s': %s", path, strerror(errno));
			close(fd);
			return -1;
		}
		if (n == 0)
			break;
		out->len += (size_t)n;
		out->s[out->len] = '\0';
		if (out->len > max) {
			buf_addf(why, "'%s' is larger than %zu bytes", path, max);
			close(fd);
			return -1;
		}
	}
	close(fd);
	return 0;
}

static int
parse_into(struct rdap_bootstrap *bs, const char *path, const char *data, size_t n, struct buf *why)
{
	struct buf err = BUF_INIT;
	int rc = rdap_bootstrap_parse(bs, data, n, &err);
	if (rc < 0)
		buf_addf(why, "'%s' is not an RDAP bootstrap file: %s", path, err.s);
	buf_free(&err);
	return rc < 0 ? -1 : 0;
}

static int
load_file(struct rdap_bootstrap *bs, const char *path, struct buf *why)
{
	struct buf data = BUF_INIT;
	int rc = read_file(path, BOOTSTRAP_MAX, &data, why);
	if (rc == 0)
		rc = parse_into(bs, path, buf_str(&data), data.len, why);
	buf_free(&data);
	return rc;
}

/* $XDG_CACHE_HOME/domstat (or ~/.cache/domstat), created if needed. */
static char *
cache_dir(void)
{
	struct buf b = BUF_INIT;
	const char *x = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
	if (x && *x == '/')
		buf_adds(&b, x);
	else if (home && *home)
		buf_addf(&b, "%s/.cache", home);
	else
		return NULL;
	mkdir(b.s, 0700);
	buf_adds(&b, "/domstat");
	mkdir(b.s, 0700);
	return b.s;
}

static int
write_atomic(const char *path, const char *data, size_t n, struct buf *why)
{
	struct buf tmp = BUF_INIT;
	/* mkstemp: an unpredictable name made with O_EXCL, so a link planted in the cache folder
	 * is never written through */
	buf_addf(&tmp, "%s.XXXXXX", path);
	int fd = mkstemp(tmp.s);
	int rc = -1;
	if (fd >= 0)
		(void)fchmod(fd, 0644);
	if (fd < 0) {
		buf_addf(why, "cannot create '%s': %s", tmp.s, strerror(errno));
		goto out;
	}
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, data + off, n - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			buf_addf(why, "cannot write '%s': %s", tmp.s, strerror(errno));
			close(fd);
			unlink(tmp.s);
			goto out;
		}
		off += (size_t)w;
	}
	if (close(fd) < 0 || rename(tmp.s, path) < 0) {
		buf_addf(why, "cannot save '%s': %s", path, strerror(errno));
		unlink(tmp.s);
		goto out;
	}
	rc = 0;
out:
	buf_free(&tmp);
	return rc;
}

/* IANA's file from the cache, refreshed when older than a day. */
static int
load_iana(struct rdap_bootstrap *bs, const struct bootstrap_opts *o, struct buf *why)
{
	char *dir = cache_dir();
	if (!dir) {
		buf_adds(why, "no cache folder (set HOME or XDG_CACHE_HOME)");
		return -1;
	}
	struct buf path = BUF_INIT, body = BUF_INIT, err = BUF_INIT;
	buf_addf(&path, "%s/rdap-dns.json", dir);
	free(dir);
	struct stat st;
	/* only a regular file of ours is the copy: a link planted there is neither read nor
	 * written through (the download replaces it) */
	bool have = lstat(path.s, &st) == 0 && S_ISREG(st.st_mode);
	int rc = -1;
	if (have && o->now - (int64_t)st.st_mtime < REFRESH_AFTER &&
	    o->now >= (int64_t)st.st_mtime) {
		rc = load_file(bs, path.s, why);
		goto out;
	}
	long status = http_get_once(&o->http, o->url, have ? (int64_t)st.st_mtime : 0, &body, &err);
	if (status == 304) {
		utimes(path.s, NULL); /* fresh for another day */
		rc = load_file(bs, path.s, why);
		goto out;
	}
	if (status == 200) {
		struct rdap_bootstrap *probe = rdap_bootstrap_new();
		int ok = parse_into(probe, o->url, buf_str(&body), body.len, &err);
		rdap_bootstrap_free(probe);
		if (ok == 0) {
			if (write_atomic(path.s, buf_str(&body), body.len, &err) < 0)
				tool_warn("%s", err.s);
			rc = parse_into(bs, o->url, buf_str(&body), body.len, why);
			goto out;
		}
	} else if (status > 0) {
		buf_addf(&err, "HTTP status %ld", status);
	}
	if (have) {
		struct buf when = BUF_INIT;
		date_format(&when, (int64_t)st.st_mtime, DATE_ISO);
		tool_warn("cannot refresh the RDAP bootstrap from '%s': %s; using the copy of %s",
			  o->url, err.s, when.s);
		buf_free(&when);
		rc = load_file(bs, path.s, why);
	} else {
		buf_addf(why, "cannot download the RDAP bootstrap from '%s': %s", o->url, err.s);
	}
out:
	buf_free(&path);
	buf_free(&body);
	buf_free(&err);
	return rc;
}

int
bootstrap_load(struct bootstrap *b, const struct bootstrap_opts *o)
{
	b->tried = true;
	b->iana = rdap_bootstrap_new();
	b->over = rdap_bootstrap_new();
	int rc;
	if (o->file)
		rc = load_file(b->iana, o->file, &b->why);
	else
		rc = load_iana(b->iana, o, &b->why);
	if (rc < 0) {
		tool_warn("%s", b->why.s);
		return -1;
	}
	/* Overrides: the user's file first (its entries win), then the shipped one. */
	struct buf why = BUF_INIT;
	if (o->overrides && load_file(b->over, o->overrides, &why) < 0) {
		buf_addf(&b->why, "%s", why.s);
		tool_warn("%s", why.s);
		buf_free(&why);
		return -1;
	}
	const char *cfg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	struct buf user = BUF_INIT;
	if (cfg && *cfg == '/')
		buf_addf(&user, "%s/domstat/rdap-overrides.json", cfg);
	else if (home && *home)
		buf_addf(&user, "%s/.config/domstat/rdap-overrides.json", home);
	if (user.len && access(user.s, F_OK) == 0 && load_file(b->over, user.s, &why) < 0)
		tool_warn("%s (ignored)", why.s);
	buf_free(&user);
	if (!o->file && !o->no_shipped) {
		char *shipped = share_path("rdap/overrides.json");
		buf_reset(&why);
		if (shipped && load_file(b->over, shipped, &why) < 0)
			tool_warn("%s (ignored)", why.s);
		free(shipped);
	}
	buf_free(&why);
	b->ok = true;
	return 0;
}

void
bootstrap_free(struct bootstrap *b)
{
	rdap_bootstrap_free(b->iana);
	rdap_bootstrap_free(b->over);
	buf_free(&b->why);
}

enum rdap_match
bootstrap_lookup(const struct bootstrap *b, const char *name, bool allow_http, const char **base)
{
	enum rdap_match m = rdap_bootstrap_lookup(b->iana, name, allow_http, base);
	if (m == RDAP_MATCH_NONE)
		m = rdap_bootstrap_lookup(b->over, name, allow_http, base);
	return m;
}
