/* SPDX-License-Identifier: ISC */
/* RDAP bootstrap matching and domain answer parsing (RFC 9224, RFC 9083), without I/O. */
#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <json-c/json.h>

#include "date.h"
#include "rdap.h"
#include "xalloc.h"

/* JSON nesting deeper than this is refused (real answers stay under 10). */
#define RDAP_MAX_DEPTH 64

struct entry {
	char *name;	/* lowercase, no trailing dot; "" is the root */
	size_t service; /* index into services */
};

struct service {
	char **https, **http; /* normalised base URLs (ending in '/') */
	size_t nhttps, nhttp;
};

struct rdap_bootstrap {
	struct entry *slots; /* open addressing, power-of-two size */
	size_t nslots, nentries;
	struct service *services;
	size_t nservices, capservices;
};

static uint64_t
hash_name(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)tolower((unsigned char)s[i]);
		h *= 1099511628211ULL;
	}
	return h;
}

static struct entry *
find_slot(const struct rdap_bootstrap *bs, const char *s, size_t n)
{
	if (!bs->nslots)
		return NULL;
	size_t mask = bs->nslots - 1;
	for (size_t i = hash_name(s, n) & mask;; i = (i + 1) & mask) {
		struct entry *e = &bs->slots[i];
		if (!e->name)
			return e;
		if (strlen(e->name) == n && !strncasecmp(e->name, s, n))
			return e;
	}
}

static void
grow_table(struct rdap_bootstrap *bs)
{
	struct entry *old = bs->slots;
	size_t nold = bs->nslots;
	bs->nslots = nold ? nold * 2 : 64;
	bs->slots = xcalloc(bs->nslots, sizeof *bs->slots);
	for (size_t i = 0; i < nold; i++)
		if (old[i].name)
			*find_slot(bs, old[i].name, strlen(old[i].name)) = old[i];
	free(old);
}

struct rdap_bootstrap *
rdap_bootstrap_new(void)
{
	return xcalloc(1, sizeof(struct rdap_bootstrap));
}

void
rdap_bootstrap_free(struct rdap_bootstrap *bs)
{
	if (!bs)
		return;
	for (size_t i = 0; i < bs->nslots; i++)
		free(bs->slots[i].name);
	for (size_t i = 0; i < bs->nservices; i++) {
		struct service *sv = &bs->services[i];
		for (size_t j = 0; j < sv->nhttps; j++)
			free(sv->https[j]);
		for (size_t j = 0; j < sv->nhttp; j++)
			free(sv->http[j]);
		free(sv->https);
		free(sv->http);
	}
	free(bs->slots);
	free(bs->services);
	free(bs);
}

size_t
rdap_bootstrap_size(const struct rdap_bootstrap *bs)
{
	return bs->nentries;
}

/* A base URL with the trailing '/' RFC 9224 requires (some files omit it). */
static char *
normalise_base(const char *url)
{
	size_t n = strlen(url);
	char *s = xmalloc(n + 2);
	memcpy(s, url, n);
	if (n == 0 || url[n - 1] != '/')
		s[n++] = '/';
	s[n] = '\0';
	return s;
}

static bool
has_scheme(const char *url, const char *scheme)
{
	size_t n = strlen(scheme);
	return !strncasecmp(url, scheme, n) && url[n] == ':' && url[n + 1] == '/' &&
	       url[n + 2] == '/' && url[n + 3] != '\0';
}

static size_t
add_service(struct rdap_bootstrap *bs, json_object *urls)
{
	bs->services =
	    xgrow(bs->services, &bs->capservices, bs->nservices + 1, sizeof *bs->services);
	struct service *sv = &bs->services[bs->nservices];
	memset(sv, 0, sizeof *sv);
	size_t n = json_object_array_length(urls);
	for (size_t i = 0; i < n; i++) {
		json_object *u = json_object_array_get_idx(urls, i);
		if (!json_object_is_type(u, json_type_string))
			continue;
		const char *s = json_object_get_string(u);
		if (strlen(s) != (size_t)json_object_get_string_len(u))
			continue; /* embedded NUL */
		if (has_scheme(s, "https")) {
			sv->https = xrealloc(sv->https, (sv->nhttps + 1) * sizeof *sv->https);
			sv->https[sv->nhttps++] = normalise_base(s);
		} else if (has_scheme(s, "http")) {
			sv->http = xrealloc(sv->http, (sv->nhttp + 1) * sizeof *sv->http);
			sv->http[sv->nhttp++] = normalise_base(s);
		}
	}
	return bs->nservices++;
}

static int
add_entry(struct rdap_bootstrap *bs, const char *name, size_t n, size_t service)
{
	if (n > 0 && name[n - 1] == '.')
		n--;
	if (memchr(name, '\0', n))
		return 0;
	if ((bs->nentries + 1) * 2 > bs->nslots)
		grow_table(bs);
	struct entry *e = find_slot(bs, name, n);
	if (e->name)
		return 0; /* first one wins */
	e->name = xstrndup(name, n);
	for (char *p = e->name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	e->service = service;
	bs->nentries++;
	return 1;
}

static json_object *
parse_json(const char *data, size_t n, const char **why)
{
	if (n > INT_MAX) {
		*why = "too large";
		return NULL;
	}
	json_tokener *tok = json_tokener_new_ex(RDAP_MAX_DEPTH);
	if (!tok) {
		*why = "out of memory";
		return NULL;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	json_object *obj = json_tokener_parse_ex(tok, data, (int)n);
	enum json_tokener_error err = json_tokener_get_error(tok);
	if (!obj || err != json_tokener_success) {
		*why =
		    err == json_tokener_continue ? "truncated JSON" : json_tokener_error_desc(err);
		json_object_put(obj);
		obj = NULL;
	} else {
		size_t end = json_tokener_get_parse_end(tok);
		for (; end < n; end++)
			if (!strchr(" \t\r\n", data[end]))
				break;
		if (end < n) {
			*why = "trailing text after the JSON value";
			json_object_put(obj);
			obj = NULL;
		}
	}
	json_tokener_free(tok);
	return obj;
}

int
rdap_bootstrap_parse(struct rdap_bootstrap *bs, const char *data, size_t n, struct buf *why)
{
	const char *err = NULL;
	json_object *root = parse_json(data, n, &err);
	if (!root) {
		buf_addf(why, "not JSON: %s", err);
		return -1;
	}
	json_object *services;
	if (!json_object_is_type(root, json_type_object) ||
	    !json_object_object_get_ex(root, "services", &services) ||
	    !json_object_is_type(services, json_type_array)) {
		buf_adds(why, "no \"services\" array");
		json_object_put(root);
		return -1;
	}
	int added = 0;
	size_t ns = json_object_array_length(services);
	for (size_t i = 0; i < ns; i++) {
		json_object *sv = json_object_array_get_idx(services, i);
		if (!json_object_is_type(sv, json_type_array) || json_object_array_length(sv) != 2)
			continue;
		json_object *entries = json_object_array_get_idx(sv, 0);
		json_object *urls = json_object_array_get_idx(sv, 1);
		if (!json_object_is_type(entries, json_type_array) ||
		    !json_object_is_type(urls, json_type_array))
			continue;
		size_t idx = add_service(bs, urls);
		size_t ne = json_object_array_length(entries);
		for (size_t j = 0; j < ne; j++) {
			json_object *e = json_object_array_get_idx(entries, j);
			if (json_object_is_type(e, json_type_string))
				added += add_entry(bs, json_object_get_string(e),
						   (size_t)json_object_get_string_len(e), idx);
		}
	}
	json_object_put(root);
	return added;
}

enum rdap_match
rdap_bootstrap_lookup(const struct rdap_bootstrap *bs, const char *name, bool allow_http,
		      const char **base)
{
	*base = NULL;
	size_t n = strlen(name);
	if (n > 0 && name[n - 1] == '.')
		n--;
	const char *p = name;
	for (;;) {
		/* p..name+n is the candidate suffix: whole labels only */
		const struct entry *e = find_slot(bs, p, (size_t)(name + n - p));
		if (e && e->name) {
			const struct service *sv = &bs->services[e->service];
			if (sv->nhttps) {
				*base = sv->https[0];
				return RDAP_MATCH_OK;
			}
			if (sv->nhttp && allow_http) {
				*base = sv->http[0];
				return RDAP_MATCH_OK;
			}
			return sv->nhttp ? RDAP_MATCH_HTTP_ONLY : RDAP_MATCH_NONE;
		}
		if (p == name + n)
			return RDAP_MATCH_NONE; /* the root was tried */
		const char *dot = memchr(p, '.', (size_t)(name + n - p));
		p = dot ? dot + 1 : name + n;
	}
}

void
rdap_domain_init(struct rdap_domain *d)
{
	memset(d, 0, sizeof *d);
	d->registration = d->expiration = DATE_UNKNOWN;
}

void
rdap_domain_free(struct rdap_domain *d)
{
	free(d->related);
	buf_free(&d->msg);
	rdap_domain_init(d);
}

static int
fail(struct rdap_domain *d, const char *code, const char *fmt, const char *arg)
{
	d->code = code;
	buf_reset(&d->msg);
	buf_addf(&d->msg, fmt, arg);
	return -1;
}

static const char *
member_str(json_object *o, const char *key)
{
	json_object *v;
	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* Does the action, trimmed and without case, equal want? */
static bool
action_is(const char *a, const char *want)
{
	while (*a == ' ' || *a == '\t')
		a++;
	size_t n = strlen(a);
	while (n > 0 && (a[n - 1] == ' ' || a[n - 1] == '\t'))
		n--;
	return n == strlen(want) && !strncasecmp(a, want, n);
}

static bool
name_matches(const char *ldh, const char *query)
{
	size_t a = strlen(ldh), b = strlen(query);
	if (a > 0 && ldh[a - 1] == '.')
		a--;
	if (b > 0 && query[b - 1] == '.')
		b--;
	return a == b && !strncasecmp(ldh, query, a);
}

static void
find_related(json_object *root, struct rdap_domain *d)
{
	json_object *links;
	if (!json_object_object_get_ex(root, "links", &links) ||
	    !json_object_is_type(links, json_type_array))
		return;
	size_t n = json_object_array_length(links);
	for (size_t i = 0; i < n; i++) {
		json_object *l = json_object_array_get_idx(links, i);
		if (!json_object_is_type(l, json_type_object))
			continue;
		const char *rel = member_str(l, "rel"), *href = member_str(l, "href");
		const char *type = member_str(l, "type");
		if (!rel || !href || strcasecmp(rel, "related"))
			continue;
		if (type && strncasecmp(type, "application/rdap+json", 21) &&
		    strncasecmp(type, "application/json", 16))
			continue;
		if (!has_scheme(href, "https") && !has_scheme(href, "http"))
			continue;
		if (!strstr(href, "/domain/"))
			continue;
		d->related = xstrdup(href);
		return;
	}
}

int
rdap_parse_domain(const char *body, size_t n, const char *query, struct rdap_domain *d)
{
	const char *err = NULL;
	json_object *root = parse_json(body, n, &err);
	if (!root)
		return fail(d, "bad-json", "malformed RDAP answer: %s", err);
	int rc = 0;
	if (!json_object_is_type(root, json_type_object)) {
		rc = fail(d, "bad-json", "RDAP answer is not a JSON object%s", "");
		goto out;
	}
	const char *cls = member_str(root, "objectClassName");
	if (!cls || strcasecmp(cls, "domain")) {
		rc =
		    fail(d, "not-domain", "RDAP answer is not a domain object (objectClassName %s)",
			 cls ? cls : "missing");
		goto out;
	}
	const char *ldh = member_str(root, "ldhName");
	if (query && ldh && !name_matches(ldh, query)) {
		rc = fail(d, "not-domain", "RDAP answer is about another domain: %s", ldh);
		goto out;
	}
	json_object *events;
	if (json_object_object_get_ex(root, "events", &events) &&
	    json_object_is_type(events, json_type_array)) {
		size_t ne = json_object_array_length(events);
		for (size_t i = 0; i < ne; i++) {
			json_object *ev = json_object_array_get_idx(events, i);
			if (!json_object_is_type(ev, json_type_object))
				continue;
			const char *action = member_str(ev, "eventAction");
			if (!action)
				continue;
			bool reg = action_is(action, "registration");
			bool exp = action_is(action, "expiration");
			if (!reg && !exp)
				continue;
			json_object *dv;
			int64_t t;
			if (!json_object_object_get_ex(ev, "eventDate", &dv) ||
			    !json_object_is_type(dv, json_type_string) ||
			    date_parse_iso(json_object_get_string(dv),
					   (size_t)json_object_get_string_len(dv), &t) < 0) {
				const char *s = dv && json_object_is_type(dv, json_type_string)
						    ? json_object_get_string(dv)
						    : "(not a string)";
				d->code = "bad-date";
				buf_reset(&d->msg);
				buf_addf(&d->msg, "unparsable %s date: '%.64s'",
					 reg ? "registration" : "expiration", s);
				rc = -1;
				goto out;
			}
			if (reg && (d->registration == DATE_UNKNOWN || t < d->registration))
				d->registration = t;
			if (exp && (d->expiration == DATE_UNKNOWN || t > d->expiration))
				d->expiration = t;
		}
	}
	find_related(root, d);
out:
	json_object_put(root);
	return rc;
}
