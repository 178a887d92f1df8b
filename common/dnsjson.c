/* Resource records as JSON: presentation data from ldns plus typed members. */
#include <stdio.h>
#include <string.h>

#include "dnsjson.h"
#include "jsonw.h"

static ldns_buffer *scratch;

/* Presentation form of one rdf, in the shared scratch buffer (valid until the next call). */
static const char *
rdf_text(const ldns_rdf *rdf, size_t *n)
{
	if (!scratch)
		scratch = ldns_buffer_new(256);
	ldns_buffer_clear(scratch);
	if (!rdf || ldns_rdf2buffer_str(scratch, rdf) != LDNS_STATUS_OK ||
	    !ldns_buffer_reserve(scratch, 1)) {
		*n = 0;
		return "";
	}
	*n = ldns_buffer_position(scratch);
	return (const char *)ldns_buffer_begin(scratch);
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
	static const char *names[] = {"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN",
				      "NOTIMP",	 "REFUSED", "YXDOMAIN", "YXRRSET",
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
	long long v = 0;
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
	jsonw_int(b, v);
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
			jsonw_int(b, ldns_calc_keytag(rr));
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
	jsonw_int(b, ldns_rr_ttl(rr));
	jsonw_key(b, "data");
	/* the rdata fields joined by spaces, as ldns_rr_new_frm_str reads them back */
	struct buf data = BUF_INIT;
	for (size_t i = 0; i < ldns_rr_rd_count(rr); i++) {
		size_t n;
		const char *s = rdf_text(ldns_rr_rdf(rr, i), &n);
		while (n > 0 && s[n - 1] == ' ') /* ldns ends some fields (NSEC3 salt) with one */
			n--;
		if (n == 0)
			continue;
		if (data.len)
			buf_addc(&data, ' ');
		buf_add(&data, s, n);
	}
	jsonw_str(b, data.s ? data.s : "", data.len);
	buf_free(&data);
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
