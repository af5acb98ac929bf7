/* The NATS protocol binding: binary mode (every attribute, datacontenttype included, in a ce-
 * header whose value is percent-encoded as in HTTP; the data as the payload) and structured mode
 * (the JSON event format as the payload, with a Content-Type header naming it). NATS has no
 * batched mode. */
#include "ce_internal.h"

#include <string.h>

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
    return ce_encode_event(ev, mode, CE_AT_NATS,
                           "the NATS binding has binary and structured modes only", msg, err);
}

eventc_status eventc_ce_nats_decode(eventc_ce_event *ev, const eventc_header *headers,
                                    size_t n_headers, const char *payload, size_t payload_len,
                                    const eventc_ce_options *opts, eventc_error *err)
{
    eventc_ce_options defaults;
    eventc_status st = ce_decode_begin(
        ev, (headers == NULL && n_headers > 0) || (payload == NULL && payload_len > 0), &opts,
        &defaults, err);
    if (st != EVENTC_OK)
        return st;
    if (eventc_ce_nats_mode(headers, n_headers) == EVENTC_CE_MODE_STRUCTURED) {
        const char *ct = eventc_header_find(headers, n_headers, "content-type");
        while (*ct == ' ' || *ct == '\t')
            ct++;
        if ((st = ce_structured_check(ct, "NATS", err)) == EVENTC_OK)
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
