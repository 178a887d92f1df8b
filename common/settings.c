/* SPDX-License-Identifier: ISC */
/* The shared settings file and its environment variables (settings.h): one table of keys, read
 * by one parser, so the file, the environment and domstat(7) name the same settings. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "settings.h"
#include "xalloc.h"

/* The largest settings file read: a few lines are expected. */
#define SETTINGS_MAX_BYTES (64 * 1024)

enum kind { K_PATH, K_DAYS, K_SCORE };

static const struct key {
	const char *name, *env;
	enum kind kind;
	size_t off;
} keys[] = {
    {"db", "DOMSTAT_DB", K_PATH, offsetof(struct settings, db)},
    {"established_days", "DOMSTAT_ESTABLISHED_DAYS", K_DAYS,
     offsetof(struct settings, established_days)},
    {"freq_avg_alert", "DOMSTAT_FREQ_AVG_ALERT", K_SCORE,
     offsetof(struct settings, freq_avg_alert)},
    {"freq_word_alert", "DOMSTAT_FREQ_WORD_ALERT", K_SCORE,
     offsetof(struct settings, freq_word_alert)},
    {"ngram_alert", "DOMSTAT_NGRAM_ALERT", K_SCORE, offsetof(struct settings, ngram_alert)},
};

void
settings_init(struct settings *st)
{
	*st = (struct settings){.established_days = -1,
				.freq_avg_alert = NAN,
				.freq_word_alert = NAN,
				.ngram_alert = NAN};
}

void
settings_free(struct settings *st)
{
	free(st->db);
	free(st->file);
	settings_init(st);
}

/* Store value (a NUL-terminated string) into key k: 0, or -1 with a reason in why. from_file:
 * a path is expanded from "~/" and must then be absolute (the file is read from anywhere). */
static int
set_value(struct settings *st, const struct key *k, const char *value, bool from_file,
	  struct buf *why)
{
	void *field = (char *)st + k->off;
	char *end;
	errno = 0;
	switch (k->kind) {
	case K_PATH: {
		struct buf p = BUF_INIT;
		const char *home = getenv("HOME");
		if (from_file && value[0] == '~' && value[1] == '/' && home && *home)
			buf_addf(&p, "%s%s", home, value + 1);
		else
			buf_adds(&p, value);
		if (!p.len || (from_file && p.s[0] != '/')) {
			buf_free(&p);
			buf_addf(why, "invalid value for %s: '%s' (an absolute path or ~/...)",
				 k->name, value);
			return -1;
		}
		free(*(char **)field);
		*(char **)field = p.s;
		return 0;
	}
	case K_DAYS: {
		long v = strtol(value, &end, 10);
		if (end == value || *end || errno || v < 0 || v > 100000) {
			buf_addf(why, "invalid value for %s: '%s' (days, 0 to 100000)", k->name,
				 value);
			return -1;
		}
		*(long *)field = v;
		return 0;
	}
	case K_SCORE: {
		double v = strtod(value, &end);
		if (end == value || *end || errno || !isfinite(v) || v < -1e9 || v > 1e9) {
			buf_addf(why, "invalid value for %s: '%s' (a number)", k->name, value);
			return -1;
		}
		*(double *)field = v;
		return 0;
	}
	}
	return -1;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

int
settings_parse(struct settings *st, const char *text, size_t len, const char *file, struct buf *why)
{
	struct buf line = BUF_INIT;
	unsigned long lineno = 0;
	int ret = 0;
	for (size_t pos = 0; pos < len && ret == 0;) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;
		const char *s = text + pos, *e = s + n;
		pos += n + 1;
		lineno++;
		while (s < e && is_space(*s))
			s++;
		while (e > s && is_space(e[-1]))
			e--;
		if (s == e || *s == '#')
			continue;
		buf_reset(&line);
		buf_add(&line, s, (size_t)(e - s));
		buf_reset(why);
		buf_addf(why, "%s line %lu: ", file, lineno);
		if (memchr(line.s, '\0', line.len)) {
			buf_adds(why, "a NUL byte");
			ret = -1;
			break;
		}
		char *eq = strchr(line.s, '=');
		if (!eq) {
			buf_adds(why, "not 'key = value'");
			ret = -1;
			break;
		}
		char *ke = eq, *v = eq + 1;
		while (ke > line.s && is_space(ke[-1]))
			ke--;
		*ke = '\0';
		while (is_space(*v))
			v++;
		const struct key *k = NULL;
		for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
			if (!strcmp(line.s, keys[i].name))
				k = &keys[i];
		if (!k) {
			buf_addf(why, "unknown setting '%s'", line.s);
			ret = -1;
		} else {
			ret = set_value(st, k, v, true, why);
		}
	}
	if (ret == 0)
		buf_reset(why);
	buf_free(&line);
	return ret;
}

/* The settings file's path, malloc'd; *named when $DOMSTAT_CONFIG gave it (it must exist). */
static char *
settings_path(bool *named)
{
	const char *env = getenv("DOMSTAT_CONFIG");
	*named = env && *env;
	if (*named)
		return xstrdup(env);
	struct buf p = BUF_INIT;
	const char *cfg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	if (cfg && cfg[0] == '/')
		buf_addf(&p, "%s/domstat/config", cfg);
	else if (home && *home)
		buf_addf(&p, "%s/.config/domstat/config", home);
	return p.s;
}

static int
read_settings_file(struct settings *st, struct buf *why)
{
	bool named;
	char *path = settings_path(&named);
	if (!path)
		return 0;
	FILE *f = fopen(path, "r");
	if (!f) {
		int e = errno;
		if (e == ENOENT && !named) {
			free(path);
			return 0;
		}
		buf_reset(why);
		buf_addf(why, "cannot read settings '%s': %s", path, strerror(e));
		free(path);
		return -1;
	}
	struct buf text = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && text.len <= SETTINGS_MAX_BYTES)
		buf_add(&text, chunk, n);
	int ret = 0;
	buf_reset(why);
	if (ferror(f)) {
		buf_addf(why, "cannot read settings '%s': %s", path, strerror(errno));
		ret = -1;
	} else if (text.len > SETTINGS_MAX_BYTES) {
		buf_addf(why, "cannot read settings '%s': larger than %d bytes", path,
			 SETTINGS_MAX_BYTES);
		ret = -1;
	} else {
		ret = settings_parse(st, text.len ? text.s : "", text.len, path, why);
	}
	fclose(f);
	buf_free(&text);
	if (ret == 0)
		st->file = path;
	else
		free(path);
	return ret;
}

int
settings_load(struct settings *st, struct buf *why)
{
	if (read_settings_file(st, why) < 0)
		return -1;
	for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
		const char *env = getenv(keys[i].env);
		if (!env || !*env)
			continue;
		buf_reset(why);
		buf_addf(why, "$%s: ", keys[i].env);
		if (set_value(st, &keys[i], env, false, why) < 0)
			return -1;
	}
	buf_reset(why);
	return 0;
}
