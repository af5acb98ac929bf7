/* Patterns in schemas (schema_pattern.c). */
#ifndef EVENTC_GEN_SCHEMA_PATTERN_H
#define EVENTC_GEN_SCHEMA_PATTERN_H

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

#endif
