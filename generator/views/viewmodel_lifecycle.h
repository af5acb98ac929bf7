/* The lifecycle part of the C view model: for each aggregate with a lifecycle, the state enum, the
 * transition tables (static data read by the runtime's eventc_lifecycle_apply) and the typed
 * `_apply`, `_replay`, `_state_to_string` and `_state_from_string` functions, every name and line
 * laid out for templates/c/header.mustache and source.mustache. gen_viewmodel_c calls it. */
#ifndef EVENTC_GEN_VIEWMODEL_LIFECYCLE_H
#define EVENTC_GEN_VIEWMODEL_LIFECYCLE_H

#include "model/model.h"

#include <json-c/json.h>

/**
 * The view model of aggregate `a`'s lifecycle.
 *
 * @param m      the checked model; borrowed
 * @param a      an aggregate of `m`; borrowed
 * @param prefix the catalog's c_prefix (`msg`)
 * @return a new JSON object (released by the caller, or by the object it is added to), or NULL
 *         when the aggregate has no lifecycle. Exits on memory exhaustion like the rest of the
 *         view model.
 */
json_object *gen_vm_lifecycle(const gen_model *m, const gen_aggregate *a, const char *prefix);

#endif
