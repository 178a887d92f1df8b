/* SPDX-License-Identifier: ISC */
/* Mixed scripts and Latin look-alikes in internationalised names, by libunistring's script
 * property (Unicode's Scripts.txt), and the fields a record carries for an IDN. */
#include <string.h>
#include <unictype.h>

#include "idn.h"
#include "utf8.h"

/* The scripts UTS #39's "highly restrictive" level lets one label mix: Latin with the scripts
 * of Japanese, Chinese or Korean writing. */
enum {
	S_LATIN = 1 << 0,
	S_HAN = 1 << 1,
	S_HIRAGANA = 1 << 2,
	S_KATAKANA = 1 << 3,
	S_BOPOMOFO = 1 << 4,
	S_HANGUL = 1 << 5,
	S_CYRILLIC = 1 << 6,
	S_GREEK = 1 << 7,
	S_OTHER = 1 << 8, /* any other script; two of them are told apart by `other` */
};

static const unsigned allowed_sets[] = {
    S_LATIN | S_HAN | S_HIRAGANA | S_KATAKANA, /* Japanese */
    S_LATIN | S_HAN | S_BOPOMOFO,	       /* Chinese */
    S_LATIN | S_HAN | S_HANGUL,		       /* Korean */
};

/* Cyrillic and Greek small letters that read as Latin ones in the fonts browsers and mail
 * readers use: Chromium's list of Cyrillic Latin look-alikes (its IDN display policy) and the
 * Greek letters of the same kind. A label made only of them (and digits and hyphens) reads as
 * a Latin word: аррӏе is apple. */
static const uint32_t lookalikes[] = {
    0x0430, 0x0441, 0x0501, 0x0435, 0x04bb, 0x0456, 0x0458, 0x04cf, 0x043e, 0x0440,
    0x051b, 0x0455, 0x051d, 0x0445, 0x0443, 0x044a, 0x044c, 0x04bd, 0x043f, 0x0433,
    0x0475, 0x0461, 0x03b1, 0x03b9, 0x03ba, 0x03bd, 0x03bf, 0x03c1, 0x03c5, 0x03c7,
};

static bool
lookalike(uint32_t c)
{
	for (size_t i = 0; i < sizeof lookalikes / sizeof *lookalikes; i++)
		if (lookalikes[i] == c)
			return true;
	return false;
}

struct scripts {
	const uc_script_t *latin, *han, *hiragana, *katakana, *bopomofo, *hangul, *cyrillic, *greek,
	    *common, *inherited;
};

static const struct scripts *
scripts(void)
{
	/* looked up once per process: the handles are libunistring's constants */
	static struct scripts t;
	if (!t.latin)
		t = (struct scripts){uc_script_byname("Latin"),	   uc_script_byname("Han"),
				     uc_script_byname("Hiragana"), uc_script_byname("Katakana"),
				     uc_script_byname("Bopomofo"), uc_script_byname("Hangul"),
				     uc_script_byname("Cyrillic"), uc_script_byname("Greek"),
				     uc_script_byname("Common"),   uc_script_byname("Inherited")};
	return &t;
}

struct label {
	unsigned set;		  /* the scripts of its letters */
	const uc_script_t *other; /* the first S_OTHER script */
	bool two_others;	  /* a second, different S_OTHER script */
	bool all_lookalike;	  /* every letter a Latin look-alike (and at least one) */
};

static void
label_scan(const char *s, size_t n, struct label *l)
{
	const struct scripts *t = scripts();
	*l = (struct label){.all_lookalike = true};
	bool letters = false;
	for (size_t i = 0; i < n;) {
		uint32_t c;
		i += utf8_decode1((const unsigned char *)s + i, n - i, &c);
		const uc_script_t *sc = uc_script(c);
		/* digits, hyphen and combining marks belong to every script */
		if (!sc || sc == t->common || sc == t->inherited)
			continue;
		letters = true;
		if (!lookalike(c))
			l->all_lookalike = false;
		unsigned bit = sc == t->latin	   ? S_LATIN
			       : sc == t->han	   ? S_HAN
			       : sc == t->hiragana ? S_HIRAGANA
			       : sc == t->katakana ? S_KATAKANA
			       : sc == t->bopomofo ? S_BOPOMOFO
			       : sc == t->hangul   ? S_HANGUL
			       : sc == t->cyrillic ? S_CYRILLIC
			       : sc == t->greek	   ? S_GREEK
						   : S_OTHER;
		if (bit == S_OTHER) {
			if (!l->other)
				l->other = sc;
			else if (l->other != sc)
				l->two_others = true;
		}
		l->set |= bit;
	}
	if (!letters)
		l->all_lookalike = false;
}

static bool
label_mixed(const struct label *l)
{
	if (l->two_others)
		return true;
	if ((l->set & (l->set - 1)) == 0)
		return false; /* one script, or none */
	for (size_t i = 0; i < sizeof allowed_sets / sizeof *allowed_sets; i++)
		if ((l->set & ~allowed_sets[i]) == 0)
			return false;
	return true;
}

const char *
idn_mixed_script(const char *s, size_t n)
{
	bool latin = false, imitation = false;
	for (size_t at = 0; at <= n;) {
		const char *dot = memchr(s + at, '.', n - at);
		size_t end = dot ? (size_t)(dot - s) : n;
		struct label l;
		label_scan(s + at, end - at, &l);
		if (label_mixed(&l))
			return "a label mixes scripts";
		if (l.set & S_LATIN)
			latin = true;
		if (l.all_lookalike)
			imitation = true;
		at = end + 1;
	}
	if (latin && imitation)
		return "a label of Cyrillic or Greek letters that look like Latin ones";
	return NULL;
}

void
idn_annotate(struct record *r, const struct dname *d)
{
	if (d->invalid)
		return;
	if (d->text.len == d->ascii.len && !memcmp(d->text.s, d->ascii.s, d->ascii.len))
		return; /* an ASCII name: one form, nothing mixed */
	rec_set_str(r, "name_ascii", d->ascii.s, d->ascii.len);
	rec_set_str(r, "name_unicode", d->text.s, d->text.len);
	if (idn_mixed_script(d->text.s, d->text.len))
		rec_alert(r, IDN_ALERT);
}
