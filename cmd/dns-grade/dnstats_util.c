/* SPDX-License-Identifier: ISC */
/* What DNStats' checks share: its remark levels, the text forms dnspython gave them (quoted TXT
 * strings, `flags tag "value"` CAA), Python's str.split, int() and ipaddress as DNStats used
 * them, and the work struct the checks fill. */
#include <stdlib.h>
#include <string.h>

#include "dnstats.h"
#include "jsonw.h"
#include "xalloc.h"

struct dnstats *
dnstats_of(struct grader *g)
{
	if (!g->dnstats) {
		g->dnstats = xcalloc(1, sizeof *g->dnstats);
		pairs_init(&g->dnstats->dmarc_pairs);
	}
	return g->dnstats;
}

static void
txt_set_free(struct txt_set *set)
{
	buf_free(&set->text);
	free(set->end);
}

void
dnstats_free(struct grader *g)
{
	struct dnstats *d = g->dnstats;
	if (!d)
		return;
	txt_set_free(&d->apex_set);
	txt_set_free(&d->dmarc_set);
	txt_set_free(&d->other_set);
	struct buf *bufs[] = {&d->apex, &d->dmarc, &d->other,  &d->name,
			      &d->caa,	&d->value, &d->issuer, &d->tok};
	for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
		buf_free(bufs[i]);
	for (int i = 0; i < 16; i++)
		buf_free(&d->ns_sets[i]);
	free(d->tok_off);
	free(d->dq);
	pairs_free(&d->dmarc_pairs);
	if (d->ready) {
		regfree(&d->re_fqdn);
		regfree(&d->re_url);
		regfree(&d->re_email);
		psl_free(d->psl);
		free(d->re_memo);
		free(d->psl_memo);
	}
	free(d);
	g->dnstats = NULL;
}

/* Severity of DNStats' remark levels: 0 fatal, 1 error -> error; 2 warning; 3, 4 -> notice. */
static enum finding_sev
level_sev(int level)
{
	return level <= 1 ? SEV_ERROR : level == 2 ? SEV_WARNING : SEV_NOTICE;
}

void
ds_remark(struct grader *g, enum cat c, const char *code, int level, const char *fmt, const char *v,
	  size_t vn)
{
	if (v)
		findings_add(&g->f[c], code, level_sev(level), fmt, FV(vn), v);
	else
		findings_add(&g->f[c], code, level_sev(level), "%s", fmt);
}

/* --- text forms ------------------------------------------------------------------------ */

void
prefixed_name(struct buf *out, const char *prefix, const struct scan *s)
{
	buf_reset(out);
	buf_adds(out, prefix);
	buf_add(out, s->domain, s->domainlen);
}

void
txt_set_read(struct grader *g, const char *name, size_t n, struct txt_set *set)
{
	buf_reset(&set->text);
	set->n = 0;
	set->fails = 0;
	const struct query *q = scan_find(g->s, name, n, T_TXT);
	size_t i = 0;
	const struct jv *rr;
	struct buf *raw = &g->tmp;
	while ((rr = q_rr(q, T_TXT, &i))) {
		if (!rr_txt(g->s, rr, raw, " ")) {
			set->fails++;
			continue;
		}
		buf_add(&set->text, buf_str(raw), raw->len + 1);
		set->end = xgrow(set->end, &set->cap, set->n + 1, sizeof *set->end);
		set->end[set->n++] = set->text.len - 1;
	}
}

/* Appends the n bytes at p as dnspython printed them: each byte as it is but '"' and '\'
 * escaped with a '\' and bytes outside printable ASCII as \ddd; with quoted false, every '"'
 * is then removed (the '\' of its escape stays). */
static void
add_printed(struct buf *out, const unsigned char *p, size_t n, bool quoted)
{
	for (size_t j = 0; j < n; j++) {
		size_t run = printable_run((const char *)p + j, n - j);
		buf_add(out, p + j, run);
		if ((j += run) == n)
			break;
		unsigned char c = p[j];
		if (c == '"' || c == '\\') {
			buf_addc(out, '\\');
			if (c == '\\' || quoted)
				buf_addc(out, (char)c);
		} else {
			buf_addf(out, "\\%03u", c);
		}
	}
}

const struct buf *
txt_set_stripped(const struct txt_set *set, struct buf *esc)
{
	const unsigned char *t = (const unsigned char *)set->text.s;
	buf_reset(esc);
	for (size_t k = 0, st = 0; k < set->n; st = set->end[k++] + 1) {
		add_printed(esc, t + st, set->end[k] - st, false);
		buf_add(esc, "", 1);
	}
	return esc;
}

const char *
next_str(const struct buf *b, size_t *off)
{
	if (*off >= b->len)
		return NULL;
	const char *s = b->s + *off;
	*off += strlen(s) + 1;
	return s;
}

void
caa_text(const struct jv *rr, struct buf *out)
{
	long long flags = 0;
	size_t tn = 0, vn = 0;
	const char *tag = rr_str(rr, K_tag, &tn), *val = rr_str(rr, K_value, &vn);
	rr_int(rr, K_flags, &flags);
	buf_reset(out);
	/* "%lld %.*s \"": the tag ends at a NUL, as %.*s ends it */
	jsonw_int(out, flags);
	buf_addc(out, ' ');
	buf_add(out, tag ? tag : "", tag ? strnlen(tag, tn) : 0);
	buf_add(out, " \"", 2);
	if (val)
		add_printed(out, (const unsigned char *)val, vn, true);
	buf_addc(out, '"');
}

/* --- Python's str.split and int() ------------------------------------------------------ */

struct span {
	const char *p;
	size_t n;
};

/* s[0..n) stripped of Python's white space. */
static struct span
strip(const char *s, size_t n)
{
	while (n && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r'))
		n--;
	return (struct span){s, n};
}

/* The next piece from *s on (NULL: none left) of exactly two parts, key and value stripped; *s
 * moves past it. e: the end of the text. */
static bool
pair_next(const char **s, const char *e, struct span *k, struct span *v)
{
	while (*s) {
		const char *p = *s, *semi = memchr(p, ';', (size_t)(e - p));
		const char *pe = semi ? semi : e;
		const char *eq = memchr(p, '=', (size_t)(pe - p));
		*s = semi ? semi + 1 : NULL;
		if (eq && !memchr(eq + 1, '=', (size_t)(pe - eq - 1))) {
			*k = strip(p, (size_t)(eq - p));
			*v = strip(eq + 1, (size_t)(pe - eq - 1));
			return true;
		}
	}
	return false;
}

/* Ends a span of the copy with a NUL: the byte after a key or a value is the '=', the ';',
 * the white space stripped or the end, none of them in a span. */
static char *
span_end(struct span sp)
{
	char *out = (char *)sp.p;
	out[sp.n] = '\0';
	return out;
}

void
pairs_init(struct pairs *p)
{
	p->n = 0;
	p->src = p->store = NULL;
}

void
pairs_parse(const char *s, struct pairs *p)
{
	pairs_free(p);
	p->src = s;
	size_t len = strlen(s);
	char *w = p->store = len < sizeof p->small ? p->small : xmalloc(len + 1);
	memcpy(w, s, len + 1);
	const char *t = w, *e = w + len;
	struct span k, v;
	while (p->n < 64 && pair_next(&t, e, &k, &v)) {
		p->kn[p->n] = k.n;
		p->vn[p->n] = v.n;
		p->k[p->n] = span_end(k);
		p->v[p->n] = span_end(v);
		p->n++;
	}
}

void
pairs_free(struct pairs *p)
{
	if (p->store != p->small)
		free(p->store);
	p->store = NULL;
	p->src = NULL;
	p->n = 0;
}

/* The last value of a key (a dict built in order), or NULL. */
const char *
pairs_get(const struct pairs *p, const char *k)
{
	size_t n = strlen(k);
	for (size_t i = p->n; i-- > 0;)
		if (p->kn[i] == n && !memcmp(p->k[i], k, n))
			return p->v[i];
	return NULL;
}

bool
py_int(const char *s, long long *out)
{
	while (*s == ' ' || *s == '\t')
		s++;
	int sign = 1;
	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (!(*s >= '0' && *s <= '9'))
		return false;
	long long v = 0;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9') {
			if (v < 1000000000000LL)
				v = v * 10 + (*s - '0');
		} else if (*s == '_' && s[1] >= '0' && s[1] <= '9' && s[-1] >= '0' &&
			   s[-1] <= '9') {
			continue;
		} else {
			while (*s == ' ' || *s == '\t')
				s++;
			if (*s)
				return false;
			break;
		}
	}
	*out = sign * v;
	return true;
}

/* --- Python ipaddress, as DNStats used it ------------------------------------------------ */

bool
py_v4(const char *s, size_t n, unsigned *out)
{
	unsigned v = 0;
	int parts = 0;
	size_t i = 0;
	while (parts < 4) {
		size_t st = i;
		unsigned o = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			o = o * 10 + (unsigned)(s[i++] - '0');
		size_t len = i - st;
		/* octal-looking octets above 7 are "ambiguous" */
		if (len == 0 || len > 3 || o > 255 || (o > 7 && s[st] == '0'))
			return false;
		v = v << 8 | o;
		if (++parts < 4) {
			if (i >= n || s[i] != '.')
				return false;
			i++;
		}
	}
	*out = v;
	return i == n;
}

bool
py_v4_private(unsigned a)
{
	static const struct {
		unsigned net;
		int len;
	} p[] = {
	    {0x00000000, 8},  {0x0a000000, 8},	{0x7f000000, 8},  {0xa9fe0000, 16},
	    {0xac100000, 12}, {0xc0000000, 29}, {0xc00000aa, 31}, {0xc0000200, 24},
	    {0xc0a80000, 16}, {0xc6120000, 15}, {0xc6336400, 24}, {0xcb007100, 24},
	    {0xf0000000, 4},  {0xffffffff, 32},
	};
	for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
		if ((a >> (32 - p[i].len)) == (p[i].net >> (32 - p[i].len)))
			return true;
	return false;
}

bool
py_v6_private(const unsigned char *b)
{
	static const unsigned char zero[16];
	if (!memcmp(b, zero, 15) && b[15] <= 1)
		return true;
	if (!memcmp(b, zero, 10) && b[10] == 0xff && b[11] == 0xff)
		return true;
	if (b[0] == 0x01 && b[1] == 0 && !memcmp(b + 2, zero, 6))
		return true; /* 100::/64 */
	if (b[0] == 0x20 && b[1] == 0x01) {
		if (b[2] < 0x02)
			return true; /* 2001::/23 */
		if (b[2] == 0x00 && b[3] == 0x02 && b[4] == 0 && b[5] == 0)
			return true;
		if (b[2] == 0x0d && b[3] == 0xb8)
			return true;
		if (b[2] == 0x00 && (b[3] & 0xf0) == 0x10)
			return true; /* 2001:10::/28 */
	}
	return (b[0] & 0xfe) == 0xfc || (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
}

/* Python's prefix string check: digits only, 0..max; else NetmaskValueError. */
bool
py_prefix(const char *s, size_t n, int max, int *out)
{
	if (n == 0 || n > 3)
		return false;
	int v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return v <= max;
}
