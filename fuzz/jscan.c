/* SPDX-License-Identifier: ISC */
/* The strict JSON scanner over arbitrary bytes: jscan_object and jscan_value, then, on text
 * they accept, the helpers that trust validated text (member and element iteration, key
 * comparison, string decoding, dotted paths).
 * Checks: jscan_object accepts exactly the texts jscan_value accepts that are objects; member
 * iteration finds the same members as the scan; every member and element span is itself one
 * valid JSON value; jscan_object_find finds what jscan_path finds; decoded strings are valid UTF-8
 * and survive jsonw_str and a decode back; the plain-run finder of strings (jsonrun_len, SSE2
 * where there is SSE2) finds at every offset what its byte-by-byte version finds. */
#include <string.h>

#include "fuzz.h"
#include "jscan.h"
#include "jsonrun.h"
#include "jsonw.h"
#include "utf8.h"
#include "xalloc.h"

FUZZ_INIT_QUIET()

static void
check_string(struct jspan s)
{
	struct buf dec = BUF_INIT, enc = BUF_INIT, back = BUF_INIT;
	jscan_str_decode(s, &dec);
	FUZZ_CHECK(utf8_valid(buf_str(&dec), dec.len));
	jsonw_str(&enc, buf_str(&dec), dec.len);
	FUZZ_CHECK(jscan_value(enc.s, enc.len, NULL, NULL) == 0);
	jscan_str_decode((struct jspan){enc.s, enc.len}, &back);
	FUZZ_CHECK(back.len == dec.len && !memcmp(buf_str(&back), buf_str(&dec), dec.len));
	buf_free(&dec);
	buf_free(&enc);
	buf_free(&back);
}

/* Walk a validated value with the iteration helpers, as filters read nested members. */
static void
walk(struct jspan v, int depth)
{
	FUZZ_CHECK(v.n > 0);
	FUZZ_CHECK(jscan_value(v.p, v.n, NULL, NULL) == 0);
	if (depth > 40)
		return; /* deep enough: each level rescans its value */
	if (v.p[0] == '"') {
		check_string(v);
	} else if (v.p[0] == '{') {
		size_t it = 0;
		struct jmember m;
		while (jscan_object_next(v, &it, &m)) {
			FUZZ_CHECK(m.key.n >= 2 && m.key.p[0] == '"');
			check_string(m.key);
			walk(m.val, depth + 1);
			struct jspan got;
			struct buf key = BUF_INIT;
			jscan_str_decode(m.key, &key);
			/* jscan_get finds the first member of that name */
			FUZZ_CHECK(jscan_get(v, buf_str(&key), key.len, &got));
			FUZZ_CHECK(jscan_key_eq(m.key, buf_str(&key), key.len));
			buf_free(&key);
		}
		FUZZ_CHECK(it == 0 || v.p[v.n - 1] == '}');
	} else if (v.p[0] == '[') {
		size_t it = 0;
		struct jspan e;
		while (jscan_array_next(v, &it, &e))
			walk(e, depth + 1);
	}
}

/* jsonrun_len against jsonrun_len_scalar from every offset to the end of the input (libFuzzer's
 * copy of it is exactly size bytes: AddressSanitizer sees a read past the end), and
 * jsonrun_len_padded on a copy followed by a NUL and 16 more bytes, as dns-grade pads its text.
 * The reference runs once per run: from any offset within a run, the run ends where it ends. */
static void
check_plain_runs(const char *s, size_t size)
{
	const char *end = s + size;
	char *pad = xmalloc(size + 17);
	memcpy(pad, s, size);
	memset(pad + size, 0, 17);
	size_t stop = 0; /* where the run that holds offset i ends */
	for (size_t i = 0; i <= size; i++) {
		if (i > stop || i == 0)
			stop = i + jsonrun_len_scalar(s + i, end);
		FUZZ_CHECK(i + jsonrun_len(s + i, end) == stop);
		FUZZ_CHECK(i + jsonrun_len_padded(pad + i, pad + size) == stop);
	}
	free(pad);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	check_plain_runs(s, size);
	struct jmembers m = {0};
	const char *why = NULL;
	size_t at = 0;
	int obj = jscan_object(s, size, &m, &why, &at);
	int val = jscan_value(s, size, NULL, NULL);
	if (obj < 0) {
		FUZZ_CHECK(why != NULL && at <= size);
		free(m.v);
		return 0;
	}
	FUZZ_CHECK(val == 0);
	/* the members the scan listed are the members iteration finds */
	size_t b = 0, e = size;
	while (b < e && strchr(" \t\r\n", s[b]))
		b++;
	while (e > b && strchr(" \t\r\n", s[e - 1]))
		e--;
	struct jspan whole = {s + b, e - b};
	size_t it = 0, i = 0;
	struct jmember mm;
	while (jscan_object_next(whole, &it, &mm)) {
		FUZZ_CHECK(i < m.n);
		FUZZ_CHECK(mm.key.p == m.v[i].key.p && mm.key.n == m.v[i].key.n);
		FUZZ_CHECK(mm.val.p == m.v[i].val.p && mm.val.n == m.v[i].val.n);
		i++;
	}
	FUZZ_CHECK(i == m.n);
	walk(whole, 0);
	/* dotted paths built from the first members' names */
	if (m.n > 0) {
		struct buf path = BUF_INIT;
		jscan_str_decode(m.v[0].key, &path);
		struct jspan v = m.v[0].val;
		if (v.p[0] == '{') {
			size_t it2 = 0;
			struct jmember sub;
			if (jscan_object_next(v, &it2, &sub)) {
				buf_addc(&path, '.');
				jscan_str_decode(sub.key, &path);
			}
		}
		struct jspan got, found;
		bool has_found;
		if (!memchr(buf_str(&path), '\0', path.len)) {
			bool has_path = jscan_path(&m, buf_str(&path), &got);
			if (has_path)
				FUZZ_CHECK(jscan_value(got.p, got.n, NULL, NULL) == 0);
			/* the single-pass lookup rec_read uses finds what jscan_path finds */
			struct jmembers m2 = {0};
			FUZZ_CHECK(jscan_object_find(s, size, &m2, buf_str(&path), &found,
						     &has_found, NULL, NULL) == 0);
			FUZZ_CHECK(m2.n == m.n);
			FUZZ_CHECK(has_found == has_path);
			FUZZ_CHECK(!has_found || (found.p == got.p && found.n == got.n));
			free(m2.v);
		}
		buf_free(&path);
	}
	free(m.v);
	return 0;
}
