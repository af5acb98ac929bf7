/* eventc_kafka_bench: typed publish and consume through the Kafka adapter against the bare
 * librdkafka client publishing and consuming the same pre-encoded records, on the same broker
 * (librdkafka's mock cluster in this process, or --brokers), in one run, alternating.
 *
 * The events are the messaging catalog's 21 examples, each under 16 aggregate ids (336 keys).
 *
 * - typed publish: per event, eventc_catalog_message (validation, CloudEvent, routing) into
 *   messages published with eventc_publisher_publish in batches, each waiting for its delivery
 *   reports (the adapter's contract);
 * - bare publish: the same records, encoded once beforehand, produced with rd_kafka_produceva
 *   and flushed at the end;
 * - typed consume: an eventc_kafka subscriber in a new group under a router with the generated
 *   typed handlers (decoded and validated with every catalog rule), acknowledged one by one;
 * - bare consume: rd_kafka_consumer_poll in a new group, offsets committed in the background.
 *
 * Rates are events per second of wall time: publish from the first record to the last
 * acknowledgement, consume from the first record received to the last. Each path also reports
 * the CPU time of the thread that publishes or consumes, over the same span, per event: on a
 * loaded machine that thread waits for a core most of the wall time, and its CPU time is what
 * the path costs. Each rep runs bare then typed on fresh topics; the median of the reps is
 * reported. */
#define _POSIX_C_SOURCE 200809L
#include "messaging_messaging.h"

#include <eventc/kafka.h>

#include <dirent.h>
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COPIES 16 /* aggregate ids per example */

typedef struct options {
    const char *examples;
    const char *brokers; /* NULL: an in-process mock cluster */
    const char *markdown;
    size_t events;
    size_t batch;
    int partitions;
    int reps;
    int smoke;
} options;

typedef struct record {
    eventc_ce_message msg; /* headers, value and key, as the adapter would send them */
} record;

typedef struct pool {
    const eventc_catalog *cat;
    unsigned char *events; /* n unions of cat->union_size */
    record *records;
    size_t n;
} pool;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU seconds of the calling thread. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what, const eventc_error *err)
{
    fprintf(stderr, "eventc_kafka_bench: %s%s%s\n", what, err != NULL ? ": " : "",
            err != NULL ? err->message : "");
    exit(1);
}

static void quiet(const rd_kafka_t *rk, int level, const char *fac, const char *buf)
{
    (void)rk, (void)level, (void)fac, (void)buf;
}

/* ---- the events ---- */

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    size_t got;
    while (buf != NULL && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *bigger = realloc(buf, cap *= 2);
            if (bigger == NULL) {
                free(buf);
                buf = NULL;
            }
            buf = bigger;
        }
    }
    fclose(f);
    *len = n;
    return buf;
}

/* Replaces every `"X"` by `"X_<copy>"` where X is the aggregate id: the event of another
 * aggregate of the same type. */
static char *with_copy(const char *json, size_t len, const char *id, int copy, size_t *out_len)
{
    char from[160], to[176];
    snprintf(from, sizeof(from), "\"%.128s\"", id);
    snprintf(to, sizeof(to), "\"%.128s_%d\"", id, copy);
    size_t fl = strlen(from), tl = strlen(to);
    char *out = malloc(len * 2 + 64);
    if (out == NULL) {
        die("out of memory", NULL);
    }
    size_t o = 0;
    for (size_t i = 0; i < len;) {
        if (i + fl <= len && memcmp(json + i, from, fl) == 0) {
            memcpy(out + o, to, tl);
            o += tl;
            i += fl;
        } else {
            out[o++] = json[i++];
        }
    }
    *out_len = o;
    return out;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void pool_load(pool *p, const char *dir)
{
    p->cat = &msg_catalog_desc;
    DIR *d = opendir(dir);
    if (d == NULL) {
        die("cannot open the examples folder", NULL);
    }
    char *names[64];
    size_t n_names = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL && n_names < 64) {
        size_t l = strlen(e->d_name);
        if (l > 13 && strcmp(e->d_name + l - 13, ".example.json") == 0) {
            names[n_names] = malloc(strlen(dir) + l + 2);
            sprintf(names[n_names++], "%s/%s", dir, e->d_name);
        }
    }
    closedir(d);
    qsort(names, n_names, sizeof(names[0]), by_name);
    p->n = n_names * COPIES;
    p->events = calloc(p->n, p->cat->union_size);
    p->records = calloc(p->n, sizeof(record));
    void *tmp = calloc(1, p->cat->union_size);
    eventc_error err;
    for (size_t i = 0; i < n_names; i++) {
        size_t len;
        char *json = read_all(names[i], &len);
        if (json == NULL ||
            eventc_catalog_decode_json(p->cat, tmp, json, len, NULL, &err) != EVENTC_OK) {
            die(names[i], json != NULL ? &err : NULL);
        }
        char id[128];
        snprintf(id, sizeof(id), "%s", eventc_catalog_aggregate_id(p->cat, tmp));
        for (int c = 0; c < COPIES; c++) {
            size_t k = i * COPIES + (size_t)c, clen;
            char *variant = with_copy(json, len, id, c, &clen);
            void *ev = p->events + k * p->cat->union_size;
            if (eventc_catalog_decode_json(p->cat, ev, variant, clen, NULL, &err) != EVENTC_OK) {
                die(names[i], &err);
            }
            free(variant);
            /* What the typed layer sends, encoded once for the bare client. */
            eventc_message m;
            eventc_message_init(&m, NULL);
            eventc_ce_message_init(&p->records[k].msg, NULL);
            if (eventc_catalog_message(p->cat, NULL, eventc_catalog_kind(p->cat, ev),
                                       eventc_catalog_event_ptr(p->cat, ev), &m,
                                       &err) != EVENTC_OK ||
                eventc_ce_kafka_encode(&m.event, EVENTC_CE_MODE_BINARY, &p->records[k].msg, &err) !=
                    EVENTC_OK) {
                die("encoding", &err);
            }
            eventc_message_clear(&m);
        }
        free(json);
        free(names[i]);
    }
    eventc_catalog_clear(p->cat, tmp);
    free(tmp);
}

static void pool_free(pool *p)
{
    for (size_t i = 0; i < p->n; i++) {
        eventc_catalog_clear(p->cat, p->events + i * p->cat->union_size);
        eventc_ce_message_clear(&p->records[i].msg);
    }
    free(p->events);
    free(p->records);
}

/* ---- the bare client ---- */

static size_t bare_delivered, bare_failed;

static void bare_dr(rd_kafka_t *rk, const rd_kafka_message_t *m, void *opaque)
{
    (void)rk, (void)opaque;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        bare_failed++;
    } else {
        bare_delivered++;
    }
}

/* The librdkafka configuration both clients share (what eventc_kafka sets, and the
 * properties). */
static rd_kafka_conf_t *bare_conf(const char *brokers, const eventc_kafka_property *props,
                                  size_t n_props, bool producer, const char *group)
{
    char why[512];
    rd_kafka_conf_t *c = rd_kafka_conf_new();
    rd_kafka_conf_set_log_cb(c, quiet);
    rd_kafka_conf_set(c, "bootstrap.servers", brokers, why, sizeof(why));
    rd_kafka_conf_set(c, "socket.nagle.disable", "true", why, sizeof(why));
    if (producer) {
        rd_kafka_conf_set(c, "enable.idempotence", "true", why, sizeof(why));
        rd_kafka_conf_set(c, "acks", "all", why, sizeof(why));
        rd_kafka_conf_set(c, "partitioner", "murmur2_random", why, sizeof(why));
        rd_kafka_conf_set_dr_msg_cb(c, bare_dr);
    } else {
        rd_kafka_conf_set(c, "group.id", group, why, sizeof(why));
        rd_kafka_conf_set(c, "enable.auto.commit", "false", why, sizeof(why));
        rd_kafka_conf_set(c, "auto.offset.reset", "earliest", why, sizeof(why));
        rd_kafka_conf_set(c, "session.timeout.ms", "3000", why, sizeof(why));
        rd_kafka_conf_set(c, "heartbeat.interval.ms", "1000", why, sizeof(why));
    }
    for (size_t i = 0; i < n_props; i++) {
        rd_kafka_conf_set(c, props[i].name, props[i].value, why, sizeof(why));
    }
    return c;
}

static rd_kafka_t *bare_client(rd_kafka_type_t type, rd_kafka_conf_t *conf)
{
    char why[512];
    rd_kafka_t *rk = rd_kafka_new(type, conf, why, sizeof(why));
    if (rk == NULL) {
        die(why, NULL);
    }
    return rk;
}

static double bare_publish(const options *o, const pool *p, const char *topic,
                           const eventc_kafka_property *props, size_t n_props, double *cpu)
{
    rd_kafka_t *rk =
        bare_client(RD_KAFKA_PRODUCER, bare_conf(o->brokers, props, n_props, true, NULL));
    bare_delivered = bare_failed = 0;
    double t0 = now_s(), c0 = cpu_s();
    for (size_t i = 0; i < o->events; i++) {
        const eventc_ce_message *r = &p->records[i % p->n].msg;
        rd_kafka_headers_t *h = rd_kafka_headers_new(r->n_headers);
        for (size_t k = 0; k < r->n_headers; k++) {
            rd_kafka_header_add(h, r->headers[k].name, -1, r->headers[k].value, -1);
        }
        rd_kafka_vu_t vu[5];
        vu[0].vtype = RD_KAFKA_VTYPE_TOPIC;
        vu[0].u.cstr = topic;
        vu[1].vtype = RD_KAFKA_VTYPE_MSGFLAGS;
        vu[1].u.i = RD_KAFKA_MSG_F_COPY;
        vu[2].vtype = RD_KAFKA_VTYPE_KEY;
        vu[2].u.mem.ptr = (void *)r->key;
        vu[2].u.mem.size = r->key_len;
        vu[3].vtype = RD_KAFKA_VTYPE_VALUE;
        vu[3].u.mem.ptr = (void *)r->body;
        vu[3].u.mem.size = r->body_len;
        vu[4].vtype = RD_KAFKA_VTYPE_HEADERS;
        vu[4].u.headers = h;
        rd_kafka_error_t *e;
        while ((e = rd_kafka_produceva(rk, vu, 5)) != NULL) {
            if (rd_kafka_error_code(e) != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                die(rd_kafka_error_string(e), NULL);
            }
            rd_kafka_error_destroy(e);
            rd_kafka_poll(rk, 1);
        }
        rd_kafka_poll(rk, 0);
    }
    rd_kafka_flush(rk, 60000);
    double t = now_s() - t0;
    *cpu = cpu_s() - c0;
    if (bare_delivered != o->events || bare_failed != 0) {
        die("the bare producer lost records", NULL);
    }
    rd_kafka_destroy(rk);
    return t;
}

static double bare_consume(const options *o, const char *topic, const char *group,
                           const eventc_kafka_property *props, size_t n_props, double *cpu)
{
    rd_kafka_t *rk =
        bare_client(RD_KAFKA_CONSUMER, bare_conf(o->brokers, props, n_props, false, group));
    rd_kafka_poll_set_consumer(rk);
    rd_kafka_topic_partition_list_t *l = rd_kafka_topic_partition_list_new(1);
    rd_kafka_topic_partition_list_add(l, topic, RD_KAFKA_PARTITION_UA);
    rd_kafka_subscribe(rk, l);
    rd_kafka_topic_partition_list_destroy(l);
    size_t got = 0;
    double t0 = 0, c0 = 0, last_commit = 0, deadline = now_s() + 120;
    while (got < o->events && now_s() < deadline) {
        rd_kafka_message_t *m = rd_kafka_consumer_poll(rk, 100);
        if (m == NULL) {
            continue;
        }
        if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
            /* Its offset is stored as it is returned (enable.auto.offset.store): committed
             * with the next commit, as the adapter commits what was acknowledged. */
            if (got++ == 0) {
                t0 = last_commit = now_s();
                c0 = cpu_s();
            }
        }
        rd_kafka_message_destroy(m);
        if (now_s() - last_commit >= 0.5) {
            rd_kafka_commit(rk, NULL, 1);
            last_commit = now_s();
        }
    }
    double t = now_s() - t0;
    *cpu = cpu_s() - c0;
    if (got != o->events) {
        fprintf(stderr, "eventc_kafka_bench: the bare consumer got %zu of %zu records\n", got,
                o->events);
        exit(1);
    }
    rd_kafka_consumer_close(rk);
    rd_kafka_destroy(rk);
    return t;
}

/* ---- through the adapter ---- */

static eventc_kafka_config typed_config(const options *o, const eventc_kafka_property *props,
                                        size_t n_props)
{
    eventc_kafka_config c = eventc_kafka_config_default();
    c.brokers = o->brokers;
    c.properties = props;
    c.n_properties = n_props;
    c.session_timeout_ms = 3000;
    c.max_queued = 1000000;
    /* The bare consumer buffers what librdkafka prefetches (queued.min.messages: 100,000 per
     * partition); the subscriber may hold as many before it pauses a partition. */
    c.max_buffered = 100000;
    return c;
}

static double typed_publish(const options *o, const pool *p, const char *topic,
                            const eventc_kafka_property *props, size_t n_props, double *cpu)
{
    eventc_kafka_config c = typed_config(o, props, n_props);
    eventc_error err;
    eventc_publisher *pub = eventc_kafka_publisher_new(&c, &err);
    if (pub == NULL) {
        die("publisher", &err);
    }
    eventc_message *msgs = calloc(o->batch, sizeof(*msgs));
    const eventc_message **ptrs = calloc(o->batch, sizeof(*ptrs));
    double t0 = now_s(), c0 = cpu_s();
    for (size_t done = 0; done < o->events;) {
        size_t n = o->events - done < o->batch ? o->events - done : o->batch;
        for (size_t i = 0; i < n; i++) {
            const void *ev = p->events + ((done + i) % p->n) * p->cat->union_size;
            eventc_message_init(&msgs[i], NULL);
            if (eventc_catalog_message(p->cat, NULL, eventc_catalog_kind(p->cat, ev),
                                       eventc_catalog_event_ptr(p->cat, ev), &msgs[i],
                                       &err) != EVENTC_OK) {
                die("typed message", &err);
            }
            ptrs[i] = &msgs[i];
        }
        if (eventc_publisher_publish(pub, topic, ptrs, n, NULL, &err) != EVENTC_OK) {
            die("typed publish", &err);
        }
        for (size_t i = 0; i < n; i++) {
            eventc_message_clear(&msgs[i]);
        }
        done += n;
    }
    double t = now_s() - t0;
    *cpu = cpu_s() - c0;
    eventc_publisher_close(pub);
    free(msgs);
    free(ptrs);
    return t;
}

typedef struct counter {
    size_t handled;
    double first, first_cpu;
} counter;

static int count_event(const void *handlers, int kind, const void *event, const eventc_message *m,
                       void *ctx)
{
    (void)handlers, (void)kind, (void)event, (void)m;
    counter *c = ctx;
    if (c->handled++ == 0) {
        c->first = now_s();
        c->first_cpu = cpu_s();
    }
    return 0;
}

static bool handles_all(const void *handlers, int kind)
{
    (void)handlers, (void)kind;
    return true;
}

static double typed_consume(const options *o, const char *topic, const char *group,
                            const eventc_kafka_property *props, size_t n_props, double *cpu)
{
    eventc_kafka_config c = typed_config(o, props, n_props);
    eventc_error err;
    /* Every event of the catalog to the bench's topic: one subscription. */
    eventc_routing *routing = eventc_catalog_routing_new(&msg_catalog_desc, &err);
    eventc_route all = {"*", topic, NULL};
    if (routing == NULL || eventc_routing_add(routing, &all, &err) != EVENTC_OK) {
        die("routing", &err);
    }
    eventc_router *r = eventc_router_new(NULL, &err);
    counter cnt = {0, 0, 0};
    eventc_typed_table table = {&msg_catalog_desc, count_event, handles_all, NULL, &cnt};
    eventc_typed_config tc = eventc_typed_config_default();
    tc.name = "bench";
    tc.group = group;
    tc.new_subscriber = eventc_kafka_subscriber_factory;
    tc.subscriber_ctx = &c;
    tc.routing = routing;
    tc.batch = 64;
    eventc_typed *typed = NULL;
    if (r == NULL || eventc_typed_add(r, &table, &tc, &typed, &err) != EVENTC_OK) {
        die("typed handlers", &err);
    }
    eventc_routing_free(routing);
    double deadline = now_s() + 120;
    while (cnt.handled < o->events && now_s() < deadline) {
        size_t n = 0;
        if (eventc_router_run_once(r, 100, &n, &err) != EVENTC_OK) {
            die("run_once", &err);
        }
    }
    double t = now_s() - cnt.first;
    *cpu = cpu_s() - cnt.first_cpu;
    if (cnt.handled != o->events) {
        die("the typed consumer did not get every event", NULL);
    }
    eventc_router_free(r);
    eventc_typed_free(typed);
    return t;
}

/* ---- the run ---- */

typedef struct rates {
    double pub, cons, total; /* events per second */
} rates;

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
    qsort(v, (size_t)n, sizeof(double), by_value);
    return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void usage(void)
{
    fputs("usage: eventc_kafka_bench --examples DIR [--events N] [--reps R] [--batch B]\n"
          "                          [--partitions P] [--brokers HOST:PORT,...] [--smoke]\n"
          "                          [--markdown FILE]\n",
          stderr);
    exit(2);
}

int main(int argc, char **argv)
{
    /* The mock keeps about 5 MB per partition (it drops older segments beyond): 60,000 records
     * of under 1 KB over 12 partitions stay well below. */
    options o = {NULL, NULL, NULL, 60000, 10000, 12, 5, 0};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--smoke") == 0) {
            o.smoke = 1;
        } else if (v == NULL) {
            usage();
        } else if (strcmp(a, "--examples") == 0) {
            o.examples = argv[++i];
        } else if (strcmp(a, "--brokers") == 0) {
            o.brokers = argv[++i];
        } else if (strcmp(a, "--markdown") == 0) {
            o.markdown = argv[++i];
        } else if (strcmp(a, "--events") == 0) {
            o.events = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(a, "--batch") == 0) {
            o.batch = strtoul(argv[++i], NULL, 10);
        } else if (strcmp(a, "--partitions") == 0) {
            o.partitions = atoi(argv[++i]);
        } else if (strcmp(a, "--reps") == 0) {
            o.reps = atoi(argv[++i]);
        } else {
            usage();
        }
    }
    if (o.examples == NULL || o.events == 0 || o.batch == 0 || o.reps < 1 || o.reps > 99 ||
        o.partitions < 1) {
        usage();
    }
    if (o.smoke) {
        o.events = 2000;
        o.batch = 500;
        o.reps = 1;
    }
    rd_kafka_t *host = NULL;
    rd_kafka_mock_cluster_t *mock = NULL;
    char bootstrap[512];
    if (o.brokers == NULL) {
        char why[512];
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_conf_set_log_cb(conf, quiet);
        host = rd_kafka_new(RD_KAFKA_PRODUCER, conf, why, sizeof(why));
        mock = host != NULL ? rd_kafka_mock_cluster_new(host, 3) : NULL;
        if (mock == NULL) {
            die("cannot start a mock cluster", NULL);
        }
        snprintf(bootstrap, sizeof(bootstrap), "%s", rd_kafka_mock_cluster_bootstraps(mock));
        o.brokers = bootstrap;
    }
    /* The mock's sockets keep Nagle's algorithm on: one request in flight per connection,
     * sent at once, for both clients alike. */
    static const eventc_kafka_property mock_props[] = {{"linger.ms", "0"}, {"max.in.flight", "1"}};
    const eventc_kafka_property *props = mock != NULL ? mock_props : NULL;
    size_t n_props = mock != NULL ? 2 : 0;

    pool p;
    pool_load(&p, o.examples);
    printf("eventc_kafka_bench: %zu events (%zu distinct, %zu keys) per run, %d partitions, "
           "batch %zu, %d reps, %s\n",
           o.events, p.n, p.n, o.partitions, o.batch, o.reps,
           mock != NULL ? "librdkafka's mock cluster (3 brokers, in this process)" : o.brokers);
    fflush(stdout);

    double bp[99], bc[99], bt[99], tp[99], tcs[99], tt[99];
    double bpu[99], bcu[99], tpu[99], tcu[99]; /* thread CPU microseconds per event */
    for (int rep = 0; rep < o.reps; rep++) {
        char bare_topic[64], typed_topic[64], group[64];
        snprintf(bare_topic, sizeof(bare_topic), "bench-bare-%d", rep);
        snprintf(typed_topic, sizeof(typed_topic), "bench-typed-%d", rep);
        if (mock != NULL) {
            rd_kafka_mock_topic_create(mock, bare_topic, o.partitions, 3);
            rd_kafka_mock_topic_create(mock, typed_topic, o.partitions, 3);
        }
        double pub_cpu, cons_cpu;
        double pub = bare_publish(&o, &p, bare_topic, props, n_props, &pub_cpu);
        snprintf(group, sizeof(group), "bench-bare-%d", rep);
        double cons = bare_consume(&o, bare_topic, group, props, n_props, &cons_cpu);
        bpu[rep] = pub_cpu * 1e6 / (double)o.events;
        bcu[rep] = cons_cpu * 1e6 / (double)o.events;
        bp[rep] = (double)o.events / pub;
        bc[rep] = (double)o.events / cons;
        bt[rep] = (double)o.events / (pub + cons);
        pub = typed_publish(&o, &p, typed_topic, props, n_props, &pub_cpu);
        snprintf(group, sizeof(group), "bench-typed-%d", rep);
        cons = typed_consume(&o, typed_topic, group, props, n_props, &cons_cpu);
        tpu[rep] = pub_cpu * 1e6 / (double)o.events;
        tcu[rep] = cons_cpu * 1e6 / (double)o.events;
        tp[rep] = (double)o.events / pub;
        tcs[rep] = (double)o.events / cons;
        tt[rep] = (double)o.events / (pub + cons);
        printf("rep %d: bare %.0f / %.0f events/s, typed %.0f / %.0f events/s (publish / "
               "consume); thread CPU bare %.2f / %.2f us, typed %.2f / %.2f us per event\n",
               rep + 1, bp[rep], bc[rep], tp[rep], tcs[rep], bpu[rep], bcu[rep], tpu[rep],
               tcu[rep]);
        fflush(stdout);
    }
    rates bare = {median(bp, o.reps), median(bc, o.reps), median(bt, o.reps)};
    rates typed = {median(tp, o.reps), median(tcs, o.reps), median(tt, o.reps)};
    double bpc = median(bpu, o.reps), bcc = median(bcu, o.reps);
    double tpc = median(tpu, o.reps), tcc = median(tcu, o.reps);
    char table[4096];
    snprintf(table, sizeof(table),
             "| path | publish (events/s) | consume (events/s) | publish + consume (events/s) |\n"
             "|---|---:|---:|---:|\n"
             "| bare librdkafka, pre-encoded records | %.0f | %.0f | %.0f |\n"
             "| typed layer through eventc::kafka | %.0f | %.0f | %.0f |\n"
             "| typed / bare | %.2f | %.2f | %.2f |\n"
             "\n"
             "| path | publish (thread CPU, us / event) | consume (thread CPU, us / event) |\n"
             "|---|---:|---:|\n"
             "| bare librdkafka, pre-encoded records | %.2f | %.2f |\n"
             "| typed layer through eventc::kafka | %.2f | %.2f |\n"
             "| bare / typed | %.2f | %.2f |\n",
             bare.pub, bare.cons, bare.total, typed.pub, typed.cons, typed.total,
             typed.pub / bare.pub, typed.cons / bare.cons, typed.total / bare.total, bpc, bcc, tpc,
             tcc, bpc / tpc, bcc / tcc);
    printf("\nmedians of %d reps, %zu events each:\n\n%s", o.reps, o.events, table);
    if (o.markdown != NULL) {
        FILE *f = fopen(o.markdown, "w");
        if (f == NULL || fprintf(f, "%s", table) < 0 || fclose(f) != 0) {
            die("cannot write the table", NULL);
        }
    }
    pool_free(&p);
    if (mock != NULL) {
        rd_kafka_mock_cluster_destroy(mock);
        rd_kafka_destroy(host);
    }
    return 0;
}
