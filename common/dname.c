/* SPDX-License-Identifier: ISC */
/* Domain-name normalisation, checks and registrable-domain reduction. */
#include <idn2.h>
#include <libpsl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicase.h>
#include <uninorm.h>

#include "ascii.h"
#include "dname.h"
#include "psl.h"
#include "utf8.h"
#include "xalloc.h"

/* The text form: libpsl looks names up in it several times faster than in the .dafsa form. */
#define SYSTEM_PSL "/usr/share/publicsuffix/public_suffix_list.dat"

/* File scope on purpose: the Public Suffix List and the answers drawn from it are one per
 * process, loaded once (dname_psl_load) and read by every name any part of a command reduces,
 * so dname_set and its callers need not carry them; the index is dropped whenever the list
 * changes. */
static psl_ctx_t *psl;
static bool psl_owned;
/* libpsl's answers by hash (psl.h), built once a run has asked PSL_INDEX_AFTER names: building
 * costs some milliseconds, which a run of a few names would only lose. Both read the same bytes,
 * kept until then (the file may be replaced while a long run goes on). */
#define PSL_INDEX_AFTER 4096
static struct psl_index *psl_idx;
static struct buf psl_text;
static unsigned long psl_asked;

/* libpsl's context of the list's bytes (psl_load_file reads the file as this does) */
static psl_ctx_t *
psl_from_text(void)
{
	if (psl_text.len == 0)
		return NULL; /* libpsl reads no list from an empty file either */
	FILE *m = fmemopen(psl_text.s, psl_text.len, "rb");
	if (!m)
		return NULL;
	psl_ctx_t *p = psl_load_fp(m);
	fclose(m);
	return p;
}

int
dname_psl_load(const char *file)
{
	if (psl_owned)
		psl_free(psl);
	psl_owned = false;
	psl_index_free(psl_idx);
	psl_idx = NULL;
	buf_free(&psl_text);
	psl_asked = 0;
	psl = NULL;
	FILE *fp = fopen(file ? file : SYSTEM_PSL, "rb");
	if (fp) {
		char chunk[65536];
		size_t r;
		while ((r = fread(chunk, 1, sizeof chunk, fp)) > 0)
			buf_add(&psl_text, chunk, r);
		if (!ferror(fp))
			psl = psl_from_text();
		fclose(fp);
	}
	if (psl) {
		psl_owned = true;
		return 0;
	}
	buf_free(&psl_text);
	psl = (psl_ctx_t *)psl_builtin();
	return -1;
}

static const psl_ctx_t *
the_psl(void)
{
	if (!psl)
		dname_psl_load(getenv("DOMSTAT_PSL"));
	return psl;
}

void
dname_init(struct dname *d)
{
	memset(d, 0, sizeof *d);
}

void
dname_free(struct dname *d)
{
	buf_free(&d->text);
	buf_free(&d->ascii);
	buf_free(&d->why);
}

static int
invalid(struct dname *d, const char *fmt, const char *arg)
{
	buf_reset(&d->why);
	buf_addf(&d->why, fmt, arg);
	d->invalid = d->why.s;
	return -1;
}

/* Host-name bytes: letters, digits, hyphen, and the underscore of service names (_dmarc,
 * _tcp). Anything else is no name we look up, and must never reach a URL path (RDAP) or a
 * query as something else. Lowercase letters only: check_limits sees the lowered form. */
#define HOST_BYTE(c) (((c) >= 'a' && (c) <= 'z') || ASCII_DIGIT(c) || (c) == '-' || (c) == '_')
static const unsigned char host_byte[256] = {ASCII_TABLE(HOST_BYTE)};

/* DNS limits on the A-label form: labels of 1 to 63 octets, at most 253 in all; alabels says
 * whether a label starts with "xn--". */
static int
check_limits(struct dname *d, bool *alabels)
{
	const char *s = d->ascii.s;
	size_t n = d->ascii.len;
	*alabels = false;
	if (n == 0)
		return invalid(d, "empty name%s", "");
	if (n > 253)
		return invalid(d, "name longer than 253 octets%s", "");
	for (const char *p = s, *end = s + n;;) {
		/* the label's host-name bytes, then its end: the dot or the name's end there, else
		 * past the byte no host name has */
		const char *c = p;
		while (c < end && host_byte[(unsigned char)*c])
			c++;
		const char *le = c;
		if (c < end && *c != '.') {
			const char *dot = memchr(c, '.', (size_t)(end - c));
			le = dot ? dot : end;
		}
		if (le == p)
			return invalid(d, "empty label%s", "");
		if (le - p > 63)
			return invalid(d, "label longer than 63 octets%s", "");
		if (c < le) {
			char bad[8];
			snprintf(bad, sizeof bad, (unsigned char)*c < 0x80 ? "'%c'" : "0x%02x",
				 (unsigned char)*c);
			return invalid(d, "character %s not allowed in a domain name", bad);
		}
		if (le - p >= 4 && !memcmp(p, "xn--", 4)) {
			*alabels = true;
			/* an A-label must decode to a valid U-label that encodes back to it (not
			 * "xn--abc-", whose Unicode form abc is another name) */
			char *label = strndup(p, (size_t)(le - p)), *u = NULL;
			uint8_t *back = NULL;
			int rc = label ? idn2_to_unicode_8z8z(label, &u, 0) : IDN2_MALLOC;
			if (rc == IDN2_OK)
				rc =
				    idn2_lookup_u8((const uint8_t *)u, &back, IDN2_NONTRANSITIONAL);
			bool same = rc == IDN2_OK && !strcmp((const char *)back, label);
			free(label);
			idn2_free(u);
			idn2_free(back);
			if (rc != IDN2_OK)
				return invalid(d, "bad A-label: %s", idn2_strerror(rc));
			if (!same)
				return invalid(d, "bad A-label: %s",
					       "not the encoding of its Unicode form");
		}
		if (le == end)
			return 0;
		p = le + 1;
	}
}

static bool
ascii_only(const unsigned char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] >= 0x80)
			return false;
	return true;
}

/* UTS #46's mapping, as far as this step needs it: compatibility forms folded (NFKC: fullwidth
 * letters and digits, U+FF0E, U+FF61 to U+3002, the long s), case mapped, the ideographic full
 * stop U+3002 made a dot, then one trailing dot dropped. Into d->text; s is valid UTF-8, or
 * has its ill-formed bytes shown as U+FFFD. */
static void
map_text(struct dname *d, const char *s, size_t n)
{
	struct buf repaired = BUF_INIT;
	buf_add_utf8_repaired(&repaired, s, n);
	size_t lowlen = 0;
	uint8_t *low = u8_tolower((const uint8_t *)repaired.s, repaired.len, NULL, UNINORM_NFKC,
				  NULL, &lowlen);
	buf_reset(&d->text);
	if (low)
		buf_add(&d->text, low, lowlen);
	else
		buf_add(&d->text, repaired.s, repaired.len);
	free(low);
	buf_free(&repaired);
	size_t w = 0;
	for (size_t i = 0; i < d->text.len; i++) {
		if (i + 3 <= d->text.len && !memcmp(d->text.s + i, "\xe3\x80\x82", 3)) {
			d->text.s[w++] = '.';
			i += 2;
		} else
			d->text.s[w++] = d->text.s[i];
	}
	if (w > 0 && d->text.s[w - 1] == '.')
		w--;
	buf_truncate(&d->text, w);
}

/* A valid name's text form: the Unicode form of its A-labels, so that "xn--bcher-kva.de",
 * "BÜCHER.de" and "bücher.de" are one text as they are one lookup. */
static void
text_of_ascii(struct dname *d, bool alabels)
{
	buf_reset(&d->text);
	char *u = NULL;
	if (alabels && idn2_to_unicode_8z8z(d->ascii.s, &u, 0) == IDN2_OK)
		buf_adds(&d->text, u);
	else
		buf_add(&d->text, d->ascii.s, d->ascii.len);
	idn2_free(u);
}

#define LOWERCASE(c) ((c) >= 'A' && (c) <= 'Z' ? (c) + 32 : (c))
enum { CONTROL_OR_SPACE = 1, NOT_ASCII = 2 };
#define BYTE_CLASS(c) ((c) >= 0x80 ? NOT_ASCII : (c) <= 0x20 || (c) == 0x7f ? CONTROL_OR_SPACE : 0)
static const unsigned char lowercase[256] = {ASCII_TABLE(LOWERCASE)};
static const unsigned char byte_class[256] = {ASCII_TABLE(BYTE_CLASS)};

/* A name (no trailing dot) lowercased, by the host-name rules, A-labels checked, when it is
 * ASCII; NOT_ASCII when it is not (then d->text holds nothing of use). */
static int
set_ascii(struct dname *d, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	buf_reset(&d->text);
	buf_grow(&d->text, n);
	unsigned char classes = 0;
	char *t = d->text.s;		 /* not d->text.s in the loop: a char store may change it */
	for (size_t i = 0; i < n; i++) { /* tables: no branch a byte */
		classes |= byte_class[u[i]];
		t[i] = (char)lowercase[u[i]];
	}
	d->text.len = n;
	d->text.s[n] = '\0';
	if (classes & NOT_ASCII)
		return NOT_ASCII;
	if (classes & CONTROL_OR_SPACE)
		return invalid(d, "control character or space in name%s", "");
	buf_add(&d->ascii, d->text.s, n);
	bool alabels;
	if (check_limits(d, &alabels) < 0)
		return -1;
	if (alabels)
		text_of_ascii(d, true);
	return 0;
}

/* The mapped name in d->text to A-labels in d->ascii, label by label: a label that the mapping
 * made ASCII follows the ASCII rules (so "ａｂ－－ｃ" is "ab--c" as it is spelled in ASCII), the
 * others IDNA2008 (libidn2, nontransitional: ß stays ß). */
static int
to_alabels(struct dname *d)
{
	const char *s = d->text.s, *end = s + d->text.len;
	struct buf label = BUF_INIT;
	int rc = IDN2_OK;
	for (const char *p = s; rc == IDN2_OK && p <= end;) {
		const char *dot = memchr(p, '.', (size_t)(end - p));
		const char *le = dot ? dot : end;
		if (p > s)
			buf_addc(&d->ascii, '.');
		if (ascii_only((const unsigned char *)p, (size_t)(le - p))) {
			buf_add(&d->ascii, p, (size_t)(le - p));
		} else {
			char *a = NULL;
			buf_reset(&label);
			buf_add(&label, p, (size_t)(le - p));
			rc = idn2_to_ascii_8z(label.s, &a, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
			if (rc == IDN2_OK)
				buf_adds(&d->ascii, a);
			idn2_free(a);
		}
		if (!dot)
			break;
		p = dot + 1;
	}
	buf_free(&label);
	if (rc != IDN2_OK)
		return invalid(d, "not a valid internationalized name: %s", idn2_strerror(rc));
	return 0;
}

int
dname_set(struct dname *d, const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	buf_reset(&d->text);
	buf_reset(&d->ascii);
	d->invalid = NULL;
	d->reg_text = d->reg_ascii = NULL;

	int rc = set_ascii(d, s, n > 0 && s[n - 1] == '.' ? n - 1 : n);
	if (rc != NOT_ASCII)
		return rc;

	/* Non-ASCII: the UTS #46 mapping first (it may make the name ASCII: "ＦＵＬＬ．ｔｅｓｔ"),
	 * then A-labels; the text form is then the Unicode form of the result. A name refused
	 * keeps the mapped text, which only scoring reads. */
	map_text(d, s, n);
	if (!utf8_valid(s, n))
		return invalid(d, "invalid UTF-8 in name%s", "");
	for (size_t i = 0; i < n; i++)
		if (u[i] <= 0x20 || u[i] == 0x7f)
			return invalid(d, "control character or space in name%s", "");
	if (ascii_only((const unsigned char *)d->text.s, d->text.len)) {
		struct buf mapped = BUF_INIT;
		buf_add(&mapped, d->text.s, d->text.len);
		rc = set_ascii(d, mapped.s, mapped.len);
		buf_free(&mapped);
		return rc;
	}
	if (to_alabels(d) < 0)
		return -1;
	/* the mapping makes some characters ASCII ones the ASCII rules refuse (U+00A0 a space) */
	for (size_t i = 0; i < d->ascii.len; i++)
		if ((unsigned char)d->ascii.s[i] <= 0x20 || d->ascii.s[i] == 0x7f)
			return invalid(d, "control character or space in name%s", "");
	bool alabels;
	if (check_limits(d, &alabels) < 0)
		return -1;
	text_of_ascii(d, alabels);
	return 0;
}

/* The registrable domain of a lowercase name, only when its public suffix is in the list itself
 * (libpsl would otherwise apply the implicit "*" rule to unknown TLDs like .local). */
static const char *
registrable(const char *name)
{
	const psl_ctx_t *p = the_psl();
	if (psl_text.len && ++psl_asked == PSL_INDEX_AFTER) {
		FILE *m = fmemopen(psl_text.s, psl_text.len, "rb");
		if (m) {
			psl_idx = psl_index_build(p, m);
			fclose(m);
		}
		buf_free(&psl_text);
	}
	if (psl_idx) {
		bool listed;
		const char *reg = psl_index_registrable(psl_idx, name, &listed);
		return listed ? reg : NULL;
	}
	const char *reg = psl_registrable_domain(p, name);
	const char *suffix = reg ? strchr(reg, '.') : NULL;
	if (!suffix ||
	    psl_is_public_suffix2(p, suffix + 1, PSL_TYPE_ANY | PSL_TYPE_NO_STAR_RULE) != 1)
		return NULL;
	return reg;
}

bool
dname_registrable(struct dname *d)
{
	d->reg_text = d->reg_ascii = NULL;
	if (d->text.len == 0 || !(d->reg_text = registrable(d->text.s)))
		return false;
	if (d->invalid)
		return true; /* text only: scoring may still use it, lookups may not */
	if (d->text.len == d->ascii.len && !memcmp(d->text.s, d->ascii.s, d->text.len))
		d->reg_ascii = d->ascii.s + (d->reg_text - d->text.s);
	else if (!(d->reg_ascii = registrable(d->ascii.s)))
		d->reg_text = NULL;
	return d->reg_text != NULL;
}

char *
dname_to_unicode(const char *ascii)
{
	char *u = NULL;
	if (idn2_to_unicode_8z8z(ascii, &u, 0) != IDN2_OK)
		return NULL;
	char *copy = strdup(u);
	idn2_free(u);
	return copy;
}
