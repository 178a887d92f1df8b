/* SPDX-License-Identifier: ISC */
/* The facts table (facts.h): writing a facts object and picking its values back out. */
#include <string.h>

#include "facts.h"
#include "jsonw.h"

#define FACT_GROUP_NAME(id, name) name,
const char *const fact_group_names[NFACT_GROUPS] = {NULL, FACT_GROUPS(FACT_GROUP_NAME)};
#undef FACT_GROUP_NAME

/* The groups as written: "\"spf\":{" (names of ours, without escapes). */
#define FACT_GROUP_KEY(id, name) {"\"" name "\":{", sizeof(name) + 3},
static const struct {
	const char *s;
	size_t n;
} group_key[NFACT_GROUPS] = {{"", 0}, FACT_GROUPS(FACT_GROUP_KEY)};
#undef FACT_GROUP_KEY

#define FACT_DEF(id, group, name, type) {group, name, type, "\"" name "\":", sizeof(name) + 2},
const struct fact_def fact_defs[NFACTS] = {FACTS(FACT_DEF)};
#undef FACT_DEF

void
facts_write_value(struct buf *b, enum fact_type type, const struct fact_val *v)
{
	switch (type) {
	case FACT_BOOL_OR_NULL:
	case FACT_INT_OR_NULL:
	case FACT_STR_OR_NULL:
	case FACT_NULL:
		if (v->null || type == FACT_NULL) {
			buf_add(b, "null", 4);
			return;
		}
		break;
	default:
		break;
	}
	switch (type) {
	case FACT_BOOL:
	case FACT_BOOL_OR_NULL:
		if (v->i)
			buf_add(b, "true", 4);
		else
			buf_add(b, "false", 5);
		break;
	case FACT_INT:
	case FACT_INT_OR_NULL:
		jsonw_int(b, v->i);
		break;
	case FACT_STR:
	case FACT_STR_OR_NULL:
		jsonw_str(b, v->s, v->n);
		break;
	case FACT_INTS:
		buf_addc(b, '[');
		for (size_t i = 0; i < v->n; i++) {
			if (i)
				buf_addc(b, ',');
			jsonw_int(b, v->ints[i]);
		}
		buf_addc(b, ']');
		break;
	case FACT_NULL:
		break;
	}
}

void
facts_write(struct buf *b, const struct fact_val v[NFACTS])
{
	enum fact_group open = FG_TOP; /* the group written into */
	buf_addc(b, '{');
	for (int f = 0; f < NFACTS; f++) {
		const struct fact_def *d = &fact_defs[f];
		if (open != d->group && open != FG_TOP)
			buf_addc_fast(b, '}');
		if (f)
			buf_addc_fast(b, ',');
		if (open != d->group)
			buf_add(b, group_key[d->group].s, group_key[d->group].n);
		open = d->group;
		buf_add(b, d->key, d->keylen);
		facts_write_value(b, d->type, &v[f]);
	}
	if (open != FG_TOP)
		buf_addc(b, '}');
	buf_addc(b, '}');
}

static bool
is_null(struct jspan v)
{
	return v.n == 4 && !memcmp(v.p, "null", 4);
}

/* A member's key, to compare with many names: keys are plain ASCII (raw bytes compared) unless
 * they hold an escape. */
struct key {
	struct jspan span;
	const char *raw;
	size_t len;
	bool escaped;
};

static struct key
key_of(struct jspan span)
{
	const char *raw = span.p + 1;
	size_t len = span.n - 2;
	return (struct key){span, raw, len, memchr(raw, '\\', len) != NULL};
}

static bool
key_is(const struct key *k, const char *name, size_t len)
{
	if (k->escaped)
		return jscan_key_eq(k->span, name, len);
	return k->len == len && !memcmp(k->raw, name, len);
}

void
facts_pick(struct jspan facts, struct jspan v[NFACTS], struct jspan group[NFACT_GROUPS])
{
	struct jspan g[NFACT_GROUPS] = {{0}};
	memset(v, 0, NFACTS * sizeof *v);
	if (!facts.n || facts.p[0] != '{')
		goto out;
	size_t it = 0;
	struct jmember m;
	while (jscan_object_next(facts, &it, &m)) {
		if (is_null(m.val))
			continue;
		struct key key = key_of(m.key);
		int k = 1;
		while (k < NFACT_GROUPS && !key_is(&key, fact_group_names[k], group_key[k].n - 4))
			k++;
		if (k < NFACT_GROUPS) {
			g[k] = m.val;
			continue;
		}
		for (int f = 0; f < NFACTS; f++)
			if (fact_defs[f].group == FG_TOP &&
			    key_is(&key, fact_defs[f].name, fact_defs[f].keylen - 3)) {
				v[f] = m.val;
				break;
			}
	}
	/* each group's members, among that group's facts (consecutive in the table) */
	for (int f = 0; f < NFACTS;) {
		enum fact_group k = fact_defs[f].group;
		int end = f + 1;
		while (end < NFACTS && fact_defs[end].group == k)
			end++;
		it = 0;
		while (k != FG_TOP && g[k].n && g[k].p[0] == '{' &&
		       jscan_object_next(g[k], &it, &m)) {
			if (is_null(m.val))
				continue;
			struct key key = key_of(m.key);
			for (int i = f; i < end; i++)
				if (key_is(&key, fact_defs[i].name, fact_defs[i].keylen - 3)) {
					v[i] = m.val;
					break;
				}
		}
		f = end;
	}
out:
	if (group)
		memcpy(group, g, sizeof g);
}
