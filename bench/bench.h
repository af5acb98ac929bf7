/**
 * @file bench.h
 * Shared declarations of the eventc benchmark: the input sets, the deterministic data
 * generator, the peers the generated codec is measured against (simdjson On-Demand, yajl and
 * json-c decoders into the same generated structs under the same rules, a hand-written append
 * writer, yajl_gen and json-c encoders, cJSON as a parse-only reference), and the harness.
 *
 * Everything here is benchmark code: single-threaded, no global mutable state, and every
 * function reports allocation failure instead of aborting.
 */
#ifndef EVENTC_BENCH_H
#define EVENTC_BENCH_H

#include "messaging.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Zero bytes after the text of every document of a set: simdjson reads ahead of the end. */
#define BENCH_PADDING 64

/** One JSON document. */
typedef struct bench_doc {
    char *json; /**< NUL-terminated and padded (BENCH_PADDING) in a set, owned by the set */
    size_t len; /**< bytes, terminator excluded */
} bench_doc;

/** A list of documents the workloads cycle through. */
typedef struct bench_set {
    bench_doc *docs; /**< owned */
    size_t n;
    size_t cap;
    size_t bytes; /**< total of docs[i].len */
} bench_set;

/** Appends a padded copy of @p json (@p len bytes) to @p set. @return 0, or -1 when out of
 *  memory. */
int bench_set_add(bench_set *set, const char *json, size_t len);

/** Releases every document of @p set and leaves it empty. NULL-safe. */
void bench_set_free(bench_set *set);

/**
 * Reads every `*.example.json` of @p dir (sorted by file name) into @p set, byte for byte
 * (pretty-printed as they are committed).
 * @return 0, or -1 with a message on stderr.
 */
int bench_load_examples(const char *dir, bench_set *set);

/**
 * Writes @p doc without insignificant white space into @p out (replacing its content).
 * @return 0, or -1 on allocation failure.
 */
int bench_minify(const bench_doc *doc, bench_doc *out);

/** A small deterministic pseudo-random generator (splitmix64). */
typedef struct bench_rng {
    uint64_t state;
} bench_rng;

/** @return the next 64 random bits. */
uint64_t bench_rng_next(bench_rng *r);

/** @return a value in [0, n) (n > 0). */
size_t bench_rng_below(bench_rng *r, size_t n);

/**
 * Writes a large (~2 KB) variant of the example @p example into @p out (replacing its
 * content): same event, with long realistic values (ids, actor, idempotency key, free-text
 * fields with non-ASCII text and escapes, many changed_fields entries) and a few unknown
 * members that a decoder has to skip. Deterministic for a given @p rng state.
 * @param target approximate size in bytes of the result.
 * @return 0, or -1 when @p example is not an event object or on allocation failure.
 */
int bench_make_large(const bench_doc *example, size_t target, bench_rng *rng, bench_doc *out);

/**
 * Writes @p example again on one line without insignificant white space, with a fresh
 * event_id and occurred_at drawn from @p rng (the catalog examples as a stream would carry
 * them). @return 0, or -1 on error.
 */
int bench_make_small(const bench_doc *example, bench_rng *rng, bench_doc *out);

/**
 * Writes an NDJSON file of @p count events to @p path: a mix of every event of @p examples,
 * four small ones for each large one, each line generated afresh from @p seed. A file written
 * with the same seed and a smaller count is a prefix of the larger one.
 * @return the number of bytes written, or 0 with a message on stderr.
 */
size_t bench_write_stream(const char *path, const bench_set *examples, size_t count, uint64_t seed);

/* ---- json-c peer ------------------------------------------------------------------------ */

/** State of the json-c peer: one reused tokener. Opaque. */
typedef struct jc_peer jc_peer;

/** @return a new peer, or NULL when out of memory. Release with jc_peer_free. */
jc_peer *jc_peer_new(void);

/** Releases @p p. NULL-safe. */
void jc_peer_free(jc_peer *p);

/**
 * Parses @p json with json-c and extracts it, by hand, into @p ev, the same struct the
 * generated decoder fills: every string is a malloc'd copy, every rule of the catalog is
 * checked (types, required members, lengths, constants, enums, timestamps, item pattern,
 * uniqueness). @p ev must be empty (zeroed or after jc_event_free).
 * @param why receives a short reason on failure (may be NULL).
 * @return 0 on success (release with jc_event_free), -1 on any error (@p ev holds nothing).
 */
int jc_decode(jc_peer *p, const char *json, size_t len, msg_event *ev, const char **why);

/** Releases what jc_decode put into @p ev and zeroes it. */
void jc_event_free(msg_event *ev);

/**
 * Builds a json-c object tree for @p ev, one json_object_object_add per member, and serialises
 * it with json_object_to_json_string_ext(PLAIN).
 * @param sink called with the text while it is alive (the tree is released afterwards); may
 *        be NULL.
 * @return the length of the text, or 0 on failure.
 */
size_t jc_encode(const msg_event *ev, void (*sink)(void *ctx, const char *s, size_t n), void *ctx);

/* ---- cJSON reference -------------------------------------------------------------------- */

/** Parses @p json with cJSON and releases the tree. @return its root's type, or -1 on error. */
int cj_parse_only(const char *json, size_t len);

/* ---- yajl peer (peer_yajl.c) ------------------------------------------------------------ */

/** State of the yajl peer: a bump arena for decoded strings and one reused generator. */
typedef struct yj_peer yj_peer;

/** @return a new peer, or NULL when out of memory. Release with yj_peer_free. */
yj_peer *yj_peer_new(void);

/** Releases @p p. NULL-safe. */
void yj_peer_free(yj_peer *p);

/** The yajl version, "2.1.0". */
const char *yj_version(void);

/**
 * Decodes @p json with yajl's event parser into @p ev under the catalog's rules. Strings live in
 * the peer's arena until the next call. @return 0, or -1 with a reason in *why (may be NULL).
 */
int yj_decode(yj_peer *p, const char *json, size_t len, msg_event *ev, const char **why);

/** Writes @p ev with yajl_gen; @p sink (may be NULL) sees the text. @return its length, or 0. */
size_t yj_encode(yj_peer *p, const msg_event *ev, void (*sink)(void *ctx, const char *s, size_t n),
                 void *ctx);

/* ---- simdjson peer (peer_simdjson.cpp, when BENCH_HAVE_SIMDJSON) ------------------------ */

/** State of the simdjson peer: one reused On-Demand parser and a bump arena. */
typedef struct sj_peer sj_peer;

/** @return a new peer, or NULL when out of memory. Release with sj_peer_free. */
sj_peer *sj_peer_new(void);

/** Releases @p p. NULL-safe. */
void sj_peer_free(sj_peer *p);

/** simdjson's version and the implementation the peer was compiled for ("haswell", ...). */
const char *sj_version(void);
const char *sj_implementation(void);

/**
 * Decodes @p json with simdjson On-Demand into @p ev under the catalog's rules. @p cap is how
 * many readable bytes @p json has; below len + 64 the text is first copied into a padded
 * buffer. Strings live in the peer's arena until the next call.
 * @return 0, or -1 with a reason in *why (may be NULL).
 */
int sj_decode(sj_peer *p, const char *json, size_t len, size_t cap, msg_event *ev,
              const char **why);

/* ---- the hand-written append writer (peer_writer.c) ------------------------------------- */

/** A growable output buffer. */
typedef struct hw_buf {
    char *data;
    size_t len, cap;
} hw_buf;

/** Appends @p ev as JSON to @p b, checking nothing. @return 0, or -1 (nothing appended). */
int hw_encode(const msg_event *ev, hw_buf *b);

/** Releases @p b's memory and empties it. */
void hw_buf_free(hw_buf *b);

#ifdef __cplusplus
}
#endif

#endif
