/* eventc_bench: measures the generated messaging codec against json-c (parse, then extract by
 * hand into the same structs; build a tree, then serialise) and cJSON (parse only), on the 21
 * catalog examples, on ~2 KB variants of them, and on an NDJSON stream decoded from a file in
 * fixed-size chunks into one reused event. Correctness comes first: every input is decoded by
 * both decoders and the structs compared, invalid inputs must be refused by both, and both
 * encoders' output must decode back to the same struct. Then each operation is timed on one
 * pinned core, warm, several times, interleaved, and the median is reported.
 *
 * Usage: eventc_bench --examples DIR [--out DIR] [options]; --help lists the options. */
#define _GNU_SOURCE
#include "bench.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#if defined(__clang__)
#define BENCH_COMPILER __VERSION__
#elif defined(__GNUC__)
#define BENCH_COMPILER "gcc " __VERSION__
#else
#define BENCH_COMPILER "unknown"
#endif

#ifndef BENCH_BUILD_TYPE
#define BENCH_BUILD_TYPE "unknown"
#endif

/* ---- options --------------------------------------------------------------------------------- */

typedef struct options {
    const char *examples;
    const char *out;
    int reps;
    double rep_ms;
    double warmup_ms;
    size_t stream_big, stream_small;
    int stream_reps;
    size_t chunk;
    size_t large_target;
    size_t large_variants;
    int cpu; /* -1: do not pin */
    uint64_t seed;
    int smoke;
    const char *only; /* "WORKLOAD:CONTENDER": time just that, for profiling */
    int wall;         /* time with CLOCK_MONOTONIC instead of the thread's CPU time */
} options;

static void usage(FILE *f)
{
    fprintf(f, "usage: eventc_bench --examples DIR [--out DIR] [--reps N] [--rep-ms MS]\n"
               "                    [--warmup-ms MS] [--stream N] [--stream-small N]\n"
               "                    [--stream-reps N] [--chunk BYTES] [--large-bytes N]\n"
               "                    [--variants N] [--cpu N|none] [--seed N] [--smoke]\n"
               "                    [--only small|large:CONTENDER] [--clock cpu|wall]\n"
               "  --examples DIR  the catalog's examples folder (catalog/examples)\n"
               "  --out DIR       where results.json and the stream files go (default .)\n"
               "  --smoke         tiny counts: checks that everything runs and agrees\n"
               "  --clock cpu     time with the thread's CPU clock (default): time spent\n"
               "                  descheduled on a busy machine is not counted\n"
               "  --clock wall    time with CLOCK_MONOTONIC\n"
               "  --only W:C      time one contender on one workload for --rep-ms x --reps,\n"
               "                  nothing else (for perf record); C is eventc_decode,\n"
               "                  jsonc_decode, cjson_parse, eventc_encode or jsonc_encode\n");
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || end == s || *end)
        return -1;
    *out = (size_t)v;
    return 0;
}

static int parse_options(int argc, char **argv, options *o)
{
    *o = (options){.out = ".",
                   .reps = 7,
                   .rep_ms = 250,
                   .warmup_ms = 150,
                   .stream_big = 100000,
                   .stream_small = 10000,
                   .stream_reps = 3,
                   .chunk = 64 * 1024,
                   .large_target = 2048,
                   .large_variants = 3,
                   .cpu = -2,
                   .seed = 20251105};
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        size_t n = 0;
        if (strcmp(a, "--smoke") == 0) {
            o->smoke = 1;
            o->reps = 1;
            o->rep_ms = 2;
            o->warmup_ms = 1;
            o->stream_big = 2000;
            o->stream_small = 200;
            o->stream_reps = 1;
            continue;
        }
        if (strcmp(a, "--help") == 0) {
            usage(stdout);
            exit(0);
        }
        if (!v) {
            usage(stderr);
            return -1;
        }
        i++;
        if (strcmp(a, "--examples") == 0) {
            o->examples = v;
        } else if (strcmp(a, "--out") == 0) {
            o->out = v;
        } else if (strcmp(a, "--only") == 0) {
            o->only = v;
        } else if (strcmp(a, "--clock") == 0) {
            if (strcmp(v, "wall") != 0 && strcmp(v, "cpu") != 0)
                return usage(stderr), -1;
            o->wall = strcmp(v, "wall") == 0;
        } else if (strcmp(a, "--cpu") == 0) {
            if (strcmp(v, "none") == 0)
                o->cpu = -1;
            else if (parse_size(v, &n) == 0)
                o->cpu = (int)n;
            else
                return usage(stderr), -1;
        } else if (parse_size(v, &n) != 0) {
            usage(stderr);
            return -1;
        } else if (strcmp(a, "--reps") == 0 && n > 0) {
            o->reps = (int)n;
        } else if (strcmp(a, "--rep-ms") == 0) {
            o->rep_ms = (double)n;
        } else if (strcmp(a, "--warmup-ms") == 0) {
            o->warmup_ms = (double)n;
        } else if (strcmp(a, "--stream") == 0 && n > 0) {
            o->stream_big = n;
        } else if (strcmp(a, "--stream-small") == 0 && n > 0) {
            o->stream_small = n;
        } else if (strcmp(a, "--stream-reps") == 0 && n > 0) {
            o->stream_reps = (int)n;
        } else if (strcmp(a, "--chunk") == 0 && n >= 4096) {
            o->chunk = n;
        } else if (strcmp(a, "--large-bytes") == 0 && n >= 512) {
            o->large_target = n;
        } else if (strcmp(a, "--variants") == 0 && n > 0) {
            o->large_variants = n;
        } else if (strcmp(a, "--seed") == 0) {
            o->seed = n;
        } else {
            usage(stderr);
            return -1;
        }
    }
    if (!o->examples) {
        usage(stderr);
        return -1;
    }
    return 0;
}

/* ---- clock, CPU, memory ---------------------------------------------------------------------- */

/* The thread's CPU time by default: on a shared machine, time spent descheduled would otherwise
 * be charged to whichever operation happened to be running. */
static uint64_t now_ns(int wall)
{
    struct timespec ts;
    clock_gettime(wall ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Pins the process to one CPU: @p cpu, or the last one it may run on when -2. */
static int pin_cpu(int cpu)
{
    if (cpu == -1)
        return -1;
    cpu_set_t set;
    if (cpu == -2) {
        if (sched_getaffinity(0, sizeof(set), &set) != 0)
            return -1;
        for (int i = CPU_SETSIZE - 1; i >= 0; i--)
            if (CPU_ISSET(i, &set)) {
                cpu = i;
                break;
            }
        if (cpu < 0)
            return -1;
    }
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof(set), &set) == 0 ? cpu : -1;
}

static long max_rss_kb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

/* The arena the decoded event's memory lives in, and how much of it is in use. */
static size_t event_arena_used(const msg_event *ev)
{
    for (size_t i = 0; i < MSG_EVENT_TYPE_COUNT; i++) {
        const eventc_event_entry *e = &msg_event_types[i];
        if (e->kind == (int)ev->kind) {
            eventc_arena *const *slot =
                (eventc_arena *const *)((const char *)&ev->as + e->desc->arena_offset);
            return *slot ? eventc_arena_used(*slot) : 0;
        }
    }
    return 0;
}

/* ---- correctness cross-checks ---------------------------------------------------------------- */

typedef struct text_sink {
    char *s;
    size_t len;
} text_sink;

static void keep_text(void *ctx, const char *s, size_t n)
{
    text_sink *t = ctx;
    free(t->s);
    t->s = malloc(n + 1);
    t->len = 0;
    if (t->s) {
        memcpy(t->s, s, n);
        t->s[n] = '\0';
        t->len = n;
    }
}

static void print_error(const char *what, const eventc_error *err)
{
    char line[512];
    eventc_error_format(err, line, sizeof(line));
    fprintf(stderr, "bench: %s: %s\n", what, line);
}

/* Decodes @p doc with both decoders, compares, and round-trips it through both encoders. */
static int cross_check_doc(jc_peer *jp, const bench_doc *doc, const char *label, size_t idx)
{
    msg_event a = {0}, b = {0}, c = {0};
    eventc_error err;
    eventc_buf buf;
    text_sink jt = {0};
    const char *why = NULL;
    int ok = 1;
    eventc_buf_init(&buf, NULL);
    if (msg_event_from_json(&a, doc->json, doc->len, &err) != EVENTC_OK) {
        fprintf(stderr, "bench: %s #%zu is not valid:\n%s\n", label, idx, doc->json);
        print_error("eventc", &err);
        return 0;
    }
    if (jc_decode(jp, doc->json, doc->len, &b, &why) != 0) {
        fprintf(stderr, "bench: %s #%zu: json-c peer refused it: %s\n", label, idx, why);
        ok = 0;
    } else if (!msg_event_equal(&a, &b)) {
        fprintf(stderr, "bench: %s #%zu: eventc and json-c decode to different structs\n", label,
                idx);
        ok = 0;
    }
    if (ok && cj_parse_only(doc->json, doc->len) < 0) {
        fprintf(stderr, "bench: %s #%zu: cJSON cannot parse it\n", label, idx);
        ok = 0;
    }
    /* Both encoders must write text that decodes back to the same struct. */
    if (ok && (msg_event_to_json(&a, &buf, &err) != EVENTC_OK ||
               msg_event_from_json(&c, buf.data, buf.len, &err) != EVENTC_OK ||
               !msg_event_equal(&a, &c))) {
        fprintf(stderr, "bench: %s #%zu: eventc encode does not round-trip\n", label, idx);
        ok = 0;
    }
    if (ok &&
        (jc_encode(&a, keep_text, &jt) == 0 || !jt.s ||
         msg_event_from_json(&c, jt.s, jt.len, &err) != EVENTC_OK || !msg_event_equal(&a, &c))) {
        fprintf(stderr, "bench: %s #%zu: json-c encode does not round-trip: %s\n", label, idx,
                jt.s ? jt.s : "(nothing)");
        ok = 0;
    }
    free(jt.s);
    eventc_buf_free(&buf);
    msg_event_clear(&a);
    msg_event_clear(&c);
    jc_event_free(&b);
    return ok;
}

/* Invalid documents: each catalog rule broken once in an example. Both decoders must refuse
 * every one, or the json-c peer is checking less than the generated decoder. */
typedef struct mutation {
    const char *example; /* file name prefix */
    const char *from, *to;
} mutation;

static const mutation mutations[] = {
    {"customer_created", "\"version\": 1", "\"version\": 0"},
    {"customer_created", "\"version\": 1", "\"version\": \"1\""},
    {"customer_created", "\"version\": 1", "\"version\": 1.5"},
    {"customer_created", "\"customer_id\": \"cust_123\",", ""},
    {"customer_created", "\"name\": \"Acme, Inc.\"", "\"name\": \"\""},
    {"customer_created", "\"name\": \"Acme, Inc.\"", "\"name\": \"Acme\\u0000\""},
    {"customer_created", "\"name\": \"Acme, Inc.\"", "\"name\": \"Acme\xff\""},
    {"customer_created", "\"name\": \"Acme, Inc.\"", "\"name\": 42"},
    {"customer_created", "\"event_name\": \"CustomerCreated\"", "\"event_name\": \"Customer\""},
    {"customer_created", "\"aggregate_type\": \"Customer\"", "\"aggregate_type\": \"Contact\""},
    {"customer_created", "\"event_id\": \"01HZYX3X9Q2F7J5V7KX9A1B2C3\"", "\"event_id\": \"01HZ\""},
    {"customer_created", "14:00:00Z", "14:00:00+01:00"},
    {"customer_created", "14:00:00Z", "24:00:00Z"},
    {"customer_created", "\"Acme, Inc.\"\n}", "\"Acme, Inc.\",\n}"},
    {"customer_created", "\"Acme, Inc.\"\n}", "\"Acme, Inc.\"\n} x"},
    {"customer_updated", "[\"name\"]", "[]"},
    {"customer_updated", "[\"name\"]", "[\"name\", \"name\"]"},
    {"customer_updated", "[\"name\"]", "[\"Name\"]"},
    {"customer_updated", "[\"name\"]", "[\"name__x\"]"},
    {"customer_updated", "[\"name\"]", "\"name\""},
    {"customer_updated", "[\"name\"]", "[1]"},
    {"customer_enabled", "\"compliance cleared\"", "null"},
    {"provider_configured", "\"kind\": \"sms\"", "\"kind\": \"fax\""},
    {"provider_configured", "\"kind\": \"sms\"", "\"kind\": \"SMS\""},
    {"conversation_created", "\"status\": \"open\"", "\"statu\": \"open\""},
    {"channel_mapped", "\"normalized\": \"+18045551234\"", "\"normalized\": \"\""},
    {"contact_created", "\"display_name\": \"Jane Doe\"", "\"display_name\": [\"Jane\"]"},
    {"channel_unmapped", "\"idem-01K9A7MTF0FQ8ARVC47S8G\"", "\"id\""},
};

static char *replace_once(const char *s, const char *from, const char *to)
{
    const char *at = strstr(s, from);
    if (!at)
        return NULL;
    size_t pre = (size_t)(at - s), fl = strlen(from), tl = strlen(to), rest = strlen(at + fl);
    char *out = malloc(pre + tl + rest + 1);
    if (!out)
        return NULL;
    memcpy(out, s, pre);
    memcpy(out + pre, to, tl);
    memcpy(out + pre + tl, at + fl, rest + 1);
    return out;
}

static int check_rejections(jc_peer *jp, const bench_set *examples, const char *const *names,
                            size_t *n_checked)
{
    int ok = 1;
    *n_checked = 0;
    for (size_t m = 0; m < sizeof(mutations) / sizeof(mutations[0]); m++) {
        const mutation *mu = &mutations[m];
        const bench_doc *src = NULL;
        for (size_t i = 0; i < examples->n && !src; i++)
            if (strncmp(names[i], mu->example, strlen(mu->example)) == 0)
                src = &examples->docs[i];
        char *bad = src ? replace_once(src->json, mu->from, mu->to) : NULL;
        if (!bad) {
            fprintf(stderr, "bench: mutation %zu does not apply to %s\n", m, mu->example);
            ok = 0;
            continue;
        }
        msg_event a = {0}, b = {0};
        eventc_error err;
        const char *why = NULL;
        int ea = msg_event_from_json(&a, bad, strlen(bad), &err) != EVENTC_OK;
        int eb = jc_decode(jp, bad, strlen(bad), &b, &why) != 0;
        if (!ea || !eb) {
            fprintf(stderr, "bench: invalid document accepted by %s: %s -> %s in %s\n",
                    !ea && !eb ? "both" : (!ea ? "eventc" : "json-c"), mu->from, mu->to,
                    mu->example);
            ok = 0;
        }
        msg_event_clear(&a);
        if (!eb)
            jc_event_free(&b);
        free(bad);
        (*n_checked)++;
    }
    return ok;
}

/* ---- the timed operations -------------------------------------------------------------------- */

typedef struct bench_ctx {
    const bench_set *set;
    msg_event *decoded; /* one per document of the set: the encoders' input */
    msg_event ev;       /* the reused decoding target */
    eventc_buf buf;
    jc_peer *jp;
    uint64_t sink; /* folded results, printed, so nothing is optimised away */
    size_t errors;
} bench_ctx;

/* Each runs @p n operations over the set, starting at document @p start, and adds the input
 * (decoders) or output (encoders) bytes to *bytes. */
typedef void (*op_fn)(bench_ctx *c, size_t start, size_t n, uint64_t *bytes);

static void op_eventc_decode(bench_ctx *c, size_t start, size_t n, uint64_t *bytes)
{
    const bench_set *s = c->set;
    eventc_error err;
    for (size_t i = 0, k = start % s->n; i < n; i++, k = k + 1 == s->n ? 0 : k + 1) {
        const bench_doc *d = &s->docs[k];
        if (msg_event_from_json(&c->ev, d->json, d->len, &err) != EVENTC_OK) {
            c->errors++;
            continue;
        }
        c->sink +=
            (uint64_t)c->ev.kind + (unsigned char)c->ev.as.customer_created.envelope.actor[0];
        *bytes += d->len;
    }
}

static void op_jsonc_decode(bench_ctx *c, size_t start, size_t n, uint64_t *bytes)
{
    const bench_set *s = c->set;
    for (size_t i = 0, k = start % s->n; i < n; i++, k = k + 1 == s->n ? 0 : k + 1) {
        const bench_doc *d = &s->docs[k];
        msg_event ev;
        if (jc_decode(c->jp, d->json, d->len, &ev, NULL) != 0) {
            c->errors++;
            continue;
        }
        c->sink += (uint64_t)ev.kind + (unsigned char)ev.as.customer_created.envelope.actor[0];
        jc_event_free(&ev);
        *bytes += d->len;
    }
}

static void op_cjson_parse(bench_ctx *c, size_t start, size_t n, uint64_t *bytes)
{
    const bench_set *s = c->set;
    for (size_t i = 0, k = start % s->n; i < n; i++, k = k + 1 == s->n ? 0 : k + 1) {
        const bench_doc *d = &s->docs[k];
        int t = cj_parse_only(d->json, d->len);
        if (t < 0) {
            c->errors++;
            continue;
        }
        c->sink += (uint64_t)t;
        *bytes += d->len;
    }
}

static void op_eventc_encode(bench_ctx *c, size_t start, size_t n, uint64_t *bytes)
{
    const bench_set *s = c->set;
    eventc_error err;
    for (size_t i = 0, k = start % s->n; i < n; i++, k = k + 1 == s->n ? 0 : k + 1) {
        eventc_buf_reset(&c->buf);
        if (msg_event_to_json(&c->decoded[k], &c->buf, &err) != EVENTC_OK) {
            c->errors++;
            continue;
        }
        c->sink += (unsigned char)c->buf.data[c->buf.len - 1];
        *bytes += c->buf.len;
    }
}

/* The same encoding of values known to be valid (they were just decoded): the rule checks are
 * skipped, UTF-8 and enum ranges are still checked (EVENTC_ENCODE_TRUSTED). */
static void op_eventc_encode_trusted(bench_ctx *c, size_t start, size_t n, uint64_t *bytes)
{
    const bench_set *s = c->set;
    eventc_error err;
    for (size_t i = 0, k = start % s->n; i < n; i++, k = k + 1 == s->n ? 0 : k + 1) {
        const msg_event *ev = &c->decoded[k];
        const eventc_event_entry *e = &msg_event_types[ev->kind - 1];
        eventc_buf_reset(&c->buf);
        if (eventc_encode_ex(e->desc, (const char *)ev + e->union_offset, &c->buf,
                             EVENTC_ENCODE_TRUSTED, &err) != EVENTC_OK) {
            c->errors++;
            continue;
        }
        c->sink += (unsigned char)c->buf.data[c->buf.len - 1];
        *bytes += c->buf.len;
    }
}

static void count_text(void *ctx, const char *s, size_t n)
{
    *(uint64_t *)ctx += (unsigned char)s[n - 1];
}

static void op_jsonc_encode(bench_ctx *c, size_t start, size_t n, uint64_t *bytes)
{
    const bench_set *s = c->set;
    for (size_t i = 0, k = start % s->n; i < n; i++, k = k + 1 == s->n ? 0 : k + 1) {
        size_t len = jc_encode(&c->decoded[k], count_text, &c->sink);
        if (len == 0) {
            c->errors++;
            continue;
        }
        *bytes += len;
    }
}

typedef struct contender {
    const char *id;    /* key in results.json */
    const char *label; /* table */
    op_fn op;
} contender;

static const contender contenders[] = {
    {"eventc_decode", "eventc decode+validate", op_eventc_decode},
    {"jsonc_decode", "json-c parse+extract", op_jsonc_decode},
    {"cjson_parse", "cJSON parse only", op_cjson_parse},
    {"eventc_encode", "eventc encode", op_eventc_encode},
    {"jsonc_encode", "json-c encode", op_jsonc_encode},
    {"eventc_encode_trusted", "eventc encode (trusted)", op_eventc_encode_trusted},
};
#define N_CONTENDERS (sizeof(contenders) / sizeof(contenders[0]))

/* What one contender measured on one workload. */
typedef struct measure {
    double ns_median, ns_min, ns_max; /* per event */
    double mb_s;                      /* at the median rep */
    double events_s;
    double avg_bytes; /* input (decoders) or output (encoders) bytes per event */
    size_t events;    /* per rep */
} measure;

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Runs every contender on @p set: warm-up, calibration to ~rep_ms per rep, then @p o->reps
 * rounds in which each contender runs once, so that a disturbance hits all of them alike. */
static int run_workload(bench_ctx *c, const options *o, measure out[N_CONTENDERS])
{
    size_t count[N_CONTENDERS];
    double *ns = calloc((size_t)o->reps * N_CONTENDERS, sizeof(double));
    double *mbs = calloc((size_t)o->reps * N_CONTENDERS, sizeof(double));
    if (!ns || !mbs) {
        free(ns);
        free(mbs);
        return -1;
    }
    for (size_t j = 0; j < N_CONTENDERS; j++) {
        uint64_t bytes = 0, t0 = now_ns(o->wall), elapsed;
        size_t done = 0, batch = c->set->n;
        do {
            contenders[j].op(c, done, batch, &bytes);
            done += batch;
            elapsed = now_ns(o->wall) - t0;
        } while ((double)elapsed < o->warmup_ms * 1e6);
        double per = (double)elapsed / (double)done;
        size_t n = (size_t)(o->rep_ms * 1e6 / per);
        count[j] = n < c->set->n ? c->set->n : n;
    }
    size_t errors_before = c->errors;
    for (int r = 0; r < o->reps; r++)
        for (size_t j = 0; j < N_CONTENDERS; j++) {
            uint64_t bytes = 0, t0 = now_ns(o->wall);
            contenders[j].op(c, (size_t)r * 7, count[j], &bytes);
            uint64_t dt = now_ns(o->wall) - t0;
            ns[j * (size_t)o->reps + (size_t)r] = (double)dt / (double)count[j];
            mbs[j * (size_t)o->reps + (size_t)r] = (double)bytes / ((double)dt / 1e9) / 1e6;
        }
    for (size_t j = 0; j < N_CONTENDERS; j++) {
        double *v = ns + j * (size_t)o->reps, *m = mbs + j * (size_t)o->reps;
        /* MB/s of the rep with the median time: sort a copy of the pairs by time. */
        double med = 0, med_mb = 0;
        double *sorted = malloc((size_t)o->reps * sizeof(double));
        if (!sorted) {
            free(ns);
            free(mbs);
            return -1;
        }
        memcpy(sorted, v, (size_t)o->reps * sizeof(double));
        qsort(sorted, (size_t)o->reps, sizeof(double), cmp_double);
        med = sorted[o->reps / 2];
        for (int r = 0; r < o->reps; r++)
            if (v[r] == med)
                med_mb = m[r];
        out[j] = (measure){.ns_median = med,
                           .ns_min = sorted[0],
                           .ns_max = sorted[o->reps - 1],
                           .mb_s = med_mb,
                           .events_s = 1e9 / med,
                           .avg_bytes = med_mb * med / 1e3,
                           .events = count[j]};
        free(sorted);
    }
    free(ns);
    free(mbs);
    return c->errors == errors_before ? 0 : -1;
}

/* Decodes every document of @p s into c->decoded, the encoders' input. */
static int prepare_inputs(bench_ctx *c, const bench_set *s)
{
    c->set = s;
    c->decoded = calloc(s->n, sizeof(msg_event));
    if (!c->decoded)
        return -1;
    eventc_error err;
    for (size_t k = 0; k < s->n; k++)
        if (msg_event_from_json(&c->decoded[k], s->docs[k].json, s->docs[k].len, &err)) {
            print_error("decode", &err);
            return -1;
        }
    return 0;
}

static void release_inputs(bench_ctx *c)
{
    for (size_t k = 0; c->decoded && k < c->set->n; k++)
        msg_event_clear(&c->decoded[k]);
    free(c->decoded);
    c->decoded = NULL;
}

/* --only: one contender on one workload, nothing else, so a profiler sees only it. */
static int run_only(bench_ctx *c, const options *o, const bench_set *small, const bench_set *large)
{
    const char *colon = strchr(o->only, ':');
    const bench_set *s = NULL;
    if (colon && (size_t)(colon - o->only) == 5 && strncmp(o->only, "small", 5) == 0)
        s = small;
    else if (colon && (size_t)(colon - o->only) == 5 && strncmp(o->only, "large", 5) == 0)
        s = large;
    size_t j = 0;
    while (s && j < N_CONTENDERS && strcmp(contenders[j].id, colon + 1) != 0)
        j++;
    if (!s || j == N_CONTENDERS) {
        fprintf(stderr, "bench: --only wants small|large:CONTENDER\n");
        return -1;
    }
    if (prepare_inputs(c, s) != 0)
        return -1;
    uint64_t bytes = 0, t0 = now_ns(o->wall);
    size_t done = 0;
    while ((double)(now_ns(o->wall) - t0) < o->rep_ms * 1e6 * o->reps) {
        contenders[j].op(c, done, s->n, &bytes);
        done += s->n;
    }
    double ns = (double)(now_ns(o->wall) - t0) / (double)done;
    printf("%s: %zu events, %.1f ns/event, %.1f MB/s\n", o->only, done, ns,
           (double)bytes / ((double)done * ns / 1e9) / 1e6);
    release_inputs(c);
    return c->errors ? -1 : 0;
}

/* ---- the stream, decoded in a child process -------------------------------------------------- */

typedef struct stream_result {
    size_t events, bytes, errors, arena_max, line_max;
    uint64_t ns;
    long rss_start_kb, rss_end_kb; /* getrusage(ru_maxrss) in the child */
} stream_result;

/* Child side: reads @p path in chunks of @p chunk bytes, splits lines, decodes each into one
 * reused target, uses it, and moves on. Prints one line of results on stdout. */
static int stream_child(const char *mode, const char *path, size_t chunk, int cpu, int wall)
{
    pin_cpu(cpu);
    stream_result r = {0};
    jc_peer *jp = jc_peer_new();
    char *buf = malloc(chunk);
    int fd = open(path, O_RDONLY);
    if (!jp || !buf || fd < 0) {
        fprintf(stderr, "bench: stream: cannot start (%s)\n", strerror(errno));
        return 1;
    }
    int which = strcmp(mode, "eventc") == 0 ? 0 : strcmp(mode, "jsonc") == 0 ? 1 : 2;
    msg_event ev = {0};
    eventc_error err;
    uint64_t sink = 0;
    r.rss_start_kb = max_rss_kb();
    uint64_t t0 = now_ns(wall);
    size_t have = 0;
    for (;;) {
        ssize_t got = read(fd, buf + have, chunk - have);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "bench: stream: read: %s\n", strerror(errno));
            return 1;
        }
        have += (size_t)got;
        size_t pos = 0;
        for (;;) {
            char *nl = memchr(buf + pos, '\n', have - pos);
            if (!nl && got > 0)
                break; /* incomplete last line: read more first */
            size_t end = nl ? (size_t)(nl - buf) : have, len = end - pos;
            const char *line = buf + pos;
            if (len > 0) {
                r.events++;
                r.bytes += len + (nl != NULL);
                if (len > r.line_max)
                    r.line_max = len;
                if (which == 0) {
                    if (msg_event_from_json(&ev, line, len, &err) != EVENTC_OK) {
                        r.errors++;
                    } else {
                        sink += (uint64_t)ev.kind;
                        size_t used = event_arena_used(&ev);
                        if (used > r.arena_max)
                            r.arena_max = used;
                    }
                } else if (which == 1) {
                    msg_event je;
                    if (jc_decode(jp, line, len, &je, NULL) != 0) {
                        r.errors++;
                    } else {
                        sink += (uint64_t)je.kind;
                        jc_event_free(&je);
                    }
                } else {
                    int t = cj_parse_only(line, len);
                    if (t < 0)
                        r.errors++;
                    else
                        sink += (uint64_t)t;
                }
            }
            if (!nl) {
                pos = have;
                break;
            }
            pos = end + 1;
        }
        /* Keep the unfinished line at the front of the buffer. */
        memmove(buf, buf + pos, have - pos);
        have -= pos;
        if (got == 0)
            break;
        if (have == chunk) {
            fprintf(stderr, "bench: stream: a line is longer than the %zu-byte chunk\n", chunk);
            return 1;
        }
    }
    r.ns = now_ns(wall) - t0;
    r.rss_end_kb = max_rss_kb();
    msg_event_clear(&ev);
    close(fd);
    free(buf);
    jc_peer_free(jp);
    printf("%zu %zu %zu %zu %zu %llu %ld %ld %llu\n", r.events, r.bytes, r.errors, r.arena_max,
           r.line_max, (unsigned long long)r.ns, r.rss_start_kb, r.rss_end_kb,
           (unsigned long long)sink);
    return 0;
}

/* Parent side: runs the child on @p path with @p mode and collects its report; the peak RSS
 * is also taken from wait4, which sees the child's whole life. */
static int run_stream(const char *self, const char *mode, const char *path, const options *o,
                      int cpu, stream_result *r, long *peak_kb)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        char chunk[32], cpus[32];
        snprintf(chunk, sizeof(chunk), "%zu", o->chunk);
        snprintf(cpus, sizeof(cpus), "%d", cpu);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(self, self, "--stream-child", mode, path, chunk, cpus, o->wall ? "wall" : "cpu",
              (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char line[512];
    size_t n = 0;
    ssize_t got;
    while (n + 1 < sizeof(line) && (got = read(fds[0], line + n, sizeof(line) - 1 - n)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            break;
        n += (size_t)got;
    }
    line[n] = '\0';
    close(fds[0]);
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    unsigned long long ns, sink;
    if (sscanf(line, "%zu %zu %zu %zu %zu %llu %ld %ld %llu", &r->events, &r->bytes, &r->errors,
               &r->arena_max, &r->line_max, &ns, &r->rss_start_kb, &r->rss_end_kb, &sink) != 9)
        return -1;
    r->ns = ns;
    *peak_kb = ru.ru_maxrss;
    return 0;
}

typedef struct stream_measure {
    double ns_median; /* per event */
    double events_s, mb_s;
    size_t events, bytes, errors, arena_max, line_max;
    long peak_kb, start_kb;
} stream_measure;

static int measure_stream(const char *self, const char *mode, const char *path, const options *o,
                          int cpu, stream_measure *m)
{
    double *ns = calloc((size_t)o->stream_reps, sizeof(double));
    if (!ns)
        return -1;
    memset(m, 0, sizeof(*m));
    for (int i = 0; i < o->stream_reps; i++) {
        stream_result r;
        long peak;
        if (run_stream(self, mode, path, o, cpu, &r, &peak) != 0) {
            free(ns);
            return -1;
        }
        ns[i] = (double)r.ns;
        m->events = r.events;
        m->bytes = r.bytes;
        m->errors += r.errors;
        if (r.arena_max > m->arena_max)
            m->arena_max = r.arena_max;
        if (r.line_max > m->line_max)
            m->line_max = r.line_max;
        if (peak > m->peak_kb)
            m->peak_kb = peak;
        if (r.rss_start_kb > m->start_kb)
            m->start_kb = r.rss_start_kb;
    }
    qsort(ns, (size_t)o->stream_reps, sizeof(double), cmp_double);
    double med = ns[o->stream_reps / 2];
    free(ns);
    m->ns_median = med / (double)m->events;
    m->events_s = (double)m->events / (med / 1e9);
    m->mb_s = (double)m->bytes / (med / 1e9) / 1e6;
    return 0;
}

/* ---- report ---------------------------------------------------------------------------------- */

static void json_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

static void cpu_model(char *out, size_t n)
{
    snprintf(out, n, "unknown");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, "model name", 10) == 0) {
            const char *v = strchr(line, ':');
            if (v) {
                v++;
                while (*v == ' ')
                    v++;
                snprintf(out, n, "%s", v);
                out[strcspn(out, "\n")] = '\0';
            }
            break;
        }
    fclose(f);
}

typedef struct workload {
    const char *id, *label;
    const bench_set *set;
    measure m[N_CONTENDERS];
} workload;

static double ratio(const measure *m, size_t fast, size_t slow)
{
    return m[slow].ns_median / m[fast].ns_median;
}

static void print_workload(const workload *w)
{
    printf("\n%s: %zu documents, %.0f bytes on average\n", w->label, w->set->n,
           (double)w->set->bytes / (double)w->set->n);
    printf("  %-24s %12s %9s %10s %19s %9s\n", "contender", "events/s", "MB/s", "ns/event",
           "min..max ns", "B/event");
    for (size_t j = 0; j < N_CONTENDERS; j++) {
        const measure *m = &w->m[j];
        printf("  %-24s %12.0f %9.1f %10.1f %9.1f..%-9.1f %9.0f\n", contenders[j].label,
               m->events_s, m->mb_s, m->ns_median, m->ns_min, m->ns_max, m->avg_bytes);
    }
    printf("  ratios: decode eventc/json-c %.2fx (target >= 4), eventc/cJSON-parse %.2fx "
           "(target >= 1.5), encode eventc/json-c %.2fx (target >= 6), trusted encode "
           "eventc/json-c %.2fx\n",
           ratio(w->m, 0, 1), ratio(w->m, 0, 2), ratio(w->m, 3, 4), ratio(w->m, 5, 4));
}

static void write_measure(FILE *f, const measure *m)
{
    fprintf(f,
            "{\"events_per_s\": %.0f, \"mb_per_s\": %.2f, \"ns_per_event\": %.1f, "
            "\"ns_min\": %.1f, \"ns_max\": %.1f, \"bytes_per_event\": %.1f, "
            "\"events_per_rep\": %zu}",
            m->events_s, m->mb_s, m->ns_median, m->ns_min, m->ns_max, m->avg_bytes, m->events);
}

static void write_stream_measure(FILE *f, const stream_measure *m)
{
    fprintf(f,
            "{\"events\": %zu, \"bytes\": %zu, \"errors\": %zu, \"events_per_s\": %.0f, "
            "\"mb_per_s\": %.2f, \"ns_per_event\": %.1f, \"peak_rss_kb\": %ld, "
            "\"rss_before_stream_kb\": %ld, \"arena_max_bytes\": %zu, \"longest_line\": %zu}",
            m->events, m->bytes, m->errors, m->events_s, m->mb_s, m->ns_median, m->peak_kb,
            m->start_kb, m->arena_max, m->line_max);
}

static const char *const stream_modes[] = {"eventc", "jsonc", "cjson"};
#define N_MODES 3

typedef struct report {
    const options *o;
    int cpu;
    workload w[2];
    stream_measure big[N_MODES], small[N_MODES];
    size_t checked_docs, checked_invalid;
    uint64_t sink;
} report;

static int write_results(const char *path, const report *rp)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bench: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    char model[256];
    struct utsname u;
    cpu_model(model, sizeof(model));
    if (uname(&u) != 0)
        memset(&u, 0, sizeof(u));
    fprintf(f, "{\n  \"machine\": {\"cpu\": ");
    json_str(f, model);
    fprintf(f, ", \"online_cpus\": %ld, \"pinned_cpu\": %d, \"kernel\": ",
            sysconf(_SC_NPROCESSORS_ONLN), rp->cpu);
    json_str(f, u.release);
    fprintf(f, ", \"compiler\": ");
    json_str(f, BENCH_COMPILER);
    fprintf(f, ", \"build_type\": ");
    json_str(f, BENCH_BUILD_TYPE);
    fprintf(f, ", \"json_c\": ");
    json_str(f, json_c_version());
    fprintf(f, ", \"cjson\": ");
    json_str(f, cJSON_Version());
    fprintf(f,
            "},\n  \"method\": {\"reps\": %d, \"rep_ms\": %.0f, \"warmup_ms\": %.0f, "
            "\"statistic\": \"median\", \"clock\": \"%s\", \"stream_reps\": %d, \"chunk_bytes\": "
            "%zu, \"seed\": "
            "%llu, \"smoke\": %s},\n",
            rp->o->reps, rp->o->rep_ms, rp->o->warmup_ms,
            rp->o->wall ? "wall (CLOCK_MONOTONIC)" : "thread CPU time", rp->o->stream_reps,
            rp->o->chunk, (unsigned long long)rp->o->seed, rp->o->smoke ? "true" : "false");
    fprintf(f,
            "  \"cross_check\": {\"documents_decoded_equal\": %zu, "
            "\"invalid_documents_refused_by_both\": %zu},\n  \"workloads\": {\n",
            rp->checked_docs, rp->checked_invalid);
    for (int i = 0; i < 2; i++) {
        const workload *w = &rp->w[i];
        fprintf(f, "    \"%s\": {\"documents\": %zu, \"avg_bytes\": %.1f,\n", w->id, w->set->n,
                (double)w->set->bytes / (double)w->set->n);
        for (size_t j = 0; j < N_CONTENDERS; j++) {
            fprintf(f, "      \"%s\": ", contenders[j].id);
            write_measure(f, &w->m[j]);
            fprintf(f, ",\n");
        }
        fprintf(f,
                "      \"ratios\": {\"decode_eventc_vs_jsonc\": %.3f, "
                "\"decode_eventc_vs_cjson_parse\": %.3f, \"encode_eventc_vs_jsonc\": %.3f, "
                "\"encode_trusted_eventc_vs_jsonc\": %.3f}}%s\n",
                ratio(w->m, 0, 1), ratio(w->m, 0, 2), ratio(w->m, 3, 4), ratio(w->m, 5, 4),
                i == 0 ? "," : "");
    }
    fprintf(f, "  },\n  \"stream\": {\n");
    for (int k = 0; k < N_MODES; k++) {
        fprintf(f, "    \"%s\": {\"large_file\": ", stream_modes[k]);
        write_stream_measure(f, &rp->big[k]);
        fprintf(f, ",\n      \"small_file\": ");
        write_stream_measure(f, &rp->small[k]);
        fprintf(f, ",\n      \"peak_rss_growth_kb\": %ld}%s\n",
                rp->big[k].peak_kb - rp->small[k].peak_kb, k + 1 < N_MODES ? "," : "");
    }
    fprintf(f, "  },\n  \"sink\": %llu\n}\n", (unsigned long long)rp->sink);
    if (fclose(f) != 0) {
        fprintf(stderr, "bench: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

/* The results file must be one valid JSON document (eventc's own strict checker judges it). */
static int check_results(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *text = NULL;
    size_t n = 0, cap = 0;
    int rc = -1;
    if (!f)
        return -1;
    for (;;) {
        if (n == cap) {
            char *t = realloc(text, cap ? cap * 2 : 8192);
            if (!t)
                break;
            text = t;
            cap = cap ? cap * 2 : 8192;
        }
        size_t got = fread(text + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            rc = ferror(f) ? -1 : 0;
            break;
        }
    }
    fclose(f);
    if (rc == 0 && eventc_json_check(text, n) != EVENTC_OK) {
        fprintf(stderr, "bench: %s is not valid JSON\n", path);
        rc = -1;
    }
    free(text);
    return rc;
}

/* ---- main ------------------------------------------------------------------------------------ */

static char *path_join(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", dir, name);
    return p;
}

/* The example file names, in the order bench_load_examples read them. */
static int example_names(const bench_set *set, char ***names)
{
    /* Each example names its own event: derive the file-name stem from event_name. */
    *names = calloc(set->n, sizeof(char *));
    if (!*names)
        return -1;
    for (size_t i = 0; i < set->n; i++) {
        msg_event ev = {0};
        eventc_error err;
        if (msg_event_from_json(&ev, set->docs[i].json, set->docs[i].len, &err) != EVENTC_OK)
            return -1;
        const char *camel = ev.as.customer_created.envelope.event_name;
        char *snake = malloc(2 * strlen(camel) + 1), *o = snake;
        if (!snake) {
            msg_event_clear(&ev);
            return -1;
        }
        for (const char *c = camel; *c; c++) {
            if (*c >= 'A' && *c <= 'Z') {
                if (c != camel)
                    *o++ = '_';
                *o++ = (char)(*c - 'A' + 'a');
            } else {
                *o++ = *c;
            }
        }
        *o = '\0';
        (*names)[i] = snake;
        msg_event_clear(&ev);
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc == 7 && strcmp(argv[1], "--stream-child") == 0) {
        size_t chunk = 0, cpu = 0;
        int pinned = strcmp(argv[5], "-1") == 0 ? -1 : 0;
        if (parse_size(argv[4], &chunk) != 0 || (!pinned && parse_size(argv[5], &cpu) != 0))
            return 2;
        return stream_child(argv[2], argv[3], chunk, pinned ? -1 : (int)cpu,
                            strcmp(argv[6], "wall") == 0);
    }
    options o;
    if (parse_options(argc, argv, &o) != 0)
        return 2;
    char self[4096];
    ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1);
    if (sl <= 0)
        snprintf(self, sizeof(self), "%s", argv[0]);
    else
        self[sl] = '\0';

    report rp = {.o = &o};
    rp.cpu = pin_cpu(o.cpu);
    printf("eventc_bench: %s build, %s, pinned to CPU %d, %d reps of ~%.0f ms, median, %s\n",
           BENCH_BUILD_TYPE, o.smoke ? "smoke run" : "full run", rp.cpu, o.reps, o.rep_ms,
           o.wall ? "wall clock" : "thread CPU time");

    int rc = 1;
    bench_set small = {0}, large = {0};
    char **names = NULL;
    jc_peer *jp = jc_peer_new();
    bench_ctx ctx = {0};
    char *big_path = path_join(o.out, "stream-large.ndjson");
    char *small_path = path_join(o.out, "stream-small.ndjson");
    char *results_path = path_join(o.out, "results.json");
    eventc_buf_init(&ctx.buf, NULL);
    ctx.jp = jp;
    if (!jp || !big_path || !small_path || !results_path)
        goto out;
    if (mkdir(o.out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "bench: cannot create %s: %s\n", o.out, strerror(errno));
        goto out;
    }
    if (bench_load_examples(o.examples, &small) != 0)
        goto out;
    if (example_names(&small, &names) != 0) {
        fprintf(stderr, "bench: an example does not decode\n");
        goto out;
    }

    /* The large variants: seeded, each checked by the generated decoder in the cross-check. */
    bench_rng rng = {o.seed};
    for (size_t v = 0; v < o.large_variants; v++)
        for (size_t i = 0; i < small.n; i++) {
            bench_doc d = {0};
            if (bench_make_large(&small.docs[i], o.large_target, &rng, &d) != 0 ||
                bench_set_add(&large, d.json, d.len) != 0) {
                free(d.json);
                fprintf(stderr, "bench: cannot generate the large variants\n");
                goto out;
            }
            free(d.json);
        }

    /* Correctness before speed. */
    int ok = 1;
    for (size_t i = 0; i < small.n; i++)
        ok &= cross_check_doc(jp, &small.docs[i], "example", i);
    for (size_t i = 0; i < large.n; i++)
        ok &= cross_check_doc(jp, &large.docs[i], "large variant", i);
    rp.checked_docs = small.n + large.n;
    ok &= check_rejections(jp, &small, (const char *const *)names, &rp.checked_invalid);
    if (!ok) {
        fprintf(stderr, "bench: cross-check failed\n");
        goto out;
    }
    printf("cross-check: %zu documents decode to equal structs with eventc and json-c and "
           "round-trip through both encoders; %zu invalid documents refused by both\n",
           rp.checked_docs, rp.checked_invalid);

    if (o.only) {
        rc = run_only(&ctx, &o, &small, &large) == 0 ? 0 : 1;
        goto out;
    }

    /* The stream runs first, in child processes, while this process is still small. */
    size_t big_bytes = bench_write_stream(big_path, &small, o.stream_big, o.seed + 1);
    size_t small_bytes = bench_write_stream(small_path, &small, o.stream_small, o.seed + 1);
    if (!big_bytes || !small_bytes)
        goto out;
    for (int k = 0; k < N_MODES; k++) {
        if (measure_stream(self, stream_modes[k], big_path, &o, rp.cpu, &rp.big[k]) != 0 ||
            measure_stream(self, stream_modes[k], small_path, &o, rp.cpu, &rp.small[k]) != 0) {
            fprintf(stderr, "bench: the %s stream run failed\n", stream_modes[k]);
            goto out;
        }
        if (rp.big[k].errors || rp.small[k].errors) {
            fprintf(stderr, "bench: %s refused %zu stream lines\n", stream_modes[k],
                    rp.big[k].errors + rp.small[k].errors);
            goto out;
        }
    }

    /* In-process workloads. */
    rp.w[0] = (workload){.id = "small", .label = "(a) small: the catalog examples", .set = &small};
    rp.w[1] = (workload){
        .id = "large", .label = "(b) large: ~2 KB variants with unknown members", .set = &large};
    for (int i = 0; i < 2; i++) {
        if (prepare_inputs(&ctx, rp.w[i].set) != 0)
            goto out;
        int wrc = run_workload(&ctx, &o, rp.w[i].m);
        release_inputs(&ctx);
        if (wrc != 0) {
            fprintf(stderr, "bench: errors while timing %s\n", rp.w[i].id);
            goto out;
        }
        print_workload(&rp.w[i]);
    }

    printf("\n(c) stream: NDJSON read in %zu-byte chunks, one reused target, child process each\n",
           o.chunk);
    printf("  %-10s %9s %12s %9s %10s %11s %11s %9s %12s\n", "decoder", "events", "events/s",
           "MB/s", "ns/event", "peak RSS", "RSS (small)", "growth", "arena max");
    for (int k = 0; k < N_MODES; k++) {
        const stream_measure *b = &rp.big[k], *s = &rp.small[k];
        printf("  %-10s %9zu %12.0f %9.1f %10.1f %8ld KB %8ld KB %6ld KB %10zu B\n",
               stream_modes[k], b->events, b->events_s, b->mb_s, b->ns_median, b->peak_kb,
               s->peak_kb, b->peak_kb - s->peak_kb, b->arena_max);
    }
    printf("  files: %zu events (%zu bytes) and %zu events (%zu bytes); longest line %zu bytes\n",
           o.stream_big, big_bytes, o.stream_small, small_bytes, rp.big[0].line_max);
    long growth = rp.big[0].peak_kb - rp.small[0].peak_kb;
    printf("  eventc peak RSS %s with the stream size (%ld KB over %zux more events)\n",
           growth <= 256 ? "does not grow" : "GROWS", growth, o.stream_big / o.stream_small);

    rp.sink = ctx.sink;
    if (write_results(results_path, &rp) != 0 || check_results(results_path) != 0)
        goto out;
    printf("\nresults: %s\n", results_path);
    rc = 0;
out:
    for (size_t i = 0; names && i < small.n; i++)
        free(names[i]);
    free(names);
    release_inputs(&ctx);
    msg_event_clear(&ctx.ev);
    eventc_buf_free(&ctx.buf);
    jc_peer_free(jp);
    bench_set_free(&small);
    bench_set_free(&large);
    free(big_path);
    free(small_path);
    free(results_path);
    return rc;
}
