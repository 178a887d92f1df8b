/* domain-freq: score how ordinary the characters of each domain look (freq.py's two numbers)
 * and alert on names that look random; or, with --train, build a table from a corpus. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "dname.h"
#include "freq.h"
#include "jsonw.h"
#include "progress.h"
#include "record.h"
#include "tool.h"

enum score_on { ON_REGISTRABLE, ON_NAME, ON_LABEL };

struct options {
	const char *field;
	const char *table;
	double avg_alert, word_alert;
	enum score_on on;
	size_t max_line;
	bool train;
	long weight;
	bool case_sensitive;
	const char *ignore_chars;
};

static void
usage(void)
{
	fprintf(stderr,
		"usage: domain-freq [-f field] [-t table] [--avg-alert N] [--word-alert N]\n"
		"                   [--score-on registrable|name|label] [--max-line BYTES]\n"
		"       domain-freq --train [-t table] [--weight N] [--case-sensitive]\n"
		"                   [--ignore-chars CHARS] < corpus > table.freq\n");
	exit(EXIT_FATAL);
}

static void
help(void)
{
	printf(
	    "domain-freq: add freq.py character-pair scores and alerts to each domain record.\n\n"
	    "  -f, --field PATH       member holding the domain (dotted path; default domain)\n"
	    "  -t, --table FILE       frequency table in freq.py format (default: shipped table)\n"
	    "      --avg-alert N      alert when the average score is below N (default 5.0)\n"
	    "      --word-alert N     alert when the word score is below N (default 4.0)\n"
	    "      --score-on WHAT    registrable (default), name (the whole name), or label\n"
	    "                         (the registrable domain without its public suffix)\n"
	    "      --max-line BYTES   longest input line handled (default 1048576)\n"
	    "      --train            read a corpus on stdin and write a table on stdout\n"
	    "      --weight N         with --train: count each pair N times (default 1)\n"
	    "      --case-sensitive   with --train: a table that does not fold case\n"
	    "      --ignore-chars S   with --train: characters scoring ignores\n"
	    "  -h, --help             this help\n"
	    "  -V, --version          version\n\n"
	    "See domain-freq(1) and domstat(7).\n");
	exit(tool_finish(0));
}

static void
parse_options(int argc, char **argv, struct options *o)
{
	enum {
		OPT_AVG = 256,
		OPT_WORD,
		OPT_ON,
		OPT_MAXLINE,
		OPT_TRAIN,
		OPT_WEIGHT,
		OPT_CASE,
		OPT_IGNORE
	};
	static const struct option longopts[] = {
	    {"field", required_argument, NULL, 'f'},
	    {"table", required_argument, NULL, 't'},
	    {"avg-alert", required_argument, NULL, OPT_AVG},
	    {"word-alert", required_argument, NULL, OPT_WORD},
	    {"score-on", required_argument, NULL, OPT_ON},
	    {"max-line", required_argument, NULL, OPT_MAXLINE},
	    {"train", no_argument, NULL, OPT_TRAIN},
	    {"weight", required_argument, NULL, OPT_WEIGHT},
	    {"case-sensitive", no_argument, NULL, OPT_CASE},
	    {"ignore-chars", required_argument, NULL, OPT_IGNORE},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {NULL, 0, NULL, 0},
	};
	*o = (struct options){.field = "domain",
			      .avg_alert = 5.0,
			      .word_alert = 4.0,
			      .weight = 1,
			      .ignore_chars = FREQ_DEFAULT_IGNORE};
	int c;
	while ((c = getopt_long(argc, argv, "f:t:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'f':
			o->field = optarg;
			break;
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
		case OPT_MAXLINE:
			o->max_line = (size_t)opt_long("max-line", optarg, 256, 1L << 30);
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
		case 'h':
			help();
			break;
		case 'V':
			tool_version();
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();
}

static void
load_table(struct freq_table *t, const char *path)
{
	struct buf why = BUF_INIT;
	char *found = NULL;
	if (!path) {
		found = share_path("freq/domstat.freq");
		if (!found)
			tool_die(
			    "cannot find the default table freq/domstat.freq (set DOMSTAT_SHARE "
			    "or use --table)");
		path = found;
	}
	if (freq_load(t, path, &why) < 0)
		tool_die("cannot load table: %s", why.s);
	free(found);
	buf_free(&why);
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
	const char *line;
	size_t len;
	bool too_long;
	int rc;
	unsigned long long n = 0;
	progress_init(PROGRESS_AUTO);
	while ((rc = lr_next(&lr, &line, &len, &too_long)) > 0) {
		freq_train(&t, line, len, (uint64_t)o->weight);
		progress_count(++n, "lines trained");
	}
	if (rc < 0)
		tool_die("cannot read input: %s", strerror(lr.error));
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

static void
score_record(struct record *r, struct dname *d, struct freq_table *t, const struct options *o)
{
	int valid = dname_set(d, r->name.s, r->name.len) == 0;
	const char *s = d->text.s;
	size_t n = d->text.len;
	if (o->on != ON_NAME) {
		if (!dname_registrable(d)) {
			rec_set_strz(r, "freq_score", "ERROR");
			if (!valid)
				rec_error(r, "invalid name: %s", d->invalid);
			else
				rec_error(r, "no registrable domain in '%s'", d->text.s);
			return;
		}
		s = d->reg_text;
		n = d->text.len - (size_t)(s - d->text.s);
		if (o->on == ON_LABEL) {
			const char *dot = memchr(s, '.', n);
			n = dot ? (size_t)(dot - s) : n;
		}
	} else if (n == 0) {
		rec_set_strz(r, "freq_score", "ERROR");
		rec_error(r, "invalid name: %s", d->invalid);
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
	/* Scored as freq.py would, but the name itself is still reported. */
	if (!valid)
		rec_error(r, "invalid name: %s", d->invalid);
}

int
main(int argc, char **argv)
{
	struct options o;
	tool_init("domain-freq");
	parse_options(argc, argv, &o);
	if (o.train)
		return train(&o);

	struct freq_table table;
	freq_init(&table);
	load_table(&table, o.table);

	struct rec_reader in;
	struct record r;
	struct dname d;
	rec_reader_init(&in, STDIN_FILENO, o.field, o.max_line);
	rec_init(&r);
	dname_init(&d);
	int rc;
	unsigned long long n = 0;
	progress_init(PROGRESS_AUTO);
	while ((rc = rec_read(&in, &r)) > 0) {
		if (rec_require_name(&r))
			score_record(&r, &d, &table, &o);
		rec_emit(&r);
		progress_count(++n, "records");
	}
	if (rc < 0)
		tool_die("cannot read input: %s", strerror(in.lr.error));
	progress_count_end(n, "records");

	dname_free(&d);
	rec_free(&r);
	rec_reader_free(&in);
	freq_free(&table);
	return tool_finish(rec_status());
}
