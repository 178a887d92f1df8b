/* SPDX-License-Identifier: ISC */
/* The bounded in-order output window (window.h). */
#include <stdlib.h>

#include "window.h"
#include "xalloc.h"

void
window_init(struct window *w, size_t cap, size_t size)
{
	w->slots = xcalloc(cap, size);
	w->size = size;
	w->cap = cap;
	w->head = w->tail = 0;
}

void
window_free(struct window *w)
{
	free(w->slots);
	w->slots = NULL;
	w->cap = w->head = w->tail = 0;
}

size_t
window_count(const struct window *w)
{
	return w->tail - w->head;
}

bool
window_full(const struct window *w)
{
	return w->tail - w->head >= w->cap;
}

bool
window_empty(const struct window *w)
{
	return w->tail == w->head;
}

void *
window_at(const struct window *w, size_t no)
{
	return w->slots + (no % w->cap) * w->size;
}

void *
window_next(const struct window *w)
{
	return window_at(w, w->tail);
}

size_t
window_push(struct window *w)
{
	return w->tail++;
}

size_t
window_drain(struct window *w, bool (*ready)(void *arg, void *slot),
	     void (*emit)(void *arg, void *slot), void *arg)
{
	size_t n = 0;
	while (w->head < w->tail) {
		void *slot = window_at(w, w->head);
		if (!ready(arg, slot))
			break;
		/* leaves first, so emit may look at the window as it will be */
		w->head++;
		emit(arg, slot);
		n++;
	}
	return n;
}
