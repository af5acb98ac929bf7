/* Shared between the CloudEvents sources: the strict JSON reader used by the event format and by
 * JSON data checks, path helpers for error messages, and event internals the decoders use. */
#ifndef EVENTC_CE_INTERNAL_H
#define EVENTC_CE_INTERNAL_H

#include "eventc/cloudevents.h"

#include <stdarg.h>

/* ---- error helpers ---- */

/* Writes a printable, quoted and possibly shortened copy of s (n bytes) into out (size cap), for
 * messages that quote input: control and non-ASCII bytes are shown as \xNN so a message stays
 * one valid line. */
void ce_quote(char *out, size_t cap, const char *s, size_t n);

/* Rewrites err->path as prefix + the path it holds (a dot is not added); a no-op for NULL err. */
void ce_error_prefix(eventc_error *err, const char *prefix);

/* ---- JSON reader ---- */

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

/* ---- event internals ---- */

/* Creates the event's arena when it has none. */
eventc_status ce_event_arena(eventc_ce_event *ev, eventc_error *err);
/* Copies n bytes plus a NUL into the event's arena. */
char *ce_event_dup(eventc_ce_event *ev, const char *s, size_t n);
/* Releases the event's content and prepares it for decoding with alloc: an existing arena is
 * reset and kept. */
void ce_event_reset(eventc_ce_event *ev, const eventc_allocator *alloc);
/* Like eventc_ce_set_ext without copying the name check again when the caller did it; the
 * value's text (STRING/URI/URI_REF/BINARY) is copied. warn_path, when not NULL, is used for
 * the warning callback. */
eventc_status ce_event_put_ext(eventc_ce_event *ev, const char *name, size_t name_len,
                               const eventc_ce_value *v, eventc_error *err);

/* Where validation paths point: the attribute name is formatted into err->path with these. */
typedef enum ce_where {
    CE_AT_API,   /* "time" */
    CE_AT_JSON,  /* "$.time" (after an optional batch prefix "$[i]") */
    CE_AT_HTTP,  /* "ce-time"; datacontenttype is "content-type" */
    CE_AT_KAFKA, /* "ce_time"; datacontenttype is "content-type" */
} ce_where;

/* Writes the path of attribute name for where into out (EVENTC_ERROR_PATH_MAX). index is the
 * batch index for CE_AT_JSON, or SIZE_MAX outside a batch. */
void ce_path(char *out, ce_where where, size_t index, const char *name);

/* eventc_ce_validate with paths for where/index. */
eventc_status ce_validate(const eventc_ce_event *ev, ce_where where, size_t index,
                          eventc_error *err);

/* Reports the warnings a name raises to opts->warn and ORs them into ev->warnings. */
void ce_name_warn(eventc_ce_event *ev, const char *name, size_t n, const eventc_ce_options *opts,
                  const char *path);

/* Sets data from a binary-mode body, naming body_path in errors. */
eventc_status ce_set_body(eventc_ce_event *ev, const char *body, size_t len,
                          const eventc_limits *lim, const char *body_path, eventc_error *err);

/* The JSON format decoder on a reader positioned at an object, for one event of a batch or a
 * whole document; index as in ce_path. */
eventc_status ce_json_event(ce_json *j, eventc_ce_event *ev, const eventc_ce_options *opts,
                            size_t index);
/* Appends one event in the JSON format (already validated). */
eventc_status ce_json_append(const eventc_ce_event *ev, eventc_buf *out);

/* Message internals. */
eventc_status ce_msg_arena(eventc_ce_message *m);
eventc_status ce_msg_header(eventc_ce_message *m, size_t *cap, const char *name, size_t name_len,
                            const char *value, size_t value_len);
eventc_status ce_msg_body(eventc_ce_message *m, const char *s, size_t n);

/* Binary-mode decoding shared by HTTP and Kafka: attributes from the headers named prefix +
 * attribute ("ce-" or "ce_"), datacontenttype from content-type, the body as data. HTTP values are
 * unquoted and percent-decoded; Kafka values are used as they are. ev must have been reset. */
eventc_status ce_binary_decode(eventc_ce_event *ev, ce_where where, const eventc_header *headers,
                               size_t n_headers, const char *body, size_t body_len,
                               const eventc_ce_options *opts, eventc_error *err);
/* Refuses events binary mode cannot carry: a datacontenttype that receivers would take for the
 * structured mode's media type. */
eventc_status ce_binary_mode_check(const eventc_ce_event *ev, eventc_error *err);
/* Binary-mode encoding shared by HTTP and Kafka (percent-encoding for HTTP). */
eventc_status ce_binary_encode(const eventc_ce_event *ev, ce_where where, eventc_ce_message *m);
/* True when the media type ct is exactly media (case-insensitive), parameters aside. */
bool ce_media_is(const char *ct, const char *media);

/* ASCII case-insensitive comparisons. */
int ce_ascii_casecmp(const char *a, const char *b);
bool ce_ascii_prefix(const char *s, const char *prefix);

#endif
