/* The Kafka protocol binding: binary mode (ce_ headers with plain UTF-8 values, content-type as
 * datacontenttype, the data as the record value, which is absent without data) and structured
 * mode (the JSON event format as the value). The partitionkey extension is the record key. */
#include "ce_internal.h"

#include <string.h>

/* Sets the message key from the partitionkey extension, if any. */
static eventc_status put_key(const eventc_ce_event *ev, eventc_ce_message *msg)
{
    const eventc_ce_value *pk = eventc_ce_get_ext(ev, "partitionkey");
    eventc_buf b;
    eventc_status st;
    if (pk == NULL)
        return EVENTC_OK;
    eventc_buf_init(&b, msg->alloc_);
    st = eventc_ce_value_to_string(pk, &b);
    if (st == EVENTC_OK && ce_msg_arena(msg) == EVENTC_OK) {
        msg->key = eventc_arena_strndup(msg->arena_, b.data ? b.data : "", b.len);
        msg->key_len = b.len;
        if (msg->key == NULL)
            st = EVENTC_E_NOMEM;
    } else if (st == EVENTC_OK) {
        st = EVENTC_E_NOMEM;
    }
    eventc_buf_free(&b);
    return st;
}

eventc_status eventc_ce_kafka_encode(const eventc_ce_event *ev, eventc_ce_mode mode,
                                     eventc_ce_message *msg, eventc_error *err)
{
    eventc_status st = ce_encode_event(
        ev, mode, CE_AT_KAFKA, "the Kafka binding has binary and structured modes only", msg, err);
    if (st == EVENTC_OK && (st = put_key(ev, msg)) != EVENTC_OK) {
        eventc_ce_message_clear(msg);
        return eventc_error_set(err, st, NULL, "%s", eventc_strerror(st));
    }
    return st;
}

eventc_status eventc_ce_kafka_decode(eventc_ce_event *ev, const eventc_header *headers,
                                     size_t n_headers, const char *key, size_t key_len,
                                     const char *value, size_t value_len,
                                     const eventc_ce_options *opts, eventc_error *err)
{
    eventc_ce_options defaults;
    const char *ct;
    eventc_status st =
        ce_decode_begin(ev,
                        (headers == NULL && n_headers > 0) || (key == NULL && key_len > 0) ||
                            (value == NULL && value_len > 0),
                        &opts, &defaults, err);
    if (st != EVENTC_OK)
        return st;
    ct = eventc_header_find(headers, n_headers, "content-type");
    while (ct != NULL && (*ct == ' ' || *ct == '\t'))
        ct++;
    if (ct != NULL && ce_ascii_prefix(ct, "application/cloudevents")) {
        st = ce_structured_check(ct, "Kafka", err);
        if (st == EVENTC_OK && value == NULL)
            st = eventc_error_set(err, EVENTC_E_REQUIRED, "value",
                                  "a structured-mode record needs a value");
        else if (st == EVENTC_OK)
            st = eventc_ce_from_json(ev, value, value_len, opts, err);
    } else {
        st = ce_binary_decode(ev, CE_AT_KAFKA, headers, n_headers, value, value ? value_len : 0,
                              opts, err);
    }
    /* Keys are often binary (serialised by the producer): a key that is not a valid String
     * is transport metadata only and does not become an attribute. */
    if (st == EVENTC_OK && key != NULL && opts->kafka_key_to_partitionkey &&
        eventc_ce_get_ext(ev, "partitionkey") == NULL && memchr(key, 0, key_len) == NULL &&
        eventc_ce_check_string(key, key_len, NULL) == EVENTC_OK) {
        eventc_ce_value v;
        memset(&v, 0, sizeof(v));
        v.type = EVENTC_CE_STRING;
        v.str = key;
        v.len = key_len;
        if ((st = ce_event_put_ext(ev, "partitionkey", 12, &v, err)) != EVENTC_OK)
            eventc_error_set(err, st, "key", "out of memory");
    }
    if (st != EVENTC_OK)
        eventc_ce_clear(ev);
    return st;
}
