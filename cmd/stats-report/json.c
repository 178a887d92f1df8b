/* SPDX-License-Identifier: ISC */
/* The JSON format: every figure under a stable key (documented in stats-report(1)), and the
 * same text read back when a stored run is rendered again. */
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "jsonw.h"
#include "stats.h"
#include "xalloc.h"

static void
figs_json(const struct figure *figs, size_t n, struct buf *b, bool extras)
{
	buf_addc(b, '{');
	for (size_t i = 0; i < n; i++) {
		const struct figure *f = &figs[i];
		jsonw_key(b, f->key);
		buf_addc(b, '{');
		jsonw_key(b, "title");
		jsonw_strz(b, f->title);
		jsonw_key(b, "section");
		jsonw_strz(b, f->section);
		jsonw_key(b, "kind");
		jsonw_strz(b, kind_name(f->kind));
		jsonw_key(b, "denominator");
		jsonw_int(b, f->denom);
		jsonw_key(b, "denominator_of");
		jsonw_strz(b, f->denom_of);
		if (f->has_mean) {
			jsonw_key(b, "mean");
			jsonw_round(b, f->mean, 2);
			if (extras && f->has_mean_delta) {
				jsonw_key(b, "mean_delta");
				jsonw_round(b, f->mean_delta, 2);
			}
		}
		jsonw_key(b, "items");
		buf_addc(b, '[');
		for (size_t j = 0; j < f->nitems; j++) {
			const struct item *it = &f->items[j];
			if (j)
				buf_addc(b, ',');
			buf_addc(b, '{');
			jsonw_key(b, "key");
			jsonw_strz(b, it->key);
			jsonw_key(b, "label");
			jsonw_strz(b, it->label);
			jsonw_key(b, "count");
			jsonw_int(b, it->count);
			jsonw_key(b, "pct");
			jsonw_round(b, pct(it->count, f->denom), 2);
			if (extras && it->has_delta) {
				jsonw_key(b, "delta_pct");
				jsonw_round(b, it->delta, 2);
			}
			buf_addc(b, '}');
		}
		buf_addc(b, ']');
		if (extras && f->ntrend) {
			jsonw_key(b, "trend");
			buf_addc(b, '[');
			for (size_t j = 0; j < f->ntrend; j++) {
				if (j)
					buf_addc(b, ',');
				buf_addc(b, '{');
				jsonw_key(b, "run_id");
				jsonw_int(b, f->trend[j].run_id);
				jsonw_key(b, "date");
				jsonw_strz(b, f->trend[j].date);
				jsonw_key(b, "pct");
				jsonw_round(b, f->trend[j].pct, 2);
				buf_addc(b, '}');
			}
			buf_addc(b, ']');
		}
		buf_addc(b, '}');
	}
	buf_addc(b, '}');
}

void
report_json(const struct report *r, struct buf *b, bool extras)
{
	buf_addc(b, '{');
	jsonw_key(b, "report");
	jsonw_strz(b, "stats-report");
	jsonw_key(b, "schema");
	jsonw_int(b, REPORT_SCHEMA);
	jsonw_key(b, "date");
	jsonw_strz(b, r->date);
	if (r->store) {
		jsonw_key(b, "store");
		jsonw_strz(b, r->store);
	}
	if (extras) {
		jsonw_key(b, "run_id");
		if (r->run_id)
			jsonw_int(b, r->run_id);
		else
			buf_adds(b, "null");
		jsonw_key(b, "previous_run");
		if (r->prev_run) {
			buf_addc(b, '{');
			jsonw_key(b, "run_id");
			jsonw_int(b, r->prev_run);
			jsonw_key(b, "date");
			jsonw_strz(b, r->prev_date ? r->prev_date : "");
			buf_addc(b, '}');
		} else {
			buf_adds(b, "null");
		}
	}
	jsonw_key(b, "input");
	buf_addc(b, '{');
	jsonw_key(b, "lines");
	jsonw_int(b, r->lines);
	jsonw_key(b, "records");
	jsonw_int(b, r->records);
	jsonw_key(b, "skipped");
	jsonw_int(b, r->skipped);
	jsonw_key(b, "skipped_by_reason");
	buf_addc(b, '{');
	for (size_t i = 0; i < r->nskip; i++) {
		jsonw_key(b, r->skip[i].key);
		jsonw_int(b, r->skip[i].count);
	}
	buf_adds(b, "}}");
	jsonw_key(b, "figures");
	figs_json(r->figs, r->nfigs, b, extras);
	if (r->ntiers) {
		jsonw_key(b, "by_rank");
		buf_addc(b, '{');
		for (size_t i = 0; i < r->ntiers; i++) {
			const struct tier *t = &r->tiers[i];
			jsonw_key(b, t->key);
			buf_addc(b, '{');
			jsonw_key(b, "limit");
			if (t->limit)
				jsonw_int(b, t->limit);
			else
				buf_adds(b, "null");
			jsonw_key(b, "domains");
			jsonw_int(b, t->domains);
			jsonw_key(b, "figures");
			figs_json(t->figs, t->nfigs, b, false);
			buf_addc(b, '}');
		}
		buf_addc(b, '}');
	}
	buf_adds(b, "}\n");
}

/* Reading back. */

static const char *
jstr(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static bool
jint(json_object *o, const char *key, long long *out)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_int))
		return false;
	*out = json_object_get_int64(v);
	return true;
}

static int
figs_from(json_object *o, struct figure **figs, size_t *n, const char **why)
{
	if (!o || !json_object_is_type(o, json_type_object)) {
		*why = "figures is not an object";
		return -1;
	}
	json_object_object_foreach(o, key, fo)
	{
		const char *title = jstr(fo, "title"), *section = jstr(fo, "section"),
			   *kind = jstr(fo, "kind"), *denom_of = jstr(fo, "denominator_of");
		long long denom;
		enum fig_kind k;
		json_object *items;
		if (!title || !section || !kind || !denom_of || !jint(fo, "denominator", &denom) ||
		    !kind_parse(kind, &k) || !json_object_object_get_ex(fo, "items", &items) ||
		    !json_object_is_type(items, json_type_array)) {
			*why = "a figure lacks a member";
			return -1;
		}
		struct figure *f = report_add_fig(figs, n, key, title, section, k, denom_of, denom);
		json_object *mean;
		if (json_object_object_get_ex(fo, "mean", &mean)) {
			f->has_mean = true;
			f->mean = json_object_get_double(mean);
		}
		size_t ni = json_object_array_length(items);
		for (size_t i = 0; i < ni; i++) {
			json_object *io = json_object_array_get_idx(items, i);
			const char *ik = jstr(io, "key"), *il = jstr(io, "label");
			long long c;
			if (!ik || !il || !jint(io, "count", &c)) {
				*why = "an item lacks a member";
				return -1;
			}
			fig_add_item(f, ik, il, c);
		}
	}
	return 0;
}

int
report_from_json(struct report *r, const char *text, size_t n, const char **why)
{
	memset(r, 0, sizeof *r);
	json_tokener *tok = json_tokener_new();
	json_object *o = json_tokener_parse_ex(tok, text, (int)n);
	json_tokener_free(tok);
	int rc = -1;
	long long schema;
	json_object *input, *figs, *by_rank, *reasons;
	*why = "not a report";
	if (!o || !json_object_is_type(o, json_type_object) || !jint(o, "schema", &schema))
		goto out;
	if (schema > REPORT_SCHEMA) {
		*why = "report from a newer stats-report";
		goto out;
	}
	const char *date = jstr(o, "date");
	if (!date || !json_object_object_get_ex(o, "input", &input) ||
	    !jint(input, "lines", &r->lines) || !jint(input, "records", &r->records) ||
	    !jint(input, "skipped", &r->skipped) ||
	    !json_object_object_get_ex(input, "skipped_by_reason", &reasons) ||
	    !json_object_object_get_ex(o, "figures", &figs))
		goto out;
	r->date = xstrdup(date);
	if (jstr(o, "store"))
		r->store = xstrdup(jstr(o, "store"));
	json_object_object_foreach(reasons, rk, rv)
	{
		r->skip = xrealloc(r->skip, (r->nskip + 1) * sizeof *r->skip);
		struct item *it = &r->skip[r->nskip++];
		memset(it, 0, sizeof *it);
		it->key = xstrdup(rk);
		it->label = xstrdup(rk);
		it->count = json_object_get_int64(rv);
	}
	if (figs_from(figs, &r->figs, &r->nfigs, why) < 0)
		goto out;
	if (json_object_object_get_ex(o, "by_rank", &by_rank)) {
		json_object_object_foreach(by_rank, tk, to)
		{
			r->tiers = xrealloc(r->tiers, (r->ntiers + 1) * sizeof *r->tiers);
			struct tier *t = &r->tiers[r->ntiers++];
			memset(t, 0, sizeof *t);
			t->key = xstrdup(tk);
			long long lim = 0;
			jint(to, "limit", &lim);
			t->limit = (long)lim;
			jint(to, "domains", &t->domains);
			json_object *tf = NULL;
			json_object_object_get_ex(to, "figures", &tf);
			if (figs_from(tf, &t->figs, &t->nfigs, why) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	json_object_put(o);
	return rc;
}
