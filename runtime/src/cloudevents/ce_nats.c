/* The NATS protocol binding: binary mode (every attribute, datacontenttype included, in a ce-
 * header whose value is percent-encoded as in HTTP; the data as the payload) and structured mode
 * (the JSON event format as the payload, with a Content-Type header naming it). NATS has no
 * batched mode. */
#include "ce_internal.h"

#include <string.h>

static const char structured_ct[] = EVENTC_CE_JSON_MEDIA_TYPE "; charset=utf-8";

eventc_ce_mode eventc_ce_nats_mode(const eventc_header *headers, size_t n)
{
    const char *ct = eventc_header_find(headers, n, "content-type");
    while (ct != NULL && (*ct == ' ' || *ct == '\t'))
        ct++;
    if (ct != NULL && ce_ascii_prefix(ct, "application/cloudevents"))
        return EVENTC_CE_MODE_STRUCTURED;
    return EVENTC_CE_MODE_BINARY;
}

eventc_status eventc_ce_nats_encode(const eventc_ce_event *ev, eventc_ce_mode mode,
                                    eventc_ce_message *msg, eventc_error *err)
{
    eventc_status st;
    if (ev == NULL || msg == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL argument");
    eventc_ce_message_clear(msg);
    if (mode != EVENTC_CE_MODE_BINARY && mode != EVENTC_CE_MODE_STRUCTURED)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "the NATS binding has binary and structured modes only");
    if (mode == EVENTC_CE_MODE_BINARY) {
        if ((st = eventc_ce_validate(ev, err)) != EVENTC_OK ||
            (st = ce_binary_mode_check(ev, err)) != EVENTC_OK)
            return st;
        st = ce_binary_encode(ev, CE_AT_NATS, msg);
    } else {
        eventc_buf json;
        size_t cap = 0;
        eventc_buf_init(&json, msg->alloc_);
        if ((st = eventc_ce_to_json(ev, &json, err)) != EVENTC_OK) {
            eventc_buf_free(&json);
            return st;
        }
        st = ce_msg_header(msg, &cap, "content-type", 12, structured_ct, strlen(structured_ct));
        if (st == EVENTC_OK)
            st = ce_msg_body(msg, json.data ? json.data : "", json.len);
        eventc_buf_free(&json);
    }
    if (st != EVENTC_OK) {
        eventc_ce_message_clear(msg);
        return eventc_error_set(err, st, NULL, "%s", eventc_strerror(st));
    }
    return EVENTC_OK;
}

eventc_status eventc_ce_nats_decode(eventc_ce_event *ev, const eventc_header *headers,
                                    size_t n_headers, const char *payload, size_t payload_len,
                                    const eventc_ce_options *opts, eventc_error *err)
{
    eventc_ce_options defaults;
    eventc_status st;
    eventc_error_clear(err);
    if (opts == NULL) {
        defaults = eventc_ce_options_default();
        opts = &defaults;
    }
    if (ev == NULL || (headers == NULL && n_headers > 0) || (payload == NULL && payload_len > 0))
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL argument");
    ce_event_reset(ev, opts->alloc);
    if (eventc_ce_nats_mode(headers, n_headers) == EVENTC_CE_MODE_STRUCTURED) {
        const char *ct = eventc_header_find(headers, n_headers, "content-type");
        while (*ct == ' ' || *ct == '\t')
            ct++;
        if (ce_ascii_prefix(ct, "application/cloudevents-batch"))
            st = eventc_error_set(err, EVENTC_E_UNSUPPORTED, "content-type",
                                  "the NATS binding has no batched mode");
        else if (!ce_media_is(ct, EVENTC_CE_JSON_MEDIA_TYPE))
            st = eventc_error_set(err, EVENTC_E_UNSUPPORTED, "content-type",
                                  "unsupported event format \"%s\" (only %s is implemented)", ct,
                                  EVENTC_CE_JSON_MEDIA_TYPE);
        else
            st = eventc_ce_from_json(ev, payload ? payload : "", payload ? payload_len : 0, opts,
                                     err);
    } else {
        st = ce_binary_decode(ev, CE_AT_NATS, headers, n_headers, payload,
                              payload ? payload_len : 0, opts, err);
    }
    if (st != EVENTC_OK)
        eventc_ce_clear(ev);
    return st;
}
