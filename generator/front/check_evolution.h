/* The checks of the catalog's evolution syntax (check_evolution.c), run by gen_model_load. */
#ifndef EVENTC_GEN_CHECK_EVOLUTION_H
#define EVENTC_GEN_CHECK_EVOLUTION_H

#include "base/diag.h"
#include "model/model.h"

#include <stdbool.h>

/** Checks accepted breaks, `renamed_from` and `history` of every event; reports to `diags`.
 * With `sound` (no error so far: types resolved and acyclic) the defaults of added fields are
 * also decoded against their fields. */
void gen_check_evolution(gen_model *m, gen_diags *diags, bool sound);

#endif
