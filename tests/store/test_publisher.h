/* A publisher for the relay tests: records what it accepted (topic, key, event id), and refuses
 * one message with EVENTC_E_UNAVAILABLE when told to (the fail_at-th message of fail_key). */
#ifndef EVENTC_TESTS_TEST_PUBLISHER_H
#define EVENTC_TESTS_TEST_PUBLISHER_H

#include "store_events.h"

#include <eventc/messaging.h>

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

enum { TEST_PUBLISHER_MAX = 256 };

typedef struct test_publisher {
    eventc_publisher base;
    size_t n;
    char *topic[TEST_PUBLISHER_MAX];
    char *key[TEST_PUBLISHER_MAX];
    char *id[TEST_PUBLISHER_MAX];
    const char *fail_key;
    int fail_at;
    int seen_fail_key;
} test_publisher;

static inline char *tp_dup(const char *s)
{
    if (s == NULL)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    memcpy(d, s, n);
    return d;
}

static inline eventc_status tp_publish(eventc_publisher *pub, const char *topic,
                                       const eventc_message *const *msgs, size_t n,
                                       eventc_error *outcomes, eventc_error *err)
{
    test_publisher *tp = (test_publisher *)pub;
    eventc_status first = EVENTC_OK;
    for (size_t i = 0; i < n; i++) {
        eventc_error *o = outcomes ? &outcomes[i] : NULL;
        eventc_error_clear(o);
        const char *key = msgs[i]->key;
        if (tp->fail_key && key && strcmp(key, tp->fail_key) == 0 &&
            ++tp->seen_fail_key == tp->fail_at) {
            tp->fail_key = NULL;
            eventc_error_set(o, EVENTC_E_UNAVAILABLE, NULL, "refused on purpose");
            if (first == EVENTC_OK)
                first = eventc_error_set(err, EVENTC_E_UNAVAILABLE, "[0]", "refused on purpose");
            continue;
        }
        if (tp->n < TEST_PUBLISHER_MAX) {
            tp->topic[tp->n] = tp_dup(topic ? topic : msgs[i]->topic);
            tp->key[tp->n] = tp_dup(key);
            tp->id[tp->n] = tp_dup(msgs[i]->event.id);
            tp->n++;
        }
    }
    return first;
}

static inline eventc_status tp_flush(eventc_publisher *pub, int timeout_ms, eventc_error *err)
{
    (void)pub;
    (void)timeout_ms;
    (void)err;
    return EVENTC_OK;
}

static inline void tp_close(eventc_publisher *pub)
{
    (void)pub;
}

static const eventc_publisher_methods test_publisher_methods = {EVENTC_PUBLISHER_VERSION, "test",
                                                                tp_publish, tp_flush, tp_close};

static inline void test_publisher_reset(test_publisher *tp)
{
    for (size_t i = 0; i < tp->n; i++) {
        free(tp->topic[i]);
        free(tp->key[i]);
        free(tp->id[i]);
    }
    tp->n = 0;
}

static inline void test_publisher_init(test_publisher *tp)
{
    memset(tp, 0, sizeof(*tp));
    tp->base.methods = &test_publisher_methods;
}

static inline void test_publisher_free(test_publisher *tp)
{
    test_publisher_reset(tp);
}

/** Whether the messages of @p key came in order (a repeat of an earlier one is allowed; a new
 *  one is always later than every one before it) and @p distinct different ones came. */
static inline bool test_publisher_in_order(const test_publisher *tp, const char *key,
                                           size_t distinct)
{
    long max = -1;
    size_t n = 0;
    for (size_t i = 0; i < tp->n; i++) {
        if (tp->key[i] == NULL || strcmp(tp->key[i], key) != 0)
            continue;
        long seq = store_event_id_seq(tp->id[i]);
        if (seq > max) {
            max = seq;
            n++;
            continue;
        }
        /* Not new: it must be a repeat of one that came before. */
        bool repeat = false;
        for (size_t j = 0; j < i && !repeat; j++)
            repeat =
                tp->key[j] && strcmp(tp->key[j], key) == 0 && strcmp(tp->id[j], tp->id[i]) == 0;
        if (!repeat)
            return false;
    }
    return n == distinct;
}

#endif
