/* The report: tables on stdout, results.json, and the instruction table in Markdown. */
#define _GNU_SOURCE
#include "harness.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
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

/* The figure compared: instructions per event in instruction mode, else ns per event. */
static double cost(const measure *m, int instructions)
{
    return instructions ? m->instructions : m->ns_median;
}

/* The cost of contender @p j over eventc's (its decoder, or its checked encoder). */
static double over_eventc(const workload *w, size_t j, int instructions)
{
    int base = contender_index(contenders[j].encoder ? "eventc_encode" : "eventc_decode");
    return cost(&w->m[j], instructions) / cost(&w->m[base], instructions);
}

/* eventc's cost over contender @p peer's (below 1: eventc is cheaper), or 0 when absent. */
static double eventc_over(const workload *w, const char *eventc, const char *peer, int instructions)
{
    int a = contender_index(eventc), b = contender_index(peer);
    if (a < 0 || b < 0)
        return 0;
    return cost(&w->m[a], instructions) / cost(&w->m[b], instructions);
}

typedef struct ratio_def {
    const char *key, *label, *eventc, *peer;
} ratio_def;

static const ratio_def ratios[] = {
    {"decode_eventc_over_simdjson", "decode, eventc / simdjson On-Demand (target <= 1)",
     "eventc_decode", "simdjson_decode"},
    {"decode_eventc_over_yajl", "decode, eventc / yajl", "eventc_decode", "yajl_decode"},
    {"decode_eventc_over_jsonc", "decode, eventc / json-c", "eventc_decode", "jsonc_decode"},
    {"encode_eventc_over_handwritten", "encode checked, eventc / hand-written (target <= 1)",
     "eventc_encode", "handwritten_encode"},
    {"encode_trusted_eventc_over_handwritten", "encode trusted, eventc / hand-written",
     "eventc_encode_trusted", "handwritten_encode"},
    {"encode_eventc_over_yajl", "encode checked, eventc / yajl_gen", "eventc_encode",
     "yajl_encode"},
    {"encode_eventc_over_jsonc", "encode checked, eventc / json-c", "eventc_encode",
     "jsonc_encode"},
};
#define N_RATIOS (sizeof(ratios) / sizeof(ratios[0]))

void print_workload(const workload *w, int instructions)
{
    printf("\n%s: %zu documents, %.0f bytes on average\n", w->label, w->set->n,
           (double)w->set->bytes / (double)w->set->n);
    if (instructions) {
        printf("  %-28s %14s %9s %9s\n", "contender", "instr/event", "x eventc", "B/event");
        for (size_t j = 0; j < n_contenders; j++)
            printf("  %-28s %14.0f %9.2f %9.0f\n", contenders[j].label, w->m[j].instructions,
                   over_eventc(w, j, 1), w->m[j].avg_bytes);
    } else {
        printf("  %-28s %12s %9s %10s %19s %9s %9s\n", "contender", "events/s", "MB/s", "ns/event",
               "min..max ns", "x eventc", "B/event");
        for (size_t j = 0; j < n_contenders; j++) {
            const measure *m = &w->m[j];
            printf("  %-28s %12.0f %9.1f %10.1f %9.1f..%-9.1f %9.2f %9.0f\n", contenders[j].label,
                   m->events_s, m->mb_s, m->ns_median, m->ns_min, m->ns_max, over_eventc(w, j, 0),
                   m->avg_bytes);
        }
    }
    for (size_t r = 0; r < N_RATIOS; r++) {
        double x = eventc_over(w, ratios[r].eventc, ratios[r].peer, instructions);
        if (x > 0)
            printf("  %-58s %.2f\n", ratios[r].label, x);
    }
}

void print_stream(const report *rp)
{
    const options *o = rp->o;
    printf("\n(c) stream: NDJSON read in %zu-byte chunks, one reused target, child process each\n",
           o->chunk);
    printf("  %-10s %9s %12s %9s %10s %11s %11s %9s %12s\n", "decoder", "events", "events/s",
           "MB/s", "ns/event", "peak RSS", "RSS (small)", "growth", "arena max");
    for (int k = 0; k < N_MODES; k++) {
        const stream_measure *b = &rp->big[k], *s = &rp->small[k];
        printf("  %-10s %9zu %12.0f %9.1f %10.1f %8ld KB %8ld KB %6ld KB %10zu B\n",
               stream_modes[k], b->events, b->events_s, b->mb_s, b->ns_median, b->peak_kb,
               s->peak_kb, b->peak_kb - s->peak_kb, b->arena_max);
    }
    long growth = rp->big[0].peak_kb - rp->small[0].peak_kb;
    printf("  eventc peak RSS %s with the stream size (%ld KB over %zux more events)\n",
           growth <= 256 ? "does not grow" : "GROWS", growth, o->stream_big / o->stream_small);
}

/* ---- results.json -----------------------------------------------------------------------------
 */

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

static void write_measure(FILE *f, const measure *m, int instructions)
{
    if (instructions)
        fprintf(f, "{\"instructions_per_event\": %.1f, \"bytes_per_event\": %.1f, \"events\": %zu}",
                m->instructions, m->avg_bytes, m->events);
    else
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

static void write_machine(FILE *f, const report *rp)
{
    char model[256];
    struct utsname u;
    cpu_model(model, sizeof(model));
    if (uname(&u) != 0)
        memset(&u, 0, sizeof(u));
    fprintf(f, "  \"machine\": {\"cpu\": ");
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
    fprintf(f, ", \"yajl\": ");
    json_str(f, yj_version());
#ifdef BENCH_HAVE_SIMDJSON
    fprintf(f, ", \"simdjson\": ");
    json_str(f, sj_version());
    fprintf(f, ", \"simdjson_implementation\": ");
    json_str(f, sj_implementation());
#endif
    fprintf(f, "},\n");
}

int write_results(const char *path, const report *rp)
{
    const options *o = rp->o;
    int instr = o->instructions != NULL;
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bench: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    fprintf(f, "{\n");
    write_machine(f, rp);
    if (instr)
        fprintf(f,
                "  \"method\": {\"measure\": \"instructions (callgrind, measured loops only)\", "
                "\"events_per_operation\": %zu, \"seed\": %llu, \"smoke\": %s},\n",
                o->instr_events, (unsigned long long)o->seed, o->smoke ? "true" : "false");
    else
        fprintf(f,
                "  \"method\": {\"measure\": \"time\", \"reps\": %d, \"rep_ms\": %.0f, "
                "\"warmup_ms\": %.0f, \"statistic\": \"median\", \"clock\": \"%s\", "
                "\"stream_reps\": %d, \"chunk_bytes\": %zu, \"seed\": %llu, \"smoke\": %s},\n",
                o->reps, o->rep_ms, o->warmup_ms,
                o->wall ? "wall (CLOCK_MONOTONIC)" : "thread CPU time", o->stream_reps, o->chunk,
                (unsigned long long)o->seed, o->smoke ? "true" : "false");
    fprintf(f,
            "  \"cross_check\": {\"documents_decoded_equal\": %zu, \"invalid_documents\": %zu, "
            "\"refused\": {\"eventc\": %zu, \"simdjson\": %zu, \"yajl\": %zu, \"json_c\": %zu}},\n"
            "  \"workloads\": {\n",
            rp->checked_docs, rp->checked_invalid, rp->refused[0], rp->refused[1], rp->refused[2],
            rp->refused[3]);
    for (int i = 0; i < 2; i++) {
        const workload *w = &rp->w[i];
        fprintf(f, "    \"%s\": {\"documents\": %zu, \"avg_bytes\": %.1f,\n", w->id, w->set->n,
                (double)w->set->bytes / (double)w->set->n);
        for (size_t j = 0; j < n_contenders; j++) {
            fprintf(f, "      \"%s\": ", contenders[j].id);
            write_measure(f, &w->m[j], instr);
            fprintf(f, ",\n");
        }
        fprintf(f, "      \"ratios\": {");
        int first = 1;
        for (size_t r = 0; r < N_RATIOS; r++) {
            double x = eventc_over(w, ratios[r].eventc, ratios[r].peer, instr);
            if (x > 0) {
                fprintf(f, "%s\"%s\": %.3f", first ? "" : ", ", ratios[r].key, x);
                first = 0;
            }
        }
        fprintf(f, "}}%s\n", i == 0 ? "," : "");
    }
    fprintf(f, "  },\n");
    if (!instr) {
        fprintf(f, "  \"stream\": {\n");
        for (int k = 0; k < N_MODES; k++) {
            fprintf(f, "    \"%s\": {\"large_file\": ", stream_modes[k]);
            write_stream_measure(f, &rp->big[k]);
            fprintf(f, ",\n      \"small_file\": ");
            write_stream_measure(f, &rp->small[k]);
            fprintf(f, ",\n      \"peak_rss_growth_kb\": %ld}%s\n",
                    rp->big[k].peak_kb - rp->small[k].peak_kb, k + 1 < N_MODES ? "," : "");
        }
        fprintf(f, "  },\n");
    }
    fprintf(f, "  \"sink\": %llu\n}\n", (unsigned long long)rp->sink);
    if (fclose(f) != 0) {
        fprintf(stderr, "bench: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

/* ---- the Markdown table -----------------------------------------------------------------------
 */

static void md_num(FILE *f, double x)
{
    /* Thousands separated, as in the rest of the docs. */
    unsigned long long v = (unsigned long long)(x + 0.5);
    if (v >= 1000000)
        fprintf(f, "%llu,%03llu,%03llu", v / 1000000, v / 1000 % 1000, v % 1000);
    else if (v >= 1000)
        fprintf(f, "%llu,%03llu", v / 1000, v % 1000);
    else
        fprintf(f, "%llu", v);
}

int write_markdown(const char *path, const report *rp)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        fprintf(stderr, "bench: cannot write %s: %s\n", path, strerror(errno));
        return -1;
    }
    const workload *s = &rp->w[0], *l = &rp->w[1];
    fprintf(f, "| contender | small: instructions/event | x eventc | large: instructions/event | "
               "x eventc |\n|---|---:|---:|---:|---:|\n");
    for (size_t j = 0; j < n_contenders; j++) {
        fprintf(f, "| %s | ", contenders[j].label);
        md_num(f, s->m[j].instructions);
        fprintf(f, " | %.2f | ", over_eventc(s, j, 1));
        md_num(f, l->m[j].instructions);
        fprintf(f, " | %.2f |\n", over_eventc(l, j, 1));
    }
    fprintf(f, "\n| ratio | small | large |\n|---|---:|---:|\n");
    for (size_t r = 0; r < N_RATIOS; r++) {
        double a = eventc_over(s, ratios[r].eventc, ratios[r].peer, 1);
        double b = eventc_over(l, ratios[r].eventc, ratios[r].peer, 1);
        if (a > 0)
            fprintf(f, "| %s | %.2f | %.2f |\n", ratios[r].label, a, b);
    }
    if (fclose(f) != 0) {
        fprintf(stderr, "bench: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

int check_results(const char *path)
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
