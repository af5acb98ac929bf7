/* The strict JSON reader of the CloudEvents sources (ce_json_reader.c), used by the JSON event
 * format and by the checks of data given as JSON text. */
#ifndef EVENTC_CE_JSON_READER_H
#define EVENTC_CE_JSON_READER_H

#include "eventc/cloudevents.h"

typedef struct ce_json {
    const char *start;
    const char *p;
    const char *end;
    const eventc_limits *lim;
    eventc_error *err;
    unsigned depth;
    /* Decoded member names of the objects being read, for duplicate detection: the bytes, and
     * the start offset of each name (size_t values). */
    eventc_buf keys;
    eventc_buf key_starts;
    /* Scratch for decoded strings. */
    eventc_buf scratch;
} ce_json;

void ce_json_init(ce_json *j, const char *s, size_t n, const eventc_limits *lim,
                  const eventc_allocator *alloc, eventc_error *err);
void ce_json_free(ce_json *j);
void ce_json_skip_ws(ce_json *j);
/* Reports a syntax error at the current position ("unexpected 'x', expected <what>"). */
eventc_status ce_json_syntax(ce_json *j, const char *what);
/* Reports code at the current position with a message; path is left for the caller. */
eventc_status ce_json_fail(ce_json *j, eventc_status code, const char *fmt, ...)
    EVENTC_PRINTF(3, 4);
/* Reads the string at j->p (which must be '"'), decoded into j->scratch (reset first, NUL
 * terminated). max bounds the decoded length. */
eventc_status ce_json_string(ce_json *j, size_t max);
/* Checks and skips the number at j->p (RFC 8259 syntax). */
eventc_status ce_json_number(ce_json *j);
/* Checks and skips any value: strict syntax, UTF-8, no lone surrogates, no duplicate keys,
 * depth and item limits. */
eventc_status ce_json_skip_value(ce_json *j);
/* Checks that [s, s+n) is exactly one JSON value (white space around allowed). */
eventc_status ce_json_check(const char *s, size_t n, const eventc_limits *lim,
                            const eventc_allocator *alloc, eventc_error *err);
/* Size of the minified form of the valid JSON text [s, s+n), and the copy itself into out
 * (which holds at least that many bytes; no NUL is written). */
size_t ce_json_minify(const char *s, size_t n, char *out);
/* Remembers a member name of the current object (decoded in j->scratch); reports
 * EVENTC_E_DUPLICATE_KEY when it was already seen. base is the index of the object's first
 * name (the count of names when the object started). */
eventc_status ce_json_key_seen(ce_json *j, size_t base);
size_t ce_json_key_count(const ce_json *j);
void ce_json_key_truncate(ce_json *j, size_t base);

#endif
