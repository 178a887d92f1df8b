/* SPDX-License-Identifier: ISC */
/* The DNSSEC check: the chain from the parent's DS to the apex's DNSKEY and its signatures,
 * verified with ldns, and what the validating resolver said. */
#include <stdbool.h> /* before ldns, which otherwise makes bool a signed char here */
#include <ldns/ldns.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ascii.h"
#include "caa.h"
#include "grade.h"
#include "infra.h"
#include "ipaddr.h"
#include "xalloc.h"

/* The presentation text ldns is given for an RR, "name. ttl IN type data", appended to b;
 * false (b unchanged) when the RR cannot be one: a field missing or oversized, a newline or
 * NUL in the data, a NUL in the name. */
static bool
rr_text(struct buf *b, const struct jv *rr)
{
	size_t nn, dn;
	const char *name = rr_str(rr, K_name, &nn), *type = rr_str(rr, K_type, NULL),
		   *data = rr_str(rr, K_data, &dn);
	long long ttl = 0;
	if (!name || !type || !data || dn > 8192 || nn > 255 || memchr(data, '\n', dn) ||
	    memchr(data, '\0', dn) || memchr(name, '\0', nn))
		return false;
	rr_int(rr, K_ttl, &ttl);
	if (ttl < 0 || ttl > 2147483647LL)
		ttl = 0;
	buf_addf(b, "%.*s%s %lld IN %s %.*s", (int)nn, name, nn && name[nn - 1] == '.' ? "" : ".",
		 ttl, type, (int)dn, data);
	return true;
}

static void
add_alg(int *v, int *n, int alg)
{
	for (int i = 0; i < *n; i++)
		if (v[i] == alg)
			return;
	if (*n < 16) {
		int i = (*n)++;
		while (i > 0 && v[i - 1] > alg) {
			v[i] = v[i - 1];
			i--;
		}
		v[i] = alg;
	}
}

/* RFC 9904 / IANA: signing MUST NOT 1 3 6 12 (and unassigned), NOT RECOMMENDED 5 7 10. */
static void
judge_alg(struct findings *f, const char *what, long long alg)
{
	bool ok = alg == 8 || alg == 13 || alg == 14 || alg == 15 || alg == 16;
	bool weak = alg == 5 || alg == 7 || alg == 10;
	if (weak)
		findings_add(f,
			     !strcmp(what, "DS") ? "NOT_RECOMMENDED_DS_ALGORITHM"
						 : "NOT_RECOMMENDED_DNSKEY_ALGORITHM",
			     SEV_WARNING, "%s algorithm %lld is not recommended (RFC 9904)", what,
			     alg);
	else if (!ok)
		findings_add(f,
			     !strcmp(what, "DS") ? "FORBIDDEN_DS_ALGORITHM"
						 : "FORBIDDEN_DNSKEY_ALGORITHM",
			     SEV_ERROR, "%s algorithm %lld must not be used (RFC 9904)", what, alg);
}

static void
check_nsec3(struct findings *f, const struct jv *rr, bool *done)
{
	long long it;
	size_t sn;
	const char *salt = rr_str(rr, K_salt, &sn);
	if (*done || !rr_int(rr, K_iterations, &it))
		return;
	*done = true;
	if (it >= 100)
		findings_add(
		    f, "NSEC3_ITERATIONS", SEV_ERROR,
		    "NSEC3 with %lld iterations: validators treat the zone as insecure (RFC 9276)",
		    it);
	else if (it > 0)
		findings_add(f, "NSEC3_ITERATIONS", SEV_WARNING,
			     "NSEC3 with %lld iterations, not 0 (RFC 9276)", it);
	if (salt && sn && !(sn == 1 && salt[0] == '-'))
		findings_add(f, "NSEC3_SALT", SEV_NOTICE,
			     "NSEC3 salt '%.*s' should be empty (RFC 9276)", FV(sn), salt);
}

/* What the DNSKEY set's signatures say, given the DS set, the DNSKEY set, its RRSIGs and the
 * scan's clock. */
enum verdict_kind { V_NO_MATCH, V_NOT_SIGNED, V_CHECKED };
struct verdict {
	enum verdict_kind kind;
	bool good;	   /* V_CHECKED: a signature verifies */
	long long soonest; /* seconds to the earliest expiry of a good one, or -1 */
	long long longest; /* longest validity of a good one */
	ldns_status worst; /* otherwise, the most telling failure */
};

static void
verify(ldns_rr_list *ds, ldns_rr_list *keys, ldns_rr_list *sigs, time_t started, struct verdict *v)
{
	memset(v, 0, sizeof *v);
	v->soonest = -1;
	v->worst = LDNS_STATUS_OK;
	ldns_rr_list *trusted = ldns_rr_list_new();
	for (size_t a = 0; a < ldns_rr_list_rr_count(keys); a++) {
		uint16_t tag = ldns_calc_keytag(ldns_rr_list_rr(keys, a));
		for (size_t b = 0; b < ldns_rr_list_rr_count(ds); b++) {
			/* ldns_key_rr2ds writes ldns_calc_keytag into the DS it compares: another
			 * key tag cannot match, and its digest need not be computed */
			const ldns_rdf *t = ldns_rr_rdf(ldns_rr_list_rr(ds, b), 0);
			if (t && ldns_rdf_get_type(t) == LDNS_RDF_TYPE_INT16 &&
			    ldns_rdf_size(t) == 2 && ldns_rdf2native_int16(t) != tag)
				continue;
			if (ldns_rr_compare_ds(ldns_rr_list_rr(keys, a), ldns_rr_list_rr(ds, b))) {
				ldns_rr_list_push_rr(trusted, ldns_rr_list_rr(keys, a));
				break;
			}
		}
	}
	if (ldns_rr_list_rr_count(trusted) == 0) {
		v->kind = V_NO_MATCH;
	} else if (ldns_rr_list_rr_count(sigs) == 0) {
		v->kind = V_NOT_SIGNED;
	} else {
		v->kind = V_CHECKED;
		for (size_t k = 0; k < ldns_rr_list_rr_count(sigs); k++) {
			ldns_rr *sig = ldns_rr_list_rr(sigs, k);
			ldns_rr_list *one = ldns_rr_list_new();
			ldns_rr_list_push_rr(one, sig);
			ldns_rr_list *gk = ldns_rr_list_new();
			ldns_status st = ldns_verify_time(keys, one, trusted, started, gk);
			ldns_rr_list_free(gk);
			ldns_rr_list_free(one);
			if (st == LDNS_STATUS_OK) {
				v->good = true;
				long long exp =
				    ldns_rdf2native_time_t(ldns_rr_rrsig_expiration(sig));
				long long inc =
				    ldns_rdf2native_time_t(ldns_rr_rrsig_inception(sig));
				if (v->soonest < 0 || exp - (long long)started < v->soonest)
					v->soonest = exp - (long long)started;
				if (exp - inc > v->longest)
					v->longest = exp - inc;
			} else if (v->worst == LDNS_STATUS_OK ||
				   st == LDNS_STATUS_CRYPTO_SIG_EXPIRED ||
				   st == LDNS_STATUS_CRYPTO_SIG_NOT_INCEPTED) {
				v->worst = st;
			}
		}
	}
	ldns_rr_list_free(trusted);
}

/* Parse one DS, DNSKEY or RRSIG for ldns: NULL when it has no text or ldns refuses it. */
static ldns_rr *
parse_rr(struct buf *text, const struct jv *rr)
{
	ldns_rr *x = NULL;
	buf_reset(text);
	if (!rr_text(text, rr))
		return NULL;
	if (ldns_rr_new_frm_str(&x, text->s, 0, NULL, NULL) != LDNS_STATUS_OK)
		return NULL;
	return x;
}

/* Do the EDE codes (RFC 8914) say the resolver found the data bogus: 1 Unsupported DNSKEY
 * Algorithm and 2 Unsupported DS Digest Type aside (those make a zone insecure), 5 to 12
 * (Indeterminate, Bogus, expired and not yet valid signatures, missing keys, signatures or
 * denials)? Then a SERVFAIL is the zone's DNSSEC failing, not the zone's servers. */
static bool
ede_bogus(const int *codes, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (codes[i] >= 5 && codes[i] <= 12)
			return true;
	return false;
}

/* ", EDE 6,9" for the codes, each once; "" for none. */
static void
ede_text(struct buf *b, const int *codes, size_t n)
{
	buf_reset(b);
	for (size_t i = 0, shown = 0; i < n; i++) {
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++)
			seen = codes[j] == codes[i];
		if (!seen)
			buf_addf(b, "%s%d", shown++ ? "," : ", EDE ", codes[i]);
	}
}

/* A validating resolver hides a bogus zone's data behind SERVFAIL; the question asked again
 * with CD=1 has it. *q becomes that retry when it answered NOERROR; the EDE codes of both
 * answers go to codes. Returns whether *q was a SERVFAIL. */
static bool
use_cd_retry(const struct scan *s, const struct query **q, struct query *cd, bool *used, int *codes,
	     size_t *ncodes)
{
	*used = false;
	if (!*q || !(*q)->answered || !word_is((*q)->rcode, "servfail"))
		return false;
	*ncodes += q_ede_codes(s, *q, false, codes + *ncodes, 8 - *ncodes);
	if (q_cd_retry(s, *q, cd)) {
		*ncodes += q_ede_codes(s, *q, true, codes + *ncodes, 8 - *ncodes);
		if (cd->answered && word_is(cd->rcode, "noerror")) {
			*q = cd;
			*used = true;
		}
	}
	return true;
}

/* Is the DS set signed (an RRSIG over DS in the answer)? Not so when the parent is unsigned:
 * then no chain of trust reaches the zone, whatever its keys. */
static bool
ds_signed(const struct query *q)
{
	size_t i = 0;
	const struct jv *rr;
	while ((rr = q_rr(q, T_RRSIG, &i)))
		if (word_is(rr_str(rr, K_type_covered, NULL), "ds"))
			return true;
	return false;
}

/* Did the resolver validate the zone: AD on the DNSKEY answer, or, when that says nothing,
 * on the SOA answer? */
static bool
resolver_validated(const struct scan *s, const struct query *kq)
{
	int ad = q_ad(s, kq);
	if (ad < 0)
		ad = q_ad(s, scan_find(s, s->domain, s->domainlen, T_SOA));
	return ad == 1;
}

void
check_dnssec(struct grader *g)
{
	struct scan *s = g->s;
	struct findings *f = &g->f[C_DNSSEC];
	struct facts *fa = &g->facts;
	const struct query *dsq = scan_find(s, s->domain, s->domainlen, T_DS),
			   *kq = scan_find(s, s->domain, s->domainlen, T_DNSKEY);
	const struct query *kq_resolver = kq;
	struct query ds_cd, k_cd;
	int ede[8];
	size_t nede = 0;
	bool ds_cdu, k_cdu;
	bool servfail = use_cd_retry(s, &dsq, &ds_cd, &ds_cdu, ede, &nede);
	servfail |= use_cd_retry(s, &kq, &k_cd, &k_cdu, ede, &nede);
	bool bogus_ede = ede_bogus(ede, nede);
	ede_text(&g->tmp2, ede, nede);
	/* RFC 4035 4.3: without the DS answer (or, under a DS, the DNSKEY one) the status is
	 * indeterminate, unless the resolver's EDE say it validated and failed */
	const struct query *failed = q_failed(dsq) ? dsq : NULL;
	if (!failed && q_failed(kq) && q_count(dsq, T_DS) > 0)
		failed = kq;
	if (failed) {
		if (bogus_ede) {
			fa->dnssec.status = "bogus";
			findings_add(f, "DNSSEC_VALIDATION_FAILED", SEV_ERROR,
				     "the resolver failed to validate the zone (%s%s) and the data "
				     "asked with CD=1 is missing",
				     q_cause(failed), buf_str(&g->tmp2));
		} else {
			fa->dnssec.status = "indeterminate";
			/* grade_unknowns names the failed question (DNS_TEMPORARY_ERROR) */
			fa->fetched.dnssec = FETCH_TEMPERROR;
		}
		return;
	}
	if (ds_cdu || k_cdu)
		findings_add(
		    f, "DNSSEC_VALIDATION_FAILED", SEV_ERROR,
		    "the resolver answered SERVFAIL%s: the data it gave with CD=1 is judged "
		    "here",
		    buf_str(&g->tmp2));
	bool nds = q_count(dsq, T_DS) > 0, nkeys = q_count(kq, T_DNSKEY) > 0;
	ldns_rr_list *ds = ldns_rr_list_new(), *keys = ldns_rr_list_new(),
		     *sigs = ldns_rr_list_new();
	/* a real zone has a handful of each; more is hostile data, left unchecked */
	size_t nd = 0, nk = 0, ns = 0; /* parsed DS, DNSKEY, RRSIG over DNSKEY */
	size_t i = 0;
	const struct jv *rr;
	while ((rr = q_rr(dsq, T_DS, &i)) && nd < 16) {
		long long alg, dt;
		if (rr_int(rr, K_algorithm, &alg)) {
			add_alg(fa->dnssec.ds_alg, &fa->dnssec.nds, (int)alg);
			judge_alg(f, "DS", alg);
		}
		if (rr_int(rr, K_digest_type, &dt)) {
			if (dt == 1)
				findings_add(f, "WEAK_DIGEST", SEV_WARNING,
					     "DS digest type 1 (SHA-1) must not be created");
			else if (dt == 3)
				findings_add(f, "WEAK_DIGEST", SEV_ERROR,
					     "DS digest type 3 (GOST) must not be used");
			else if (dt != 2 && dt != 4)
				findings_add(f, "UNKNOWN_DIGEST", SEV_WARNING,
					     "unknown DS digest type %lld", dt);
		}
		ldns_rr *x = parse_rr(&g->tmp, rr);
		if (x) {
			ldns_rr_list_push_rr(ds, x);
			nd++;
		} else {
			findings_add(f, "INVALID_DS_RECORD", SEV_ERROR,
				     "DS record that does not parse");
		}
	}
	i = 0;
	while ((rr = q_rr(kq, T_ANY, &i)) && nk < 32 && ns < 16) {
		if (word_is(rr_str(rr, K_type, NULL), "dnskey")) {
			long long alg;
			if (rr_int(rr, K_algorithm, &alg)) {
				add_alg(fa->dnssec.key_alg, &fa->dnssec.nkey, (int)alg);
				judge_alg(f, "DNSKEY", alg);
			}
			ldns_rr *x = parse_rr(&g->tmp, rr);
			if (x) {
				ldns_rr_list_push_rr(keys, x);
				nk++;
			} else {
				findings_add(f, "INVALID_DNSKEY_RECORD", SEV_ERROR,
					     "DNSKEY record that does not parse");
			}
		} else if (word_is(rr_str(rr, K_type, NULL), "rrsig")) {
			ldns_rr *x = parse_rr(&g->tmp, rr);
			if (x && ldns_rr_get_type(x) == LDNS_RR_TYPE_RRSIG &&
			    ldns_rdf2rr_type(ldns_rr_rrsig_typecovered(x)) == LDNS_RR_TYPE_DNSKEY) {
				ldns_rr_list_push_rr(sigs, x);
				ns++;
			} else {
				ldns_rr_free(x);
			}
		}
	}
	bool nsec3 = false;
	i = 0;
	if ((rr = q_rr(scan_find(s, s->domain, s->domainlen, T_NSEC3PARAM), T_NSEC3PARAM, &i)))
		check_nsec3(f, rr, &nsec3);
	for (size_t k = 0; k < s->nq && !nsec3; k++) {
		size_t j = 0;
		const struct jv *a;
		while (!nsec3 && (a = q_auth_rr(&s->qs[k], T_NSEC3, &j)))
			check_nsec3(f, a, &nsec3);
	}

	struct verdict v = {.kind = V_NO_MATCH};
	if (nds && nkeys)
		verify(ds, keys, sigs, s->started, &v);
	ldns_rr_list_deep_free(ds);
	ldns_rr_list_deep_free(keys);
	ldns_rr_list_deep_free(sigs);

	if (!nds) {
		if (nkeys) {
			fa->dnssec.status = "signed-without-ds";
			findings_add(f, "SIGNED_WITHOUT_DS", SEV_WARNING,
				     "the zone is signed but the parent has no DS: validators "
				     "cannot use it");
		} else {
			fa->dnssec.status = "insecure";
			findings_add(f, "NO_DS_RECORDS", SEV_NOTICE,
				     "the zone is not signed (no DS at the parent)");
		}
		if (ds_cdu || k_cdu)
			fa->dnssec.status = "bogus"; /* the validating resolver said so */
		return;
	}
	fa->dnssec.status = "bogus";
	if (!nkeys) {
		findings_add(f, "NO_DNSKEY_RECORD", SEV_ERROR,
			     "DS at the parent but no DNSKEY in the zone");
		return;
	}
	if (v.kind == V_NO_MATCH) {
		findings_add(f, "DS_NO_MATCHING_DNSKEY", SEV_ERROR,
			     "no DNSKEY matches a DS at the parent");
	} else if (v.kind == V_NOT_SIGNED) {
		findings_add(f, "DNSKEY_NOT_SIGNED", SEV_ERROR, "the DNSKEY set has no RRSIG");
	} else if (v.good) {
		if (ds_cdu || k_cdu || (servfail && bogus_ede)) {
			/* the keys match, but the resolver could not validate: the chain or
			 * another signature fails (DNSSEC_VALIDATION_FAILED said so) */
		} else if (!ds_signed(dsq) && !resolver_validated(s, kq_resolver)) {
			/* RFC 4033 3.1: an island of security, not secure: nothing above
			 * vouches for the DS */
			fa->dnssec.status = "insecure";
			findings_add(f, "DNSSEC_ISLAND", SEV_WARNING,
				     "the keys match the DS, but the parent's DS set is not signed "
				     "and the resolver did not validate: no chain of trust reaches "
				     "the zone");
		} else {
			/* the resolver validated it (AD), or the parent signed the DS set */
			fa->dnssec.status = "secure";
		}
		if (v.soonest >= 0 && v.soonest < 43200)
			findings_add(f, "RRSIG_EXPIRES_SOON", SEV_WARNING,
				     "the DNSKEY signature expires in %lld s", v.soonest);
		if (v.longest > 180LL * 86400)
			findings_add(f, "RRSIG_VALIDITY_TOO_LONG", SEV_NOTICE,
				     "DNSKEY signature valid for %lld days (over 180)",
				     v.longest / 86400);
	} else if (v.worst == LDNS_STATUS_CRYPTO_SIG_EXPIRED) {
		findings_add(f, "RRSIG_EXPIRED", SEV_ERROR, "the DNSKEY signature has expired");
	} else if (v.worst == LDNS_STATUS_CRYPTO_SIG_NOT_INCEPTED) {
		findings_add(f, "RRSIG_NOT_YET_VALID", SEV_ERROR,
			     "the DNSKEY signature is not valid yet");
	} else {
		findings_add(f, "RRSIG_INVALID", SEV_ERROR,
			     "no DNSKEY signature verifies against the DS: %s",
			     ldns_get_errorstr_by_id(v.worst));
	}
	if (ds_cdu || k_cdu)
		fa->dnssec.status = "bogus"; /* the validating resolver said so */
}
