/* JSON paths for error messages ("$.history[1].amount"): the segments from the root to the value
 * being read or checked. The decoder and the codec's walkers push and pop them as they go; the
 * reader (json_reader.h) pushes the members and items of the values it skips. */
#ifndef EVENTC_JSON_PATH_H
#define EVENTC_JSON_PATH_H

#include <stddef.h>

/* Path segments kept for messages; deeper levels are elided as "..." (the limit on nesting is a
 * decoding option and may be larger). */
#define JSON_PATH_MAX 48

typedef struct json_seg {
    const char *key; /* NULL for an array index */
    size_t key_len;
    size_t index;
} json_seg;

typedef struct json_path {
    json_seg segs[JSON_PATH_MAX];
    unsigned depth; /* may exceed JSON_PATH_MAX */
} json_path;

static inline void json_path_push_key(json_path *p, const char *key, size_t len)
{
    if (p->depth < JSON_PATH_MAX)
        p->segs[p->depth] = (json_seg){key, len, 0};
    p->depth++;
}

static inline void json_path_push_index(json_path *p, size_t i)
{
    if (p->depth < JSON_PATH_MAX)
        p->segs[p->depth] = (json_seg){NULL, 0, i};
    p->depth++;
}

static inline void json_path_set_index(json_path *p, size_t i)
{
    if (p->depth - 1 < JSON_PATH_MAX)
        p->segs[p->depth - 1].index = i;
}

static inline void json_path_pop(json_path *p)
{
    p->depth--;
}

/* Writes the path ("$", "$.a", "$.a[2]", "$[\"odd key\"]") into out (n bytes, NUL-terminated).
 * @return the length it has, or would have had. */
size_t json_path_format(const json_path *p, char *out, size_t n);

#endif
