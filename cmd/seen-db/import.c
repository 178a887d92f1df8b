/* SPDX-License-Identifier: ISC */
/* seen-db import: NDJSON records, bare lists, rank,domain CSV (Tranco, Umbrella) and
 * domain_stats' export array (streamed with json-c's incremental tokener, never slurped).
 * Imported names never raise a first contact; importing the same file again changes nothing. */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "date.h"
#include "dname.h"
#include "errcode.h"
#include "jscan.h"
#include "progress.h"
#include "record.h"
#include "seen-db.h"
#include "store.h"
#include "tool.h"
#include "xalloc.h"

/* Largest single element of a domain_stats array we accept (a real one is ~150 bytes). */
#define MAX_ELEMENT (64 * 1024)
/* Names sorted and written per batch: bounds memory (~20 MB) and how long a batch holds
 * the write lock (well under a second). */
#define IMPORT_CHUNK 200000

enum fmt { FMT_AUTO, FMT_LINES, FMT_ARRAY };

/* One imported name and what came with it; DATE_UNKNOWN where nothing did. */
struct item {
	int64_t first_seen, last_seen, times_seen, expires;
	bool never_expire;
	const char *source; /* NULL: the import's tag */
	bool has_reg;
	struct reg_info reg;
};

struct pending {
	uint64_t key8; /* the first 8 bytes of the domain, big-endian: most comparisons end here */
	size_t dom, src, rsrc, rsrv, rcode, rmsg, ralerts; /* arena offsets */
	struct seen_info si;
	bool has_reg;
	struct reg_info reg;
};

struct importer {
	const struct options *o;
	struct store *s;
	struct dname d;
	struct buf why, tag, tmp;
	const char *fname;
	int64_t now;
	long imported, rejected;
	unsigned long chunk_first, at; /* line (or element) numbers */
	struct pending *pend;	       /* names read but not yet written, */
	size_t npend, cappend;
	struct buf arena; /* and their strings */
};

static void
item_init(struct item *it)
{
	*it = (struct item){DATE_UNKNOWN,
			    DATE_UNKNOWN,
			    0,
			    DATE_UNKNOWN,
			    false,
			    NULL,
			    false,
			    {DATE_UNKNOWN, DATE_UNKNOWN, NULL, NULL, DATE_UNKNOWN, NULL, NULL,
			     DATE_UNKNOWN, 0, NULL}};
}

static void __attribute__((noreturn)) import_failed(struct importer *im)
{
	tool_warn("%s", im->why.s);
	if (im->npend)
		tool_warn("'%s': records %lu to %lu were not stored; run the same import again "
			  "(imports are idempotent)",
			  im->fname, im->chunk_first, im->at);
	exit(tool_finish(EXIT_FATAL));
}

/* code: from common/errcode.c, as a record error would carry it; NULL when the reader has
 * already reported the line with its code */
static void
reject(struct importer *im, const char *code, const char *fmt, const char *arg)
{
	struct buf m = BUF_INIT;
	buf_addf(&m, fmt, arg);
	if (code) {
		assert(errcode_known(code));
		buf_addf(&m, " [%s]", code);
	}
	tool_warn("'%s': %lu: %s", im->fname, im->at, m.s);
	buf_free(&m);
	im->rejected++;
}

/* Registration data from a file replaces an earlier import's, never what RDAP, WHOIS or the ISC
 * service said. */
static bool
may_replace_reg(struct importer *im, const char *dom)
{
	struct reg_info old;
	int rc = store_reg_get(im->s, dom, &old, &im->why);
	if (rc < 0)
		import_failed(im);
	if (rc == 0 || old.error_code)
		return true;
	return !old.source || (strcmp(old.source, "RDAP") && strcmp(old.source, "WHOIS") &&
			       strcmp(old.source, "ISC"));
}

/* Arena offsets are stored plus one, so 0 means NULL. */
static size_t
keep_str(struct importer *im, const char *str)
{
	if (!str)
		return 0;
	size_t off = im->arena.len + 1;
	buf_add(&im->arena, str, strlen(str) + 1);
	return off;
}

static const char *
arena_str(const struct importer *im, size_t off)
{
	return off ? im->arena.s + off - 1 : NULL;
}

static int
cmp_pending(const void *a, const void *b, void *arg)
{
	const struct importer *im = arg;
	uint64_t ka = ((const struct pending *)a)->key8, kb = ((const struct pending *)b)->key8;
	if (ka != kb)
		return ka < kb ? -1 : 1;
	return strcmp(arena_str(im, ((const struct pending *)a)->dom),
		      arena_str(im, ((const struct pending *)b)->dom));
}

/* Write the queued names in key order (an ordered walk of the B-tree is several times faster
 * than random inserts) and commit them as one batch. */
static void
flush_chunk(struct importer *im)
{
	if (im->npend == 0)
		return;
	qsort_r(im->pend, im->npend, sizeof *im->pend, cmp_pending, im);
	if (store_begin(im->s, &im->why) < 0)
		import_failed(im);
	for (size_t i = 0; i < im->npend; i++) {
		struct pending *p = &im->pend[i];
		const char *dom = arena_str(im, p->dom);
		p->si.source = arena_str(im, p->src);
		if (store_seen_import(im->s, dom, &p->si, &im->why) < 0)
			import_failed(im);
		if (p->has_reg && may_replace_reg(im, dom)) {
			p->reg.source = arena_str(im, p->rsrc);
			p->reg.server = arena_str(im, p->rsrv);
			p->reg.error_code = arena_str(im, p->rcode);
			p->reg.error_msg = arena_str(im, p->rmsg);
			p->reg.alerts = arena_str(im, p->ralerts);
			if (store_reg_put(im->s, dom, &p->reg, &im->why) < 0)
				import_failed(im);
		}
	}
	if (store_commit(im->s, &im->why) < 0)
		import_failed(im);
	im->imported += (long)im->npend;
	im->npend = 0;
	buf_reset(&im->arena);
}

static void
import_item(struct importer *im, const char *name, size_t n, struct item *it)
{
	if (dname_set(&im->d, name, n) < 0) {
		reject(im, "invalid-name", "invalid name: %s", im->d.invalid);
		return;
	}
	if (!dname_registrable(&im->d)) {
		reject(im, "no-registrable-domain", "no registrable domain in '%s'", im->d.text.s);
		return;
	}
	if (im->npend == 0)
		im->chunk_first = im->at;
	if (im->npend == im->cappend)
		im->pend = xgrow(im->pend, &im->cappend, im->npend + 1, sizeof *im->pend);
	struct pending *p = &im->pend[im->npend++];
	memset(p, 0, sizeof *p);
	p->dom = keep_str(im, im->d.reg_ascii);
	for (int i = 0; i < 8 && im->d.reg_ascii[i]; i++)
		p->key8 |= (uint64_t)(unsigned char)im->d.reg_ascii[i] << (56 - 8 * i);
	p->src = keep_str(im, im->o->tag ? im->o->tag : it->source ? it->source : im->tag.s);
	p->si = (struct seen_info){
	    .first_seen = it->first_seen,
	    .times_seen = it->times_seen > 0 ? it->times_seen : 0,
	    .never_expire = im->o->never_expire || it->never_expire,
	    .expires = it->expires,
	};
	p->si.last_seen = it->last_seen;
	if (it->has_reg) {
		struct reg_info *ri = &p->reg;
		p->has_reg = true;
		*ri = it->reg;
		/* the sighting's source is already in the arena: share its offset (copying it from
		 * the arena into the arena read freed memory when the copy grew it) */
		p->rsrc = !ri->source || im->o->tag ? p->src : keep_str(im, ri->source);
		p->rsrv = keep_str(im, ri->server);
		p->rcode = keep_str(im, ri->error_code);
		p->rmsg = keep_str(im, ri->error_msg);
		p->ralerts = keep_str(im, ri->alerts);
		if (ri->fetched == DATE_UNKNOWN)
			ri->fetched = im->now;
		if (ri->expires == DATE_UNKNOWN)
			ri->expires = it->expires;
		if (ri->valid_until == DATE_UNKNOWN)
			ri->valid_until = ri->expires != DATE_UNKNOWN ? ri->expires : INT64_MAX;
	}
	if (im->npend >= IMPORT_CHUNK)
		flush_chunk(im);
}

/* A time in a record: ISO 8601 or RFC 1123 string, epoch number, or null. 0, or -1. */
static int
span_time(struct jspan v, struct buf *tmp, int64_t *t)
{
	*t = DATE_UNKNOWN;
	if (v.n == 4 && !memcmp(v.p, "null", 4))
		return 0;
	if (v.n >= 2 && v.p[0] == '"') {
		buf_reset(tmp);
		jscan_str_decode(v, tmp);
		if (date_parse_iso(tmp->s, tmp->len, t) == 0 ||
		    date_parse_http(tmp->s, tmp->len, t) == 0)
			return 0;
		return -1;
	}
	char num[64];
	if (v.n == 0 || v.n >= sizeof num)
		return -1;
	memcpy(num, v.p, v.n);
	num[v.n] = '\0';
	char *end;
	errno = 0;
	double d = strtod(num, &end);
	if (*end || errno || d != d || d < -1e15 || d > 1e15)
		return -1;
	*t = (int64_t)d;
	return 0;
}

static bool
member_time(struct importer *im, struct jspan obj, const char *key, int64_t *t, bool *bad)
{
	struct jspan v;
	if (!jscan_get(obj, key, strlen(key), &v))
		return false;
	if (span_time(v, &im->tmp, t) < 0) {
		*bad = true;
		reject(im, "bad-date", "'%s' is not a date", key);
	}
	return true;
}

/* The registration's alerts array as the store keeps it, one a line; false when it has none.
 * Members that are not strings, or hold a line break or NUL, are left out. */
static bool
registration_alerts(struct jspan reg, struct buf *out)
{
	struct jspan arr, el;
	size_t it = 0;
	buf_reset(out);
	if (!jscan_get(reg, "alerts", 6, &arr) || !arr.n || arr.p[0] != '[')
		return false;
	static struct buf one; /* reused alert to alert, reset before each; empty after it */
	while (jscan_array_next(arr, &it, &el)) {
		if (!el.n || el.p[0] != '"')
			continue;
		buf_reset(&one);
		jscan_str_decode(el, &one);
		if (!one.len || memchr(one.s, '\n', one.len) || memchr(one.s, '\0', one.len))
			continue;
		if (out->len)
			buf_addc(out, '\n');
		buf_add(out, one.s, one.len);
	}
	return out->len > 0;
}

/* Our own NDJSON (export) or any record with a domain: take what we understand. */
static void
import_json_record(struct importer *im, const struct record *r, struct buf *src)
{
	struct item it;
	item_init(&it);
	struct jspan obj = {r->text.s, r->text.len}, v, reg;
	bool bad = false;
	member_time(im, obj, "first_seen", &it.first_seen, &bad);
	member_time(im, obj, "last_seen", &it.last_seen, &bad);
	member_time(im, obj, "expires", &it.expires, &bad);
	if (jscan_get(obj, "times_seen", 10, &v) && v.n && v.n < 20)
		it.times_seen = strtoll(v.p, NULL, 10);
	if (jscan_get(obj, "never_expire", 12, &v))
		it.never_expire = v.n == 4 && !memcmp(v.p, "true", 4);
	if (jscan_get(obj, "source", 6, &v) && v.n >= 2 && v.p[0] == '"') {
		buf_reset(src);
		jscan_str_decode(v, src);
		if (src->len && !memchr(src->s, '\0', src->len))
			it.source = src->s;
	}
	if (jscan_get(obj, "registration", 12, &reg) && reg.n && reg.p[0] == '{') {
		it.has_reg = true;
		member_time(im, reg, "created", &it.reg.created, &bad);
		member_time(im, reg, "expires", &it.reg.expires, &bad);
		member_time(im, reg, "fetched", &it.reg.fetched, &bad);
		member_time(im, reg, "valid_until", &it.reg.valid_until, &bad);
		/* the ISC service's date and alerts (export writes them when it answered) */
		if (member_time(im, reg, "isc_seen", &it.reg.isc_seen, &bad) &&
		    it.reg.isc_seen == DATE_UNKNOWN)
			it.reg.isc_seen = 0;
		/* static: it.reg's strings point into these until the item is stored, and one set
		 * reused line to line spares an allocation per field; each is reset before use */
		static struct buf ra;
		if (registration_alerts(reg, &ra))
			it.reg.alerts = ra.s;
		/* A copied registration keeps where it came from, unless --tag says otherwise. */
		static struct buf rs, rsv, rc, rm;
		const struct {
			const char *key;
			struct buf *b;
			const char **dst;
		} strs[] = {{"source", &rs, &it.reg.source},
			    {"server", &rsv, &it.reg.server},
			    {"error_code", &rc, &it.reg.error_code},
			    {"error_msg", &rm, &it.reg.error_msg}};
		for (size_t i = 0; i < 4; i++) {
			if (jscan_get(reg, strs[i].key, strlen(strs[i].key), &v) && v.n >= 2 &&
			    v.p[0] == '"') {
				buf_reset(strs[i].b);
				jscan_str_decode(v, strs[i].b);
				*strs[i].dst = strs[i].b->s;
			}
		}
	} else {
		/* domain_stats-shaped records: seen_by_web or created is the registration date. */
		if (member_time(im, obj, "created", &it.reg.created, &bad) ||
		    (jscan_get(obj, "seen_by_web", 11, &v) && v.n > 2 && v.p[0] == '"' &&
		     span_time(v, &im->tmp, &it.reg.created) == 0))
			it.has_reg = it.reg.created != DATE_UNKNOWN;
	}
	if (!bad)
		import_item(im, r->name.s, r->name.len, &it);
}

static void
import_lines(struct importer *im, struct rec_reader *in)
{
	struct record r;
	struct buf src = BUF_INIT;
	rec_init(&r);
	int rc;
	while ((rc = rec_read(in, &r)) > 0) {
		progress_count((unsigned long long)(im->imported + im->rejected), "names");
		im->at = r.lineno;
		if (r.kind == REC_BLANK)
			continue;
		if (r.kind == REC_BAD) {
			reject(im, NULL, "%s", "not a record (broken JSON or an over-long line)");
			continue;
		}
		if (!r.has_name) {
			reject(im, "no-field", "no '%s' member", in->field);
			continue;
		}
		if (r.kind == REC_JSON) {
			import_json_record(im, &r, &src);
		} else {
			struct item it;
			item_init(&it);
			import_item(im, r.name.s, r.name.len, &it);
		}
		if (stop_signal)
			break;
	}
	if (rc < 0) {
		flush_chunk(im);
		tool_die("cannot read '%s': %s", im->fname, strerror(in->lr.error));
	}
	rec_free(&r);
	buf_free(&src);
}

/* One object of domain_stats' array: {domain, seen_by_web, expires, freq_score, seen_by_isc}. */
static void
import_element(struct importer *im, json_object *obj)
{
	json_object *v;
	if (!json_object_is_type(obj, json_type_object)) {
		reject(im, "no-field", "%s", "element is not an object");
		return;
	}
	if (!json_object_object_get_ex(obj, "domain", &v)) {
		reject(im, "no-field", "%s", "element has no 'domain' member");
		return;
	}
	if (!json_object_is_type(v, json_type_string)) {
		reject(im, "field-not-string", "%s", "element's 'domain' is not a string");
		return;
	}
	const char *name = json_object_get_string(v);
	size_t n = (size_t)json_object_get_string_len(v);
	struct item it;
	item_init(&it);
	if (json_object_object_get_ex(obj, "expires", &v) && v &&
	    (json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int))) {
		double e = json_object_get_double(v);
		/* 0 meant "never" to the original importer, like null. */
		if (e > 0 && e < 1e15)
			it.expires = (int64_t)e;
	}
	if (json_object_object_get_ex(obj, "seen_by_web", &v) &&
	    json_object_is_type(v, json_type_string)) {
		const char *w = json_object_get_string(v);
		size_t wn = (size_t)json_object_get_string_len(v);
		if (date_parse_http(w, wn, &it.reg.created) == 0 ||
		    date_parse_iso(w, wn, &it.reg.created) == 0)
			it.has_reg = true;
		else
			it.reg.created = DATE_UNKNOWN;
	}
	import_item(im, name, n, &it);
}

/* Stream the array: skip '[' and separators ourselves, hand each element to the tokener. */
/* A broken array ends its file: the elements before the damage are kept, the message names
 * where it is, and false tells the caller (a JSON array has no line to resume at). */
static bool
import_array(struct importer *im, int fd, const char *pre, size_t npre)
{
	enum { BEFORE, FIRST, ELEM, IN, AFTER, DONE } state = BEFORE;
	json_tokener *tok = json_tokener_new();
	char chunk[65536];
	size_t elem_bytes = 0;
	unsigned long offset = 0;
	im->at = 0;
	const char *p = pre;
	size_t n = npre;
	for (;;) {
		size_t i = 0;
		while (i < n) {
			char c = p[i];
			if (state != IN && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
				i++;
				continue;
			}
			switch (state) {
			case BEFORE:
				if (c != '[')
					goto syntax;
				state = FIRST;
				i++;
				break;
			case FIRST:
				if (c == ']') {
					state = DONE;
					i++;
					break;
				}
				state = IN;
				im->at++;
				break;
			case ELEM:
				state = IN;
				im->at++;
				break;
			case IN: {
				json_object *obj = json_tokener_parse_ex(tok, p + i, (int)(n - i));
				size_t used = json_tokener_get_parse_end(tok);
				enum json_tokener_error err = json_tokener_get_error(tok);
				i += used;
				if (obj) {
					import_element(im, obj);
					json_object_put(obj);
					json_tokener_reset(tok);
					elem_bytes = 0;
					state = AFTER;
				} else if (err == json_tokener_continue) {
					elem_bytes += used;
					if (elem_bytes > MAX_ELEMENT) {
						tool_warn(
						    "'%s': element %lu is larger than %d bytes",
						    im->fname, im->at, MAX_ELEMENT);
						goto broken;
					}
				} else {
					tool_warn("'%s': element %lu: %s", im->fname, im->at,
						  json_tokener_error_desc(err));
					goto broken;
				}
				if (stop_signal)
					goto out;
				break;
			}
			case AFTER:
				if (c == ',')
					state = ELEM;
				else if (c == ']')
					state = DONE;
				else
					goto syntax;
				i++;
				break;
			case DONE:
				goto syntax;
			}
			continue;
		syntax:
			tool_warn("'%s': byte %lu: not a JSON array of objects", im->fname,
				  offset + (unsigned long)i + 1);
			goto broken;
		}
		offset += n;
		ssize_t r;
		do
			r = read(fd, chunk, sizeof chunk);
		while (r < 0 && errno == EINTR && !stop_signal);
		if (stop_signal)
			break;
		if (r < 0) {
			flush_chunk(im);
			tool_die("cannot read '%s': %s", im->fname, strerror(errno));
		}
		if (r == 0)
			break;
		p = chunk;
		n = (size_t)r;
	}
	if (!stop_signal && state != DONE) {
		tool_warn("'%s': the JSON array is cut short after element %lu", im->fname, im->at);
		goto broken;
	}
out:
	json_tokener_free(tok);
	return true;
broken:
	json_tokener_free(tok);
	return false;
}

/* The tag of an import without --tag: the file's name up to its first dot, as domain_stats. */
static void
file_tag(struct buf *tag, const char *fname)
{
	buf_reset(tag);
	const char *base = strrchr(fname, '/');
	base = base ? base + 1 : fname;
	size_t n = strcspn(base, ".");
	if (!strcmp(fname, "-") || n == 0)
		buf_adds(tag, "import");
	else
		buf_add(tag, base, n);
}

/* False when the file was broken beyond its records (an array cut short). */
static bool
import_fd(struct importer *im, int fd, enum fmt fmt)
{
	bool ok = true;
	struct rec_reader in;
	rec_reader_init(&in, fd, im->o->field, im->o->max_line);
	in.lr.before_block = NULL;
	/* Peek at the first bytes (into the reader's own buffer, so nothing is lost on a pipe). */
	if (fmt == FMT_AUTO) {
		struct linereader *lr = &in.lr;
		fmt = FMT_LINES;
		for (;;) {
			size_t k = lr->start;
			while (k < lr->end && memchr(" \t\r\n", lr->buf[k], 4))
				k++;
			if (k < lr->end) {
				fmt = lr->buf[k] == '[' ? FMT_ARRAY : FMT_LINES;
				break;
			}
			if (lr->end >= 4096 || lr->end == lr->cap)
				break;
			ssize_t r = read(fd, lr->buf + lr->end, lr->cap - lr->end);
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0)
				tool_die("cannot read '%s': %s", im->fname, strerror(errno));
			if (r == 0) {
				lr->eof = true;
				break;
			}
			lr->end += (size_t)r;
		}
	}
	if (fmt == FMT_ARRAY)
		ok = import_array(im, fd, in.lr.buf + in.lr.start, in.lr.end - in.lr.start);
	else
		import_lines(im, &in);
	rec_reader_free(&in);
	return ok;
}

int
cmd_import(const struct options *o, int argc, char **argv)
{
	enum fmt fmt = FMT_AUTO;
	if (o->format && strcmp(o->format, "auto")) {
		if (!strcmp(o->format, "ndjson") || !strcmp(o->format, "list") ||
		    !strcmp(o->format, "csv"))
			fmt = FMT_LINES;
		else if (!strcmp(o->format, "domain-stats"))
			fmt = FMT_ARRAY;
		else
			tool_die("invalid value for --format: '%s' (auto, ndjson, list, csv, "
				 "domain-stats)",
				 o->format);
	}
	static char *dash[] = {"-"}; /* argv's type, so not const; never written */
	if (argc == 0) {
		argc = 1;
		argv = dash;
	}
	struct importer im = {.o = o};
	im.s = open_store(o, 0);
	/* One batch per sorted chunk: flush_chunk commits it. */
	store_set_batch(im.s, IMPORT_CHUNK + 1, 3600 * 1000L);
	dname_init(&im.d);
	catch_signals();
	progress_init(o->progress);
	int status = 0;
	for (int i = 0; i < argc && !stop_signal; i++) {
		im.fname = argv[i];
		im.now = (int64_t)time(NULL);
		long before_ok = im.imported, before_bad = im.rejected;
		int fd = strcmp(argv[i], "-") ? open(argv[i], O_RDONLY | O_CLOEXEC) : STDIN_FILENO;
		if (fd < 0) {
			tool_warn("cannot open '%s': %s", argv[i], strerror(errno));
			status = EXIT_FATAL;
			continue;
		}
		file_tag(&im.tag, argv[i]);
		if (!import_fd(&im, fd, fmt))
			status = EXIT_FATAL;
		flush_chunk(&im);
		if (fd != STDIN_FILENO)
			close(fd);
		tool_warn("'%s': %ld names imported, %ld rejected", argv[i],
			  im.imported - before_ok, im.rejected - before_bad);
	}
	flush_chunk(&im);
	/* the version only once the list is wholly in */
	if (o->seed_version >= 0 && status == 0 && !stop_signal &&
	    (store_counter_set(im.s, "import_version", o->seed_version, &im.why) < 0 ||
	     store_commit(im.s, &im.why) < 0))
		import_failed(&im);
	close_store(im.s);
	progress_count_end((unsigned long long)(im.imported + im.rejected), "names");
	dname_free(&im.d);
	buf_free(&im.why);
	buf_free(&im.tag);
	buf_free(&im.tmp);
	buf_free(&im.arena);
	free(im.pend);
	if (stop_signal)
		die_of_signal();
	if (status == 0 && im.rejected)
		status = EXIT_RECORD_ERRORS;
	return tool_finish(status);
}
