/* SPDX-License-Identifier: ISC */
/* The record contract every filter keeps: one record per input line (a JSON object or a bare
 * domain name), one JSON object per output line in the same order, the input's members kept
 * byte-identical, the command's members added, `alerts` and `errors` merged, bad lines turned
 * into error records instead of stopping the stream. */
#ifndef RECORD_H
#define RECORD_H
#include <stdbool.h>
#include <stddef.h>

#include "buf.h"
#include "jpath.h"
#include "jscan.h"
#include "lineio.h"

enum rec_kind {
	REC_BLANK, /* empty or white-space line: passed through as an empty line */
	REC_JSON,  /* a JSON object */
	REC_NAME,  /* a bare domain name, or "rank,name" from a ranked list (Tranco CSV) */
	REC_BAD,   /* unusable line (broken JSON, over-long): output carries it as "raw" */
	REC_PASS,  /* --pass-through: a line that is no record for this command, written back as
		    * it was read (text), with nothing added and no error */
};

/* dns-scan's records and the commands that read them: dns-grade and stats-report take lines up
 * to REC_SCAN_READ_MAX by default (their --max-line), and dns-scan keeps every record it writes
 * within REC_SCAN_WRITE_MAX, half of that, by cutting its largest answers when it must
 * (dns-scan(1)). The other half is headroom for what dns-grade adds while keeping the dns member
 * (grades, facts and remarks: a few kilobytes, at most 32 findings a category), so the graded
 * record is read whole too. One number, so the writer's bound and the readers' default cannot
 * drift; a plain one, so that --help can print it (OPT_STR). */
#define REC_SCAN_READ_MAX  16777216
#define REC_SCAN_WRITE_MAX (REC_SCAN_READ_MAX / 2)

struct dname;

/* What --pass-through lets by (rec_reader_pass). */
enum rec_pass_mode {
	PASS_NONE,
	PASS_LINES, /* lines that are not JSON objects (broken JSON) */
	PASS_NAMES, /* those, and records whose field is missing, not a string or no DNS name */
};

/* What became of the domain field of a JSON record. */
enum rec_name_state {
	NAME_OK,
	NAME_MISSING,
	NAME_NOT_STRING,
	NAME_UPSTREAM_ERROR, /* missing, but an earlier filter already reported an error */
};

struct rec_added {
	size_t key, keylen, val, vallen; /* offsets into record.vals */
};

struct record {
	enum rec_kind kind;
	unsigned long lineno;
	const char *file;	 /* the file operand it was read from, or NULL for standard input */
	struct buf text;	 /* the line as read (JSON: the object text) */
	struct buf raw;		 /* with a pass mode: the line as read when text is not */
	struct jmembers members; /* JSON: top-level members, spans into text */
	bool has_name;		 /* the domain field was found and is a string */
	enum rec_name_state name_state;
	const char *field; /* the reader's field path */
	struct buf name;   /* its decoded value, or the bare line trimmed */
	struct buf vals;   /* keys and JSON values the command adds */
	struct rec_added *added;
	size_t nadded, capadded;
	struct buf alerts; /* new alerts, each NUL-terminated */
	struct buf errors; /* new error objects, comma-separated */
	unsigned nerrors;
	long rank;	      /* REC_NAME from a "rank,name" line, else -1 */
	size_t name_off;      /* REC_NAME: where the name starts in text (after "rank,") */
	const char *deferred; /* REC_JSON: the value the reader's defer hook took, or NULL */
};

struct rec_reader {
	struct linereader lr;
	const char *field; /* the path of the domain as given, default "domain" */
	struct jpath path; /* field, parsed */
	/* path as its member names, for jscan to follow while it checks each line; nparts 0
	 * when it cannot (an index or [] on the way, or too deep: jpath_find looks instead) */
	const char *part[JSCAN_PATH_MAX_PARTS];
	size_t partlen[JSCAN_PATH_MAX_PARTS];
	int nparts;
	struct jscan_defer *defer; /* a member the command reads while the line is checked */
	enum rec_pass_mode pass;
	struct dname *check; /* PASS_NAMES: for telling names from other strings */
};

/* fd is usually 0; field may be NULL for "domain" (it must be a valid path: see opt_field);
 * max_line 0 for the default (1 MiB). */
void rec_reader_init(struct rec_reader *rr, int fd, const char *field, size_t max_line);
/* Look for another field from now on (as rec_reader_init's field). */
void rec_reader_field(struct rec_reader *rr, const char *field);
/* Read the files named (the command's operands, checked with tool_check_files) instead of fd;
 * n 0 keeps fd. Messages then name the file of each line ("tranco.csv:12: ..."). */
void rec_reader_files(struct rec_reader *rr, char *const *names, int n);
/* Let what mode names pass through unchanged (REC_PASS) instead of becoming errors. */
void rec_reader_pass(struct rec_reader *rr, enum rec_pass_mode mode);
void rec_reader_free(struct rec_reader *rr);
/* Have defer->read take the top-level member defer->key while each line is validated (see
 * jscan_object_defer); rec_read sets record.deferred to the value it took. */
void rec_reader_defer(struct rec_reader *rr, struct jscan_defer *defer);
/* Read and classify the next line into r (whose buffers are reused). 1 = a record, 0 = end of
 * input, -1 = read error (errno-style code in rr->lr.error). */
int rec_read(struct rec_reader *rr, struct record *r);

void rec_init(struct record *r);
void rec_free(struct record *r);
/* Copy src (text, spans, additions) into dst, for commands that keep records in flight. */
void rec_copy(struct record *dst, const struct record *src);

/* Make r, as read, a REC_PASS record (a command's own test, as dns-grade's for its dns member). */
void rec_pass(struct record *r);

/* Is there a name to work on? If not, add the error that says why (none when an earlier
 * filter already reported one for this record, or for blank and bad lines). */
bool rec_require_name(struct record *r);

/* Look up a top-level or dotted member of a JSON record. */
bool rec_get(const struct record *r, const char *path, struct jspan *val);

/* Add or replace member `key` with a JSON value given as text. */
void rec_set_json(struct record *r, const char *key, const char *json, size_t n);
void rec_set_str(struct record *r, const char *key, const char *s, size_t n);
void rec_set_strz(struct record *r, const char *key, const char *s);
void rec_set_int(struct record *r, const char *key, long long v);
void rec_set_bool(struct record *r, const char *key, bool v);
/* Start a member whose value the caller appends to the returned buffer; end it before the
 * next rec_* call on r. */
struct buf *rec_set_begin(struct record *r, const char *key);
void rec_set_end(struct record *r);

/* Append an alert (kept once even if the input already has it). */
void rec_alert(struct record *r, const char *alert);
/* Append {"by":tool,"code":code,"msg":...} to `errors` and print "tool: line N: msg [code]" on
 * stderr. code is one of common/errcode.c's list (documented in domstat(7)). */
void rec_error_code(struct record *r, const char *code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Format the output line (with its newline) into out. */
void rec_format(const struct record *r, struct buf *out);
/* Format and write to stdout (exits quietly on a closed pipe). */
void rec_emit(const struct record *r);
/* 1 if any record so far carried an error of this command, else 0. */
int rec_status(void);

#endif
