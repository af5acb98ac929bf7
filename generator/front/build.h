/* Building the model from the catalog's YAML files (shape only; meaning is checked in check.c). */
#ifndef EVENTC_GEN_BUILD_H
#define EVENTC_GEN_BUILD_H

#include "model/model.h"

/** Loads `path` and its includes into a new model; reports every shape error to `diags`. Always
 * returns a model (possibly partial) for the checker to look at; free it with gen_model_free. */
gen_model *gen_build(const char *path, gen_diags *diags);

/** The built-in type names, NULL-terminated (for "did you mean"). */
const char *const *gen_builtin_type_names(void);

#endif
