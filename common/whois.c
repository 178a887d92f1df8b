/* SPDX-License-Identifier: ISC */
/* whois port-43 client and creation/expiry line parser (best effort: the format is free text). */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include "date.h"
#include "whois.h"

static const char *const created_labels[] = {
    "creation date",
    "created",
    "created on",
    "created date",
    "registered on",
    "registered",
    "registration time",
    "registration date",
    "registered date",
    "domain registration date",
    "domain name commencement date",
    "record created",
    "domain record activated",
    "domain created",
    NULL,
};

static const char *const expiry_labels[] = {
    "registry expiry date",
    "registry expiration date",
    "registrar registration expiration date",
    "expiry date",
    "expiration date",
    "expire date",
    "expires on",
    "expires",
    "paid-till",
    "expiration time",
    "valid until",
    "domain expiration date",
    "record expires on",
    "renewal date",
    "domain expires",
    NULL,
};

static const char *const not_found_marks[] = {
    "no match",
    "not found",
    "no entries found",
    "no data found",
    "status: free",
    "status: available",
    "no object found",
    "object does not exist",
    "is available for registration",
    NULL,
};

static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
				     "jul", "aug", "sep", "oct", "nov", "dec"};

static bool
label_in(const char *s, size_t n, const char *const *list)
{
	for (size_t i = 0; list[i]; i++)
		if (strlen(list[i]) == n && !strncasecmp(s, list[i], n))
			return true;
	return false;
}

/* k digits at s[*i] */
static int
num(const char *s, size_t n, size_t *i, int k, int *out)
{
	int v = 0;
	for (int j = 0; j < k; j++, (*i)++) {
		if (*i >= n || !isdigit((unsigned char)s[*i]))
			return -1;
		v = v * 10 + (s[*i] - '0');
	}
	*out = v;
	return 0;
}

static int
days_in(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dm[m - 1];
}

/* The rest after a date: nothing, or [T ]HH:MM[:SS][.frac] and an optional zone. */
static int
time_part(const char *s, size_t n, size_t i, int y, int mo, int d, int64_t *t)
{
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in(y, mo))
		return -1;
	int hh = 0, mi = 0, ss = 0;
	if (i < n) {
		if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
			return -1;
		i++;
		if (num(s, n, &i, 2, &hh) || i >= n || s[i++] != ':' || num(s, n, &i, 2, &mi))
			return -1;
		if (i < n && s[i] == ':' && (i++, num(s, n, &i, 2, &ss)))
			return -1;
		if (i < n && s[i] == '.') {
			size_t st = ++i;
			while (i < n && isdigit((unsigned char)s[i]))
				i++;
			if (i == st || i - st > 9)
				return -1;
		}
		if (i < n && (s[i] == 'Z' || s[i] == 'z'))
			i++;
		if (i != n || hh > 23 || mi > 59 || ss > 60)
			return -1;
	}
	*t = date_from_civil(y, mo, d, hh, mi, ss);
	return 0;
}

int
whois_date(const char *s, size_t n, int64_t *t)
{
	while (n > 0 && isspace((unsigned char)*s))
		s++, n--;
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	/* a zone word at the end means UTC here */
	static const char *const tails[] = {" UTC", " GMT", " (UTC)", " Z", NULL};
	for (size_t k = 0; tails[k]; k++) {
		size_t l = strlen(tails[k]);
		if (n > l && !strncasecmp(s + n - l, tails[k], l)) {
			n -= l;
			break;
		}
	}
	if (n == 0)
		return -1;
	if (date_parse_iso(s, n, t) == 0)
		return 0;
	size_t i = 0;
	int y, mo, d;
	/* YYYY-MM-DD, YYYY.MM.DD, YYYY/MM/DD */
	if (num(s, n, &i, 4, &y) == 0) {
		char sep = i < n ? s[i] : 0;
		if ((sep != '-' && sep != '.' && sep != '/') || (i++, num(s, n, &i, 2, &mo)) ||
		    i >= n || s[i++] != sep || num(s, n, &i, 2, &d))
			return -1;
		return time_part(s, n, i, y, mo, d, t);
	}
	i = 0;
	if (num(s, n, &i, 2, &d) < 0)
		return -1;
	if (i < n && (s[i] == '-' || s[i] == ' ') && i + 4 <= n) {
		/* DD-Mon-YYYY */
		char sep = s[i++];
		mo = 0;
		for (int k = 0; k < 12; k++)
			if (!strncasecmp(s + i, months[k], 3))
				mo = k + 1;
		if (!mo)
			return -1;
		i += 3;
		if (i >= n || s[i++] != sep || num(s, n, &i, 4, &y))
			return -1;
		return time_part(s, n, i, y, mo, d, t);
	}
	if (i < n && s[i] == '.') {
		/* DD.MM.YYYY */
		i++;
		if (num(s, n, &i, 2, &mo) || i >= n || s[i++] != '.' || num(s, n, &i, 4, &y))
			return -1;
		return time_part(s, n, i, y, mo, d, t);
	}
	return -1;
}

static bool
contains_nocase(const char *s, size_t n, const char *needle)
{
	size_t k = strlen(needle);
	for (size_t i = 0; i + k <= n; i++)
		if (!strncasecmp(s + i, needle, k))
			return true;
	return false;
}

bool
whois_parse(const char *text, size_t n, int64_t *created, int64_t *expires)
{
	*created = *expires = DATE_UNKNOWN;
	size_t pos = 0;
	while (pos < n) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', n - pos);
		size_t len = nl ? (size_t)(nl - line) : n - pos;
		pos += len + (nl ? 1 : 0);
		size_t i = 0;
		while (i < len && (line[i] == ' ' || line[i] == '\t'))
			i++;
		const char *colon = memchr(line + i, ':', len - i);
		if (!colon)
			continue;
		size_t llen = (size_t)(colon - (line + i));
		while (llen > 0 && (line[i + llen - 1] == ' ' || line[i + llen - 1] == '\t'))
			llen--;
		const char *val = colon + 1;
		size_t vlen = len - (size_t)(val - line);
		int64_t t;
		if (*created == DATE_UNKNOWN && label_in(line + i, llen, created_labels) &&
		    whois_date(val, vlen, &t) == 0)
			*created = t;
		else if (*expires == DATE_UNKNOWN && label_in(line + i, llen, expiry_labels) &&
			 whois_date(val, vlen, &t) == 0)
			*expires = t;
	}
	if (*created != DATE_UNKNOWN || *expires != DATE_UNKNOWN)
		return false;
	size_t scan = n < 4096 ? n : 4096; /* the verdict is near the top */
	for (size_t k = 0; not_found_marks[k]; k++)
		if (contains_nocase(text, scan, not_found_marks[k]))
			return true;
	return false;
}

static const struct {
	const char *tld, *host;
} servers[] = {
    {"com", "whois.verisign-grs.com"},
    {"net", "whois.verisign-grs.com"},
    {"org", "whois.pir.org"},
    {"de", "whois.denic.de"},
    {"uk", "whois.nic.uk"},
    {"jp", "whois.jprs.jp"},
    {"cn", "whois.cnnic.cn"},
    {"ru", "whois.tcinet.ru"},
    {"su", "whois.tcinet.ru"},
    {"it", "whois.nic.it"},
    {"eu", "whois.eu"},
    {"ch", "whois.nic.ch"},
    {"li", "whois.nic.li"},
    {"es", "whois.nic.es"},
    {"be", "whois.dns.be"},
    {"at", "whois.nic.at"},
    {"se", "whois.iis.se"},
    {"nu", "whois.iis.nu"},
    {"dk", "whois.punktum.dk"},
    {"kr", "whois.kr"},
    {"mx", "whois.mx"},
    {"nz", "whois.irs.net.nz"},
    {"ie", "whois.weare.ie"},
    {"pt", "whois.dns.pt"},
    {"fr", "whois.nic.fr"},
    {"nl", "whois.domain-registry.nl"},
    {"au", "whois.auda.org.au"},
    {"pl", "whois.dns.pl"},
    {"br", "whois.registro.br"},
    {"io", "whois.nic.io"},
    {"co", "whois.nic.co"},
    {"us", "whois.nic.us"},
    {"me", "whois.nic.me"},
};

const char *
whois_server_for(const char *tld)
{
	for (size_t i = 0; i < sizeof servers / sizeof *servers; i++)
		if (!strcasecmp(servers[i].tld, tld))
			return servers[i].host;
	return NULL;
}

void
whois_query(const char *host, const char *domain, struct buf *out)
{
	buf_reset(out);
	if (!strcasecmp(host, "whois.denic.de"))
		buf_addf(out, "-T dn,ace %s\r\n", domain);
	else if (!strcasecmp(host, "whois.verisign-grs.com"))
		buf_addf(out, "domain %s\r\n", domain);
	else if (!strcasecmp(host, "whois.jprs.jp"))
		buf_addf(out, "%s/e\r\n", domain);
	else
		buf_addf(out, "%s\r\n", domain);
}

static int
fail(struct whois_conn *c, const char *code, const char *what, const char *detail)
{
	c->code = code;
	buf_reset(&c->msg);
	buf_addf(&c->msg, "whois: %s: %s", what, detail);
	whois_close(c);
	c->state = WHOIS_DONE;
	return -1;
}

int
whois_start(struct whois_conn *c, const char *host, const char *port, const char *query, size_t max)
{
	c->fd = -1;
	c->state = WHOIS_CONNECTING;
	c->sent = 0;
	c->max = max;
	c->truncated = false;
	c->code = NULL;
	buf_reset(&c->in);
	buf_reset(&c->out);
	buf_reset(&c->msg);
	buf_adds(&c->out, query);
	struct addrinfo hints = {.ai_socktype = SOCK_STREAM, .ai_family = AF_UNSPEC};
	struct addrinfo *res = NULL;
	int rc = getaddrinfo(host, port, &hints, &res);
	if (rc != 0)
		return fail(c, "network", host, gai_strerror(rc));
	int err = 0;
	for (struct addrinfo *a = res; a; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			err = errno;
			continue;
		}
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0 || errno == EINPROGRESS) {
			c->fd = fd;
			break;
		}
		err = errno;
		close(fd);
	}
	freeaddrinfo(res);
	if (c->fd < 0)
		return fail(c, "network", host, strerror(err ? err : ECONNREFUSED));
	return 0;
}

short
whois_events(const struct whois_conn *c)
{
	return c->state == WHOIS_READING ? POLLIN : POLLOUT;
}

bool
whois_step(struct whois_conn *c)
{
	if (c->state == WHOIS_CONNECTING) {
		int err = 0;
		socklen_t len = sizeof err;
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
			err = errno;
		if (err == EINPROGRESS)
			return false;
		if (err) {
			fail(c, "network", "cannot connect", strerror(err));
			return true;
		}
		c->state = WHOIS_SENDING;
	}
	if (c->state == WHOIS_SENDING) {
		ssize_t w = send(c->fd, c->out.s + c->sent, c->out.len - c->sent, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EAGAIN || errno == EINTR)
				return false;
			fail(c, "network", "cannot send", strerror(errno));
			return true;
		}
		c->sent += (size_t)w;
		if (c->sent == c->out.len)
			c->state = WHOIS_READING;
		return false;
	}
	if (c->state == WHOIS_READING) {
		for (;;) {
			buf_grow(&c->in, 16384);
			size_t room = c->max - c->in.len;
			ssize_t r =
			    recv(c->fd, c->in.s + c->in.len, room < 16384 ? room : 16384, 0);
			if (r < 0) {
				if (errno == EAGAIN || errno == EINTR)
					return false;
				fail(c, "network", "cannot read", strerror(errno));
				return true;
			}
			c->in.len += (size_t)r;
			c->in.s[c->in.len] = '\0';
			if (r == 0 || c->in.len >= c->max) {
				c->truncated = r != 0;
				whois_close(c);
				c->state = WHOIS_DONE;
				return true;
			}
		}
	}
	return c->state == WHOIS_DONE;
}

void
whois_timeout(struct whois_conn *c)
{
	fail(c, "timeout", "no complete answer", "timed out");
}

void
whois_close(struct whois_conn *c)
{
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
}
