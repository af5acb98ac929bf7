/* C names: the identifiers the generated C code declares for a catalog, decided in one place.
 * The C views take their names from here, and the checker refuses, through
 * gen_check_c_identifiers, every catalog whose declarations would generate the same identifier.
 * Strings returned are malloc'd; the caller frees them. */
#ifndef EVENTC_GEN_C_NAMES_H
#define EVENTC_GEN_C_NAMES_H

#include "base/diag.h"
#include "model/model.h"

#include <stdbool.h>
#include <stdbool.h>
#include <stddef.h>

/** The prefix of every generated identifier: the catalog's `c_prefix`, else its name. */
const char *gen_c_prefix(const gen_model *m);

/** The C type of a named catalog type or event: `<prefix>_<snake name>` (`msg_customer_created`).
 */
char *gen_c_type_name(const char *prefix, const char *name);

/** The names of one aggregate's lifecycle code. */
typedef struct gen_lifecycle_names {
    char *snake, *upper_prefix, *upper; /* conversation, MSG, MSG_CONVERSATION */
    char *type, *none;                  /* msg_conversation_state, MSG_CONVERSATION_NONE */
    char *apply, *replay, *replay_from, *to_string, *from_string;
    char *state_names, *states, *rules; /* private tables */
    char *desc;                         /* msg_conversation_lifecycle, the descriptor */
} gen_lifecycle_names;

/** Fills `n` for aggregate `a` and the catalog's C prefix; release with
 * gen_lifecycle_names_free. */
void gen_lifecycle_names_init(gen_lifecycle_names *n, const gen_aggregate *a, const char *prefix);
void gen_lifecycle_names_free(gen_lifecycle_names *n);

/** The enum constant of state `s` of `a` (1-based; 0 is the NONE constant). */
char *gen_lifecycle_state_const(const gen_lifecycle_names *n, const gen_aggregate *a, size_t s);

/** How many names gen_lifecycle_identifiers lists before the states' enumerators. */
#define GEN_LIFECYCLE_FIXED_NAMES 11

/**
 * The file-scope identifiers the generated lifecycle code of `a` declares, public and private
 * (`msg_conversation_state`, `msg_conversation_rules_`, ...), then the enumerator of each state
 * in the order of `a->states` (`MSG_CONVERSATION_OPEN`).
 *
 * @return a malloc'd array of malloc'd names ending with NULL (the caller frees both); an array
 *         holding only NULL when the aggregate has no lifecycle.
 */
char **gen_lifecycle_identifiers(const gen_aggregate *a, const char *prefix);

/**
 * True when a constructor parameter must not be called `name` because the generated code uses
 * that name itself in the constructor's prototype or body, where a parameter would hide it:
 * names ending in `_t` (`size_t`, `int64_t`), the runtime's names (`eventc_...`), the catalog's
 * own (`<prefix>_...`, such as an enum type `<prefix>_status`), and the C library functions the
 * bodies call (`memset`). The views give such a parameter a trailing `_`; struct members keep
 * the field's name (members never hide anything).
 */
bool gen_c_param_name_reserved(const char *name, const char *prefix);

/**
 * The name of a private upcast table of an event whose C type is `c_struct`: the descriptor
 * (`step` 0, `part` NULL: `<c_struct>_upcast_`), the earlier names and the steps (`step` 0,
 * `part` "aliases" or "steps"), or a part of step k (1-based: `<c_struct>_upcast_s<k>_<part>_`).
 */
char *gen_upcast_table_name(const char *c_struct, size_t step, const char *part);

/**
 * The file-scope identifiers the generated upcast tables of `e` declare.
 * @return a malloc'd array of malloc'd names ending with NULL (the caller frees both)
 */
char **gen_upcast_identifiers(const gen_event *e, const char *c_struct);

/**
 * Reports, at the later declaration, every pair of catalog declarations that would generate the
 * same C identifier (types, events, enum values, lifecycles, and the catalog-wide and private
 * names of the generated code). This is the one list of generated identifiers; the checker calls
 * it, so `eventc check` refuses what the C back end could not compile.
 */
void gen_check_c_identifiers(const gen_model *m, gen_diags *diags);

/**
 * Reports every field of a struct (`owner`: "event 'X'", "type 'Y'", "the envelope") whose own
 * member would collide with a member generated for another field: `has_<f>` for an optional or
 * nullable value that is not a pointer, `n_<f>` for an array, and `envelope` when the struct
 * holds the envelope (`has_envelope`).
 */
void gen_check_c_members(gen_diags *diags, const gen_field *fields, size_t n, const char *owner,
                         bool has_envelope);

#endif
