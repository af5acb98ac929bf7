/* Helpers of the Kafka adapter's tests: events, publishing, subscribing and fetching on the
 * mock cluster, with the unit tests' CHECK macros (never from a second thread). */
#ifndef EVENTC_TEST_KAFKA_TEST_H
#define EVENTC_TEST_KAFKA_TEST_H

#include "check.h"
#include "kafka_mock.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* A message with id @p id, key @p key (NULL: none) and JSON data {"n":n}. */
static inline eventc_status kt_make(eventc_message *m, const char *id, const char *key, int n)
{
    char data[32];
    int len = snprintf(data, sizeof(data), "{\"n\":%d}", n);
    eventc_message_init(m, NULL);
    eventc_status st = eventc_ce_init_json(&m->event, NULL, id, "/test/kafka",
                                           "com.example.kafka.tested", data, (size_t)len, NULL);
    if (st == EVENTC_OK && key != NULL) {
        st = eventc_message_set_key(m, key, NULL);
    }
    return st;
}

/* Publishes one message; returns its status. */
static inline eventc_status kt_publish1(eventc_publisher *p, const char *topic, const char *id,
                                        const char *key)
{
    eventc_message m;
    eventc_status st = kt_make(&m, id, key, 0);
    if (st == EVENTC_OK) {
        st = eventc_publisher_publish1(p, topic, &m, NULL);
    }
    eventc_message_clear(&m);
    return st;
}

/* Publishes ids <prefix><first>..<prefix><first+n-1>, key k<i % keys> (keys 0: k<i>), in batches
 * of 50. Returns the first failure. */
static inline eventc_status kt_publish_range(eventc_publisher *p, const char *topic,
                                             const char *prefix, int first, int n, int keys)
{
    enum { BATCH = 50 };
    eventc_message msgs[BATCH];
    const eventc_message *ptrs[BATCH];
    eventc_status result = EVENTC_OK;
    for (int done = 0; done < n;) {
        int b = n - done < BATCH ? n - done : BATCH;
        for (int i = 0; i < b; i++) {
            char id[64], key[32];
            int index = first + done + i;
            snprintf(id, sizeof(id), "%s%d", prefix, index);
            snprintf(key, sizeof(key), "k%d", keys > 0 ? index % keys : index);
            if (kt_make(&msgs[i], id, key, index) != EVENTC_OK) {
                result = EVENTC_E_NOMEM;
            }
            ptrs[i] = &msgs[i];
        }
        eventc_error err;
        eventc_status st = eventc_publisher_publish(p, topic, ptrs, (size_t)b, NULL, &err);
        if (st != EVENTC_OK && result == EVENTC_OK) {
            char line[600];
            eventc_error_format(&err, line, sizeof(line));
            fprintf(stderr, "publish: %s\n", line);
            result = st;
        }
        for (int i = 0; i < b; i++) {
            eventc_message_clear(&msgs[i]);
        }
        done += b;
    }
    return result;
}

/* A subscriber of @p group on @p topic. */
static inline eventc_subscriber *kt_sub(const eventc_kafka_config *cfg, const char *topic,
                                        const char *group)
{
    eventc_error err;
    eventc_subscriber *s = eventc_kafka_subscriber_new(cfg, &err);
    CHECK(s != NULL);
    if (s != NULL && eventc_subscriber_subscribe(s, topic, group, &err) != EVENTC_OK) {
        fprintf(stderr, "subscribe: %s\n", err.message);
        CHECK(0);
    }
    return s;
}

/* Fetches until @p want messages are in @p out (or 30 s pass); returns how many came. */
static inline size_t kt_fetch(eventc_subscriber *s, eventc_message **out, size_t want)
{
    size_t got = 0;
    for (int idle = 0; got < want && idle < 30000; idle += 250) {
        size_t n = 0;
        eventc_error err;
        eventc_status st = eventc_subscriber_fetch(s, want - got, 250, out + got, &n, &err);
        if (st == EVENTC_OK) {
            got += n;
            idle = -250;
        } else if (st != EVENTC_E_TIMEOUT) {
            fprintf(stderr, "fetch: %s\n", err.message);
            break;
        }
    }
    return got;
}

/* Fetches at most one message, waiting up to @p ms; NULL when none came. */
static inline eventc_message *kt_fetch1(eventc_subscriber *s, int ms)
{
    eventc_message *m[1];
    size_t n = 0;
    return eventc_subscriber_fetch(s, 1, ms, m, &n, NULL) == EVENTC_OK ? m[0] : NULL;
}

static inline void kt_ack(eventc_subscriber *s, eventc_message *m)
{
    eventc_error err;
    eventc_status st = eventc_subscriber_ack(s, m, &err);
    if (st != EVENTC_OK) {
        fprintf(stderr, "ack: %s\n", err.message);
    }
    CHECK(st == EVENTC_OK);
}

static inline void kt_sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Waits (fetching nothing: max 1 with a 0 timeout would take a message) until group's committed
 * offset of topic/partition is @p want, pumping @p s with short fetches that must find
 * nothing. Returns the last offset seen. */
static inline long long kt_wait_committed(const kafka_mock *m, eventc_subscriber *s,
                                          const char *group, const char *topic, long long want)
{
    long long got = -3;
    for (int i = 0; i < 100 && got != want; i++) {
        if (s != NULL) {
            eventc_message *none = kt_fetch1(s, 20);
            CHECK(none == NULL);
        }
        got = kafka_mock_committed(m, group, topic, 0);
        if (got != want) {
            kt_sleep_ms(50);
        }
    }
    return got;
}

#endif
