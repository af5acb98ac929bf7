/* The conformance suite (conformance.h). Shaped after Watermill's pubsub tests: one list of
 * tests, each a function of the adapter's factory, skipped when the adapter lacks a feature. */
#define _POSIX_C_SOURCE 200809L
#include "conformance.h"

#include <eventc/middleware.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* How long a consumer waits with nothing new before it gives up (a failure, never a pass);
 * --idle-limit MS raises it for slow runs (valgrind). */
static int idle_limit_ms = 15000;

typedef struct suite {
    const eventc_conformance_adapter *a;
    bool quick;
    int passed, failed, skipped;
} suite;

typedef struct test {
    suite *s;
    const char *name;
    pthread_mutex_t lock;
    int failures;
} test;

static void fail(test *t, const char *fmt, ...) EVENTC_PRINTF(2, 3);

static void fail(test *t, const char *fmt, ...)
{
    char msg[600];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&t->lock);
    if (++t->failures <= 10) {
        fprintf(stderr, "  %s: %s\n", t->name, msg);
    }
    pthread_mutex_unlock(&t->lock);
}

#define EXPECT(t, cond)                                                 \
    do {                                                                \
        if (!(cond)) {                                                  \
            fail((t), "%s:%d: expected %s", __FILE__, __LINE__, #cond); \
        }                                                               \
    } while (0)

static void fail_err(test *t, const char *what, const eventc_error *err)
{
    char line[512];
    eventc_error_format(err, line, sizeof(line));
    fail(t, "%s: %s", what, line);
}

static void topic_name(test *t, const char *suffix, char *out, size_t n)
{
    static atomic_uint counter;
    unsigned c = atomic_fetch_add(&counter, 1);
    snprintf(out, n, "conf.%s.%ld.%u%s", t->name, (long)getpid(), c, suffix);
}

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static eventc_publisher *new_pub(test *t)
{
    eventc_error err;
    eventc_error_clear(&err);
    eventc_publisher *p = t->s->a->new_publisher(t->s->a->ctx, &err);
    if (p == NULL) {
        fail_err(t, "new_publisher", &err);
    }
    return p;
}

static eventc_subscriber *new_sub(test *t, const char *topic, const char *group)
{
    eventc_error err;
    eventc_error_clear(&err);
    eventc_subscriber *s = t->s->a->new_subscriber(t->s->a->ctx, &err);
    if (s == NULL) {
        fail_err(t, "new_subscriber", &err);
        return NULL;
    }
    if (eventc_subscriber_subscribe(s, topic, group, &err) != EVENTC_OK) {
        fail_err(t, "subscribe", &err);
        eventc_subscriber_destroy(s);
        return NULL;
    }
    return s;
}

/* ---- events: index i, key k<j>, sequence number within its key ---- */

static eventc_status make_event(eventc_message *m, size_t index, int key, int seq)
{
    char id[48], k[16];
    snprintf(id, sizeof(id), "conf-%zu", index);
    snprintf(k, sizeof(k), "k%d", key);
    eventc_message_init(m, NULL);
    eventc_status st = eventc_ce_init_json(&m->event, NULL, id, "/eventc/conformance",
                                           "com.example.conformance.tested", "{\"n\":1}", 7, NULL);
    if (st == EVENTC_OK) {
        st = eventc_ce_set_ext_integer(&m->event, "confindex", (int32_t)index, NULL);
    }
    if (st == EVENTC_OK) {
        st = eventc_ce_set_ext_integer(&m->event, "confkey", key, NULL);
    }
    if (st == EVENTC_OK) {
        st = eventc_ce_set_ext_integer(&m->event, "confseq", seq, NULL);
    }
    if (st == EVENTC_OK) {
        st = eventc_message_set_key(m, k, NULL);
    }
    return st;
}

/* Publishes indices first .. first+count-1 in batches; index i has key key_base + (i - first) %
 * keys and sequence (i - first) / keys. */
static void publish_range(test *t, eventc_publisher *p, const char *topic, size_t first,
                          size_t count, int keys, int key_base)
{
    enum { BATCH = 50 };
    eventc_message msgs[BATCH];
    const eventc_message *ptrs[BATCH];
    for (size_t done = 0; done < count;) {
        size_t n = count - done < BATCH ? count - done : BATCH;
        size_t made = 0;
        for (; made < n; made++) {
            size_t rel = done + made;
            if (make_event(&msgs[made], first + rel, key_base + (int)(rel % (size_t)keys),
                           (int)(rel / (size_t)keys)) != EVENTC_OK) {
                fail(t, "cannot build event %zu", first + rel);
                eventc_message_clear(&msgs[made]);
                break;
            }
            ptrs[made] = &msgs[made];
        }
        eventc_error err;
        eventc_error_clear(&err);
        if (made > 0 && eventc_publisher_publish(p, topic, ptrs, made, NULL, &err) != EVENTC_OK) {
            fail_err(t, "publish", &err);
        }
        for (size_t i = 0; i < made; i++) {
            eventc_message_clear(&msgs[i]);
        }
        if (made < n) {
            return;
        }
        done += n;
    }
}

/* A publish the test makes before it consumes. When the adapter's publish waits for a consumer
 * (features.publish_waits_for_consumer), it runs on a thread of its own, joined by
 * publish_wait; otherwise right away. `msg` set: that one message, else publish_range's. */
typedef struct later {
    test *t;
    eventc_publisher *pub;
    const char *topic;
    size_t first, count;
    int keys, times;
    const eventc_message *msg;
    pthread_t thread;
    bool started;
} later;

static void *later_run(void *arg)
{
    later *l = arg;
    for (int i = 0; i < l->times; i++) {
        if (l->msg != NULL) {
            eventc_error err;
            eventc_error_clear(&err);
            if (eventc_publisher_publish1(l->pub, l->topic, l->msg, &err) != EVENTC_OK) {
                fail_err(l->t, "publish", &err);
            }
        } else {
            publish_range(l->t, l->pub, l->topic, l->first, l->count, l->keys, 0);
        }
    }
    return NULL;
}

static void publish_start(later *l, test *t, eventc_publisher *pub, const char *topic, size_t count,
                          int keys, int times, const eventc_message *msg)
{
    memset(l, 0, sizeof(*l));
    l->t = t;
    l->pub = pub;
    l->topic = topic;
    l->count = count;
    l->keys = keys;
    l->times = times;
    l->msg = msg;
    if (!t->s->a->features.publish_waits_for_consumer) {
        later_run(l);
    } else if (pthread_create(&l->thread, NULL, later_run, l) == 0) {
        l->started = true;
    } else {
        fail(t, "cannot start a publisher thread");
    }
}

static void publish_wait(later *l)
{
    if (l->started) {
        pthread_join(l->thread, NULL);
        l->started = false;
    }
}

/* ---- consuming into a shared tally ---- */

typedef struct tally {
    pthread_mutex_t lock;
    size_t expect;
    unsigned char *seen;
    size_t unique, dups;
    int *next; /* expected sequence per key */
    int keys;
    bool order;
} tally;

static bool tally_init(tally *tl, size_t expect, int keys, bool order)
{
    memset(tl, 0, sizeof(*tl));
    tl->expect = expect;
    tl->keys = keys;
    tl->order = order;
    tl->seen = calloc(expect, 1);
    tl->next = calloc((size_t)keys, sizeof(int));
    pthread_mutex_init(&tl->lock, NULL);
    return tl->seen != NULL && tl->next != NULL;
}

static void tally_free(tally *tl)
{
    free(tl->seen);
    free(tl->next);
    pthread_mutex_destroy(&tl->lock);
}

static bool tally_done(tally *tl)
{
    pthread_mutex_lock(&tl->lock);
    bool done = tl->unique >= tl->expect;
    pthread_mutex_unlock(&tl->lock);
    return done;
}

/* Records one delivery; checks its key, order and index. */
static void tally_add(test *t, tally *tl, const eventc_message *m)
{
    int32_t index = -1, key = -1, seq = -1;
    if (eventc_ce_ext_integer(&m->event, "confindex", &index) != EVENTC_OK ||
        eventc_ce_ext_integer(&m->event, "confkey", &key) != EVENTC_OK ||
        eventc_ce_ext_integer(&m->event, "confseq", &seq) != EVENTC_OK || index < 0 ||
        (size_t)index >= tl->expect || key < 0 || key >= tl->keys) {
        fail(t, "a message the test did not publish (id %s)", m->event.id ? m->event.id : "?");
        return;
    }
    char want_key[16];
    snprintf(want_key, sizeof(want_key), "k%d", (int)key);
    if (m->key == NULL || strcmp(m->key, want_key) != 0) {
        fail(t, "message %d delivered with key %s, published with %s", (int)index,
             m->key ? m->key : "(none)", want_key);
    }
    if (m->attempt < 1) {
        fail(t, "message %d delivered with attempt %u", (int)index, (unsigned)m->attempt);
    }
    pthread_mutex_lock(&tl->lock);
    if (tl->seen[index]++ != 0) {
        tl->dups++;
    } else {
        tl->unique++;
        if (tl->order && seq != tl->next[key]) {
            pthread_mutex_unlock(&tl->lock);
            fail(t, "key k%d: sequence %d arrived when %d was due", (int)key, (int)seq,
                 tl->next[key]);
            pthread_mutex_lock(&tl->lock);
        }
        if (seq >= tl->next[key]) {
            tl->next[key] = seq + 1;
        }
    }
    pthread_mutex_unlock(&tl->lock);
}

typedef struct consumer {
    test *t;
    tally *tl;
    eventc_subscriber *sub;
    size_t got;
    pthread_t thread;
} consumer;

/* Fetches and acks until the tally is complete or nothing came for idle_limit_ms. */
static void *consume(void *arg)
{
    consumer *c = arg;
    int idle = 0;
    while (!tally_done(c->tl) && idle < idle_limit_ms) {
        eventc_message *m[32];
        size_t n = 0;
        eventc_error err;
        eventc_error_clear(&err);
        eventc_status st = eventc_subscriber_fetch(c->sub, 32, 250, m, &n, &err);
        if (st == EVENTC_E_TIMEOUT) {
            idle += 250;
            continue;
        }
        if (st != EVENTC_OK) {
            fail_err(c->t, "fetch", &err);
            break;
        }
        idle = 0;
        for (size_t i = 0; i < n; i++) {
            tally_add(c->t, c->tl, m[i]);
            if (eventc_subscriber_ack(c->sub, m[i], &err) != EVENTC_OK) {
                fail_err(c->t, "ack", &err);
            }
        }
        c->got += n;
    }
    return NULL;
}

static void start_consumer(consumer *c, test *t, tally *tl, eventc_subscriber *sub)
{
    c->t = t;
    c->tl = tl;
    c->sub = sub;
    c->got = 0;
    if (pthread_create(&c->thread, NULL, consume, c) != 0) {
        fail(t, "cannot start a consumer thread");
        c->sub = NULL;
    }
}

static void join_consumer(consumer *c)
{
    if (c->sub != NULL) {
        pthread_join(c->thread, NULL);
    }
}

static void expect_complete(test *t, tally *tl, const char *what)
{
    if (tl->unique != tl->expect) {
        fail(t, "%s: %zu of %zu messages arrived", what, tl->unique, tl->expect);
    }
}

/* ---- the tests ---- */

static size_t scaled(test *t, size_t full, size_t quick)
{
    return t->s->quick ? quick : full;
}

/* 10,000 events, 16 keys, one consumer: nothing lost, keys intact, in order when promised. */
static void t_publish_subscribe(test *t)
{
    char topic[128];
    topic_name(t, "", topic, sizeof(topic));
    size_t n = scaled(t, 10000, 1000);
    eventc_subscriber *sub = new_sub(t, topic, "g");
    eventc_publisher *pub = new_pub(t);
    tally tl;
    if (sub != NULL && pub != NULL && tally_init(&tl, n, 16, t->s->a->features.order_per_key)) {
        consumer c;
        start_consumer(&c, t, &tl, sub);
        publish_range(t, pub, topic, 0, n, 16, 0);
        join_consumer(&c);
        expect_complete(t, &tl, "one consumer");
    }
    if (sub != NULL && pub != NULL) {
        tally_free(&tl);
    }
    eventc_publisher_close(pub);
    eventc_subscriber_destroy(sub);
}

/* Order per key with the group's consumers competing (one when there is no competition). */
static void t_order_per_key(test *t)
{
    char topic[128];
    topic_name(t, "", topic, sizeof(topic));
    size_t n = scaled(t, 2000, 400);
    int consumers = t->s->a->features.competing_consumers ? 2 : 1;
    eventc_subscriber *subs[2] = {NULL, NULL};
    for (int i = 0; i < consumers; i++) {
        subs[i] = new_sub(t, topic, "g");
    }
    eventc_publisher *pub = new_pub(t);
    tally tl;
    if (subs[0] != NULL && (consumers == 1 || subs[1] != NULL) && pub != NULL &&
        tally_init(&tl, n, 10, true)) {
        consumer c[2];
        for (int i = 0; i < consumers; i++) {
            start_consumer(&c[i], t, &tl, subs[i]);
        }
        publish_range(t, pub, topic, 0, n, 10, 0);
        for (int i = 0; i < consumers; i++) {
            join_consumer(&c[i]);
        }
        expect_complete(t, &tl, "ordered");
        tally_free(&tl);
    }
    eventc_publisher_close(pub);
    for (int i = 0; i < consumers; i++) {
        eventc_subscriber_destroy(subs[i]);
    }
}

/* Two groups: each gets every message. */
static void t_consumer_groups(test *t)
{
    char topic[128];
    topic_name(t, "", topic, sizeof(topic));
    size_t n = scaled(t, 1000, 200);
    eventc_subscriber *a = new_sub(t, topic, "ga");
    eventc_subscriber *b = new_sub(t, topic, "gb");
    eventc_publisher *pub = new_pub(t);
    tally ta, tb;
    if (a != NULL && b != NULL && pub != NULL) {
        tally_init(&ta, n, 4, false);
        tally_init(&tb, n, 4, false);
        consumer ca, cb;
        start_consumer(&ca, t, &ta, a);
        start_consumer(&cb, t, &tb, b);
        publish_range(t, pub, topic, 0, n, 4, 0);
        join_consumer(&ca);
        join_consumer(&cb);
        expect_complete(t, &ta, "group a");
        expect_complete(t, &tb, "group b");
        tally_free(&ta);
        tally_free(&tb);
    }
    eventc_publisher_close(pub);
    eventc_subscriber_destroy(a);
    eventc_subscriber_destroy(b);
}

/* Four consumers of one group share the messages: together they get each of them. */
static void t_competing_consumers(test *t)
{
    char topic[128];
    topic_name(t, "", topic, sizeof(topic));
    size_t n = scaled(t, 2000, 400);
    enum { K = 4 };
    eventc_subscriber *subs[K];
    bool ok = true;
    for (int i = 0; i < K; i++) {
        subs[i] = new_sub(t, topic, "g");
        ok = ok && subs[i] != NULL;
    }
    eventc_publisher *pub = new_pub(t);
    tally tl;
    if (ok && pub != NULL && tally_init(&tl, n, 64, false)) {
        consumer c[K];
        for (int i = 0; i < K; i++) {
            start_consumer(&c[i], t, &tl, subs[i]);
        }
        publish_range(t, pub, topic, 0, n, 64, 0);
        size_t total = 0;
        for (int i = 0; i < K; i++) {
            join_consumer(&c[i]);
            total += c[i].got;
        }
        expect_complete(t, &tl, "competing");
        if (tl.dups > 0) {
            printf("  note: %zu redeliveries among %zu deliveries\n", tl.dups, total);
        }
        tally_free(&tl);
    }
    eventc_publisher_close(pub);
    for (int i = 0; i < K; i++) {
        eventc_subscriber_destroy(subs[i]);
    }
}

/* Fetches one message, waiting up to `ms`; NULL (and a failure) when none came. */
static eventc_message *fetch_one(test *t, eventc_subscriber *s, int ms, const char *what)
{
    eventc_message *m[1];
    size_t n = 0;
    eventc_error err;
    eventc_error_clear(&err);
    if (eventc_subscriber_fetch(s, 1, ms, m, &n, &err) != EVENTC_OK) {
        fail_err(t, what, &err);
        return NULL;
    }
    return m[0];
}

/* A nack brings the message back (after its delay) with attempt + 1. */
static void t_nack_redelivery(test *t)
{
    char topic[128];
    topic_name(t, "", topic, sizeof(topic));
    eventc_subscriber *sub = new_sub(t, topic, "g");
    eventc_publisher *pub = new_pub(t);
    eventc_error err;
    if (sub != NULL && pub != NULL) {
        later l;
        publish_start(&l, t, pub, topic, 1, 1, 1, NULL);
        eventc_message *m = fetch_one(t, sub, idle_limit_ms, "first delivery");
        uint32_t attempt = m != NULL ? m->attempt : 0;
        if (m != NULL && eventc_subscriber_nack(sub, m, 0, &err) != EVENTC_OK) {
            fail_err(t, "nack", &err);
        }
        m = fetch_one(t, sub, idle_limit_ms, "redelivery after nack");
        if (m != NULL) {
            EXPECT(t, strcmp(m->event.id, "conf-0") == 0);
            EXPECT(t, m->attempt == attempt + 1);
            attempt = m->attempt;
            if (eventc_subscriber_nack(sub, m, 200, &err) != EVENTC_OK) {
                fail_err(t, "nack with delay", &err);
            }
        }
        m = fetch_one(t, sub, idle_limit_ms, "redelivery after a delayed nack");
        if (m != NULL) {
            EXPECT(t, m->attempt == attempt + 1);
            if (eventc_subscriber_ack(sub, m, &err) != EVENTC_OK) {
                fail_err(t, "ack", &err);
            }
        }
        size_t n = 0;
        eventc_message *none[1];
        EXPECT(t, eventc_subscriber_fetch(sub, 1, 300, none, &n, NULL) == EVENTC_E_TIMEOUT);
        publish_wait(&l);
    }
    eventc_publisher_close(pub);
    eventc_subscriber_destroy(sub);
}

/* A message neither acked nor nacked comes back after the visibility timeout. */
static void t_visibility_timeout(test *t)
{
    char topic[128];
    topic_name(t, "", topic, sizeof(topic));
    eventc_subscriber *sub = new_sub(t, topic, "g");
    eventc_publisher *pub = new_pub(t);
    int wait = (int)t->s->a->features.visibility_timeout_ms * 20 + 10000;
    if (sub != NULL && pub != NULL) {
        later l;
        publish_start(&l, t, pub, topic, 1, 1, 1, NULL);
        eventc_message *first = fetch_one(t, sub, idle_limit_ms, "first delivery");
        eventc_message *again = first != NULL ? fetch_one(t, sub, wait, "redelivery") : NULL;
        if (again != NULL) {
            EXPECT(t, strcmp(again->event.id, "conf-0") == 0);
            EXPECT(t, again->attempt == first->attempt + 1);
            eventc_error err;
            if (eventc_subscriber_ack(sub, again, &err) != EVENTC_OK) {
                fail_err(t, "ack of the redelivery", &err);
            }
        }
        publish_wait(&l);
    }
    eventc_publisher_close(pub);
    eventc_subscriber_destroy(sub);
}

typedef struct blocked {
    eventc_subscriber *sub;
    eventc_status st;
} blocked;

static void *blocked_fetch(void *arg)
{
    blocked *b = arg;
    eventc_message *m[1];
    size_t n;
    b->st = eventc_subscriber_fetch(b->sub, 1, 60000, m, &n, NULL);
    return NULL;
}

/* close wakes a fetch blocked in another thread; a closed consumer's unsettled message goes to
 * another consumer of its group. */
static void t_close_during_fetch(test *t)
{
    char topic[128];
    topic_name(t, "", topic, sizeof(topic));
    eventc_subscriber *sub = new_sub(t, topic, "g");
    if (sub != NULL) {
        blocked b = {sub, EVENTC_OK};
        pthread_t th;
        if (pthread_create(&th, NULL, blocked_fetch, &b) == 0) {
            pause_ms(50); /* most likely blocked by now; either way it must see CLOSED */
            eventc_subscriber_close(sub);
            pthread_join(th, NULL);
            EXPECT(t, b.st == EVENTC_E_CLOSED);
        }
        eventc_subscriber_destroy(sub);
    }
    if (!t->s->a->features.redeliver_on_close) {
        return;
    }
    eventc_subscriber *a = new_sub(t, topic, "g2");
    eventc_publisher *pub = new_pub(t);
    if (a != NULL && pub != NULL) {
        later l;
        publish_start(&l, t, pub, topic, 1, 1, 1, NULL);
        eventc_message *m = fetch_one(t, a, idle_limit_ms, "delivery before close");
        eventc_subscriber_close(a);
        eventc_subscriber *b2 = new_sub(t, topic, "g2");
        if (m != NULL && b2 != NULL) {
            eventc_message *again = fetch_one(t, b2, idle_limit_ms, "redelivery after close");
            if (again != NULL) {
                EXPECT(t, strcmp(again->event.id, "conf-0") == 0);
                EXPECT(t, eventc_subscriber_ack(b2, again, NULL) == EVENTC_OK);
            }
        }
        publish_wait(&l);
        eventc_subscriber_destroy(b2);
    }
    eventc_subscriber_destroy(a);
    eventc_publisher_close(pub);
}

typedef struct producer {
    test *t;
    const char *topic;
    size_t first, count;
    int key;
    pthread_t thread;
    bool started;
} producer;

static void *produce(void *arg)
{
    producer *p = arg;
    eventc_publisher *pub = new_pub(p->t);
    if (pub != NULL) {
        publish_range(p->t, pub, p->topic, p->first, p->count, 1, p->key);
        eventc_publisher_close(pub);
    }
    return NULL;
}

/* Eight publisher threads at once, each on its own key: all arrive, each key in order. */
static void t_concurrent_publishers(test *t)
{
    char topic[128];
    topic_name(t, "", topic, sizeof(topic));
    enum { P = 8 };
    size_t each = scaled(t, 1000, 100);
    eventc_subscriber *sub = new_sub(t, topic, "g");
    tally tl;
    if (sub != NULL && tally_init(&tl, each * P, P, t->s->a->features.order_per_key)) {
        consumer c;
        start_consumer(&c, t, &tl, sub);
        producer p[P];
        for (int i = 0; i < P; i++) {
            p[i].t = t;
            p[i].topic = topic;
            p[i].first = each * (size_t)i;
            p[i].count = each;
            p[i].key = i;
            p[i].started = pthread_create(&p[i].thread, NULL, produce, &p[i]) == 0;
            EXPECT(t, p[i].started);
        }
        for (int i = 0; i < P; i++) {
            if (p[i].started) {
                pthread_join(p[i].thread, NULL);
            }
        }
        join_consumer(&c);
        expect_complete(t, &tl, "eight publishers");
        tally_free(&tl);
    }
    eventc_subscriber_destroy(sub);
}

/* A 1 MiB binary payload arrives intact. */
static void t_large_payload(test *t)
{
    char topic[128];
    topic_name(t, "", topic, sizeof(topic));
    size_t size = (size_t)1 << 20;
    unsigned char *data = malloc(size);
    eventc_subscriber *sub = new_sub(t, topic, "g");
    eventc_publisher *pub = new_pub(t);
    if (data != NULL && sub != NULL && pub != NULL) {
        for (size_t i = 0; i < size; i++) {
            data[i] = (unsigned char)((i * 2654435761u) >> 13);
        }
        eventc_message m;
        eventc_message_init(&m, NULL);
        EXPECT(t, eventc_ce_init_json(&m.event, NULL, "conf-big", "/eventc/conformance",
                                      "com.example.conformance.large", "{}", 2, NULL) == EVENTC_OK);
        EXPECT(t, eventc_ce_set_datacontenttype(&m.event, "application/octet-stream", NULL) ==
                      EVENTC_OK);
        EXPECT(t, eventc_ce_set_data_binary(&m.event, data, size, NULL) == EVENTC_OK);
        EXPECT(t, eventc_message_set_key(&m, "big", NULL) == EVENTC_OK);
        later l;
        publish_start(&l, t, pub, topic, 0, 0, 1, &m);
        eventc_message *got = fetch_one(t, sub, idle_limit_ms, "1 MiB delivery");
        if (got != NULL) {
            EXPECT(t, strcmp(got->event.id, "conf-big") == 0);
            EXPECT(t, got->event.data_len == size);
            EXPECT(t, got->event.data_len == size && memcmp(got->event.data, data, size) == 0);
            EXPECT(t, eventc_subscriber_ack(sub, got, NULL) == EVENTC_OK);
        }
        publish_wait(&l);
        eventc_message_clear(&m);
    }
    free(data);
    eventc_publisher_close(pub);
    eventc_subscriber_destroy(sub);
}

static void quiet(void *ctx, const char *handler, const eventc_error *err)
{
    (void)handler, (void)err;
    atomic_fetch_add((atomic_int *)ctx, 1);
}

typedef struct counting {
    int *calls;
    size_t n;
    bool fail;
} counting;

static eventc_status count_calls(const eventc_message *in, eventc_emitter *out, void *ctx,
                                 eventc_error *err)
{
    counting *c = ctx;
    int32_t index = -1;
    (void)out;
    if (eventc_ce_ext_integer(&in->event, "confindex", &index) == EVENTC_OK && index >= 0 &&
        (size_t)index < c->n) {
        c->calls[index]++;
    }
    if (c->fail) {
        return eventc_error_set(err, EVENTC_E_UNAVAILABLE, NULL, "the handler always fails");
    }
    return EVENTC_OK;
}

/* Runs `r` on this thread until `enough` returns true or nothing happens for the idle limit. */
static void drive(test *t, eventc_router *r, bool (*enough)(void *), void *ctx)
{
    int idle = 0;
    while (!enough(ctx) && idle < idle_limit_ms) {
        size_t n = 0;
        eventc_error err;
        eventc_error_clear(&err);
        if (eventc_router_run_once(r, 250, &n, &err) != EVENTC_OK) {
            fail_err(t, "run_once", &err);
            return;
        }
        idle = n > 0 ? 0 : idle + 250;
    }
}

typedef struct settled {
    eventc_router *r;
    uint64_t want;
} settled;

static bool all_settled(void *ctx)
{
    settled *s = ctx;
    eventc_router_stats st = eventc_router_stats_get(s->r);
    return st.handled + st.failed >= s->want;
}

/* Every event published twice (a duplicate delivery) is handled exactly once through the
 * deduplicator; both copies are acked. */
static void t_dedupe_exactly_once(test *t)
{
    char topic[128];
    topic_name(t, "", topic, sizeof(topic));
    size_t n = scaled(t, 500, 100);
    eventc_subscriber *sub = t->s->a->new_subscriber(t->s->a->ctx, NULL);
    eventc_publisher *pub = new_pub(t);
    eventc_dedupe_store *store = eventc_memory_dedupe_new(NULL);
    atomic_int errors;
    atomic_init(&errors, 0);
    eventc_router_config rc = eventc_router_config_default();
    rc.on_error = quiet;
    rc.on_error_ctx = &errors;
    eventc_router *r = eventc_router_new(&rc, NULL);
    int *calls = calloc(n, sizeof(int));
    counting cc = {calls, n, false};
    eventc_middleware mw;
    eventc_dedupe_config dc = {store, NULL, 0, 0};
    eventc_error err;
    eventc_handler_config h = eventc_handler_config_default();
    h.name = "once";
    h.subscriber = sub;
    h.topic = topic;
    h.group = "g";
    h.fn = count_calls;
    h.ctx = &cc;
    h.middleware = &mw;
    h.n_middleware = 1;
    h.batch = 16;
    if (sub == NULL || pub == NULL || store == NULL || r == NULL || calls == NULL ||
        eventc_dedupe_middleware(&dc, &mw, &err) != EVENTC_OK) {
        fail(t, "cannot set up the router");
    } else if (eventc_router_add_handler(r, &h, &err) != EVENTC_OK) {
        fail_err(t, "add_handler", &err);
    } else {
        later l;
        publish_start(&l, t, pub, topic, n, 8, 2, NULL);
        /* A transport that drops the second copy on publish delivers each event once. */
        size_t deliveries = t->s->a->features.publish_dedupe ? n : 2 * n;
        settled s = {r, deliveries};
        drive(t, r, all_settled, &s);
        publish_wait(&l);
        size_t once = 0;
        for (size_t i = 0; i < n; i++) {
            once += calls[i] == 1;
        }
        if (once != n) {
            fail(t, "%zu of %zu events were handled exactly once", once, n);
        }
        EXPECT(t, eventc_router_stats_get(r).handled == deliveries);
    }
    eventc_router_free(r);
    free(calls);
    eventc_dedupe_close(store);
    eventc_publisher_close(pub);
    eventc_subscriber_destroy(sub);
}

typedef struct dlq_wait {
    test *t;
    eventc_subscriber *dlq;
    eventc_message *got;
    /* When publish waits for a consumer, a thread takes the dead letter (the router's dead-letter
     * publish waits for it), keeps a copy and acks it. */
    eventc_message copy;
    atomic_bool have, stop;
    pthread_t thread;
    bool threaded;
} dlq_wait;

static void *dlq_watch(void *arg)
{
    dlq_wait *w = arg;
    while (!atomic_load(&w->stop) && !atomic_load(&w->have)) {
        eventc_message *m[1];
        size_t n;
        if (eventc_subscriber_fetch(w->dlq, 1, 250, m, &n, NULL) == EVENTC_OK) {
            if (eventc_message_copy(&w->copy, m[0], NULL) != EVENTC_OK) {
                fail(w->t, "cannot copy the dead letter");
            }
            EXPECT(w->t, eventc_subscriber_ack(w->dlq, m[0], NULL) == EVENTC_OK);
            atomic_store(&w->have, true);
        }
    }
    return NULL;
}

static bool dead_lettered(void *ctx)
{
    dlq_wait *w = ctx;
    if (w->threaded) {
        return atomic_load(&w->have);
    }
    if (w->got == NULL) {
        eventc_message *m[1];
        size_t n;
        if (eventc_subscriber_fetch(w->dlq, 1, 0, m, &n, NULL) == EVENTC_OK) {
            w->got = m[0];
        }
    }
    return w->got != NULL;
}

/* A handler failing on every delivery: after the fifth, the message is dead-lettered. */
static void t_dead_letter(test *t)
{
    char topic[128], dlq_topic[128];
    topic_name(t, "", topic, sizeof(topic));
    topic_name(t, ".dlq", dlq_topic, sizeof(dlq_topic));
    eventc_subscriber *sub = t->s->a->new_subscriber(t->s->a->ctx, NULL);
    eventc_subscriber *dlq = new_sub(t, dlq_topic, "check");
    eventc_publisher *pub = new_pub(t);
    atomic_int errors;
    atomic_init(&errors, 0);
    eventc_router_config rc = eventc_router_config_default();
    rc.on_error = quiet;
    rc.on_error_ctx = &errors;
    eventc_router *r = eventc_router_new(&rc, NULL);
    int calls[1] = {0};
    counting cc = {calls, 1, true};
    eventc_middleware mw;
    eventc_deadletter_config dc = {pub, dlq_topic, 5};
    eventc_error err;
    eventc_handler_config h = eventc_handler_config_default();
    h.name = "failing";
    h.subscriber = sub;
    h.topic = topic;
    h.group = "g";
    h.fn = count_calls;
    h.ctx = &cc;
    h.middleware = &mw;
    h.n_middleware = 1;
    if (sub == NULL || dlq == NULL || pub == NULL || r == NULL ||
        eventc_deadletter_middleware(&dc, &mw, &err) != EVENTC_OK) {
        fail(t, "cannot set up the router");
    } else if (eventc_router_add_handler(r, &h, &err) != EVENTC_OK) {
        fail_err(t, "add_handler", &err);
    } else {
        later l;
        publish_start(&l, t, pub, topic, 1, 1, 1, NULL);
        dlq_wait w;
        memset(&w, 0, sizeof(w));
        w.t = t;
        w.dlq = dlq;
        eventc_message_init(&w.copy, NULL);
        atomic_init(&w.have, false);
        atomic_init(&w.stop, false);
        if (t->s->a->features.publish_waits_for_consumer) {
            w.threaded = pthread_create(&w.thread, NULL, dlq_watch, &w) == 0;
            EXPECT(t, w.threaded);
        }
        drive(t, r, dead_lettered, &w);
        if (w.threaded) {
            atomic_store(&w.stop, true);
            pthread_join(w.thread, NULL);
            if (atomic_load(&w.have)) {
                w.got = &w.copy;
            }
        }
        if (w.got == NULL) {
            fail(t, "nothing was dead-lettered (%d handler calls)", calls[0]);
        } else {
            int32_t delivery = 0;
            EXPECT(t, calls[0] == 5);
            EXPECT(t, strcmp(w.got->event.id, "conf-0") == 0);
            EXPECT(t, eventc_ce_ext_integer(&w.got->event, EVENTC_DLQ_DELIVERY, &delivery) ==
                              EVENTC_OK &&
                          delivery == 5);
            EXPECT(t, eventc_ce_get_ext(&w.got->event, EVENTC_DLQ_REASON) != NULL);
            if (!w.threaded) {
                EXPECT(t, eventc_subscriber_ack(dlq, w.got, NULL) == EVENTC_OK);
            }
        }
        publish_wait(&l);
        eventc_message_clear(&w.copy);
        EXPECT(t, atomic_load(&errors) == 4);
    }
    eventc_router_free(r);
    eventc_publisher_close(pub);
    eventc_subscriber_destroy(dlq);
    eventc_subscriber_destroy(sub);
}

/* Messages published just before the publisher closes are all delivered (close flushes). */
static void t_publisher_close(test *t)
{
    char topic[128];
    topic_name(t, "", topic, sizeof(topic));
    size_t n = scaled(t, 500, 100);
    eventc_subscriber *sub = new_sub(t, topic, "g");
    eventc_publisher *pub = new_pub(t);
    tally tl;
    if (sub != NULL && pub != NULL && tally_init(&tl, n, 4, false)) {
        consumer c;
        if (t->s->a->features.publish_waits_for_consumer) {
            /* publish returns once consumed: consume while publishing, then close */
            start_consumer(&c, t, &tl, sub);
            publish_range(t, pub, topic, 0, n, 4, 0);
            eventc_publisher_close(pub);
            pub = NULL;
        } else {
            publish_range(t, pub, topic, 0, n, 4, 0);
            eventc_publisher_close(pub);
            pub = NULL;
            start_consumer(&c, t, &tl, sub);
        }
        join_consumer(&c);
        expect_complete(t, &tl, "after close");
        tally_free(&tl);
    }
    eventc_publisher_close(pub);
    eventc_subscriber_destroy(sub);
}

/* A subscription sees its own topic only. */
static void t_topic_isolation(test *t)
{
    char a[128], b[128];
    topic_name(t, ".a", a, sizeof(a));
    topic_name(t, ".b", b, sizeof(b));
    eventc_subscriber *sa = new_sub(t, a, "g");
    eventc_subscriber *sb = new_sub(t, b, "g");
    eventc_publisher *pub = new_pub(t);
    if (sa != NULL && sb != NULL && pub != NULL) {
        later l;
        publish_start(&l, t, pub, a, 1, 1, 1, NULL);
        eventc_message *m = fetch_one(t, sa, idle_limit_ms, "delivery on its topic");
        if (m != NULL) {
            EXPECT(t, eventc_subscriber_ack(sa, m, NULL) == EVENTC_OK);
        }
        eventc_message *none[1];
        size_t n = 0;
        EXPECT(t, eventc_subscriber_fetch(sb, 1, 300, none, &n, NULL) == EVENTC_E_TIMEOUT);
        publish_wait(&l);
    }
    eventc_publisher_close(pub);
    eventc_subscriber_destroy(sa);
    eventc_subscriber_destroy(sb);
}

/* ---- the runner ---- */

typedef struct test_def {
    const char *name;
    void (*fn)(test *t);
    const char *needs; /* the feature, for the skip message */
} test_def;

static bool has(const eventc_conformance_features *f, const char *need)
{
    if (need == NULL) {
        return true;
    }
    if (strcmp(need, "consumer_groups") == 0) {
        return f->consumer_groups;
    }
    if (strcmp(need, "competing_consumers") == 0) {
        return f->competing_consumers;
    }
    if (strcmp(need, "order_per_key") == 0) {
        return f->order_per_key;
    }
    if (strcmp(need, "nack_redelivery") == 0) {
        return f->nack_redelivery;
    }
    if (strcmp(need, "visibility_timeout") == 0) {
        return f->visibility_timeout;
    }
    if (strcmp(need, "max_payload") == 0) {
        return f->max_payload >= ((size_t)1 << 20) + ((size_t)64 << 10);
    }
    return false;
}

static const test_def tests[] = {
    {"publish_subscribe", t_publish_subscribe, NULL},
    {"order_per_key", t_order_per_key, "order_per_key"},
    {"consumer_groups", t_consumer_groups, "consumer_groups"},
    {"competing_consumers", t_competing_consumers, "competing_consumers"},
    {"nack_redelivery", t_nack_redelivery, "nack_redelivery"},
    {"visibility_timeout", t_visibility_timeout, "visibility_timeout"},
    {"close_during_fetch", t_close_during_fetch, NULL},
    {"concurrent_publishers", t_concurrent_publishers, NULL},
    {"large_payload", t_large_payload, "max_payload"},
    {"dedupe_exactly_once", t_dedupe_exactly_once, NULL},
    {"dead_letter", t_dead_letter, "nack_redelivery"},
    {"publisher_close", t_publisher_close, NULL},
    {"topic_isolation", t_topic_isolation, NULL},
};

int eventc_conformance_run(const eventc_conformance_adapter *a, int argc, char **argv)
{
    suite s = {a, false, 0, 0, 0};
    const char *only = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--quick") == 0) {
            s.quick = true;
        } else if (strcmp(argv[i], "--idle-limit") == 0 && i + 1 < argc) {
            idle_limit_ms = atoi(argv[++i]);
            if (idle_limit_ms < 1000) {
                idle_limit_ms = 1000;
            }
        } else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
            only = argv[++i];
        } else if (strcmp(argv[i], "--list") == 0) {
            for (size_t k = 0; k < sizeof(tests) / sizeof(tests[0]); k++) {
                printf("%s\n", tests[k].name);
            }
            return 0;
        }
    }
    printf("conformance: adapter %s%s\n", a->name, s.quick ? " (quick)" : "");
    for (size_t k = 0; k < sizeof(tests) / sizeof(tests[0]); k++) {
        const test_def *d = &tests[k];
        if (only != NULL && strcmp(only, d->name) != 0) {
            continue;
        }
        if (!has(&a->features, d->needs)) {
            printf("skip %s (the adapter lacks %s)\n", d->name, d->needs);
            s.skipped++;
            continue;
        }
        test t = {&s, d->name, PTHREAD_MUTEX_INITIALIZER, 0};
        eventc_error err;
        eventc_error_clear(&err);
        if (a->setup != NULL && a->setup(a->ctx, &err) != EVENTC_OK) {
            fail_err(&t, "setup", &err);
        } else {
            d->fn(&t);
        }
        if (a->teardown != NULL) {
            a->teardown(a->ctx);
        }
        pthread_mutex_destroy(&t.lock);
        printf("%s %s\n", t.failures == 0 ? "ok  " : "FAIL", d->name);
        fflush(stdout);
        if (t.failures == 0) {
            s.passed++;
        } else {
            s.failed++;
        }
    }
    printf("%d passed, %d failed, %d skipped\n", s.passed, s.failed, s.skipped);
    return s.failed == 0 ? 0 : 1;
}
