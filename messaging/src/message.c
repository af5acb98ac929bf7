/* The message, the port wrappers and the retry classification. */
#include "eventc/messaging.h"

#include <string.h>

void eventc_message_init(eventc_message *m, const eventc_allocator *alloc)
{
    memset(m, 0, sizeof(*m));
    eventc_ce_init(&m->event, alloc);
    m->alloc_ = alloc;
}

static void free_string(const eventc_allocator *alloc, char **s)
{
    if (*s != NULL) {
        eventc_free(alloc, *s, strlen(*s) + 1);
        *s = NULL;
    }
}

void eventc_message_clear(eventc_message *m)
{
    if (m == NULL) {
        return;
    }
    const eventc_allocator *alloc = m->alloc_;
    eventc_ce_clear(&m->event);
    free_string(alloc, &m->topic_own_);
    free_string(alloc, &m->key_own_);
    eventc_ce_event ev = m->event;
    memset(m, 0, sizeof(*m));
    m->event = ev;
    m->alloc_ = alloc;
}

static eventc_status dup_string(const eventc_allocator *alloc, const char *s, char **out,
                                eventc_error *err)
{
    *out = NULL;
    if (s == NULL) {
        return EVENTC_OK;
    }
    size_t n = strlen(s);
    char *p = eventc_alloc(alloc, n + 1);
    if (p == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    memcpy(p, s, n + 1);
    *out = p;
    return EVENTC_OK;
}

eventc_status eventc_message_set_topic(eventc_message *m, const char *topic, eventc_error *err)
{
    if (m == NULL || (topic != NULL && topic[0] == '\0')) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "topic", "empty topic");
    }
    char *copy;
    eventc_status st = dup_string(m->alloc_, topic, &copy, err);
    if (st != EVENTC_OK) {
        return st;
    }
    free_string(m->alloc_, &m->topic_own_);
    m->topic_own_ = copy;
    m->topic = copy;
    return EVENTC_OK;
}

eventc_status eventc_message_set_key(eventc_message *m, const char *key, eventc_error *err)
{
    if (m == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "key", "no message");
    }
    char *copy;
    eventc_status st = dup_string(m->alloc_, key, &copy, err);
    if (st != EVENTC_OK) {
        return st;
    }
    free_string(m->alloc_, &m->key_own_);
    m->key_own_ = copy;
    m->key = copy;
    return EVENTC_OK;
}

eventc_status eventc_message_copy(eventc_message *dst, const eventc_message *src, eventc_error *err)
{
    if (dst == NULL || src == NULL || dst == src) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "bad message copy");
    }
    const eventc_allocator *alloc = dst->alloc_;
    eventc_message_clear(dst);
    dst->alloc_ = alloc;
    eventc_status st = eventc_ce_copy(&dst->event, &src->event, alloc, err);
    if (st == EVENTC_OK) {
        st = eventc_message_set_topic(dst, src->topic, err);
    }
    if (st == EVENTC_OK) {
        st = eventc_message_set_key(dst, src->key, err);
    }
    if (st != EVENTC_OK) {
        eventc_message_clear(dst);
        return st;
    }
    dst->attempt = src->attempt;
    return EVENTC_OK;
}

/* ---- port wrappers ---- */

static eventc_status bad_port(eventc_error *err, const char *what)
{
    return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "%s", what);
}

eventc_status eventc_publisher_publish(eventc_publisher *pub, const char *topic,
                                       const eventc_message *const *msgs, size_t n,
                                       eventc_error *outcomes, eventc_error *err)
{
    if (pub == NULL || pub->methods == NULL || pub->methods->publish == NULL) {
        return bad_port(err, "no publisher");
    }
    if (pub->methods->version < 1) {
        return bad_port(err, "publisher methods of an unknown version");
    }
    if (n == 0) {
        return EVENTC_OK;
    }
    if (msgs == NULL) {
        return bad_port(err, "no messages");
    }
    for (size_t i = 0; i < n; i++) {
        if (msgs[i] == NULL) {
            return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "message %zu is NULL", i);
        }
    }
    return pub->methods->publish(pub, topic, msgs, n, outcomes, err);
}

eventc_status eventc_publisher_publish1(eventc_publisher *pub, const char *topic,
                                        const eventc_message *msg, eventc_error *err)
{
    return eventc_publisher_publish(pub, topic, &msg, 1, NULL, err);
}

eventc_status eventc_publisher_flush(eventc_publisher *pub, int timeout_ms, eventc_error *err)
{
    if (pub == NULL || pub->methods == NULL) {
        return bad_port(err, "no publisher");
    }
    if (pub->methods->flush == NULL) {
        return EVENTC_OK;
    }
    return pub->methods->flush(pub, timeout_ms, err);
}

void eventc_publisher_close(eventc_publisher *pub)
{
    if (pub != NULL && pub->methods != NULL && pub->methods->close != NULL) {
        pub->methods->close(pub);
    }
}

static eventc_status check_sub(eventc_subscriber *sub, eventc_error *err)
{
    if (sub == NULL || sub->methods == NULL) {
        return bad_port(err, "no subscriber");
    }
    if (sub->methods->version < 1) {
        return bad_port(err, "subscriber methods of an unknown version");
    }
    return EVENTC_OK;
}

eventc_status eventc_subscriber_subscribe(eventc_subscriber *sub, const char *topic,
                                          const char *group, eventc_error *err)
{
    eventc_status st = check_sub(sub, err);
    if (st != EVENTC_OK) {
        return st;
    }
    if (topic == NULL || topic[0] == '\0' || group == NULL || group[0] == '\0') {
        return bad_port(err, "subscribe needs a topic and a group");
    }
    return sub->methods->subscribe(sub, topic, group, err);
}

eventc_status eventc_subscriber_fetch(eventc_subscriber *sub, size_t max, int timeout_ms,
                                      eventc_message **out, size_t *n, eventc_error *err)
{
    if (n != NULL) {
        *n = 0;
    }
    eventc_status st = check_sub(sub, err);
    if (st != EVENTC_OK) {
        return st;
    }
    if (max == 0 || out == NULL || n == NULL) {
        return bad_port(err, "fetch needs max >= 1, an output array and a count");
    }
    return sub->methods->fetch(sub, max, timeout_ms, out, n, err);
}

eventc_status eventc_subscriber_ack(eventc_subscriber *sub, eventc_message *m, eventc_error *err)
{
    eventc_status st = check_sub(sub, err);
    if (st != EVENTC_OK) {
        return st;
    }
    if (m == NULL) {
        return bad_port(err, "no message");
    }
    return sub->methods->ack(sub, m, err);
}

eventc_status eventc_subscriber_nack(eventc_subscriber *sub, eventc_message *m, uint32_t delay_ms,
                                     eventc_error *err)
{
    eventc_status st = check_sub(sub, err);
    if (st != EVENTC_OK) {
        return st;
    }
    if (m == NULL) {
        return bad_port(err, "no message");
    }
    return sub->methods->nack(sub, m, delay_ms, err);
}

void eventc_subscriber_close(eventc_subscriber *sub)
{
    if (sub != NULL && sub->methods != NULL && sub->methods->close != NULL) {
        sub->methods->close(sub);
    }
}

void eventc_subscriber_destroy(eventc_subscriber *sub)
{
    if (sub != NULL && sub->methods != NULL && sub->methods->destroy != NULL) {
        sub->methods->destroy(sub);
    }
}

bool eventc_status_retryable(eventc_status s)
{
    switch (s) {
    case EVENTC_E_IO:
    case EVENTC_E_NOMEM:
    case EVENTC_E_TIMEOUT:
    case EVENTC_E_FULL:
    case EVENTC_E_CLOSED:
    case EVENTC_E_CONFLICT:
    case EVENTC_E_UNAVAILABLE:
        return true;
    default:
        return false;
    }
}
