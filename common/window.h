/* SPDX-License-Identifier: ISC */
/* The bounded in-order output window of a command that keeps records in flight (lookups
 * answered out of order): a ring of at most cap slots numbered by input position, whose
 * finished slots leave from the head in input order. A slot is whatever the command keeps
 * for one record (the record itself, or a pointer to its job); its memory is reused. */
#ifndef WINDOW_H
#define WINDOW_H
#include <stdbool.h>
#include <stddef.h>

struct window {
	char *slots;
	size_t size, cap;  /* bytes per slot, slots */
	size_t head, tail; /* slots head..tail-1 are in flight (absolute input positions) */
};

/* cap slots of size bytes each, zeroed. */
void window_init(struct window *w, size_t cap, size_t size);
void window_free(struct window *w);
size_t window_count(const struct window *w); /* slots in flight */
bool window_full(const struct window *w);
bool window_empty(const struct window *w);
/* The slot of input position no. Positions repeat every cap, so window_at(w, i) for i below
 * cap also visits every slot once (to set them up or free them). */
void *window_at(const struct window *w, size_t no);
/* The slot window_push will take next (to read a record into before it counts). */
void *window_next(const struct window *w);
/* Take the next slot (the window must not be full): its input position. */
size_t window_push(struct window *w);
/* Hand the finished slots at the head to emit, in input order, for as long as ready says the
 * head slot is finished; each then leaves the window. Returns how many left. */
size_t window_drain(struct window *w, bool (*ready)(void *arg, void *slot),
		    void (*emit)(void *arg, void *slot), void *arg);

#endif
