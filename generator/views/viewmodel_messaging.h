/* The messaging part of the C view model: the catalog descriptor, typed publish and emit helpers
 * and the handler table of <catalog>_messaging.{h,c}, rendered by
 * templates/c/messaging_header.mustache and messaging_source.mustache. */
#ifndef EVENTC_GEN_VIEWMODEL_MESSAGING_H
#define EVENTC_GEN_VIEWMODEL_MESSAGING_H

#include "base/diag.h"
#include "model/model.h"

#include <json-c/json.h>

/**
 * The `messaging` object of the C view model (docs/generated-c.md lists its keys).
 *
 * @param prefix       the catalog's C prefix (`msg`)
 * @param upper_prefix the same in upper case (`MSG`)
 * @param lazy         whether `events` is a lazy list (gen_render_list_new) rather than an array
 * @return a new json-c object, or NULL when an error was recorded in `diags` (the CloudEvents
 *         mapping it builds on could not be made).
 */
json_object *gen_viewmodel_messaging(const gen_model *m, const char *prefix,
                                     const char *upper_prefix, bool lazy, gen_diags *diags);

#endif
