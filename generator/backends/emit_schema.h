/* The JSON Schema back end: one schema per event, per object type, the envelope, and a catalog
 * schema that dispatches on the event name. The schemas state exactly the rules the generated C
 * decoders enforce, so that consumers in other languages can validate with ajv or jsonschema
 * instead of linking the C code. */
#ifndef EVENTC_GEN_EMIT_SCHEMA_H
#define EVENTC_GEN_EMIT_SCHEMA_H

#include "model/model.h"
#include "schema_output.h"
#include "schema_pattern.h"

/**
 * Emits every schema of the checked model `m` through `emit`, in a fixed order: envelope, one per
 * event (catalog order), one per object type (catalog order), `catalog.schema.json`, then the
 * schemas of the events as CloudEvents (`cloudevents/`, see emit_schema_ce.h). The
 * output is deterministic: pretty JSON with a 2-space indent, a fixed key order and a final
 * newline.
 *
 * @param o NULL for the defaults (draft-07, not strict).
 * @return 0 on success; -1 for an invalid option (nothing emitted), when an example file listed
 *         by the catalog cannot be read or parsed (message on stderr), or when `emit` returned
 *         non-zero (emission stops at that file). Memory exhaustion exits the process, as
 *         everywhere in the generator.
 */
int gen_emit_schema(const gen_model *m, const gen_schema_options *o, gen_emit_fn emit, void *ctx);

#endif
