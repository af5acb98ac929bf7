/* The loader: turns a YAML file into a tree of nodes that keep their position, through libyaml's
 * event API. Hostile input (invalid UTF-8, NUL bytes, tabs in indentation, alias bombs, deep
 * nesting, huge scalars, huge files) ends in one positioned error, never in a crash, a hang or an
 * unbounded allocation. */
#ifndef EVENTC_GEN_LOAD_H
#define EVENTC_GEN_LOAD_H

#include "base/diag.h"
#include "base/util.h"

#include <stdbool.h>
#include <stddef.h>

/** Loader limits; documented for users in docs/catalog-format.md. */
#define GEN_MAX_FILE_SIZE (8u * 1024u * 1024u)
#define GEN_MAX_DEPTH 64u
#define GEN_MAX_SCALAR (64u * 1024u)
#define GEN_MAX_ALIAS_EXPANSION 10000u
#define GEN_MAX_NODES 1000000u

typedef enum gen_node_kind { GEN_NODE_SCALAR, GEN_NODE_SEQ, GEN_NODE_MAP } gen_node_kind;

typedef struct gen_node gen_node;
struct gen_node {
    gen_node_kind kind;
    gen_loc loc;
    bool quoted;        /**< scalar written in quotes or as a block scalar: always a string */
    bool double_quoted; /**< scalar written in double quotes, where `\` starts an escape */
    const char *text;   /**< scalar text, NUL-terminated (may contain no NUL: checked) */
    size_t text_len;    /**< scalar length in bytes */
    size_t len;         /**< items of a sequence, pairs of a mapping */
    gen_node **items;   /**< sequence items, or mapping values */
    gen_node **keys;    /**< mapping keys (scalars) */
    unsigned weight;    /**< nodes in this subtree, aliases expanded */
};

/** Loads `path` (display name `display`, index `file_index` in the diagnostics) into nodes owned by
 * `pool`. Returns the root node, or NULL after reporting one error to `diags`. An empty document
 * is an error. */
gen_node *gen_load_yaml(gen_pool *pool, const char *path, const char *display, unsigned file_index,
                        gen_diags *diags);

/** Same, from memory (tests, fuzzing). */
gen_node *gen_load_yaml_buffer(gen_pool *pool, const char *data, size_t len, const char *display,
                               unsigned file_index, gen_diags *diags);

/** Looks a key up in a mapping node; NULL when absent. */
gen_node *gen_map_get(const gen_node *map, const char *key);

/** "a mapping", "a sequence", "a string"... for messages. */
const char *gen_node_kind_name(const gen_node *n);

#endif
