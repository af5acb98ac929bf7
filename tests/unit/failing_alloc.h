/* An allocator for allocation-failure tests: the call number `fail_at` (counting from 1; 0 never)
 * fails, and what is live is tracked, so a test can make every allocation of an operation fail
 * in turn and check that nothing leaks and nothing crashes. Each block carries its size, so a
 * free with the wrong size is counted too. */
#ifndef EVENTC_TESTS_FAILING_ALLOC_H
#define EVENTC_TESTS_FAILING_ALLOC_H

#include <eventc/common.h>

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct failing {
    size_t calls;
    size_t fail_at; /* 0: never */
    size_t live_blocks;
    size_t live_bytes;
    size_t size_mismatches;
} failing;

static void *fail_alloc(void *ctx, size_t size)
{
    failing *f = ctx;
    size_t *p;
    if (++f->calls == f->fail_at) {
        return NULL;
    }
    /* Two words of header keep the block max-aligned on the usual ABIs. */
    p = malloc(2 * sizeof(max_align_t) + size);
    if (p == NULL) {
        return NULL;
    }
    p[0] = size;
    f->live_blocks++;
    f->live_bytes += size;
    return (char *)p + 2 * sizeof(max_align_t);
}

static void fail_free(void *ctx, void *ptr, size_t size)
{
    failing *f = ctx;
    size_t *p;
    if (ptr == NULL) {
        return;
    }
    p = (size_t *)(void *)((char *)ptr - 2 * sizeof(max_align_t));
    if (p[0] != size) {
        f->size_mismatches++;
    }
    f->live_blocks--;
    f->live_bytes -= size;
    free(p);
}

static void *fail_realloc(void *ctx, void *ptr, size_t old_size, size_t new_size)
{
    void *q = fail_alloc(ctx, new_size);
    if (q == NULL) {
        return NULL;
    }
    if (ptr != NULL) {
        memcpy(q, ptr, old_size < new_size ? old_size : new_size);
        fail_free(ctx, ptr, old_size);
    }
    return q;
}

/** The allocator hook over `f`. */
static inline eventc_allocator failing_allocator(failing *f)
{
    eventc_allocator a = {fail_alloc, fail_realloc, fail_free, f};
    return a;
}

#endif
