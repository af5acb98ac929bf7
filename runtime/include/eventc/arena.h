/**
 * @file arena.h
 * @brief Chunked bump allocator: everything one decoded event owns lives in one arena and is
 *        released at once.
 *
 * The first EVENTC_ARENA_INLINE_SIZE bytes come from a buffer inside the struct itself, so a
 * small event decodes without touching the heap. Later chunks come from the allocator, growing
 * geometrically (1 KiB, 2 KiB, ... up to EVENTC_ARENA_MAX_CHUNK); a request too large for a
 * chunk gets a chunk of its own. Individual allocations are never freed.
 *
 * A zero-filled eventc_arena is a valid empty arena using malloc, same as after
 * eventc_arena_init(a, NULL). An arena may be copied or moved only while it has no live
 * allocations: blocks may point into the inline buffer. Not thread-safe; use one per thread.
 */
#ifndef EVENTC_ARENA_H
#define EVENTC_ARENA_H

#include "eventc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Size of the buffer embedded in eventc_arena. */
#define EVENTC_ARENA_INLINE_SIZE 256
/** Size of the first heap chunk. */
#define EVENTC_ARENA_FIRST_CHUNK 1024
/** Largest regular heap chunk; requests above a quarter of it get a dedicated chunk. */
#define EVENTC_ARENA_MAX_CHUNK (64 * 1024)

/** A heap chunk; private to arena.c. */
typedef struct eventc_arena_chunk eventc_arena_chunk;

/** The arena. Fields are private; the struct is visible only so it can be embedded. */
typedef struct eventc_arena {
    const eventc_allocator *alloc;
    /** Every heap chunk, newest first. */
    eventc_arena_chunk *chunks;
    /** Chunk being carved from; NULL means the inline buffer. */
    eventc_arena_chunk *current;
    /** A regular chunk kept by eventc_arena_reset for reuse; not in @c chunks. */
    eventc_arena_chunk *spare;
    /** Offset of the next free byte in the current chunk. */
    size_t pos;
    /** Bytes handed out since init or the last reset (after alignment padding). */
    size_t used;
    /** Size of the next regular heap chunk (0: EVENTC_ARENA_FIRST_CHUNK). */
    size_t next_chunk;
    /* Not max_align_t: this header must also compile as C99. The allocator aligns the address
     * itself, so the union only needs to make that usually free. */
    union {
        long double ld;
        long long ll;
        void *p;
        unsigned char bytes[EVENTC_ARENA_INLINE_SIZE];
    } inline_buf;
} eventc_arena;

/**
 * Prepares an empty arena. Never fails and never allocates.
 * @param alloc memory hooks (NULL: malloc/free); borrowed, must outlive the arena.
 */
EVENTC_API void eventc_arena_init(eventc_arena *a, const eventc_allocator *alloc);

/**
 * Allocates @p size bytes aligned for any type (max_align_t). The block belongs to the arena
 * and lives until eventc_arena_reset or eventc_arena_free. A zero size returns a valid
 * distinct pointer to a minimal block.
 * @return the block, or NULL when out of memory (the arena is left intact and usable).
 */
EVENTC_API EVENTC_NODISCARD void *eventc_arena_alloc(eventc_arena *a, size_t size);

/**
 * Copies exactly @p n bytes of @p s (NUL bytes included: this is not strnlen-bounded) into the
 * arena and appends a terminating NUL. @p s may be NULL when @p n is 0.
 * @return the copy, owned by the arena, or NULL when out of memory.
 */
EVENTC_API EVENTC_NODISCARD char *eventc_arena_strndup(eventc_arena *a, const char *s, size_t n);

/**
 * Forgets every allocation, invalidating all blocks, but keeps memory for reuse: the inline
 * buffer and one regular heap chunk. Dedicated and extra chunks are released.
 */
EVENTC_API void eventc_arena_reset(eventc_arena *a);

/**
 * Releases all heap memory and invalidates every block. Accepts NULL; may be called any number
 * of times. Afterwards the arena is empty and usable again with the same allocator (or
 * eventc_arena_init may be called on it again).
 */
EVENTC_API void eventc_arena_free(eventc_arena *a);

/**
 * @return true when @p p points into a live block of @p a (its inline buffer or one of its
 *         chunks). Costs one comparison per chunk, of which there are few (they grow
 *         geometrically). False for NULL.
 */
EVENTC_API bool eventc_arena_owns(const eventc_arena *a, const void *p);

/** @return bytes handed out since init or the last reset, alignment padding included. */
EVENTC_API size_t eventc_arena_used(const eventc_arena *a);

#ifdef __cplusplus
}
#endif

#endif
