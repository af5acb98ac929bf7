/* The chunked bump allocator: alignment, growth, big blocks, reset, allocation failures. */
#include <eventc/eventc.h>

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "failing_alloc.h"

static bool aligned(const void *p)
{
    return (uintptr_t)p % alignof(max_align_t) == 0;
}

static void test_basic(void)
{
    eventc_arena a;
    size_t sizes[] = {1, 3, 7, 16, 17, 100, 255, 256, 257, 1000, 5000, 16384, 16385, 70000};
    void *blocks[sizeof sizes / sizeof sizes[0]];
    size_t i;
    size_t round;

    eventc_arena_init(&a, NULL);
    CHECK(eventc_arena_used(&a) == 0);
    for (round = 0; round < 3; round++) {
        for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            blocks[i] = eventc_arena_alloc(&a, sizes[i]);
            CHECK(blocks[i] != NULL);
            CHECK(aligned(blocks[i]));
            memset(blocks[i], (int)i, sizes[i]);
        }
        /* No block overlaps another: each still holds its own byte pattern. */
        for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
            size_t j;
            const unsigned char *p = blocks[i];
            bool ok = true;
            for (j = 0; j < sizes[i]; j++) {
                ok = ok && p[j] == (unsigned char)i;
            }
            CHECK(ok);
        }
        CHECK(eventc_arena_used(&a) >= 70000 + 16385 + 16384);
        eventc_arena_reset(&a);
        CHECK(eventc_arena_used(&a) == 0);
    }
    eventc_arena_free(&a);
    eventc_arena_free(&a); /* idempotent */
    eventc_arena_free(NULL);

    /* Usable again after free. */
    CHECK(eventc_arena_alloc(&a, 10) != NULL);
    eventc_arena_free(&a);
}

static void test_zero_filled_and_small(void)
{
    eventc_arena a;
    char *s;
    char *t;
    void *z1;
    void *z2;

    memset(&a, 0, sizeof a);
    s = eventc_arena_strndup(&a, "hello world", 5);
    CHECK_STR(s, "hello");
    /* Embedded NUL bytes are copied: exactly n bytes. */
    t = eventc_arena_strndup(&a, "a\0b", 3);
    CHECK(t != NULL && t[0] == 'a' && t[1] == '\0' && t[2] == 'b' && t[3] == '\0');
    CHECK_STR(eventc_arena_strndup(&a, NULL, 0), "");
    /* Small strings are packed without alignment padding. */
    CHECK(t == s + 6);
    /* Zero-size blocks are distinct and aligned. */
    z1 = eventc_arena_alloc(&a, 0);
    z2 = eventc_arena_alloc(&a, 0);
    CHECK(z1 != NULL && z2 != NULL && z1 != z2);
    CHECK(aligned(z1) && aligned(z2));
    /* Overflowing sizes fail cleanly. */
    CHECK(eventc_arena_alloc(&a, SIZE_MAX) == NULL);
    CHECK(eventc_arena_alloc(&a, SIZE_MAX - 8) == NULL);
    CHECK(eventc_arena_strndup(&a, "x", SIZE_MAX) == NULL);
    CHECK_STR(s, "hello");
    eventc_arena_free(&a);
}

static void test_inline_then_heap(void)
{
    failing f = {0, 0, 0, 0, 0};
    eventc_allocator alloc = {fail_alloc, fail_realloc, fail_free, &f};
    eventc_arena a;
    int i;

    eventc_arena_init(&a, &alloc);
    /* A small event fits in the inline buffer: no heap use at all. */
    for (i = 0; i < 10; i++) {
        CHECK(eventc_arena_strndup(&a, "0123456789", 10) != NULL);
    }
    CHECK(f.calls == 0);
    /* Past the inline buffer, chunks come from the allocator. */
    for (i = 0; i < 1000; i++) {
        CHECK(eventc_arena_alloc(&a, 24) != NULL);
    }
    CHECK(f.calls > 0);
    /* Geometric growth: far fewer chunks than allocations. */
    CHECK(f.live_blocks < 10);

    /* Reset keeps one chunk: the same work again needs fewer allocations. */
    {
        size_t before = f.calls;
        eventc_arena_reset(&a);
        CHECK(f.live_blocks == 1);
        for (i = 0; i < 40; i++) {
            CHECK(eventc_arena_alloc(&a, 24) != NULL);
        }
        CHECK(f.calls == before);
    }
    /* A big block gets its own chunk and is released by reset. */
    CHECK(eventc_arena_alloc(&a, 1u << 20) != NULL);
    CHECK(f.live_bytes > (1u << 20));
    eventc_arena_reset(&a);
    CHECK(f.live_bytes < (1u << 20));
    eventc_arena_free(&a);
    CHECK(f.live_blocks == 0 && f.live_bytes == 0);
    CHECK(f.size_mismatches == 0);
}

/* Moving an arena that has no live allocations is allowed (it holds no pointer into itself). */
static eventc_arena make_arena(void)
{
    eventc_arena a;
    eventc_arena_init(&a, NULL);
    return a;
}

static void test_move_empty(void)
{
    eventc_arena a = make_arena();
    char *s = eventc_arena_strndup(&a, "moved", 5);
    CHECK_STR(s, "moved");
    CHECK((unsigned char *)s >= a.inline_buf.bytes &&
          (unsigned char *)s < a.inline_buf.bytes + sizeof a.inline_buf.bytes);
    eventc_arena_free(&a);
}

/* Runs a fixed workload; returns true when every allocation succeeded. After a failure it keeps
 * going, to check the arena stays usable. */
static bool workload(eventc_arena *a)
{
    bool ok = true;
    int i;
    for (i = 0; i < 300; i++) {
        size_t size = (size_t)(i % 7 == 0 ? 20000 : 8 + i % 50);
        unsigned char *p = eventc_arena_alloc(a, size);
        char *s;
        if (p == NULL) {
            ok = false;
            continue;
        }
        CHECK(aligned(p));
        memset(p, 0xAB, size);
        s = eventc_arena_strndup(a, "some text", 9);
        if (s == NULL) {
            ok = false;
            continue;
        }
        CHECK(strcmp(s, "some text") == 0);
        if (i == 150) {
            eventc_arena_reset(a);
        }
    }
    return ok;
}

static void test_allocation_failures(void)
{
    size_t n;
    size_t total_calls;
    failing f = {0, 0, 0, 0, 0};
    eventc_allocator alloc = {fail_alloc, fail_realloc, fail_free, &f};
    eventc_arena a;

    /* Count the allocations of a clean run first. */
    eventc_arena_init(&a, &alloc);
    CHECK(workload(&a));
    eventc_arena_free(&a);
    total_calls = f.calls;
    CHECK(total_calls > 20);
    CHECK(f.live_blocks == 0);

    for (n = 1; n <= total_calls + 1; n++) {
        bool ok;
        f.calls = 0;
        f.fail_at = n;
        eventc_arena_init(&a, &alloc);
        ok = workload(&a);
        CHECK(ok == (n > total_calls));
        eventc_arena_free(&a);
        CHECK(f.live_blocks == 0 && f.live_bytes == 0);
    }
    CHECK(f.size_mismatches == 0);
}

int main(void)
{
    test_basic();
    test_zero_filled_and_small();
    test_inline_then_heap();
    test_move_empty();
    test_allocation_failures();
    return check_report();
}
