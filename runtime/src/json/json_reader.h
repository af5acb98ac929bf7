/* The runtime's one strict JSON reader, shared by the codec's decoder and the CloudEvents readers:
 * RFC 8259 syntax, UTF-8 validated in strings (no overlong forms, no surrogates, no lone UTF-16
 * surrogates in escapes), duplicate member names refused at every depth (compared decoded), and
 * the limits of eventc_limits (nesting, members or items per container, bytes per string). Its
 * errors carry the byte offset where the problem is and a message; the path is the caller's
 * (a json_path the reader extends while it skips values, or none).
 *
 * The reader is a cursor over the text: the caller reads structure itself (object members,
 * array items) and calls the reader for strings, numbers, literals and whole values to skip. */
#ifndef EVENTC_JSON_READER_H
#define EVENTC_JSON_READER_H

#include "eventc/buf.h"
#include "eventc/common.h"
#include "json/json_path.h"
#include "json/json_simd.h"

#include <stdbool.h>

typedef struct json_reader {
    const char *start; /* offsets in errors count from here */
    const char *p;     /* the cursor */
    const char *end;
    const eventc_limits *lim;
    const eventc_allocator *alloc; /* for the reader's own memory (scratch, names) */
    eventc_error *err;             /* may be NULL: failures are then only returned */
    /* When not NULL, errors name the path it holds, and json_skip_value extends it with the
     * members and items it walks; when NULL, err->path is left empty for the caller. */
    json_path *path;
    unsigned depth;     /* containers open, the caller's included */
    json_simd simd;     /* the vector level of the hot loops (json_simd_detect) */
    eventc_buf scratch; /* decoded strings of json_read_string */
} json_reader;

void json_reader_init(json_reader *r, const char *s, size_t n, const eventc_limits *lim,
                      const eventc_allocator *alloc, eventc_error *err);
/* Releases the scratch buffer. */
void json_reader_free(json_reader *r);

static inline size_t json_offset(const json_reader *r)
{
    return (size_t)(r->p - r->start);
}

static inline void json_skip_ws(json_reader *r)
{
    const char *p = r->p, *e = r->end;
    while (p < e && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t'))
        p++;
    r->p = p;
}

/* ---- errors: each returns its code ---- */

/* @p code at the cursor, with a message. */
eventc_status json_fail(json_reader *r, eventc_status code, const char *fmt, ...)
    EVENTC_PRINTF(3, 4);
/* "unexpected 'x', expected <what>" (or "unexpected end of input ...") at the cursor. */
eventc_status json_syntax(json_reader *r, const char *what);
/* "duplicate member "name"" at @p name_at (the name's opening quote); @p name is decoded. */
eventc_status json_fail_duplicate(json_reader *r, const char *name_at, const char *name, size_t n);

/* ---- strings ---- */

/* What a scanned string holds. */
typedef struct json_string {
    const char *raw; /* the text between the quotes */
    size_t raw_len;
    size_t len;   /* decoded length in bytes */
    size_t chars; /* decoded length in code points */
    bool escaped; /* raw holds escapes: decode it with json_unescape */
    bool nul;     /* it holds U+0000 (from \u0000) */
} json_string;

/* The scanner at each vector level (json_scan.c); json_scan_string picks r->simd's. */
eventc_status json_scan_string_scalar(json_reader *r, size_t max, json_string *s);
eventc_status json_scan_string_sse2(json_reader *r, size_t max, json_string *s);
eventc_status json_scan_string_avx2(json_reader *r, size_t max, json_string *s);
eventc_status json_scan_string_neon(json_reader *r, size_t max, json_string *s);

/* Scans the string at the cursor (which is '"') and leaves the cursor after its closing quote.
 * Strings longer than @p max bytes once decoded are refused (EVENTC_E_LIMIT at the opening
 * quote). At r->simd's vector level. */
static inline eventc_status json_scan_string(json_reader *r, size_t max, json_string *s)
{
#if defined(JSON_SIMD_X86)
    if (r->simd == JSON_SIMD_AVX2)
        return json_scan_string_avx2(r, max, s);
    if (r->simd == JSON_SIMD_SSE2)
        return json_scan_string_sse2(r, max, s);
#elif defined(JSON_SIMD_ARM)
    if (r->simd == JSON_SIMD_NEON)
        return json_scan_string_neon(r, max, s);
#endif
    return json_scan_string_scalar(r, max, s);
}

/* Writes the decoded form of the escaped raw text of a scanned string (s->len bytes, no NUL). */
void json_unescape(const char *raw, size_t raw_len, char *out);

/* Scans the string at the cursor and decodes it into r->scratch (NUL-terminated); @p s, when
 * not NULL, receives what json_scan_string gives. */
eventc_status json_read_string(json_reader *r, size_t max, json_string *s);

/* ---- numbers, literals, any value ---- */

/* Scans the number at the cursor (RFC 8259 grammar). @p tok and @p len (may be NULL) receive
 * its text, @p integral (may be NULL) whether it has neither fraction nor exponent. */
eventc_status json_scan_number(json_reader *r, const char **tok, size_t *len, bool *integral);

/* Skips the literal @p lit (n bytes: "true", "false", "null") at the cursor, or reports
 * "expected a value". */
eventc_status json_literal(json_reader *r, const char *lit, size_t n);

/* Checks and skips any value (white space before it included), with every rule of the reader.
 * Depth counts from r->depth. */
eventc_status json_skip_value(json_reader *r);

/* Checks that [s, s+n) is exactly one JSON value (white space around allowed). */
eventc_status json_check(const char *s, size_t n, const eventc_limits *lim,
                         const eventc_allocator *alloc, eventc_error *err);

/* Size of the minified form of the valid JSON text [s, s+n), and the copy itself into out
 * (when not NULL; it holds at least that many bytes; no NUL is written). */
size_t json_minify(const char *s, size_t n, char *out);

/* ---- member names: duplicates ---- */

/* The member names of one object, compared decoded ("a" and "\u0061" are the same name). The
 * first 16 are kept inline and compared in turn; past that a hash table keeps the check
 * linear. Names are kept by pointer into the input when they have no escape, else decoded into
 * the set's own memory. */
typedef struct json_names_entry {
    const char *s;
    size_t n;
} json_names_entry;

typedef struct json_names {
    json_names_entry small[16];
    size_t n;
    json_names_entry *table; /* open addressing, cap a power of two */
    size_t cap;
    struct json_names_block *blocks; /* decoded copies of escaped names */
    const eventc_allocator *alloc;
} json_names;

static inline void json_names_init(json_names *k, const eventc_allocator *alloc)
{
    k->n = 0;
    k->table = NULL;
    k->cap = 0;
    k->blocks = NULL;
    k->alloc = alloc;
}

void json_names_free(json_names *k);

/* Records the scanned name @p s; 1 when it was seen before, 0 when new, -1 out of memory. */
int json_names_add(json_names *k, const json_string *s);

/* Records the name and reports a duplicate (json_fail_duplicate at @p name_at) or running out
 * of memory; EVENTC_OK when the name is new. */
eventc_status json_names_check(json_reader *r, json_names *k, const json_string *s,
                               const char *name_at);

#endif
