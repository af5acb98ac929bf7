/* eventc_bench_delivery: what the delivery layer adds to the codec. The same typed events go
 *
 *   delivery:  typed event -> msg_event_publish -> in-memory bus -> router (deduplicator and
 *              lifecycle guard) -> typed handler, decoded and validated, on one thread
 *   codec:     typed event -> CloudEvent -> Kafka binary record (or the JSON event format) ->
 *              CloudEvent -> typed event, decoded and validated: the bare CloudEvents encode and
 *              decode a transport would do anyway
 *
 * and the report gives the cost of each per event, in time (events/s on one core) or, under
 * callgrind (--instructions), in instructions, and the ratio delivery / codec.
 *
 * The events are the catalog's 21 examples as histories of fresh aggregate instances: every round
 * gives each aggregate a new id and every event a new id, in an order every lifecycle allows, so
 * the deduplicator and the guard do their full work on every event (a claim, a state read, a
 * commit, a state write) and never short-cut a duplicate.
 *
 * Usage: eventc_bench_delivery --examples DIR [--events N] [--reps N] [--out DIR] [--smoke]
 *                              [--instructions CALLGRIND_OUT] [--only PATH] */
#define _GNU_SOURCE
#include "callgrind_dump.h"
#include "messaging_messaging.h"

#include <eventc/bus.h>
#include <eventc/lifecycle_guard.h>
#include <eventc/middleware.h>

#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef BENCH_HAVE_CALLGRIND
#include <valgrind/callgrind.h>
#endif

/* The examples in an order every lifecycle allows: one history per aggregate. */
static const char *const history[] = {"customer_created",
                                      "customer_updated",
                                      "customer_disabled",
                                      "customer_enabled",
                                      "contact_created",
                                      "contact_updated",
                                      "contact_deleted",
                                      "provider_configured",
                                      "provider_updated",
                                      "provider_disabled",
                                      "provider_enabled",
                                      "channel_mapped",
                                      "channel_updated",
                                      "channel_unmapped",
                                      "conversation_created",
                                      "conversation_updated",
                                      "conversation_participant_added",
                                      "conversation_participant_removed",
                                      "conversation_closed",
                                      "conversation_reopened",
                                      "conversation_archived"};
#define HISTORY (sizeof history / sizeof history[0])

/* Publish this many events, then let the router handle them (the bus holds 1024 per group). */
#define BATCH 256

typedef struct dataset {
    msg_event *events;
    size_t n;
    char *strings;    /* the ids the events point to */
    msg_event *proto; /* the decoded examples, owning the strings the events borrow */
} dataset;

static uint64_t sink;

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *data = malloc(1 << 16);
    *len = data ? fread(data, 1, (1 << 16) - 1, f) : 0;
    fclose(f);
    return data;
}

/* Sets the string member `field` of event `e` (its struct) to `value`. */
static void set_field(const eventc_type_desc *d, void *e, const char *field, const char *value)
{
    for (size_t i = 0; i < d->n_fields; i++)
        if (strcmp(d->fields[i].name, field) == 0)
            memcpy((char *)e + d->fields[i].offset, &value, sizeof value);
}

/* `rounds` histories, numbered from `first`: every aggregate and every event gets a fresh id. */
static int make_dataset(const char *examples, size_t first, size_t rounds, dataset *out)
{
    msg_event *proto = calloc(HISTORY, sizeof(msg_event));
    out->proto = proto;
    if (proto == NULL)
        return -1;
    for (size_t i = 0; i < HISTORY; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.example.json", examples, history[i]);
        size_t len;
        char *json = read_file(path, &len);
        eventc_error err;
        if (json == NULL || msg_event_from_json(&proto[i], json, len, &err) != EVENTC_OK) {
            fprintf(stderr, "bench: cannot load %s\n", path);
            free(json);
            return -1;
        }
        free(json);
    }
    out->n = rounds * HISTORY;
    out->events = calloc(out->n, sizeof(msg_event));
    out->strings = calloc(out->n, 64);
    if (!out->events || !out->strings)
        return -1;
    for (size_t r = 0; r < rounds; r++) {
        for (size_t i = 0; i < HISTORY; i++) {
            size_t k = r * HISTORY + i;
            msg_event *ev = &out->events[k];
            /* A struct copy borrows the example's strings; its own arena pointer is dropped. */
            *ev = proto[i];
            const eventc_catalog_event *ce = eventc_catalog_event_of(&msg_catalog_desc, ev->kind);
            const eventc_catalog_aggregate *a =
                eventc_catalog_aggregate_of(&msg_catalog_desc, ev->kind);
            void *e = (char *)ev + ce->entry->union_offset;
            char *id = out->strings + k * 64, *agg = id + 32;
            snprintf(id, 32, "01BENCH%019zu", first * HISTORY + k);
            snprintf(agg, 32, "%s_%zu", a->name, first + r);
            set_field(ce->entry->desc, e, "event_id", id);
            set_field(ce->entry->desc, e, "aggregate_id", agg);
            set_field(ce->entry->desc, e, a->id_field, agg);
            /* An idempotency key would make the deduplicator see every round as a repeat. */
            set_field(ce->entry->desc, e, "idempotency_key", NULL);
            /* The arena stays with the prototype. */
            eventc_arena *none = NULL;
            memcpy((char *)e + ce->entry->desc->arena_offset, &none, sizeof none);
        }
    }
    /* The prototypes keep owning the strings the copies borrow, until dataset_free. */
    return 0;
}

/* The copies borrow every string, so only the prototypes are cleared. */
static void dataset_free(dataset *d)
{
    if (d->proto != NULL)
        for (size_t i = 0; i < HISTORY; i++)
            msg_event_clear(&d->proto[i]);
    free(d->proto);
    free(d->events);
    free(d->strings);
    memset(d, 0, sizeof *d);
}

/* ---- the codec ---- */

typedef struct codec {
    eventc_ce_event ce, back_ce;
    eventc_ce_message msg;
    eventc_buf json;
    msg_event back;
    int json_format; /* 0: Kafka binary record, 1: the JSON event format, 2: no binding */
    size_t errors;
} codec;

static void codec_run(codec *c, const dataset *d, size_t from, size_t n)
{
    eventc_error err;
    for (size_t i = from; i < from + n; i++) {
        const msg_event *ev = &d->events[i % d->n];
        eventc_status st = msg_event_to_cloudevent(ev, &c->ce, &err);
        if (st == EVENTC_OK && c->json_format == 2) {
            st = eventc_ce_copy(&c->back_ce, &c->ce, NULL, &err);
        } else if (st == EVENTC_OK && !c->json_format) {
            st = eventc_ce_kafka_encode(&c->ce, EVENTC_CE_MODE_BINARY, &c->msg, &err);
            if (st == EVENTC_OK)
                st = eventc_ce_kafka_decode(&c->back_ce, c->msg.headers, c->msg.n_headers,
                                            c->msg.key, c->msg.key_len, c->msg.body,
                                            c->msg.body_len, NULL, &err);
        } else if (st == EVENTC_OK) {
            eventc_buf_reset(&c->json);
            st = eventc_ce_to_json(&c->ce, &c->json, &err);
            if (st == EVENTC_OK)
                st = eventc_ce_from_json(&c->back_ce, c->json.data, c->json.len, NULL, &err);
        }
        if (st == EVENTC_OK)
            st = msg_event_from_cloudevent(&c->back, &c->back_ce, NULL, &err);
        if (st != EVENTC_OK)
            c->errors++;
        else
            sink += (uint64_t)c->back.kind;
    }
}

/* ---- the delivery chain ---- */

typedef struct chain {
    eventc_bus *bus;
    eventc_publisher *pub;
    eventc_router *router;
    eventc_typed *typed;
    eventc_dedupe_store *dedupe;
    eventc_state_store *states;
    msg_handlers handlers;
    size_t handled, errors;
} chain;

/* The typed handlers: each reads its event and counts it. */
#define HANDLER(name)                                                              \
    static int on_##name(const msg_##name *ev, const eventc_message *m, void *ctx) \
    {                                                                              \
        (void)m;                                                                   \
        chain *c = ctx;                                                            \
        c->handled++;                                                              \
        sink += (uint64_t)(unsigned char)ev->envelope.event_id[7];                 \
        return 0;                                                                  \
    }
HANDLER(customer_created)
HANDLER(customer_updated)
HANDLER(customer_enabled)
HANDLER(customer_disabled)
HANDLER(contact_created)
HANDLER(contact_updated)
HANDLER(contact_deleted)
HANDLER(provider_configured)
HANDLER(provider_updated)
HANDLER(provider_enabled)
HANDLER(provider_disabled)
HANDLER(channel_mapped)
HANDLER(channel_updated)
HANDLER(channel_unmapped)
HANDLER(conversation_created)
HANDLER(conversation_updated)
HANDLER(conversation_participant_added)
HANDLER(conversation_participant_removed)
HANDLER(conversation_closed)
HANDLER(conversation_reopened)
HANDLER(conversation_archived)

static void report_error(void *ctx, const char *handler, const eventc_error *err)
{
    chain *c = ctx;
    c->errors++;
    if (c->errors < 5)
        fprintf(stderr, "bench: %s: %s: %s\n", handler, err->path, err->message);
}

static int chain_open(chain *c)
{
    memset(c, 0, sizeof *c);
    eventc_error err;
    eventc_bus_config bc = eventc_bus_config_default();
    bc.capacity = BATCH * 4;
    c->bus = eventc_bus_new(&bc, &err);
    c->pub = c->bus ? eventc_bus_publisher(c->bus) : NULL;
    /* The stores as a consumer would configure them: the dedupe window holds the default
     * 100,000 keys (it forgets the oldest once full), the states of every instance are kept. */
    c->dedupe = eventc_memory_dedupe_new(NULL);
    c->states = eventc_memory_state_new(NULL);
    eventc_router_config rc = eventc_router_config_default();
    rc.on_error = report_error;
    rc.on_error_ctx = c;
    c->router = eventc_router_new(&rc, &err);
    if (!c->pub || !c->dedupe || !c->states || !c->router)
        return -1;
    eventc_middleware mw;
    eventc_dedupe_config dd = {c->dedupe, "bench", 0, 0};
    eventc_lifecycle_guard_config gc = {&msg_catalog_desc, c->states, NULL, NULL, NULL};
    if (eventc_dedupe_middleware(&dd, &mw, &err) != EVENTC_OK ||
        eventc_router_use(c->router, &mw, &err) != EVENTC_OK ||
        eventc_lifecycle_guard_middleware(&gc, &mw, &err) != EVENTC_OK ||
        eventc_router_use(c->router, &mw, &err) != EVENTC_OK)
        return -1;
    msg_handlers *h = &c->handlers;
    h->customer_created = on_customer_created;
    h->customer_updated = on_customer_updated;
    h->customer_enabled = on_customer_enabled;
    h->customer_disabled = on_customer_disabled;
    h->contact_created = on_contact_created;
    h->contact_updated = on_contact_updated;
    h->contact_deleted = on_contact_deleted;
    h->provider_configured = on_provider_configured;
    h->provider_updated = on_provider_updated;
    h->provider_enabled = on_provider_enabled;
    h->provider_disabled = on_provider_disabled;
    h->channel_mapped = on_channel_mapped;
    h->channel_updated = on_channel_updated;
    h->channel_unmapped = on_channel_unmapped;
    h->conversation_created = on_conversation_created;
    h->conversation_updated = on_conversation_updated;
    h->conversation_participant_added = on_conversation_participant_added;
    h->conversation_participant_removed = on_conversation_participant_removed;
    h->conversation_closed = on_conversation_closed;
    h->conversation_reopened = on_conversation_reopened;
    h->conversation_archived = on_conversation_archived;
    eventc_typed_config tc = eventc_typed_config_default();
    tc.name = "bench";
    tc.group = "bench";
    tc.new_subscriber = eventc_bus_subscriber_factory;
    tc.subscriber_ctx = c->bus;
    tc.batch = 64;
    return msg_router_add_handlers(c->router, h, c, &tc, &c->typed, &err) == EVENTC_OK ? 0 : -1;
}

static void chain_close(chain *c)
{
    eventc_router_free(c->router);
    eventc_typed_free(c->typed);
    eventc_publisher_close(c->pub);
    eventc_bus_free(c->bus);
    eventc_dedupe_close(c->dedupe);
    eventc_state_store_close(c->states);
}

static void chain_run(chain *c, const dataset *d, size_t from, size_t n)
{
    eventc_error err;
    for (size_t i = from; i < from + n;) {
        size_t end = i + BATCH < from + n ? i + BATCH : from + n;
        for (; i < end; i++)
            if (msg_event_publish(c->pub, NULL, &d->events[i], &err) != EVENTC_OK)
                c->errors++;
        size_t handled;
        do {
            handled = 0;
            if (eventc_router_run_once(c->router, 0, &handled, &err) != EVENTC_OK)
                c->errors++;
        } while (handled > 0);
    }
}

/* ---- measuring ---- */

static uint64_t cpu_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#ifdef BENCH_HAVE_CALLGRIND
static unsigned dumps;
#endif

enum { DELIVERY, KAFKA, JSON, CONVERT, N_RUNS };
static const char *const run_ids[N_RUNS] = {"delivery", "codec_kafka_binary", "codec_json",
                                            "converters"};
static const char *const run_labels[N_RUNS] = {
    "**delivery**: typed publish, in-memory bus, router (dedupe + lifecycle guard), typed handler",
    "**codec**: to CloudEvent, Kafka binary encode + decode, from CloudEvent",
    "codec: to CloudEvent, JSON format encode + decode, from CloudEvent",
    "converters alone: to CloudEvent, copy, from CloudEvent (no binding)"};

/* Runs every path on the data sets (sets[0] warms up, sets[r + 1] is repetition r), writes
 * the report into `out` and prints it. */
static int measure(dataset *sets, int reps, size_t events, const char *only,
                   const char *instructions, const char *out)
{
    double ns[N_RUNS][64], instr[N_RUNS] = {0};
    size_t errors = 0, handled = 0;
    for (int run = 0; run < N_RUNS; run++) {
        if (only != NULL && strcmp(only, run_ids[run]) != 0)
            continue;
        for (int r = 0; r < reps && r < 64; r++) {
            chain c;
            codec k;
            memset(&k, 0, sizeof k);
            k.json_format = run == JSON ? 1 : run == CONVERT ? 2 : 0;
            eventc_ce_init(&k.ce, NULL);
            eventc_ce_init(&k.back_ce, NULL);
            eventc_ce_message_init(&k.msg, NULL);
            eventc_buf_init(&k.json, NULL);
            if (run == DELIVERY && chain_open(&c) != 0) {
                fprintf(stderr, "bench: cannot set the chain up\n");
                return 1;
            }
            /* Warm-up on its own events: buffers, arenas and tables reach their steady size. */
            if (run == DELIVERY)
                chain_run(&c, &sets[0], 0, sets[0].n);
            else
                codec_run(&k, &sets[0], 0, sets[0].n);
            size_t before = run == DELIVERY ? c.handled : 0;
#ifdef BENCH_HAVE_CALLGRIND
            if (instructions)
                CALLGRIND_TOGGLE_COLLECT;
#endif
            uint64_t t0 = cpu_ns();
            if (run == DELIVERY)
                chain_run(&c, &sets[r + 1], 0, sets[r + 1].n);
            else
                codec_run(&k, &sets[r + 1], 0, sets[r + 1].n);
            uint64_t t1 = cpu_ns();
#ifdef BENCH_HAVE_CALLGRIND
            if (instructions) {
                CALLGRIND_TOGGLE_COLLECT;
                CALLGRIND_DUMP_STATS_AT(run_ids[run]);
                instr[run] = bench_callgrind_total(instructions, ++dumps) / (double)events;
            }
#endif
            ns[run][r] = (double)(t1 - t0) / (double)events;
            if (run == DELIVERY) {
                handled = c.handled - before;
                errors += c.errors;
                chain_close(&c);
            } else {
                errors += k.errors;
            }
            msg_event_clear(&k.back);
            eventc_ce_clear(&k.ce);
            eventc_ce_clear(&k.back_ce);
            eventc_ce_message_clear(&k.msg);
            eventc_buf_free(&k.json);
        }
        qsort(ns[run], (size_t)reps, sizeof(double), cmp_double);
    }
    if (only != NULL)
        return errors == 0 ? 0 : 1;
    if (errors != 0 || handled != events) {
        fprintf(stderr, "bench: %zu errors; %zu of %zu events handled\n", errors, handled, events);
        return 1;
    }

    double med[N_RUNS];
    for (int run = 0; run < N_RUNS; run++)
        med[run] = ns[run][reps / 2];
    /* The codec is the cheaper of the two bindings: the ratio against it is the larger one. */
    int cheaper = med[KAFKA] <= med[JSON] ? KAFKA : JSON;
    if (instructions)
        cheaper = instr[KAFKA] <= instr[JSON] ? KAFKA : JSON;
    char path[4096];
    snprintf(path, sizeof path, "%s/delivery.md", out);
    FILE *md = fopen(path, "w");
    snprintf(path, sizeof path, "%s/delivery.json", out);
    FILE *js = fopen(path, "w");
    if (md == NULL || js == NULL) {
        fprintf(stderr, "bench: cannot write to %s: %s\n", out, strerror(errno));
        return 1;
    }
    fprintf(js, "{\"events\":%zu,\"reps\":%d,\"mode\":\"%s\",\"runs\":{", events, reps,
            instructions ? "instructions" : "time");
    if (instructions) {
        fprintf(md, "| path | instructions / event | vs the codec |\n|---|---:|---:|\n");
        for (int run = 0; run < N_RUNS; run++) {
            fprintf(md, "| %s | %.0f | %.2fx |\n", run_labels[run], instr[run],
                    instr[run] / instr[cheaper]);
            fprintf(js, "%s\"%s\":{\"instructions_per_event\":%.1f}", run ? "," : "", run_ids[run],
                    instr[run]);
        }
    } else {
        fprintf(md,
                "| path | ns / event (median of %d) | events / s | vs the codec |\n"
                "|---|---:|---:|---:|\n",
                reps);
        for (int run = 0; run < N_RUNS; run++) {
            fprintf(md, "| %s | %.0f | %.0f | %.2fx |\n", run_labels[run], med[run], 1e9 / med[run],
                    med[run] / med[cheaper]);
            fprintf(js, "%s\"%s\":{\"ns_per_event\":%.1f,\"events_per_s\":%.0f}", run ? "," : "",
                    run_ids[run], med[run], 1e9 / med[run]);
        }
    }
    /* The delivery layer's own cost: the delivery path without the conversions it shares with
     * the codec, against the codec. */
    double layer = instructions ? (instr[DELIVERY] - instr[CONVERT]) / instr[cheaper]
                                : (med[DELIVERY] - med[CONVERT]) / med[cheaper];
    double total = instructions ? instr[DELIVERY] / instr[cheaper] : med[DELIVERY] / med[cheaper];
    fprintf(md,
            "\nThe delivery path costs **%.2fx** the codec (%s); the delivery layer's own work "
            "(the delivery path minus the conversions to and from CloudEvents it shares with the "
            "codec) is **%.0f%%** of the codec's cost.\n",
            total, run_ids[cheaper], layer * 100);
    fprintf(js, "},\"delivery_vs_codec\":%.3f,\"layer_vs_codec\":%.3f}\n", total, layer);
    fclose(md);
    fclose(js);
    snprintf(path, sizeof path, "%s/delivery.md", out);
    FILE *again = fopen(path, "r");
    char line[512];
    while (again && fgets(line, sizeof line, again))
        fputs(line, stdout);
    if (again)
        fclose(again);
    printf("(%zu events per repetition; sink %llu)\n", events, (unsigned long long)sink);
    return 0;
}

int main(int argc, char **argv)
{
    const char *examples = NULL, *out = ".", *instructions = NULL, *only = NULL;
    size_t events = 105000;
    int reps = 5, smoke = 0;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--examples") == 0 && i + 1 < argc)
            examples = argv[++i];
        else if (strcmp(argv[i], "--out") == 0 && i + 1 < argc)
            out = argv[++i];
        else if (strcmp(argv[i], "--events") == 0 && i + 1 < argc)
            events = strtoul(argv[++i], NULL, 10);
        else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
            reps = atoi(argv[++i]);
        else if (strcmp(argv[i], "--instructions") == 0 && i + 1 < argc)
            instructions = argv[++i];
        else if (strcmp(argv[i], "--smoke") == 0)
            smoke = 1;
        else if (strcmp(argv[i], "--only") == 0 && i + 1 < argc)
            only = argv[++i];
        else {
            fprintf(stderr, "usage: eventc_bench_delivery --examples DIR [--events N] [--reps N]"
                            " [--out DIR] [--smoke] [--instructions CALLGRIND_OUT]"
                            " [--only PATH]\n"
                            "  --only PATH  run one path (delivery, codec_kafka_binary,"
                            " codec_json, converters), for a profiler; no report\n");
            return 2;
        }
    }
    if (examples == NULL) {
        fprintf(stderr, "eventc_bench_delivery: --examples DIR is required\n");
        return 2;
    }
    if (smoke)
        events = 2 * HISTORY, reps = 1;
    if (instructions)
        reps = 1;
    if (events < HISTORY)
        events = HISTORY;
    size_t rounds = events / HISTORY;
    events = rounds * HISTORY;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(0, &one);
    (void)sched_setaffinity(0, sizeof one, &one);

    /* One warm-up set and one set per repetition: every event the chain sees is new to it. */
    dataset *sets = calloc((size_t)reps + 1, sizeof(dataset));
    int rc = sets == NULL ? 1 : 0;
    for (int r = 0; rc == 0 && r <= reps; r++)
        if (make_dataset(examples, (size_t)r * rounds, rounds, &sets[r]) != 0)
            rc = 1;
    if (rc == 0)
        rc = measure(sets, reps, events, only, instructions, out);
    for (int r = 0; sets != NULL && r <= reps; r++)
        dataset_free(&sets[r]);
    free(sets);
    return rc;
}
