/* SPDX-License-Identifier: ISC */
/* The HTML format: one self-contained file (inline CSS, SVG charts drawn here, no scripts or
 * fonts to fetch), well-formed as XML too so any parser can check it. */
#include <math.h>
#include <string.h>

#include "stats.h"
#include "utf8.h"

static void
esc(struct buf *b, const char *s)
{
	struct buf fixed = BUF_INIT;
	if (!utf8_valid(s, strlen(s))) { /* the output must stay well-formed */
		buf_add_utf8_repaired(&fixed, s, strlen(s));
		s = fixed.s;
	}
	for (; *s; s++) {
		switch (*s) {
		case '&':
			buf_adds(b, "&amp;");
			break;
		case '<':
			buf_adds(b, "&lt;");
			break;
		case '>':
			buf_adds(b, "&gt;");
			break;
		case '"':
			buf_adds(b, "&quot;");
			break;
		case '\'':
			buf_adds(b, "&#39;");
			break;
		default:
			/* control characters are not allowed in XML 1.0 */
			if ((unsigned char)*s < 0x20 && *s != '\t' && *s != '\n')
				buf_addc(b, ' ');
			else
				buf_addc(b, *s);
		}
	}
	buf_free(&fixed);
}

/* An id from a key: letters, digits and '-' only. */
static void
ident(struct buf *b, const char *s)
{
	for (; *s; s++)
		buf_addc(b, ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			     (*s >= '0' && *s <= '9'))
				? *s
				: '-');
}

/* DNStats' generated colours (spec 5.1): the index's three digits give hue, saturation and
 * value. */
static void
color(struct buf *b, int i)
{
	i %= 1000;
	double h = (i % 10) / 10.0, s = (10 - (i / 10) % 10) / 10.0, v = (10 - i / 100) / 10.0;
	int hi = (int)(h * 6) % 6;
	double f = h * 6 - floor(h * 6), p = v * (1 - s), q = v * (1 - f * s),
	       t = v * (1 - (1 - f) * s);
	double rgb[6][3] = {{v, t, p}, {q, v, p}, {p, v, t}, {p, q, v}, {t, p, v}, {v, p, q}};
	buf_addf(b, "#%02x%02x%02x", (int)(rgb[hi][0] * 255 + 0.5), (int)(rgb[hi][1] * 255 + 0.5),
		 (int)(rgb[hi][2] * 255 + 0.5));
}

static void
item_color(struct buf *b, const struct figure *f, size_t i)
{
	if (f->kind == FK_ADOPTION)
		buf_adds(b, i == 0 ? "#72e572" : "#ff8080");
	else
		color(b, (int)i * 3);
}

static void
svg_open(struct buf *b, const struct figure *f, const char *cls, int w, int h)
{
	buf_addf(b,
		 "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart %s\" data-figure=\"%s\" "
		 "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\"><title>",
		 cls, f->key, w, h, w, h);
	esc(b, f->title);
	buf_adds(b, "</title>");
}

static void
pie(struct buf *b, const struct figure *f)
{
	const double cx = 90, cy = 90, r = 80;
	svg_open(b, f, "pie", 180, 180);
	long long total = 0;
	for (size_t i = 0; i < f->nitems; i++)
		total += f->items[i].count;
	if (total <= 0) {
		buf_addf(b,
			 "<circle cx=\"%g\" cy=\"%g\" r=\"%g\" fill=\"#dddddd\"/>"
			 "<text x=\"%g\" y=\"%g\" text-anchor=\"middle\">no data</text></svg>",
			 cx, cy, r, cx, cy);
		return;
	}
	double a = -M_PI / 2;
	for (size_t i = 0; i < f->nitems; i++) {
		long long c = f->items[i].count;
		if (c <= 0)
			continue;
		double frac = (double)c / (double)total;
		buf_adds(b, c == total ? "<circle" : "<path");
		buf_adds(b, " fill=\"");
		item_color(b, f, i);
		buf_adds(b, "\" stroke=\"#ffffff\" stroke-width=\"1\"");
		if (c == total) {
			buf_addf(b, " cx=\"%g\" cy=\"%g\" r=\"%g\"", cx, cy, r);
		} else {
			double e = a + frac * 2 * M_PI;
			buf_addf(b, " d=\"M%.2f %.2fL%.2f %.2fA%g %g 0 %d 1 %.2f %.2fZ\"", cx, cy,
				 cx + r * cos(a), cy + r * sin(a), r, r, frac > 0.5,
				 cx + r * cos(e), cy + r * sin(e));
			a = e;
		}
		buf_adds(b, "><title>");
		esc(b, f->items[i].label);
		buf_addf(b, ": %lld</title></%s>", c, c == total ? "circle" : "path");
	}
	buf_adds(b, "</svg>");
}

static void
bars(struct buf *b, const struct figure *f)
{
	const int row = 22, w = 330, lw = 130, bw = 150;
	int h = (int)f->nitems * row + 8;
	svg_open(b, f, "bars", w, h);
	for (size_t i = 0; i < f->nitems; i++) {
		const struct item *it = &f->items[i];
		double p = pct(it->count, f->denom);
		int y = 4 + (int)i * row;
		char label[40];
		size_t n = strlen(it->label);
		snprintf(label, sizeof label, "%.*s%s", n > 22 ? 21 : (int)n, it->label,
			 n > 22 ? "\xe2\x80\xa6" : "");
		/* do not cut a UTF-8 sequence in two */
		if (n > 22) {
			size_t k = 21;
			while (k > 0 && ((unsigned char)it->label[k] & 0xC0) == 0x80)
				k--;
			snprintf(label, sizeof label, "%.*s\xe2\x80\xa6", (int)k, it->label);
		}
		buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">", lw - 6, y + 15);
		esc(b, label);
		buf_addf(b, "</text><rect x=\"%d\" y=\"%d\" width=\"%.2f\" height=\"%d\" fill=\"",
			 lw, y + 3, bw * p / 100.0, row - 6);
		item_color(b, f, f->kind == FK_TOP ? i : i + 1);
		buf_adds(b, "\"><title>");
		esc(b, it->label);
		buf_addf(b, ": %lld</title></rect><text x=\"%.2f\" y=\"%d\">%.1f%%</text>",
			 it->count, lw + bw * p / 100.0 + 4, y + 15, p);
	}
	buf_adds(b, "</svg>");
}

static void
histogram(struct buf *b, const struct figure *f)
{
	const int w = 330, h = 200, ml = 44, mb = 30, mt = 10, pw = w - ml - 10, ph = h - mb - mt;
	svg_open(b, f, "histogram", w, h);
	long long max = 0;
	for (size_t i = 0; i < f->nitems; i++)
		if (f->items[i].count > max)
			max = f->items[i].count;
	buf_addf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>", ml,
		 mt + ph, ml + pw, mt + ph);
	buf_addf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>", ml, mt,
		 ml, mt + ph);
	buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%lld</text>", ml - 4, mt + 10,
		 max);
	buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>", ml - 4, mt + ph);
	double cw = (double)pw / (f->nitems ? (double)f->nitems : 1);
	for (size_t i = 0; i < f->nitems; i++) {
		const struct item *it = &f->items[i];
		double bh = max ? (double)ph * (double)it->count / (double)max : 0;
		double x = ml + cw * (double)i;
		buf_addf(b,
			 "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
			 "fill=\"#69b3a2\"><title>",
			 x + 2, mt + ph - bh, cw - 4, bh);
		esc(b, it->label);
		buf_addf(b, ": %lld</title></rect>", it->count);
		buf_addf(b, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"middle\">", x + cw / 2,
			 mt + ph + 16);
		esc(b, it->key); /* the bin's start: full labels do not fit */
		buf_adds(b, "</text>");
	}
	buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">grade</text>", ml + pw / 2,
		 h - 2);
	buf_adds(b, "</svg>");
}

static void
trend(struct buf *b, const struct figure *f)
{
	const int w = 330, h = 180, ml = 44, mr = 16, mt = 14, mb = 34, pw = w - ml - mr,
		  ph = h - mt - mb;
	buf_addf(b,
		 "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart trend\" "
		 "data-figure=\"%s\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		 "role=\"img\"><title>",
		 f->key, w, h, w, h);
	esc(b, f->title);
	buf_adds(b, " over time</title>");
	double lo = 100, hi = 0;
	for (size_t i = 0; i < f->ntrend; i++) {
		lo = fmin(lo, f->trend[i].pct);
		hi = fmax(hi, f->trend[i].pct);
	}
	lo = fmax(0, floor(lo - 1));
	hi = fmin(100, ceil(hi + 1));
	if (hi <= lo)
		hi = lo + 1;
	buf_addf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>", ml,
		 mt + ph, ml + pw, mt + ph);
	buf_addf(b, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333333\"/>", ml, mt,
		 ml, mt + ph);
	buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f%%</text>", ml - 4, mt + 8,
		 hi);
	buf_addf(b, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.0f%%</text>", ml - 4, mt + ph,
		 lo);
	buf_adds(b, "<polyline fill=\"none\" stroke=\"#3366cc\" stroke-width=\"2\" points=\"");
	double step = f->ntrend > 1 ? (double)pw / (double)(f->ntrend - 1) : 0;
	for (size_t i = 0; i < f->ntrend; i++)
		buf_addf(b, "%s%.2f,%.2f", i ? " " : "",
			 ml + (f->ntrend > 1 ? step * (double)i : pw / 2.0),
			 mt + ph - ph * (f->trend[i].pct - lo) / (hi - lo));
	buf_adds(b, "\"/>");
	for (size_t i = 0; i < f->ntrend; i++) {
		double x = ml + (f->ntrend > 1 ? step * (double)i : pw / 2.0);
		buf_addf(b, "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"3\" fill=\"#3366cc\"><title>", x,
			 mt + ph - ph * (f->trend[i].pct - lo) / (hi - lo));
		esc(b, f->trend[i].date);
		buf_addf(b, " (run %lld): %.2f%%</title></circle>", f->trend[i].run_id,
			 f->trend[i].pct);
		if (i == 0 || i + 1 == f->ntrend) {
			buf_addf(b, "<text x=\"%.2f\" y=\"%d\" text-anchor=\"%s\">", x, h - 14,
				 i == 0 ? "start" : "end");
			esc(b, f->trend[i].date);
			buf_adds(b, "</text>");
		}
	}
	buf_adds(b, "</svg>");
}

static void
delta_cell(struct buf *b, bool has, double d)
{
	d = delta_shown(d);
	if (has)
		buf_addf(b, "<td class=\"%s\">%+.1f</td>",
			 d > 0	 ? "up"
			 : d < 0 ? "down"
				 : "same",
			 d);
	else
		buf_adds(b, "<td></td>");
}

static void
figure_html(struct buf *b, const struct figure *f, bool changes)
{
	buf_adds(b, "<figure id=\"fig-");
	ident(b, f->key);
	buf_adds(b, "\"><figcaption>");
	esc(b, f->title);
	if (f->kind == FK_ADOPTION && f->nitems)
		buf_addf(b, " <strong>%.1f%%</strong>", pct(f->items[0].count, f->denom));
	buf_addf(b, "<br/><small>of %lld ", f->denom);
	esc(b, f->denom_of);
	if (f->has_mean)
		buf_addf(b, "; mean %.1f", f->mean);
	if (f->has_mean_delta)
		buf_addf(b, " (%+.1f)", delta_shown(f->mean_delta));
	buf_adds(b, "</small></figcaption>");
	switch (f->kind) {
	case FK_ADOPTION:
	case FK_DIST:
		pie(b, f);
		break;
	case FK_TOP:
	case FK_COUNTS:
		bars(b, f);
		break;
	case FK_HIST:
		histogram(b, f);
		break;
	}
	buf_addf(b,
		 "<table><thead><tr><th></th><th>value</th><th>count</th><th>%%</th>%s</tr>"
		 "</thead><tbody>",
		 changes ? "<th>change</th>" : "");
	for (size_t i = 0; i < f->nitems; i++) {
		const struct item *it = &f->items[i];
		buf_adds(b, "<tr><td>");
		if (f->kind == FK_ADOPTION || f->kind == FK_DIST) {
			buf_adds(b, "<span class=\"sw\" style=\"background:");
			item_color(b, f, i);
			buf_adds(b, "\"></span>");
		}
		buf_adds(b, "</td><td>");
		esc(b, it->label);
		buf_addf(b, "</td><td>%lld</td><td>%.1f</td>", it->count, pct(it->count, f->denom));
		if (changes)
			delta_cell(b, it->has_delta, it->delta);
		buf_adds(b, "</tr>");
	}
	buf_adds(b, "</tbody></table></figure>\n");
}

static const char css[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;"
    "margin:0 auto;max-width:1180px;padding:1em;color:#222222;background:#ffffff}"
    "h1{font-size:1.6em}h2{border-bottom:2px solid #3366cc;padding-bottom:.2em}"
    "nav a{margin-right:1em}"
    ".grid{display:flex;flex-wrap:wrap;gap:1em}"
    "figure{margin:0;padding:.8em;border:1px solid #dddddd;border-radius:6px;width:340px}"
    "figcaption{font-weight:600;margin-bottom:.5em}figcaption small{font-weight:400;"
    "color:#555555}"
    "svg text{font-size:11px;fill:#333333}"
    "table{border-collapse:collapse;font-size:.85em;margin-top:.5em}"
    "td,th{padding:.15em .5em;text-align:right}td:nth-child(2),th:nth-child(2){text-align:left}"
    ".sw{display:inline-block;width:.8em;height:.8em;border-radius:2px}"
    ".up{color:#1a7f37}.down{color:#c0392b}"
    "table.rank td:first-child{text-align:left}"
    "footer{margin-top:2em;color:#777777;font-size:.8em}";

void
render_html(const struct report *r, struct buf *b)
{
	bool changes = r->prev_run != 0;
	buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
		    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>"
		    "<title>");
	buf_adds(b, r->store ? "Store report, " : "Domain report, ");
	esc(b, r->date);
	buf_addf(b, "</title><style>%s</style></head>\n<body><header><h1>%s report, ", css,
		 r->store ? "Store" : "Domain");
	esc(b, r->date);
	buf_adds(b, "</h1>");
	if (r->store) {
		buf_addf(b, "<p><strong>%lld</strong> domain%s seen in ", r->records,
			 plural(r->records));
		esc(b, r->store);
		buf_adds(b, ".</p>");
	} else {
		buf_addf(b,
			 "<p><strong>%lld</strong> graded domain%s from %lld record%s read; "
			 "%lld record%s skipped",
			 r->records, plural(r->records), r->lines, plural(r->lines), r->skipped,
			 plural(r->skipped));
		for (size_t i = 0; i < r->nskip; i++) {
			buf_adds(b, i ? ", " : " (");
			esc(b, r->skip[i].key);
			buf_addf(b, " %lld", r->skip[i].count);
		}
		buf_adds(b, r->nskip ? ").</p>" : ".</p>");
		/* the figures leave these out: said at the top, as in the text format */
		const struct figure *st = report_find(r->figs, r->nfigs, "scan_status");
		const struct item *nx = st ? fig_find(st, "nxdomain") : NULL,
				  *pa = st ? fig_find(st, "partial") : NULL,
				  *fa = st ? fig_find(st, "failed") : NULL;
		if (nx && pa && fa)
			buf_addf(b,
				 "<p><strong>%lld</strong> do not exist and <strong>%lld</strong> "
				 "could not be scanned (%lld more partly): each figure is of the "
				 "domains that exist and were scanned for its part.</p>",
				 nx->count, fa->count, pa->count);
	}
	if (r->run_id) {
		buf_addf(b, "<p>Run %lld", r->run_id);
		if (r->prev_run) {
			buf_addf(b, "; changes in percentage points against run %lld (",
				 r->prev_run);
			esc(b, r->prev_date ? r->prev_date : "");
			buf_adds(b, ")");
		}
		buf_adds(b, ".</p>");
	}
	buf_adds(b, "<nav>");
	const char *section = "";
	for (size_t i = 0; i < r->nfigs; i++)
		if (strcmp(section, r->figs[i].section)) {
			section = r->figs[i].section;
			buf_adds(b, "<a href=\"#s-");
			ident(b, section);
			buf_adds(b, "\">");
			esc(b, section);
			buf_adds(b, "</a>");
		}
	bool trends = false;
	for (size_t i = 0; i < r->nfigs; i++)
		trends |= r->figs[i].ntrend > 0;
	if (trends)
		buf_adds(b, "<a href=\"#s-trends\">Trends</a>");
	if (r->ntiers)
		buf_adds(b, "<a href=\"#s-rank\">By rank</a>");
	buf_adds(b, "</nav></header>\n");
	section = "";
	for (size_t i = 0; i < r->nfigs; i++) {
		const struct figure *f = &r->figs[i];
		if (strcmp(section, f->section)) {
			if (*section)
				buf_adds(b, "</div></section>\n");
			section = f->section;
			buf_adds(b, "<section id=\"s-");
			ident(b, section);
			buf_adds(b, "\"><h2>");
			esc(b, section);
			buf_adds(b, "</h2><div class=\"grid\">\n");
		}
		figure_html(b, f, changes);
	}
	if (*section)
		buf_adds(b, "</div></section>\n");
	if (trends) {
		buf_adds(b, "<section id=\"s-trends\"><h2>Trends</h2><div class=\"grid\">\n");
		for (size_t i = 0; i < r->nfigs; i++) {
			const struct figure *f = &r->figs[i];
			if (!f->ntrend)
				continue;
			buf_adds(b, "<figure id=\"trend-");
			ident(b, f->key);
			buf_adds(b, "\"><figcaption>");
			esc(b, f->title);
			buf_addf(b,
				 "<br/><small>percentage of graded domains, %zu runs</small>"
				 "</figcaption>",
				 f->ntrend);
			trend(b, f);
			buf_adds(b, "</figure>\n");
		}
		buf_adds(b, "</div></section>\n");
	}
	if (r->ntiers) {
		const struct tier *all = &r->tiers[r->ntiers - 1];
		buf_adds(b, "<section id=\"s-rank\"><h2>By rank</h2><table class=\"rank\"><thead>"
			    "<tr><th>figure</th>");
		for (size_t t = 0; t < r->ntiers; t++) {
			buf_adds(b, "<th>");
			esc(b, r->tiers[t].key);
			buf_adds(b, "</th>");
		}
		buf_adds(b, "</tr></thead><tbody><tr><td>domains</td>");
		for (size_t t = 0; t < r->ntiers; t++)
			buf_addf(b, "<td>%lld</td>", r->tiers[t].domains);
		buf_adds(b, "</tr>");
		for (size_t i = 0; i < all->nfigs; i++) {
			const struct figure *f = &all->figs[i];
			buf_adds(b, "<tr><td>");
			esc(b, f->title);
			buf_adds(b, "</td>");
			for (size_t t = 0; t < r->ntiers; t++) {
				const struct figure *g =
				    report_find(r->tiers[t].figs, r->tiers[t].nfigs, f->key);
				if (g && g->kind == FK_HIST && g->has_mean)
					buf_addf(b, "<td>mean %.1f</td>", g->mean);
				else if (g && g->kind == FK_ADOPTION && g->denom)
					buf_addf(b, "<td>%.1f%%</td>",
						 pct(g->items[0].count, g->denom));
				else
					buf_adds(b, "<td>-</td>");
			}
			buf_adds(b, "</tr>");
		}
		buf_adds(b, "</tbody></table></section>\n");
	}
	buf_addf(b,
		 "<footer>Written by stats-report (%s %s). Every percentage is of the "
		 "denominator shown with its figure.</footer>\n</body></html>\n",
		 PROJECT, VERSION);
}
