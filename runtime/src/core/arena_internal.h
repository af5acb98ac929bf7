/* The arena's chunk layout, for the inline fast path the decoder uses to place strings: the
 * common case (room left in the current chunk) without a function call. */
#ifndef EVENTC_ARENA_INTERNAL_H
#define EVENTC_ARENA_INTERNAL_H

#include "eventc/arena.h"

#include <stdalign.h>
#include <stddef.h>

#define ARENA_ALIGN ((size_t)alignof(max_align_t))

struct eventc_arena_chunk {
    eventc_arena_chunk *next;
    /** Usable bytes after the header. */
    size_t size;
    /** Set for a chunk holding one oversized block: never carved from, never kept by reset. */
    bool dedicated;
};

/* The header is padded so the data that follows a malloc'ed chunk is already max-aligned. */
#define CHUNK_HEADER ((sizeof(eventc_arena_chunk) + ARENA_ALIGN - 1) / ARENA_ALIGN * ARENA_ALIGN)

/* @p n bytes with no alignment (for strings), or NULL when the current chunk has no room left:
 * then call eventc_arena_alloc or eventc_arena_strndup, which also handle that case. */
static inline char *arena_take_bytes(eventc_arena *a, size_t n)
{
    unsigned char *base;
    size_t cap;
    if (a->current == NULL) {
        base = a->inline_buf.bytes;
        cap = sizeof a->inline_buf.bytes;
    } else {
        base = (unsigned char *)a->current + CHUNK_HEADER;
        cap = a->current->size;
    }
    if (n == 0 || cap - a->pos < n || a->pos > cap)
        return NULL;
    char *p = (char *)base + a->pos;
    a->pos += n;
    a->used += n;
    return p;
}

#endif
