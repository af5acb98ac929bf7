/* The router and its middleware, on the in-memory bus, driven on this thread (run_once) with a
 * manual clock, plus one run on worker threads. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <eventc/bus.h>
#include <eventc/middleware.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

typedef struct env {
    eventc_manual_clock *mc;
    eventc_bus *bus;
    eventc_publisher *pub;
    eventc_subscriber *sub; /* the handler's */
    eventc_subscriber *out; /* reads "out" */
    eventc_subscriber *dlq; /* reads "in.deadletter" */
    eventc_router *router;
    int errors;
} env;

static void on_error(void *ctx, const char *handler, const eventc_error *err)
{
    env *e = ctx;
    (void)handler;
    (void)err;
    e->errors++;
}

static void env_open(env *e)
{
    eventc_error err;
    memset(e, 0, sizeof(*e));
    e->mc = eventc_manual_clock_new(1000000);
    eventc_bus_config bc = eventc_bus_config_default();
    bc.clock = eventc_manual_clock_get(e->mc);
    e->bus = eventc_bus_new(&bc, NULL);
    e->pub = eventc_bus_publisher(e->bus);
    e->sub = eventc_bus_subscriber(e->bus);
    e->out = eventc_bus_subscriber(e->bus);
    e->dlq = eventc_bus_subscriber(e->bus);
    CHECK(eventc_subscriber_subscribe(e->out, "out", "check", &err) == EVENTC_OK);
    CHECK(eventc_subscriber_subscribe(e->dlq, "in.deadletter", "check", &err) == EVENTC_OK);
    eventc_router_config rc = eventc_router_config_default();
    rc.clock = eventc_manual_clock_get(e->mc);
    rc.on_error = on_error;
    rc.on_error_ctx = e;
    e->router = eventc_router_new(&rc, &err);
    CHECK(e->router != NULL);
}

static void env_close(env *e)
{
    eventc_router_free(e->router);
    eventc_subscriber_destroy(e->sub);
    eventc_subscriber_destroy(e->out);
    eventc_subscriber_destroy(e->dlq);
    eventc_publisher_close(e->pub);
    eventc_bus_free(e->bus);
    eventc_manual_clock_free(e->mc);
}

static void publish(env *e, const char *id, const char *idempotencykey)
{
    eventc_message m;
    eventc_error err;
    eventc_message_init(&m, NULL);
    CHECK(eventc_ce_init_json(&m.event, NULL, id, "/test", "com.example.t.happened", "{}", 2,
                              &err) == EVENTC_OK);
    if (idempotencykey != NULL) {
        CHECK(eventc_ce_set_ext_string(&m.event, "idempotencykey", idempotencykey, &err) ==
              EVENTC_OK);
    }
    CHECK(eventc_ce_set_ext_string(&m.event, "traceparent",
                                   "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                                   &err) == EVENTC_OK);
    CHECK(eventc_message_set_key(&m, "k", &err) == EVENTC_OK);
    CHECK(eventc_publisher_publish1(e->pub, "in", &m, &err) == EVENTC_OK);
    eventc_message_clear(&m);
}

/* What a test handler does: fail `fail_times` times with `fail_with`, then emit one event. */
typedef struct behaviour {
    atomic_int calls;
    int fail_times;
    eventc_status fail_with;
    int64_t advance_ms; /* moves the manual clock while "working" */
    eventc_manual_clock *mc;
    atomic_int done;
} behaviour;

static eventc_status handle(const eventc_message *in, eventc_emitter *out, void *ctx,
                            eventc_error *err)
{
    behaviour *b = ctx;
    b->calls++;
    eventc_manual_clock_advance(b->mc, b->advance_ms);
    if (b->calls <= b->fail_times) {
        /* An event emitted by a failing try must never be published. */
        CHECK(eventc_emit(out, "out", NULL, &in->event, err) == EVENTC_OK);
        return eventc_error_set(err, b->fail_with, "$.x", "try %d failed", b->calls);
    }
    eventc_ce_event ev;
    eventc_status st = eventc_ce_init_json(&ev, NULL, NULL, "/handler", "com.example.t.followed",
                                           "{\"ok\":true}", 11, err);
    if (st == EVENTC_OK) {
        st = eventc_emit_move(out, "out", NULL, &ev, err);
    }
    atomic_fetch_add(&b->done, 1);
    return st;
}

static void add(env *e, behaviour *b, const eventc_middleware *mw, size_t n)
{
    eventc_error err;
    eventc_handler_config h = eventc_handler_config_default();
    h.name = "h";
    h.subscriber = e->sub;
    h.topic = "in";
    h.group = "g";
    h.fn = handle;
    h.ctx = b;
    h.publisher = e->pub;
    h.middleware = mw;
    h.n_middleware = n;
    b->mc = e->mc;
    CHECK(eventc_router_add_handler(e->router, &h, &err) == EVENTC_OK);
}

static size_t run(env *e)
{
    size_t total = 0, n;
    eventc_error err;
    do {
        CHECK(eventc_router_run_once(e->router, 0, &n, &err) == EVENTC_OK);
        total += n;
    } while (n > 0);
    return total;
}

/* Takes every message waiting on `s`; returns how many; keeps the last in *last (a copy). */
static int drain(eventc_subscriber *s, eventc_message *last)
{
    int count = 0;
    eventc_message *m[1];
    size_t n;
    while (eventc_subscriber_fetch(s, 1, 0, m, &n, NULL) == EVENTC_OK) {
        count++;
        if (last != NULL) {
            CHECK(eventc_message_copy(last, m[0], NULL) == EVENTC_OK);
        }
        CHECK(eventc_subscriber_ack(s, m[0], NULL) == EVENTC_OK);
    }
    return count;
}

static const char *ext(const eventc_message *m, const char *name)
{
    const eventc_ce_value *v = eventc_ce_get_ext(&m->event, name);
    return v != NULL && v->type == EVENTC_CE_STRING ? v->str : "(absent)";
}

static int32_t ext_int(const eventc_message *m, const char *name)
{
    int32_t v = -1;
    CHECK(eventc_ce_ext_integer(&m->event, name, &v) == EVENTC_OK);
    return v;
}

static void test_success_and_correlation(void)
{
    env e;
    env_open(&e);
    eventc_middleware mw;
    CHECK(eventc_correlation_middleware(&mw, NULL) == EVENTC_OK);
    behaviour b = {0};
    add(&e, &b, &mw, 1);
    publish(&e, "a1", NULL);
    CHECK(run(&e) == 1);
    eventc_message got;
    eventc_message_init(&got, NULL);
    CHECK(drain(e.out, &got) == 1);
    CHECK_STR(got.event.type, "com.example.t.followed");
    CHECK_STR(ext(&got, "correlationid"), "a1");
    CHECK_STR(ext(&got, "causationid"), "a1");
    CHECK_STR(ext(&got, "traceparent"), "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    CHECK(eventc_bus_pending(e.bus, "in", "g") == 0);
    eventc_router_stats s = eventc_router_stats_get(e.router);
    CHECK(s.handled == 1 && s.failed == 0 && s.emitted == 1);
    eventc_message_clear(&got);
    /* Once every subscriber is closed, driving the router says so. */
    eventc_subscriber_close(e.sub);
    size_t n = 7;
    CHECK(eventc_router_run_once(e.router, 0, &n, NULL) == EVENTC_E_CLOSED);
    CHECK(n == 0);
    CHECK(eventc_router_run_once(e.router, 100, &n, NULL) == EVENTC_E_CLOSED);
    env_close(&e);
}

static void test_redelivery_then_dead_letter(void)
{
    env e;
    env_open(&e);
    eventc_middleware mw;
    eventc_deadletter_config dc = {e.pub, NULL, 5};
    CHECK(eventc_deadletter_middleware(&dc, &mw, NULL) == EVENTC_OK);
    behaviour b = {0};
    b.fail_times = 1000;
    b.fail_with = EVENTC_E_UNAVAILABLE;
    add(&e, &b, &mw, 1);
    publish(&e, "r1", NULL);
    /* Nacked four times (redelivered by the bus), dead-lettered on the fifth delivery. */
    CHECK(run(&e) == 5);
    CHECK(b.calls == 5);
    CHECK(drain(e.out, NULL) == 0);
    eventc_message dead;
    eventc_message_init(&dead, NULL);
    CHECK(drain(e.dlq, &dead) == 1);
    CHECK_STR(dead.event.id, "r1");
    CHECK_STR(dead.key, "k");
    CHECK_STR(ext(&dead, "dlqcode"), "unavailable");
    CHECK_STR(ext(&dead, "dlqreason"), "$.x: try 5 failed [unavailable]");
    CHECK_STR(ext(&dead, "dlqtopic"), "in");
    CHECK_STR(ext(&dead, "dlqhandler"), "h");
    CHECK(ext_int(&dead, "dlqattempts") == 1);
    CHECK(ext_int(&dead, "dlqdelivery") == 5);
    CHECK(eventc_bus_pending(e.bus, "in", "g") == 0);
    CHECK(e.errors == 4); /* the four nacked failures were reported */
    eventc_message_clear(&dead);
    env_close(&e);
}

static void test_retry(void)
{
    env e;
    env_open(&e);
    eventc_middleware mw[2];
    eventc_deadletter_config dc = {e.pub, NULL, 0};
    CHECK(eventc_deadletter_middleware(&dc, &mw[0], NULL) == EVENTC_OK);
    eventc_retry_config rc = eventc_retry_config_default();
    rc.jitter = 0;
    rc.max_interval_ms = 250;
    CHECK(eventc_retry_interval(&rc, 1) == 100);
    CHECK(eventc_retry_interval(&rc, 2) == 200);
    CHECK(eventc_retry_interval(&rc, 3) == 250);
    CHECK(eventc_retry_middleware(&rc, &mw[1], NULL) == EVENTC_OK);
    behaviour b = {0};
    b.fail_times = 2;
    b.fail_with = EVENTC_E_TIMEOUT;
    add(&e, &b, mw, 2);
    publish(&e, "t1", NULL);
    CHECK(run(&e) == 1);
    CHECK(b.calls == 3);
    CHECK(eventc_manual_clock_slept(e.mc) == 100 + 200);
    CHECK(drain(e.out, NULL) == 1); /* only the successful try's event */
    CHECK(drain(e.dlq, NULL) == 0);

    /* Always failing: five tries (waits 100, 200, 250, 250), then dead-lettered. */
    b.calls = 0;
    b.fail_times = 1000;
    publish(&e, "t2", NULL);
    CHECK(run(&e) == 1);
    CHECK(b.calls == 5);
    CHECK(eventc_manual_clock_slept(e.mc) == 300 + 100 + 200 + 250 + 250);
    eventc_message dead;
    eventc_message_init(&dead, NULL);
    CHECK(drain(e.dlq, &dead) == 1);
    CHECK(ext_int(&dead, "dlqattempts") == 5);
    CHECK_STR(ext(&dead, "dlqcode"), "timeout");
    eventc_message_clear(&dead);

    /* A permanent failure is not retried: dead-lettered after one try. */
    b.calls = 0;
    b.fail_with = EVENTC_E_SYNTAX;
    publish(&e, "t3", NULL);
    CHECK(run(&e) == 1);
    CHECK(b.calls == 1);
    eventc_message_init(&dead, NULL);
    CHECK(drain(e.dlq, &dead) == 1);
    CHECK_STR(ext(&dead, "dlqcode"), "syntax");
    CHECK(ext_int(&dead, "dlqattempts") == 1);
    eventc_message_clear(&dead);
    CHECK(drain(e.out, NULL) == 0);
    env_close(&e);

    eventc_retry_config bad = eventc_retry_config_default();
    bad.jitter = 2;
    eventc_middleware unused;
    CHECK(eventc_retry_middleware(&bad, &unused, NULL) == EVENTC_E_INVALID_ARGUMENT);
}

static void test_dedupe(void)
{
    env e;
    env_open(&e);
    eventc_memory_dedupe_config sc = eventc_memory_dedupe_config_default();
    sc.clock = eventc_manual_clock_get(e.mc);
    eventc_dedupe_store *store = eventc_memory_dedupe_new(&sc);
    eventc_middleware mw;
    eventc_dedupe_config dc = {store, NULL, 0, 777};
    CHECK(eventc_dedupe_middleware(&dc, &mw, NULL) == EVENTC_OK);
    behaviour b = {0};
    add(&e, &b, &mw, 1);
    publish(&e, "d1", NULL);
    publish(&e, "d1", NULL);       /* same source + id */
    publish(&e, "d2", "order-42"); /* idempotency key... */
    publish(&e, "d3", "order-42"); /* ...wins over the id */
    CHECK(run(&e) == 4);
    CHECK(b.calls == 2);
    CHECK(drain(e.out, NULL) == 2);
    CHECK(eventc_bus_pending(e.bus, "in", "g") == 0);

    /* A claim held elsewhere: the message is nacked with the busy delay and handled later. */
    eventc_buf key;
    eventc_buf_init(&key, NULL);
    CHECK(eventc_buf_append_str(&key, "1:h") == EVENTC_OK);
    eventc_ce_event probe;
    CHECK(eventc_ce_init_json(&probe, NULL, "d9", "/test", "x.y", "{}", 2, NULL) == EVENTC_OK);
    CHECK(eventc_dedupe_key(&probe, &key, NULL) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&key), "1:he:5:/testd9");
    eventc_dedupe_result res;
    uint64_t token;
    CHECK(eventc_dedupe_claim(store, key.data, key.len, 5000, &res, &token, NULL) == EVENTC_OK);
    CHECK(res == EVENTC_DEDUPE_CLAIMED);
    publish(&e, "d9", NULL);
    CHECK(run(&e) == 1);
    CHECK(b.calls == 2);
    CHECK(eventc_bus_pending(e.bus, "in", "g") == 1);
    eventc_manual_clock_advance(e.mc, 776);
    CHECK(run(&e) == 0);
    eventc_manual_clock_advance(e.mc, 1);
    /* Still busy: the other holder's lease (5 s) has not run out. */
    CHECK(run(&e) == 1);
    CHECK(b.calls == 2);
    /* The other holder crashed: after its lease, the redelivery claims and handles it. */
    eventc_manual_clock_advance(e.mc, 5000);
    CHECK(run(&e) == 1);
    CHECK(b.calls == 3);
    /* The dead holder can no longer commit. */
    CHECK(eventc_dedupe_commit(store, key.data, key.len, token, NULL) == EVENTC_E_CONFLICT);
    eventc_ce_clear(&probe);
    eventc_buf_free(&key);
    env_close(&e);
    eventc_dedupe_close(store);
}

static void test_timeout_and_throttle(void)
{
    env e;
    env_open(&e);
    eventc_middleware mw[2];
    CHECK(eventc_throttle_middleware(5, 1, NULL, &mw[0], NULL) == EVENTC_OK);
    CHECK(eventc_timeout_middleware(50, &mw[1], NULL) == EVENTC_OK);
    behaviour b = {0};
    add(&e, &b, mw, 2);
    for (int i = 0; i < 10; i++) {
        char id[8];
        snprintf(id, sizeof(id), "x%d", i);
        publish(&e, id, NULL);
    }
    CHECK(run(&e) == 10);
    /* 5 per second, burst 1: the first goes at once, each other waits 200 ms. */
    CHECK(eventc_manual_clock_slept(e.mc) == 9 * 200);
    CHECK(drain(e.out, NULL) == 10);
    /* A handler that runs 60 ms against a 50 ms limit fails with timeout; its output dropped. */
    b.advance_ms = 60;
    publish(&e, "slow", NULL);
    size_t n;
    CHECK(eventc_router_run_once(e.router, 0, &n, NULL) == EVENTC_OK);
    CHECK(n == 1);
    CHECK(drain(e.out, NULL) == 0);
    CHECK(eventc_bus_pending(e.bus, "in", "g") == 1);
    CHECK(eventc_router_stats_get(e.router).failed == 1);
    b.advance_ms = 0;
    CHECK(run(&e) >= 1);
    CHECK(drain(e.out, NULL) == 1);
    env_close(&e);
}

/* A minimal adapter delivering one malformed message, to check the router never hands a
 * stand-in to a handler and dead-letters it with its reason. */
typedef struct stub {
    eventc_subscriber base;
    eventc_message msg;
    eventc_error reason;
    int delivered, acked, nacked;
} stub;

static eventc_status stub_subscribe(eventc_subscriber *s, const char *t, const char *g,
                                    eventc_error *err)
{
    (void)s, (void)t, (void)g, (void)err;
    return EVENTC_OK;
}

static eventc_status stub_fetch(eventc_subscriber *s, size_t max, int timeout_ms,
                                eventc_message **out, size_t *n, eventc_error *err)
{
    stub *st = (stub *)s;
    (void)max, (void)timeout_ms;
    if (st->delivered > 0) {
        return eventc_error_set(err, EVENTC_E_TIMEOUT, NULL, NULL);
    }
    st->delivered++;
    out[0] = &st->msg;
    *n = 1;
    return EVENTC_OK;
}

static eventc_status stub_ack(eventc_subscriber *s, eventc_message *m, eventc_error *err)
{
    (void)m, (void)err;
    ((stub *)s)->acked++;
    return EVENTC_OK;
}

static eventc_status stub_nack(eventc_subscriber *s, eventc_message *m, uint32_t d,
                               eventc_error *err)
{
    (void)m, (void)d, (void)err;
    ((stub *)s)->nacked++;
    return EVENTC_OK;
}

static void stub_close(eventc_subscriber *s)
{
    (void)s;
}

static const eventc_subscriber_methods stub_methods = {EVENTC_SUBSCRIBER_VERSION,
                                                       "stub",
                                                       stub_subscribe,
                                                       stub_fetch,
                                                       stub_ack,
                                                       stub_nack,
                                                       stub_close,
                                                       stub_close};

static void test_malformed(void)
{
    env e;
    env_open(&e);
    stub s;
    memset(&s, 0, sizeof(s));
    s.base.methods = &stub_methods;
    eventc_message_init(&s.msg, NULL);
    CHECK(eventc_ce_init_json(&s.msg.event, NULL, "raw-1", "/transport", "eventc.malformed", "null",
                              4, NULL) == EVENTC_OK);
    s.msg.topic = "in";
    s.msg.attempt = 1;
    eventc_error_set(&s.reason, EVENTC_E_SYNTAX, "body", "unexpected end of input");
    s.msg.malformed = &s.reason;
    eventc_middleware mw;
    eventc_deadletter_config dc = {e.pub, NULL, 0};
    CHECK(eventc_deadletter_middleware(&dc, &mw, NULL) == EVENTC_OK);
    behaviour b = {0};
    eventc_error err;
    eventc_handler_config h = eventc_handler_config_default();
    h.name = "h";
    h.subscriber = &s.base;
    h.topic = "in";
    h.group = "g";
    h.fn = handle;
    h.ctx = &b;
    h.publisher = e.pub;
    h.middleware = &mw;
    h.n_middleware = 1;
    CHECK(eventc_router_add_handler(e.router, &h, &err) == EVENTC_OK);
    h.n_middleware = 0; /* the first call took the middleware over */
    CHECK(eventc_router_add_handler(e.router, &h, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(run(&e) == 1);
    CHECK(b.calls == 0);
    CHECK(s.acked == 1 && s.nacked == 0);
    eventc_message dead;
    eventc_message_init(&dead, NULL);
    CHECK(drain(e.dlq, &dead) == 1);
    CHECK_STR(ext(&dead, "dlqreason"), "body: unexpected end of input [syntax]");
    CHECK_STR(dead.event.id, "raw-1");
    eventc_message_clear(&dead);
    eventc_message_clear(&s.msg);
    env_close(&e);
}

/* A publisher whose transport is down for the first `failures` calls. */
typedef struct flaky {
    eventc_publisher base;
    eventc_publisher *inner;
    int failures;
} flaky;

static eventc_status flaky_publish(eventc_publisher *pub, const char *topic,
                                   const eventc_message *const *msgs, size_t n,
                                   eventc_error *outcomes, eventc_error *err)
{
    flaky *f = (flaky *)pub;
    if (f->failures > 0) {
        f->failures--;
        return eventc_error_set(err, EVENTC_E_UNAVAILABLE, NULL, "broker down");
    }
    return eventc_publisher_publish(f->inner, topic, msgs, n, outcomes, err);
}

static void flaky_close(eventc_publisher *pub)
{
    (void)pub;
}

static const eventc_publisher_methods flaky_methods = {EVENTC_PUBLISHER_VERSION, "flaky",
                                                       flaky_publish, NULL, flaky_close};

/* Follow-ups that cannot be published: the message is nacked (not acked), its dedupe claim is
 * released, and the redelivery is handled again and its follow-up published. */
static void test_publish_failure(void)
{
    env e;
    env_open(&e);
    flaky f = {{&flaky_methods}, e.pub, 1};
    eventc_memory_dedupe_config sc = eventc_memory_dedupe_config_default();
    sc.clock = eventc_manual_clock_get(e.mc);
    eventc_dedupe_store *store = eventc_memory_dedupe_new(&sc);
    eventc_middleware mw;
    eventc_dedupe_config dc = {store, NULL, 0, 0};
    CHECK(eventc_dedupe_middleware(&dc, &mw, NULL) == EVENTC_OK);
    behaviour b = {0};
    eventc_handler_config h = eventc_handler_config_default();
    h.name = "h";
    h.subscriber = e.sub;
    h.topic = "in";
    h.group = "g";
    h.fn = handle;
    h.ctx = &b;
    h.publisher = &f.base;
    h.middleware = &mw;
    h.n_middleware = 1;
    b.mc = e.mc;
    CHECK(eventc_router_add_handler(e.router, &h, NULL) == EVENTC_OK);
    publish(&e, "p1", NULL);
    size_t n;
    CHECK(eventc_router_run_once(e.router, 0, &n, NULL) == EVENTC_OK);
    CHECK(n == 1);
    CHECK(b.calls == 1);
    CHECK(drain(e.out, NULL) == 0);
    CHECK(eventc_bus_pending(e.bus, "in", "g") == 1);
    CHECK(eventc_router_stats_get(e.router).failed == 1);
    CHECK(e.errors == 1);
    CHECK(run(&e) == 1);
    CHECK(b.calls == 2); /* not suppressed by the deduplicator: the first try never committed */
    CHECK(drain(e.out, NULL) == 1);
    CHECK(eventc_bus_pending(e.bus, "in", "g") == 0);
    /* And now it is committed: a duplicate is acked without the handler. */
    publish(&e, "p1", NULL);
    CHECK(run(&e) == 1);
    CHECK(b.calls == 2);
    env_close(&e);
    eventc_dedupe_close(store);
}

/* Four workers on one subscriber; a graceful close after everything was handled. */
static void test_workers(void)
{
    eventc_error err;
    eventc_bus *bus = eventc_bus_new(NULL, NULL);
    eventc_publisher *pub = eventc_bus_publisher(bus);
    eventc_subscriber *sub = eventc_bus_subscriber(bus);
    eventc_subscriber *out = eventc_bus_subscriber(bus);
    CHECK(eventc_subscriber_subscribe(out, "out", "check", &err) == EVENTC_OK);
    eventc_router *r = eventc_router_new(NULL, &err);
    eventc_manual_clock *mc = eventc_manual_clock_new(0);
    behaviour b = {0};
    b.mc = mc;
    atomic_init(&b.done, 0);
    eventc_handler_config h = eventc_handler_config_default();
    h.name = "w";
    h.subscriber = sub;
    h.topic = "in";
    h.group = "g";
    h.fn = handle;
    h.ctx = &b;
    h.publisher = pub;
    h.workers = 4;
    h.batch = 8;
    /* `calls` is not atomic: count with `done` only, so the handler stays race-free. */
    b.fail_times = -1;
    CHECK(eventc_router_add_handler(r, &h, &err) == EVENTC_OK);
    CHECK(eventc_router_start(r, &err) == EVENTC_OK);
    CHECK(eventc_router_start(r, &err) == EVENTC_E_INVALID_ARGUMENT);
    enum { N = 400 };
    for (int i = 0; i < N; i++) {
        eventc_message m;
        eventc_message_init(&m, NULL);
        char id[16], key[8];
        snprintf(id, sizeof(id), "w%d", i);
        snprintf(key, sizeof(key), "k%d", i % 7);
        CHECK(eventc_ce_init_json(&m.event, NULL, id, "/t", "a.b", "{}", 2, &err) == EVENTC_OK);
        CHECK(eventc_message_set_key(&m, key, &err) == EVENTC_OK);
        CHECK(eventc_publisher_publish1(pub, "in", &m, &err) == EVENTC_OK);
        eventc_message_clear(&m);
    }
    int seen = 0;
    eventc_message *got[16];
    size_t n;
    while (seen < N && eventc_subscriber_fetch(out, 16, 30000, got, &n, &err) == EVENTC_OK) {
        for (size_t i = 0; i < n; i++) {
            CHECK(eventc_subscriber_ack(out, got[i], &err) == EVENTC_OK);
        }
        seen += (int)n;
    }
    CHECK(seen == N);
    CHECK(eventc_router_close(r, 30000, &err) == EVENTC_OK);
    CHECK(atomic_load(&b.done) == N);
    CHECK(eventc_router_stats_get(r).handled == N);
    eventc_router_free(r);
    eventc_subscriber_destroy(sub);
    eventc_subscriber_destroy(out);
    eventc_publisher_close(pub);
    eventc_bus_free(bus);
    eventc_manual_clock_free(mc);
}

int main(void)
{
    test_success_and_correlation();
    test_redelivery_then_dead_letter();
    test_retry();
    test_dedupe();
    test_timeout_and_throttle();
    test_malformed();
    test_publish_failure();
    test_workers();
    return check_report();
}
