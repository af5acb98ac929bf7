/* A broker that dies in the middle of a stream: nats-server is killed with SIGKILL twice while a
 * publisher thread publishes and a router with two workers consumes, and restarted each time on
 * the same port and store. The publisher's retries and reconnections are the adapter's own; the
 * consumer resumes by itself. Every event whose publish returned OK must be handled, exactly once
 * after the deduplicator (SQLite, so its memory is not the broker's), and the events of each key
 * first handled in the order they were published. Nothing waits on wall-clock speed: the kills
 * come after counted progress, and waits only bound a failure.
 *
 *   test_nats_fault [--events N] [--kills K]    (default 3000 events, 2 kills) */
#define _POSIX_C_SOURCE 200809L
#include "nats_server.h"

#include <eventc/dedupe_sqlite.h>
#include <eventc/middleware.h>
#include <eventc/nats.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define KEYS 32
#define BATCH 25
#define IDLE_LIMIT_MS 60000

static nats_server srv;
static int failures;

#define EXPECT(cond)                                                            \
    do {                                                                        \
        if (!(cond)) {                                                          \
            failures++;                                                         \
            fprintf(stderr, "%s:%d: expected %s\n", __FILE__, __LINE__, #cond); \
        }                                                                       \
    } while (0)

typedef struct state {
    size_t n;
    atomic_int *handled;       /* handler runs per event */
    atomic_int *published;     /* 1: publish returned OK; 2: it failed */
    atomic_size_t n_published; /* publish calls returned (OK or not), in events */
    atomic_size_t n_ok;
    pthread_mutex_t order_mu;
    int next_seq[KEYS]; /* per key: the sequence number due next */
    atomic_int out_of_order;
    eventc_nats_config cfg;
} state;

static void pause_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static eventc_status handle(const eventc_message *in, eventc_emitter *out, void *ctx,
                            eventc_error *err)
{
    state *s = ctx;
    int32_t index = -1;
    (void)out;
    if (in->malformed != NULL ||
        eventc_ce_ext_integer(&in->event, "faultindex", &index) != EVENTC_OK || index < 0 ||
        (size_t)index >= s->n) {
        return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL, "not an event of this test");
    }
    int key = index % KEYS, seq = index / KEYS;
    pthread_mutex_lock(&s->order_mu);
    if (atomic_load(&s->handled[index]) == 0) {
        /* Sequences of a key may skip an event whose publish failed, never go back. */
        if (seq < s->next_seq[key]) {
            atomic_fetch_add(&s->out_of_order, 1);
        } else {
            s->next_seq[key] = seq + 1;
        }
    }
    atomic_fetch_add(&s->handled[index], 1);
    pthread_mutex_unlock(&s->order_mu);
    return EVENTC_OK;
}

static void *produce(void *arg)
{
    state *s = arg;
    eventc_error err;
    eventc_publisher *p = NULL;
    while ((p = eventc_nats_publisher_new(&s->cfg, &err)) == NULL) {
        pause_ms(50); /* the server may be down right now */
    }
    for (size_t first = 0; first < s->n; first += BATCH) {
        eventc_message msgs[BATCH];
        const eventc_message *ptrs[BATCH];
        eventc_error outcomes[BATCH];
        size_t count = s->n - first < BATCH ? s->n - first : BATCH;
        for (size_t i = 0; i < count; i++) {
            size_t index = first + i;
            char id[32], key[16];
            snprintf(id, sizeof(id), "fault-%zu", index);
            snprintf(key, sizeof(key), "key-%zu", index % KEYS);
            eventc_message_init(&msgs[i], NULL);
            if (eventc_ce_init_json(&msgs[i].event, NULL, id, "/test/fault",
                                    "com.example.fault.happened", "{}", 2, NULL) != EVENTC_OK ||
                eventc_ce_set_ext_integer(&msgs[i].event, "faultindex", (int32_t)index, NULL) !=
                    EVENTC_OK ||
                eventc_message_set_key(&msgs[i], key, NULL) != EVENTC_OK) {
                fprintf(stderr, "cannot build event %zu\n", index);
                failures++;
            }
            ptrs[i] = &msgs[i];
        }
        if (eventc_publisher_publish(p, "fault.stream", ptrs, count, outcomes, &err) != EVENTC_OK) {
            /* The outcomes say which; the counts below judge them. */
        }
        for (size_t i = 0; i < count; i++) {
            bool ok = outcomes[i].code == EVENTC_OK;
            atomic_store(&s->published[first + i], ok ? 1 : 2);
            if (ok) {
                atomic_fetch_add(&s->n_ok, 1);
            }
            eventc_message_clear(&msgs[i]);
        }
        atomic_fetch_add(&s->n_published, count);
    }
    eventc_nats_publisher_stats ps;
    if (eventc_nats_publisher_stats_get(p, &ps) == EVENTC_OK) {
        printf("publisher: %llu sent, %llu acknowledged (%llu duplicates dropped by the server), "
               "%llu resent, %llu reconnections, %llu failed\n",
               (unsigned long long)ps.sent, (unsigned long long)ps.acked,
               (unsigned long long)ps.duplicates, (unsigned long long)ps.resent,
               (unsigned long long)ps.reconnects, (unsigned long long)ps.failed);
    }
    eventc_publisher_close(p);
    return NULL;
}

static size_t handled_ok(state *s)
{
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        n += atomic_load(&s->published[i]) == 1 && atomic_load(&s->handled[i]) > 0;
    }
    return n;
}

static void quiet(void *ctx, const char *handler, const eventc_error *err)
{
    (void)handler, (void)err;
    atomic_fetch_add((atomic_int *)ctx, 1);
}

int main(int argc, char **argv)
{
    size_t n = 3000;
    int kills = 2;
    for (int i = 1; i + 1 < argc; i++) {
        if (strcmp(argv[i], "--events") == 0) {
            n = strtoul(argv[i + 1], NULL, 10);
        } else if (strcmp(argv[i], "--kills") == 0) {
            kills = atoi(argv[i + 1]);
        }
    }
    if (!nats_server_available()) {
        puts("SKIPPED: nats-server is not installed");
        return 0;
    }
    if (nats_server_start(&srv, NULL) != 0) {
        fprintf(stderr, "cannot start nats-server\n");
        return 1;
    }
    state s;
    memset(&s, 0, sizeof(s));
    s.n = n;
    s.handled = calloc(n, sizeof(*s.handled));
    s.published = calloc(n, sizeof(*s.published));
    pthread_mutex_init(&s.order_mu, NULL);
    s.cfg = eventc_nats_config_default();
    s.cfg.url = srv.url;
    s.cfg.partitions = 4;
    s.cfg.ack_wait_ms = 3000;
    s.cfg.ack_timeout_ms = 2000;

    char db[600];
    snprintf(db, sizeof(db), "%s/dedupe.db", srv.dir);
    eventc_error err;
    eventc_sqlite_dedupe_config dc = {db, 0, 0, NULL};
    eventc_dedupe_store *store = eventc_sqlite_dedupe_open(&dc, &err);
    eventc_subscriber *sub = eventc_nats_subscriber_new(&s.cfg, &err);
    atomic_int errors;
    atomic_init(&errors, 0);
    eventc_router_config rc = eventc_router_config_default();
    rc.on_error = quiet;
    rc.on_error_ctx = &errors;
    eventc_router *r = eventc_router_new(&rc, &err);
    eventc_middleware mw;
    eventc_dedupe_config ddc = {store, NULL, 10000, 200};
    if (s.handled == NULL || s.published == NULL || store == NULL || sub == NULL || r == NULL ||
        eventc_dedupe_middleware(&ddc, &mw, &err) != EVENTC_OK) {
        fprintf(stderr, "cannot set up the consumer\n");
        return 1;
    }
    eventc_handler_config h = eventc_handler_config_default();
    h.name = "fault";
    h.subscriber = sub;
    h.topic = "fault.stream";
    h.group = "g";
    h.fn = handle;
    h.ctx = &s;
    h.middleware = &mw;
    h.n_middleware = 1;
    h.workers = 2;
    h.batch = 16;
    h.nack_delay_ms = 100;
    if (eventc_router_add_handler(r, &h, &err) != EVENTC_OK ||
        eventc_router_start(r, &err) != EVENTC_OK) {
        fprintf(stderr, "cannot start the router\n");
        return 1;
    }
    pthread_t producer;
    pthread_create(&producer, NULL, produce, &s);

    /* Kill the server whenever another share of the events has been published. */
    for (int k = 1; k <= kills; k++) {
        size_t at = n * (size_t)k / (size_t)(kills + 1);
        while (atomic_load(&s.n_published) < at) {
            pause_ms(5);
        }
        printf("kill %d: %zu events published, %zu handled\n", k, atomic_load(&s.n_published),
               handled_ok(&s));
        nats_server_kill(&srv);
        pause_ms(200);
        if (nats_server_restart(&srv) != 0) {
            fprintf(stderr, "cannot restart nats-server\n");
            failures++;
            break;
        }
    }
    pthread_join(producer, NULL);

    /* Wait until every acknowledged event was handled (bounded by idle time). */
    size_t done = 0, last = 0;
    int idle = 0;
    while ((done = handled_ok(&s)) < atomic_load(&s.n_ok) && idle < IDLE_LIMIT_MS) {
        pause_ms(50);
        idle = done == last ? idle + 50 : 0;
        last = done;
    }
    if (eventc_router_close(r, 30000, &err) != EVENTC_OK) {
        fprintf(stderr, "router close timed out\n");
    }
    eventc_router_stats rs = eventc_router_stats_get(r);

    size_t ok = atomic_load(&s.n_ok), lost = 0, twice = 0, extra = 0;
    for (size_t i = 0; i < n; i++) {
        int c = atomic_load(&s.handled[i]);
        if (atomic_load(&s.published[i]) == 1 && c == 0) {
            if (lost++ < 10) {
                fprintf(stderr, "event %zu: acknowledged by the server, never handled\n", i);
            }
        }
        if (c > 1) {
            if (twice++ < 10) {
                fprintf(stderr, "event %zu: handled %d times\n", i, c);
            }
        }
        extra += atomic_load(&s.published[i]) == 2 && c > 0;
    }
    printf("%zu events, %zu published (%zu failed), %zu handled; %zu lost, %zu handled twice, "
           "%d out of order; router: %llu acked, %llu failed\n",
           n, ok, n - ok, handled_ok(&s) + extra, lost, twice, atomic_load(&s.out_of_order),
           (unsigned long long)rs.handled, (unsigned long long)rs.failed);
    EXPECT(lost == 0);
    EXPECT(twice == 0);
    EXPECT(atomic_load(&s.out_of_order) == 0);
    EXPECT(ok == n); /* the publisher rides out each outage within its publish timeout */

    eventc_router_free(r);
    eventc_subscriber_destroy(sub);
    eventc_dedupe_close(store);
    nats_server_stop(&srv);
    pthread_mutex_destroy(&s.order_mu);
    free(s.handled);
    free(s.published);
    printf("%s\n", failures == 0 ? "ok" : "FAIL");
    return failures == 0 ? 0 : 1;
}
