/* The JSON Schema back end: one schema per event, per object type, the envelope, and a catalog
 * schema that dispatches on the event name. The schemas state exactly the rules the generated C
 * decoders enforce, so that consumers in other languages can validate with ajv or jsonschema
 * instead of linking the C code. */
#ifndef EVENTC_GEN_EMIT_SCHEMA_H
#define EVENTC_GEN_EMIT_SCHEMA_H

#include "model/model.h"
#include "base/util.h"

#include <json-c/json.h>

#include <stddef.h>

/** Receives one output file: `relpath` (`schemas/<name>.schema.json`) and its bytes. The data is
 * only valid during the call. Returns 0 to go on, anything else to stop the emission. */
typedef int (*gen_emit_fn)(void *ctx, const char *relpath, const char *data, size_t len);

/** Options of the schema back end. */
typedef struct gen_schema_options {
    int draft;  /**< 7 (draft-07, the default when 0) or 2020 (draft 2020-12) */
    int strict; /**< refuse unknown members everywhere, as the decoders' strict option does */
} gen_schema_options;

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

/** The regular expression every timestamp string must match: `YYYY-MM-DDTHH:MM:SS[.F{1,9}]Z`
 * with month lengths and Gregorian leap years, exactly the strings eventc_timestamp_parse
 * accepts. It is in the runtime pattern subset and valid in ECMAScript (u flag) and Python. */
extern const char gen_schema_timestamp_pattern[];

/**
 * Rewrites a catalog pattern (already accepted by eventc_regex_check) into a spelling with the
 * same meaning under ECMAScript's u flag (and the runtime engine), but which also means the same
 * under Python's `re`: class escapes `\d \w \s` (and negations) and `.` become explicit ASCII /
 * ECMAScript sets, `\u{...}` and surrogate-pair escapes become literal characters, and class
 * members that Python reads differently are escaped. `$` is kept (see docs/json-schema.md).
 *
 * @return a malloc'd string (caller frees); a copy of `pattern` when it is not in the subset.
 */
char *gen_schema_portable_pattern(const char *pattern);

/** Appends `doc` to `out` as the schema files are written: two-space indent, `"key": value`,
 * members in their order, numbers as json-c spells them, no trailing newline. */
void gen_schema_write_json(gen_str *out, json_object *doc);

#endif
