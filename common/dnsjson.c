/* SPDX-License-Identifier: ISC */
/* Resource records as JSON: presentation data from ldns plus typed members. */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "dnsjson.h"
#include "jsonw.h"

/* Scratch space reused by every record's conversion, so one is not allocated per field; file
 * scope because nothing outlives a call (each use starts by clearing it). */
static ldns_buffer *scratch;
static struct buf text; /* the presentation form of the last rdf */

/* Decimal digits of v at the end of tmp (at least 24 bytes); returns the first. */
static char *
u64_digits(unsigned long long v, char *tmp)
{
	char *p = tmp + 24;
	do
		*--p = (char)('0' + v % 10);
	while (v /= 10);
	return p;
}

static void
put_uint(struct buf *b, unsigned long long v)
{
	char tmp[24];
	const char *p = u64_digits(v, tmp);
	buf_add(b, p, (size_t)(tmp + 24 - p));
}

/* The writers below give byte for byte what ldns 1.8 prints for these rdf types (the fuzz
 * target dns.c compares them), without ldns' printf call per character. A shape ldns would
 * refuse or print another way is left to ldns (false). */

/* ldns_rdf2buffer_str_dname */
static bool
text_dname(struct buf *o, const uint8_t *d, size_t size)
{
	if (size == 0 || size > LDNS_MAX_DOMAINLEN)
		return false;
	if (size == 1) {
		buf_addc(o, '.');
		return true;
	}
	size_t pos = 0, len = d[0];
	while (len > 0 && pos < size) {
		pos++;
		if (pos + len >= size) /* a label running to or past the end: ldns' business */
			return false;
		for (size_t i = 0; i < len; i++, pos++) {
			unsigned char c = d[pos];
			if (c == '.' || c == ';' || c == '(' || c == ')' || c == '\\') {
				char e[2] = {'\\', (char)c};
				buf_add(o, e, 2);
			} else if (!(isascii(c) && isgraph(c))) {
				char e[4] = {'\\', (char)('0' + c / 100), (char)('0' + c / 10 % 10),
					     (char)('0' + c % 10)};
				buf_add(o, e, 4);
			} else {
				buf_addc_fast(o, (char)c);
			}
		}
		buf_addc_fast(o, '.'); /* pos < size here */
		len = d[pos];
	}
	return true;
}

/* ldns_rdf2buffer_str_str: a character-string in double quotes */
static bool
text_str(struct buf *o, const uint8_t *d, size_t size)
{
	if (size < 1 || size < (size_t)d[0] + 1)
		return false;
	buf_grow(o, (size_t)d[0] + 2);
	buf_addc_fast(o, '"');
	for (size_t i = 1; i <= d[0]; i++) {
		uint8_t ch = d[i];
		if (isprint((int)ch) || ch == '\t') {
			if (ch == '"' || ch == '\\') {
				char e[2] = {'\\', (char)ch};
				buf_add(o, e, 2);
			} else {
				buf_addc_fast(o, (char)ch);
			}
		} else {
			char e[4] = {'\\', (char)('0' + ch / 100), (char)('0' + ch / 10 % 10),
				     (char)('0' + ch % 10)};
			buf_add(o, e, 4);
		}
	}
	buf_addc_fast(o, '"');
	return true;
}

static bool
text_fast(struct buf *o, const ldns_rdf *rdf)
{
	const uint8_t *d = ldns_rdf_data(rdf);
	size_t size = ldns_rdf_size(rdf);
	char a[INET6_ADDRSTRLEN];
	switch (ldns_rdf_get_type(rdf)) {
	case LDNS_RDF_TYPE_DNAME:
		return text_dname(o, d, size);
	case LDNS_RDF_TYPE_STR:
		return text_str(o, d, size);
	case LDNS_RDF_TYPE_A:
		if (size != 4 || !inet_ntop(AF_INET, d, a, sizeof a))
			return false;
		buf_adds(o, a);
		return true;
	case LDNS_RDF_TYPE_AAAA:
		if (size != 16 || !inet_ntop(AF_INET6, d, a, sizeof a))
			return false;
		buf_adds(o, a);
		return true;
	case LDNS_RDF_TYPE_INT8:
		if (size != 1)
			return false;
		put_uint(o, d[0]);
		return true;
	case LDNS_RDF_TYPE_INT16:
		if (size != 2)
			return false;
		put_uint(o, ldns_read_uint16(d));
		return true;
	case LDNS_RDF_TYPE_INT32:
		if (size != 4)
			return false;
		put_uint(o, ldns_read_uint32(d));
		return true;
	default:
		return false;
	}
}

/* Presentation form of one rdf through ldns itself, appended to o; false if ldns refuses. */
bool
dns_rdf_text_ldns(struct buf *o, const ldns_rdf *rdf)
{
	if (!scratch)
		scratch = ldns_buffer_new(256);
	ldns_buffer_clear(scratch);
	if (!rdf || ldns_rdf2buffer_str(scratch, rdf) != LDNS_STATUS_OK ||
	    !ldns_buffer_reserve(scratch, 1))
		return false;
	buf_add(o, ldns_buffer_begin(scratch), ldns_buffer_position(scratch));
	return true;
}

bool
dns_rdf_text(struct buf *o, const ldns_rdf *rdf)
{
	if (!rdf)
		return false;
	size_t len = o->len;
	if (text_fast(o, rdf))
		return true;
	buf_truncate(o, len);
	return dns_rdf_text_ldns(o, rdf);
}

/* Presentation form of one rdf, in the shared buffer (valid until the next call); "" when
 * ldns refuses it. */
static const char *
rdf_text(const ldns_rdf *rdf, size_t *n)
{
	buf_reset(&text);
	if (!dns_rdf_text(&text, rdf))
		buf_reset(&text);
	*n = text.len;
	return buf_str(&text);
}

void
dns_name_add(struct buf *b, const ldns_rdf *name)
{
	size_t n;
	const char *s = rdf_text(name, &n);
	if (n > 1 && s[n - 1] == '.' && !(n >= 2 && s[n - 2] == '\\'))
		n--;
	jsonw_str(b, s, n);
}

const char *
dns_rcode_str(unsigned rcode, char *tmp)
{
	static const char *const names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
					    "NOTIMP",  "REFUSED", "YXDOMAIN", "YXRRSET",
					    "NXRRSET", "NOTAUTH", "NOTZONE"};
	if (rcode < sizeof names / sizeof *names)
		return names[rcode];
	snprintf(tmp, 16, "RCODE%u", rcode);
	return tmp;
}

const char *
dns_type_str(uint16_t type, char *tmp)
{
	const ldns_rr_descriptor *d = ldns_rr_descript(type);
	if (d && d->_name && d->_type == type)
		return d->_name;
	snprintf(tmp, 16, "TYPE%u", type);
	return tmp;
}

static void
key_uint(struct buf *b, const char *key, const ldns_rdf *rdf)
{
	jsonw_key(b, key);
	unsigned long long v = 0;
	if (rdf) {
		switch (ldns_rdf_size(rdf)) {
		case 1:
			v = ldns_rdf2native_int8(rdf);
			break;
		case 2:
			v = ldns_rdf2native_int16(rdf);
			break;
		case 4:
			v = ldns_rdf2native_int32(rdf);
			break;
		default:
			break;
		}
	}
	put_uint(b, v);
}

static void
key_name(struct buf *b, const char *key, const ldns_rdf *rdf)
{
	jsonw_key(b, key);
	dns_name_add(b, rdf);
}

static void
key_text(struct buf *b, const char *key, const ldns_rdf *rdf)
{
	size_t n;
	const char *s = rdf_text(rdf, &n);
	jsonw_key(b, key);
	jsonw_str(b, s, n);
}

/* The raw bytes of a character-string (length byte first) or of a long string. */
static void
key_bytes(struct buf *b, const char *key, const ldns_rdf *rdf, bool counted)
{
	jsonw_key(b, key);
	const char *p = rdf ? (const char *)ldns_rdf_data(rdf) : "";
	size_t n = rdf ? ldns_rdf_size(rdf) : 0;
	if (counted && n > 0) {
		size_t len = (unsigned char)p[0];
		p++;
		n = len < n - 1 ? len : n - 1;
	}
	jsonw_str(b, p, n);
}

static void
nsec3_common(struct buf *b, const ldns_rr *rr)
{
	key_uint(b, "algorithm", ldns_rr_rdf(rr, 0));
	key_uint(b, "flags", ldns_rr_rdf(rr, 1));
	key_uint(b, "iterations", ldns_rr_rdf(rr, 2));
	/* the salt in hex, empty for none (ldns writes "-") */
	const ldns_rdf *salt = ldns_rr_rdf(rr, 3);
	jsonw_key(b, "salt");
	buf_addc(b, '"');
	if (salt && ldns_rdf_size(salt) > 0) {
		const uint8_t *d = ldns_rdf_data(salt);
		size_t len = d[0] < ldns_rdf_size(salt) - 1 ? d[0] : ldns_rdf_size(salt) - 1;
		for (size_t i = 0; i < len; i++)
			buf_addf(b, "%02X", d[1 + i]);
	}
	buf_addc(b, '"');
}

static void
typed(struct buf *b, const ldns_rr *rr)
{
	size_t rd = ldns_rr_rd_count(rr);
	switch (ldns_rr_get_type(rr)) {
	case LDNS_RR_TYPE_TXT:
		jsonw_key(b, "txt");
		buf_addc(b, '[');
		for (size_t i = 0; i < rd; i++) {
			if (i)
				buf_addc(b, ',');
			const ldns_rdf *f = ldns_rr_rdf(rr, i);
			const char *p = (const char *)ldns_rdf_data(f);
			size_t n = ldns_rdf_size(f);
			size_t len = n ? (unsigned char)p[0] : 0;
			if (n && len > n - 1)
				len = n - 1;
			jsonw_str(b, n ? p + 1 : "", len);
		}
		buf_addc(b, ']');
		break;
	case LDNS_RR_TYPE_MX:
		if (rd >= 2) {
			key_uint(b, "preference", ldns_rr_rdf(rr, 0));
			key_name(b, "exchange", ldns_rr_rdf(rr, 1));
		}
		break;
	case LDNS_RR_TYPE_NS:
		if (rd >= 1)
			key_name(b, "host", ldns_rr_rdf(rr, 0));
		break;
	case LDNS_RR_TYPE_CNAME:
		if (rd >= 1)
			key_name(b, "target", ldns_rr_rdf(rr, 0));
		break;
	case LDNS_RR_TYPE_A:
	case LDNS_RR_TYPE_AAAA:
		if (rd >= 1)
			key_text(b, "address", ldns_rr_rdf(rr, 0));
		break;
	case LDNS_RR_TYPE_SOA:
		if (rd >= 7) {
			key_name(b, "mname", ldns_rr_rdf(rr, 0));
			key_name(b, "rname", ldns_rr_rdf(rr, 1));
			key_uint(b, "serial", ldns_rr_rdf(rr, 2));
			key_uint(b, "refresh", ldns_rr_rdf(rr, 3));
			key_uint(b, "retry", ldns_rr_rdf(rr, 4));
			key_uint(b, "expire", ldns_rr_rdf(rr, 5));
			key_uint(b, "minimum", ldns_rr_rdf(rr, 6));
		}
		break;
	case LDNS_RR_TYPE_CAA:
		if (rd >= 3) {
			key_uint(b, "flags", ldns_rr_rdf(rr, 0));
			key_bytes(b, "tag", ldns_rr_rdf(rr, 1), true);
			key_bytes(b, "value", ldns_rr_rdf(rr, 2), false);
		}
		break;
	case LDNS_RR_TYPE_DS:
		if (rd >= 4) {
			key_uint(b, "key_tag", ldns_rr_rdf(rr, 0));
			key_uint(b, "algorithm", ldns_rr_rdf(rr, 1));
			key_uint(b, "digest_type", ldns_rr_rdf(rr, 2));
			key_text(b, "digest", ldns_rr_rdf(rr, 3));
		}
		break;
	case LDNS_RR_TYPE_DNSKEY:
		if (rd >= 4) {
			key_uint(b, "flags", ldns_rr_rdf(rr, 0));
			key_uint(b, "protocol", ldns_rr_rdf(rr, 1));
			key_uint(b, "algorithm", ldns_rr_rdf(rr, 2));
			jsonw_key(b, "key_tag");
			put_uint(b, ldns_calc_keytag(rr));
		}
		break;
	case LDNS_RR_TYPE_RRSIG:
		if (rd >= 9) {
			key_text(b, "type_covered", ldns_rr_rdf(rr, 0));
			key_uint(b, "algorithm", ldns_rr_rdf(rr, 1));
			key_uint(b, "labels", ldns_rr_rdf(rr, 2));
			key_uint(b, "original_ttl", ldns_rr_rdf(rr, 3));
			key_uint(b, "expiration", ldns_rr_rdf(rr, 4));
			key_uint(b, "inception", ldns_rr_rdf(rr, 5));
			key_uint(b, "key_tag", ldns_rr_rdf(rr, 6));
			key_name(b, "signer", ldns_rr_rdf(rr, 7));
		}
		break;
	case LDNS_RR_TYPE_NSEC3PARAM:
		if (rd >= 4)
			nsec3_common(b, rr);
		break;
	case LDNS_RR_TYPE_NSEC3:
		if (rd >= 4)
			nsec3_common(b, rr);
		break;
	case LDNS_RR_TYPE_TLSA:
		if (rd >= 4) {
			key_uint(b, "usage", ldns_rr_rdf(rr, 0));
			key_uint(b, "selector", ldns_rr_rdf(rr, 1));
			key_uint(b, "matching_type", ldns_rr_rdf(rr, 2));
		}
		break;
	default:
		break;
	}
}

void
dns_json_rr(struct buf *b, const ldns_rr *rr)
{
	char tmp[16];
	buf_adds(b, "{\"name\":");
	dns_name_add(b, ldns_rr_owner(rr));
	jsonw_key(b, "type");
	jsonw_strz(b, dns_type_str(ldns_rr_get_type(rr), tmp));
	jsonw_key(b, "ttl");
	put_uint(b, ldns_rr_ttl(rr));
	jsonw_key(b, "data");
	/* the rdata fields joined by spaces, as ldns_rr_new_frm_str reads them back (static: a
	 * buffer reused call to call, reset before use; it holds nothing between calls) */
	static struct buf data;
	buf_reset(&data);
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		size_t start = data.len;
		if (start)
			buf_addc_fast(&data, ' ');
		size_t at = data.len;
		if (!dns_rdf_text(&data, ldns_rr_rdf(rr, i)))
			buf_truncate(&data, at);
		size_t n = data.len;
		/* ldns ends some fields (NSEC3 salt) with a space */
		while (n > at && data.s[n - 1] == ' ')
			n--;
		buf_truncate(&data, n == at ? start : n);
	}
	jsonw_str(b, buf_str(&data), data.len);
	typed(b, rr);
	buf_addc(b, '}');
}

void
dns_json_rr_list(struct buf *b, const ldns_rr_list *l)
{
	buf_addc(b, '[');
	for (size_t i = 0; l && i < ldns_rr_list_rr_count(l); i++) {
		if (i)
			buf_addc(b, ',');
		dns_json_rr(b, ldns_rr_list_rr(l, i));
	}
	buf_addc(b, ']');
}

bool
dns_json_ede(struct buf *b, const ldns_pkt *p)
{
	const ldns_rdf *opts = ldns_pkt_edns_data(p);
	if (!opts)
		return false;
	const uint8_t *d = ldns_rdf_data(opts);
	size_t n = ldns_rdf_size(opts), off = 0;
	bool any = false;
	while (off + 4 <= n) {
		unsigned code = (unsigned)(d[off] << 8 | d[off + 1]);
		size_t len = (size_t)(d[off + 2] << 8 | d[off + 3]);
		off += 4;
		if (len > n - off)
			break;
		/* option 15: INFO-CODE, then EXTRA-TEXT (UTF-8, may be empty) */
		if (code == 15 && len >= 2) {
			buf_addc(b, any ? ',' : '[');
			any = true;
			buf_adds(b, "{\"code\":");
			put_uint(b, (unsigned)(d[off] << 8 | d[off + 1]));
			if (len > 2) {
				jsonw_key(b, "text");
				jsonw_str(b, (const char *)d + off + 2, len - 2);
			}
			buf_addc(b, '}');
		}
		off += len;
	}
	if (any)
		buf_addc(b, ']');
	return any;
}
