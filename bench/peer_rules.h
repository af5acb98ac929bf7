/**
 * @file peer_rules.h
 * The messaging catalog as the benchmark's peer decoders see it: one table of the 21 events and
 * their members (JSON name, what the value must be, where it goes in the generated `msg_event`),
 * the catalog's rules written out by hand, and a bump arena for the decoded strings.
 *
 * The simdjson and yajl peers decode through this table, so both apply exactly the same rules
 * as the json-c peer (and as eventc): required members, JSON types, no U+0000 in strings,
 * min_length in code points, the event_name and aggregate_type constants, version >= 1 (an
 * integral number, as in JSON Schema), the timestamp rule, enum spellings, and changed_fields
 * non-empty, snake_case and unique. Known members seen twice are refused.
 */
#ifndef EVENTC_BENCH_PEER_RULES_H
#define EVENTC_BENCH_PEER_RULES_H

#include "messaging.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- a bump arena: reset per decoded event, so a steady stream stops allocating ---------- */

typedef struct pr_arena {
    char *block; /* current block */
    size_t used, cap;
    struct pr_chunk *full; /* blocks filled since the last reset */
    size_t total;          /* bytes handed out since the last reset */
} pr_arena;

/** Slow path of pr_alloc: a new block. @return NULL when out of memory. */
void *pr_arena_grow(pr_arena *a, size_t n);

/** @p n bytes aligned to 8, valid until the next reset. */
static inline void *pr_alloc(pr_arena *a, size_t n)
{
    n = (n + 7) & ~(size_t)7;
    if (a->cap - a->used >= n) {
        void *p = a->block + a->used;
        a->used += n;
        a->total += n;
        return p;
    }
    return pr_arena_grow(a, n);
}

/** A NUL-terminated copy of @p n bytes at @p s. */
static inline char *pr_strdup(pr_arena *a, const char *s, size_t n)
{
    char *p = (char *)pr_alloc(a, n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = '\0';
    }
    return p;
}

/** Forgets everything allocated; keeps one block as large as everything was. */
void pr_arena_reset(pr_arena *a);

/** Releases all memory. */
void pr_arena_free(pr_arena *a);

/* ---- the catalog ------------------------------------------------------------------------- */

/** What a member's value must be. */
typedef enum pr_kind {
    PR_STRING,    /**< a string of at least min_chars code points, no U+0000 */
    PR_CONST,     /**< a string equal to `constant` (NULL: the event's own name) */
    PR_TIMESTAMP, /**< a string under eventc's timestamp rule */
    PR_INT64,     /**< an integral number >= 1 (version) */
    PR_ENUM,      /**< one of enum_names */
    PR_NAMES      /**< changed_fields: a non-empty array of unique snake_case strings */
} pr_kind;

typedef struct pr_member {
    const char *name;
    unsigned char len;
    unsigned char kind; /* pr_kind */
    unsigned char optional;
    unsigned char min_chars;
    unsigned short offset;       /* of the value in msg_event */
    unsigned short count_offset; /* PR_NAMES: of the n_ member */
    const char *constant;        /* PR_CONST */
    const char *const *enum_names;
    unsigned char enum_count;
} pr_member;

#define PR_MAX_MEMBERS 16

typedef struct pr_event {
    const char *name;
    size_t name_len;
    msg_event_kind kind;
    const pr_member *members;
    unsigned n_members;
    unsigned required; /* bit i: members[i] must be present */
} pr_event;

/** The 21 events, in kind order (pr_events[k - 1] has kind k). */
extern const pr_event pr_events[MSG_EVENT_TYPE_COUNT];

/** @return the event named @p s (@p n bytes), or NULL. */
const pr_event *pr_find_event(const char *s, size_t n);

/**
 * @return the index of member @p k (@p n bytes) of @p e, or -1. *hint is where the search
 * starts (members usually come in table order) and is moved past the match.
 */
static inline int pr_find_member(const pr_event *e, const char *k, size_t n, unsigned *hint)
{
    unsigned nm = e->n_members, j = *hint;
    for (unsigned i = 0; i < nm; i++, j = j + 1 == nm ? 0 : j + 1) {
        const pr_member *m = &e->members[j];
        if (m->len == n && memcmp(m->name, k, n) == 0) {
            *hint = j + 1 == nm ? 0 : j + 1;
            return (int)j;
        }
    }
    return -1;
}

/* ---- the rules, written out ------------------------------------------------------------- */

/** 1 when the valid UTF-8 string @p s (@p n bytes) has at least @p min code points. */
static inline int pr_min_chars(const char *s, size_t n, size_t min)
{
    if (n >= 4 * min)
        return 1;
    size_t c = 0;
    for (size_t i = 0; i < n; i++)
        c += ((unsigned char)s[i] & 0xC0) != 0x80;
    return c >= min;
}

/** ^[a-z][a-z0-9]*(_[a-z0-9]+)*$ written out. */
int pr_is_snake_case(const char *s, size_t n);

/** 1 when the @p n strings are pairwise different (a hash set above 8 items). */
int pr_unique(const char *const *items, size_t n);

/** @return the index of @p s (@p n bytes) in @p names, or -1. */
int pr_enum(const char *const *names, unsigned count, const char *s, size_t n);

/** Where the member's value lives in @p ev. */
static inline void *pr_slot(msg_event *ev, const pr_member *m)
{
    return (char *)ev + m->offset;
}

#ifdef __cplusplus
}
#endif

#endif
