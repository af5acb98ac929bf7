/* Shared between the CloudEvents sources: event and message internals the decoders and encoders
 * use, and path helpers for error messages. The text helpers (ce_types.h) and the strict JSON
 * reader of the runtime (json/json_reader.h) come with it. */
#ifndef EVENTC_CE_INTERNAL_H
#define EVENTC_CE_INTERNAL_H

#include "json/json_reader.h"
#include "ce_types.h"
#include "eventc/cloudevents.h"

#include <stdarg.h>

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
    CE_AT_NATS,  /* "ce-time"; datacontenttype is "ce-datacontenttype" */
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
eventc_status ce_json_event(json_reader *j, eventc_ce_event *ev, const eventc_ce_options *opts,
                            size_t index);
/* Appends one event in the JSON format (already validated). */
eventc_status ce_json_append(const eventc_ce_event *ev, eventc_buf *out);

/* Message internals. */
eventc_status ce_msg_arena(eventc_ce_message *m);
eventc_status ce_msg_header(eventc_ce_message *m, size_t *cap, const char *name, size_t name_len,
                            const char *value, size_t value_len);
eventc_status ce_msg_body(eventc_ce_message *m, const char *s, size_t n);

/* Binary-mode decoding shared by HTTP, Kafka and NATS: attributes from the headers named prefix +
 * attribute ("ce-" or "ce_"), datacontenttype from content-type (Kafka and NATS also accept a
 * ce- header that agrees with it), the body as data. HTTP and NATS values are unquoted and
 * percent-decoded; Kafka values are used as they are. ev must have been reset. */
eventc_status ce_binary_decode(eventc_ce_event *ev, ce_where where, const eventc_header *headers,
                               size_t n_headers, const char *body, size_t body_len,
                               const eventc_ce_options *opts, eventc_error *err);
/* Refuses events binary mode cannot carry: a datacontenttype that receivers would take for the
 * structured mode's media type. */
eventc_status ce_binary_mode_check(const eventc_ce_event *ev, eventc_error *err);
/* Binary-mode encoding shared by HTTP, Kafka and NATS (percent-encoding for HTTP and NATS; NATS
 * carries datacontenttype in ce-datacontenttype rather than content-type). */
eventc_status ce_binary_encode(const eventc_ce_event *ev, ce_where where, eventc_ce_message *m);
/* True when the media type ct is exactly media (case-insensitive), parameters aside. */
bool ce_media_is(const char *ct, const char *media);
/* Sets a JSON body (an event or a batch) and its content-type header ct. */
eventc_status ce_msg_json_body(eventc_ce_message *m, const char *ct, const eventc_buf *json);
/* One event in binary mode (validated, then ce_binary_encode) or structured mode (the JSON event
 * format as the body), as the HTTP, Kafka and NATS bindings encode it; mode_error is the message
 * for any other mode. On failure m is empty and err says why. */
eventc_status ce_encode_event(const eventc_ce_event *ev, eventc_ce_mode mode, ce_where where,
                              const char *mode_error, eventc_ce_message *m, eventc_error *err);
/* The start of every binding's decode: clears err, points *opts at defaults when it is NULL,
 * refuses a NULL ev or bad_args (a NULL buffer with a length) and resets ev. */
eventc_status ce_decode_begin(eventc_ce_event *ev, bool bad_args, const eventc_ce_options **opts,
                              eventc_ce_options *defaults, eventc_error *err);
/* Checks the content type ct (spaces skipped, starting with application/cloudevents) of a
 * structured-mode message for a binding without batches: refuses a batch (saying that binding
 * has no batched mode) and formats other than JSON. */
eventc_status ce_structured_check(const char *ct, const char *binding, eventc_error *err);

#endif
