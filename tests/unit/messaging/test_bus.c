/* The in-memory bus: fan-out to groups, competing consumers, order per key, nack delays and
 * visibility timeouts on a manual clock, bounds, and what close does. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <eventc/bus.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* No CHECK in here: producer threads call it. */
static eventc_status make(eventc_message *m, const char *id, const char *key)
{
    eventc_message_init(m, NULL);
    eventc_status st =
        eventc_ce_init_json(&m->event, NULL, id, "/test", "com.example.t.happened", "{}", 2, NULL);
    if (st == EVENTC_OK && key != NULL) {
        st = eventc_message_set_key(m, key, NULL);
    }
    return st;
}

static eventc_status pub1(eventc_publisher *p, const char *topic, const char *id, const char *key)
{
    eventc_message m;
    eventc_status st = make(&m, id, key);
    if (st == EVENTC_OK) {
        st = eventc_publisher_publish1(p, topic, &m, NULL);
    }
    eventc_message_clear(&m);
    return st;
}

static eventc_subscriber *sub_on(eventc_bus *bus, const char *topic, const char *group)
{
    eventc_error err;
    eventc_subscriber *s = eventc_bus_subscriber(bus);
    CHECK(s != NULL);
    CHECK(eventc_subscriber_subscribe(s, topic, group, &err) == EVENTC_OK);
    return s;
}

/* Fetches one message without waiting; NULL when none. */
static eventc_message *take(eventc_subscriber *s)
{
    eventc_message *m[1];
    size_t n;
    eventc_error err;
    eventc_status st = eventc_subscriber_fetch(s, 1, 0, m, &n, &err);
    if (st != EVENTC_OK) {
        CHECK(st == EVENTC_E_TIMEOUT);
        return NULL;
    }
    CHECK(n == 1);
    return m[0];
}

static void ack(eventc_subscriber *s, eventc_message *m)
{
    eventc_error err;
    CHECK(eventc_subscriber_ack(s, m, &err) == EVENTC_OK);
}

static void test_groups_and_competition(void)
{
    eventc_bus *bus = eventc_bus_new(NULL, NULL);
    eventc_publisher *p = eventc_bus_publisher(bus);
    /* No group yet: discarded. */
    CHECK(pub1(p, "t", "lost", NULL) == EVENTC_OK);
    eventc_subscriber *a1 = sub_on(bus, "t", "a");
    eventc_subscriber *a2 = sub_on(bus, "t", "a");
    eventc_subscriber *b = sub_on(bus, "t", "b");
    eventc_error err;
    CHECK(eventc_subscriber_subscribe(b, "t", "c", &err) == EVENTC_E_INVALID_ARGUMENT);
    for (int i = 0; i < 4; i++) {
        char id[8];
        snprintf(id, sizeof(id), "e%d", i);
        CHECK(pub1(p, "t", id, NULL) == EVENTC_OK);
    }
    CHECK(eventc_bus_pending(bus, "t", "a") == 4);
    CHECK(eventc_bus_pending(bus, "t", "b") == 4);
    CHECK(eventc_bus_pending(bus, "t", "zzz") == 0);
    /* Group b gets all four, in order. */
    for (int i = 0; i < 4; i++) {
        eventc_message *m = take(b);
        CHECK(m != NULL);
        if (m != NULL) {
            char id[8];
            snprintf(id, sizeof(id), "e%d", i);
            CHECK_STR(m->event.id, id);
            CHECK_STR(m->topic, "t");
            CHECK(m->attempt == 1);
            ack(b, m);
        }
    }
    CHECK(take(b) == NULL);
    /* Group a's consumers share them: two each when they alternate. */
    eventc_message *x = take(a1), *y = take(a2), *z = take(a1), *w = take(a2);
    CHECK(x && y && z && w);
    CHECK(take(a1) == NULL && take(a2) == NULL);
    if (x && y && z && w) {
        CHECK_STR(x->event.id, "e0");
        CHECK_STR(w->event.id, "e3");
        /* A consumer cannot settle another's message. */
        CHECK(eventc_subscriber_ack(a2, x, &err) == EVENTC_E_INVALID_ARGUMENT);
        ack(a1, x);
        ack(a2, y);
        ack(a1, z);
        ack(a2, w);
    }
    CHECK(eventc_bus_pending(bus, "t", "a") == 0);
    eventc_subscriber_destroy(a1);
    eventc_subscriber_destroy(a2);
    eventc_subscriber_destroy(b);
    eventc_publisher_close(p);
    eventc_bus_free(bus);
}

static void test_order_per_key(void)
{
    eventc_manual_clock *mc = eventc_manual_clock_new(0);
    eventc_bus_config cfg = eventc_bus_config_default();
    cfg.clock = eventc_manual_clock_get(mc);
    eventc_bus *bus = eventc_bus_new(&cfg, NULL);
    eventc_publisher *p = eventc_bus_publisher(bus);
    eventc_subscriber *s1 = sub_on(bus, "t", "g");
    eventc_subscriber *s2 = sub_on(bus, "t", "g");
    eventc_error err;
    CHECK(pub1(p, "t", "k1-a", "k1") == EVENTC_OK);
    CHECK(pub1(p, "t", "k1-b", "k1") == EVENTC_OK);
    CHECK(pub1(p, "t", "k2-a", "k2") == EVENTC_OK);
    CHECK(pub1(p, "t", "nokey", NULL) == EVENTC_OK);
    eventc_message *m[4];
    size_t n;
    /* Only the first of each key is deliverable: k1-a, k2-a, nokey. */
    CHECK(eventc_subscriber_fetch(s1, 4, 0, m, &n, &err) == EVENTC_OK);
    CHECK(n == 3);
    CHECK_STR(m[0]->event.id, "k1-a");
    CHECK_STR(m[1]->event.id, "k2-a");
    CHECK_STR(m[2]->event.id, "nokey");
    CHECK_STR(m[0]->key, "k1");
    CHECK(m[2]->key == NULL);
    /* k1-b waits for k1-a, even for another consumer. */
    CHECK(take(s2) == NULL);
    /* A nack with a delay keeps k1 blocked until the delay passed, then k1-a comes first. */
    CHECK(eventc_subscriber_nack(s1, m[0], 1000, &err) == EVENTC_OK);
    CHECK(take(s2) == NULL);
    eventc_manual_clock_advance(mc, 999);
    CHECK(take(s2) == NULL);
    eventc_manual_clock_advance(mc, 1);
    eventc_message *again = take(s2);
    CHECK(again != NULL);
    if (again != NULL) {
        CHECK_STR(again->event.id, "k1-a");
        CHECK(again->attempt == 2);
        ack(s2, again);
    }
    eventc_message *next = take(s1);
    CHECK(next != NULL);
    if (next != NULL) {
        CHECK_STR(next->event.id, "k1-b");
        CHECK(next->attempt == 1);
        ack(s1, next);
    }
    ack(s1, m[1]);
    ack(s1, m[2]);
    CHECK(eventc_bus_pending(bus, "t", "g") == 0);
    eventc_subscriber_destroy(s1);
    eventc_subscriber_destroy(s2);
    eventc_publisher_close(p);
    eventc_bus_free(bus);
    eventc_manual_clock_free(mc);
}

static void test_visibility_timeout(void)
{
    eventc_manual_clock *mc = eventc_manual_clock_new(0);
    eventc_bus_config cfg = eventc_bus_config_default();
    cfg.clock = eventc_manual_clock_get(mc);
    cfg.visibility_timeout_ms = 5000;
    eventc_bus *bus = eventc_bus_new(&cfg, NULL);
    eventc_publisher *p = eventc_bus_publisher(bus);
    eventc_subscriber *s1 = sub_on(bus, "t", "g");
    eventc_subscriber *s2 = sub_on(bus, "t", "g");
    eventc_error err;
    CHECK(pub1(p, "t", "v", "k") == EVENTC_OK);
    eventc_message *first = take(s1);
    CHECK(first != NULL);
    CHECK(take(s2) == NULL);
    eventc_manual_clock_advance(mc, 4999);
    CHECK(take(s2) == NULL);
    eventc_manual_clock_advance(mc, 1);
    eventc_message *second = take(s2);
    CHECK(second != NULL);
    if (first != NULL && second != NULL) {
        CHECK(second->attempt == 2);
        /* The first holder is too late: its ack fails and changes nothing. */
        CHECK(eventc_subscriber_ack(s1, first, &err) == EVENTC_E_TIMEOUT);
        CHECK(eventc_bus_pending(bus, "t", "g") == 1);
        ack(s2, second);
    }
    CHECK(eventc_bus_pending(bus, "t", "g") == 0);
    eventc_subscriber_destroy(s1);
    eventc_subscriber_destroy(s2);
    eventc_publisher_close(p);
    eventc_bus_free(bus);
    eventc_manual_clock_free(mc);
}

static void test_bounds(void)
{
    eventc_bus_config cfg = eventc_bus_config_default();
    cfg.capacity = 2;
    cfg.publish_timeout_ms = 0;
    eventc_bus *bus = eventc_bus_new(&cfg, NULL);
    eventc_publisher *p = eventc_bus_publisher(bus);
    eventc_subscriber *a = sub_on(bus, "t", "a");
    eventc_subscriber *b = sub_on(bus, "t", "b");
    CHECK(pub1(p, "t", "1", NULL) == EVENTC_OK);
    CHECK(pub1(p, "t", "2", NULL) == EVENTC_OK);
    eventc_message *m = take(b);
    CHECK(m != NULL);
    if (m != NULL) {
        ack(b, m);
    }
    /* Group a is full: the message goes nowhere, not even to b which has room. */
    eventc_message msg;
    eventc_error err, outcomes[2];
    CHECK(make(&msg, "3", NULL) == EVENTC_OK);
    const eventc_message *both[2] = {&msg, &msg};
    CHECK(eventc_publisher_publish(p, "t", both, 2, outcomes, &err) == EVENTC_E_FULL);
    CHECK(outcomes[0].code == EVENTC_E_FULL && outcomes[1].code == EVENTC_E_FULL);
    CHECK_STR(err.path, "[0]");
    CHECK(eventc_bus_pending(bus, "t", "a") == 2);
    CHECK(eventc_bus_pending(bus, "t", "b") == 1);
    /* No topic anywhere: refused. */
    CHECK(eventc_publisher_publish1(p, NULL, &msg, &err) == EVENTC_E_INVALID_ARGUMENT);
    /* An invalid event is refused before it is queued. */
    eventc_message bad;
    eventc_message_init(&bad, NULL);
    CHECK(eventc_publisher_publish1(p, "t", &bad, &err) == EVENTC_E_REQUIRED);
    eventc_message_clear(&bad);
    eventc_message_clear(&msg);
    CHECK(eventc_bus_new(&(eventc_bus_config){0, 0, 0, NULL}, &err) == NULL);
    CHECK(err.code == EVENTC_E_INVALID_ARGUMENT);
    eventc_subscriber_destroy(a);
    eventc_subscriber_destroy(b);
    eventc_publisher_close(p);
    eventc_bus_free(bus);
}

typedef struct blocked {
    eventc_subscriber *sub;
    eventc_publisher *pub;
    eventc_status st;
} blocked;

static void *fetch_forever(void *arg)
{
    blocked *b = arg;
    eventc_message *m[1];
    size_t n;
    b->st = eventc_subscriber_fetch(b->sub, 1, -1, m, &n, NULL);
    return NULL;
}

static void *publish_blocked(void *arg)
{
    blocked *b = arg;
    b->st = pub1(b->pub, "t", "late", NULL);
    return NULL;
}

static void test_close(void)
{
    eventc_bus_config cfg = eventc_bus_config_default();
    cfg.capacity = 1;
    cfg.publish_timeout_ms = 600000;
    eventc_bus *bus = eventc_bus_new(&cfg, NULL);
    eventc_publisher *p = eventc_bus_publisher(bus);
    eventc_subscriber *s1 = sub_on(bus, "t", "g");
    eventc_subscriber *s2 = sub_on(bus, "t", "g");
    eventc_error err;

    /* close wakes a fetch blocked without a time limit. */
    blocked b = {s1, p, EVENTC_OK};
    pthread_t th;
    CHECK(pthread_create(&th, NULL, fetch_forever, &b) == 0);
    eventc_subscriber_close(s1);
    pthread_join(th, NULL);
    CHECK(b.st == EVENTC_E_CLOSED);
    eventc_subscriber_close(s1); /* idempotent */
    eventc_subscriber_destroy(s1);

    /* A closed consumer's unsettled message goes back to the group at once. */
    eventc_subscriber *s3 = sub_on(bus, "t", "g");
    CHECK(pub1(p, "t", "held", NULL) == EVENTC_OK);
    eventc_message *m = take(s3);
    CHECK(m != NULL);
    eventc_subscriber_close(s3);
    if (m != NULL) {
        CHECK_STR(m->event.id, "held"); /* still readable until destroy */
        CHECK(eventc_subscriber_ack(s3, m, &err) == EVENTC_E_CLOSED);
    }
    CHECK(eventc_subscriber_fetch(s3, 1, 0, &m, &(size_t){0}, &err) == EVENTC_E_CLOSED);
    eventc_message *again = take(s2);
    CHECK(again != NULL);
    if (again != NULL) {
        CHECK_STR(again->event.id, "held");
        CHECK(again->attempt == 2);
    }
    eventc_subscriber_destroy(s3);

    /* The group is full (capacity 1, "held" unacked): a publisher waits; bus close wakes it. */
    b.st = EVENTC_OK;
    CHECK(pthread_create(&th, NULL, publish_blocked, &b) == 0);
    eventc_bus_close(bus);
    pthread_join(th, NULL);
    CHECK(b.st == EVENTC_E_CLOSED);
    CHECK(pub1(p, "t", "after", NULL) == EVENTC_E_CLOSED);
    CHECK(eventc_subscriber_fetch(s2, 1, 0, &m, &(size_t){0}, &err) == EVENTC_E_CLOSED);
    eventc_subscriber_destroy(s2);
    eventc_publisher_close(p);
    eventc_bus_free(bus); /* frees "held", still queued */
}

typedef struct worker {
    eventc_bus *bus;
    int id;
    int count;
    int failures; /* CHECK is not thread-safe: counted here, checked after the join */
} worker;

static void *produce(void *arg)
{
    worker *w = arg;
    eventc_publisher *p = eventc_bus_publisher(w->bus);
    for (int i = 0; i < w->count; i++) {
        char id[32], key[16];
        snprintf(id, sizeof(id), "p%d-%d", w->id, i);
        snprintf(key, sizeof(key), "k%d", w->id);
        w->failures += pub1(p, "t", id, key) != EVENTC_OK;
    }
    eventc_publisher_close(p);
    return NULL;
}

/* Four producers, two consumers of one group: everything arrives once, in order per key. */
static void test_threads(void)
{
    eventc_bus_config cfg = eventc_bus_config_default();
    cfg.capacity = 64;
    cfg.publish_timeout_ms = 60000;
    eventc_bus *bus = eventc_bus_new(&cfg, NULL);
    eventc_subscriber *s[2] = {sub_on(bus, "t", "g"), sub_on(bus, "t", "g")};
    enum { PRODUCERS = 4, EACH = 500 };
    worker w[PRODUCERS];
    pthread_t th[PRODUCERS];
    for (int i = 0; i < PRODUCERS; i++) {
        w[i] = (worker){bus, i, EACH, 0};
        CHECK(pthread_create(&th[i], NULL, produce, &w[i]) == 0);
    }
    int next[PRODUCERS] = {0};
    int total = 0, turn = 0;
    while (total < PRODUCERS * EACH) {
        eventc_message *m[8];
        size_t n;
        eventc_status st = eventc_subscriber_fetch(s[turn], 8, 10000, m, &n, NULL);
        CHECK(st == EVENTC_OK);
        if (st != EVENTC_OK) {
            break;
        }
        for (size_t i = 0; i < n; i++) {
            int pid, seq;
            CHECK(sscanf(m[i]->event.id, "p%d-%d", &pid, &seq) == 2);
            CHECK(seq == next[pid]);
            next[pid] = seq + 1;
            ack(s[turn], m[i]);
            total++;
        }
        turn ^= 1;
    }
    for (int i = 0; i < PRODUCERS; i++) {
        pthread_join(th[i], NULL);
        CHECK(w[i].failures == 0);
    }
    CHECK(total == PRODUCERS * EACH);
    eventc_subscriber_destroy(s[0]);
    eventc_subscriber_destroy(s[1]);
    eventc_bus_free(bus);
}

int main(void)
{
    test_groups_and_competition();
    test_order_per_key();
    test_visibility_timeout();
    test_bounds();
    test_close();
    test_threads();
    return check_report();
}
