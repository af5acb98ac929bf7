/* The checker, and with it the whole front end: load the catalog's YAML files, build the model,
 * check everything a catalog must mean before any code is generated from it. */
#ifndef EVENTC_GEN_CHECK_H
#define EVENTC_GEN_CHECK_H

#include "base/diag.h"
#include "model/model.h"

#include <stddef.h>

/** Loads the catalog at `path` with its includes, builds and checks the model. Every error goes to
 * `diags`. Returns the model (free with gen_model_free) or NULL when any error was reported. */
gen_model *gen_model_load(const char *path, gen_diags *diags);

/** The same for a catalog held in memory, named `display` in diagnostics (tests, fuzzing): it can
 * include no file and name no example. */
gen_model *gen_model_load_buffer(const char *data, size_t len, const char *display,
                                 gen_diags *diags);

/** gen_model_load naming the root file `display` in diagnostics (see gen_build_as). */
gen_model *gen_model_load_as(const char *path, const char *display, gen_diags *diags);

#endif
