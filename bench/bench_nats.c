/* eventc_bench_nats: typed events through the NATS JetStream adapter against the bare NATS C
 * client on the same server in the same run (docs/benchmarks.md, "Through a broker").
 *
 *   typed  the catalog's example events, each with a fresh event id, validated and made
 *          CloudEvents by the typed layer (eventc_catalog_message), published in batches with
 *          eventc_nats_publisher; consumed by a router with the typed layer's handler
 *          (eventc_typed_add: each message decoded and validated into the event struct before
 *          the callback) on eventc_nats_subscriber, acked one by one
 *   bare   the same NATS messages, encoded once before the clock starts (the CloudEvents NATS
 *          headers and payload the adapter sends, a fresh Nats-Msg-Id each): js_PublishMsgAsync
 *          with the same window of pending acknowledgements, then a durable pull consumer
 *          fetching batches of the same size and acking each message
 *
 * Both publish N events to a stream of their own and then consume them; the clock is read
 * around each phase. Runs alternate (bare, typed, typed, bare, ...); medians are reported.
 *
 *   eventc_bench_nats --url nats://127.0.0.1:4222 [--examples DIR] [--events N] [--reps R]
 *                     [--batch B] [--partitions P] [--memory] [--json FILE] [--smoke]
 */
#define _POSIX_C_SOURCE 200809L
#include "messaging_messaging.h"

#include <eventc/catalog.h>
#include <eventc/nats.h>
#include <eventc/router.h>

#include <dirent.h>
#include <nats/nats.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_EXAMPLES 64

typedef struct example {
    char *name;
    unsigned char *ev; /* the decoded event union (cat->union_size bytes) */
    int kind;
    eventc_ce_message enc; /* its NATS message as the adapter sends it (bare path) */
} example;

typedef struct bench {
    const char *url;
    const char *examples_dir;
    size_t events, batch;
    int reps;
    unsigned partitions;
    bool memory, smoke;
    const char *json;
    const eventc_catalog *cat;
    example ex[MAX_EXAMPLES];
    size_t n_ex;
    char run_id[32];
} bench;

typedef struct result {
    double publish_s, consume_s;
    double publish_cpu, consume_cpu; /* CPU seconds of this process (all its threads) */
} result;

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double now_s(void)
{
    return clock_s(CLOCK_MONOTONIC);
}

/* The CPU time of the process, the client's threads included (not the server's). */
static double cpu_s(void)
{
    return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static void die(const char *what, const eventc_error *err)
{
    char line[512];
    if (err != NULL) {
        eventc_error_format(err, line, sizeof(line));
        fprintf(stderr, "bench_nats: %s: %s\n", what, line);
    } else {
        fprintf(stderr, "bench_nats: %s\n", what);
    }
    exit(1);
}

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0 || (buf = malloc((size_t)n + 1)) == NULL ||
        fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        if (f != NULL) {
            fclose(f);
        }
        return NULL;
    }
    fclose(f);
    buf[n] = '\0';
    *len = (size_t)n;
    return buf;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const example *)a)->name, ((const example *)b)->name);
}

/* The catalog's examples, decoded; those carrying an idempotency key are left out (every copy
 * would be a duplicate of the first to the server and to the deduplicator). */
static void load_examples(bench *b)
{
    DIR *d = opendir(b->examples_dir);
    struct dirent *e;
    eventc_error err;
    if (d == NULL) {
        die("cannot read the examples folder", NULL);
    }
    while ((e = readdir(d)) != NULL && b->n_ex < MAX_EXAMPLES) {
        size_t nl = strlen(e->d_name), len = 0;
        if (nl < 5 || strcmp(e->d_name + nl - 5, ".json") != 0) {
            continue;
        }
        char path[1024];
        snprintf(path, sizeof(path), "%s/%s", b->examples_dir, e->d_name);
        char *json = read_file(path, &len);
        if (json == NULL) {
            die("cannot read an example", NULL);
        }
        if (strstr(json, "\"idempotency_key\"") != NULL) {
            free(json);
            continue;
        }
        example *x = &b->ex[b->n_ex];
        x->ev = calloc(1, b->cat->union_size);
        x->name = strdup(e->d_name);
        if (x->ev == NULL || x->name == NULL ||
            eventc_catalog_decode_json(b->cat, x->ev, json, len, NULL, &err) != EVENTC_OK) {
            die(path, &err);
        }
        x->kind = eventc_catalog_kind(b->cat, x->ev);
        free(json);
        b->n_ex++;
    }
    closedir(d);
    if (b->n_ex == 0) {
        die("no examples", NULL);
    }
    qsort(b->ex, b->n_ex, sizeof(b->ex[0]), by_name);
}

/* Points event i's id at buf ("<run>-<i>"), a member the typed layer borrows. */
static void set_id(bench *b, example *x, char *buf, size_t cap, const char *side, size_t i)
{
    snprintf(buf, cap, "%s-%s-%zu", b->run_id, side, i);
    unsigned char *ev = (unsigned char *)eventc_catalog_event_ptr(b->cat, x->ev);
    const char *id = buf;
    memcpy(ev + b->cat->event_id_offset, &id, sizeof(id));
}

static eventc_nats_config adapter_config(bench *b)
{
    eventc_nats_config c = eventc_nats_config_default();
    c.url = b->url;
    c.partitions = b->partitions;
    c.memory_storage = b->memory;
    c.max_ack_pending = 4096;
    return c;
}

/* ---- typed ---- */

typedef struct typed_count {
    atomic_size_t n;
} typed_count;

static int count_dispatch(const void *handlers, int kind, const void *event,
                          const eventc_message *m, void *ctx)
{
    (void)handlers, (void)kind, (void)event, (void)m;
    atomic_fetch_add(&((typed_count *)ctx)->n, 1);
    return 0;
}

static bool count_handles(const void *handlers, int kind)
{
    (void)handlers, (void)kind;
    return true;
}

static void quiet(void *ctx, const char *handler, const eventc_error *err)
{
    char line[512];
    (void)ctx;
    eventc_error_format(err, line, sizeof(line));
    fprintf(stderr, "bench_nats: %s: %s\n", handler, line);
}

static result run_typed(bench *b, int rep)
{
    result r;
    char topic[64];
    eventc_error err;
    snprintf(topic, sizeof(topic), "bench.%s.typed%d", b->run_id, rep);
    eventc_nats_config c = adapter_config(b);
    const char *topics[] = {topic};
    c.topics = topics;
    c.n_topics = 1;
    eventc_publisher *pub = eventc_nats_publisher_new(&c, &err);
    if (pub == NULL) {
        die("publisher", &err);
    }
    c.topics = NULL;
    c.n_topics = 0;
    eventc_routing *routing = eventc_routing_new();
    eventc_route all = {"*", topic, NULL};
    if (routing == NULL || eventc_routing_add(routing, &all, &err) != EVENTC_OK) {
        die("routing", &err);
    }
    /* The consumer is set up first (its group exists), and runs after the publishing. */
    eventc_router_config rc = eventc_router_config_default();
    rc.on_error = quiet;
    eventc_router *router = eventc_router_new(&rc, &err);
    typed_count count;
    atomic_init(&count.n, 0);
    eventc_typed_table table = {b->cat, count_dispatch, count_handles, NULL, &count};
    eventc_typed_config tc = eventc_typed_config_default();
    tc.name = "bench";
    tc.group = "bench";
    tc.new_subscriber = eventc_nats_subscriber_factory;
    tc.subscriber_ctx = &c;
    tc.routing = routing;
    tc.batch = b->batch;
    eventc_typed *typed = NULL;
    if (router == NULL || eventc_typed_add(router, &table, &tc, &typed, &err) != EVENTC_OK) {
        die("typed handlers", &err);
    }

    eventc_message *msgs = calloc(b->batch, sizeof(*msgs));
    const eventc_message **ptrs = calloc(b->batch, sizeof(*ptrs));
    char(*ids)[64] = calloc(b->batch, sizeof(*ids));
    if (msgs == NULL || ptrs == NULL || ids == NULL) {
        die("out of memory", NULL);
    }
    double t0 = now_s(), c0 = cpu_s();
    for (size_t first = 0; first < b->events; first += b->batch) {
        size_t n = b->events - first < b->batch ? b->events - first : b->batch;
        for (size_t i = 0; i < n; i++) {
            example *x = &b->ex[(first + i) % b->n_ex];
            set_id(b, x, ids[i], sizeof(ids[i]), "t", first + i);
            eventc_message_init(&msgs[i], NULL);
            if (eventc_catalog_message(b->cat, routing, x->kind,
                                       eventc_catalog_event_ptr(b->cat, x->ev), &msgs[i],
                                       &err) != EVENTC_OK) {
                die("typed message", &err);
            }
            ptrs[i] = &msgs[i];
        }
        if (eventc_publisher_publish(pub, NULL, ptrs, n, NULL, &err) != EVENTC_OK) {
            die("publish", &err);
        }
        for (size_t i = 0; i < n; i++) {
            eventc_message_clear(&msgs[i]);
        }
    }
    double t1 = now_s(), c1 = cpu_s();
    int idle = 0;
    while (atomic_load(&count.n) < b->events && idle < 20000) {
        size_t n = 0;
        if (eventc_router_run_once(router, 100, &n, &err) != EVENTC_OK) {
            die("run_once", &err);
        }
        idle = n > 0 ? 0 : idle + 100;
    }
    double t2 = now_s(), c2 = cpu_s();
    if (atomic_load(&count.n) != b->events) {
        fprintf(stderr, "bench_nats: typed: %zu of %zu events consumed\n", atomic_load(&count.n),
                b->events);
        exit(1);
    }
    eventc_router_stats st = eventc_router_stats_get(router);
    if (st.handled != b->events || st.failed != 0) {
        die("typed: the router handled other counts than published", NULL);
    }
    eventc_router_free(router);
    eventc_typed_free(typed);
    eventc_routing_free(routing);
    eventc_publisher_close(pub);
    free(msgs);
    free(ptrs);
    free(ids);
    r.publish_s = t1 - t0;
    r.consume_s = t2 - t1;
    r.publish_cpu = c1 - c0;
    r.consume_cpu = c2 - c1;
    return r;
}

/* ---- bare ---- */

static atomic_size_t bare_failures;

static void bare_failed(jsCtx *js, jsPubAckErr *pae, void *closure)
{
    (void)js, (void)pae, (void)closure;
    atomic_fetch_add(&bare_failures, 1);
}

static void check(natsStatus s, const char *what)
{
    if (s != NATS_OK) {
        fprintf(stderr, "bench_nats: %s: %s\n", what, nats_GetLastError(NULL));
        exit(1);
    }
}

static result run_bare(bench *b, int rep)
{
    result r;
    char topic[64], stream[64];
    natsConnection *nc = NULL;
    jsCtx *js = NULL;
    jsOptions jo;
    snprintf(topic, sizeof(topic), "bench.%s.bare%d", b->run_id, rep);
    snprintf(stream, sizeof(stream), "bench_%s_bare%d", b->run_id, rep);
    check(natsConnection_ConnectTo(&nc, b->url), "connect");
    jsOptions_Init(&jo);
    jo.PublishAsync.MaxPending = (int64_t)eventc_nats_config_default().max_pending;
    jo.PublishAsync.ErrHandler = bare_failed;
    /* A full window waits for room as the adapter's publisher does, rather than failing after
     * the client's default 200 ms on a busy machine. */
    jo.PublishAsync.StallWait = eventc_nats_config_default().publish_timeout_ms;
    check(natsConnection_JetStream(&js, nc, &jo), "jetstream");
    jsStreamConfig sc;
    jsStreamInfo *si = NULL;
    const char *subjects[] = {topic};
    jsStreamConfig_Init(&sc);
    sc.Name = stream;
    sc.Subjects = subjects;
    sc.SubjectsLen = 1;
    sc.Storage = b->memory ? js_MemoryStorage : js_FileStorage;
    sc.Duplicates = (int64_t)eventc_nats_config_default().duplicate_window_ms * 1000000;
    check(js_AddStream(&si, js, &sc, NULL, NULL), "add stream");
    jsStreamInfo_Destroy(si);
    natsSubscription *sub = NULL;
    jsSubOptions so;
    jsSubOptions_Init(&so);
    so.Config.AckPolicy = js_AckExplicit;
    so.Config.MaxAckPending = 4096;
    check(js_PullSubscribe(&sub, js, topic, "bare", NULL, &so, NULL), "pull subscribe");

    atomic_store(&bare_failures, 0);
    double t0 = now_s(), c0 = cpu_s();
    for (size_t i = 0; i < b->events; i++) {
        example *x = &b->ex[i % b->n_ex];
        char id[64];
        natsMsg *m = NULL;
        snprintf(id, sizeof(id), "%s-b-%zu", b->run_id, i);
        check(natsMsg_Create(&m, topic, NULL, x->enc.body, (int)x->enc.body_len), "message");
        for (size_t h = 0; h < x->enc.n_headers; h++) {
            check(natsMsgHeader_Add(m, x->enc.headers[h].name, x->enc.headers[h].value), "header");
        }
        check(natsMsgHeader_Set(m, "Nats-Msg-Id", id), "header");
        check(js_PublishMsgAsync(js, &m, NULL), "publish");
        natsMsg_Destroy(m);
    }
    check(js_PublishAsyncComplete(js, NULL), "publish complete");
    double t1 = now_s(), c1 = cpu_s();
    if (atomic_load(&bare_failures) != 0) {
        die("bare: publishes failed", NULL);
    }
    size_t got = 0;
    while (got < b->events) {
        natsMsgList list = {NULL, 0};
        natsStatus s = natsSubscription_Fetch(&list, sub, (int)b->batch, 5000, NULL);
        if (s != NATS_OK && s != NATS_TIMEOUT) {
            check(s, "fetch");
        }
        if (s == NATS_TIMEOUT && list.Count == 0) {
            fprintf(stderr, "bench_nats: bare: %zu of %zu events consumed\n", got, b->events);
            exit(1);
        }
        for (int i = 0; i < list.Count; i++) {
            check(natsMsg_Ack(list.Msgs[i], NULL), "ack");
        }
        got += (size_t)list.Count;
        natsMsgList_Destroy(&list);
    }
    double t2 = now_s(), c2 = cpu_s();
    natsSubscription_Destroy(sub);
    jsCtx_Destroy(js);
    natsConnection_Destroy(nc);
    r.publish_s = t1 - t0;
    r.consume_s = t2 - t1;
    r.publish_cpu = c1 - c0;
    r.consume_cpu = c2 - c1;
    return r;
}

/* ---- report ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), cmp_double);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
    bench b;
    memset(&b, 0, sizeof(b));
    b.examples_dir = "catalog/examples";
    b.events = 100000;
    b.batch = 256;
    b.reps = 5;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--url") == 0 && v) {
            b.url = v, i++;
        } else if (strcmp(a, "--examples") == 0 && v) {
            b.examples_dir = v, i++;
        } else if (strcmp(a, "--events") == 0 && v) {
            b.events = strtoul(v, NULL, 10), i++;
        } else if (strcmp(a, "--reps") == 0 && v) {
            b.reps = atoi(v), i++;
        } else if (strcmp(a, "--batch") == 0 && v) {
            b.batch = strtoul(v, NULL, 10), i++;
        } else if (strcmp(a, "--partitions") == 0 && v) {
            b.partitions = (unsigned)strtoul(v, NULL, 10), i++;
        } else if (strcmp(a, "--json") == 0 && v) {
            b.json = v, i++;
        } else if (strcmp(a, "--memory") == 0) {
            b.memory = true;
        } else if (strcmp(a, "--smoke") == 0) {
            b.smoke = true;
        } else {
            fprintf(stderr, "usage: eventc_bench_nats --url URL [--examples DIR] [--events N] "
                            "[--reps R] [--batch B] [--partitions P] [--memory] [--json FILE] "
                            "[--smoke]\n");
            return 2;
        }
    }
    if (b.url == NULL) {
        b.url = getenv("NATS_URL");
    }
    if (b.url == NULL) {
        die("no --url (or NATS_URL)", NULL);
    }
    if (b.smoke) {
        b.events = 2000;
        b.reps = 1;
    }
    if (b.batch == 0 || b.events == 0 || b.reps < 1) {
        die("--events, --batch and --reps must be positive", NULL);
    }
    snprintf(b.run_id, sizeof(b.run_id), "r%ld", (long)getpid());
    b.cat = &msg_catalog_desc;
    load_examples(&b);

    /* The bare path's bytes: what the adapter's codec makes of each example. */
    eventc_error err;
    for (size_t i = 0; i < b.n_ex; i++) {
        eventc_message m;
        eventc_message_init(&m, NULL);
        eventc_ce_message_init(&b.ex[i].enc, NULL);
        if (eventc_catalog_message(b.cat, NULL, b.ex[i].kind,
                                   eventc_catalog_event_ptr(b.cat, b.ex[i].ev), &m,
                                   &err) != EVENTC_OK ||
            eventc_ce_nats_encode(&m.event, EVENTC_CE_MODE_BINARY, &b.ex[i].enc, &err) !=
                EVENTC_OK) {
            die(b.ex[i].name, &err);
        }
        eventc_message_clear(&m);
    }

    printf("NATS JetStream at %s: %zu events per run (%zu examples cycled), batches of %zu, "
           "%s storage, %u partitions on the typed side, %d run(s) each\n",
           b.url, b.events, b.n_ex, b.batch, b.memory ? "memory" : "file", b.partitions, b.reps);
    /* Per side (bare, typed) and run: the rates of publish, consume and both, and the CPU
     * microseconds per event of publish and consume. */
    enum { PUB, CON, TOTAL, PUB_CPU, CON_CPU, N_METRICS };
    double *v = calloc((size_t)(2 * N_METRICS * b.reps), sizeof(double));
    double med[2][N_METRICS];
    if (v == NULL) {
        die("out of memory", NULL);
    }
#define AT(side, metric, rep) v[((side)*N_METRICS + (metric)) * b.reps + (rep)]
    for (int rep = 0; rep < b.reps; rep++) {
        result r[2];
        if (rep % 2 == 0) {
            r[0] = run_bare(&b, rep);
            r[1] = run_typed(&b, rep);
        } else {
            r[1] = run_typed(&b, rep);
            r[0] = run_bare(&b, rep);
        }
        double n = (double)b.events;
        for (int side = 0; side < 2; side++) {
            AT(side, PUB, rep) = n / r[side].publish_s;
            AT(side, CON, rep) = n / r[side].consume_s;
            AT(side, TOTAL, rep) = n / (r[side].publish_s + r[side].consume_s);
            AT(side, PUB_CPU, rep) = r[side].publish_cpu * 1e6 / n;
            AT(side, CON_CPU, rep) = r[side].consume_cpu * 1e6 / n;
        }
        printf("run %d: bare %.0f / %.0f events/s, typed %.0f / %.0f events/s (publish / "
               "consume)\n",
               rep + 1, AT(0, PUB, rep), AT(0, CON, rep), AT(1, PUB, rep), AT(1, CON, rep));
        fflush(stdout);
    }
    for (int side = 0; side < 2; side++) {
        for (int metric = 0; metric < N_METRICS; metric++) {
            med[side][metric] = median(&AT(side, metric, 0), b.reps);
        }
    }
#undef AT
    printf("\n| phase | bare client (events/s) | typed through the adapter (events/s) | ratio | "
           "client CPU, bare (µs/event) | client CPU, typed (µs/event) |\n"
           "|---|---:|---:|---:|---:|---:|\n"
           "| publish (acknowledged) | %.0f | %.0f | %.2f | %.1f | %.1f |\n"
           "| consume (acknowledged) | %.0f | %.0f | %.2f | %.1f | %.1f |\n"
           "| publish + consume | %.0f | %.0f | %.2f | %.1f | %.1f |\n",
           med[0][PUB], med[1][PUB], med[1][PUB] / med[0][PUB], med[0][PUB_CPU], med[1][PUB_CPU],
           med[0][CON], med[1][CON], med[1][CON] / med[0][CON], med[0][CON_CPU], med[1][CON_CPU],
           med[0][TOTAL], med[1][TOTAL], med[1][TOTAL] / med[0][TOTAL],
           med[0][PUB_CPU] + med[0][CON_CPU], med[1][PUB_CPU] + med[1][CON_CPU]);
    if (b.json != NULL) {
        FILE *f = fopen(b.json, "w");
        if (f != NULL) {
            fprintf(f,
                    "{\"events\":%zu,\"reps\":%d,\"batch\":%zu,\"partitions\":%u,\"storage\":"
                    "\"%s\",\"bare\":{\"publish\":%.0f,\"consume\":%.0f,\"total\":%.0f,"
                    "\"publish_cpu_us\":%.2f,\"consume_cpu_us\":%.2f},"
                    "\"typed\":{\"publish\":%.0f,\"consume\":%.0f,\"total\":%.0f,"
                    "\"publish_cpu_us\":%.2f,\"consume_cpu_us\":%.2f}}\n",
                    b.events, b.reps, b.batch, b.partitions, b.memory ? "memory" : "file",
                    med[0][PUB], med[0][CON], med[0][TOTAL], med[0][PUB_CPU], med[0][CON_CPU],
                    med[1][PUB], med[1][CON], med[1][TOTAL], med[1][PUB_CPU], med[1][CON_CPU]);
            fclose(f);
        }
    }
    for (size_t i = 0; i < b.n_ex; i++) {
        eventc_catalog_clear(b.cat, b.ex[i].ev);
        free(b.ex[i].ev);
        free(b.ex[i].name);
        eventc_ce_message_clear(&b.ex[i].enc);
    }
    free(v);
    return 0;
}
