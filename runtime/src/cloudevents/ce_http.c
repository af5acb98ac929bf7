/* The HTTP protocol binding: binary mode (ce- headers, percent-encoded values, Content-Type as
 * datacontenttype), structured mode (the JSON event format) and batched mode (the JSON batch
 * format), to and from a plain header list and body. */
#include "ce_internal.h"

#include <string.h>

static const char batch_ct[] = EVENTC_CE_BATCH_MEDIA_TYPE "; charset=utf-8";

eventc_ce_mode eventc_ce_http_mode(const eventc_header *headers, size_t n)
{
    const char *ct = eventc_header_find(headers, n, "content-type");
    if (ct == NULL)
        return EVENTC_CE_MODE_BINARY;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    if (ce_ascii_prefix(ct, "application/cloudevents-batch"))
        return EVENTC_CE_MODE_BATCH;
    if (ce_ascii_prefix(ct, "application/cloudevents"))
        return EVENTC_CE_MODE_STRUCTURED;
    return EVENTC_CE_MODE_BINARY;
}

eventc_status eventc_ce_http_encode(const eventc_ce_event *ev, eventc_ce_mode mode,
                                    eventc_ce_message *msg, eventc_error *err)
{
    return ce_encode_event(ev, mode, CE_AT_HTTP,
                           "mode must be binary or structured (batches have their own function)",
                           msg, err);
}

eventc_status eventc_ce_http_encode_batch(const eventc_ce_event *events, size_t n,
                                          eventc_ce_message *msg, eventc_error *err)
{
    eventc_status st;
    eventc_buf json;
    if (msg == NULL || (events == NULL && n > 0))
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL argument");
    eventc_ce_message_clear(msg);
    eventc_buf_init(&json, msg->alloc_);
    st = eventc_ce_batch_to_json(events, n, &json, err);
    if (st == EVENTC_OK && (st = ce_msg_json_body(msg, batch_ct, &json)) != EVENTC_OK) {
        eventc_ce_message_clear(msg);
        eventc_error_set(err, st, NULL, "%s", eventc_strerror(st));
    }
    eventc_buf_free(&json);
    return st;
}

/* Checks that a structured or batched message uses the JSON format. */
static eventc_status check_format(const eventc_header *headers, size_t n, const char *want,
                                  eventc_error *err)
{
    const char *ct = eventc_header_find(headers, n, "content-type");
    if (ce_media_is(ct, want))
        return EVENTC_OK;
    return eventc_error_set(err, EVENTC_E_UNSUPPORTED, "content-type",
                            "unsupported event format \"%s\" (only %s is implemented)", ct, want);
}

eventc_status eventc_ce_http_decode(eventc_ce_event *ev, const eventc_header *headers,
                                    size_t n_headers, const char *body, size_t body_len,
                                    const eventc_ce_options *opts, eventc_error *err)
{
    eventc_ce_options defaults;
    eventc_status st =
        ce_decode_begin(ev, (headers == NULL && n_headers > 0) || (body == NULL && body_len > 0),
                        &opts, &defaults, err);
    if (st != EVENTC_OK)
        return st;
    switch (eventc_ce_http_mode(headers, n_headers)) {
    case EVENTC_CE_MODE_BATCH:
        st = eventc_error_set(err, EVENTC_E_UNSUPPORTED, "content-type",
                              "a batched message holds several events: decode it with "
                              "eventc_ce_http_decode_batch");
        break;
    case EVENTC_CE_MODE_STRUCTURED:
        st = check_format(headers, n_headers, EVENTC_CE_JSON_MEDIA_TYPE, err);
        if (st == EVENTC_OK)
            st = eventc_ce_from_json(ev, body, body_len, opts, err);
        break;
    default:
        st = ce_binary_decode(ev, CE_AT_HTTP, headers, n_headers, body, body_len, opts, err);
        break;
    }
    if (st != EVENTC_OK)
        eventc_ce_clear(ev);
    return st;
}

eventc_status eventc_ce_http_decode_batch(eventc_ce_batch *b, const eventc_header *headers,
                                          size_t n_headers, const char *body, size_t body_len,
                                          const eventc_ce_options *opts, eventc_error *err)
{
    eventc_ce_options defaults;
    eventc_status st;
    eventc_error_clear(err);
    if (opts == NULL) {
        defaults = eventc_ce_options_default();
        opts = &defaults;
    }
    if (b == NULL || (headers == NULL && n_headers > 0) || (body == NULL && body_len > 0))
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL argument");
    eventc_ce_batch_clear(b);
    b->alloc_ = opts->alloc;
    if (eventc_ce_http_mode(headers, n_headers) == EVENTC_CE_MODE_BATCH) {
        if ((st = check_format(headers, n_headers, EVENTC_CE_BATCH_MEDIA_TYPE, err)) != EVENTC_OK)
            return st;
        return eventc_ce_batch_from_json(b, body, body_len, opts, err);
    }
    eventc_ce_event *ev = eventc_ce_batch_add(b);
    if (ev == NULL)
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    if ((st = eventc_ce_http_decode(ev, headers, n_headers, body, body_len, opts, err)) !=
        EVENTC_OK)
        eventc_ce_batch_clear(b);
    return st;
}
