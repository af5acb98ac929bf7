/* Building the model from the catalog's YAML files (shape only; meaning is checked in check.c). */
#ifndef EVENTC_GEN_BUILD_H
#define EVENTC_GEN_BUILD_H

#include "model/model.h"

#include <stddef.h>

/** Loads `path` and its includes into a new model; reports every shape error to `diags`. Always
 * returns a model (possibly partial) for the checker to look at; free it with gen_model_free. */
gen_model *gen_build(const char *path, gen_diags *diags);

/** Same for a root file given in memory (`display` names it in diagnostics). Such a catalog can
 * include nothing; its examples are refused by the checker. */
gen_model *gen_build_buffer(const char *data, size_t len, const char *display, gen_diags *diags);

/** gen_build with `display` as the root file's name in diagnostics (and, joined with their
 * paths, the included files'), e.g. `git:v1.0:catalog/messaging.yaml` for a file read from a
 * git revision into a temporary folder. */
gen_model *gen_build_as(const char *path, const char *display, gen_diags *diags);

/** The built-in type names, NULL-terminated (for "did you mean"). */
const char *const *gen_builtin_type_names(void);

#endif
