/* SPDX-License-Identifier: ISC */
/* The NDJSON record reader over arbitrary bytes: lineio's bounded lines, rec_read's
 * classification and field lookup, the record changes a filter makes, rec_copy and rec_format.
 *
 * Input: byte 0 picks the line limit (0: the 1 MiB default, else 1 to 255 times 7 bytes),
 * byte 1 the --field path (below 0x80: one of `fields`; else the path is the following bytes
 * up to a NUL, at most 64), then the stream itself. The stream reaches the reader through a
 * SOCK_SEQPACKET socket, so each read(2) returns exactly one write: in pieces of 64 KiB when
 * the input's length is even, else in pieces of 1 to 200 bytes, so lines are split across
 * reads the way a pipe splits them, and every run of an input is the same.
 * An input of odd length reads with --pass-through (PASS_NAMES), and a path that is no valid
 * --field reads as "domain".
 * Checks: every non-blank record formats to one line holding exactly one JSON object, the
 * input's members and added members all present (a passed-through line: the line itself, with
 * no newline inside); a copy formats the same. */
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "jscan.h"
#include "record.h"

static const char *const fields[] = {"domain",	"dns.rrname", "a.b.c",	    "errors",
				     "alerts",	"",	      "a[\"x.y\"]", "dns.queries[].rrname",
				     ".a[0].b", "rrname"};

FUZZ_INIT_QUIET()

/* The output line must be one JSON object followed by its newline, and nothing else. */
static void
check_line(const struct record *r, const struct buf *out)
{
	FUZZ_CHECK(out->len >= 1 && out->s[out->len - 1] == '\n');
	if (r->kind == REC_BLANK) {
		FUZZ_CHECK(out->len == 1);
		return;
	}
	if (r->kind == REC_PASS) {
		FUZZ_CHECK(out->len == r->text.len + 1 && !memcmp(out->s, r->text.s, r->text.len));
		return;
	}
	FUZZ_CHECK(!memchr(out->s, '\n', out->len - 1));
	struct jmembers m = {0};
	const char *why;
	size_t at;
	FUZZ_CHECK(jscan_object(out->s, out->len - 1, &m, &why, &at) == 0);
	/* every member the command added is there, with its value */
	for (size_t i = 0; i < r->nadded; i++) {
		char key[64];
		size_t kl =
		    r->added[i].keylen < sizeof key - 1 ? r->added[i].keylen : sizeof key - 1;
		memcpy(key, r->vals.s + r->added[i].key, kl);
		key[kl] = '\0';
		struct jspan v;
		struct jmembers *mp = &m;
		bool found = false;
		for (size_t k = 0; k < mp->n && !found; k++)
			if (jscan_key_eq(mp->v[k].key, key, kl)) {
				v = mp->v[k].val;
				found = v.n == r->added[i].vallen &&
					!memcmp(v.p, r->vals.s + r->added[i].val, v.n);
			}
		FUZZ_CHECK(found);
	}
	/* errors is an array whenever the record carries one */
	if (r->nerrors) {
		bool found = false;
		for (size_t k = 0; k < m.n; k++)
			if (jscan_key_eq(m.v[k].key, "errors", 6))
				found = m.v[k].val.p[0] == '[';
		FUZZ_CHECK(found);
	}
	free(m.v);
}

struct feed {
	int fd;
	const uint8_t *p;
	size_t n, piece;
};

/* One writer thread for the whole run, handed one input at a time: starting a thread per
 * input cost more than everything else an input does (under ASan, about 2 ms each). */
static pthread_mutex_t feed_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t feed_changed = PTHREAD_COND_INITIALIZER;
static struct feed *feed_job; /* the input being written, or NULL */
static bool feed_done = true; /* the last input was written and its socket closed */

static void *
feeder(void *arg)
{
	(void)arg;
	for (;;) {
		pthread_mutex_lock(&feed_lock);
		while (!feed_job)
			pthread_cond_wait(&feed_changed, &feed_lock);
		struct feed *f = feed_job;
		pthread_mutex_unlock(&feed_lock);
		for (size_t i = 0; i < f->n; i += f->piece) {
			size_t k = f->n - i < f->piece ? f->n - i : f->piece;
			if (write(f->fd, f->p + i, k) != (ssize_t)k)
				abort();
		}
		close(f->fd); /* end of input */
		pthread_mutex_lock(&feed_lock);
		feed_job = NULL;
		feed_done = true;
		pthread_cond_broadcast(&feed_changed);
		pthread_mutex_unlock(&feed_lock);
	}
	return NULL;
}

static void
feed_start(struct feed *f)
{
	static bool started;
	if (!started) {
		pthread_t writer;
		if (pthread_create(&writer, NULL, feeder, NULL) != 0)
			abort();
		pthread_detach(writer);
		started = true;
	}
	pthread_mutex_lock(&feed_lock);
	feed_done = false;
	feed_job = f;
	pthread_cond_broadcast(&feed_changed);
	pthread_mutex_unlock(&feed_lock);
}

static void
feed_wait(void)
{
	pthread_mutex_lock(&feed_lock);
	while (!feed_done)
		pthread_cond_wait(&feed_changed, &feed_lock);
	pthread_mutex_unlock(&feed_lock);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 2)
		return 0;
	unsigned limit = data[0];
	size_t max_line = (size_t)limit * 7;
	const char *field;
	char custom[65];
	size_t skip = 2;
	if (data[1] < 0x80) {
		field = fields[data[1] % (sizeof fields / sizeof *fields)];
	} else {
		size_t k = 0;
		while (skip < size && k < 64 && data[skip])
			custom[k++] = (char)data[skip++];
		custom[k] = '\0';
		if (skip < size)
			skip++;
		field = custom;
	}
	data += skip;
	size -= skip;
	struct jpath valid;
	if (jpath_parse(&valid, field, strlen(field), NULL, NULL) < 0)
		field = "domain";
	jpath_free(&valid);

	int sv[2];
	if (socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv) < 0)
		abort();
	int fd = sv[0];
	struct feed feed = {sv[1], data, size, size % 2 ? 1 + (size * 7) % 200 : 65536};
	feed_start(&feed);

	/* A reader holds a buffer of its line limit plus 256 KiB: allocating one per input would
	 * cost far more than reading the input, so keep one per limit and rewind it. */
	static struct rec_reader readers[256];
	static bool ready[256];
	struct rec_reader *rr = &readers[limit];
	if (!ready[limit]) {
		rec_reader_init(rr, fd, field, max_line);
		rr->lr.before_block = NULL; /* nothing to flush */
		ready[limit] = true;
	} else {
		struct linereader *lr = &rr->lr;
		lr->fd = fd;
		lr->start = lr->end = 0;
		lr->lineno = 0;
		lr->eof = false;
		lr->error = 0;
	}
	rec_reader_field(rr, field); /* a valid path (checked above) */
	rec_reader_pass(rr, size % 2 ? PASS_NAMES : PASS_NONE);
	struct record r, copy;
	struct buf out = BUF_INIT, out2 = BUF_INIT;
	rec_init(&r);
	rec_init(&copy);
	unsigned long lines = 0;
	int rc;
	while ((rc = rec_read(rr, &r)) > 0) {
		/* a list's header line is no record */
		FUZZ_CHECK(r.lineno == lines + 1 || (lines == 0 && r.lineno == 2));
		lines = r.lineno;
		if (r.kind == REC_PASS) {
			FUZZ_CHECK(!rec_require_name(&r) && r.nerrors == 0);
			buf_reset(&out);
			rec_format(&r, &out);
			check_line(&r, &out);
			continue;
		}
		bool named = rec_require_name(&r);
		FUZZ_CHECK(!named || r.has_name);
		struct jspan v;
		if (rec_get(&r, field, &v))
			FUZZ_CHECK(v.n > 0 && jscan_value(v.p, v.n, NULL, NULL) == 0);
		rec_get(&r, "alerts", &v);
		/* what filters do to a record, varied by line so every path of rec_format runs */
		switch (lines % 5) {
		case 1:
			rec_set_strz(&r, "freq_score", "ERROR");
			rec_alert(&r, "high_entropy");
			break;
		case 2:
			rec_set_int(&r, "n", 42);
			rec_set_bool(&r, "ok", true);
			rec_set_int(&r, "n", 43); /* replaced */
			rec_error_code(&r, "invalid-name", "line %lu", r.lineno);
			break;
		case 3:
			/* clash with the input's own members */
			rec_alert(&r, "high_entropy");
			rec_alert(&r, "x");
			rec_error_code(&r, "no-field", "bad");
			rec_set_json(&r, "domain", "\"d\"", 3);
			if (r.kind == REC_JSON && r.members.n) {
				struct buf key = BUF_INIT;
				jscan_str_decode(r.members.v[0].key, &key);
				if (key.len < 60 && !memchr(key.s, '\0', key.len))
					rec_set_json(&r, key.s, "[1,{}]", 6);
				buf_free(&key);
			}
			break;
		case 4: {
			struct buf *b = rec_set_begin(&r, "obj");
			buf_adds(b, "{\"a\":");
			buf_add(b, "\"", 1);
			buf_adds(b, "\"}");
			rec_set_end(&r);
			rec_set_str(&r, "name", r.name.s ? r.name.s : "", r.name.len);
			break;
		}
		default:
			break;
		}
		buf_reset(&out);
		rec_format(&r, &out);
		check_line(&r, &out);
		rec_copy(&copy, &r);
		buf_reset(&out2);
		rec_format(&copy, &out2);
		FUZZ_CHECK(out.len == out2.len && !memcmp(out.s, out2.s, out.len));
	}
	FUZZ_CHECK(rc == 0);
	rec_free(&r);
	rec_free(&copy);
	buf_free(&out);
	buf_free(&out2);
	feed_wait();
	close(fd);
	return 0;
}
