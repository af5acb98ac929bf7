/* Validating a JSON document (json-c) against an event of the model: the generator's own reading
 * of the decoding rules, used to check the catalog's example files. The generated C decoders apply
 * the same rules, rendered from the same model. */
#ifndef EVENTC_GEN_VALIDATE_H
#define EVENTC_GEN_VALIDATE_H

#include "model.h"

#include <json-c/json.h>

/** Called once per violation: JSON path (`$.changed_fields[1]`), rule code (`min_items`, see
 * eventc_status_code) and message. */
typedef void (*gen_violation_fn)(void *ctx, const char *path, const char *rule, const char *msg);

/** Checks `doc` against event `e` (envelope and fields). Returns the number of violations. */
size_t gen_validate_event(const gen_model *m, const gen_event *e, json_object *doc,
                          gen_violation_fn report, void *ctx);

#endif
