/**
 * @file codec.h
 * Descriptor-driven JSON codec: generated code describes each struct with static const tables
 * (eventc_type_desc) and calls these functions, which decode, validate, encode, compare, copy and
 * release values. The rules of the catalog live here once: decoding and validation share the same
 * checks, so a decoded value and a constructed one are judged alike.
 *
 * Storage of each field type in a generated struct:
 *
 * | type        | C member                     | absent (optional)                  |
 * |-------------|------------------------------|------------------------------------|
 * | STRING      | `const char *` (UTF-8, NUL-terminated; U+0000 is refused) | NULL  |
 * | JSON        | `const char *` (minified JSON text)                        | NULL  |
 * | INT64       | `int64_t`                    | `bool has_<f>` false               |
 * | DOUBLE      | `double`                     | `bool has_<f>` false               |
 * | BOOL        | `bool`                       | `bool has_<f>` false               |
 * | TIMESTAMP   | `eventc_timestamp`           | `bool has_<f>` false               |
 * | ENUM        | the generated C enum (int-sized, values 0..n-1) | `bool has_<f>` false |
 * | OBJECT      | the nested struct, inline    | `bool has_<f>` false               |
 * | ARRAY       | `size_t n_<f>; T *<f>;`      | `<f>` NULL (an empty array is non-NULL) |
 *
 * Memory: a decoded value owns everything it points to through one arena (`eventc_arena *`
 * member of top-level structs, see eventc_type_desc.arena_offset). Releasing it
 * (eventc_value_clear) frees it all at once. On any decoding error the output holds nothing.
 */
#ifndef EVENTC_CODEC_H
#define EVENTC_CODEC_H

#include "eventc/arena.h"
#include "eventc/buf.h"
#include "eventc/common.h"
#include "eventc/regex.h"
#include "eventc/time.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Field value types. */
typedef enum eventc_ftype {
    EVENTC_FT_STRING,
    EVENTC_FT_INT64,
    EVENTC_FT_DOUBLE,
    EVENTC_FT_BOOL,
    EVENTC_FT_TIMESTAMP,
    EVENTC_FT_ENUM,
    EVENTC_FT_OBJECT,
    EVENTC_FT_ARRAY,
    EVENTC_FT_JSON
} eventc_ftype;

/** An enum: its JSON spellings, in C value order (value i is spelled names[i]). */
typedef struct eventc_enum_desc {
    const char *name;          /**< catalog name, e.g. "ProviderKind" */
    const char *const *names;  /**< spellings */
    const unsigned char *lens; /**< byte length of each spelling */
    unsigned count;
} eventc_enum_desc;

struct eventc_type_desc;

/** Constraint flags of eventc_value_desc. */
enum {
    EVENTC_VF_MIN_LENGTH = 1u << 0,
    EVENTC_VF_MAX_LENGTH = 1u << 1,
    EVENTC_VF_MINIMUM = 1u << 2,
    EVENTC_VF_MAXIMUM = 1u << 3,
    EVENTC_VF_EXCLUSIVE_MINIMUM = 1u << 4,
    EVENTC_VF_EXCLUSIVE_MAXIMUM = 1u << 5,
    EVENTC_VF_MIN_ITEMS = 1u << 6,
    EVENTC_VF_MAX_ITEMS = 1u << 7,
    EVENTC_VF_UNIQUE = 1u << 8
};

/** A value's type and constraints (a field's, or an array's items'). */
typedef struct eventc_value_desc {
    eventc_ftype type;
    unsigned flags;                             /**< EVENTC_VF_* */
    size_t min_length, max_length;              /**< in code points */
    const char *pattern;                        /**< ECMAScript-subset pattern, or NULL */
    const struct eventc_regex_dfa *pattern_dfa; /**< its ASCII automaton, or NULL (optional) */
    int64_t imin, imax;                         /**< INT64 bounds */
    double nmin, nmax, nexmin, nexmax;          /**< DOUBLE bounds */
    size_t min_items, max_items;                /**< ARRAY bounds */
    const char *const_value;                    /**< STRING that must equal this, or NULL */
    const eventc_enum_desc *enum_desc;          /**< ENUM */
    const struct eventc_type_desc *object;      /**< OBJECT, and ARRAY of OBJECT items */
    const struct eventc_value_desc *items;      /**< ARRAY */
    size_t item_size;                           /**< ARRAY: sizeof one item in C */
} eventc_value_desc;

/** Field flags. */
enum {
    EVENTC_FF_OPTIONAL = 1u << 0, /**< may be absent */
    EVENTC_FF_NULLABLE = 1u << 1  /**< JSON null accepted, meaning absent */
};

/** One member of a struct: its JSON name, where it lives in C, and its value description. */
typedef struct eventc_field_desc {
    const char *name;
    size_t name_len;
    unsigned flags;    /**< EVENTC_FF_* */
    size_t offset;     /**< offsetof the value member */
    size_t aux_offset; /**< offsetof `has_<f>` (bool) or `n_<f>` (size_t); SIZE_MAX if none */
    const eventc_value_desc *value;
} eventc_field_desc;

/* ---- upcasting: reading events written with earlier catalog versions ----------------------
 *
 * An event's descriptor may carry an upcast descriptor: its earlier names and the declarative
 * steps of its history (the catalog's `renamed_from` and `history`). Before decoding, the decoder
 * reads the event's name and version members; when the name is an earlier one, or a step covers
 * the version the event was written with, it rewrites the JSON text step by step into the current
 * form (the current name, and the catalog's version in the version member), then decodes that.
 * Hand-written upcasters (eventc_decode_options.upcasters) join the chain by version. An event
 * already in the current form is decoded directly: the check costs a look at the first members. */

/** Field `from` of the earlier version is called `to` now. */
typedef struct eventc_upcast_rename {
    const char *from;
    const char *to;
} eventc_upcast_rename;

/** Field `field` did not exist: events that lack it get the JSON value `json`. */
typedef struct eventc_upcast_default {
    const char *field;
    const char *json;
} eventc_upcast_default;

/** The string `from` in field `field` (or in its items, for an array) reads as `to` now. */
typedef struct eventc_upcast_map {
    const char *field;
    const char *from;
    const char *to;
} eventc_upcast_map;

/**
 * One declarative step: how events written by catalog versions up to `version` differ from the
 * next version. Applied in this order: dropped, renamed, mapped (by the new names), added.
 */
typedef struct eventc_upcast_step {
    int64_t version;
    const char *const *dropped;
    size_t n_dropped;
    const eventc_upcast_rename *renamed;
    size_t n_renamed;
    const eventc_upcast_map *mapped;
    size_t n_mapped;
    const eventc_upcast_default *added;
    size_t n_added;
} eventc_upcast_step;

/** What an event's decoder needs to read the event's earlier versions. */
typedef struct eventc_upcast_desc {
    const char *name_key;       /**< the envelope member holding the event's name */
    const char *version_key;    /**< the envelope member holding the writer's catalog version */
    int64_t version;            /**< the current catalog version */
    const char *const *aliases; /**< earlier names of the event */
    size_t n_aliases;
    const eventc_upcast_step *steps; /**< ascending by version */
    size_t n_steps;
} eventc_upcast_desc;

/** What a hand-written upcaster sees. */
typedef struct eventc_upcast_input {
    const char *json; /**< the event's JSON text as the previous steps left it (NUL-terminated) */
    size_t len;
    const char *event; /**< the event's current name (the descriptor's) */
    int64_t version;   /**< the catalog version the event was written with */
} eventc_upcast_input;

/**
 * A hand-written upcaster (Axon's canUpcast/doUpcast): it upgrades events `event` written by
 * catalog versions up to `version`, in the chain with the declarative steps (by version; at equal
 * versions the declarative step runs first).
 */
typedef struct eventc_upcaster {
    const char *event;
    int64_t version;
    /** Whether to run on this input; NULL: always. */
    int (*can_upcast)(const eventc_upcast_input *in, void *ctx);
    /**
     * Appends the upgraded JSON text to @p out (empty on entry). Return EVENTC_OK, or an error
     * (with @p err filled) that fails the decoding.
     */
    eventc_status (*do_upcast)(const eventc_upcast_input *in, eventc_buf *out, void *ctx,
                               eventc_error *err);
    void *ctx;
} eventc_upcaster;

/** A struct: an object type, or an event (envelope fields first, then the event's own). */
typedef struct eventc_type_desc {
    const char *name;                /**< catalog name, e.g. "CustomerCreated" */
    size_t size;                     /**< sizeof the struct */
    size_t arena_offset;             /**< offsetof its `eventc_arena *` member, or SIZE_MAX */
    const eventc_field_desc *fields; /**< in canonical (encoding) order */
    size_t n_fields;
    int additional_properties; /**< unknown members accepted (catalog policy) */
    /** Events: how to read earlier versions (NULL: only the current form is read). */
    const eventc_upcast_desc *upcast;
} eventc_type_desc;

/** Decoding options. Zero-initialised options are not valid: start from the defaults. */
typedef struct eventc_decode_options {
    eventc_limits limits;
    /** Refuse unknown members even where the catalog allows them. */
    int strict;
    /** Where the decoded value's arena gets memory; NULL: malloc. */
    const eventc_allocator *alloc;
    /** Hand-written upcasters of any events (each names its own); borrowed. */
    const eventc_upcaster *upcasters;
    size_t n_upcasters;
} eventc_decode_options;

/** @return default options: EVENTC_LIMITS_DEFAULT, not strict, malloc, no upcasters. */
EVENTC_API eventc_decode_options eventc_decode_options_default(void);

/**
 * Decodes the JSON text @p json (@p len bytes, need not be NUL-terminated) into @p out, a struct
 * described by @p desc that has an arena member. Strict RFC 8259 and UTF-8; duplicate keys,
 * missing required members, wrong types and every constraint are errors. If @p out already holds
 * a decoded value, that is released first (its arena memory is reused).
 * @p out must be zero-initialised or hold a previous value.
 *
 * An event of an earlier version is upcast first (see eventc_upcast_desc); errors found after
 * upcasting carry the offset in the upcast text, and their message says from which version.
 *
 * @param opts NULL for the defaults.
 * @return EVENTC_OK, or the failing rule with @p err filled (JSON path, byte offset, message);
 *         on error @p out is zeroed and owns nothing.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_decode(const eventc_type_desc *desc, void *out,
                                                        const char *json, size_t len,
                                                        const eventc_decode_options *opts,
                                                        eventc_error *err);

/**
 * Checks a value built in C against every rule a decoder applies (required members present,
 * strings valid UTF-8, lengths, bounds, patterns, enum ranges, timestamps in range, items,
 * uniqueness, constants).
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_validate(const eventc_type_desc *desc,
                                                          const void *value, eventc_error *err);

/**
 * Validates @p value, then appends its canonical JSON to @p out: members in descriptor order,
 * absent optionals omitted, no white space, strings escaped (eventc_buf_append_json_string),
 * numbers in their shortest round-trip form, timestamps in canonical RFC 3339 (UTC). Nothing is
 * appended on error.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_encode(const eventc_type_desc *desc,
                                                        const void *value, eventc_buf *out,
                                                        eventc_error *err);

/** eventc_encode_ex flags. */
enum {
    /**
     * The value is known to satisfy the catalog's rules (it was just decoded, or built by a
     * constructor and not changed since): skip the rule checks (lengths, patterns, bounds, items,
     * uniqueness, constants, JSON texts). Strings are still checked for valid UTF-8 and enum and
     * timestamp values for range, so the output is always valid JSON.
     */
    EVENTC_ENCODE_TRUSTED = 1u << 0
};

/** eventc_encode with flags (EVENTC_ENCODE_*). */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_encode_ex(const eventc_type_desc *desc,
                                                           const void *value, eventc_buf *out,
                                                           unsigned flags, eventc_error *err);

/** @return 1 when the two values are equal member by member (deeply), else 0. */
EVENTC_API int eventc_equal(const eventc_type_desc *desc, const void *a, const void *b);

/**
 * Copies into @p value's arena everything it points to that the arena does not hold already:
 * strings, JSON texts, arrays and nested objects a caller assigned (borrowed), so that the
 * caller's buffers may be released afterwards. A value without an arena gets a new one, made
 * with @p alloc (NULL: malloc). Constructors use it on the values they build.
 *
 * It releases nothing: a shallow copy of a value (a struct assignment, which shares the arena)
 * may be passed safely, and the memory the other copy uses stays valid. Memory a replaced
 * member used stays in the arena until the value is cleared.
 *
 * @return EVENTC_OK; EVENTC_E_NOMEM, and then @p value is unchanged.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_own(const eventc_type_desc *desc, void *value,
                                                     const eventc_allocator *alloc,
                                                     eventc_error *err);

/**
 * Makes @p dst a deep copy of @p src: equal to it (eventc_equal), with everything it points to
 * in a new arena of its own, so that either may be changed or cleared without the other.
 *
 * @param dst zero-initialised or holding a value, which is released once the copy is made (so
 *            @p src may point into it); its arena's allocator is used, else @p src's, else malloc
 * @return EVENTC_OK; EVENTC_E_NOMEM, and then @p dst is cleared (zeroed, owning nothing).
 *         Copying a value onto itself does nothing.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_copy(const eventc_type_desc *desc, void *dst,
                                                      const void *src, eventc_error *err);

/** Releases what @p value owns (its arena) and zeroes it. NULL-safe. */
EVENTC_API void eventc_clear(const eventc_type_desc *desc, void *value);

/** Releases an arena a value owned (its `arena_` member) with the allocator it was made with.
 *  NULL-safe. Generated constructors release what a value held with it. */
EVENTC_API void eventc_release(eventc_arena *arena);

/**
 * Finds the string member @p key of the top-level JSON object in @p json without decoding the
 * rest (used to dispatch on `event_name`). The value is returned raw (between the quotes; it
 * may contain escapes only if *has_escapes is set).
 * @return EVENTC_OK, EVENTC_E_REQUIRED when absent, EVENTC_E_TYPE when not a string, or a
 *         syntax error met on the way.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_peek_string(const char *json, size_t len,
                                                             const char *key, const char **value,
                                                             size_t *value_len, int *has_escapes,
                                                             eventc_error *err);

/**
 * Checks that @p json is exactly one valid JSON value (strict RFC 8259, UTF-8, default limits).
 * @return EVENTC_OK or the first problem found.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_json_check(const char *json, size_t len);

/**
 * Upcasts the event @p json (an event of @p desc, see eventc_upcast_desc) without decoding it:
 * sets @p *out to the current form in a buffer from @p opts' allocator (release it with
 * eventc_free(opts->alloc, *out, *out_len + 1); it is NUL-terminated), or to NULL when the text
 * needs no upcasting (or is not valid JSON, which decoding it reports).
 * @return EVENTC_OK, EVENTC_E_NOMEM, or the error of a hand-written upcaster.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_upcast(const eventc_type_desc *desc,
                                                        const char *json, size_t len,
                                                        const eventc_decode_options *opts,
                                                        char **out, size_t *out_len,
                                                        eventc_error *err);

/** One entry of a catalog's event table. */
typedef struct eventc_event_entry {
    const char *name;      /**< event name, e.g. "CustomerCreated" */
    const char *aggregate; /**< aggregate name, e.g. "Customer" */
    int kind;              /**< the generated `<prefix>_event_kind` value */
    size_t union_offset;   /**< offsetof the member in the catalog's event union */
    const eventc_type_desc *desc;
} eventc_event_entry;

/**
 * Releases what an event union holds and zeroes it (@p kind included). When every event of
 * @p types keeps its arena at the same place in the union (generated structs start with it), the
 * arena is found there whatever @p kind says: an event built into a member without setting the
 * kind is released too. NULL-safe.
 *
 * @param kind  the union's kind member (int-sized)
 * @param value the union (the address the entries' union_offset counts from)
 */
EVENTC_API void eventc_clear_any(const eventc_event_entry *types, size_t n_types, int *kind,
                                 void *value);

/**
 * Makes the event union @p dst a deep copy of @p src (whose kind is @p src_kind), as eventc_copy
 * does for one event; what @p dst held is released once the copy is made.
 * @return EVENTC_OK (a @p src holding no event, kind 0, clears @p dst); EVENTC_E_INVALID_ARGUMENT
 *         for an unknown @p src_kind; EVENTC_E_NOMEM. On error @p dst is cleared.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_copy_any(const eventc_event_entry *types,
                                                          size_t n_types, int *dst_kind, void *dst,
                                                          int src_kind, const void *src,
                                                          eventc_error *err);

/**
 * Decodes any event of a catalog into its tagged union: finds the member @p name_key (the
 * envelope's event name, escapes allowed) without decoding the rest, picks the entry of
 * @p types with that name and decodes with its descriptor at its offset in @p value. What the
 * union held before is released, or its arena handed over and reused; as in eventc_clear_any,
 * the arena is found without trusting @p kind when every event keeps it at the same place.
 *
 * An earlier name of an event (its upcast descriptor's aliases) selects that event.
 *
 * @param kind the union's kind member (int-sized); set to the entry's kind, or 0 on error.
 * @return as eventc_decode; an unknown name gives EVENTC_E_ENUM at `$.<name_key>`.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_decode_any(
    const eventc_event_entry *types, size_t n_types, const char *name_key, int *kind, void *value,
    const char *json, size_t len, const eventc_decode_options *opts, eventc_error *err);

#ifdef __cplusplus
}
#endif

#endif
