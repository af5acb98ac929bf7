/* Writing a JSON document (json-c) as YAML, for back ends whose output format is YAML (AsyncAPI).
 */
#ifndef EVENTC_GEN_YAML_OUT_H
#define EVENTC_GEN_YAML_OUT_H

#include "base/util.h"

#include <json-c/json.h>

/**
 * Appends `doc` to `out` as block-style YAML: one entry per line, keys in insertion order,
 * indentation 2, empty mappings and sequences as `{}` and `[]`. Strings are plain only when YAML
 * cannot read them as anything else (a letter, `_` or `$` first, then letters, digits and
 * `_.$/-`, and no word YAML reads as a boolean or null); every other string is double-quoted,
 * with `\"`, `\\`, `\n`, `\t`, `\r` and `\xXX` escapes for control characters. Reading the text
 * back with any YAML 1.1 or 1.2 parser gives `doc`.
 */
void gen_yaml_write(gen_str *out, json_object *doc);

/**
 * Appends the entries of the mapping `entries` at `indent` columns, as gen_yaml_write writes the
 * entries of a mapping nested that deep: a long mapping can be written a few entries at a time.
 */
void gen_yaml_write_entries(gen_str *out, json_object *entries, unsigned indent);

#endif
