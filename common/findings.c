/* SPDX-License-Identifier: ISC */
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
	va_list ap;
	va_start(ap, fmt);
	buf_vaddf(&f->msgs, fmt, ap);
	va_end(ap);
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
