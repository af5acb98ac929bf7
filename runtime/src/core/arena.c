/* Chunked bump allocator. */
#include "core/arena_internal.h"

#include <string.h>

static unsigned char *chunk_data(eventc_arena_chunk *c)
{
    return (unsigned char *)c + CHUNK_HEADER;
}

static void chunk_release(eventc_arena *a, eventc_arena_chunk *c)
{
    eventc_free(a->alloc, c, CHUNK_HEADER + c->size);
}

static eventc_arena_chunk *chunk_new(eventc_arena *a, size_t size, bool dedicated)
{
    eventc_arena_chunk *c;

    if (size > SIZE_MAX - CHUNK_HEADER) {
        return NULL;
    }
    c = eventc_alloc(a->alloc, CHUNK_HEADER + size);
    if (c == NULL) {
        return NULL;
    }
    c->next = NULL;
    c->size = size;
    c->dedicated = dedicated;
    return c;
}

void eventc_arena_init(eventc_arena *a, const eventc_allocator *alloc)
{
    memset(a, 0, sizeof *a);
    a->alloc = alloc;
}

/* Padding that brings address p up to a multiple of align (a power of two). Computed on the
 * address rather than the offset so the inline buffer needs no particular alignment. */
static size_t pad_for(const unsigned char *p, size_t align)
{
    return (size_t)(-(uintptr_t)p) & (align - 1);
}

static void *arena_alloc(eventc_arena *a, size_t size, size_t align)
{
    unsigned char *base;
    size_t cap;
    size_t pad;
    size_t chunk_size;
    eventc_arena_chunk *c;

    if (size == 0) {
        size = 1;
    }
    if (a->current == NULL) {
        base = a->inline_buf.bytes;
        cap = sizeof a->inline_buf.bytes;
    } else {
        base = chunk_data(a->current);
        cap = a->current->size;
    }
    pad = pad_for(base + a->pos, align);
    if (a->pos <= cap && pad <= cap - a->pos && size <= cap - a->pos - pad) {
        void *p = base + a->pos + pad;
        a->pos += pad + size;
        a->used += pad + size;
        return p;
    }

    if (size > EVENTC_ARENA_MAX_CHUNK / 4) {
        /* Oversized: a chunk of its own, linked behind the current one so the space left in
         * the current chunk stays available for the small blocks that follow. */
        c = chunk_new(a, size, true);
        if (c == NULL) {
            return NULL;
        }
        c->next = a->chunks;
        a->chunks = c;
        a->used += size;
        return chunk_data(c);
    }

    /* Heap chunk data is max-aligned and align <= ARENA_ALIGN, so no padding is needed at the
     * start of a fresh chunk. */
    if (a->spare != NULL && a->spare->size >= size) {
        c = a->spare;
        a->spare = NULL;
    } else {
        chunk_size = a->next_chunk != 0 ? a->next_chunk : EVENTC_ARENA_FIRST_CHUNK;
        if (chunk_size < size) {
            chunk_size = size;
        }
        c = chunk_new(a, chunk_size, false);
        if (c == NULL) {
            return NULL;
        }
        a->next_chunk =
            chunk_size * 2 <= EVENTC_ARENA_MAX_CHUNK ? chunk_size * 2 : EVENTC_ARENA_MAX_CHUNK;
    }
    c->next = a->chunks;
    a->chunks = c;
    a->current = c;
    a->pos = size;
    a->used += size;
    return chunk_data(c);
}

void *eventc_arena_alloc(eventc_arena *a, size_t size)
{
    return arena_alloc(a, size, ARENA_ALIGN);
}

char *eventc_arena_strndup(eventc_arena *a, const char *s, size_t n)
{
    char *p;

    if (n == SIZE_MAX) {
        return NULL;
    }
    /* Strings need no alignment; packing them keeps small events inside the inline buffer. */
    p = arena_alloc(a, n + 1, 1);
    if (p == NULL) {
        return NULL;
    }
    if (n > 0) {
        memcpy(p, s, n);
    }
    p[n] = '\0';
    return p;
}

void eventc_arena_reset(eventc_arena *a)
{
    eventc_arena_chunk *c = a->chunks;

    /* Keep the largest regular chunk as the spare, so a loop that decodes one event after
     * another with the same arena settles into zero allocations. */
    while (c != NULL) {
        eventc_arena_chunk *next = c->next;
        if (!c->dedicated && (a->spare == NULL || c->size > a->spare->size)) {
            if (a->spare != NULL) {
                chunk_release(a, a->spare);
            }
            a->spare = c;
        } else {
            chunk_release(a, c);
        }
        c = next;
    }
    a->chunks = NULL;
    a->current = NULL;
    a->pos = 0;
    a->used = 0;
}

void eventc_arena_free(eventc_arena *a)
{
    if (a == NULL) {
        return;
    }
    eventc_arena_reset(a);
    if (a->spare != NULL) {
        chunk_release(a, a->spare);
        a->spare = NULL;
    }
    a->next_chunk = 0;
}

size_t eventc_arena_used(const eventc_arena *a)
{
    return a->used;
}

/* Compared as integers: the blocks are distinct objects, which relational operators on pointers
 * may not compare. */
static bool within(const void *p, const void *start, size_t size)
{
    uintptr_t x = (uintptr_t)p, b = (uintptr_t)start;
    return x >= b && x - b < size;
}

bool eventc_arena_owns(const eventc_arena *a, const void *p)
{
    if (a == NULL || p == NULL)
        return false;
    if (within(p, a->inline_buf.bytes, sizeof a->inline_buf.bytes))
        return true;
    for (eventc_arena_chunk *c = a->chunks; c != NULL; c = c->next)
        if (within(p, chunk_data(c), c->size))
            return true;
    return false;
}
