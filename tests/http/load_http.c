/* Load on the HTTP pair over loopback: CLIENTS threads, each with a publisher of its own (one
 * connection, reused), post EVENTS events each in binary mode to one receiver; every tenth event
 * is posted twice (a sender's retry). A router with four workers and the deduplicator (in-memory
 * store) handles them. A publish returns once its event was handled, so its duration is the
 * end-to-end latency.
 *
 *   eventc_http_load [--clients N] [--events N] [--quiet]
 *
 * Checks (exit 1 when one fails): every publish succeeded; every event was handled exactly once;
 * the receiver acked every delivery, duplicates included, and answered nothing else; at most
 * CLIENTS events were queued at once and at most CLIENTS bodies held (memory bounded by the
 * senders, not by the number of events). Prints the counts, then events/s and latency
 * percentiles (for docs/benchmarks.md: the bench.http target runs it at full size; the CI test
 * runs it small and asserts only the counts). Every thread is bounded: a publish gives up after
 * its tries, the drain after 120 s without progress. */
#define _POSIX_C_SOURCE 200809L
#include <eventc/dedupe.h>
#include <eventc/http.h>
#include <eventc/middleware.h>
#include <eventc/router.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

typedef struct shared {
    char url[96];
    size_t clients, events;
    atomic_uint *calls;       /* per event: how often the handler ran */
    atomic_size_t failures;   /* publishes that did not succeed */
    atomic_size_t deliveries; /* publishes made, duplicates included */
} shared;

typedef struct client {
    shared *s;
    size_t index;
    double *latency_ms; /* one per publish */
    size_t n_latency;
    pthread_t thread;
} client;

static double now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void *client_run(void *arg)
{
    client *c = arg;
    shared *s = c->s;
    eventc_http_publisher_config cfg = eventc_http_publisher_config_default();
    cfg.url = s->url;
    cfg.max_connections = 1;
    cfg.timeout_ms = 120000;
    eventc_error err;
    eventc_publisher *pub = eventc_http_publisher_new(&cfg, &err);
    if (pub == NULL) {
        fprintf(stderr, "client %zu: %s\n", c->index, err.message);
        atomic_fetch_add(&s->failures, s->events);
        return NULL;
    }
    char key[32];
    snprintf(key, sizeof(key), "client-%zu", c->index);
    for (size_t i = 0; i < s->events; i++) {
        size_t n = c->index * s->events + i;
        char id[48], data[96];
        snprintf(id, sizeof(id), "load-%zu", n);
        snprintf(data, sizeof(data), "{\"n\":%zu,\"client\":%zu,\"pad\":\"0123456789abcdef\"}", n,
                 c->index);
        eventc_message m;
        eventc_message_init(&m, NULL);
        bool ok = eventc_ce_init_json(&m.event, NULL, id, "/load", "com.example.http.load", data,
                                      strlen(data), &err) == EVENTC_OK &&
                  eventc_ce_set_ext_integer(&m.event, "loadindex", (int32_t)n, &err) == EVENTC_OK &&
                  eventc_message_set_key(&m, key, &err) == EVENTC_OK;
        for (int copy = 0; ok && copy < (i % 10 == 0 ? 2 : 1); copy++) {
            double t0 = now_ms();
            if (eventc_publisher_publish1(pub, NULL, &m, &err) != EVENTC_OK) {
                fprintf(stderr, "client %zu, event %zu: %s\n", c->index, n, err.message);
                atomic_fetch_add(&s->failures, 1);
            }
            c->latency_ms[c->n_latency++] = now_ms() - t0;
            atomic_fetch_add(&s->deliveries, 1);
        }
        if (!ok) {
            atomic_fetch_add(&s->failures, 1);
        }
        eventc_message_clear(&m);
    }
    eventc_publisher_close(pub);
    return NULL;
}

static eventc_status handle(const eventc_message *in, eventc_emitter *out, void *ctx,
                            eventc_error *err)
{
    shared *s = ctx;
    int32_t n = -1;
    (void)out;
    (void)err;
    if (eventc_ce_ext_integer(&in->event, "loadindex", &n) == EVENTC_OK && n >= 0 &&
        (size_t)n < s->clients * s->events) {
        atomic_fetch_add(&s->calls[n], 1);
    }
    return EVENTC_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double percentile(const double *sorted, size_t n, double p)
{
    if (n == 0) {
        return 0;
    }
    size_t i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
    return sorted[i < n ? i : n - 1];
}

#define FAIL(...)                     \
    do {                              \
        fprintf(stderr, "FAIL: ");    \
        fprintf(stderr, __VA_ARGS__); \
        fputc('\n', stderr);          \
        rc = 1;                       \
    } while (0)

int main(int argc, char **argv)
{
    shared s;
    memset(&s, 0, sizeof(s));
    s.clients = 16;
    s.events = 2000;
    bool quiet = false;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--clients") == 0 && i + 1 < argc) {
            s.clients = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--events") == 0 && i + 1 < argc) {
            s.events = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(argv[i], "--quiet") == 0) {
            quiet = true;
        } else {
            fputs("usage: eventc_http_load [--clients N] [--events N] [--quiet]\n", stderr);
            return 2;
        }
    }
    if (s.clients == 0 || s.events == 0 || s.clients * s.events > (size_t)INT32_MAX) {
        fputs("eventc_http_load: --clients and --events must be positive\n", stderr);
        return 2;
    }
    size_t total = s.clients * s.events;
    int rc = 0;
    eventc_error err;
    eventc_http_receiver_config rcfg = eventc_http_receiver_config_default();
    rcfg.capacity = s.clients; /* one event in flight per client */
    rcfg.ack_timeout_ms = 120000;
    eventc_http_receiver *rx = eventc_http_receiver_new(&rcfg, &err);
    eventc_subscriber *sub = rx != NULL ? eventc_http_receiver_subscriber(rx, &err) : NULL;
    eventc_memory_dedupe_config dcfg = eventc_memory_dedupe_config_default();
    dcfg.capacity = total + 16;
    eventc_dedupe_store *store = eventc_memory_dedupe_new(&dcfg);
    eventc_router *router = eventc_router_new(NULL, &err);
    s.calls = calloc(total, sizeof(*s.calls));
    client *clients = calloc(s.clients, sizeof(*clients));
    if (rx == NULL || sub == NULL || store == NULL || router == NULL || s.calls == NULL ||
        clients == NULL) {
        fprintf(stderr, "eventc_http_load: cannot set up: %s\n", err.message);
        return 1;
    }
    for (size_t i = 0; i < total; i++) {
        atomic_init(&s.calls[i], 0);
    }
    atomic_init(&s.failures, 0);
    atomic_init(&s.deliveries, 0);
    snprintf(s.url, sizeof(s.url), "http://127.0.0.1:%u/events",
             (unsigned)eventc_http_receiver_port(rx));
    eventc_middleware mw;
    eventc_dedupe_config dc = {store, NULL, 0, 0};
    eventc_handler_config h = eventc_handler_config_default();
    h.name = "load";
    h.subscriber = sub;
    h.topic = "events";
    h.group = "load";
    h.fn = handle;
    h.ctx = &s;
    h.middleware = &mw;
    h.n_middleware = 1;
    h.workers = 4;
    h.batch = 4;
    if (eventc_dedupe_middleware(&dc, &mw, &err) != EVENTC_OK ||
        eventc_router_add_handler(router, &h, &err) != EVENTC_OK ||
        eventc_router_start(router, &err) != EVENTC_OK) {
        fprintf(stderr, "eventc_http_load: cannot start the router: %s\n", err.message);
        return 1;
    }

    double t0 = now_ms();
    size_t started = 0;
    for (size_t i = 0; i < s.clients; i++) {
        clients[i].s = &s;
        clients[i].index = i;
        clients[i].latency_ms = calloc(s.events * 2, sizeof(double));
        if (clients[i].latency_ms == NULL ||
            pthread_create(&clients[i].thread, NULL, client_run, &clients[i]) != 0) {
            FAIL("cannot start client %zu", i);
            break;
        }
        started++;
    }
    for (size_t i = 0; i < started; i++) {
        pthread_join(clients[i].thread, NULL);
    }
    double elapsed = now_ms() - t0;
    /* Every publish returned: each of its events was acked, so handled. */
    if (eventc_router_close(router, 120000, &err) != EVENTC_OK) {
        FAIL("the router did not stop: %s", err.message);
    }

    size_t deliveries = atomic_load(&s.deliveries), once = 0, twice = 0;
    for (size_t i = 0; i < total; i++) {
        unsigned c = atomic_load(&s.calls[i]);
        once += c == 1;
        twice += c > 1;
    }
    eventc_http_receiver_stats st = eventc_http_receiver_stats_get(rx);
    size_t want_deliveries = total + s.clients * ((s.events + 9) / 10);
    if (atomic_load(&s.failures) != 0) {
        FAIL("%zu publishes failed", (size_t)atomic_load(&s.failures));
    }
    if (deliveries != want_deliveries) {
        FAIL("%zu deliveries made, want %zu", deliveries, want_deliveries);
    }
    if (once != total) {
        FAIL("%zu of %zu events handled exactly once (%zu more than once)", once, total, twice);
    }
    if (st.events_acked != want_deliveries || st.answered_204 != want_deliveries ||
        st.answered_429 + st.answered_503 + st.answered_400 + st.answered_other != 0) {
        FAIL("receiver: %llu acked, %llu answered 204, %llu 429, %llu 503",
             (unsigned long long)st.events_acked, (unsigned long long)st.answered_204,
             (unsigned long long)st.answered_429, (unsigned long long)st.answered_503);
    }
    if (st.peak_events > s.clients || st.peak_body_bytes > s.clients * ((size_t)64 << 10)) {
        FAIL("memory not bounded by the senders: %llu events queued, %llu body bytes held",
             (unsigned long long)st.peak_events, (unsigned long long)st.peak_body_bytes);
    }
    printf("%zu clients x %zu events: %zu deliveries (%zu duplicates), %zu handled once, "
           "peak %llu queued, %llu body bytes held\n",
           s.clients, s.events, deliveries, deliveries - total, once,
           (unsigned long long)st.peak_events, (unsigned long long)st.peak_body_bytes);
    if (!quiet) {
        size_t n = 0;
        double *all = malloc(sizeof(double) * (deliveries > 0 ? deliveries : 1));
        for (size_t i = 0; all != NULL && i < started; i++) {
            memcpy(all + n, clients[i].latency_ms, clients[i].n_latency * sizeof(double));
            n += clients[i].n_latency;
        }
        if (all != NULL) {
            qsort(all, n, sizeof(double), cmp_double);
            printf("%.0f deliveries/s over %.2f s; latency ms p50 %.3f p90 %.3f p99 %.3f "
                   "max %.3f\n",
                   (double)n / (elapsed / 1e3), elapsed / 1e3, percentile(all, n, 50),
                   percentile(all, n, 90), percentile(all, n, 99), all[n > 0 ? n - 1 : 0]);
        }
        free(all);
    }
    for (size_t i = 0; i < s.clients; i++) {
        free(clients[i].latency_ms);
    }
    free(clients);
    eventc_router_free(router);
    eventc_subscriber_destroy(sub);
    eventc_http_receiver_free(rx);
    eventc_dedupe_close(store);
    free(s.calls);
    return rc;
}
