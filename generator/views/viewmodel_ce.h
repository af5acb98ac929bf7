/* The CloudEvents part of the C back end: how a catalog maps onto CloudEvents (type of every
 * event, attribute of every envelope field), checked once here, and the view model of the
 * converters templates/c/cloudevents_*.mustache print into <catalog>_cloudevents.{h,c}. The JSON
 * Schemas of the CloudEvents (emit_schema_ce.c) use the same mapping. */
#ifndef EVENTC_GEN_VIEWMODEL_CE_H
#define EVENTC_GEN_VIEWMODEL_CE_H

#include "base/diag.h"
#include "model/model.h"

#include <eventc/ce_domain.h>

#include <json-c/json.h>

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

/**
 * The `cloudevents` object of the C view model (docs/generated-c.md lists its keys).
 *
 * @param prefix       the catalog's C prefix (`msg`)
 * @param upper_prefix the same in upper case (`MSG`)
 * @return a new json-c object, or NULL when an error was recorded in `diags`.
 */
json_object *gen_viewmodel_cloudevents(const gen_model *m, const char *prefix,
                                       const char *upper_prefix, gen_diags *diags);

#endif
