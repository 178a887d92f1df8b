/* SPDX-License-Identifier: ISC */
/* DNStats' domain lists (spec 5.2), one CSV and one JSON file each, written as the records
 * stream past: the only output that grows with the input, so it never stays in memory. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "jsonw.h"
#include "lists.h"
#include "tool.h"
#include "xalloc.h"

enum {
	L_MX,
	L_NO_MX,
	L_DNSSEC,
	L_NO_DNSSEC,
	L_CAA,
	L_NO_CAA,
	L_CAA_REP,
	L_NO_CAA_REP,
	L_DMARC,
	L_NO_DMARC,
	L_DMARC_NONE,
	L_DMARC_QUAR,
	L_DMARC_REJECT,
	L_DMARC_NOPOL,
	L_DMARC_INVALID,
	L_SPF,
	L_NO_SPF,
	L_SPF_PASS,
	L_SPF_NEUTRAL,
	L_SPF_SOFTFAIL,
	L_SPF_FAIL,
	L_SPF_NOPOL,
	L_STXT,
	L_NO_STXT,
	L_MTASTS,
	L_NO_MTASTS,
	L_TLSRPT,
	L_NO_TLSRPT,
	L_DANE,
	L_NO_DANE,
	L_DKIM,
	L_NO_DKIM,
	NLISTS
};

static const char *const list_name[NLISTS] = {
    "mx_domains",
    "no_mx_domains",
    "dnssec_domains",
    "no_dnssec_domains",
    "caa_domains",
    "no_caa_domains",
    "caa_reporting_domains",
    "no_caa_reporting_domains",
    "dmarc_domains",
    "no_dmarc_domains",
    "dmarc_none",
    "dmarc_quarantine",
    "dmarc_reject",
    "dmarc_no_policy",
    "dmarc_invalid",
    "spf_domains",
    "no_spf_domains",
    "spf_pass",
    "spf_neutral",
    "spf_softfail",
    "spf_fail",
    "spf_no_policy",
    "securitytxt_domains",
    "no_securitytxt_domains",
    "mta_sts_domains",
    "no_mta_sts_domains",
    "tls_rpt_domains",
    "no_tls_rpt_domains",
    "dane_domains",
    "no_dane_domains",
    "dkim_domains",
    "no_dkim_domains",
};

struct lists {
	char *dir;
	FILE *csv[NLISTS], *json[NLISTS];
	char *csv_tmp[NLISTS], *json_tmp[NLISTS]; /* their names until renamed into place */
	long long n[NLISTS];
	struct buf line;
};

static char *
list_path(const char *dir, const char *name, const char *ext)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s/%s.%s", dir, name, ext);
	return b.s;
}

/* A new file of our own in the folder: mkstemp's name is unpredictable and its O_EXCL refuses
 * anything already there, a planted symlink included; lists_close renames it into place
 * (rename replaces a symlink at the final name, never writes through it). */
static FILE *
open_list(const char *dir, const char *name, const char *ext, char **tmp)
{
	struct buf b = BUF_INIT;
	buf_addf(&b, "%s/.%s.%s.XXXXXX", dir, name, ext);
	int fd = mkstemp(b.s);
	if (fd < 0)
		tool_die("cannot create '%s': %s", b.s, strerror(errno));
	/* mkstemp makes it 0600; lists are shared like any report (the umask decides) */
	mode_t um = umask(0);
	umask(um);
	if (fchmod(fd, 0666 & ~um) < 0)
		tool_die("cannot create '%s': %s", b.s, strerror(errno));
	FILE *f = fdopen(fd, "w");
	if (!f)
		tool_die("cannot create '%s': %s", b.s, strerror(errno));
	*tmp = b.s;
	return f;
}

/* The lists being written, so a run that dies (a bad input file, a full disk) removes its
 * temporary files instead of leaving them behind at new names each time. */
static struct lists *unfinished;

static void
remove_unfinished(void)
{
	for (int i = 0; unfinished && i < NLISTS; i++) {
		if (unfinished->csv_tmp[i])
			unlink(unfinished->csv_tmp[i]);
		if (unfinished->json_tmp[i])
			unlink(unfinished->json_tmp[i]);
	}
}

struct lists *
lists_open(const char *dir)
{
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		tool_die("cannot create '%s': %s", dir, strerror(errno));
	struct lists *l = xcalloc(1, sizeof *l);
	l->dir = xstrdup(dir);
	unfinished = l;
	atexit(remove_unfinished);
	for (int i = 0; i < NLISTS; i++) {
		l->csv[i] = open_list(dir, list_name[i], "csv", &l->csv_tmp[i]);
		l->json[i] = open_list(dir, list_name[i], "json", &l->json_tmp[i]);
		fputs("rank,domain\n", l->csv[i]);
		fputc('[', l->json[i]);
	}
	return l;
}

static bool
csv_plain(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\n' || s[i] == '\r')
			return false;
	return true;
}

/* A cell a spreadsheet would take for a formula (OWASP "CSV injection"): it starts with = + -
 * @, a tab or a carriage return. Such a cell gets a leading ' and is quoted, so it is shown as
 * text; no DNS name starts that way, so real lists are unchanged. */
static bool
csv_formula(const char *s, size_t n)
{
	return n && (s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' || s[0] == '\t' ||
		     s[0] == '\r');
}

static void
put(struct lists *l, int i, long rank, const char *domain, size_t n)
{
	struct buf *b = &l->line;
	buf_reset(b);
	if (rank > 0)
		buf_addf(b, "%ld", rank);
	buf_addc(b, ',');
	bool formula = csv_formula(domain, n);
	if (!formula && csv_plain(domain, n)) {
		buf_add(b, domain, n);
	} else { /* RFC 4180 quoting for names no DNS zone would hold */
		buf_addc(b, '"');
		if (formula)
			buf_addc(b, '\'');
		for (size_t j = 0; j < n; j++) {
			if (domain[j] == '"')
				buf_addc(b, '"');
			buf_addc(b, domain[j]);
		}
		buf_addc(b, '"');
	}
	buf_addc(b, '\n');
	fwrite(b->s, 1, b->len, l->csv[i]);
	buf_reset(b);
	buf_adds(b, l->n[i] ? ",\n" : "\n");
	buf_adds(b, "{\"rank\":");
	if (rank > 0)
		buf_addf(b, "%ld", rank);
	else
		buf_adds(b, "null");
	buf_adds(b, ",\"domain\":");
	jsonw_str(b, domain, n);
	buf_addc(b, '}');
	fwrite(b->s, 1, b->len, l->json[i]);
	l->n[i]++;
}

void
lists_add(struct lists *l, const struct list_obs *o, const char *domain, size_t n)
{
	long r = o->rank;
	if (!o->scanned)
		return;
	if (o->mx_known)
		put(l, o->mx ? L_MX : L_NO_MX, r, domain, n);
	if (o->ds_known)
		put(l, o->ds ? L_DNSSEC : L_NO_DNSSEC, r, domain, n);
	if (o->caa_known) {
		put(l, o->caa ? L_CAA : L_NO_CAA, r, domain, n);
		put(l, o->caa_reporting ? L_CAA_REP : L_NO_CAA_REP, r, domain, n);
	}
	static const int dm[] = {[DM_NONE] = L_DMARC_NONE,	 [DM_QUAR] = L_DMARC_QUAR,
				 [DM_REJECT] = L_DMARC_REJECT,	 [DM_NOPOLICY] = L_DMARC_NOPOL,
				 [DM_INVALID] = L_DMARC_INVALID, [DM_ABSENT] = -1};
	if (o->dmarc_known) {
		put(l, o->dmarc ? L_DMARC : L_NO_DMARC, r, domain, n);
		if (dm[o->dmarc_policy] >= 0)
			put(l, dm[o->dmarc_policy], r, domain, n);
	}
	static const int sp[] = {
	    [SPF_FAIL] = L_SPF_FAIL, [SPF_SOFTFAIL] = L_SPF_SOFTFAIL, [SPF_NEUTRAL] = L_SPF_NEUTRAL,
	    [SPF_PASS] = L_SPF_PASS, [SPF_NOPOLICY] = L_SPF_NOPOL,    [SPF_ABSENT] = -1};
	if (o->spf_known) {
		put(l, o->spf ? L_SPF : L_NO_SPF, r, domain, n);
		if (sp[o->spf_policy] >= 0)
			put(l, sp[o->spf_policy], r, domain, n);
	}
	if (o->securitytxt >= 0)
		put(l, o->securitytxt ? L_STXT : L_NO_STXT, r, domain, n);
	if (o->mta_sts_known)
		put(l, o->mta_sts ? L_MTASTS : L_NO_MTASTS, r, domain, n);
	if (o->tls_rpt_known)
		put(l, o->tls_rpt ? L_TLSRPT : L_NO_TLSRPT, r, domain, n);
	if (o->dane_known)
		put(l, o->dane ? L_DANE : L_NO_DANE, r, domain, n);
	if (o->dkim_known)
		put(l, o->dkim ? L_DKIM : L_NO_DKIM, r, domain, n);
}

void
lists_close(struct lists *l)
{
	for (int i = 0; i < NLISTS; i++) {
		fputs(l->n[i] ? "\n]\n" : "]\n", l->json[i]);
		FILE *f[2] = {l->csv[i], l->json[i]};
		const char *ext[2] = {"csv", "json"};
		char **tmps[2] = {&l->csv_tmp[i], &l->json_tmp[i]};
		for (int j = 0; j < 2; j++) {
			char *tmp = *tmps[j];
			char *fin = list_path(l->dir, list_name[i], ext[j]);
			if (ferror(f[j]) | fclose(f[j]))
				tool_die("cannot write '%s': %s", tmp, strerror(errno));
			if (rename(tmp, fin) < 0)
				tool_die("cannot rename '%s': %s", tmp, strerror(errno));
			free(tmp);
			*tmps[j] = NULL;
			free(fin);
		}
	}
	unfinished = NULL;
	buf_free(&l->line);
	free(l->dir);
	free(l);
}
