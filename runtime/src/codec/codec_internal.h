/* Shared between the decoder and the other codec walkers: JSON paths for error messages and the
 * rule checks, so that a decoded value and a value built in C are judged by the same code. */
#ifndef EVENTC_CODEC_INTERNAL_H
#define EVENTC_CODEC_INTERNAL_H

#include "eventc/codec.h"

/* Path segments kept for messages; deeper levels are elided as "..." (the limit on nesting is
 * a decoding option and may be larger). */
#define CODEC_PATH_MAX 48

typedef struct codec_seg {
    const char *key; /* NULL for an array index */
    size_t key_len;
    size_t index;
} codec_seg;

typedef struct codec_path {
    codec_seg segs[CODEC_PATH_MAX];
    unsigned depth; /* may exceed CODEC_PATH_MAX */
} codec_path;

static inline void path_push_key(codec_path *p, const char *key, size_t len)
{
    if (p->depth < CODEC_PATH_MAX)
        p->segs[p->depth] = (codec_seg){key, len, 0};
    p->depth++;
}

static inline void path_push_index(codec_path *p, size_t i)
{
    if (p->depth < CODEC_PATH_MAX)
        p->segs[p->depth] = (codec_seg){NULL, 0, i};
    p->depth++;
}

static inline void path_set_index(codec_path *p, size_t i)
{
    if (p->depth - 1 < CODEC_PATH_MAX)
        p->segs[p->depth - 1].index = i;
}

static inline void path_pop(codec_path *p)
{
    p->depth--;
}

/** Records @p code with the current path and a formatted message; returns @p code. */
eventc_status codec_fail(const codec_path *p, eventc_error *err, size_t offset, eventc_status code,
                         const char *fmt, ...) EVENTC_PRINTF(5, 6);

/* Rule checks. Each returns EVENTC_OK or reports through codec_fail. */
eventc_status codec_check_string(const eventc_value_desc *v, const char *s, size_t len,
                                 size_t chars, const codec_path *p, eventc_error *err,
                                 size_t offset);
eventc_status codec_check_int(const eventc_value_desc *v, int64_t x, const codec_path *p,
                              eventc_error *err, size_t offset);
eventc_status codec_check_double(const eventc_value_desc *v, double x, const codec_path *p,
                                 eventc_error *err, size_t offset);
eventc_status codec_check_items(const eventc_value_desc *v, const void *items, size_t n,
                                const codec_path *p, eventc_error *err, size_t offset);

/** Deep equality of one value of type @p v at @p a and @p b (C storage). */
int codec_value_equal(const eventc_value_desc *v, const void *a, const void *b);

#endif
