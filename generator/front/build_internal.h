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

void gen_bld_error(builder *b, gen_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/** A string scalar (NULL, after an error, for anything else or an empty plain scalar). */
const char *gen_bld_string(builder *b, const gen_node *n, const char *what);
/** A plain decimal integer that fits in 64 bits. */
bool gen_bld_int(builder *b, const gen_node *n, const char *what, int64_t *out);
/** Whether `n` is a mapping (an error otherwise). */
bool gen_bld_map(builder *b, const gen_node *n, const char *what);
/** Reports keys of `map` not in `allowed` (NULL-terminated), with a suggestion. */
void gen_bld_allowed(builder *b, const gen_node *map, const char *const *allowed,
                     const char *context);
/** The YAML value as JSON text, in the model's pool. */
char *gen_bld_json(builder *b, const gen_node *n);

/* build_evolution.c: `compat:` at the top of the root file, and an event's `renamed_from` and
 * `history`. */
void gen_build_compat(builder *b, const gen_node *n);
void gen_build_versioning(builder *b, const gen_node *event_map, gen_event *e);

#endif
