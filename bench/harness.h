/* What the parts of the harness share (main.c, ops.c, stream.c, report.c): options, the timed
 * operations, measurements and the report. */
#ifndef EVENTC_BENCH_HARNESS_H
#define EVENTC_BENCH_HARNESS_H

#include "bench.h"

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
    const char *only;         /* "WORKLOAD:CONTENDER": time just that, for profiling */
    int wall;                 /* time with CLOCK_MONOTONIC instead of the thread's CPU time */
    const char *instructions; /* callgrind's --callgrind-out-file: count instructions instead */
    size_t instr_events;      /* events per operation in the instruction count */
} options;

/* ---- the operations ----------------------------------------------------------------------- */

typedef struct bench_ctx {
    const bench_set *set;
    msg_event *decoded; /* one per document of the set: the encoders' input */
    msg_event ev;       /* the reused decoding target */
    eventc_buf buf;
    hw_buf hw;
    jc_peer *jp;
    yj_peer *yp;
    sj_peer *sp;   /* NULL when simdjson is not built in */
    uint64_t sink; /* folded results, printed, so nothing is optimised away */
    size_t errors;
    unsigned dumps; /* callgrind's dumps so far: it numbers them for the whole process */
} bench_ctx;

/* Runs @p n operations over the set, starting at document @p start, and adds the input
 * (decoders) or output (encoders) bytes to *bytes. */
typedef void (*op_fn)(bench_ctx *c, size_t start, size_t n, uint64_t *bytes);

typedef struct contender {
    const char *id;    /* key in results.json, and for --only */
    const char *label; /* table */
    op_fn op;
    int encoder; /* compared with eventc's checked encoder, else with its decoder */
} contender;

#define MAX_CONTENDERS 12
extern const contender contenders[];
extern const size_t n_contenders;

/** @return the index of contender @p id, or -1 (simdjson may be absent). */
int contender_index(const char *id);

/* ---- measurements ------------------------------------------------------------------------- */

/* What one contender measured on one workload. */
typedef struct measure {
    double ns_median, ns_min, ns_max; /* per event */
    double mb_s;                      /* at the median rep */
    double events_s;
    double avg_bytes;    /* input (decoders) or output (encoders) bytes per event */
    size_t events;       /* per rep */
    double instructions; /* per event, in instruction mode */
} measure;

typedef struct workload {
    const char *id, *label;
    const bench_set *set;
    measure m[MAX_CONTENDERS];
} workload;

typedef struct stream_measure {
    double ns_median; /* per event */
    double events_s, mb_s;
    size_t events, bytes, errors, arena_max, line_max;
    long peak_kb, start_kb;
} stream_measure;

#define N_MODES 3
extern const char *const stream_modes[N_MODES];

typedef struct report {
    const options *o;
    int cpu;
    workload w[2];
    stream_measure big[N_MODES], small[N_MODES];
    size_t checked_docs, checked_invalid;
    size_t refused[4]; /* invalid documents refused by eventc, simdjson, yajl, json-c */
    uint64_t sink;
} report;

/* ---- ops.c -------------------------------------------------------------------------------- */

uint64_t now_ns(int wall);
int cmp_double(const void *a, const void *b);

/* Decodes every document of @p s into c->decoded, the encoders' input. */
int prepare_inputs(bench_ctx *c, const bench_set *s);
void release_inputs(bench_ctx *c);

/* Every contender on c->set: warm-up, calibration, interleaved rounds, medians. */
int run_workload(bench_ctx *c, const options *o, measure out[MAX_CONTENDERS]);

/* --only: one contender on one workload, nothing else. */
int run_only(bench_ctx *c, const options *o, const bench_set *small, const bench_set *large);

/* Under callgrind: the instructions per event of every contender on c->set, counting only the
 * measured loops. */
int run_instructions(bench_ctx *c, const options *o, measure out[MAX_CONTENDERS]);

/* ---- stream.c ----------------------------------------------------------------------------- */

int pin_cpu(int cpu);
int stream_child(const char *mode, const char *path, size_t chunk, int cpu, int wall);
int measure_stream(const char *self, const char *mode, const char *path, const options *o, int cpu,
                   stream_measure *m);

/* ---- report.c ----------------------------------------------------------------------------- */

void print_workload(const workload *w, int instructions);
void print_stream(const report *rp);
int write_results(const char *path, const report *rp);
/* The instruction table in Markdown, for docs/benchmarks.md. */
int write_markdown(const char *path, const report *rp);
/* The results file must be one valid JSON document (eventc's own strict checker judges it). */
int check_results(const char *path);

#endif
