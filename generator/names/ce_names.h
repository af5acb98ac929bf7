/* The CloudEvents mapping of a catalog, decided in one place: the type of every event and the
 * attribute of every envelope field. The checker runs gen_ce_names_build so that `eventc check`
 * refuses a catalog the mapping cannot carry; the CloudEvents views and schemas read the
 * mapping. */
#ifndef EVENTC_GEN_CE_NAMES_H
#define EVENTC_GEN_CE_NAMES_H

#include "base/diag.h"
#include "model/model.h"

#include <eventc/ce_domain.h>

/** The CloudEvents mapping of a catalog. Every string is malloc'd and owned by the struct. */
typedef struct gen_ce_names {
    char **types;                  /**< per event, catalog (kind) order: its CloudEvents type */
    char **dataschemas;            /**< per event: the URI of its JSON Schema */
    const char **key_fields;       /**< per event: the field of its partition key when the
                                        catalog routes it by another field than the aggregate
                                        id, else NULL (model strings, not owned) */
    size_t n_events;               /**< m->n_events */
    eventc_ce_field_map *envelope; /**< per envelope field, in order; strings owned */
    size_t n_envelope;             /**< m->n_envelope */
} gen_ce_names;

/**
 * Works out the mapping of checked model `m`: type `<type_prefix>.<aggregate>.<verb>` (verb: the
 * event name without the aggregate's name in front, snake_case), the roles' core attributes, and
 * an extension for every other envelope field, named as `cloudevents: extensions:` says or else
 * by the field name without underscores.
 *
 * @param diags receives positioned errors: an extension name that is not `[a-z0-9]+`, is
 *              reserved (a core attribute, `data`, `partitionkey`) or is taken twice; an
 *              `extensions:` entry that names no extension field; two events with one type; a
 *              source or schema URI CloudEvents refuses.
 * @return 0, or -1 when an error was recorded. Either way release `out` with gen_ce_names_free.
 */
int gen_ce_names_build(const gen_model *m, gen_ce_names *out, gen_diags *diags);

/** Releases what gen_ce_names_build allocated. NULL-safe. */
void gen_ce_names_free(gen_ce_names *n);

#endif
