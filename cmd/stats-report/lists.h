/* SPDX-License-Identifier: ISC */
/* DNStats' downloadable domain lists, written to files while the records stream past. */
#ifndef LISTS_H
#define LISTS_H
#include <stdbool.h>
#include <stddef.h>

enum { SPF_FAIL, SPF_SOFTFAIL, SPF_NEUTRAL, SPF_PASS, SPF_NOPOLICY, SPF_ABSENT, NSPF };
enum { DM_NONE, DM_QUAR, DM_REJECT, DM_NOPOLICY, DM_INVALID, DM_ABSENT, NDM };

struct list_obs {
	bool mx, ds, caa, caa_reporting, dmarc, spf;
	int dmarc_policy, spf_policy;
	int securitytxt; /* -1: the record says nothing about security.txt */
	long rank;	 /* -1: none */
	/* The same "adopted" as the figures': a domain that does not exist or could not be
	 * scanned is in no list, one not scanned for a part in neither of that part's lists. */
	bool scanned;
	bool mx_known, ds_known, caa_known, dmarc_known, spf_known;
	/* the mail-transport parts: a record, usable DANE (validated TLSA), some DKIM key */
	bool mta_sts, tls_rpt, dane, dkim;
	bool mta_sts_known, tls_rpt_known, dane_known, dkim_known;
};

struct lists;
/* Create DIR if needed and open every list file; dies (status 2) on failure. */
struct lists *lists_open(const char *dir);
void lists_add(struct lists *l, const struct list_obs *o, const char *domain, size_t n);
/* Finish and close every file; dies on a write error. */
void lists_close(struct lists *l);

#endif
