/* The CloudEvents part of the C back end: the view model of the converters
 * templates/c/cloudevents_*.mustache print into <catalog>_cloudevents.{h,c}, over the mapping of
 * names/ce_names.h (which the JSON Schemas of the CloudEvents, emit_schema_ce.c, use too). */
#ifndef EVENTC_GEN_VIEWMODEL_CE_H
#define EVENTC_GEN_VIEWMODEL_CE_H

#include "base/diag.h"
#include "model/model.h"
#include "names/ce_names.h"

#include <json-c/json.h>

/**
 * The `cloudevents` object of the C view model (docs/generated-c.md lists its keys).
 *
 * @param prefix       the catalog's C prefix (`msg`)
 * @param upper_prefix the same in upper case (`MSG`)
 * @param lazy         whether `events` is a lazy list (gen_render_list_new) rather than an array
 * @return a new json-c object, or NULL when an error was recorded in `diags`.
 */
json_object *gen_viewmodel_cloudevents(const gen_model *m, const char *prefix,
                                       const char *upper_prefix, bool lazy, gen_diags *diags);

#endif
