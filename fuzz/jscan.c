/* SPDX-License-Identifier: ISC */
/* The strict JSON scanner over arbitrary bytes: jscan_object and jscan_value, then, on text
 * they accept, the helpers that trust validated text (member and element iteration, key
 * comparison, string decoding, dotted paths).
 * Checks: jscan_object accepts exactly the texts jscan_value accepts that are objects; member
 * iteration finds the same members as the scan; every member and element span is itself one
 * valid JSON value; jscan_object_find finds what jscan_path finds; decoded strings are valid UTF-8
 * and survive jsonw_str and a decode back; the plain-run finder of strings (jsonrun_len, SSE2
 * where there is SSE2) finds at every offset what its byte-by-byte version finds; and the
 * scanner, rewritten for speed, does what the plain one it replaced does (fuzz/jscan_ref.h):
 * the same texts accepted, the same message at the same byte, the same members, path value
 * and deferred member, and so does its variant for padded text. */
#include <string.h>

#include "fuzz.h"
#include "jscan.h"
#include "jscan_ref.h"
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

/* The defer hook of the comparison: it takes a run of digits that starts with 1 to 9 (a number
 * jscan accepts, maybe followed by more of one), as dns-grade's reader takes its member. */
static size_t
take_digits(void *arg, const char *s, size_t n)
{
	(void)arg;
	size_t k = 0;
	if (n && s[0] >= '1' && s[0] <= '9')
		while (k < n && s[k] >= '0' && s[k] <= '9')
			k++;
	return k;
}

/* jscan_object_parts and its reference on s with this path, a defer hook on key "d" or none. */
static void
check_same_parts(const char *s, size_t size, const char *const *part, const size_t *partlen,
		 int nparts, bool defer)
{
	struct jmembers m = {0}, rm = {0};
	struct jspan found = {0}, rfound = {0};
	bool has = false, rhas = false;
	const char *why = NULL, *rwhy = NULL;
	size_t at = 0, rat = 0;
	struct jscan_defer d = {"d", 1, take_digits, NULL, NULL}, rd = d;
	int rc = jscan_object_parts(s, size, &m, part, partlen, nparts, &found, &has,
				    defer ? &d : NULL, &why, &at);
	int rrc = ref_jscan_object_parts(s, size, &rm, part, partlen, nparts, &rfound, &rhas,
					 defer ? &rd : NULL, &rwhy, &rat);
	FUZZ_CHECK(rc == rrc);
	if (rc < 0) {
		FUZZ_CHECK(!strcmp(why, rwhy) && at == rat);
	} else {
		FUZZ_CHECK(m.n == rm.n);
		for (size_t i = 0; i < m.n; i++) {
			FUZZ_CHECK(m.v[i].key.p == rm.v[i].key.p && m.v[i].key.n == rm.v[i].key.n);
			FUZZ_CHECK(m.v[i].val.p == rm.v[i].val.p && m.v[i].val.n == rm.v[i].val.n);
		}
		FUZZ_CHECK(has == rhas);
		FUZZ_CHECK(!has || (found.p == rfound.p && found.n == rfound.n));
		FUZZ_CHECK(d.taken == rd.taken);
	}
	/* the padded variant on a copy followed by a NUL and bytes a scanner that read them as
	 * text would trip on (quotes, digits, a backslash), in a buffer that ends there */
	char *pad = xmalloc(size + JSCAN_PAD);
	memcpy(pad, s, size);
	for (size_t i = 0; i < JSCAN_PAD; i++)
		pad[size + i] = "\"9\\1 e,}]:\"0{[\"t"[i];
	pad[size] = '\0';
	struct jmembers pm = {0};
	struct jspan pfound = {0};
	bool phas = false;
	const char *pwhy = NULL;
	size_t pat = 0;
	struct jscan_defer pd = {"d", 1, take_digits, NULL, NULL};
	int prc = jscan_object_parts_padded(pad, size, &pm, part, partlen, nparts, &pfound, &phas,
					    defer ? &pd : NULL, &pwhy, &pat);
	FUZZ_CHECK(prc == rrc);
	if (prc < 0) {
		FUZZ_CHECK(!strcmp(pwhy, rwhy) && pat == rat);
	} else {
		FUZZ_CHECK(pm.n == rm.n);
		for (size_t i = 0; i < pm.n; i++) {
			FUZZ_CHECK(pm.v[i].key.p - pad == rm.v[i].key.p - s &&
				   pm.v[i].key.n == rm.v[i].key.n);
			FUZZ_CHECK(pm.v[i].val.p - pad == rm.v[i].val.p - s &&
				   pm.v[i].val.n == rm.v[i].val.n);
		}
		FUZZ_CHECK(phas == rhas);
		FUZZ_CHECK(!phas || (pfound.p - pad == rfound.p - s && pfound.n == rfound.n));
		FUZZ_CHECK((pd.taken ? pd.taken - pad : -1) == (rd.taken ? rd.taken - s : -1));
	}
	free(pad);
	free(pm.v);
	free(m.v);
	free(rm.v);
}

/* The scanner against the one it replaced, with paths made of the text's own first strings
 * (found only when they are member names), a fixed one, and none. */
static void
check_same(const char *s, size_t size)
{
	const char *why = NULL, *rwhy = NULL;
	size_t at = 0, rat = 0;
	int rc = jscan_value(s, size, &why, &at), rrc = ref_jscan_value(s, size, &rwhy, &rat);
	FUZZ_CHECK(rc == rrc && (rc == 0 || (!strcmp(why, rwhy) && at == rat)));
	/* up to three parts: the raw bytes between the first quotes (escapes and all, so keys
	 * with escapes meet parts they may or may not decode to) */
	const char *part[3] = {"dns", "rrname", "x"};
	size_t partlen[3] = {3, 6, 1};
	int nparts = 0;
	for (const char *p = s, *end = s + size; nparts < 3;) {
		const char *q = memchr(p, '"', (size_t)(end - p));
		const char *r = q ? memchr(q + 1, '"', (size_t)(end - q - 1)) : NULL;
		if (!r)
			break;
		part[nparts] = q + 1;
		partlen[nparts++] = (size_t)(r - q - 1);
		p = r + 1;
	}
	for (int k = 0; k <= nparts; k++)
		check_same_parts(s, size, part, partlen, k, k == 1);
	static const char *const fixed[] = {"dns", "rrname"};
	static const size_t fixedlen[] = {3, 6};
	check_same_parts(s, size, fixed, fixedlen, 2, true);
	check_same_parts(s, size, fixed, fixedlen, JSCAN_PATH_MAX_PARTS + 1, false);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *s = (const char *)data;
	check_plain_runs(s, size);
	check_same(s, size);
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
