/* Small utilities of the generator: checked allocation, formatted strings, a growable string, an
 * allocation pool that owns a whole model, and file reading. The generator is a command-line tool:
 * when memory runs out it prints one line and exits with status 1 rather than limp on. */
#ifndef EVENTC_GEN_UTIL_H
#define EVENTC_GEN_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

void *gen_xmalloc(size_t n);
void *gen_xcalloc(size_t n, size_t size);
void *gen_xrealloc(void *p, size_t n);
char *gen_xstrndup(const char *s, size_t n);
char *gen_xstrdup(const char *s);
/** printf into a fresh malloc'd string. */
char *gen_format(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *gen_vformat(const char *fmt, va_list ap);

/** Growable NUL-terminated string. */
typedef struct gen_str {
    char *data;
    size_t len;
    size_t cap;
} gen_str;

void gen_str_init(gen_str *s);
void gen_str_free(gen_str *s);
void gen_str_append(gen_str *s, const char *p, size_t n);
void gen_str_puts(gen_str *s, const char *p);
void gen_str_putc(gen_str *s, char c);
void gen_str_printf(gen_str *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/** Returns the buffer (never NULL) and leaves `s` empty; the caller frees it. */
char *gen_str_detach(gen_str *s);

/** A pool owns every allocation made through it; gen_pool_free releases them all at once. */
typedef struct gen_pool_chunk gen_pool_chunk;
typedef struct gen_pool {
    gen_pool_chunk *head;
} gen_pool;

void gen_pool_init(gen_pool *p);
void gen_pool_free(gen_pool *p);
/** Zero-filled, aligned for any type. */
void *gen_pool_alloc(gen_pool *p, size_t n);
char *gen_pool_strndup(gen_pool *p, const char *s, size_t n);
char *gen_pool_strdup(gen_pool *p, const char *s);

/** Reads a whole regular file, at most `max` bytes. Returns 0; -1 when it cannot be read (errno
 * set: EISDIR for a directory, ENOENT for an empty path); -2 when it is larger than `max`; -3 when
 * it is not a regular file (a FIFO, a device, a socket: reading those could block forever or
 * never end). The buffer (NUL-terminated) is the caller's to free. */
int gen_read_file(const char *path, size_t max, char **data, size_t *len);

/** Why gen_read_file returned `rc` (read errno right after the call), for messages. */
const char *gen_read_error(int rc);

/** Joins `rel` to the directory part of `base` ("a/b.yaml" + "c.json" -> "a/c.json"); absolute
 * `rel` is returned as is. */
char *gen_path_join_dir(const char *base, const char *rel);

/**
 * How far `typed` is from `known`, for "did you mean", in half edits: an insertion, a deletion, a
 * substitution or the transposition of two neighbours costs 2, a substitution that changes only
 * the case (`orderPaid`) or puts a vowel for a vowel (`OrderPayed`, `OrderPaid`) costs 1.
 * UINT_MAX for names longer than 64 bytes.
 */
unsigned gen_name_distance(const char *typed, const char *known);

/** Picks the closest of the names it is shown (the first of equally close ones). */
typedef struct gen_suggester {
    const char *typed;
    const char *best; /**< NULL while no name is close enough */
    unsigned best_distance;
} gen_suggester;

void gen_suggest_init(gen_suggester *s, const char *typed);
/** Considers `known` (borrowed; must outlive the suggester). A name is close enough within two
 * edits (gen_name_distance <= 4) and fewer edits than `typed` has letters, or when it differs in
 * case only. */
void gen_suggest_consider(gen_suggester *s, const char *known);

/** The closest of the first `n` names of `known` (stops early at a NULL entry; pass SIZE_MAX for
 * a NULL-terminated list), or NULL when none is close enough. */
const char *gen_suggest(const char *typed, const char *const *known, size_t n);

#endif
