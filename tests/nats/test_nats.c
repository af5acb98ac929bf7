/* The NATS JetStream adapter beyond the conformance suite, on a real nats-server
 * (tests/support/nats_server.h): stream names and layouts, partitions, configuration checks,
 * the server dropping a re-published duplicate by Nats-Msg-Id, keys that travel in Eventc-Key,
 * bad input (raw NATS messages no CloudEvent reader accepts) dead-lettered with its reason
 * without stalling the consumer, order per key across a nack with competing consumers,
 * MaxDeliver ending in the dead letter, back-pressure of the pending window, and a publish
 * while the server is down failing in time and the next one reconnecting. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "nats_server.h"

#include <eventc/middleware.h>
#include <eventc/nats.h>

#include <nats/nats.h>

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

static nats_server srv;
static char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 32];

static const char *fmt(const eventc_error *err)
{
    eventc_error_format(err, line, sizeof(line));
    return line;
}

static eventc_nats_config config(unsigned partitions)
{
    eventc_nats_config c = eventc_nats_config_default();
    c.url = srv.url;
    c.partitions = partitions;
    c.ack_wait_ms = 2000;
    return c;
}

/* An event with id `id`, key `key` (NULL: none) and the index as data. */
static void make(eventc_message *m, const char *id, const char *key, int n)
{
    char data[32];
    snprintf(data, sizeof(data), "{\"n\":%d}", n);
    eventc_message_init(m, NULL);
    CHECK(eventc_ce_init_json(&m->event, NULL, id, "/test/nats", "com.example.test.happened", data,
                              strlen(data), NULL) == EVENTC_OK);
    if (key != NULL) {
        CHECK(eventc_message_set_key(m, key, NULL) == EVENTC_OK);
    }
}

static eventc_status publish(eventc_publisher *p, const char *topic, const char *id,
                             const char *key, int n)
{
    eventc_message m;
    eventc_error err;
    make(&m, id, key, n);
    eventc_status st = eventc_publisher_publish1(p, topic, &m, &err);
    if (st != EVENTC_OK) {
        fprintf(stderr, "publish %s: %s\n", id, fmt(&err));
    }
    eventc_message_clear(&m);
    return st;
}

static eventc_subscriber *subscriber(eventc_nats_config *c, const char *topic, const char *group)
{
    eventc_error err;
    eventc_subscriber *s = eventc_nats_subscriber_new(c, &err);
    CHECK(s != NULL);
    if (s != NULL && eventc_subscriber_subscribe(s, topic, group, &err) != EVENTC_OK) {
        fprintf(stderr, "subscribe: %s\n", fmt(&err));
        CHECK(0);
    }
    return s;
}

static eventc_message *fetch1(eventc_subscriber *s, int ms)
{
    eventc_message *m[1];
    size_t n = 0;
    eventc_error err;
    if (eventc_subscriber_fetch(s, 1, ms, m, &n, &err) != EVENTC_OK) {
        return NULL;
    }
    return m[0];
}

static int n_of(const eventc_message *m)
{
    const char *d = m->event.data;
    return d != NULL && strncmp(d, "{\"n\":", 5) == 0 ? atoi(d + 5) : -1;
}

/* ---- names, partitions, configuration ---- */

static void test_names(void)
{
    char name[64];
    eventc_error err;
    CHECK(eventc_nats_stream_name("com.example.Order-v2", name, sizeof(name), &err) == EVENTC_OK);
    CHECK_STR(name, "com_example_Order-v2");
    const char *bad[] = {"", "a..b", ".a", "a.", "a.*", "a.>", "a b", "a\tb", "caf\xc3\xa9"};
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK(eventc_nats_stream_name(bad[i], name, sizeof(name), &err) ==
              EVENTC_E_INVALID_ARGUMENT);
    }
    CHECK(eventc_nats_stream_name("a.b", name, 3, &err) == EVENTC_E_INVALID_ARGUMENT);
    /* 32-bit FNV-1a: the same partition in every language that implements it. */
    CHECK(eventc_nats_partition("", 0, 8) == 2166136261u % 8);
    CHECK(eventc_nats_partition("a", 1, 1000) == 3826002220u % 1000);
    CHECK(eventc_nats_partition("foobar", 6, 7) == 3214735720u % 7);

    eventc_nats_config c = eventc_nats_config_default();
    CHECK(eventc_nats_publisher_new(&c, &err) == NULL && err.code == EVENTC_E_INVALID_ARGUMENT);
    CHECK_STR(fmt(&err), "url: a server URL is required [invalid_argument]");
    c.url = srv.url;
    c.partitions = 1025;
    CHECK(eventc_nats_subscriber_new(&c, &err) == NULL && err.code == EVENTC_E_INVALID_ARGUMENT);
    c.partitions = 8;
    c.max_deliver = 1;
    CHECK(eventc_nats_subscriber_new(&c, &err) == NULL && err.code == EVENTC_E_INVALID_ARGUMENT);
    c.max_deliver = 0;
    const char *topics[] = {"ok.topic", "bad..topic"};
    c.topics = topics;
    c.n_topics = 2;
    CHECK(eventc_nats_publisher_new(&c, &err) == NULL && err.code == EVENTC_E_INVALID_ARGUMENT);
    CHECK(strstr(fmt(&err), "bad..topic") != NULL);

    /* Nobody listening: unavailable, in the connect timeout. */
    eventc_nats_config d = eventc_nats_config_default();
    char url[64];
    snprintf(url, sizeof(url), "nats://127.0.0.1:%d", srv.port == 1 ? 2 : 1);
    d.url = url;
    d.connect_timeout_ms = 500;
    CHECK(eventc_nats_publisher_new(&d, &err) == NULL && err.code == EVENTC_E_UNAVAILABLE);
    CHECK(eventc_nats_subscriber_new(&d, &err) == NULL && err.code == EVENTC_E_UNAVAILABLE);

    /* Port misuse. */
    c.topics = NULL;
    c.n_topics = 0;
    eventc_subscriber *s = eventc_nats_subscriber_new(&c, &err);
    CHECK(s != NULL);
    eventc_message *m[1];
    size_t n;
    CHECK(eventc_subscriber_fetch(s, 1, 0, m, &n, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_subscriber_subscribe(s, "misuse", "g", &err) == EVENTC_OK);
    CHECK(eventc_subscriber_subscribe(s, "misuse", "g", &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_subscriber_fetch(s, 1, 0, m, &n, &err) == EVENTC_E_TIMEOUT);
    eventc_subscriber_destroy(s);
}

/* The stream's layout wins over the configuration; a stream of another shape is refused. */
static void test_layout(void)
{
    eventc_error err;
    eventc_nats_config c4 = config(4), c2 = config(2);
    eventc_publisher *p4 = eventc_nats_publisher_new(&c4, &err);
    CHECK(publish(p4, "lay.out", "l1", "k1", 1) == EVENTC_OK);
    /* A subscriber configured for 2 partitions reads all 4 of the existing stream. */
    eventc_subscriber *s = subscriber(&c2, "lay.out", "g");
    eventc_publisher *p2 = eventc_nats_publisher_new(&c2, &err);
    for (int i = 0; i < 20; i++) {
        char id[16], key[16];
        snprintf(id, sizeof(id), "l%d", i + 2);
        snprintf(key, sizeof(key), "key%d", i);
        CHECK(publish(p2, "lay.out", id, key, i + 2) == EVENTC_OK);
    }
    int seen = 0;
    eventc_message *m;
    while (seen < 21 && (m = fetch1(s, 5000)) != NULL) {
        seen++;
        CHECK(eventc_subscriber_ack(s, m, &err) == EVENTC_OK);
    }
    CHECK(seen == 21);

    /* A stream named after a topic but holding other subjects. */
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsStreamConfig sc;
    jsStreamInfo *si = NULL;
    const char *subjects[] = {"elsewhere.>"};
    CHECK(natsConnection_ConnectTo(&nc, srv.url) == NATS_OK);
    CHECK(natsConnection_JetStream(&js, nc, NULL) == NATS_OK);
    jsStreamConfig_Init(&sc);
    sc.Name = "taken_topic";
    sc.Subjects = subjects;
    sc.SubjectsLen = 1;
    CHECK(js_AddStream(&si, js, &sc, NULL, NULL) == NATS_OK);
    jsStreamInfo_Destroy(si);
    eventc_message msg;
    make(&msg, "x", NULL, 0);
    CHECK(eventc_publisher_publish1(p2, "taken.topic", &msg, &err) == EVENTC_E_CONFLICT);
    CHECK(strstr(fmt(&err), "stream taken_topic holds subjects that are not those of topic "
                            "taken.topic") != NULL);
    eventc_message_clear(&msg);

    /* A group's consumer is brought to the configuration's AckWait and MaxAckPending. */
    eventc_nats_config u = config(0);
    u.max_ack_pending = 100;
    eventc_subscriber *s1 = subscriber(&u, "upd.t", "upd");
    u.max_ack_pending = 200;
    u.ack_wait_ms = 7000;
    eventc_subscriber *s2 = subscriber(&u, "upd.t", "upd");
    jsConsumerInfo *ci = NULL;
    CHECK(js_GetConsumerInfo(&ci, js, "upd_t", "upd", NULL, NULL) == NATS_OK);
    CHECK(ci != NULL && ci->Config->MaxAckPending == 200 &&
          ci->Config->AckWait == INT64_C(7000000000));
    jsConsumerInfo_Destroy(ci);
    ci = NULL;
    CHECK(js_GetConsumerInfo(&ci, js, "lay_out", "g_3", NULL, NULL) == NATS_OK);
    CHECK(ci != NULL && ci->Config->MaxAckPending == 1 &&
          strcmp(ci->Config->FilterSubject, "lay.out.3") == 0);
    jsConsumerInfo_Destroy(ci);
    eventc_subscriber_destroy(s1);
    eventc_subscriber_destroy(s2);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    eventc_subscriber_destroy(s);
    eventc_publisher_close(p2);
    eventc_publisher_close(p4);
}

/* ---- duplicates and keys ---- */

static void test_dedupe_and_keys(void)
{
    eventc_error err;
    eventc_nats_config c = config(8);
    eventc_subscriber *s = subscriber(&c, "dup.keys", "g");
    eventc_publisher *p = eventc_nats_publisher_new(&c, &err);
    /* The same event three times, one with its own idempotency key: two arrive. */
    CHECK(publish(p, "dup.keys", "same", "k", 1) == EVENTC_OK);
    CHECK(publish(p, "dup.keys", "same", "k", 1) == EVENTC_OK);
    eventc_message m;
    make(&m, "same", "k", 2);
    CHECK(eventc_ce_set_ext_string(&m.event, "idempotencykey", "order-7", &err) == EVENTC_OK);
    CHECK(eventc_publisher_publish1(p, "dup.keys", &m, &err) == EVENTC_OK);
    eventc_message_clear(&m);
    eventc_nats_publisher_stats ps;
    CHECK(eventc_nats_publisher_stats_get(p, &ps) == EVENTC_OK);
    CHECK(ps.sent == 3 && ps.acked == 3 && ps.duplicates == 1 && ps.failed == 0);

    CHECK(eventc_nats_publisher_stats_get((eventc_publisher *)s, &ps) == EVENTC_E_INVALID_ARGUMENT);

    /* Keys: one the receiver derives (partitionkey), one that travels in Eventc-Key, and none
     * (the subject is the key then). */
    make(&m, "pk", "cust 7 \xe2\x82\xac", 3);
    CHECK(eventc_ce_set_ext_string(&m.event, "partitionkey", "cust 7 \xe2\x82\xac", &err) ==
          EVENTC_OK);
    CHECK(eventc_publisher_publish1(p, "dup.keys", &m, &err) == EVENTC_OK);
    eventc_message_clear(&m);
    make(&m, "other", "a key\nwith a line", 4);
    CHECK(eventc_ce_set_ext_string(&m.event, "partitionkey", "cust 8", &err) == EVENTC_OK);
    CHECK(eventc_publisher_publish1(p, "dup.keys", &m, &err) == EVENTC_OK);
    eventc_message_clear(&m);
    make(&m, "subj", NULL, 5);
    CHECK(eventc_ce_set_subject(&m.event, "the subject", &err) == EVENTC_OK);
    CHECK(eventc_publisher_publish1(p, "dup.keys", &m, &err) == EVENTC_OK);
    eventc_message_clear(&m);

    int got[6] = {0};
    eventc_message *d;
    while ((d = fetch1(s, 1500)) != NULL) {
        int n = n_of(d);
        if (n >= 1 && n <= 5) {
            got[n]++;
        }
        CHECK(d->attempt == 1);
        CHECK(d->malformed == NULL);
        CHECK_STR(d->topic, "dup.keys");
        if (n == 1 || n == 2) {
            CHECK_STR(d->key, "k");
        } else if (n == 3) {
            CHECK_STR(d->key, "cust 7 \xe2\x82\xac");
        } else if (n == 4) {
            CHECK_STR(d->key, "a key\nwith a line");
        } else if (n == 5) {
            CHECK_STR(d->key, "the subject");
        }
        CHECK(eventc_subscriber_ack(s, d, &err) == EVENTC_OK);
    }
    CHECK(got[1] == 1 && got[2] == 1 && got[3] == 1 && got[4] == 1 && got[5] == 1);
    eventc_nats_subscriber_stats ss;
    CHECK(eventc_nats_subscriber_stats_get(s, &ss) == EVENTC_OK);
    CHECK(ss.delivered == 5 && ss.acked == 5 && ss.in_flight == 0 && ss.malformed == 0);
    eventc_publisher_close(p);
    eventc_subscriber_destroy(s);
}

/* ---- bad input ---- */

typedef struct handled {
    atomic_int good;
} handled;

static eventc_status handle(const eventc_message *in, eventc_emitter *out, void *ctx,
                            eventc_error *err)
{
    (void)out, (void)err;
    if (in->malformed == NULL) {
        atomic_fetch_add(&((handled *)ctx)->good, 1);
    }
    return EVENTC_OK;
}

static void quiet(void *ctx, const char *handler, const eventc_error *err)
{
    (void)ctx, (void)handler, (void)err;
}

/* Publishes a raw NATS message to JetStream subject `subject`. */
static void raw(jsCtx *js, const char *subject, const char *const *headers, size_t n,
                const char *payload)
{
    natsMsg *m = NULL;
    CHECK(natsMsg_Create(&m, subject, NULL, payload, (int)strlen(payload)) == NATS_OK);
    for (size_t i = 0; i + 1 < n; i += 2) {
        CHECK(natsMsgHeader_Add(m, headers[i], headers[i + 1]) == NATS_OK);
    }
    jsPubAck *pa = NULL;
    CHECK(js_PublishMsg(&pa, js, m, NULL, NULL) == NATS_OK);
    jsPubAck_Destroy(pa);
    natsMsg_Destroy(m);
}

static void test_bad_input(void)
{
    eventc_error err;
    eventc_nats_config c = config(0); /* one subject: the raw messages go to "bad.in" */
    eventc_subscriber *sub = eventc_nats_subscriber_new(&c, &err);
    eventc_subscriber *dlq = subscriber(&c, "bad.in.dlq", "check");
    eventc_publisher *pub = eventc_nats_publisher_new(&c, &err);
    CHECK(sub != NULL && pub != NULL);
    handled h;
    atomic_init(&h.good, 0);
    eventc_router_config rc = eventc_router_config_default();
    rc.on_error = quiet;
    eventc_router *r = eventc_router_new(&rc, &err);
    eventc_middleware mw;
    eventc_deadletter_config dc = {pub, "bad.in.dlq", 5};
    CHECK(eventc_deadletter_middleware(&dc, &mw, &err) == EVENTC_OK);
    eventc_handler_config hc = eventc_handler_config_default();
    hc.name = "bad";
    hc.subscriber = sub;
    hc.topic = "bad.in";
    hc.group = "g";
    hc.fn = handle;
    hc.ctx = &h;
    hc.middleware = &mw;
    hc.n_middleware = 1;
    hc.batch = 8;
    CHECK(eventc_router_add_handler(r, &hc, &err) == EVENTC_OK);

    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    CHECK(natsConnection_ConnectTo(&nc, srv.url) == NATS_OK);
    CHECK(natsConnection_JetStream(&js, nc, NULL) == NATS_OK);
    const char *structured[] = {"Content-Type", "application/cloudevents+json"};
    const char *bad_time[] = {"ce-specversion", "1.0", "ce-id",   "b2",       "ce-source", "/s",
                              "ce-type",        "t",   "ce-time", "yesterday"};
    const char *bad_escape[] = {"ce-specversion", "1.0", "ce-id",   "b3%ZZ",
                                "ce-source",      "/s",  "ce-type", "t"};
    const char *twice[] = {"ce-specversion", "1.0",       "ce-id", "b4",      "ce-id",
                           "b4again",        "ce-source", "/s",    "ce-type", "t"};
    raw(js, "bad.in", structured, 2, "{\"specversion\":\"1.0\","); /* undecodable */
    raw(js, "bad.in", bad_time, 10, "x");                          /* a header it refuses */
    raw(js, "bad.in", bad_escape, 8, "");                          /* a broken escape */
    raw(js, "bad.in", twice, 10, "");                              /* an attribute twice */
    raw(js, "bad.in", NULL, 0, "no headers at all");               /* not a CloudEvent */
    CHECK(publish(pub, "bad.in", "good", "k", 1) == EVENTC_OK);    /* and after them */

    /* Everything settles: five dead letters, the good event handled; nothing stalls. */
    int dead = 0;
    char reasons[5][EVENTC_ERROR_MESSAGE_MAX + EVENTC_ERROR_PATH_MAX + 32];
    for (int round = 0; round < 200 && (dead < 5 || atomic_load(&h.good) < 1); round++) {
        size_t n = 0;
        CHECK(eventc_router_run_once(r, 100, &n, &err) == EVENTC_OK);
        eventc_message *m;
        while (dead < 5 && (m = fetch1(dlq, 0)) != NULL) {
            const eventc_ce_value *why = eventc_ce_get_ext(&m->event, EVENTC_DLQ_REASON);
            const eventc_ce_value *code = eventc_ce_get_ext(&m->event, EVENTC_DLQ_CODE);
            CHECK(why != NULL && code != NULL);
            CHECK_STR(m->event.type, "eventc.malformed");
            CHECK_STR(m->event.source, "/eventc/nats");
            CHECK(strncmp(m->event.id, "bad_in/", 7) == 0);
            snprintf(reasons[dead], sizeof(reasons[dead]), "%s", why ? why->str : "");
            dead++;
            CHECK(eventc_subscriber_ack(dlq, m, &err) == EVENTC_OK);
        }
    }
    CHECK(dead == 5);
    CHECK(atomic_load(&h.good) == 1);
    bool saw_time = false, saw_escape = false, saw_twice = false, saw_syntax = false;
    for (int i = 0; i < dead; i++) {
        saw_time = saw_time || strstr(reasons[i], "ce-time") != NULL;
        saw_escape = saw_escape || strstr(reasons[i], "ce-id") != NULL;
        saw_twice = saw_twice || strstr(reasons[i], "given twice") != NULL;
        saw_syntax = saw_syntax || strstr(reasons[i], "[syntax]") != NULL;
    }
    CHECK(saw_time && saw_escape && saw_twice && saw_syntax);
    eventc_nats_subscriber_stats ss;
    CHECK(eventc_nats_subscriber_stats_get(sub, &ss) == EVENTC_OK);
    CHECK(ss.malformed == 5 && ss.terminated == 5 && ss.acked == 6 && ss.nacked == 0);
    eventc_router_free(r);
    /* The dead-lettered messages were terminated: a new consumer of the group gets nothing. */
    eventc_subscriber_destroy(sub);
    sub = subscriber(&c, "bad.in", "g");
    CHECK(fetch1(sub, 2500) == NULL);
    eventc_subscriber_destroy(sub);
    eventc_subscriber_destroy(dlq);
    eventc_publisher_close(pub);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
}

/* ---- order per key across a nack, with two consumers competing ---- */

static void test_nack_order(void)
{
    eventc_error err;
    eventc_nats_config c = config(4);
    eventc_subscriber *a = subscriber(&c, "nack.order", "g");
    eventc_subscriber *b = subscriber(&c, "nack.order", "g");
    eventc_publisher *p = eventc_nats_publisher_new(&c, &err);
    for (int i = 0; i < 3; i++) {
        char id[8];
        snprintf(id, sizeof(id), "o%d", i);
        CHECK(publish(p, "nack.order", id, "one-key", i) == EVENTC_OK);
    }
    eventc_message *m = fetch1(a, 5000);
    CHECK(m != NULL && n_of(m) == 0 && m->attempt == 1);
    if (m != NULL) {
        CHECK(eventc_subscriber_nack(a, m, 300, &err) == EVENTC_OK);
    }
    /* While 0 waits for its redelivery, nobody gets 1: the key's partition holds one message
     * in flight. B's first message is 0 again. */
    m = fetch1(b, 5000);
    CHECK(m != NULL && n_of(m) == 0 && m->attempt == 2);
    if (m != NULL) {
        CHECK(eventc_subscriber_ack(b, m, &err) == EVENTC_OK);
    }
    for (int want = 1; want < 3; want++) {
        eventc_subscriber *s = want == 1 ? a : b;
        m = fetch1(s, 5000);
        CHECK(m != NULL && n_of(m) == want);
        if (m != NULL) {
            CHECK(eventc_subscriber_ack(s, m, &err) == EVENTC_OK);
        }
    }
    eventc_publisher_close(p);
    eventc_subscriber_destroy(a);
    eventc_subscriber_destroy(b);
}

/* ---- MaxDeliver: the last delivery goes to the dead letter, not into thin air ---- */

static eventc_status always_fails(const eventc_message *in, eventc_emitter *out, void *ctx,
                                  eventc_error *err)
{
    (void)out;
    if (in->malformed == NULL) {
        atomic_fetch_add((atomic_int *)ctx, 1);
    }
    return eventc_error_set(err, EVENTC_E_UNAVAILABLE, NULL, "the handler always fails");
}

static void test_max_deliver(void)
{
    eventc_error err;
    eventc_nats_config c = config(0);
    c.max_deliver = 3;
    eventc_subscriber *sub = eventc_nats_subscriber_new(&c, &err);
    eventc_subscriber *dlq = subscriber(&c, "maxd.dlq", "check");
    eventc_publisher *pub = eventc_nats_publisher_new(&c, &err);
    atomic_int calls;
    atomic_init(&calls, 0);
    eventc_router_config rc = eventc_router_config_default();
    rc.on_error = quiet;
    eventc_router *r = eventc_router_new(&rc, &err);
    eventc_middleware mw;
    /* The dead letter would wait for 5 deliveries; JetStream makes 3. */
    eventc_deadletter_config dc = {pub, "maxd.dlq", 5};
    CHECK(eventc_deadletter_middleware(&dc, &mw, &err) == EVENTC_OK);
    eventc_handler_config hc = eventc_handler_config_default();
    hc.name = "maxd";
    hc.subscriber = sub;
    hc.topic = "maxd";
    hc.group = "g";
    hc.fn = always_fails;
    hc.ctx = &calls;
    hc.middleware = &mw;
    hc.n_middleware = 1;
    CHECK(eventc_router_add_handler(r, &hc, &err) == EVENTC_OK);
    CHECK(publish(pub, "maxd", "m1", "k", 1) == EVENTC_OK);
    eventc_message *m = NULL;
    for (int round = 0; round < 300 && m == NULL; round++) {
        size_t n = 0;
        CHECK(eventc_router_run_once(r, 50, &n, &err) == EVENTC_OK);
        m = fetch1(dlq, 0);
    }
    CHECK(m != NULL);
    if (m != NULL) {
        int32_t delivery = 0;
        CHECK_STR(m->event.id, "m1");
        CHECK(eventc_ce_ext_integer(&m->event, EVENTC_DLQ_DELIVERY, &delivery) == EVENTC_OK &&
              delivery == 3);
        const eventc_ce_value *why = eventc_ce_get_ext(&m->event, EVENTC_DLQ_REASON);
        CHECK(why != NULL && strstr(why->str, "the last one JetStream makes (MaxDeliver 3)"));
        CHECK(eventc_subscriber_ack(dlq, m, &err) == EVENTC_OK);
    }
    CHECK(atomic_load(&calls) == 2); /* the handler saw deliveries 1 and 2 */
    eventc_router_free(r);
    eventc_subscriber_destroy(sub);
    eventc_subscriber_destroy(dlq);
    eventc_publisher_close(pub);
}

/* ---- the pending window, and a server that is gone ---- */

static void test_pending_and_outage(void)
{
    eventc_error err;
    eventc_nats_config c = config(2);
    c.max_pending = 4;
    eventc_publisher *p = eventc_nats_publisher_new(&c, &err);
    enum { N = 200 };
    eventc_message msgs[N];
    const eventc_message *ptrs[N];
    eventc_error outcomes[N];
    for (int i = 0; i < N; i++) {
        char id[16];
        snprintf(id, sizeof(id), "w%d", i);
        make(&msgs[i], id, i % 2 ? "odd" : "even", i);
        ptrs[i] = &msgs[i];
    }
    /* 200 messages through a window of 4: publish waits for room, all succeed. */
    CHECK(eventc_publisher_publish(p, "window", ptrs, N, outcomes, &err) == EVENTC_OK);
    int ok = 0;
    for (int i = 0; i < N; i++) {
        ok += outcomes[i].code == EVENTC_OK;
    }
    CHECK(ok == N);

    /* The server dies: a publish fails in its time with the reason, all or nothing reported. */
    nats_server_kill(&srv);
    eventc_nats_config q = c;
    q.publish_timeout_ms = 600;
    eventc_publisher *quick = eventc_nats_publisher_new(&q, &err);
    CHECK(quick == NULL && err.code == EVENTC_E_UNAVAILABLE);
    CHECK(nats_server_restart(&srv) == 0);
    eventc_publisher *short_p = eventc_nats_publisher_new(&q, &err);
    CHECK(short_p != NULL);
    nats_server_kill(&srv);
    CHECK(eventc_publisher_publish(short_p, "window", ptrs, 3, outcomes, &err) ==
          EVENTC_E_UNAVAILABLE);
    CHECK(strncmp(fmt(&err), "[0]: not acknowledged within 600 ms: cannot connect to nats://",
                  62) == 0);

    CHECK(outcomes[0].code == EVENTC_E_UNAVAILABLE && outcomes[2].code == EVENTC_E_UNAVAILABLE);
    CHECK(nats_server_restart(&srv) == 0);
    /* Back: the same publisher reconnects and publishes; the earlier messages are duplicates. */
    CHECK(eventc_publisher_publish(short_p, "window", ptrs, 3, outcomes, &err) == EVENTC_OK);

    eventc_nats_publisher_stats ps;
    CHECK(eventc_nats_publisher_stats_get(short_p, &ps) == EVENTC_OK);
    CHECK(ps.reconnects >= 1 && ps.duplicates == 3 && ps.failed == 3);
    eventc_publisher_close(short_p);
    eventc_publisher_close(p);
    for (int i = 0; i < N; i++) {
        eventc_message_clear(&msgs[i]);
    }
}

int main(void)
{
    if (!nats_server_available()) {
        puts("SKIPPED: nats-server is not installed");
        return 0;
    }
    if (nats_server_start(&srv, NULL) != 0) {
        fprintf(stderr, "cannot start nats-server\n");
        return 1;
    }
    test_names();
    test_layout();
    test_dedupe_and_keys();
    test_bad_input();
    test_nack_order();
    test_max_deliver();
    test_pending_and_outage();
    nats_server_stop(&srv);
    return check_report();
}
