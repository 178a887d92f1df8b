/* Findings of the record parsers: a bounded list of (code, severity, message). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "findings.h"
#include "xalloc.h"

void
findings_init(struct findings *f)
{
	memset(f, 0, sizeof *f);
}

void
findings_reset(struct findings *f)
{
	f->n = 0;
	f->dropped = f->dropped_errors = 0;
	buf_reset(&f->msgs);
}

void
findings_free(struct findings *f)
{
	free(f->v);
	buf_free(&f->msgs);
	memset(f, 0, sizeof *f);
}

static void
add_unsigned(struct buf *b, unsigned long long u, bool minus)
{
	char d[24], *e = d + sizeof d, *p = e;
	do
		*--p = (char)('0' + u % 10);
	while (u /= 10);
	if (minus)
		*--p = '-';
	buf_add(b, p, (size_t)(e - p));
}

static void
add_signed(struct buf *b, long long v)
{
	add_unsigned(b, v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v, v < 0);
}

/* What vsnprintf writes for fmt, for the conversions the checks' messages use (%s, %.*s, %d,
 * %u, %ld, %lld, %zu and %%), without its cost. False, with nothing added, at any other
 * conversion or a NULL string (glibc's "(null)"): the caller formats those with vsnprintf. */
static bool
format_simple(struct buf *b, const char *fmt, va_list ap)
{
	size_t start = b->len;
	for (;;) {
		const char *pct = strchr(fmt, '%');
		if (!pct) {
			buf_adds(b, fmt);
			return true;
		}
		buf_add(b, fmt, (size_t)(pct - fmt));
		fmt = pct + 1;
		if (fmt[0] == 's' || (fmt[0] == '.' && fmt[1] == '*' && fmt[2] == 's')) {
			int prec = -1;
			if (fmt[0] == '.') {
				prec = va_arg(ap, int);
				fmt += 2;
			}
			const char *str = va_arg(ap, const char *);
			if (!str)
				break;
			/* a negative precision is taken as if it were missing */
			buf_add(b, str, prec < 0 ? strlen(str) : strnlen(str, (size_t)prec));
			fmt++;
		} else if (fmt[0] == 'd') {
			add_signed(b, va_arg(ap, int));
			fmt++;
		} else if (fmt[0] == 'u') {
			add_unsigned(b, va_arg(ap, unsigned), false);
			fmt++;
		} else if (fmt[0] == 'l' && fmt[1] == 'd') {
			add_signed(b, va_arg(ap, long));
			fmt += 2;
		} else if (fmt[0] == 'l' && fmt[1] == 'l' && fmt[2] == 'd') {
			add_signed(b, va_arg(ap, long long));
			fmt += 3;
		} else if (fmt[0] == 'z' && fmt[1] == 'u') {
			add_unsigned(b, va_arg(ap, size_t), false);
			fmt += 2;
		} else if (fmt[0] == '%') {
			buf_addc(b, '%');
			fmt++;
		} else {
			break;
		}
	}
	buf_truncate(b, start);
	return false;
}

void
findings_add(struct findings *f, const char *code, enum finding_sev sev, const char *fmt, ...)
{
	if (f->n >= FINDINGS_MAX) {
		f->dropped++;
		f->dropped_errors += sev == SEV_ERROR;
		return;
	}
	f->v = xgrow(f->v, &f->cap, f->n + 1, sizeof *f->v);
	struct finding *x = &f->v[f->n++];
	x->code = code;
	x->sev = sev;
	x->msg = f->msgs.len;
	if (!strchr(fmt, '%')) { /* many messages name nothing: no printf for them */
		buf_add(&f->msgs, fmt, strlen(fmt) + 1);
		return;
	}
	va_list ap;
	va_start(ap, fmt);
	bool done = format_simple(&f->msgs, fmt, ap);
	va_end(ap);
	if (!done) {
		va_start(ap, fmt);
		buf_vaddf(&f->msgs, fmt, ap);
		va_end(ap);
	}
	buf_add(&f->msgs, "", 1);
}

const char *
findings_msg(const struct findings *f, size_t i)
{
	return f->msgs.s + f->v[i].msg;
}

bool
findings_has(const struct findings *f, const char *code)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i].code, code))
			return true;
	return false;
}

size_t
findings_count(const struct findings *f, enum finding_sev sev)
{
	size_t c = 0;
	for (size_t i = 0; i < f->n; i++)
		c += f->v[i].sev == sev;
	return c;
}

const char *
finding_sev_name(enum finding_sev sev)
{
	return sev == SEV_ERROR ? "error" : sev == SEV_WARNING ? "warning" : "notice";
}
