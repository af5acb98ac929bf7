/* Shared by the files of the model builder (build.c and the files that build one part of the
 * catalog language each, such as build_evolution.c): the builder's state and its readers of YAML
 * values, which report every problem with its position. */
#ifndef EVENTC_GEN_BUILD_INTERNAL_H
#define EVENTC_GEN_BUILD_INTERNAL_H

#include "load.h"
#include "model/model.h"

#include <stdbool.h>
#include <stdint.h>

typedef struct builder {
    gen_model *m;
    gen_diags *diags;
    gen_pool *pool;
    const char *root_data; /* the root file's text when it was given in memory, else NULL */
    size_t root_len;
    /* files on the include stack, for cycle detection */
    size_t *stack;
    size_t depth, cap;
} builder;

/* build_read.c: readers of YAML values. Each reports what is wrong, positioned, and returns
 * NULL or false. */
void gen_bld_error(builder *b, gen_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** A string scalar (NULL, after an error, for anything else or an empty plain scalar). */
const char *gen_bld_string(builder *b, const gen_node *n, const char *what);
bool gen_bld_bool(builder *b, const gen_node *n, const char *what, bool *out);
/** A plain decimal integer that fits in 64 bits. */
bool gen_bld_int(builder *b, const gen_node *n, const char *what, int64_t *out);
/** A non-negative integer. */
bool gen_bld_count(builder *b, const gen_node *n, const char *what, uint64_t *out);
bool gen_bld_number(builder *b, const gen_node *n, const char *what, double *out);
/** A string or a sequence of strings. */
gen_text_list gen_bld_text_list(builder *b, const gen_node *n, const char *what);
/** Reports keys of `map` not in `allowed` (NULL-terminated), with a suggestion; in a field spec
 * (`field_spec`), habits of JSON Schema get a hint saying what to write instead. */
void gen_bld_keys(builder *b, const gen_node *map, const char *const *allowed, const char *context,
                  bool field_spec);
void gen_bld_allowed(builder *b, const gen_node *map, const char *const *allowed,
                     const char *context);
/** The position of `key` itself in a mapping (the mapping's when absent). */
gen_loc gen_bld_key_loc(const gen_node *map, const char *key);
/** Whether `n` is a mapping (an error otherwise). */
bool gen_bld_map(builder *b, const gen_node *n, const char *what);
/** The YAML value as JSON (NULL for null). */
struct json_object *gen_bld_json_object(const gen_node *n);
/** The YAML value as JSON text, in the model's pool. */
char *gen_bld_json(builder *b, const gen_node *n);

/* build_evolution.c: `compat:` at the top of the root file, and an event's `renamed_from` and
 * `history`. */
void gen_build_compat(builder *b, const gen_node *n);
void gen_build_versioning(builder *b, const gen_node *event_map, gen_event *e);

#endif
