/* eventc_bench: measures the generated messaging codec against the strongest C and C++ peers:
 * simdjson On-Demand, yajl and json-c decoding into the same generated structs under the same
 * catalog rules, cJSON parsing only, and a hand-written append writer, yajl_gen and json-c
 * encoding; on the 21 catalog examples (minified), on ~2 KB variants of them, and on an NDJSON
 * stream decoded from a file in fixed-size chunks into one reused event. Correctness comes
 * first: every input is decoded by every decoder and the structs compared, invalid inputs must
 * be refused by all of them, and every encoder's output must decode back to the same struct.
 * Then each operation is timed on one pinned core, warm, several times, interleaved, and the
 * median is reported; or, under callgrind (--instructions), its instructions are counted.
 *
 * Usage: eventc_bench --examples DIR [--out DIR] [options]; --help lists the options. */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- options --------------------------------------------------------------------------------- */

static void usage(FILE *f)
{
    fprintf(f, "usage: eventc_bench --examples DIR [--out DIR] [--reps N] [--rep-ms MS]\n"
               "                    [--warmup-ms MS] [--stream N] [--stream-small N]\n"
               "                    [--stream-reps N] [--chunk BYTES] [--large-bytes N]\n"
               "                    [--variants N] [--cpu N|none] [--seed N] [--smoke]\n"
               "                    [--only small|large:CONTENDER] [--clock cpu|wall]\n"
               "                    [--instructions CALLGRIND_OUT [--instr-events N]]\n"
               "  --examples DIR  the catalog's examples folder (catalog/examples)\n"
               "  --out DIR       where results.json and the stream files go (default .)\n"
               "  --smoke         tiny counts: checks that everything runs and agrees\n"
               "  --clock cpu     time with the thread's CPU clock (default): time spent\n"
               "                  descheduled on a busy machine is not counted\n"
               "  --clock wall    time with CLOCK_MONOTONIC\n"
               "  --only W:C      time one contender on one workload for --rep-ms x --reps,\n"
               "                  nothing else (for perf record); C is a contender id of\n"
               "                  results.json (eventc_decode, simdjson_decode, ...)\n"
               "  --instructions F  count instructions instead of time, under\n"
               "                  valgrind --tool=callgrind --collect-atstart=no\n"
               "                  --callgrind-out-file=F (scripts/bench.sh --instructions)\n"
               "  --instr-events N  events per operation when counting (default 2000)\n");
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
                   .seed = 20251105,
                   .instr_events = 2000};
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
            o->instr_events = 100;
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
        } else if (strcmp(a, "--instructions") == 0) {
            o->instructions = v;
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
        } else if (strcmp(a, "--instr-events") == 0 && n > 0) {
            o->instr_events = n;
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

/* Whether @p text (an encoder's output) decodes with eventc to a struct equal to @p a. */
static int round_trips(const msg_event *a, const char *text, size_t len)
{
    msg_event c = {0};
    eventc_error err;
    int ok =
        text && msg_event_from_json(&c, text, len, &err) == EVENTC_OK && msg_event_equal(a, &c);
    msg_event_clear(&c);
    return ok;
}

/* Decodes @p doc with every decoder and compares the structs with eventc's, then round-trips
 * eventc's struct through every encoder. */
static int cross_check_doc(bench_ctx *x, const bench_doc *doc, const char *label, size_t idx)
{
    msg_event a = {0}, b = {0}, y = {0};
    eventc_error err;
    text_sink t = {0};
    const char *why = NULL;
    int ok = 1;
    if (msg_event_from_json(&a, doc->json, doc->len, &err) != EVENTC_OK) {
        fprintf(stderr, "bench: %s #%zu is not valid:\n%s\n", label, idx, doc->json);
        print_error("eventc", &err);
        return 0;
    }
    if (jc_decode(x->jp, doc->json, doc->len, &b, &why) != 0) {
        fprintf(stderr, "bench: %s #%zu: json-c peer refused it: %s\n", label, idx, why);
        ok = 0;
    } else if (!msg_event_equal(&a, &b)) {
        fprintf(stderr, "bench: %s #%zu: eventc and json-c decode to different structs\n", label,
                idx);
        ok = 0;
    }
    jc_event_free(&b);
    if (yj_decode(x->yp, doc->json, doc->len, &y, &why) != 0) {
        fprintf(stderr, "bench: %s #%zu: yajl peer refused it: %s\n", label, idx, why);
        ok = 0;
    } else if (!msg_event_equal(&a, &y)) {
        fprintf(stderr, "bench: %s #%zu: eventc and yajl decode to different structs\n", label,
                idx);
        ok = 0;
    }
#ifdef BENCH_HAVE_SIMDJSON
    if (sj_decode(x->sp, doc->json, doc->len, doc->len + BENCH_PADDING, &y, &why) != 0) {
        fprintf(stderr, "bench: %s #%zu: simdjson peer refused it: %s\n", label, idx, why);
        ok = 0;
    } else if (!msg_event_equal(&a, &y)) {
        fprintf(stderr, "bench: %s #%zu: eventc and simdjson decode to different structs\n", label,
                idx);
        ok = 0;
    }
#endif
    if (cj_parse_only(doc->json, doc->len) < 0) {
        fprintf(stderr, "bench: %s #%zu: cJSON cannot parse it\n", label, idx);
        ok = 0;
    }
    /* Every encoder must write text that decodes back to the same struct. */
    eventc_buf_reset(&x->buf);
    if (msg_event_to_json(&a, &x->buf, &err) != EVENTC_OK ||
        !round_trips(&a, x->buf.data, x->buf.len)) {
        fprintf(stderr, "bench: %s #%zu: eventc encode does not round-trip\n", label, idx);
        ok = 0;
    }
    x->hw.len = 0;
    if (hw_encode(&a, &x->hw) != 0 || !round_trips(&a, x->hw.data, x->hw.len)) {
        fprintf(stderr, "bench: %s #%zu: the hand-written writer does not round-trip: %.*s\n",
                label, idx, (int)x->hw.len, x->hw.data ? x->hw.data : "");
        ok = 0;
    }
    if (jc_encode(&a, keep_text, &t) == 0 || !round_trips(&a, t.s, t.len)) {
        fprintf(stderr, "bench: %s #%zu: json-c encode does not round-trip: %s\n", label, idx,
                t.s ? t.s : "(nothing)");
        ok = 0;
    }
    if (yj_encode(x->yp, &a, keep_text, &t) == 0 || !round_trips(&a, t.s, t.len)) {
        fprintf(stderr, "bench: %s #%zu: yajl_gen encode does not round-trip: %s\n", label, idx,
                t.s ? t.s : "(nothing)");
        ok = 0;
    }
    free(t.s);
    msg_event_clear(&a);
    return ok;
}

/* Invalid documents: each catalog rule broken once in an example, and JSON errors inside
 * members nobody stores. Every decoder must refuse every one, or a peer is checking less than
 * the generated decoder; the few a peer's library cannot see are marked, and the mark is
 * checked too (a peer that starts refusing it fails the run until the mark is removed). */
enum { BY_EVENTC, BY_SIMDJSON, BY_YAJL, BY_JSONC, N_DECODERS };
static const char *const decoder_names[N_DECODERS] = {"eventc", "simdjson", "yajl", "json-c"};
#define LENIENT_SIMDJSON (1u << BY_SIMDJSON)
#define LENIENT_YAJL (1u << BY_YAJL)
#define LENIENT_JSONC (1u << BY_JSONC)

typedef struct mutation {
    const char *example; /* file name prefix */
    const char *from, *to;
    unsigned lenient; /* decoders known to accept it (1 << BY_*) */
} mutation;

#define CC_NAME "\"name\": \"Acme, Inc.\""

static const mutation mutations[] = {
    {"customer_created", "\"version\": 1", "\"version\": 0", 0},
    {"customer_created", "\"version\": 1", "\"version\": \"1\"", 0},
    {"customer_created", "\"version\": 1", "\"version\": 1.5", 0},
    /* json-c clamps an integer beyond int64 and says nothing. */
    {"customer_created", "\"version\": 1", "\"version\": 99999999999999999999", LENIENT_JSONC},
    {"customer_created", "\"version\": 1", "\"version\": 01", 0},
    {"customer_created", "\"customer_id\": \"cust_123\",", "", 0},
    {"customer_created", CC_NAME, "\"name\": \"\"", 0},
    {"customer_created", CC_NAME, "\"name\": \"Acme\\u0000\"", 0},
    {"customer_created", CC_NAME, "\"name\": \"Acme\xff\"", 0},
    /* json-c's strict mode lets control characters through in strings. */
    {"customer_created", CC_NAME, "\"name\": \"Acme\x01\"", LENIENT_JSONC},
    {"customer_created", CC_NAME, "\"name\": \"Acme\\q\"", 0},
    {"customer_created", CC_NAME, "\"name\": 42", 0},
    /* yajl and json-c decode a lone UTF-16 surrogate into bytes that are not UTF-8. */
    {"customer_created", CC_NAME, "\"name\": \"Acme\\ud800\"", LENIENT_YAJL | LENIENT_JSONC},
    {"customer_created", CC_NAME, CC_NAME ", \"x\": \"\\udc00\"", LENIENT_YAJL | LENIENT_JSONC},
    /* json-c keeps the last of two equal keys; the others see duplicates among the members
     * they know only. */
    {"customer_created", "\"customer_id\": \"cust_123\",",
     "\"customer_id\": \"cust_123\", \"customer_id\": \"c\",", LENIENT_JSONC},
    {"customer_created", CC_NAME, CC_NAME ", \"x\": 1, \"x\": 2",
     LENIENT_SIMDJSON | LENIENT_YAJL | LENIENT_JSONC},
    {"customer_created", CC_NAME, CC_NAME ", \"x\": [1, ]", 0},
    {"customer_created", CC_NAME, CC_NAME ", \"x\": {\"a\": tru}", 0},
    {"customer_created", CC_NAME, CC_NAME ", \"x\": {\"a\" 1}", 0},
    {"customer_created", CC_NAME, CC_NAME ", \"x\": \"\xc3\"", 0},
    {"customer_created", CC_NAME, CC_NAME ", \"x\": [\"a\x1f\"]", LENIENT_JSONC},
    {"customer_created", CC_NAME, CC_NAME ", \"x\": \"\\x\"", 0},
    {"customer_created", CC_NAME, CC_NAME ", \"x\": -", 0},
    {"customer_created", "\"event_name\": \"CustomerCreated\"", "\"event_name\": \"Customer\"", 0},
    {"customer_created", "\"aggregate_type\": \"Customer\"", "\"aggregate_type\": \"Contact\"", 0},
    {"customer_created", "\"event_id\": \"01HZYX3X9Q2F7J5V7KX9A1B2C3\"", "\"event_id\": \"01HZ\"",
     0},
    {"customer_created", "14:00:00Z", "14:00:00+01:00", 0},
    {"customer_created", "14:00:00Z", "24:00:00Z", 0},
    {"customer_created", "\"Acme, Inc.\"\n}", "\"Acme, Inc.\",\n}", 0},
    {"customer_created", "\"Acme, Inc.\"\n}", "\"Acme, Inc.\"\n} x", 0},
    {"customer_created", "\"Acme, Inc.\"\n}", "\"Acme, Inc.\"\n} {}", 0},
    {"customer_updated", "[\"name\"]", "[]", 0},
    {"customer_updated", "[\"name\"]", "[\"name\", \"name\"]", 0},
    {"customer_updated", "[\"name\"]", "[\"Name\"]", 0},
    {"customer_updated", "[\"name\"]", "[\"name__x\"]", 0},
    {"customer_updated", "[\"name\"]", "\"name\"", 0},
    {"customer_updated", "[\"name\"]", "[1]", 0},
    {"customer_updated", "[\"name\"]", "[\"name\", ]", 0},
    {"customer_enabled", "\"compliance cleared\"", "null", 0},
    {"provider_configured", "\"kind\": \"sms\"", "\"kind\": \"fax\"", 0},
    {"provider_configured", "\"kind\": \"sms\"", "\"kind\": \"SMS\"", 0},
    {"conversation_created", "\"status\": \"open\"", "\"statu\": \"open\"", 0},
    {"channel_mapped", "\"normalized\": \"+18045551234\"", "\"normalized\": \"\"", 0},
    {"contact_created", "\"display_name\": \"Jane Doe\"", "\"display_name\": [\"Jane\"]", 0},
    {"channel_unmapped", "\"idem-01K9A7MTF0FQ8ARVC47S8G\"", "\"id\"", 0},
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

static int check_rejections(bench_ctx *x, const bench_set *examples, const char *const *names,
                            report *rp)
{
    int ok = 1;
    size_t n = sizeof(mutations) / sizeof(mutations[0]);
    rp->checked_invalid = 0;
    for (size_t m = 0; m < n; m++) {
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
        size_t len = strlen(bad);
        msg_event ev = {0};
        eventc_error err;
        int accepted[N_DECODERS] = {0};
        accepted[BY_EVENTC] = msg_event_from_json(&ev, bad, len, &err) == EVENTC_OK;
        msg_event_clear(&ev);
        if ((accepted[BY_JSONC] = jc_decode(x->jp, bad, len, &ev, NULL) == 0))
            jc_event_free(&ev);
        accepted[BY_YAJL] = yj_decode(x->yp, bad, len, &ev, NULL) == 0;
#ifdef BENCH_HAVE_SIMDJSON
        accepted[BY_SIMDJSON] = sj_decode(x->sp, bad, len, len + 1, &ev, NULL) == 0;
#endif
        for (int d = 0; d < N_DECODERS; d++) {
            int lenient = (mu->lenient >> d) & 1;
#ifndef BENCH_HAVE_SIMDJSON
            if (d == BY_SIMDJSON)
                continue;
#endif
            if (accepted[d] != lenient) {
                fprintf(stderr, "bench: invalid document %s by %s%s: %s -> %s in %s\n",
                        accepted[d] ? "accepted" : "refused", decoder_names[d],
                        lenient ? " (marked as one it cannot see)" : "", mu->from, mu->to,
                        mu->example);
                ok = 0;
            }
            if (!accepted[d])
                rp->refused[d]++;
        }
        free(bad);
        rp->checked_invalid++;
    }
#ifndef BENCH_HAVE_SIMDJSON
    rp->refused[BY_SIMDJSON] = 0;
#endif
    return ok;
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
    rp.cpu = o.instructions ? -1 : pin_cpu(o.cpu);
    printf("eventc_bench: %s build, %s, %s\n", BENCH_BUILD_TYPE, o.smoke ? "smoke run" : "full run",
           o.instructions ? "instructions counted by callgrind" : "timed");

    int rc = 1;
    bench_set examples = {0}, small = {0}, large = {0};
    char **names = NULL;
    bench_ctx ctx = {0};
    char *big_path = path_join(o.out, "stream-large.ndjson");
    char *small_path = path_join(o.out, "stream-small.ndjson");
    char *results_path = path_join(o.out, "results.json");
    char *md_path = path_join(o.out, "instructions.md");
    eventc_buf_init(&ctx.buf, NULL);
    ctx.jp = jc_peer_new();
    ctx.yp = yj_peer_new();
#ifdef BENCH_HAVE_SIMDJSON
    ctx.sp = sj_peer_new();
    if (!ctx.sp)
        goto out;
#endif
    if (!ctx.jp || !ctx.yp || !big_path || !small_path || !results_path || !md_path)
        goto out;
    if (mkdir(o.out, 0777) != 0 && errno != EEXIST) {
        fprintf(stderr, "bench: cannot create %s: %s\n", o.out, strerror(errno));
        goto out;
    }
    if (bench_load_examples(o.examples, &examples) != 0)
        goto out;
    if (example_names(&examples, &names) != 0) {
        fprintf(stderr, "bench: an example does not decode\n");
        goto out;
    }

    /* (a) the examples minified, as a producer sends them; (b) the large variants, seeded. */
    bench_rng rng = {o.seed};
    for (size_t i = 0; i < examples.n; i++) {
        bench_doc d = {0};
        if (bench_minify(&examples.docs[i], &d) != 0 || bench_set_add(&small, d.json, d.len)) {
            free(d.json);
            goto out;
        }
        free(d.json);
    }
    for (size_t v = 0; v < o.large_variants; v++)
        for (size_t i = 0; i < examples.n; i++) {
            bench_doc d = {0};
            if (bench_make_large(&examples.docs[i], o.large_target, &rng, &d) != 0 ||
                bench_set_add(&large, d.json, d.len) != 0) {
                free(d.json);
                fprintf(stderr, "bench: cannot generate the large variants\n");
                goto out;
            }
            free(d.json);
        }

    /* Correctness before speed. */
    int ok = 1;
    for (size_t i = 0; i < examples.n; i++)
        ok &= cross_check_doc(&ctx, &examples.docs[i], "example", i);
    for (size_t i = 0; i < small.n; i++)
        ok &= cross_check_doc(&ctx, &small.docs[i], "minified example", i);
    for (size_t i = 0; i < large.n; i++)
        ok &= cross_check_doc(&ctx, &large.docs[i], "large variant", i);
    rp.checked_docs = examples.n + small.n + large.n;
    ok &= check_rejections(&ctx, &examples, (const char *const *)names, &rp);
    if (!ok) {
        fprintf(stderr, "bench: cross-check failed\n");
        goto out;
    }
    printf("cross-check: %zu documents decode to equal structs with every decoder and "
           "round-trip through every encoder; of %zu invalid documents, eventc refused %zu, "
           "simdjson %zu, yajl %zu, json-c %zu\n",
           rp.checked_docs, rp.checked_invalid, rp.refused[BY_EVENTC], rp.refused[BY_SIMDJSON],
           rp.refused[BY_YAJL], rp.refused[BY_JSONC]);

    if (o.only) {
        rc = run_only(&ctx, &o, &small, &large) == 0 ? 0 : 1;
        goto out;
    }

    /* The stream runs first, in child processes, while this process is still small. */
    if (!o.instructions) {
        size_t big_bytes = bench_write_stream(big_path, &examples, o.stream_big, o.seed + 1);
        size_t small_bytes = bench_write_stream(small_path, &examples, o.stream_small, o.seed + 1);
        if (!big_bytes || !small_bytes)
            goto out;
        for (int k = 0; k < N_MODES; k++) {
            if (measure_stream(self, stream_modes[k], big_path, &o, rp.cpu, &rp.big[k]) != 0 ||
                measure_stream(self, stream_modes[k], small_path, &o, rp.cpu, &rp.small[k])) {
                fprintf(stderr, "bench: the %s stream run failed\n", stream_modes[k]);
                goto out;
            }
            if (rp.big[k].errors || rp.small[k].errors) {
                fprintf(stderr, "bench: %s refused %zu stream lines\n", stream_modes[k],
                        rp.big[k].errors + rp.small[k].errors);
                goto out;
            }
        }
        printf("stream files: %zu events (%zu bytes) and %zu events (%zu bytes)\n", o.stream_big,
               big_bytes, o.stream_small, small_bytes);
    }

    /* In-process workloads. */
    rp.w[0] = (workload){
        .id = "small", .label = "(a) small: the catalog examples, minified", .set = &small};
    rp.w[1] = (workload){
        .id = "large", .label = "(b) large: ~2 KB variants with unknown members", .set = &large};
    for (int i = 0; i < 2; i++) {
        if (prepare_inputs(&ctx, rp.w[i].set) != 0)
            goto out;
        int wrc = o.instructions ? run_instructions(&ctx, &o, rp.w[i].m)
                                 : run_workload(&ctx, &o, rp.w[i].m);
        release_inputs(&ctx);
        if (wrc != 0) {
            fprintf(stderr, "bench: errors while measuring %s\n", rp.w[i].id);
            goto out;
        }
        print_workload(&rp.w[i], o.instructions != NULL);
    }
    if (!o.instructions)
        print_stream(&rp);

    rp.sink = ctx.sink;
    if (write_results(results_path, &rp) != 0 || check_results(results_path) != 0)
        goto out;
    if (o.instructions && write_markdown(md_path, &rp) != 0)
        goto out;
    printf("\nresults: %s\n", results_path);
    rc = 0;
out:
    for (size_t i = 0; names && i < examples.n; i++)
        free(names[i]);
    free(names);
    release_inputs(&ctx);
    msg_event_clear(&ctx.ev);
    eventc_buf_free(&ctx.buf);
    hw_buf_free(&ctx.hw);
    jc_peer_free(ctx.jp);
    yj_peer_free(ctx.yp);
#ifdef BENCH_HAVE_SIMDJSON
    sj_peer_free(ctx.sp);
#endif
    bench_set_free(&examples);
    bench_set_free(&small);
    bench_set_free(&large);
    free(big_path);
    free(small_path);
    free(results_path);
    free(md_path);
    return rc;
}
