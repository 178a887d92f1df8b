/* SPDX-License-Identifier: ISC */
/* DNStats' checks (dnstats_mail.c, dnstats_infra.c, over the text forms of dnstats_util.c) and
 * its scale (dnstats.c): what those files share. The checks fill one struct dnstats, kept by
 * the grader from record to record so that grading costs no allocation; the scale reads its
 * facts and the findings and writes grades. */
#ifndef DNSTATS_H
#define DNSTATS_H
#include <libpsl.h>
#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "grade.h"

/* The TXT RRs of a name as rr_txt joins their strings (with ' ', as dnspython printed them). */
struct txt_set {
	struct buf text; /* each RR's text then a NUL (a text may hold NULs too) */
	size_t *end;	 /* where each RR's text ends in text */
	size_t n, cap;
	unsigned fails; /* RRs rr_txt refused: one scan problem each */
};

/* Python's str.split(';') then piece.split('=') over a text: the first 64 pieces of exactly
 * two parts, keys and values stripped and NUL-terminated in a copy of the text. */
struct pairs {
	char *k[64], *v[64];
	size_t kn[64], vn[64];
	size_t n;
	const char *src; /* the text parsed */
	char *store;
	char small[512];
};

/* The tags DNStats' DMARC grader reads: the last value of each (pairs_get), or NULL. */
struct dmarc_tags {
	const char *adkim, *aspf, *fo, *p, *sp, *pct, *rua, *ruf;
};

/* What DNStats' checks found that its graders weigh besides the remarks. */
struct ds_facts {
	bool has_mx; /* the apex has an MX RR (the grade of a domain without SPF) */
	struct {
		size_t records; /* TXT texts starting "v=spf1" */
		char all;	/* the qualifier of the first "all" of the one record, or 0 */
	} spf;
	struct {
		size_t records;		/* TXT texts starting "v=DMARC1;" */
		struct dmarc_tags tags; /* of the one record (pointing into dnstats.dmarc) */
	} dmarc;
	struct {
		size_t records;
		bool issue, wild, iodef; /* a valid property of each kind */
	} caa;
	struct ds_ns_facts {
		size_t records;
		/* name servers without an address, with a bad one, with a non-public one, without
		 * an NS set; ordered pairs of NS sets that differ */
		int no_address, invalid, not_public, no_set, mismatches;
	} ns;
	struct {
		size_t records;
		bool fields; /* mname and rname present */
	} soa;
	struct {
		size_t records, valid;
	} mx;
};

/* A remembered answer for a short string (regexec's, libpsl's): the same string, the same
 * answer. CAA issuers, iodef targets and mail hosts repeat from domain to domain. */
#define MEMO_MAX_KEPT 127
struct memo {
	const void *of; /* the pattern asked */
	char s[MEMO_MAX_KEPT + 1];
	bool used, ok;
};
#define RE_SLOTS  2048
#define PSL_SLOTS 1024

struct dnstats {
	struct ds_facts facts;
	/* the apex and _dmarc TXT sets legacy_facts read, which the checks read again */
	struct txt_set apex_set, dmarc_set, other_set;
	struct buf apex, dmarc, other; /* their texts as txt_set_stripped gives them */
	struct buf name, caa, value, issuer;
	struct buf tok;	 /* SPF terms, NUL-terminated one after another */
	size_t *tok_off; /* where each term starts in tok */
	size_t ntok, tok_cap;
	const struct query **dq; /* direct NS queries (direct_ns_list) */
	size_t ndq, dq_cap;
	struct buf ns_sets[16];
	struct pairs dmarc_pairs; /* the DMARC record's tags, read by the scale */
	/* the checks' own resources, set up by the first DNStats check */
	bool ready;
	regex_t re_fqdn, re_url, re_email;
	psl_ctx_t *psl;
	struct memo *re_memo, *psl_memo; /* RE_SLOTS and PSL_SLOTS of them */
};

/* DNStats' graders: the grades of its facts and remarks, DNSSEC's on the domstat scale. */
void scale_dnstats(const struct facts *facts, const struct ds_facts *fa,
		   const struct findings f[NCAT], int grades[NCAT], int *overall);

/* The work struct of g, made on first use. */
struct dnstats *dnstats_of(struct grader *g);

/* A remark of DNStats' level (0 fatal, 1 error, 2 warning, 3 and 4 notices) with a "%.*s"
 * format of the value v (vn bytes), or the message fmt as it is when v is NULL. */
void ds_remark(struct grader *g, enum cat c, const char *code, int level, const char *fmt,
	       const char *v, size_t vn);

/* Sets out to "<prefix><domain>". */
void prefixed_name(struct buf *out, const char *prefix, const struct scan *s);
void txt_set_read(struct grader *g, const char *name, size_t n, struct txt_set *set);
/* The texts of a set as dnspython printed them, with every '"' removed, NUL-separated, in
 * esc. */
const struct buf *txt_set_stripped(const struct txt_set *set, struct buf *esc);
/* The strings of b one after another from *off (0 first), NULL after the last. */
const char *next_str(const struct buf *b, size_t *off);
/* A CAA RR as dnspython printed it: `flags tag "value"`. */
void caa_text(const struct jv *rr, struct buf *out);

void pairs_init(struct pairs *p);
void pairs_parse(const char *s, struct pairs *p);
void pairs_free(struct pairs *p);
const char *pairs_get(const struct pairs *p, const char *k);
/* Python int(): optional sign, digits (underscores between digits), spaces stripped. */
bool py_int(const char *s, long long *out);
/* Python's ipaddress as DNStats used it. */
bool py_v4(const char *s, size_t n, unsigned *out);
bool py_v4_private(unsigned a);
bool py_v6_private(const unsigned char *b);
bool py_prefix(const char *s, size_t n, int max, int *out);

/* Is the n bytes at s the literal lit? */
static inline bool
lit_is(const char *s, size_t n, const char *lit)
{
	size_t ln = strlen(lit);
	return n == ln && !memcmp(s, lit, ln);
}

/* Adoption facts of the mail and of the infrastructure categories (legacy_facts). */
void legacy_mail_facts(struct grader *g);
void legacy_infra_facts(struct grader *g);

/* DNStats' validators of each category: remarks in g->f, facts in dnstats_of(g)->facts.
 * After legacy_facts on the same scan (they read its TXT sets again). */
void ds_check_spf(struct grader *g);
void ds_check_dmarc(struct grader *g);
void ds_check_bimi(struct grader *g);
void ds_check_caa(struct grader *g);
void ds_check_ns(struct grader *g);
void ds_check_soa(struct grader *g);
void ds_check_mx(struct grader *g);

#endif
