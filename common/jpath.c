/* SPDX-License-Identifier: ISC */
/* --field paths: a subset of jq's path syntax, parsed once and followed in each record. */
#include <stdlib.h>
#include <string.h>

#include "jpath.h"
#include "utf8.h"
#include "xalloc.h"

static bool
name_byte(char c)
{
	return c != '.' && c != '[' && c != ']' && c != '"' && c != ' ' && c != '\t' && c != '\n' &&
	       c != '\r' && c != '\f' && c != '\v';
}

static int
fail(const char **why, size_t *at, const char *msg, size_t i)
{
	if (why)
		*why = msg;
	if (at)
		*at = i;
	return -1;
}

static struct jpath_step *
add_step(struct jpath *p, enum jpath_kind kind)
{
	struct jpath_step *s = &p->step[p->n++];
	memset(s, 0, sizeof *s);
	s->kind = kind;
	if (kind != JPATH_KEY)
		p->keys_only = false;
	return s;
}

static void
set_key(struct jpath_step *s, const char *k, size_t n)
{
	s->key = xmalloc(n + 1);
	memcpy(s->key, k, n);
	s->key[n] = '\0';
	s->keylen = n;
}

/* A bracket at text[*i] == '['; moves *i past its ']'. */
static int
parse_bracket(struct jpath *p, const char *text, size_t n, size_t *i, const char **why, size_t *at)
{
	size_t start = *i, j = *i + 1;
	if (j < n && text[j] == ']') {
		add_step(p, JPATH_EACH);
		*i = j + 1;
		return 0;
	}
	if (j < n && text[j] >= '0' && text[j] <= '9') {
		size_t v = 0;
		for (; j < n && text[j] >= '0' && text[j] <= '9'; j++) {
			if (v > ((size_t)-1 - 9) / 10 || j - start > 10)
				return fail(why, at, "index too large", start + 1);
			v = v * 10 + (size_t)(text[j] - '0');
		}
		if (j >= n || text[j] != ']')
			return fail(why, at, "expected ']' after an index", j);
		add_step(p, JPATH_INDEX)->index = v;
		*i = j + 1;
		return 0;
	}
	if (j < n && text[j] == '"') {
		size_t q = j + 1;
		while (q < n && text[q] != '"')
			q += text[q] == '\\' && q + 1 < n ? 2 : 1;
		if (q >= n)
			return fail(why, at, "unterminated string", j);
		const char *w;
		size_t wat;
		if (jscan_value(text + j, q + 1 - j, &w, &wat) < 0)
			return fail(why, at, "invalid JSON string", j + wat);
		if (q + 1 >= n || text[q + 1] != ']')
			return fail(why, at, "expected ']' after a string", q + 1);
		struct buf dec = BUF_INIT;
		jscan_str_decode((struct jspan){text + j, q + 1 - j}, &dec);
		set_key(add_step(p, JPATH_KEY), buf_str(&dec), dec.len);
		buf_free(&dec);
		*i = q + 2;
		return 0;
	}
	if (j >= n)
		return fail(why, at, "unbalanced '['", start);
	return fail(why, at, "expected a string, an index or ']' after '['", j);
}

int
jpath_parse(struct jpath *p, const char *text, size_t n, const char **why, size_t *at)
{
	memset(p, 0, sizeof *p);
	p->keys_only = true;
	for (size_t k = 0; k < n; k++)
		if ((unsigned char)text[k] < 0x20 || text[k] == 0x7f)
			return fail(why, at, "control character", k);
	if (!utf8_valid(text, n))
		return fail(why, at, "invalid UTF-8", 0);
	size_t i = 0;
	if (i < n && text[i] == '.')
		i++;
	if (i >= n) {
		jpath_free(p);
		return fail(why, at, n ? "no member after '.'" : "empty path", i);
	}
	bool first = true;
	while (i < n) {
		if (p->n == JPATH_MAX_STEPS) {
			jpath_free(p);
			return fail(why, at, "path too deep", i);
		}
		bool dot = false;
		if (!first && text[i] == '.') {
			dot = true;
			i++;
		}
		int rc = 0;
		if (i < n && text[i] == '[') {
			rc = parse_bracket(p, text, n, &i, why, at);
		} else if (first || dot) {
			size_t s = i;
			while (i < n && name_byte(text[i]))
				i++;
			if (i == s)
				rc = fail(why, at,
					  i >= n	   ? "no member after '.'"
					  : text[i] == '.' ? "empty member name"
					  : text[i] == ']' ? "unbalanced ']'"
							   : "unexpected character",
					  i);
			else
				set_key(add_step(p, JPATH_KEY), text + s, i - s);
		} else {
			rc = fail(why, at,
				  text[i] == ']' ? "unbalanced ']'" : "expected '.' or '['", i);
		}
		if (rc < 0) {
			jpath_free(p);
			return -1;
		}
		if (first && p->step[0].kind == JPATH_INDEX) {
			jpath_free(p);
			return fail(why, at, "a record is an object, not an array", 0);
		}
		first = false;
	}
	return 0;
}

void
jpath_free(struct jpath *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->step[i].key);
	p->n = 0;
}

static bool
walk(struct jspan cur, const struct jpath *p, size_t k, struct jspan *val)
{
	if (k == p->n) {
		*val = cur;
		return true;
	}
	const struct jpath_step *s = &p->step[k];
	struct jspan next;
	if (cur.n == 0)
		return false;
	switch (s->kind) {
	case JPATH_KEY:
		return cur.p[0] == '{' && jscan_get(cur, s->key, s->keylen, &next) &&
		       walk(next, p, k + 1, val);
	case JPATH_INDEX:
		if (cur.p[0] != '[')
			return false;
		for (size_t it = 0, i = 0; jscan_array_next(cur, &it, &next); i++)
			if (i == s->index)
				return walk(next, p, k + 1, val);
		return false;
	case JPATH_EACH:
		if (cur.p[0] == '[') {
			for (size_t it = 0; jscan_array_next(cur, &it, &next);)
				if (walk(next, p, k + 1, val))
					return true;
		} else if (cur.p[0] == '{') {
			struct jmember m;
			for (size_t it = 0; jscan_object_next(cur, &it, &m);)
				if (walk(m.val, p, k + 1, val))
					return true;
		}
		return false;
	}
	return false;
}

bool
jpath_find(const struct jmembers *top, const struct jpath *p, struct jspan *val)
{
	if (p->n == 0)
		return false;
	const struct jpath_step *s = &p->step[0];
	if (s->kind == JPATH_INDEX)
		return false;
	for (size_t i = 0; i < top->n; i++) {
		if (s->kind == JPATH_EACH) {
			if (walk(top->v[i].val, p, 1, val))
				return true;
		} else if (jscan_key_eq(top->v[i].key, s->key, s->keylen)) {
			return walk(top->v[i].val, p, 1, val);
		}
	}
	return false;
}
