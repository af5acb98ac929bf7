/* Runtime lifecycle tables built from the model (eventc_lifecycle_desc over the catalog's event
 * table), as the generated code has them, so that `eventc compat` replays histories with the very
 * function the generated `_apply` calls. The event table is the one of dyndesc.h. */
#ifndef EVENTC_GEN_DYNLIFE_H
#define EVENTC_GEN_DYNLIFE_H

#include "model.h"

#include <eventc/lifecycle.h>

/** What one event does to its aggregate's state, in state numbers (0 is "none"). */
typedef struct gen_lifecycle_rule {
    size_t from[64 + 1]; /**< the states it is allowed in (0: it creates the aggregate) */
    size_t n_from;
    size_t to;              /**< the state after it; 0 keeps the state, unless `field` */
    const gen_field *field; /**< the to_field, or NULL */
} gen_lifecycle_rule;

/** The rule of event `e` in aggregate `a`'s lifecycle (a has one; e is one of its events). An
 * event the transitions leave out keeps the state in every existing state. Lifecycles of more
 * than 64 states are cut to 64 (the checker refuses none; the tables are for analysis). */
void gen_lifecycle_rule_of(const gen_aggregate *a, const gen_event *e, gen_lifecycle_rule *r);

/** The state number of `name` in `a` (1-based), 0 when it is not a state. */
size_t gen_lifecycle_state(const gen_aggregate *a, const char *name);

/** The runtime lifecycle of `a` (NULL without one), in the model's pool. Its event kinds are the
 * positions in gen_event_table plus one. */
const eventc_lifecycle_desc *gen_lifecycle_desc(gen_model *m, const gen_aggregate *a);

#endif
