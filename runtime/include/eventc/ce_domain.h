/**
 * @file ce_domain.h
 * @brief Catalog events as CloudEvents: the mapping tables generated converters describe a
 *        catalog with, and the functions that turn a domain event into a CloudEvent and back.
 *
 * A generated `<catalog>_cloudevents.c` holds one static eventc_ce_mapping and calls these
 * functions; the rules live here once. The mapping (docs/cloudevents.md, "Catalog events as
 * CloudEvents"):
 *
 * - `type` names the event (`<type_prefix>.<aggregate>.<verb>`); `source` is the catalog's;
 *   `id` is the event id, `time` the occurrence time, `subject` the aggregate id;
 *   `datacontenttype` is `application/json` and `dataschema` the event's JSON Schema;
 * - `data` is a JSON object holding the event's own fields, exactly as the catalog codec writes
 *   them; envelope fields never appear in it;
 * - the event name and the aggregate type are implied by `type`; every other envelope field is an
 *   extension attribute (String, Integer, Boolean or Timestamp by the field's type; the JSON text
 *   in a String for numbers, JSON, arrays and objects);
 * - `partitionkey` holds the event's routing key, the aggregate id unless the catalog routes the
 *   event by another field, so the Kafka binding keys records as the catalog routes them.
 *
 * Reading a CloudEvent back rebuilds the envelope from the attributes and decodes `data` with the
 * catalog's codec, so every rule of the catalog applies. Domain event -> CloudEvent -> domain
 * event gives back an equal event, whatever binding and mode carried the CloudEvent.
 *
 * **Errors.** Paths name where the problem is: an attribute (`subject`, `actor`), a member of the
 * data (`data.name`, `data.changed_fields[1]`), or, when a domain event cannot become a
 * CloudEvent, its field (`$.version`).
 *
 * No global state; thread-safe as long as each thread uses its own events.
 */
#ifndef EVENTC_CE_DOMAIN_H
#define EVENTC_CE_DOMAIN_H

#include "eventc/cloudevents.h"
#include "eventc/codec.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Where an envelope field travels in a CloudEvent. */
typedef enum eventc_ce_slot {
    EVENTC_CE_SLOT_EXTENSION = 0,  /**< the extension attribute eventc_ce_field_map.attribute */
    EVENTC_CE_SLOT_EVENT_NAME,     /**< implied by `type`: the event's name */
    EVENTC_CE_SLOT_AGGREGATE_TYPE, /**< implied by `type`: the aggregate's name */
    EVENTC_CE_SLOT_ID,             /**< the `id` attribute */
    EVENTC_CE_SLOT_SUBJECT,        /**< the `subject` attribute (and `partitionkey`) */
    EVENTC_CE_SLOT_TIME            /**< the `time` attribute */
} eventc_ce_slot;

/** One envelope field: its catalog name, where it travels and under which attribute name. */
typedef struct eventc_ce_field_map {
    const char *field;     /**< the envelope field, e.g. "idempotency_key" */
    eventc_ce_slot slot;   /**< where it travels */
    const char *attribute; /**< "id", "subject", "time", an extension name; NULL when implied */
} eventc_ce_field_map;

/** One event type of the catalog. */
typedef struct eventc_ce_event_map {
    const eventc_event_entry *entry; /**< the event's entry in the catalog's event table */
    const char *type;                /**< its CloudEvents type */
    const char *dataschema;          /**< the URI of its JSON Schema */
    /** The required string field (envelope or event) whose value is the `partitionkey`
     *  extension: the event's routing key when the catalog routes it by another field than the
     *  aggregate id. NULL: the aggregate id (the `subject`). */
    const char *key_field;
} eventc_ce_event_map;

/**
 * A catalog's CloudEvents mapping. The event descriptors list the envelope fields first, in the
 * order of @c envelope, then the event's own fields (as generated descriptors do).
 */
typedef struct eventc_ce_mapping {
    const char *source;                  /**< the `source` of produced CloudEvents */
    const eventc_ce_event_map *events;   /**< in kind order: entry i has kind i + 1 */
    size_t n_events;                     /**< number of events */
    const eventc_ce_field_map *envelope; /**< every envelope field, in descriptor order */
    size_t n_envelope;                   /**< number of envelope fields */
} eventc_ce_mapping;

/**
 * @return the kind (1 to n_events) of the event whose CloudEvents type is @p type, or 0 when
 *         none is (or @p type is NULL).
 */
EVENTC_API int eventc_ce_mapping_find(const eventc_ce_mapping *map, const char *type);

/**
 * Builds the CloudEvent of a domain event.
 *
 * @param kind  the event's kind (1 to map->n_events)
 * @param event the event struct of that kind (for an event union: its `as` member)
 * @param out   zero-filled, initialised or holding an event: released first, allocator kept;
 *              on success it owns a copy of everything it points to
 * @return EVENTC_OK; EVENTC_E_INVALID_ARGUMENT for NULL, an unknown kind or a mapping that does
 *         not fit the descriptor; the event's validation error (its JSON path) when the event
 *         breaks a catalog rule; EVENTC_E_CLOUDEVENTS (or EVENTC_E_UTF8) at the field's path
 *         when a value cannot be the attribute that carries it (a String with a control
 *         character, an empty subject, an Integer outside the int32 range); EVENTC_E_NOMEM.
 *         On error @p out is empty.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_from_domain(const eventc_ce_mapping *map,
                                                                int kind, const void *event,
                                                                eventc_ce_event *out,
                                                                eventc_error *err);

/**
 * Decodes a CloudEvent into a catalog's event union, choosing the event by `type`.
 *
 * @p ce must be a valid CloudEvent (it is validated again) whose data is a JSON object; the
 * envelope is rebuilt from its attributes and the data decoded with the catalog's rules and
 * @p opts. Extensions the mapping does not name (and `partitionkey`) are ignored; `source` may
 * be any URI-reference; a `dataschema`, when present, must be the event's.
 *
 * @param kind  the union's kind member (int-sized), set to the decoded kind, or 0 on error
 * @param value the event union; what it held is released (or its arena reused), found without
 *              trusting @p kind when the mapping lists the catalog's event table in order (as
 *              generated mappings do)
 * @param opts  NULL for the defaults
 * @return EVENTC_OK; EVENTC_E_ENUM at `type` for a type that is not one of the catalog's;
 *         EVENTC_E_REQUIRED for a missing attribute or data; EVENTC_E_TYPE for data that is not
 *         a JSON object or an attribute of the wrong type; EVENTC_E_CLOUDEVENTS for an envelope
 *         field inside data or another event's dataschema; any codec error at `data.<member>`
 *         or at the attribute. On error the union is cleared (kind 0) and owns nothing.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_ce_to_domain(const eventc_ce_mapping *map,
                                                              const eventc_ce_event *ce, int *kind,
                                                              void *value,
                                                              const eventc_decode_options *opts,
                                                              eventc_error *err);

/**
 * Same as eventc_ce_to_domain for one event type: @p event is the struct of @p kind (zeroed or
 * holding a value of that kind, released first), and a CloudEvent of another type is refused
 * with EVENTC_E_CLOUDEVENTS at `type`. On error @p event is zeroed and owns nothing.
 */
EVENTC_API EVENTC_NODISCARD eventc_status
eventc_ce_to_domain_event(const eventc_ce_mapping *map, int kind, const eventc_ce_event *ce,
                          void *event, const eventc_decode_options *opts, eventc_error *err);

#ifdef __cplusplus
}
#endif

#endif
