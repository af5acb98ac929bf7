/* The timed operations and the loops that measure them: wall or CPU time in rounds, or
 * instructions under callgrind. */
#define _GNU_SOURCE
#include "callgrind_dump.h"
#include "harness.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifdef BENCH_HAVE_CALLGRIND
#include <valgrind/callgrind.h>
#endif

/* ---- clock ---------------------------------------------------------------------------------- */

/* The thread's CPU time by default: on a shared machine, time spent descheduled would otherwise
 * be charged to whichever operation happened to be running. */
uint64_t now_ns(int wall)
{
    struct timespec ts;
    clock_gettime(wall ? CLOCK_MONOTONIC : CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* ---- the operations ------------------------------------------------------------------------- */

#define EACH_DOC(c, start, n, i, k)                        \
    for (size_t i = 0, k = (start) % (c)->set->n; i < (n); \
         i++, k = k + 1 == (c)->set->n ? 0 : k + 1)

static void op_eventc_decode(bench_ctx *c, size_t start, size_t n, uint64_t *bytes)
{
    eventc_error err;
    EACH_DOC(c, start, n, i, k)
    {
        const bench_doc *d = &c->set->docs[k];
        if (msg_event_from_json(&c->ev, d->json, d->len, &err) != EVENTC_OK) {
            c->errors++;
            continue;
        }
        c->sink +=
            (uint64_t)c->ev.kind + (unsigned char)c->ev.as.customer_created.envelope.actor[0];
        *bytes += d->len;
    }
}

#ifdef BENCH_HAVE_SIMDJSON
static void op_simdjson_decode(bench_ctx *c, size_t start, size_t n, uint64_t *bytes)
{
    EACH_DOC(c, start, n, i, k)
    {
        const bench_doc *d = &c->set->docs[k];
        msg_event ev;
        if (sj_decode(c->sp, d->json, d->len, d->len + BENCH_PADDING, &ev, NULL) != 0) {
            c->errors++;
            continue;
        }
        c->sink += (uint64_t)ev.kind + (unsigned char)ev.as.customer_created.envelope.actor[0];
        *bytes += d->len;
    }
}
#endif

static void op_yajl_decode(bench_ctx *c, size_t start, size_t n, uint64_t *bytes)
{
    EACH_DOC(c, start, n, i, k)
    {
        const bench_doc *d = &c->set->docs[k];
        msg_event ev;
        if (yj_decode(c->yp, d->json, d->len, &ev, NULL) != 0) {
            c->errors++;
            continue;
        }
        c->sink += (uint64_t)ev.kind + (unsigned char)ev.as.customer_created.envelope.actor[0];
        *bytes += d->len;
    }
}

static void op_jsonc_decode(bench_ctx *c, size_t start, size_t n, uint64_t *bytes)
{
    EACH_DOC(c, start, n, i, k)
    {
        const bench_doc *d = &c->set->docs[k];
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
    EACH_DOC(c, start, n, i, k)
    {
        const bench_doc *d = &c->set->docs[k];
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
    eventc_error err;
    EACH_DOC(c, start, n, i, k)
    {
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
    eventc_error err;
    EACH_DOC(c, start, n, i, k)
    {
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

static void op_handwritten_encode(bench_ctx *c, size_t start, size_t n, uint64_t *bytes)
{
    EACH_DOC(c, start, n, i, k)
    {
        c->hw.len = 0;
        if (hw_encode(&c->decoded[k], &c->hw) != 0) {
            c->errors++;
            continue;
        }
        c->sink += (unsigned char)c->hw.data[c->hw.len - 1];
        *bytes += c->hw.len;
    }
}

static void count_text(void *ctx, const char *s, size_t n)
{
    *(uint64_t *)ctx += (unsigned char)s[n - 1];
}

static void op_yajl_encode(bench_ctx *c, size_t start, size_t n, uint64_t *bytes)
{
    EACH_DOC(c, start, n, i, k)
    {
        size_t len = yj_encode(c->yp, &c->decoded[k], count_text, &c->sink);
        if (len == 0) {
            c->errors++;
            continue;
        }
        *bytes += len;
    }
}

static void op_jsonc_encode(bench_ctx *c, size_t start, size_t n, uint64_t *bytes)
{
    EACH_DOC(c, start, n, i, k)
    {
        size_t len = jc_encode(&c->decoded[k], count_text, &c->sink);
        if (len == 0) {
            c->errors++;
            continue;
        }
        *bytes += len;
    }
}

const contender contenders[] = {
    {"eventc_decode", "eventc decode+validate", op_eventc_decode, 0},
#ifdef BENCH_HAVE_SIMDJSON
    {"simdjson_decode", "simdjson On-Demand + rules", op_simdjson_decode, 0},
#endif
    {"yajl_decode", "yajl SAX + rules", op_yajl_decode, 0},
    {"jsonc_decode", "json-c parse + rules", op_jsonc_decode, 0},
    {"cjson_parse", "cJSON parse only", op_cjson_parse, 0},
    {"eventc_encode", "eventc encode (checked)", op_eventc_encode, 1},
    {"eventc_encode_trusted", "eventc encode (trusted)", op_eventc_encode_trusted, 1},
    {"handwritten_encode", "hand-written writer", op_handwritten_encode, 1},
    {"yajl_encode", "yajl_gen encode", op_yajl_encode, 1},
    {"jsonc_encode", "json-c encode", op_jsonc_encode, 1},
};
const size_t n_contenders = sizeof(contenders) / sizeof(contenders[0]);

int contender_index(const char *id)
{
    for (size_t j = 0; j < n_contenders; j++)
        if (strcmp(contenders[j].id, id) == 0)
            return (int)j;
    return -1;
}

/* ---- inputs --------------------------------------------------------------------------------- */

int prepare_inputs(bench_ctx *c, const bench_set *s)
{
    c->set = s;
    c->decoded = calloc(s->n, sizeof(msg_event));
    if (!c->decoded)
        return -1;
    eventc_error err;
    for (size_t k = 0; k < s->n; k++)
        if (msg_event_from_json(&c->decoded[k], s->docs[k].json, s->docs[k].len, &err)) {
            char line[512];
            eventc_error_format(&err, line, sizeof(line));
            fprintf(stderr, "bench: decode: %s\n", line);
            return -1;
        }
    return 0;
}

void release_inputs(bench_ctx *c)
{
    for (size_t k = 0; c->decoded && k < c->set->n; k++)
        msg_event_clear(&c->decoded[k]);
    free(c->decoded);
    c->decoded = NULL;
}

/* ---- time ----------------------------------------------------------------------------------- */

int run_workload(bench_ctx *c, const options *o, measure out[MAX_CONTENDERS])
{
    size_t count[MAX_CONTENDERS];
    size_t reps = (size_t)o->reps;
    double *ns = calloc(reps * n_contenders, sizeof(double));
    double *mbs = calloc(reps * n_contenders, sizeof(double));
    double *sorted = calloc(reps, sizeof(double));
    if (!ns || !mbs || !sorted) {
        free(ns);
        free(mbs);
        free(sorted);
        return -1;
    }
    for (size_t j = 0; j < n_contenders; j++) {
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
    for (size_t r = 0; r < reps; r++)
        for (size_t j = 0; j < n_contenders; j++) {
            uint64_t bytes = 0, t0 = now_ns(o->wall);
            contenders[j].op(c, r * 7, count[j], &bytes);
            uint64_t dt = now_ns(o->wall) - t0;
            ns[j * reps + r] = (double)dt / (double)count[j];
            mbs[j * reps + r] = (double)bytes / ((double)dt / 1e9) / 1e6;
        }
    for (size_t j = 0; j < n_contenders; j++) {
        double *v = ns + j * reps, *m = mbs + j * reps;
        /* MB/s of the rep with the median time. */
        double med_mb = 0;
        memcpy(sorted, v, reps * sizeof(double));
        qsort(sorted, reps, sizeof(double), cmp_double);
        double med = sorted[reps / 2];
        for (size_t r = 0; r < reps; r++)
            if (v[r] == med)
                med_mb = m[r];
        out[j] = (measure){.ns_median = med,
                           .ns_min = sorted[0],
                           .ns_max = sorted[reps - 1],
                           .mb_s = med_mb,
                           .events_s = 1e9 / med,
                           .avg_bytes = med_mb * med / 1e3,
                           .events = count[j]};
    }
    free(ns);
    free(mbs);
    free(sorted);
    return c->errors == errors_before ? 0 : -1;
}

int run_only(bench_ctx *c, const options *o, const bench_set *small, const bench_set *large)
{
    const char *colon = strchr(o->only, ':');
    const bench_set *s = NULL;
    if (colon && (size_t)(colon - o->only) == 5 && strncmp(o->only, "small", 5) == 0)
        s = small;
    else if (colon && (size_t)(colon - o->only) == 5 && strncmp(o->only, "large", 5) == 0)
        s = large;
    int j = s ? contender_index(colon + 1) : -1;
    if (j < 0) {
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

/* ---- instructions --------------------------------------------------------------------------- */

int run_instructions(bench_ctx *c, const options *o, measure out[MAX_CONTENDERS])
{
#ifdef BENCH_HAVE_CALLGRIND
    if (!RUNNING_ON_VALGRIND) {
        fprintf(stderr, "bench: --instructions must run under valgrind --tool=callgrind "
                        "--collect-atstart=no (scripts/bench.sh --instructions)\n");
        return -1;
    }
    size_t errors_before = c->errors;
    for (size_t j = 0; j < n_contenders; j++) {
        uint64_t bytes = 0;
        /* One pass first, uncounted: buffers and arenas reach their steady size. */
        contenders[j].op(c, 0, c->set->n, &bytes);
        bytes = 0;
        CALLGRIND_TOGGLE_COLLECT;
        contenders[j].op(c, 0, o->instr_events, &bytes);
        CALLGRIND_TOGGLE_COLLECT;
        CALLGRIND_DUMP_STATS_AT(contenders[j].id);
        double total = bench_callgrind_total(o->instructions, ++c->dumps);
        if (total < 0) {
            fprintf(stderr, "bench: cannot read callgrind's dump %s.%u\n", o->instructions,
                    c->dumps);
            return -1;
        }
        out[j] = (measure){.instructions = total / (double)o->instr_events,
                           .avg_bytes = (double)bytes / (double)o->instr_events,
                           .events = o->instr_events};
    }
    return c->errors == errors_before ? 0 : -1;
#else
    (void)c;
    (void)o;
    (void)out;
    fprintf(stderr, "bench: built without valgrind/callgrind.h: no instruction counts\n");
    return -1;
#endif
}
