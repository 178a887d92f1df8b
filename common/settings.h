/* SPDX-License-Identifier: ISC */
/* The settings several commands share (the store, established_days, the alert thresholds),
 * so two commands of one pipeline cannot disagree: a settings file of "key = value" lines
 * ($DOMSTAT_CONFIG, else $XDG_CONFIG_HOME/domstat/config, else ~/.config/domstat/config), the
 * environment over it, and each command's options over both. Library code: errors come back
 * in why, nothing is printed. */
#ifndef SETTINGS_H
#define SETTINGS_H
#include <stddef.h>

#include "buf.h"

struct settings {
	char *db;		/* the store (key db, $DOMSTAT_DB); NULL: not set */
	long established_days;	/* key established_days, $DOMSTAT_ESTABLISHED_DAYS; -1: not set */
	double freq_avg_alert;	/* key freq_avg_alert, $DOMSTAT_FREQ_AVG_ALERT; NAN: not set */
	double freq_word_alert; /* key freq_word_alert, $DOMSTAT_FREQ_WORD_ALERT; NAN: not set */
	double ngram_alert;	/* key ngram_alert, $DOMSTAT_NGRAM_ALERT; NAN: not set */
	char *file;		/* the settings file that was read, or NULL */
};

/* Nothing set. */
void settings_init(struct settings *st);
/* Read the settings file (a missing file sets nothing, unless $DOMSTAT_CONFIG names it), then
 * the environment over it. 0, or -1 with why naming the file, line and problem. */
int settings_load(struct settings *st, struct buf *why);
/* Take the lines of text (len bytes, from file, for messages) over what st holds. 0 or -1. */
int settings_parse(struct settings *st, const char *text, size_t len, const char *file,
		   struct buf *why);
void settings_free(struct settings *st);

#endif
