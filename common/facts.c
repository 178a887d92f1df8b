/* SPDX-License-Identifier: ISC */
/* The facts table (facts.h): writing a facts object and picking its values back out. */
#include <string.h>

#include "facts.h"
#include "jsonw.h"

#define FACT_DEF(id, group, name, type) {group, name, type},
const struct fact_def fact_defs[NFACTS] = {FACTS(FACT_DEF)};
#undef FACT_DEF

static bool
same_group(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

static void
write_val(struct buf *b, enum fact_type type, const struct fact_val *v)
{
	switch (type) {
	case FACT_BOOL_OR_NULL:
	case FACT_INT_OR_NULL:
	case FACT_STR_OR_NULL:
	case FACT_NULL:
		if (v->null || type == FACT_NULL) {
			buf_adds(b, "null");
			return;
		}
		break;
	default:
		break;
	}
	switch (type) {
	case FACT_BOOL:
	case FACT_BOOL_OR_NULL:
		buf_adds(b, v->i ? "true" : "false");
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
	const char *open = NULL; /* the group written into */
	buf_addc(b, '{');
	for (int f = 0; f < NFACTS; f++) {
		const struct fact_def *d = &fact_defs[f];
		if (f && !same_group(open, d->group)) {
			if (open)
				buf_addc(b, '}');
			buf_addc(b, ',');
		} else if (f) {
			buf_addc(b, ',');
		}
		if (d->group && !same_group(open, d->group)) {
			jsonw_strz(b, d->group);
			buf_adds(b, ":{");
		}
		open = d->group;
		jsonw_strz(b, d->name);
		buf_addc(b, ':');
		write_val(b, d->type, &v[f]);
	}
	if (open)
		buf_addc(b, '}');
	buf_addc(b, '}');
}

static bool
is_null(struct jspan v)
{
	return v.n == 4 && !memcmp(v.p, "null", 4);
}

/* A group's first fact (or a top-level one): the facts from f up to the next group. */
static int
group_end(int f)
{
	int end = f + 1;
	while (fact_defs[f].group && end < NFACTS &&
	       same_group(fact_defs[end].group, fact_defs[f].group))
		end++;
	return end;
}

static bool
key_is(struct jspan key, const char *name)
{
	return jscan_key_eq(key, name, strlen(name));
}

/* The facts f to end (one group) from the members of obj. */
static void
pick(struct jspan obj, int f, int end, struct jspan v[NFACTS])
{
	if (!obj.n || obj.p[0] != '{')
		return;
	size_t it = 0;
	struct jmember m;
	while (jscan_object_next(obj, &it, &m)) {
		if (is_null(m.val))
			continue;
		for (int i = f; i < end; i++)
			if (key_is(m.key, fact_defs[i].name)) {
				v[i] = m.val;
				break;
			}
	}
}

void
facts_pick(struct jspan facts, struct jspan v[NFACTS])
{
	struct jspan group[NFACTS] = {0}; /* a group's object, at its first fact */
	memset(v, 0, NFACTS * sizeof *v);
	if (!facts.n || facts.p[0] != '{')
		return;
	size_t it = 0;
	struct jmember m;
	while (jscan_object_next(facts, &it, &m)) {
		if (is_null(m.val))
			continue;
		for (int f = 0; f < NFACTS; f = group_end(f)) {
			const struct fact_def *d = &fact_defs[f];
			if (key_is(m.key, d->group ? d->group : d->name)) {
				*(d->group ? &group[f] : &v[f]) = m.val;
				break;
			}
		}
	}
	for (int f = 0; f < NFACTS; f = group_end(f))
		if (fact_defs[f].group)
			pick(group[f], f, group_end(f), v);
}
