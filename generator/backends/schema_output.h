/* What the schema back ends share (schema_output.c): the callback that receives each file, the
 * options, and an ordered JSON tree with the writer that prints every schema file. */
#ifndef EVENTC_GEN_SCHEMA_OUTPUT_H
#define EVENTC_GEN_SCHEMA_OUTPUT_H

#include "base/util.h"

#include <json-c/json.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Receives one output file: `relpath` (`schemas/<name>.schema.json`) and its bytes. The data is
 * only valid during the call. Returns 0 to go on, anything else to stop the emission. */
typedef int (*gen_emit_fn)(void *ctx, const char *relpath, const char *data, size_t len);

/** Options of the schema back end. */
typedef struct gen_schema_options {
    int draft;  /**< 7 (draft-07, the default when 0) or 2020 (draft 2020-12) */
    int strict; /**< refuse unknown members everywhere, as the decoders' strict option does */
} gen_schema_options;

/** A node of an ordered JSON tree: members keep the order they were put in. Built with the
 * constructors below, linked with gen_jnode_push (arrays) and gen_jnode_put (objects), released
 * with gen_jnode_free (the whole tree). Memory exhaustion exits, as everywhere in the generator. */
typedef struct gen_jnode gen_jnode;

gen_jnode *gen_jnode_obj(void);
gen_jnode *gen_jnode_arr(void);
gen_jnode *gen_jnode_str(const char *s);
/** A number, true, false or null, as spelled. */
gen_jnode *gen_jnode_raw(const char *s);
gen_jnode *gen_jnode_bool(bool b);
gen_jnode *gen_jnode_int(int64_t v);
gen_jnode *gen_jnode_uint(uint64_t v);
/** Integral values as integers, others in the shortest %g spelling that reads back the same. */
gen_jnode *gen_jnode_double(double d);
/** Appends `v` to array `arr`, which takes it over. */
void gen_jnode_push(gen_jnode *arr, gen_jnode *v);
/** Appends member `key` (copied) with value `v` to object `obj`, which takes `v` over. */
void gen_jnode_put(gen_jnode *obj, const char *key, gen_jnode *v);
/** Releases `n`, its children and the nodes that follow it. NULL-safe. */
void gen_jnode_free(gen_jnode *n);
/** A json-c value (an example) as a tree, keeping member order and number spelling. */
gen_jnode *gen_jnode_from_json(json_object *j);
/** Appends the tree to `out`: two-space indent, `"key": value`, no trailing newline. */
void gen_jnode_write(gen_str *out, const gen_jnode *n);

/** Appends `doc` to `out` as the schema files are written: two-space indent, `"key": value`,
 * members in their order, numbers as json-c spells them, no trailing newline. */
void gen_schema_write_json(gen_str *out, json_object *doc);

#endif
