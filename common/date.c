/* SPDX-License-Identifier: ISC */
/* Date formatting and strict parsing, independent of the local time zone. */
#include <stdbool.h>
#include <string.h>

#include "date.h"

static const char *const wdays[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
				     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

int
date_style_parse(const char *name)
{
	if (!strcmp(name, "iso"))
		return DATE_ISO;
	if (!strcmp(name, "http"))
		return DATE_HTTP;
	return -1;
}

/* Howard Hinnant's days-from-civil, valid for the proleptic Gregorian calendar. */
int64_t
date_from_civil(int64_t y, int m, int d, int hh, int mm, int ss)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = era * 146097 + doe - 719468;
	return days * 86400 + hh * 3600 + mm * 60 + ss;
}

static void
civil_from_days(int64_t z, int64_t *y, int *m, int *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

void
date_format(struct buf *b, int64_t t, enum date_style style)
{
	/* floor division without overflow, for any t at all */
	int64_t days = t / 86400, secs = t % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	int64_t y;
	int m, d;
	civil_from_days(days, &y, &m, &d);
	int hh = (int)(secs / 3600), mi = (int)(secs / 60 % 60), ss = (int)(secs % 60);
	if (style == DATE_HTTP)
		buf_addf(b, "%s, %02d %s %04lld %02d:%02d:%02d GMT", wdays[((days % 7) + 7) % 7], d,
			 months[m - 1], (long long)y, hh, mi, ss);
	else
		buf_addf(b, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)y, m, d, hh, mi, ss);
}

/* Exactly k digits at s[*i]. */
static int
digits(const char *s, size_t n, size_t *i, int k, int *out)
{
	int v = 0;
	for (int j = 0; j < k; j++) {
		if (*i >= n || s[*i] < '0' || s[*i] > '9')
			return -1;
		v = v * 10 + (s[(*i)++] - '0');
	}
	*out = v;
	return 0;
}

static int
days_in_month(int y, int m)
{
	static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : dm[m - 1];
}

static int
check_fields(int y, int mo, int d, int hh, int mi, int ss)
{
	if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || hh > 23 || mi > 59 ||
	    ss > 60)
		return -1;
	return 0;
}

int
date_parse_iso(const char *s, size_t n, int64_t *t)
{
	size_t i = 0;
	int y, mo, d, hh, mi, ss;
	if (digits(s, n, &i, 4, &y) || i >= n || s[i++] != '-' || digits(s, n, &i, 2, &mo) ||
	    i >= n || s[i++] != '-' || digits(s, n, &i, 2, &d))
		return -1;
	if (i >= n || (s[i] != 'T' && s[i] != 't' && s[i] != ' '))
		return -1;
	i++;
	if (digits(s, n, &i, 2, &hh) || i >= n || s[i++] != ':' || digits(s, n, &i, 2, &mi) ||
	    i >= n || s[i++] != ':' || digits(s, n, &i, 2, &ss))
		return -1;
	if (i < n && s[i] == '.') {
		size_t start = ++i;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == start || i - start > 9)
			return -1;
	}
	int offset = 0;
	if (i < n && (s[i] == 'Z' || s[i] == 'z')) {
		i++;
	} else if (i < n && (s[i] == '+' || s[i] == '-')) {
		int sign = s[i++] == '-' ? -1 : 1, oh, om = 0;
		if (digits(s, n, &i, 2, &oh))
			return -1;
		if (i < n && s[i] == ':') {
			i++;
			if (digits(s, n, &i, 2, &om))
				return -1;
		} else if (i < n) {
			if (digits(s, n, &i, 2, &om))
				return -1;
		}
		if (oh > 23 || om > 59)
			return -1;
		offset = sign * (oh * 3600 + om * 60);
	}
	if (i != n || check_fields(y, mo, d, hh, mi, ss))
		return -1;
	*t = date_from_civil(y, mo, d, hh, mi, ss) - offset;
	return 0;
}

int
date_parse_http(const char *s, size_t n, int64_t *t)
{
	/* "Sat, 07 Nov 2020 17:19:49 GMT" */
	size_t i = 0;
	int d, y, hh, mi, ss, mo = -1;
	if (n < 29 || s[3] != ',' || s[4] != ' ')
		return -1;
	i = 5;
	if (digits(s, n, &i, 2, &d) || s[i++] != ' ')
		return -1;
	for (int k = 0; k < 12; k++)
		if (!memcmp(s + i, months[k], 3))
			mo = k + 1;
	if (mo < 0)
		return -1;
	i += 3;
	if (s[i++] != ' ' || digits(s, n, &i, 4, &y) || s[i++] != ' ' || digits(s, n, &i, 2, &hh) ||
	    s[i++] != ':' || digits(s, n, &i, 2, &mi) || s[i++] != ':' ||
	    digits(s, n, &i, 2, &ss) || i >= n || s[i++] != ' ')
		return -1;
	if (!(n - i == 3 && (!memcmp(s + i, "GMT", 3) || !memcmp(s + i, "UTC", 3))))
		return -1;
	if (check_fields(y, mo, d, hh, mi, ss))
		return -1;
	*t = date_from_civil(y, mo, d, hh, mi, ss);
	return 0;
}
