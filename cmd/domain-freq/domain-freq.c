/* SPDX-License-Identifier: ISC */
/* domain-freq: score how ordinary the characters of each domain look (freq.py's two numbers,
 * and a character 4-gram model of registrable labels) and alert on names that look random; or,
 * with --train or --train-ngram, build a table or a model from a corpus. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "dname.h"
#include "freq.h"
#include "idn.h"
#include "jsonw.h"
#include "options.h"
#include "progress.h"
#include "settings.h"
#include "record.h"
#include "tool.h"

enum score_on { ON_REGISTRABLE, ON_NAME, ON_LABEL };

struct options {
	const char *field;
	char **files; /* operands: the input files, none for standard input */
	int nfiles;
	bool pass;
	const char *table;
	const char *ngram;
	double avg_alert, word_alert; /* NAN: not given */
	double ngram_alert;
	long ngram_min;
	bool no_ngram;
	bool train_ngram;
	enum score_on on;
	size_t max_line;
	enum progress_mode progress;
	bool train;
	long weight;
	bool case_sensitive;
	const char *ignore_chars;
};

enum {
	OPT_AVG = 256,
	OPT_WORD,
	OPT_ON,
	OPT_TRAIN,
	OPT_WEIGHT,
	OPT_CASE,
	OPT_IGNORE,
	OPT_NGRAM,
	OPT_NGRAM_ALERT,
	OPT_NGRAM_MIN,
	OPT_NO_NGRAM,
	OPT_TRAIN_NGRAM
};

static const struct opt opt_table[] = {
    OPT_ROW_FIELD("main train-ngram"),
    OPT_ROW_PASS(OPT_PASS_HELP, NULL),
    {'t', "table", "FILE", "frequency table in freq.py format (default: shipped table)",
     "main train"},
    {OPT_AVG, "avg-alert", "N",
     "alert when the average score is below N (default: the\n"
     "settings' freq_avg_alert, else 5.0 with --table; with\n"
     "the shipped table no pair-score alerts)",
     NULL},
    {OPT_WORD, "word-alert", "N",
     "alert when the word score is below N (default: the\n"
     "settings' freq_word_alert, else 4.0 with --table; with\n"
     "the shipped table no pair-score alerts)",
     NULL},
    {OPT_NGRAM, "ngram", "FILE", "n-gram model of labels (default: shipped model)",
     "main train-ngram"},
    {OPT_NGRAM_ALERT, "ngram-alert", "N",
     "alert when ngram_score is below N bits (default: the\n"
     "settings' ngram_alert, else -4.0)",
     NULL},
    {OPT_NGRAM_MIN, "ngram-min-length", "N", "only on labels of N or more a-z 0-9 - (default 6)",
     NULL},
    {OPT_NO_NGRAM, "no-ngram", NULL, "no ngram_score and no LOW-NGRAM-SCORE (freq.py's output)",
     NULL},
    {OPT_ON, "score-on", "WHAT",
     "registrable (default), name (the whole name), or label\n"
     "(the registrable domain without its public suffix)",
     NULL},
    {OPT_TRAIN, "train", NULL, "read a corpus and write a table on stdout", "none"},
    {OPT_WEIGHT, "weight", "N", "with --train: count each pair N times (default 1)", "train"},
    {OPT_CASE, "case-sensitive", NULL, "with --train: a table that does not fold case", "train"},
    {OPT_IGNORE, "ignore-chars", "S", "with --train: characters scoring ignores", "train"},
    {OPT_TRAIN_NGRAM, "train-ngram", NULL,
     "read domains and write an n-gram model of their\n"
     "registrable labels on stdout (--ngram: extend it)",
     "none"},
    OPT_ROW_MAX_LINE("1048576", NULL),
    OPT_ROWS_COMMON,
};

static const struct opt_form forms[] = {
    {"train", "--train", "[FILE ...] > table.freq"},
    {"train-ngram", "--train-ngram", "[FILE ...] > model.ngram"},
    {NULL, NULL, NULL},
};

static struct opts opts = {
    .cmd = "domain-freq",
    .about = "domain-freq: add freq.py character-pair scores and alerts to each domain record.",
    .table = opt_table,
    .operands = "[FILE ...]",
    .forms = forms,
};

/* The thresholds not given as options, from the shared settings (settings.h). */
static void
shared_thresholds(struct options *o)
{
	struct settings st;
	opts_settings(&st);
	if (isnan(o->avg_alert))
		o->avg_alert = st.freq_avg_alert;
	if (isnan(o->word_alert))
		o->word_alert = st.freq_word_alert;
	if (isnan(o->ngram_alert))
		o->ngram_alert = isnan(st.ngram_alert) ? -4.0 : st.ngram_alert;
	settings_free(&st);
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	*o = (struct options){.field = "domain",
			      .progress = PROGRESS_AUTO,
			      .avg_alert = NAN,
			      .word_alert = NAN,
			      .ngram_alert = NAN,
			      .ngram_min = 6,
			      .weight = 1,
			      .ignore_chars = FREQ_DEFAULT_IGNORE};
	int c;
	while ((c = opts_next(&opts, argc, argv)) != -1) {
		if (opts_common(&opts, c, &o->max_line, &o->progress))
			continue;
		if (opts_record(c, &o->field, &o->pass))
			continue;
		switch (c) {
		case 't':
			o->table = optarg;
			break;
		case OPT_AVG:
			o->avg_alert = opt_double("avg-alert", optarg, -1e9, 1e9);
			break;
		case OPT_WORD:
			o->word_alert = opt_double("word-alert", optarg, -1e9, 1e9);
			break;
		case OPT_ON:
			if (!strcmp(optarg, "registrable"))
				o->on = ON_REGISTRABLE;
			else if (!strcmp(optarg, "name"))
				o->on = ON_NAME;
			else if (!strcmp(optarg, "label"))
				o->on = ON_LABEL;
			else
				tool_die("invalid value for --score-on: '%s'", optarg);
			break;
		case OPT_TRAIN:
			o->train = true;
			break;
		case OPT_WEIGHT:
			o->weight = opt_long("weight", optarg, 1, 1000000000L);
			break;
		case OPT_CASE:
			o->case_sensitive = true;
			break;
		case OPT_IGNORE:
			o->ignore_chars = optarg;
			break;
		case OPT_NGRAM:
			o->ngram = optarg;
			break;
		case OPT_NGRAM_ALERT:
			o->ngram_alert = opt_double("ngram-alert", optarg, -1e9, 1e9);
			break;
		case OPT_NGRAM_MIN:
			o->ngram_min = opt_long("ngram-min-length", optarg, 0, 253);
			break;
		case OPT_NO_NGRAM:
			o->no_ngram = true;
			break;
		case OPT_TRAIN_NGRAM:
			o->train_ngram = true;
			break;
		default:
			opts_usage(&opts);
		}
	}
	if (o->train && o->train_ngram)
		opts_usage(&opts);
	opts_files(argc, argv, &o->files, &o->nfiles, NULL);
	shared_thresholds(o);
	/* freq.py's thresholds belong to freq.py's tables. The shipped table's pair scores alert
	 * on too many ordinary names at them (domain-freq(1), CAVEATS): there ngram_score alerts.
	 */
	if (isnan(o->avg_alert))
		o->avg_alert = o->table ? 5.0 : -INFINITY;
	if (isnan(o->word_alert))
		o->word_alert = o->table ? 4.0 : -INFINITY;
}

/* The file given with OPT, or the shipped one (a share/ path); dies naming what is missing.
 * Returns what to free once the file is read (NULL when the user named it). */
static char *
data_path(const char **path, const char *shipped, const char *what, const char *opt)
{
	if (*path)
		return NULL;
	char *found = share_path(shipped);
	if (!found)
		tool_die("cannot find the default %s %s (set DOMSTAT_SHARE or use %s)", what,
			 shipped, opt);
	*path = found;
	return found;
}

static void
load_table(struct freq_table *t, const char *path)
{
	struct buf why = BUF_INIT;
	char *found = data_path(&path, "freq/domstat.freq", "table", "--table");
	if (freq_load(t, path, &why) < 0)
		tool_die("cannot load table: %s", why.s);
	free(found);
	buf_free(&why);
}

static void
load_ngram(struct ngram_model *m, const char *path)
{
	struct buf why = BUF_INIT;
	char *found = data_path(&path, "freq/domstat.ngram", "model", "--ngram");
	if (ngram_load(m, path, &why) < 0)
		tool_die("cannot load n-gram model: %s", why.s);
	ngram_prepare(m);
	free(found);
	buf_free(&why);
}

/* The registrable domain without its public suffix ("fbcdn" of static.xx.fbcdn.net), in the
 * name's text form: an A-label is read as its Unicode form, so "xn--mnchen-3ya" scores as the
 * letters of "münchen" (its ü splitting the n-gram runs) and not as a random string. */
static bool
registrable_label(struct dname *d, const char **s, size_t *n)
{
	if (!dname_registrable(d))
		return false;
	*s = d->reg_text;
	size_t len = d->text.len - (size_t)(d->reg_text - d->text.s);
	const char *dot = memchr(*s, '.', len);
	*n = dot ? (size_t)(dot - *s) : len;
	return true;
}

/* --train-ngram: the registrable label of every record's name adds its windows. Records
 * without one are reported as scoring reports them, and left out. */
static int
train_ngram(const struct options *o)
{
	struct ngram_model m;
	ngram_init(&m);
	if (o->ngram) {
		struct buf why = BUF_INIT;
		if (ngram_load(&m, o->ngram, &why) < 0)
			tool_die("cannot load n-gram model: %s", why.s);
		buf_free(&why);
	}
	struct rec_reader in;
	struct record r;
	struct dname d;
	rec_reader_init(&in, STDIN_FILENO, o->field, o->max_line);
	rec_reader_files(&in, o->files, o->nfiles);
	rec_init(&r);
	dname_init(&d);
	int rc;
	unsigned long long n = 0;
	progress_init(o->progress);
	while ((rc = rec_read(&in, &r)) > 0) {
		const char *s;
		size_t len;
		if (rec_require_name(&r)) {
			dname_set(&d, r.name.s, r.name.len);
			if (registrable_label(&d, &s, &len))
				ngram_train(&m, s, len);
			else
				rec_error_code(&r, "no-registrable-domain",
					       "no registrable domain in '%s'", d.text.s);
		}
		progress_count(++n, "names trained");
	}
	if (rc < 0)
		tool_die_read(&in.lr);
	progress_count_end(n, "names trained");
	struct buf out = BUF_INIT;
	ngram_write(&m, &out);
	tool_out(out.s, out.len);
	buf_free(&out);
	dname_free(&d);
	rec_free(&r);
	rec_reader_free(&in);
	ngram_free(&m);
	return tool_finish(rec_status());
}

/* --train: every line of stdin adds its character pairs to the table. */
static int
train(const struct options *o)
{
	struct freq_table t;
	freq_init(&t);
	if (o->table)
		load_table(&t, o->table);
	t.ignore_case = !o->case_sensitive;
	struct buf ign = BUF_INIT;
	buf_adds(&ign, o->ignore_chars);
	freq_parse_ignore(&t, ign.s, ign.len);
	struct linereader lr;
	lr_init(&lr, STDIN_FILENO, 0);
	if (o->nfiles)
		lr_files(&lr, o->files, (size_t)o->nfiles);
	const char *line;
	size_t len;
	bool too_long;
	int rc;
	unsigned long long n = 0;
	progress_init(o->progress);
	while ((rc = lr_next(&lr, &line, &len, &too_long)) > 0) {
		freq_train(&t, line, len, (uint64_t)o->weight);
		progress_count(++n, "lines trained");
	}
	if (rc < 0)
		tool_die_read(&lr);
	progress_count_end(n, "lines trained");
	struct buf out = BUF_INIT;
	freq_write(&t, &out);
	tool_out(out.s, out.len);
	buf_free(&out);
	buf_free(&ign);
	lr_free(&lr);
	freq_free(&t);
	return tool_finish(0);
}

/* freq_score's values as domain_stats prints and compares them: rounded to 4 places. */
static double
add_score(struct buf *b, double x)
{
	return jsonw_round4(b, x);
}

/* ngram_score rounded and printed as freq_score's numbers are; the alert compares what is
 * printed, so a reader can check it. */
static double
add_bits(struct buf *v, double x)
{
	size_t at = v->len;
	if (x >= 0)
		return jsonw_round4(v, x);
	buf_addc(v, '-');
	double r = -jsonw_round4(v, -x);
	if (r == 0) { /* no "-0.0" */
		buf_truncate(v, at);
		buf_adds(v, "0.0");
	}
	return r;
}

static void
score_ngram(struct record *r, const char *s, size_t n, const struct ngram_model *m,
	    const struct options *o)
{
	size_t syms;
	double score = ngram_score(m, s, n, &syms);
	struct buf *v = rec_set_begin(r, "ngram_score");
	double bits = add_bits(v, score);
	rec_set_end(r);
	if (bits < o->ngram_alert && syms >= (size_t)o->ngram_min)
		rec_alert(r, "LOW-NGRAM-SCORE");
}

static void
score_record(struct record *r, struct dname *d, struct freq_table *t, const struct ngram_model *m,
	     const struct options *o)
{
	int valid = dname_set(d, r->name.s, r->name.len) == 0;
	idn_annotate(r, d);
	const char *label = NULL, *s = d->text.s;
	size_t nlabel = 0, n = d->text.len;
	bool has_label =
	    (o->on != ON_NAME || !o->no_ngram) && registrable_label(d, &label, &nlabel);
	if (has_label && !o->no_ngram) /* its cells come in while freq_score works */
		ngram_prefetch(m, label, nlabel);
	if (o->on != ON_NAME) {
		if (!has_label) {
			rec_set_strz(r, "freq_score", "ERROR");
			if (!valid)
				rec_error_code(r, "invalid-name", "invalid name: %s", d->invalid);
			else
				rec_error_code(r, "no-registrable-domain",
					       "no registrable domain in '%s'", d->text.s);
			return;
		}
		s = o->on == ON_LABEL ? label : d->reg_text;
		n = o->on == ON_LABEL ? nlabel : d->text.len - (size_t)(s - d->text.s);
	} else if (n == 0) {
		rec_set_strz(r, "freq_score", "ERROR");
		rec_error_code(r, "invalid-name", "invalid name: %s", d->invalid);
		return;
	}
	double avg, word;
	freq_score(t, s, n, &avg, &word);
	struct buf *v = rec_set_begin(r, "freq_score");
	buf_addc(v, '[');
	avg = add_score(v, avg);
	buf_addc(v, ',');
	word = add_score(v, word);
	buf_addc(v, ']');
	rec_set_end(r);
	bool low_avg = avg < o->avg_alert, low_word = word < o->word_alert;
	if (low_avg && low_word)
		rec_alert(r, "LOW-FREQ-SCORES");
	else if (low_avg || low_word)
		rec_alert(r, "SUSPECT-FREQ-SCORE");
	if (has_label && !o->no_ngram)
		score_ngram(r, label, nlabel, m, o);
	/* Scored as freq.py would, but the name itself is still reported. */
	if (!valid)
		rec_error_code(r, "invalid-name", "invalid name: %s", d->invalid);
}

int
main(int argc, char **argv)
{
	struct options o;
	tool_init("domain-freq");
	parse_options(argc, argv, &o);
	if (o.train)
		return train(&o);
	if (o.train_ngram)
		return train_ngram(&o);

	struct freq_table table;
	struct ngram_model model;
	freq_init(&table);
	ngram_init(&model);
	load_table(&table, o.table);
	if (!o.no_ngram)
		load_ngram(&model, o.ngram);

	struct rec_reader in;
	struct record r;
	struct dname d;
	rec_reader_init(&in, STDIN_FILENO, o.field, o.max_line);
	rec_reader_files(&in, o.files, o.nfiles);
	if (o.pass)
		rec_reader_pass(&in, PASS_NAMES);
	rec_init(&r);
	dname_init(&d);
	int rc;
	unsigned long long n = 0;
	progress_init(o.progress);
	while ((rc = rec_read(&in, &r)) > 0) {
		if (rec_require_name(&r))
			score_record(&r, &d, &table, &model, &o);
		rec_emit(&r);
		progress_count(++n, "records");
	}
	if (rc < 0)
		tool_die_read(&in.lr);
	progress_count_end(n, "records");

	dname_free(&d);
	rec_free(&r);
	rec_reader_free(&in);
	freq_free(&table);
	ngram_free(&model);
	return tool_finish(rec_status());
}
