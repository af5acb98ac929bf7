/* Runtime codec descriptors built from the model, with a struct layout computed the way a C
 * compiler lays out the generated structs. The checker decodes the catalog's example files with
 * them, so examples are judged by the very decoder the generated code uses. */
#ifndef EVENTC_GEN_DYNDESC_H
#define EVENTC_GEN_DYNDESC_H

#include "model.h"

#include <eventc/codec.h>

/** The descriptor of event `e` (envelope fields, then the event's), allocated in the model's
 * pool and cached there. */
const eventc_type_desc *gen_event_desc(gen_model *m, const gen_event *e);

/**
 * The catalog's event table, as the generated `<prefix>_event_types` (entry i has kind i + 1),
 * for eventc_decode_any: every event sits at offset 0 of a buffer of *max_size bytes (the largest
 * event struct). In the model's pool. `max_size` may be NULL.
 */
const eventc_event_entry *gen_event_table(gen_model *m, size_t *n, size_t *max_size);

/**
 * Judges the JSON text `json` as a value of field `f` with the runtime decoder (the value is
 * decoded as the only member of an object holding just that field).
 * @return EVENTC_OK, or the rule the value breaks with `err` filled (its path is `$.<field>`).
 */
eventc_status gen_field_value_check(gen_model *m, const gen_field *f, const char *json,
                                    eventc_error *err);

#endif
