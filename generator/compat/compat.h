/* The compat stage: compares two checked models of a catalog and reports, rule by rule
 * (model/compat_rules.h), every change that makes readers on one side refuse events written on
 * the other, each with a witness: a concrete event (or history of events) that the writer's
 * decoder accepts and the reader's refuses, both checked with the runtime decoders the generated
 * code uses. The content model it judges by is docs/compatibility.md's:
 *
 * - an event written with a catalog is one its decoder accepts in strict mode (only declared
 *   members) whose version member holds the catalog's version;
 * - a reader accepts what its decoder accepts in the default mode (unknown members as the
 *   catalog's additional_properties says), after upcasting earlier versions (history), and
 *   replays histories through its lifecycles;
 * - backward: readers on the new catalog accept everything written with the old one; forward:
 *   the reverse. */
#ifndef EVENTC_GEN_COMPAT_H
#define EVENTC_GEN_COMPAT_H

#include "base/diag.h"
#include "model/compat_rules.h"
#include "model/model.h"

#include <stdbool.h>
#include <stdio.h>

/** A witness of a break in one direction. */
typedef struct gen_compat_witness {
    unsigned direction; /**< GEN_COMPAT_BACKWARD or GEN_COMPAT_FORWARD */
    char *json;         /**< the event, or a JSON array of events (a history) */
    char *refusal;      /**< why the reader refuses it: `$.x: too long (9 > 8) [max_length]` */
} gen_compat_witness;

typedef struct gen_compat_finding {
    gen_compat_rule_id rule;
    unsigned directions; /**< the directions it breaks (GEN_COMPAT_*) */
    char *target;        /**< `Event.field`, `envelope.field`, `Type.value`, ... */
    char *message;
    gen_loc loc;     /**< in the new catalog */
    gen_loc old_loc; /**< in the old catalog (line 0: none) */
    gen_compat_witness witnesses[2];
    size_t n_witnesses;
    char *no_witness;                   /**< why a direction has no witness, or NULL */
    const gen_accepted_break *accepted; /**< the new catalog's entry accepting it, or NULL */
} gen_compat_finding;

typedef struct gen_compat_result {
    gen_compat_finding *items;
    size_t len, cap;
} gen_compat_result;

/**
 * Compares `old_m` with `new_m` in `directions` (GEN_COMPAT_BACKWARD | GEN_COMPAT_FORWARD; 0
 * lists the changes that break in either direction, as notes for mode none) and appends the
 * findings to `out`, sorted by their position in the new catalog. The models are only read, but
 * their pools hold the decoders built on the way.
 */
void gen_compat_check(gen_model *old_m, gen_model *new_m, unsigned directions,
                      gen_compat_result *out);

/** Whether the result holds a break that no accepted entry covers. */
bool gen_compat_breaking(const gen_compat_result *r);

void gen_compat_result_free(gen_compat_result *r);

/** Output formats of gen_compat_report. */
typedef enum gen_compat_format {
    GEN_COMPAT_TEXT,
    GEN_COMPAT_JSON,
    GEN_COMPAT_GITHUB
} gen_compat_format;

/** One comparison of a report: the two catalogs as named on the command line, and its result. */
typedef struct gen_compat_pair {
    const char *old_name;
    const char *new_name;
    const gen_model *new_m;
    gen_compat_result result;
} gen_compat_pair;

/**
 * Writes the findings of every pair in `format` to `out`: GCC-style lines
 * (`new.yaml:12:7: error: [RULE] message` with notes for the old definition and the witness), a
 * JSON document, or GitHub workflow annotations. `mode` names the directions (`backward`, ...).
 * Accepted breaks of `new_m` that match no finding of any pair are listed as notes.
 */
void gen_compat_report(FILE *out, gen_compat_format format, const char *mode,
                       const gen_compat_pair *pairs, size_t n_pairs);

#endif
