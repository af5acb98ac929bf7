/* Running the back ends: every requested target of a checked model rendered into files, handed on
 * one by one. `eventc generate` writes each as it comes; the fuzz harness and the tests collect
 * them in memory and look at them. */
#ifndef EVENTC_GEN_GENERATE_H
#define EVENTC_GEN_GENERATE_H

#include "emit_c.h"
#include "model/model.h"
#include "render/templates.h"

#include <stddef.h>

/** The targets, as bits. */
enum {
    GEN_TARGET_C = 1u << 0,         /**< c/<catalog>.{h,c} and c/<catalog>_cloudevents.{h,c} */
    GEN_TARGET_SCHEMA = 1u << 1,    /**< schemas/ */
    GEN_TARGET_DOCS = 1u << 2,      /**< docs/ */
    GEN_TARGET_MESSAGING = 1u << 3, /**< messaging/<catalog>_messaging.{h,c} */
    GEN_TARGET_ASYNCAPI = 1u << 4,  /**< asyncapi/<catalog>.asyncapi.yaml */
    GEN_TARGET_ALL = (1u << 5) - 1
};

/** A target's name (`c`, `schema`, `docs`, `messaging`, `asyncapi`) for one bit; NULL for anything
 * else. */
const char *gen_target_name(unsigned bit);

/** The bit of the target named by the `len` bytes at `name`; 0 when there is none. */
unsigned gen_target_bit(const char *name, size_t len);

/** The target an output path belongs to, from the folder under the output folder (`c/`,
 * `schemas/`, `docs/`); 0 when it belongs to none. `rel` is relative to the output folder. */
unsigned gen_target_of(const char *rel);

/**
 * Renders every target of `targets` for the checked model `m` into `sink`, file after file, each
 * while it is rendered (c, messaging, schema, docs, asyncapi, in that order): the run holds a piece
 * of one file's text and one event's view at a time, whatever the size of the catalog.
 *
 * @param source    the catalog path as banners print it
 * @param version   the generator's version, for banners
 * @param templates the templates (built-in, or with overrides)
 * @param out_dir   the output folder; output paths are `out_dir/<target folder>/...`
 * @param sink      receives the files; stopping it stops the run
 * @param err       receives the messages of a failure, one per line, GCC style (nothing when
 *                  the sink stopped the run)
 * @return 0, or -1 when a view or a template failed (the file being rendered is closed as
 *         abandoned) or the sink stopped the run
 */
int gen_generate_each(const gen_model *m, const char *source, const char *version, unsigned targets,
                      gen_template_set *templates, const char *out_dir, const gen_sink *sink,
                      gen_str *err);

/**
 * gen_generate_each into memory: every output of the run at once, for the fuzz harness and the
 * tests (a large catalog's outputs take as much memory as they take disk).
 *
 * @param outs receives a malloc'd array of outputs in a fixed order (c, messaging, schema, docs,
 *             asyncapi), freed with gen_outputs_free; empty on failure
 * @return 0, or -1 when a view or a template failed (a checked model with the built-in templates
 *         never fails: the fuzz harness asserts it).
 */
int gen_generate(const gen_model *m, const char *source, const char *version, unsigned targets,
                 gen_template_set *templates, const char *out_dir, gen_output **outs,
                 size_t *n_outs, gen_str *err);

#endif
