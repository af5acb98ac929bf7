/* The catalog model: plain C data built from the YAML tree, checked, then read by every back end.
 * Everything is owned by the model's pool; free it all with gen_model_free(). Back ends never see
 * YAML: they take `const gen_model *`. */
#ifndef EVENTC_GEN_MODEL_H
#define EVENTC_GEN_MODEL_H

#include "base/diag.h"
#include "base/util.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum gen_kind {
    GEN_T_STRING,
    GEN_T_INTEGER,
    GEN_T_NUMBER,
    GEN_T_BOOLEAN,
    GEN_T_TIMESTAMP,
    GEN_T_JSON,
    GEN_T_ARRAY,
    GEN_T_ENUM,   /* a named enum type */
    GEN_T_OBJECT, /* a named object type */
    GEN_T_UNRESOLVED
} gen_kind;

/** Roles an envelope field can play; the generated constructors fill these. */
typedef enum gen_role {
    GEN_ROLE_NONE,
    GEN_ROLE_EVENT_NAME,
    GEN_ROLE_EVENT_ID,
    GEN_ROLE_AGGREGATE_TYPE,
    GEN_ROLE_AGGREGATE_ID,
    GEN_ROLE_OCCURRED_AT,
    GEN_ROLE_VERSION,
    GEN_ROLE_COUNT
} gen_role;

typedef struct gen_type gen_type;

/** A value type with its constraints: the type of a field or of array items. */
typedef struct gen_typeref gen_typeref;
struct gen_typeref {
    gen_kind kind;
    gen_loc loc;        /**< where the type was named */
    const char *name;   /**< the name as written (`string`, `ProviderKind`) */
    gen_type *named;    /**< resolved named type for GEN_T_ENUM / GEN_T_OBJECT */
    gen_typeref *items; /**< item type of an array */
    bool has_min_length, has_max_length;
    uint64_t min_length, max_length;
    gen_loc min_length_loc, max_length_loc;
    const char *pattern;
    gen_loc pattern_loc;
    /* Bounds: integers keep exact int64 values; numbers keep doubles. */
    bool has_minimum, has_maximum, has_exclusive_minimum, has_exclusive_maximum;
    int64_t imin, imax;
    double nmin, nmax, nexmin, nexmax;
    gen_loc minimum_loc, maximum_loc, exmin_loc, exmax_loc, unique_loc;
    bool has_min_items, has_max_items, unique;
    uint64_t min_items, max_items;
    gen_loc min_items_loc, max_items_loc;
    const char *named_constraint; /**< first constraint key given on a not-yet-resolved type */
    gen_loc named_constraint_loc;
};

typedef struct gen_field {
    const char *name;
    gen_loc loc;
    gen_typeref type;
    const char *description;
    bool optional;
    bool nullable;
    bool deprecated;
    const char *deprecated_reason; /**< NULL when none was given */
    bool pii;
    int64_t since; /**< 0 when not given */
    gen_loc since_loc;
    gen_role role;
    const char *example_json; /**< the `example:` value rendered as JSON text, or NULL */
} gen_field;

typedef struct gen_enum_value {
    const char *name;
    gen_loc loc;
    const char *description;
} gen_enum_value;

typedef enum gen_type_kind { GEN_TYPE_ENUM, GEN_TYPE_OBJECT } gen_type_kind;

struct gen_type {
    const char *name;
    gen_loc loc;
    gen_type_kind kind;
    const char *description;
    gen_enum_value *values;
    size_t n_values;
    gen_field *fields;
    size_t n_fields;
    size_t index; /**< position in the catalog-wide type list (m->types) */
};

typedef struct gen_text_list {
    const char **items;
    size_t len;
} gen_text_list;

typedef struct gen_example {
    const char *path;     /**< as written, relative to its YAML file */
    const char *resolved; /**< path to open (relative to the working directory) */
    gen_loc loc;
} gen_example;

typedef struct gen_aggregate gen_aggregate;

/** A `routing:` mapping of an aggregate or an event: where its events are delivered. Members not
 * written keep the default (docs/catalog-format.md, "Routing"). */
typedef struct gen_routing {
    bool present;      /**< the mapping is written */
    gen_loc loc;       /**< its key `routing` */
    const char *topic; /**< NULL: not written */
    gen_loc topic_loc;
    const char *key; /**< the field whose value is the partition key; NULL: not written */
    gen_loc key_loc;
    int64_t partitions; /**< the topic's partition count; 0: not written */
    gen_loc partitions_loc;
} gen_routing;

/** One declarative upcast: field `from` of an earlier version is now called `to`. */
typedef struct gen_upcast_rename {
    const char *from;
    const char *to;
    gen_loc loc; /**< the old name (the key) */
} gen_upcast_rename;

/** A field added after an earlier version, and the value events of that version are given. */
typedef struct gen_upcast_default {
    const char *field;
    const char *json; /**< the value as JSON text */
    gen_loc loc;      /**< the field name (the key) */
    gen_loc value_loc;
} gen_upcast_default;

/** An enum value of an earlier version that now reads as another one. */
typedef struct gen_upcast_map {
    const char *field;
    const char *from;
    const char *to;
    gen_loc loc; /**< the old value (the key) */
    gen_loc to_loc;
} gen_upcast_map;

/** A field of an earlier version that no longer exists. */
typedef struct gen_upcast_drop {
    const char *field;
    gen_loc loc;
} gen_upcast_drop;

/** One entry of an event's `history`: how events written by catalog versions up to `version`
 * differ from the next version's, as the upcasts that turn the one into the other. */
typedef struct gen_history_step {
    int64_t version;
    gen_loc loc;         /**< the entry */
    gen_loc version_loc; /**< its `version` value */
    gen_upcast_rename *renamed;
    size_t n_renamed;
    gen_upcast_default *added;
    size_t n_added;
    gen_upcast_map *mapped;
    size_t n_mapped;
    gen_upcast_drop *dropped;
    size_t n_dropped;
} gen_history_step;

typedef struct gen_event {
    const char *name;
    gen_loc loc;
    gen_aggregate *aggregate;
    const char *summary;
    const char *description;
    gen_text_list invariants, preconditions, postconditions;
    bool deprecated;
    const char *deprecated_reason;
    int64_t since;
    gen_loc since_loc;
    gen_field *fields;
    size_t n_fields;
    gen_example *examples;
    size_t n_examples;
    size_t index; /**< position in the catalog-wide event list */
    gen_routing routing;
    /* The route the checker resolved from the event's routing, its aggregate's and the default:
     * the topic, the field holding the partition key (an envelope field or one of the event's),
     * and the topic's partition count (0 when the catalog declares none). */
    const char *route_topic;
    const gen_field *route_key;
    int64_t route_partitions;

    /* Versioning (`renamed_from`, `history`): the names the event had before, and the upcasts
     * that turn its earlier versions into the current one, in ascending `version` order. */
    const char **renamed_from;
    gen_loc *renamed_from_locs;
    size_t n_renamed_from;
    gen_history_step *history;
    size_t n_history;
} gen_event;

typedef struct gen_state {
    const char *name;
    gen_loc loc;
} gen_state;

typedef struct gen_transition {
    const char *event_name;
    gen_loc loc;
    gen_event *event;  /**< resolved */
    bool creates;      /**< allowed when the aggregate does not exist yet */
    bool from_any;     /**< allowed from every existing state */
    const char **from; /**< state names (empty when from_any or creation only) */
    gen_loc *from_locs;
    size_t n_from;
    const char *to; /**< target state; NULL keeps the state (or to_field) */
    gen_loc to_loc;
    const char *to_field; /**< the event field whose enum value names the new state */
    gen_loc to_field_loc;
} gen_transition;

struct gen_aggregate {
    const char *name;
    gen_loc loc;
    const char *description;
    const char *id_field;
    gen_loc id_loc;
    bool has_lifecycle;
    gen_loc lifecycle_loc;
    gen_state *states;
    size_t n_states;
    gen_transition *transitions;
    size_t n_transitions;
    gen_event **events;
    size_t n_events;
    gen_routing routing;
    /* Resolved by the checker: the aggregate's topic (its `routing` topic or the default) and the
     * default, `<type_prefix>.<aggregate>` in lower case. */
    const char *route_topic;
    const char *route_default_topic;
};

typedef struct gen_file {
    const char *path;    /**< path used to open it */
    const char *display; /**< path shown in diagnostics */
    char *real;          /**< canonical path, for include cycles */
} gen_file;

/** An extension name the catalog chooses for an envelope field (`cloudevents: extensions:`). */
typedef struct gen_ce_extension {
    const char *field; /**< the envelope field */
    const char *name;  /**< its extension attribute */
    gen_loc loc;       /**< where the pair is written */
} gen_ce_extension;

/** A break the catalog accepts (`compat: accept:`): `eventc compat` reports it as a note. */
typedef struct gen_accepted_break {
    const char *rule;   /**< a rule ID of model/compat_rules.h */
    const char *target; /**< what it applies to: `Event`, `Event.field`, `envelope.field`, ... */
    const char *reason;
    gen_loc loc; /**< the entry */
    gen_loc rule_loc;
    gen_loc target_loc;
} gen_accepted_break;

/** A server of the catalog (`servers:`): where its events can be reached, for the AsyncAPI
 * document. */
typedef struct gen_server {
    const char *name;
    gen_loc loc;
    const char *host; /**< `host[:port]`, required */
    gen_loc host_loc;
    const char *protocol; /**< kafka, kafka-secure, nats, http or https, required */
    gen_loc protocol_loc;
    const char *protocol_version; /**< NULL when not given */
    const char *pathname;         /**< NULL when not given; starts with '/' */
    gen_loc pathname_loc;
    const char *title, *summary, *description; /**< NULL when not given */
} gen_server;

/** An entry of dyndesc.c's caches: codec descriptors keyed by type or event, pattern automata
 * keyed by pattern text. */
typedef struct gen_desc_cache_entry {
    const void *key;
    const void *value;
} gen_desc_cache_entry;

typedef struct gen_model {
    gen_pool pool;
    gen_desc_cache_entry *desc_cache; /**< open addressing, `cap_desc_cache` slots (a power of 2) */
    size_t n_desc_cache, cap_desc_cache;
    /** dyndesc.c's pattern automata, one per distinct pattern text (open addressing; the key is
     * the pattern, the value its automaton or NULL when it has none). */
    gen_desc_cache_entry *dfa_cache;
    size_t n_dfa_cache, cap_dfa_cache;
    const struct eventc_event_entry *event_table; /**< dyndesc.c's, built on first use */
    size_t event_table_max;
    bool root_loaded;       /**< the root file was read and is a mapping */
    bool in_memory;         /**< the root file was given in memory: no includes, no examples */
    gen_loc root_loc;       /**< the root file's top-level mapping */
    gen_loc aggregates_loc; /**< the root file's `aggregates` value, if any */
    gen_loc envelope_fields_loc;
    const char *name;
    gen_loc name_loc;
    const char *c_prefix;
    gen_loc c_prefix_loc;
    int64_t version;
    gen_loc version_loc;
    const char *title;
    const char *description;
    const char *schema_base_uri;
    gen_loc schema_base_uri_loc;
    const char *ce_source;
    gen_loc ce_source_loc;
    const char *ce_type_prefix;
    gen_loc ce_type_prefix_loc;
    gen_ce_extension *ce_extensions; /**< `cloudevents: extensions:`, in file order */
    size_t n_ce_extensions;
    gen_server *servers; /**< `servers:`, in file order */
    size_t n_servers;
    bool has_envelope;
    const char *envelope_description;
    bool additional_properties;
    gen_field *envelope;
    size_t n_envelope;
    gen_field *role_fields[GEN_ROLE_COUNT]; /**< envelope field of each role, or NULL */
    gen_type **types;
    size_t n_types;
    gen_aggregate **aggregates;
    size_t n_aggregates;
    gen_event **events; /**< every event, in catalog order */
    size_t n_events;
    gen_accepted_break *accepted; /**< `compat: accept:`, in file order */
    size_t n_accepted;
    gen_file *files; /**< every file loaded (root first): dependencies of the outputs */
    size_t n_files;
    size_t n_fields; /**< fields counted over envelope, types and events (for the summary) */
} gen_model;

/** Releases the model and everything it owns. NULL-safe. A model comes from gen_model_load
 * (front/check.h). */
void gen_model_free(gen_model *m);

/** Names and descriptions for messages and docs. gen_role_name spells a role as the catalog
 * writes it (`occurred_at`); "none" for GEN_ROLE_NONE. */
const char *gen_kind_name(gen_kind k);
const char *gen_role_name(gen_role r);

/** Queries by name; NULL when there is none. */
gen_type *gen_model_find_type(const gen_model *m, const char *name);
gen_event *gen_model_find_event(const gen_model *m, const char *name);
const gen_field *gen_event_find_field(const gen_event *e, const char *name);

#endif
