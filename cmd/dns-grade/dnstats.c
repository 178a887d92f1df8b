/* DNStats' adoption facts (dnstats.md 1.4) and its validators and graders (sections 2 and 3),
 * reproduced with their odd corners over the text forms dnspython gave them: quoted TXT
 * strings, `flags tag "value"` CAA. Production wrapper bugs are not copied: the no-SPF grade
 * uses the real has-MX answer, BIMI records are read unquoted, name servers' own answers are
 * compared. DNStats had no DNSSEC grade: that category keeps the domstat scale. */
#include <libpsl.h>
#include <regex.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "grade.h"
#include "ipaddr.h"
#include "jsonw.h"
#include "xalloc.h"

/* Severity of DNStats' remark levels: 0 fatal, 1 error -> error; 2 warning; 3, 4 -> notice. */
static enum finding_sev
level_sev(int level)
{
	return level <= 1 ? SEV_ERROR : level == 2 ? SEV_WARNING : SEV_NOTICE;
}

static void
remark(struct grader *g, enum cat c, const char *code, int level, const char *fmt, const char *v,
       size_t vn)
{
	if (v)
		findings_add(&g->f[c], code, level_sev(level), fmt, FV(vn), v);
	else
		findings_add(&g->f[c], code, level_sev(level), "%s", fmt);
}

/* A remark naming nothing: msg, a literal without '%', is its own format, which findings_add
 * copies without printf (the same message as remark's "%s"). */
#define remark0(g, c, code, level, msg) findings_add(&(g)->f[c], code, level_sev(level), msg "")

/* Byte classes for the checks that go byte by byte (ds_domain_ok, re_plain), set
 * once by grade_dnstats. */
enum {
	B_LDH = 1,     /* [a-z0-9-]: lower case only, the same in every locale under REG_ICASE */
	B_ATOM = 2,    /* [-a-z0-9!#$%&'*+/=?^_`{|}~], re_email's bracket */
	B_LETTER = 4,  /* [a-zA-Z] */
	B_LETDIG = 8,  /* [a-zA-Z0-9] */
	B_HYPHEN = 16, /* '-' */
};
static unsigned char byte_cls[256];

static void
byte_cls_init(void)
{
	for (int c = 0; c < 256; c++) {
		bool lower = c >= 'a' && c <= 'z', upper = c >= 'A' && c <= 'Z',
		     digit = c >= '0' && c <= '9';
		unsigned char k = 0;
		if (lower || digit || c == '-')
			k |= B_LDH | B_ATOM;
		if (c && strchr("!#$%&'*+/=?^_`{|}~", c))
			k |= B_ATOM;
		if (lower || upper)
			k |= B_LETTER;
		if (lower || upper || digit)
			k |= B_LETDIG;
		if (c == '-')
			k |= B_HYPHEN;
		byte_cls[c] = k;
	}
}

/* --- text forms ------------------------------------------------------------------------ */

/* The TXT RRs of a name as rr_txt joins their strings (with ' ', as dnspython printed them),
 * read once. legacy_facts reads the apex and _dmarc names on every record and grade_dnstats,
 * run next on the same scan, takes its texts from there instead of reading them again. */
struct txt_set {
	struct buf text; /* each RR's text then a NUL (a text may hold NULs too) */
	size_t *end;	 /* where each RR's text ends in text */
	size_t n, cap;
	unsigned fails; /* RRs rr_txt refused: one scan problem each */
};

/* Buffers reused from record to record: dns-grade grades one record at a time. */
static struct {
	struct txt_set apex_set, dmarc_set, other_set;
	const struct scan *sets_of;    /* legacy_facts read apex_set and dmarc_set of this scan */
	struct buf apex, dmarc, other; /* texts that needed escapes (txt_set_stripped) */
	struct buf name, caa, value, issuer;
	struct buf tok;	 /* SPF terms, NUL-terminated one after another */
	size_t *tok_off; /* where each term starts in tok */
	size_t ntok, tok_cap;
	const struct query **dq; /* direct NS queries (direct_ns_list) */
	size_t ndq, dq_cap;
	struct buf ns_sets[16];
} ds;

/* Sets out to "<prefix><domain>". */
static void
prefixed_name(struct buf *out, const char *prefix, const struct scan *s)
{
	buf_reset(out);
	buf_adds(out, prefix);
	buf_add(out, s->domain, s->domainlen);
}

static void
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

static bool
plain_byte(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

/* How many of the n bytes at p dnspython prints as they are. */
static size_t
plain_len(const unsigned char *p, size_t n)
{
	return printable_run((const char *)p, n);
}

/* Appends the text of n bytes at p as dnspython printed it, less every '"': each byte as it
 * is but '\' doubled, '"' as the '\' left of its escape and bytes outside printable ASCII as
 * \ddd. */
static void
add_stripped(struct buf *out, const unsigned char *p, size_t n)
{
	size_t run = 0;
	for (size_t j = plain_len(p, n); j < n; j++) {
		unsigned char c = p[j];
		if (plain_byte(c))
			continue;
		buf_add(out, p + run, j - run);
		run = j + 1;
		if (c == '\\')
			buf_add(out, "\\\\", 2);
		else if (c == '"')
			buf_addc(out, '\\');
		else
			buf_addf(out, "\\%03u", c);
	}
	buf_add(out, p + run, n - run);
}

/* The texts of a set as dnspython printed them, with every '"' removed, NUL-separated: the
 * set's own text when no byte needs an escape (the usual case), else esc. */
static const struct buf *
txt_set_stripped(const struct txt_set *set, struct buf *esc)
{
	const unsigned char *t = (const unsigned char *)set->text.s;
	size_t k = 0, st = 0;
	for (; k < set->n; st = set->end[k++] + 1)
		if (plain_len(t + st, set->end[k] - st) != set->end[k] - st)
			break;
	if (k == set->n)
		return &set->text;
	buf_reset(esc);
	buf_add(esc, t, st); /* the plain texts before, with their NULs */
	for (; k < set->n; st = set->end[k++] + 1) {
		add_stripped(esc, t + st, set->end[k] - st);
		buf_add(esc, "", 1);
	}
	return esc;
}

/* Every TXT RR of (name, TXT) as dnspython printed it, with every '"' removed; NUL-separated
 * (txt_set_stripped); set->n of them. */
static const struct buf *
txt_stripped(struct grader *g, const char *name, size_t n, struct txt_set *set, struct buf *esc)
{
	txt_set_read(g, name, n, set);
	return txt_set_stripped(set, esc);
}

static const char *
next_str(const struct buf *b, size_t *off)
{
	if (*off >= b->len)
		return NULL;
	const char *s = b->s + *off;
	*off += strlen(s) + 1;
	return s;
}

static void
caa_text(const struct jv *rr, struct buf *out)
{
	long long flags = 0;
	size_t tn = 0, vn = 0;
	const char *tag = rr_str(rr, K_tag, &tn), *val = rr_str(rr, K_value, &vn);
	rr_int(rr, K_flags, &flags);
	buf_reset(out);
	/* "%lld %.*s \"" without printf: the tag ends at a NUL, as %.*s ends it */
	jsonw_int(out, flags);
	buf_addc(out, ' ');
	buf_add(out, tag ? tag : "", tag ? strnlen(tag, tn) : 0);
	buf_add(out, " \"", 2);
	size_t run = 0; /* plain bytes are copied in runs */
	for (size_t i = 0; val && i < vn; i++) {
		unsigned char c = (unsigned char)val[i];
		if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\')
			continue;
		buf_add(out, val + run, i - run);
		run = i + 1;
		if (c == '"' || c == '\\') {
			buf_addc(out, '\\');
			buf_addc(out, (char)c);
		} else {
			buf_addf(out, "\\%03u", c);
		}
	}
	if (val)
		buf_add(out, val + run, vn - run);
	buf_addc(out, '"');
}

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

/* Python's str.split(';') then piece.split('='): the next piece from *s on (NULL: none left)
 * of exactly two parts, key and value stripped; *s moves past it. e: the end of the text. */
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

/* The first 64 pairs of a text (pair_next), keys and values NUL-terminated, with their
 * lengths. They live in a copy of the text, inside the struct for the usual short record; a
 * struct pairs is parsed once, then freed. */
struct pairs {
	char *k[64], *v[64];
	size_t kn[64], vn[64];
	size_t n;
	const char *src; /* the text parsed */
	char *store;
	char small[512];
};

/* Ends a span of the copy with a NUL: the byte after a key or a value is the '=', the ';',
 * the white space stripped or the end, none of them in a span. */
static char *
span_end(struct span sp)
{
	char *out = (char *)sp.p;
	out[sp.n] = '\0';
	return out;
}

static void
pairs_parse(const char *s, struct pairs *p)
{
	p->n = 0;
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

/* Is the n bytes at s the literal lit? (strcmp of a NUL-terminated s of length n) */
static inline bool
lit_is(const char *s, size_t n, const char *lit)
{
	size_t ln = strlen(lit);
	return n == ln && !memcmp(s, lit, ln);
}

static void
pairs_init(struct pairs *p)
{
	p->n = 0;
	p->src = p->store = NULL;
}

static void
pairs_free(struct pairs *p)
{
	if (p->store != p->small)
		free(p->store);
	p->store = NULL;
	p->n = 0;
}

/* The last value of a key (a dict built in order), or NULL. */
static const char *
pairs_get(const struct pairs *p, const char *k)
{
	size_t n = strlen(k);
	for (size_t i = p->n; i-- > 0;)
		if (p->kn[i] == n && !memcmp(p->k[i], k, n))
			return p->v[i];
	return NULL;
}

/* Python int(): optional sign, digits (underscores between digits), spaces stripped. */
static bool
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

/* The first qualifier of "all" anywhere in an SPF text ("+all", "?ALL"...), or NULL. */
static const char *
spf_ending(const char *t)
{
	for (const char *p = t; (p = strpbrk(p, "+?~-")); p++)
		if (!strncasecmp(p + 1, "all", 3))
			return p;
	return NULL;
}

/* --- adoption facts (process_result) -------------------------------------------------- */

static const char *
dmarc_stat_policy(const char *v)
{
	if (!v)
		return "no_policy";
	if (!strcmp(v, "none") || !strcmp(v, "quarantine") || !strcmp(v, "reject"))
		return v;
	return "invalid";
}

/* dmarc_stat_policy of a value (v.p NULL: none) as a static string. */
static const char *
stat_policy(struct span v)
{
	if (!v.p)
		return "no_policy";
	if (v.n == 4 && !memcmp(v.p, "none", 4))
		return "none";
	if (v.n == 10 && !memcmp(v.p, "quarantine", 10))
		return "quarantine";
	if (v.n == 6 && !memcmp(v.p, "reject", 6))
		return "reject";
	return "invalid";
}

/* The facts are read from the texts rr_txt joined, not from the form dnspython printed
 * (add_stripped): that form is the same bytes but that some become '\' and digits, each byte
 * at least one, so a pattern holding neither ("redirect=", "+all", ';', '=', "rua") is found
 * at the same places in the same order in both, and a word of plain bytes equals a part of one
 * exactly when it equals the same part of the other. "v=DMARC1" has a digit, but as a prefix:
 * a printed escape starts with '\'. The printed form has no tab, CR or LF left to strip: a raw
 * text is stripped of spaces alone (strip_spaces). A raw text may hold NULs: lengths bound
 * every search. */
static struct span
strip_spaces(const char *s, size_t n)
{
	while (n && *s == ' ')
		s++, n--;
	while (n && s[n - 1] == ' ')
		n--;
	return (struct span){s, n};
}

/* The qualifier of the first "+all", "?ALL"... in the n bytes at t (t[n] is a NUL), or 0:
 * spf_ending over a text that may hold NULs, a piece between them at a time. */
static char
spf_qualifier(const char *t, size_t n)
{
	for (const char *p = t, *e = t + n; p < e;) {
		const char *q = strpbrk(p, "+?~-");
		if (!q) {
			p += strlen(p) + 1;
			continue;
		}
		/* strncasecmp(q + 1, "all", 3) in the C locale: no byte past t[n] is read */
		if ((q[1] | 0x20) == 'a' && (q[2] | 0x20) == 'l' && (q[3] | 0x20) == 'l')
			return *q;
		p = q + 1;
	}
	return 0;
}

/* Is "redirect=" in the n bytes at t? Found from its '=', which SPF texts have few of. */
static bool
has_redirect(const char *t, size_t n)
{
	for (const char *p = t, *q; (q = memchr(p, '=', (size_t)(t + n - p))); p = q + 1)
		if (q - t >= 8 && !memcmp(q - 8, "redirect", 8))
			return true;
	return false;
}

/* SPF: a record holding "redirect=" is replaced by its target's quoted text, which never
 * matches; otherwise the first starting "v=spf" wins. */
static void
legacy_spf(struct legacy *l, const struct txt_set *set)
{
	l->spf_policy = "no_policy";
	for (size_t r = 0, st = 0; r < set->n; st = set->end[r++] + 1) {
		const char *t = set->text.s + st;
		size_t n = set->end[r] - st;
		if (n < 5 || memcmp(t, "v=spf", 5) || has_redirect(t, n))
			continue;
		l->has_spf = true;
		static const char *const pol[] = {"+all", "?all", "~all", "-all"};
		char q = spf_qualifier(t, n);
		if (q)
			l->spf_policy = pol[strchr("+?~-", q) - "+?~-"];
		return;
	}
}

/* The tags of a DMARC text [t, e): the last value of each key among the first 64 pairs
 * (pair_next's, each piece between ';' with exactly one '='), as pairs_get gives it. */
static void
legacy_dmarc_tags(struct legacy *l, const char *t, const char *e)
{
	struct span pol = {NULL, 0}, sub = {NULL, 0};
	for (size_t n = 0; n < 64 && t;) {
		const char *semi = memchr(t, ';', (size_t)(e - t)), *pe = semi ? semi : e,
			   *eq = NULL;
		size_t neq = 0;
		for (const char *q = t; q < pe; q++)
			if (*q == '=' && neq++ == 0)
				eq = q;
		if (neq == 1) {
			n++;
			struct span k = strip_spaces(t, (size_t)(eq - t));
			if (k.n == 3 && k.p[0] == 'r' && k.p[1] == 'u' && k.p[2] == 'a')
				l->has_dmarc_rua = true;
			else if (k.n == 3 && k.p[0] == 'r' && k.p[1] == 'u' && k.p[2] == 'f')
				l->has_dmarc_ruf = true;
			else if (k.n == 1 && k.p[0] == 'p')
				pol = strip_spaces(eq + 1, (size_t)(pe - eq - 1));
			else if (k.n == 2 && k.p[0] == 's' && k.p[1] == 'p')
				sub = strip_spaces(eq + 1, (size_t)(pe - eq - 1));
		}
		t = semi ? semi + 1 : NULL;
	}
	l->dmarc_policy = stat_policy(pol);
	l->dmarc_sub_policy = stat_policy(sub);
}

/* DMARC: the first quoted TXT starting "v=DMARC1 (quote included), that is the first whose
 * text less its quotes starts "v=DMARC1" (the first string holds those bytes). */
static void
legacy_dmarc(struct legacy *l, const struct txt_set *set)
{
	l->dmarc_policy = l->dmarc_sub_policy = "no_policy";
	for (size_t r = 0, st = 0; r < set->n; st = set->end[r++] + 1) {
		const char *t = set->text.s + st, *e = set->text.s + set->end[r];
		if (e - t < 8 || memcmp(t, "v=DMARC1", 8))
			continue;
		l->has_dmarc = true;
		legacy_dmarc_tags(l, t, e);
		return;
	}
}

/* Does the text form of a CAA RR (caa_text: `flags tag "value"`) hold " <word> " (word
 * "issue", "iodef")? Its spaces are the one after the flags, those of the tag (up to a NUL, as
 * %.*s ends it), the one before the value's quote and those of the value; the word holds no
 * quote, backslash or digit, so it is in " tag " or is bytes of the value that the text keeps
 * as they are. A tag without spaces holds it only by being the word. */
static bool
has_spaced_word(const char *p, size_t n, const char *word, size_t wn)
{
	const char *e = p + n;
	while ((size_t)(e - p) >= wn && (p = memchr(p, ' ', (size_t)(e - p) - wn + 1))) {
		if (!memcmp(p, word, wn))
			return true;
		p++;
	}
	return false;
}

static bool
caa_text_has(const char *tag, size_t tn, const char *val, size_t vn, const char *word)
{
	char spaced[8]; /* " issue " */
	size_t wn = strlen(word);
	spaced[0] = spaced[wn + 1] = ' ';
	memcpy(spaced + 1, word, wn);
	if (!memchr(tag, ' ', tn)) {
		if (tn == wn && !memcmp(tag, word, wn))
			return true;
	} else {
		buf_reset(&ds.caa);
		buf_addc(&ds.caa, ' ');
		buf_add(&ds.caa, tag, tn);
		buf_addc(&ds.caa, ' ');
		if (has_spaced_word(ds.caa.s, ds.caa.len, spaced, wn + 2))
			return true;
	}
	return val && has_spaced_word(val, vn, spaced, wn + 2);
}

/* CAA at the domain itself (no climbing), as substrings of the text form. */
static void
legacy_caa(struct legacy *l, const struct scan *s)
{
	const struct query *cq = scan_find(s, s->domain, s->domainlen, T_CAA);
	size_t i = 0;
	const struct jv *rr;
	while ((rr = q_rr(cq, T_CAA, &i))) {
		size_t tn = 0, vn = 0;
		const char *tag = rr_str(rr, K_tag, &tn), *val = rr_str(rr, K_value, &vn);
		tn = tag ? strnlen(tag, tn) : 0;
		tag = tag ? tag : "";
		l->caa_wildcard_count++;
		bool iodef, issue;
		if (!memchr(tag, ' ', tn) && !(val && memchr(val, ' ', vn))) {
			/* the usual RR: its only spaces are the two around the tag */
			iodef = tn == 5 && !memcmp(tag, "iodef", 5);
			issue = tn == 5 && !memcmp(tag, "issue", 5);
		} else {
			iodef = caa_text_has(tag, tn, val, vn, "iodef");
			issue = caa_text_has(tag, tn, val, vn, "issue");
		}
		l->has_caa_reporting |= iodef;
		if (issue) {
			l->has_caa = true;
			l->caa_issue_count++;
		}
	}
}

void
legacy_facts(struct grader *g)
{
	struct scan *s = g->s;
	struct legacy *l = &g->facts.legacy;
	size_t i = 0;
	l->has_mx = q_rr(scan_find(s, s->domain, s->domainlen, T_MX), T_MX, &i) != NULL;
	txt_set_read(g, s->domain, s->domainlen, &ds.apex_set);
	legacy_spf(l, &ds.apex_set);
	prefixed_name(&ds.name, "_dmarc.", s);
	txt_set_read(g, ds.name.s, ds.name.len, &ds.dmarc_set);
	legacy_dmarc(l, &ds.dmarc_set);
	ds.sets_of = s;
	legacy_caa(l, s);

	long long v;
	const struct jv *rr;
	l->ds_algorithm = l->digest_type = l->dnskey_algorithm = -1;
	i = 0;
	if ((rr = q_rr(scan_find(s, s->domain, s->domainlen, T_DS), T_DS, &i))) {
		l->ds_algorithm = rr_int(rr, K_algorithm, &v) ? (int)v : -1;
		l->digest_type = rr_int(rr, K_digest_type, &v) ? (int)v : -1;
	}
	i = 0;
	if ((rr = q_rr(scan_find(s, s->domain, s->domainlen, T_DNSKEY), T_DNSKEY, &i)))
		l->dnskey_algorithm = rr_int(rr, K_algorithm, &v) ? (int)v : -1;
}

/* --- Python ipaddress, as DNStats used it ------------------------------------------------ */

static bool
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

static bool
v4_in(unsigned a, unsigned net, int len)
{
	return len == 0 || (a >> (32 - len)) == (net >> (32 - len));
}

static bool
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
	switch (a >> 24) { /* the first octet of every network above, the others at once */
	case 0:
	case 10:
	case 127:
	case 169:
	case 172:
	case 192:
	case 198:
	case 203:
		break;
	default:
		return a >= 0xf0000000;
	}
	for (size_t i = 0; i < sizeof p / sizeof p[0]; i++)
		if (v4_in(a, p[i].net, p[i].len))
			return true;
	return false;
}

static bool
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
static bool
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

/* --- SPF (2.1 and 3.1) ------------------------------------------------------------------- */

enum { SPF_STOP = 1 };

static int
ds_ip4(struct grader *g, const char *v, size_t n)
{
	const char *slash = memchr(v, '/', n);
	unsigned a;
	if (slash) {
		if (memchr(slash + 1, '/', n - (size_t)(slash - v) - 1) ||
		    !py_v4(v, (size_t)(slash - v), &a)) {
			remark(g, C_SPF, "INVALID_IPV4_VALUE", 1, "bad IPv4 address in '%.*s'", v,
			       n);
			return 0;
		}
		int len;
		if (!py_prefix(slash + 1, n - (size_t)(slash - v) - 1, 32, &len)) {
			remark(g, C_SPF, "INVALID_IPV4_CIDR", 1, "bad IPv4 prefix in '%.*s'", v, n);
			return 0;
		}
		unsigned host = len == 32 ? 0 : len == 0 ? 0xffffffffu : (0xffffffffu >> len);
		if (a & host) {
			remark(g, C_SPF, "INVALID_IPV6_MECHANISM", 1, "host bits set in '%.*s'", v,
			       n);
			return 0;
		}
		if (py_v4_private(a) && py_v4_private(a | host)) {
			remark(g, C_SPF, "INVALID_IPV4_MECHANISM", 1, "non-global network '%.*s'",
			       v, n);
			return SPF_STOP;
		}
		return 0;
	}
	if (!py_v4(v, n, &a)) {
		remark(g, C_SPF, "INVALID_IPV4_VALUE", 1, "bad IPv4 address '%.*s'", v, n);
		return 0;
	}
	if (py_v4_private(a)) {
		remark(g, C_SPF, "INVALID_IPV4_MECHANISM", 1, "non-global address '%.*s'", v, n);
		return SPF_STOP;
	}
	return 0;
}

static int
ds_ip6(struct grader *g, const char *v, size_t n)
{
	const char *slash = memchr(v, '/', n);
	if (!slash) {
		/* the code parses the token head "ip6" as the address */
		remark(g, C_SPF, "INVALID_IPV6_VALUE", 1, "'%.*s' (every ip6 without a prefix)", v,
		       n);
		return 0;
	}
	unsigned char b[16];
	size_t an = (size_t)(slash - v);
	int len;
	/* 64: what the copy for inet_pton had room for */
	if (an >= 64 || memchr(slash + 1, '/', n - an - 1)) {
		remark(g, C_SPF, "INVALID_IPV6_VALUE", 1, "bad IPv6 address in '%.*s'", v, n);
		return 0;
	}
	if (!ipaddr_v6(v, strnlen(v, an), b)) { /* inet_pton reads up to a NUL */
		remark(g, C_SPF, "INVALID_IPV6_VALUE", 1, "bad IPv6 address in '%.*s'", v, n);
		return 0;
	}
	if (!py_prefix(slash + 1, n - an - 1, 128, &len)) {
		remark(g, C_SPF, "INVALID_IPV6_CIDR", 1, "bad IPv6 prefix in '%.*s'", v, n);
		return 0;
	}
	unsigned char last[16];
	bool hostbits = false;
	for (int i = 0; i < 16; i++) {
		int keep = len - i * 8;
		unsigned char mask = keep >= 8	 ? 0xff
				     : keep <= 0 ? 0
						 : (unsigned char)(0xff << (8 - keep));
		if (b[i] & ~mask)
			hostbits = true;
		last[i] = (unsigned char)(b[i] | ~mask);
	}
	if (hostbits) {
		remark(g, C_SPF, "INVALID_IPV6_MECHANISM", 1, "host bits set in '%.*s'", v, n);
		return 0;
	}
	if (py_v6_private(b) && py_v6_private(last)) {
		remark(g, C_SPF, "INVALID_IPV6_MECHANISM", 1, "non-global network '%.*s'", v, n);
		return SPF_STOP;
	}
	return 0;
}

/* Python's str.split(' ') of s, appended to the terms in ds.tok (at most 4096). */
static void
toks_add_split(const char *s)
{
	for (;;) {
		const char *sp = strchr(s, ' ');
		size_t n = sp ? (size_t)(sp - s) : strlen(s);
		if (ds.ntok < 4096) {
			ds.tok_off =
			    xgrow(ds.tok_off, &ds.tok_cap, ds.ntok + 1, sizeof *ds.tok_off);
			ds.tok_off[ds.ntok++] = ds.tok.len;
			buf_add(&ds.tok, s, n);
			buf_add(&ds.tok, "", 1);
		}
		if (!sp)
			break;
		s = sp + 1;
	}
}

static void
ds_spf_validate(struct grader *g, const char *rec)
{
	struct scan *s = g->s;
	if (strncmp(rec, "v=spf1 ", 7))
		remark0(g, C_SPF, "INVALID_RECORD_START", 0, "record does not start 'v=spf1 '");
	buf_reset(&ds.tok);
	ds.ntok = 0;
	toks_add_split(rec);
	int count = 1, starts = 0, endings = 0;
	for (size_t i = 0; i < ds.ntok; i++) {
		const char *tok = ds.tok.s + ds.tok_off[i]; /* until a redirect adds terms */
		size_t tn = strlen(tok);
		if (tn == 0)
			break;
		if (count >= 10) {
			remark(g, C_SPF, "TOO_MANY_DNS_LOOKUPS", 2,
			       "lookup count reached 10 at '%.*s'", tok, tn);
			break;
		}
		if (!strncmp(tok, "all", 3))
			break;
		if (!strncmp(tok, "include", 7)) {
			count++;
			const char *c = strchr(tok, ':');
			if (!c || strchr(c + 1, ':')) {
				remark(g, C_SPF, "INVALID_INCLUDE_FORMAT", 1, "bad include '%.*s'",
				       tok, tn);
				break;
			}
		} else if (tok[0] == 'a') {
			count++;
			size_t na = q_count(scan_find(s, s->domain, s->domainlen, T_A), T_A);
			if (na == 0) {
				remark0(g, C_SPF, "NO_A_RECORDS_IN_MECHANISM", 2,
					"the domain has no A record");
				break;
			}
			if (na > 10) {
				remark0(g, C_SPF, "TOO_MANY_A_RECORDS_RETURNED", 2,
					"over 10 A records");
				break;
			}
		} else if (!strncmp(tok, "mx", 2)) {
			count++;
			size_t nm = q_count(scan_find(s, s->domain, s->domainlen, T_MX), T_MX);
			if (nm == 0)
				remark0(g, C_SPF, "NO_MX_RECORDS", 4,
					"the domain has no MX record");
			else if (nm > 10) {
				remark0(g, C_SPF, "TOO_MANY_MX_RECORDS_RETURNED", 2,
					"over 10 MX records");
				break;
			}
		} else if (!strncmp(tok, "ip4", 3) || !strncmp(tok, "ip6", 3)) {
			const char *c = strchr(tok, ':');
			bool v4 = tok[2] == '4';
			if (!c || !c[1]) {
				remark(g, C_SPF,
				       v4 ? "INVALID_IPV4_MECHANISM" : "INVALID_IPV6_MECHANISM", 1,
				       "'%.*s' without a value", tok, tn);
				break;
			}
			if ((v4 ? ds_ip4 : ds_ip6)(g, c + 1, strlen(c + 1)) == SPF_STOP)
				break;
		} else if (!strncmp(tok, "ptr", 3)) {
			count++;
			remark0(g, C_SPF, "HAS_PTR", 3, "'ptr' used");
		} else if (!strncmp(tok, "exists", 6)) {
			count++;
		} else if (!strncmp(tok, "redirect", 8)) {
			const char *eq = strchr(tok, '=');
			if (!eq || strchr(eq + 1, '=')) {
				remark(g, C_SPF, "INVALID_REDIRECT_MECHANISM", 1,
				       "bad redirect '%.*s'", tok, tn);
				break;
			}
			const struct buf *texts =
			    txt_stripped(g, eq + 1, strlen(eq + 1), &ds.other_set, &ds.other);
			if (ds.other_set.n == 0) {
				remark(g, C_SPF, "INVALID_REDIRECT_MECHANISM", 1,
				       "redirect target '%.*s' has no TXT", eq + 1, strlen(eq + 1));
				break;
			}
			size_t off = 0;
			const char *r;
			bool found = false;
			size_t eq_off = (size_t)(eq - ds.tok.s);
			while ((r = next_str(texts, &off)))
				if (!strncmp(r, "v=spf1 ", 7)) {
					toks_add_split(r);
					found = true;
					break;
				}
			eq = ds.tok.s + eq_off;
			if (!found)
				remark(g, C_SPF, "NO_RECORD_AT_REDIRECT", 0,
				       "no SPF record at redirect '%.*s'", eq + 1, strlen(eq + 1));
			count++;
		} else if (!strncmp(tok, "exp=", 4) || !strncmp(tok, "unknown-modifier=", 17)) {
			continue;
		} else if (tn >= 3 && !strcmp(tok + tn - 3, "all")) {
			if (++endings > 1)
				remark(g, C_SPF, "TOO_MANY_ENDINGS", 1, "second ending '%.*s'", tok,
				       tn);
		} else if (!strncmp(tok, "v=", 2)) {
			if (++starts > 1)
				remark(g, C_SPF, "TOO_MANY_STARTS", 0, "second start '%.*s'", tok,
				       tn);
			if (strcmp(tok + 2, "spf1")) {
				remark(g, C_SPF, "INVALID_RECORD_START", 0, "bad version '%.*s'",
				       tok, tn);
				break;
			}
		} else {
			remark(g, C_SPF, "INVALID_MECHANISM", 1, "unknown term '%.*s'", tok, tn);
			break;
		}
	}
}

/* Over the texts of the apex TXT RRs (txt_set_stripped). */
static int
ds_spf(struct grader *g, const struct buf *apex)
{
	int no_spf = g->facts.legacy.has_mx ? 0 : 20;
	size_t off = 0, kept = 0;
	const char *t, *rec = NULL;
	while ((t = next_str(apex, &off)))
		if (!strncmp(t, "v=spf1", 6) && kept++ == 0)
			rec = t;
	int grade;
	if (kept == 0) {
		remark0(g, C_SPF, "NO_SPF_FOUND", 0, "no SPF record");
		grade = no_spf;
	} else if (kept > 1) {
		remark0(g, C_SPF, "MULTIPLE_SPF_RECORDS", 0, "several SPF records");
		grade = no_spf;
	} else {
		int ceiling = 20;
		const char *p = spf_ending(rec);
		if (p)
			ceiling = *p == '-' ? 100 : *p == '~' ? 75 : *p == '?' ? 50 : 0;
		ds_spf_validate(g, rec);
		const struct findings *f = &g->f[C_SPF];
		if (findings_has(f, "INVALID_RECORD_START") ||
		    findings_has(f, "INVALID_REDIRECT_MECHANISM")) {
			grade = no_spf;
		} else {
			grade = ceiling - 2 * (int)(f->n + f->dropped);
			grade = grade < 0 ? 0 : grade;
		}
	}
	return grade;
}

/* --- DMARC (2.2 and 3.2) ----------------------------------------------------------------- */

static bool
ds_dmarc_validate(struct grader *g, enum cat c, const char *list, size_t nlist, struct pairs *p)
{
	p->n = 0;
	if (nlist > 1) {
		remark0(g, c, "MULTIPLE_DMARC_RECORDS", 0, "several DMARC records");
		return false;
	}
	if (strncmp(list, "v=DMARC1;", 9))
		remark0(g, c, "INVALID_DMARC_RECORD_START", 0, "record does not start 'v=DMARC1;'");
	pairs_parse(list, p);
	for (size_t i = 0; i < p->n; i++) {
		const char *k = p->k[i], *v = p->v[i];
		size_t kn = p->kn[i], vn = p->vn[i];
		long long x;
		if ((lit_is(k, kn, "adkim") || lit_is(k, kn, "aspf")) && !lit_is(v, vn, "s") &&
		    !lit_is(v, vn, "r"))
			remark(g, c, k[1] == 'd' ? "INVALID_ADKIM_VALUE" : "INVALID_ASPF_VALUE", 1,
			       "bad value '%.*s'", v, vn);
		else if (lit_is(k, kn, "fo") && !lit_is(v, vn, "0") && !lit_is(v, vn, "1") &&
			 !lit_is(v, vn, "d") && !lit_is(v, vn, "s"))
			remark(g, c, "INVALID_FAILURE_REPORTING_VALUE", 1, "bad fo '%.*s'", v, vn);
		else if (lit_is(k, kn, "p") && strcmp(dmarc_stat_policy(v), v))
			remark(g, c, "INVALID_POLICY", 0, "bad p '%.*s'", v, vn);
		else if (lit_is(k, kn, "sp") && strcmp(dmarc_stat_policy(v), v))
			remark(g, c, "INVALID_SUBDOMAIN_POLICY", 1, "bad sp '%.*s'", v, vn);
		else if (lit_is(k, kn, "pct") && py_int(v, &x) && x > 0 && x < 100)
			remark(g, c, "INVALID_PCT_VALUE", 1, "pct '%.*s' below 100", v, vn);
		else if (lit_is(k, kn, "rf") && !lit_is(v, vn, "afrf"))
			remark(g, c, "INVALID_RF_VALUE", 1, "bad rf '%.*s'", v, vn);
		else if (lit_is(k, kn, "ri") && (!py_int(v, &x) || x < 0 || x > 4294967295LL))
			remark(g, c, "INVALID_RI_VALUE", 1, "bad ri '%.*s'", v, vn);
	}
	return true;
}

static long long
ds_pct(const struct pairs *p)
{
	const char *v = pairs_get(p, "pct");
	long long x;
	return v && py_int(v, &x) ? x : 100;
}

/* pairs_get of each key ds_dmarc reads, in one pass from the last pair back. */
struct dmarc_tags {
	const char *adkim, *aspf, *fo, *p, *sp, *pct, *rua, *ruf;
};

static void
dmarc_tags(const struct pairs *p, struct dmarc_tags *t)
{
	memset(t, 0, sizeof *t);
	for (size_t i = p->n; i-- > 0;) {
		const char *k = p->k[i], **slot;
		size_t kn = p->kn[i];
		if (lit_is(k, kn, "adkim"))
			slot = &t->adkim;
		else if (lit_is(k, kn, "aspf"))
			slot = &t->aspf;
		else if (lit_is(k, kn, "fo"))
			slot = &t->fo;
		else if (lit_is(k, kn, "p"))
			slot = &t->p;
		else if (lit_is(k, kn, "sp"))
			slot = &t->sp;
		else if (lit_is(k, kn, "pct"))
			slot = &t->pct;
		else if (lit_is(k, kn, "rua"))
			slot = &t->rua;
		else if (lit_is(k, kn, "ruf"))
			slot = &t->ruf;
		else
			continue;
		if (!*slot)
			*slot = p->v[i];
	}
}

/* Over the texts of the _dmarc TXT RRs (txt_set_stripped); p: the tags it read
 * (pairs_init'ed), which the caller frees. */
static int
ds_dmarc(struct grader *g, const struct buf *txt, struct pairs *p)
{
	size_t off = 0, n = 0;
	const char *t, *first = NULL;
	while ((t = next_str(txt, &off)))
		if (!strncmp(t, "v=DMARC1;", 9) && n++ == 0)
			first = t;
	int grade = 0;
	if (n == 0 || !ds_dmarc_validate(g, C_DMARC, first, n, p) ||
	    findings_has(&g->f[C_DMARC], "INVALID_DMARC_RECORD_START"))
		return 0;
	const char *v;
	static const char *const tbl[] = {"none", "quarantine", "reject"};
	static const int p_pts[] = {10, 30, 60}, r_pts[] = {10, 15, 15}, sp_pts[] = {0, 10, 15};
	struct dmarc_tags tg;
	dmarc_tags(p, &tg);
	if ((v = tg.adkim) && !strcmp(v, "s"))
		grade += 5;
	if ((v = tg.aspf) && !strcmp(v, "s"))
		grade += 5;
	if ((v = tg.fo))
		grade += !strcmp(v, "1") ? 4 : (!strcmp(v, "d") || !strcmp(v, "s")) ? 2 : 0;
	const char *pv = tg.p;
	int pi = -1;
	for (int i = 0; i < 3; i++)
		if (pv && !strcmp(pv, tbl[i]))
			pi = i;
	if (pi < 0)
		return 0;
	grade += p_pts[pi];
	for (int k = 0; k < 2; k++)
		if ((v = k ? tg.ruf : tg.rua))
			for (int i = 0; i < 3; i++)
				if (!strcmp(v, tbl[i]))
					grade += r_pts[i];
	const char *sp = tg.sp;
	if (!sp || !*sp)
		sp = pv;
	for (int i = 0; i < 3; i++)
		if (!strcmp(sp, tbl[i]))
			grade += sp_pts[i];
	long long pct, x;
	pct = tg.pct && py_int(tg.pct, &x) ? x : 100; /* ds_pct */
	if (pct == 0)
		grade -= 2;
	else if (pct <= 70)
		grade += 1;
	else if (pct < 90)
		grade += 3;
	else if (pct == 100)
		grade += 5;
	if (tg.rua)
		grade += 5;
	if (tg.ruf)
		grade += 5;
	return grade;
}

/* --- CAA (2.3 and 3.3) ------------------------------------------------------------------- */

static regex_t re_fqdn, re_url, re_email;
static bool re_ready;

static void
re_init(void)
{
	if (re_ready)
		return;
		/* Django-style URL body: host (labels and a 2-6 letter or 2+ LDH top label, or a
		 * dotted quad), optional port, optional path. */
#define HOST                                                                                       \
	"((([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?[.])+([a-z]{2,6}[.]?|[a-z0-9-]{2,}[.]?))|"           \
	"[0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3}[.][0-9]{1,3})(:[0-9]+)?(/?|[/?][^[:space:]]+)$"
	regcomp(&re_fqdn, "^" HOST, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	regcomp(&re_url, "^https?://" HOST, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	regcomp(&re_email,
		"^([-a-z0-9!#$%&'*+/=?^_`{|}~]+([.][-a-z0-9!#$%&'*+/=?^_`{|}~]+)*|\"[^\"\\\\]*\")@"
		"([-a-z0-9!#$%&'*+/=?^_`{|}~]+([.][-a-z0-9!#$%&'*+/=?^_`{|}~]+)*|\\[[^]\\\\]*\\])$",
		REG_EXTENDED | REG_ICASE | REG_NOSUB);
	re_ready = true;
}

/* Strings of the plainest forms match these patterns, as reading them shows: those are
 * answered without regexec, the rest (upper case, other bytes, odd shapes) go to it. Only
 * lower-case letters, digits and bytes a bracket lists are taken, which match the same in
 * every locale. */
static bool
ldh_byte(char c)
{
	return byte_cls[(unsigned char)c] & B_LDH;
}

/* HOST matches all of s when s is labels of [a-z0-9-] joined by dots, the first ones 1 to 63
 * bytes with no '-' at either end, the last at least two bytes ([a-z0-9-]{2,}), then at most
 * one dot, a port of digits after ':', and nothing, "/", or '/' or '?' followed by printable
 * ASCII but space ([^[:space:]]+). */
static bool
host_plain(const char *p)
{
	for (int labels = 0;; labels++) {
		const char *l = p;
		while (ldh_byte(*p))
			p++;
		size_t n = (size_t)(p - l);
		if (*p == '.' && ldh_byte(p[1]) && n >= 1 && n <= 63 && l[0] != '-' &&
		    p[-1] != '-') {
			p++;
			continue;
		}
		if (labels == 0 || n < 2)
			return false;
		p += *p == '.';
		break;
	}
	if (*p == ':') {
		if (!(*++p >= '0' && *p <= '9'))
			return false;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (!*p || (*p == '/' && !p[1]))
		return true;
	if ((*p != '/' && *p != '?') || !p[1])
		return false;
	for (p++; *p; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f)
			return false;
	return true;
}

/* One side of re_email's '@' in its first form: dot-separated non-empty runs of the bracket's
 * bytes. */
static bool
atoms_plain(const char *p, const char *e)
{
	bool after_dot = true;
	for (; p < e; p++) {
		if (*p == '.') {
			if (after_dot)
				return false;
			after_dot = true;
		} else if (byte_cls[(unsigned char)*p] & B_ATOM) {
			after_dot = false;
		} else {
			return false;
		}
	}
	return !after_dot;
}

/* The plain answer for pattern re: true when s surely matches, false when regexec must say. */
static bool
re_plain(const regex_t *re, const char *s, size_t n)
{
	if (re == &re_fqdn)
		return host_plain(s);
	if (re == &re_url)
		return (!strncmp(s, "http://", 7) && host_plain(s + 7)) ||
		       (!strncmp(s, "https://", 8) && host_plain(s + 8));
	const char *at = memchr(s, '@', n);
	return at && atoms_plain(s, at) && atoms_plain(at + 1, s + n);
}

/* glibc's regexec is slow, and CAA issuers and iodef targets repeat from domain to domain
 * (letsencrypt.org, pki.goog, ...): remember the answer for short strings, per pattern, in a
 * direct-mapped table (same pattern, same string, same answer). 2048 slots of 144 bytes: with
 * 256, a few hundred distinct strings (one-off iodef addresses among them) evicted each other
 * and a third of the lookups ran regexec again. */
#define RE_SLOTS    2048
#define RE_MAX_KEPT 127

struct re_memo {
	const regex_t *re;
	char s[RE_MAX_KEPT + 1];
	bool used, ok;
};

static bool
re_ok(regex_t *re, const char *s)
{
	static struct re_memo memo[RE_SLOTS];
	size_t n = strlen(s);
	if (n >= 4096)
		return false;
	if (re_plain(re, s, n))
		return true;
	if (n > RE_MAX_KEPT)
		return regexec(re, s, 0, NULL, 0) == 0;
	unsigned long long h = 14695981039346656037ULL ^ (unsigned long long)(uintptr_t)re;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	struct re_memo *m = &memo[h % RE_SLOTS];
	if (m->used && m->re == re && !strcmp(m->s, s))
		return m->ok;
	m->re = re;
	memcpy(m->s, s, n + 1);
	m->ok = regexec(re, s, 0, NULL, 0) == 0;
	m->used = true;
	return m->ok;
}

struct caa_seen {
	bool issue, wild, iodef;
};

static void
caa_tag_checks(struct grader *g, const char *b, size_t tn)
{
	bool tag_ok = tn > 0;
	for (size_t k = 0; k < tn; k++)
		if (!((b[k] >= 'a' && b[k] <= 'z') || (b[k] >= '0' && b[k] <= '9')))
			tag_ok = false;
	if (!tag_ok)
		remark(g, C_CAA, "INVALID_TAG", 1, "bad tag '%.*s'", b, tn);
	if (tn > 15)
		remark(g, C_CAA, "TAG_TOO_LONG", 1, "tag '%.*s' over 15", b, tn);
}

/* The value as split for messages: c (cn bytes), or when c is NULL the value v of vn bytes
 * quoted (what the split gave when v needed no escape and held no quote). */
static const char *
caa_split_value(const char *c, size_t *cn, const char *v, size_t vn)
{
	if (c)
		return c;
	buf_reset(&ds.caa);
	buf_addc(&ds.caa, '"');
	buf_add(&ds.caa, v, vn);
	buf_addc(&ds.caa, '"');
	*cn = ds.caa.len;
	return ds.caa.s;
}

/* The checks of a property's value: tag b, value v (vn bytes, NUL-terminated) less its
 * quotes, c and cn as caa_split_value takes them. */
static void
caa_value_checks(struct grader *g, const char *b, const char *v, size_t vn, const char *c,
		 size_t cn, struct caa_seen *seen)
{
	if (!strcmp(b, "issue") || !strcmp(b, "issuewild")) {
		bool wl = b[5] == 'w';
		bool ok = !strcmp(v, ";");
		if (!ok) {
			const char *semi = strchr(v, ';'), *issuer = v;
			if (semi) { /* the issuer is what comes before it */
				buf_reset(&ds.issuer);
				buf_add(&ds.issuer, v, (size_t)(semi - v));
				issuer = ds.issuer.s;
			}
			ok = re_ok(&re_fqdn, issuer);
		}
		if (ok) {
			*(wl ? &seen->wild : &seen->issue) = true;
		} else {
			c = caa_split_value(c, &cn, v, vn);
			remark(g, C_CAA, wl ? "ISSUEWILD_DOMAIN_INVALID" : "ISSUE_DOMAIN_INVALID",
			       1, "bad issuer '%.*s'", c, cn);
		}
	} else if (!strcmp(b, "iodef")) {
		const char *bad = NULL;
		if (strncmp(v, "http", 4) && strncmp(v, "mailto", 6)) {
			bad = "IODEF_NO_SCHEME";
		} else {
			seen->iodef = true;
			if (!strncmp(v, "mailto:", 7)) {
				if (!re_ok(&re_email, v + 7))
					bad = "IODEF_INVALID_EMAIL";
			} else if (!strncmp(v, "http", 4) && !re_ok(&re_url, v)) {
				bad = "IODEF_INVALID_URL";
			}
		}
		if (bad) {
			c = caa_split_value(c, &cn, v, vn);
			remark(g, C_CAA, bad, 1, "iodef '%.*s'", c, cn);
		}
	}
}

/* One CAA RR through its text form (caa_text) split as Python's split(' ', 2) does. */
static void
caa_rr_text(struct grader *g, const struct jv *rr, struct caa_seen *seen)
{
	struct buf *t = &ds.caa;
	caa_text(rr, t);
	char *a = t->s, *b = strchr(a, ' '), *c = b ? strchr(b + 1, ' ') : NULL;
	if (!b || !c) {
		remark(g, C_CAA, "INVALID_PROPERTY_STRUCTURE", 0, "'%.*s'", t->s, t->len);
		return;
	}
	*b++ = '\0';
	*c++ = '\0';
	long long flag;
	if (!py_int(a, &flag)) {
		remark(g, C_CAA, "INVALID_FLAG", 1, "bad flag '%.*s'", a, strlen(a));
		return;
	}
	if (flag > 128)
		remark(g, C_CAA, "INVALID_FLAG", 1, "flag '%.*s' over 128", a, strlen(a));
	caa_tag_checks(g, b, strlen(b));
	size_t quotes = 0, cn = strlen(c);
	for (size_t k = 0; k < cn; k++)
		quotes += c[k] == '"';
	if (quotes != 0 && quotes != 2) {
		remark(g, C_CAA, "VALUE_QUOTE_ERROR", 0, "value '%.*s'", c, cn);
		return;
	}
	if (quotes == 0 && strchr(c, ' ')) {
		remark(g, C_CAA, "VALUE_NOT_QUOTED", 0, "value '%.*s'", c, cn);
		return;
	}
	buf_reset(&ds.value);
	buf_add(&ds.value, c, cn);
	char *v = ds.value.s;
	size_t w = 0;
	for (size_t k = 0; v[k]; k++)
		if (v[k] != '"')
			v[w++] = v[k];
	v[w] = '\0';
	/* the text is in ds.caa, which caa_split_value does not need: c is given */
	caa_value_checks(g, b, v, w, c, cn, seen);
}

static int
ds_caa(struct grader *g)
{
	re_init();
	const struct query *q = scan_find(g->s, g->s->domain, g->s->domainlen, T_CAA);
	size_t i = 0, n = 0;
	const struct jv *rr;
	struct caa_seen seen = {false, false, false};
	for (; (rr = q_rr(q, T_CAA, &i)); n++) {
		/* The usual RR split without its text form: with no space in the tag (up to a NUL)
		 * the split is the flags, that tag and the quoted value; with no byte to escape in
		 * the value it is the value as it is between two quotes, so it has two quotes and
		 * is the value once they are removed; flags up to 128 pass py_int unremarked. */
		size_t tn = 0, vn = 0;
		const char *tag = rr_str(rr, K_tag, &tn), *val = rr_str(rr, K_value, &vn);
		long long flags = 0;
		rr_int(rr, K_flags, &flags);
		tn = tag ? strnlen(tag, tn) : 0;
		if (flags > 128 || (tag && memchr(tag, ' ', tn)) ||
		    (val && plain_len((const unsigned char *)val, vn) != vn)) {
			caa_rr_text(g, rr, &seen);
			continue;
		}
		caa_tag_checks(g, tag ? tag : "", tn);
		caa_value_checks(g, tag ? tag : "", val ? val : "", vn, NULL, 0, &seen);
	}
	if (n == 0)
		return 0;
	const struct findings *f = &g->f[C_CAA];
	return (seen.issue ? 85 : 0) + (seen.wild ? 10 : 0) + (seen.iodef ? 5 : 0) -
	       2 * (int)(f->n + f->dropped);
}

/* --- NS (2.4 and 3.4) -------------------------------------------------------------------- */

/* Sets ds.dq to the direct NS queries for the domain, in scan order: found once, not once
 * for every address of every name server. A query's type is "NS" in any case exactly when its
 * tcode is T_NS (type_code, scan.c). */
static void
direct_ns_list(const struct scan *s)
{
	ds.ndq = 0;
	for (size_t k = 0; k < s->nq; k++) {
		const struct query *d = &s->qs[k];
		if (!d->direct || d->tcode != T_NS || !d->server ||
		    !name_eq(d->q, d->qlen, s->domain, s->domainlen))
			continue;
		ds.dq = xgrow(ds.dq, &ds.dq_cap, ds.ndq + 1, sizeof *ds.dq);
		ds.dq[ds.ndq++] = d;
	}
}

/* One of ds.dq sent to an address of a name server (its A and AAAA queries aq), or NULL. */
static const struct query *
direct_ns(const struct query *const aq[2])
{
	static const enum rr_type types[] = {T_A, T_AAAA};
	for (int t = 0; t < 2 && ds.ndq; t++) {
		size_t j = 0;
		const struct jv *a;
		while ((a = q_rr(aq[t], types[t], &j))) {
			size_t an;
			const char *ad = rr_str(a, K_address, &an);
			for (size_t k = 0; ad && k < ds.ndq; k++) {
				const char *sv = ds.dq[k]->server + (ds.dq[k]->server[0] == '[');
				if (!strncmp(sv, ad, an) &&
				    (sv[an] == ':' || sv[an] == ']' || !sv[an]))
					return ds.dq[k];
			}
		}
	}
	return NULL;
}

static int
ds_ns(struct grader *g)
{
	struct scan *s = g->s;
	const struct query *q = scan_find(s, s->domain, s->domainlen, T_NS);
	size_t n = q_count(q, T_NS);
	if (n == 0)
		return 0;
	int grade = 100;
	if (n == 1) {
		remark0(g, C_NS, "ONLY_ONE_NS_RECORD", 2, "one name server");
		grade -= 20;
	}
	struct buf *sets = ds.ns_sets;
	const struct query *set_of[16];
	size_t nsets = 0, i = 0;
	const struct jv *rr;
	size_t seen = 0;
	direct_ns_list(s);
	while ((rr = q_rr(q, T_NS, &i)) && seen++ < 64) {
		size_t hn;
		const char *h = rr_str(rr, K_host, &hn);
		if (!h)
			continue;
		size_t na = 0;
		bool not_public = false, invalid = false;
		static const enum rr_type types[] = {T_A, T_AAAA};
		const struct query *aq[2];
		for (int t = 0; t < 2; t++) {
			aq[t] = scan_find(s, h, hn, types[t]);
			size_t j = 0;
			const struct jv *a;
			while ((a = q_rr(aq[t], types[t], &j))) {
				size_t an;
				const char *ad = rr_str(a, K_address, &an);
				if (!ad)
					continue;
				na++;
				unsigned char b[16];
				unsigned v4;
				bool ok = an < 64; /* what the copy for inet_pton had room for */
				bool priv;
				if (ok && py_v4(ad, an, &v4))
					priv = py_v4_private(v4);
				else if (ok && ipaddr_v6(ad, strnlen(ad, an), b))
					priv = py_v6_private(b);
				else {
					if (!invalid)
						remark(g, C_NS, "NAMESERVER_HAS_INVALID_RESPONSE",
						       0, "bad address '%.*s'", ad, an);
					invalid = true;
					continue;
				}
				if (priv && !not_public) {
					remark(g, C_NS, "NAMESERVER_IS_NOT_PUBLIC", 2,
					       "non-public address %.*s", ad, an);
					not_public = true;
				}
			}
		}
		if (na == 0) {
			remark(g, C_NS, "NULL_NS_RECORD", 0, "name server '%.*s' has no address", h,
			       hn);
			grade -= 15;
		}
		grade -= invalid ? 15 : 0;
		grade -= not_public ? 10 : 0;
		/* the NS set that name server gave when asked directly, else the resolver's */
		if (nsets < 16) {
			const struct query *d = direct_ns(aq);
			size_t e = 0;
			set_of[nsets] = d ? d : q;
			while (e < nsets && set_of[e] != set_of[nsets])
				e++;
			if (e < nsets) { /* the same query's set again */
				buf_reset(&sets[nsets]);
				buf_add(&sets[nsets], buf_str(&sets[e]), sets[e].len);
			} else {
				ns_set(set_of[nsets], &sets[nsets]);
			}
			if (sets[nsets].len == 0) {
				remark(g, C_NS, "NAME_SERVER_MISMATCH", 2,
				       "name server '%.*s' gave no NS set", h, hn);
				grade -= 10;
			}
			nsets++;
		}
	}
	/* every ordered pair, each set with itself included */
	for (size_t a = 0; a < nsets; a++)
		for (size_t b = 0; b < nsets; b++)
			if (strcmp(buf_str(&sets[a]), buf_str(&sets[b]))) {
				remark0(g, C_NS, "NAME_SERVER_MISMATCH", 2,
					"name servers disagree on the NS set");
				grade -= 10;
			}
	return grade < 0 ? 0 : grade;
}

/* --- SOA (2.5 and 3.5), MX (2.6 and 3.6) --------------------------------------------------- */

/* validate_domain: one trailing dot removed; a one-character label must be a letter, longer
 * ones ^[a-zA-Z][a-zA-Z0-9-]{0,61}[a-zA-Z0-9]$ (so digits first, '_' and empty labels fail). */
/* A label at a time: it starts with a letter (so it is not empty), goes on with letters,
 * digits and '-', ends with no '-', has at most 63 bytes, and a dot or the end follows. */
static bool
ds_domain_ok(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	if (n && s[n - 1] == '.')
		n--;
	for (size_t i = 0;; i++) {
		size_t st = i;
		if (i == n || !(byte_cls[u[i]] & B_LETTER))
			return false;
		for (i++; i < n && (byte_cls[u[i]] & (B_LETDIG | B_HYPHEN)); i++)
			;
		if (i - st > 63 || s[i - 1] == '-')
			return false;
		if (i == n)
			return true;
		if (s[i] != '.')
			return false;
	}
}

static int
ds_soa(struct grader *g)
{
	const struct query *q = scan_find(g->s, g->s->domain, g->s->domainlen, T_SOA);
	size_t n = q_count(q, T_SOA);
	if (n == 0)
		return 0;
	if (n > 1) {
		remark0(g, C_SOA, "TOO_MANY_SOA", 0, "several SOA records");
		return 0;
	}
	size_t i = 0;
	const struct jv *rr = q_rr(q, T_SOA, &i);
	size_t mn, rn;
	const char *m = rr_str(rr, K_mname, &mn), *r = rr_str(rr, K_rname, &rn);
	static const char *const num[] = {"serial", "refresh", "retry", "expire", "minimum"};
	static const enum scan_key key[] = {K_serial, K_refresh, K_retry, K_expire, K_minimum};
	static const char *const bad[] = {"INVALID_SERIAL", "INVALID_REFRESH", "INVALID_RETRY",
					  "INVALID_EXPIRE", "INVALID_MINIMUM"};
	static const char *const range[] = {"SERIAL_NOT_IN_RANGE", "REFRESH_NOT_IN_RANGE",
					    "RETRY_NOT_IN_RANGE", "EXPIRE_NOT_IN_RANGE",
					    "MINIMUM_NOT_IN_RANGE"};
	if (!m || !r) {
		remark0(g, C_SOA, "SOA_INVALID", 0, "SOA without 7 fields");
		return 0;
	}
	if (!ds_domain_ok(m, mn))
		remark(g, C_SOA, "INVALID_MNAME", 1, "mname '%.*s'", m, mn);
	if (!ds_domain_ok(r, rn))
		remark(g, C_SOA, "INVALID_RNAME", 1, "rname '%.*s'", r, rn);
	for (int k = 0; k < 5; k++) {
		long long v;
		if (!rr_int(rr, key[k], &v))
			remark(g, C_SOA, bad[k], 1, num[k], NULL, 0);
		else if (v < 0 || v > 4294967295LL)
			remark(g, C_SOA, range[k], 1, num[k], NULL, 0);
	}
	int e = (int)(g->f[C_SOA].n + g->f[C_SOA].dropped);
	return e == 0 ? 100 : 100 - 5 * e < 0 ? 0 : 100 - 5 * e;
}

static psl_ctx_t *psl;

/* Does the lowercased host end in a known public suffix (the suffix psl would leave
 * unregistrable is a rule of the list)? libpsl's lookups were a tenth of the DNStats scale, and
 * mail hosts repeat from domain to domain (aspmx.l.google.com, *.mail.protection.outlook.com):
 * the answer for short names is remembered as re_ok remembers its own. */
#define PSL_SLOTS    1024
#define PSL_MAX_KEPT 127

struct psl_memo {
	char s[PSL_MAX_KEPT + 1];
	bool used, known;
};

static bool
suffix_known(const char *low, size_t n)
{
	static struct psl_memo memo[PSL_SLOTS];
	struct psl_memo *m = NULL;
	if (!psl)
		return false;
	if (n <= PSL_MAX_KEPT) {
		unsigned long long h = 14695981039346656037ULL;
		for (size_t i = 0; i < n; i++)
			h = (h ^ (unsigned char)low[i]) * 1099511628211ULL;
		m = &memo[h % PSL_SLOTS];
		if (m->used && !strcmp(m->s, low))
			return m->known;
	}
	const char *sfx = psl_unregistrable_domain(psl, low);
	bool known = sfx && psl_is_public_suffix2(psl, sfx, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE);
	if (m) {
		memcpy(m->s, low, n + 1);
		m->known = known;
		m->used = true;
	}
	return known;
}

static int
ds_mx(struct grader *g)
{
	const struct query *q = scan_find(g->s, g->s->domain, g->s->domainlen, T_MX);
	size_t total = 0, valid = 0, i = 0;
	const struct jv *rr;
	if (!psl)
		psl = psl_latest(NULL);
	char low[256];
	while ((rr = q_rr(q, T_MX, &i)) && total < 64) {
		size_t en;
		const char *ex = rr_str(rr, K_exchange, &en);
		long long pref;
		total++;
		if (!ex || !rr_int(rr, K_preference, &pref))
			continue;
		if (pref < 0 || pref > 65535) {
			remark(g, C_MX, "PREFERENCE_OUT_OF_RANGE", 0, "preference of '%.*s'", ex,
			       en);
			continue;
		}
		bool parsed;
		addr_public(ex, en, &parsed);
		if (parsed) {
			remark(g, C_MX, "EXCHANGE_IS_AN_IP", 2, "exchange '%.*s'", ex, en);
			continue;
		}
		/* dnspython printed absolute names: "." for the null MX, "host." otherwise */
		if (en == 0 || !ds_domain_ok(ex, en)) {
			remark(g, C_MX, "INVALID_EXCHANGE", 0, "exchange '%.*s.'", ex, en);
			continue;
		}
		while (en && ex[en - 1] == '.')
			en--;
		if (en >= sizeof low)
			continue;
		for (size_t k = 0; k < en; k++)
			low[k] = (char)(ex[k] >= 'A' && ex[k] <= 'Z' ? ex[k] + 32 : ex[k]);
		low[en] = '\0';
		if (!suffix_known(low, en)) {
			remark(g, C_MX, "NOT_PUBLIC_DOMAIN", 2,
			       "exchange '%.*s' has no known suffix", ex, en);
			continue;
		}
		valid++;
	}
	if (total == 0) {
		remark0(g, C_MX, "NO_MX_RECORDS", 0, "no MX records");
		return 0;
	}
	if (valid == 0)
		return 0;
	/* 100 * valid / total as PostgreSQL rounds it into a bigint: half away from zero */
	return (int)((200 * valid + total) / (2 * total));
}

/* --- BIMI (2.7 and 3.7) ------------------------------------------------------------------ */

/* dm: the texts of the _dmarc TXT RRs (txt_set_stripped), nd of them; dp: the tags ds_dmarc
 * read from one of them. */
static int
ds_bimi(struct grader *g, const struct buf *dm, size_t nd, const struct pairs *dp)
{
	prefixed_name(&ds.name, "default._bimi.", g->s);
	const struct buf *texts = txt_stripped(g, ds.name.s, ds.name.len, &ds.other_set, &ds.other);
	size_t off = 0, n = 0;
	const char *t, *rec = NULL;
	while ((t = next_str(texts, &off)))
		if (!strncmp(t, "v=BIMI1", 7) && n++ == 0)
			rec = t;
	struct pairs p, d;
	pairs_init(&p);
	pairs_init(&d);
	if (n == 0) {
		remark0(g, C_BIMI, "N0_BIMI_RECORDS", 0, "no BIMI record");
		goto out;
	}
	if (n > 1)
		remark0(g, C_BIMI, "TOO_MANY_BIMI_RECORDS", 0, "several BIMI records");
	/* DNStats read the _dmarc TXT again here: ds_dmarc's reading of them reported any problem
	 * with their data (legacy_facts too, before it) and a second gives the same texts. */
	if (nd == 0) {
		remark0(g, C_BIMI, "DMARC_NOT_DEFINED", 0, "no DMARC record");
		goto out;
	}
	/* It ran its DMARC validator on the first of them for the tags alone (the validator's
	 * remarks are not BIMI's): that text's pairs when it is the only one, else none. */
	const struct pairs *dt = &d;
	if (nd == 1 && dp->src == dm->s)
		dt = dp;
	else if (nd == 1)
		pairs_parse(dm->s, &d);
	const char *pv = pairs_get(dt, "p");
	if (!pv || (strcmp(pv, "reject") && strcmp(pv, "quarantine"))) {
		remark0(g, C_BIMI, "DMARC_STRICT_ENOUGH_POLICY", 0,
			"DMARC p is not quarantine or reject");
		goto out;
	}
	if (!strcmp(pv, "quarantine") && ds_pct(dt) != 100) {
		remark0(g, C_BIMI, "DMARC_STRICT_ENOUGH_PERCENT", 0, "DMARC pct is not 100");
		goto out;
	}
	pairs_parse(rec, &p);
	for (size_t i = 0; i < p.n; i++)
		for (size_t j = 0; j < i; j++)
			if (p.kn[i] == p.kn[j] && !memcmp(p.k[i], p.k[j], p.kn[i])) {
				remark(g, C_BIMI, "DUPLICATE_TAG_FOUND", 0, "tag '%.*s' repeated",
				       p.k[i], p.kn[i]);
				break;
			}
	const char *l = pairs_get(&p, "l"), *sel = pairs_get(&p, "s");
	if (!l) {
		remark0(g, C_BIMI, "LOGO_NOT_DEFINED", 0, "no l tag");
	} else if (!strncmp(l, "http://", 7)) {
		remark(g, C_BIMI, "LOGO_NOT_HTTPS", 0, "logo '%.*s'", l, strlen(l));
		goto out;
	} else if (*l && strncmp(l, "https://", 8)) {
		remark(g, C_BIMI, "LOGO_INVALID_LOCATION", 0, "logo '%.*s'", l, strlen(l));
		goto out;
	} else if (*l) {
		size_t ln = strlen(l);
		if (!(ln >= 4 && !strcmp(l + ln - 4, ".svg")) &&
		    !(ln >= 5 && !strcmp(l + ln - 5, ".svgz")))
			remark(g, C_BIMI, "LOGO_INVALID_FORMAT", 0, "logo '%.*s'", l, ln);
	}
	if (!sel) {
		remark0(g, C_BIMI, "SELECTOR_NOT_DEFINED", 0, "no s tag");
		goto out;
	}
	if (!*sel && l && !*l)
		remark0(g, C_BIMI, "BIMI_OPTED_OUT", 0, "empty s and l");
	else if (*sel && l && !*l)
		remark0(g, C_BIMI, "LOGO_LOCATION_BLANK", 0, "empty l");
out:
	pairs_free(&p);
	pairs_free(&d);
	const struct findings *f = &g->f[C_BIMI];
	bool ok = f->n == 0 || (f->n == 1 && !strcmp(f->v[0].code, "SELECTOR_NOT_DEFINED"));
	return ok ? 100 : 0;
}

/* The texts of ("<prefix><domain>", TXT) for DNStats' validators, which read them again:
 * legacy_facts' reading when it read them for this scan (fresh), else a new one. Reading again
 * makes one more scan problem of each RR rr_txt refuses: those are counted, the first problem
 * (that reading's or an earlier one) said already. */
static const struct buf *
txt_again(struct grader *g, bool fresh, const char *prefix, struct txt_set *set, struct buf *esc)
{
	if (fresh) {
		g->s->nproblems += set->fails;
	} else {
		prefixed_name(&ds.name, prefix, g->s);
		txt_set_read(g, ds.name.s, ds.name.len, set);
	}
	return txt_set_stripped(set, esc);
}

void
grade_dnstats(struct grader *g)
{
	/* grade_checks ran on this scan just before (the grades read its facts), legacy_facts
	 * last */
	bool fresh = ds.sets_of == g->s;
	ds.sets_of = NULL;
	if (!byte_cls['a'])
		byte_cls_init();
	/* DNSSEC keeps the domstat scale; the seven DNStats categories start afresh. */
	grade_domstat(g);
	for (int c = 0; c < NCAT; c++)
		if (c != C_DNSSEC)
			findings_reset(&g->f[c]);
	g->grades[C_SPF] = ds_spf(g, txt_again(g, fresh, "", &ds.apex_set, &ds.apex));
	const struct buf *dm = txt_again(g, fresh, "_dmarc.", &ds.dmarc_set, &ds.dmarc);
	size_t nd = ds.dmarc_set.n;
	struct pairs dp;
	pairs_init(&dp);
	g->grades[C_DMARC] = ds_dmarc(g, dm, &dp);
	g->grades[C_CAA] = ds_caa(g);
	g->grades[C_NS] = ds_ns(g);
	g->grades[C_SOA] = ds_soa(g);
	g->grades[C_MX] = ds_mx(g);
	g->grades[C_BIMI] = ds_bimi(g, dm, nd, &dp);
	pairs_free(&dp);
	/* the chart SQL: ceil((dmarc + caa + spf) / 300.0 * 100) */
	int x = g->grades[C_DMARC] + g->grades[C_CAA] + g->grades[C_SPF];
	g->overall = x >= 0 ? (x + 2) / 3 : -(-x / 3);
}
