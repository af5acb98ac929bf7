/* Shared by the pattern engine's files: the scratch memory both use, and the syntax tree the
 * parser (regex_parse.c) builds and the compiler and matchers (regex.c) read. */
#ifndef EVENTC_REGEX_INTERNAL_H
#define EVENTC_REGEX_INTERNAL_H

#include "eventc/regex.h"

#include <stdint.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------- */
/* Scratch memory: a bump allocator over a caller buffer (usually on the stack) that spills   */
/* into heap blocks. Everything is released at once.                                          */

typedef union re_align {
    void *p;
    long long ll;
    double d;
} re_align;

typedef struct re_block {
    struct re_block *next;
    size_t size; /* whole block, header included */
} re_block;

/* Header size rounded so payloads keep the alignment of re_align. */
#define RE_BLOCK_HEADER \
    ((sizeof(re_block) + sizeof(re_align) - 1) / sizeof(re_align) * sizeof(re_align))

typedef struct re_mem {
    unsigned char *buf;
    size_t cap;
    size_t used;
    re_block *blocks;
    const eventc_allocator *alloc;
} re_mem;

static inline void re_mem_init(re_mem *m, void *buf, size_t cap, const eventc_allocator *alloc)
{
    m->buf = buf;
    m->cap = cap;
    m->used = 0;
    m->blocks = NULL;
    m->alloc = alloc;
}

static inline void *re_mem_alloc(re_mem *m, size_t n)
{
    re_block *b;
    size_t total;

    n = (n + sizeof(re_align) - 1) / sizeof(re_align) * sizeof(re_align);
    if (n == 0) {
        n = sizeof(re_align);
    }
    if (m->cap - m->used >= n) {
        void *p = m->buf + m->used;
        m->used += n;
        return p;
    }
    total = RE_BLOCK_HEADER + n;
    b = eventc_alloc(m->alloc, total);
    if (b == NULL) {
        return NULL;
    }
    b->next = m->blocks;
    b->size = total;
    m->blocks = b;
    return (unsigned char *)b + RE_BLOCK_HEADER;
}

static inline void re_mem_release(re_mem *m)
{
    while (m->blocks != NULL) {
        re_block *next = m->blocks->next;
        eventc_free(m->alloc, m->blocks, m->blocks->size);
        m->blocks = next;
    }
}

/* Grows an array of *cap elements of size elem to hold at least need elements. The old array
 * stays in the arena until release; growth doubles, so the waste is bounded by the final size. */
static inline int re_mem_grow(re_mem *m, void **arr, size_t *cap, size_t elem, size_t need)
{
    size_t ncap = *cap != 0 ? *cap : 16;
    void *p;

    if (need <= *cap) {
        return 0;
    }
    while (ncap < need) {
        ncap *= 2;
    }
    p = re_mem_alloc(m, ncap * elem);
    if (p == NULL) {
        return -1;
    }
    if (*cap != 0) {
        memcpy(p, *arr, *cap * elem);
    }
    *arr = p;
    *cap = ncap;
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Syntax tree                                                                                */

enum re_kind {
    RE_N_EMPTY,
    RE_N_CHAR,  /* a = code point */
    RE_N_ANY,   /* `.` */
    RE_N_CLASS, /* a = first range, b = range count */
    RE_N_BOL,
    RE_N_EOL,
    RE_N_CAT,   /* child = first item, linked through next */
    RE_N_ALT,   /* child = first alternative, linked through next */
    RE_N_REPEAT /* child repeated a..b times, b == RE_INF for no upper bound */
};

#define RE_INF UINT32_MAX
#define RE_NONE (-1)

typedef struct re_node {
    unsigned char kind;
    uint32_t a;
    uint32_t b;
    int32_t child;
    int32_t next;
    /* Number of program instructions this node compiles to. */
    uint32_t size;
} re_node;

typedef struct re_range {
    uint32_t lo;
    uint32_t hi;
} re_range;

#define RE_MAX_CP 0x10FFFFu

typedef struct re_parser {
    const unsigned char *p;
    size_t len;
    size_t pos;
    unsigned depth;
    re_mem *mem;
    re_node *nodes;
    size_t nnodes;
    size_t capnodes;
    re_range *ranges;
    size_t nranges;
    size_t capranges;
    eventc_error *err;
    eventc_status status;
} re_parser;

/* Parses the whole pattern into ps (nodes and ranges carved from mem); returns the root node, or
 * RE_NONE with ps->status and err set. */
int32_t regex_parse(re_parser *ps, const char *pattern, size_t len, re_mem *mem, eventc_error *err);

#endif
