/**
 * @file catalog.h
 * @brief The typed layer of libeventc-messaging: a whole catalog as one generated object
 *        (eventc_catalog), the generic operations over it (find an event by type, decode it,
 *        find its aggregate, apply its lifecycle, route and publish it), and typed handlers
 *        registered on a router in one call.
 *
 * `eventc generate --target messaging` writes `<catalog>_messaging.{h,c}`, which define
 * `extern const eventc_catalog <prefix>_catalog_desc;` and thin typed wrappers over the functions
 * here (docs/messaging.md, "The typed layer"). Code that must work with any catalog (an event
 * store, a relay, a command-line tool) takes a `const eventc_catalog *` and uses these functions
 * alone.
 *
 * **Event unions.** A catalog's event union (`<prefix>_event`) starts with its kind, an int-sized
 * enum (0: no event), followed by a union of every event struct; the event of kind k lives at
 * `events[k - 1].entry->union_offset`. Functions taking `void *ev` take such a union, zeroed or
 * holding an event, of catalog->union_size bytes.
 *
 * Everything here is thread-safe on distinct objects; the descriptor is read only.
 */
#ifndef EVENTC_CATALOG_H
#define EVENTC_CATALOG_H

#include "eventc/ce_domain.h"
#include "eventc/lifecycle.h"
#include "eventc/router.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------------------------
 * The descriptor
 * ------------------------------------------------------------------------------------------- */

/** The layout of eventc_catalog this header describes; generated descriptors carry it. */
#define EVENTC_CATALOG_VERSION 1

/** One aggregate of a catalog. */
typedef struct eventc_catalog_aggregate {
    /** Its name, e.g. "Customer". */
    const char *name;
    /** The field that identifies an instance in its events, e.g. "customer_id". */
    const char *id_field;
    /** The topic of its events (each event may have its own: eventc_catalog_event.topic). */
    const char *topic;
    /** Its lifecycle, or NULL when the catalog gives it none (every event is then allowed). */
    const eventc_lifecycle_desc *lifecycle;
} eventc_catalog_aggregate;

/** One event of a catalog. */
typedef struct eventc_catalog_event {
    /** Its entry in the catalog's event table: name, aggregate name, kind, offset in the union,
     *  codec descriptor. */
    const eventc_event_entry *entry;
    /** Its CloudEvents type, e.g. "com.example.messaging.customer.created". */
    const char *type;
    /** Index of its aggregate in eventc_catalog.aggregates. */
    size_t aggregate;
    /** The topic it is published to. */
    const char *topic;
    /** The field (envelope or event) whose value is its partition key; the CloudEvent carries
     *  the value in its `partitionkey` extension. */
    const char *key_field;
    /** The partition count the catalog declares for its topic; 0 when it declares none. */
    int partitions;
} eventc_catalog_event;

/** A catalog: everything generic code needs to handle its events. */
typedef struct eventc_catalog {
    /** EVENTC_CATALOG_VERSION of the generator that wrote it. */
    int version;
    /** The catalog's name, e.g. "messaging". */
    const char *name;
    /** The catalog's `version`. */
    int64_t catalog_version;
    /** Its CloudEvents mapping (ce_domain.h): source, types, envelope attributes. */
    const eventc_ce_mapping *cloudevents;
    /** Every event, in kind order: events[i] has kind i + 1. */
    const eventc_catalog_event *events;
    size_t n_events;
    /** Every aggregate, in catalog order. */
    const eventc_catalog_aggregate *aggregates;
    size_t n_aggregates;
    /** The kinds ordered by their CloudEvents type (strcmp), n_events of them. */
    const int *kinds_by_type;
    /** sizeof the catalog's event union. */
    size_t union_size;
    /** The envelope field naming the event in JSON (role event_name), e.g. "event_name". */
    const char *event_name_field;
    /** Offsets, in every event struct (the envelope comes first), of the event id and the
     *  aggregate id (`const char *` members). */
    size_t event_id_offset;
    size_t aggregate_id_offset;
    /** The catalog's routes where they differ from a routing table's default route, as rules:
     *  a prefix rule per aggregate with its own topic, an exact rule per event with its own. */
    const eventc_route *routes;
    size_t n_routes;
} eventc_catalog;

/* ---------------------------------------------------------------------------------------------
 * Looking events up
 * ------------------------------------------------------------------------------------------- */

/** @return the kind (1 to n_events) of the event whose CloudEvents type is @p type (a binary
 *          search), or 0 when no event has it or @p type is NULL. */
EVENTC_API int eventc_catalog_find_type(const eventc_catalog *cat, const char *type);

/** @return the kind of the event named @p name (@p len bytes, no NUL needed), or 0. */
EVENTC_API int eventc_catalog_find_name(const eventc_catalog *cat, const char *name, size_t len);

/** @return the event of @p kind, or NULL when @p kind is out of range. */
EVENTC_API const eventc_catalog_event *eventc_catalog_event_of(const eventc_catalog *cat, int kind);

/** @return the aggregate of the event of @p kind, or NULL when @p kind is out of range. */
EVENTC_API const eventc_catalog_aggregate *eventc_catalog_aggregate_of(const eventc_catalog *cat,
                                                                       int kind);

/** @return the kind held by the event union @p ev (0: none). */
EVENTC_API int eventc_catalog_kind(const eventc_catalog *cat, const void *ev);

/** @return the event struct inside the union @p ev, or NULL when it holds none. */
EVENTC_API const void *eventc_catalog_event_ptr(const eventc_catalog *cat, const void *ev);

/** @return the event id of the event in union @p ev, or NULL when it holds none. */
EVENTC_API const char *eventc_catalog_event_id(const eventc_catalog *cat, const void *ev);

/** @return the aggregate id of the event in union @p ev, or NULL when it holds none. */
EVENTC_API const char *eventc_catalog_aggregate_id(const eventc_catalog *cat, const void *ev);

/* ---------------------------------------------------------------------------------------------
 * Decoding and encoding
 * ------------------------------------------------------------------------------------------- */

/**
 * Decodes a flat JSON event (the catalog's envelope and the event's fields) into the union
 * @p ev, choosing the event by its name member: every rule of the catalog applies.
 * @return as eventc_decode_any; on error the union is cleared (kind 0).
 */
EVENTC_API EVENTC_NODISCARD eventc_status
eventc_catalog_decode_json(const eventc_catalog *cat, void *ev, const char *json, size_t len,
                           const eventc_decode_options *opts, eventc_error *err);

/**
 * Decodes a CloudEvent into the union @p ev, choosing the event by `type`, with every rule of
 * the catalog (eventc_ce_to_domain).
 * @return as eventc_ce_to_domain; on error the union is cleared (kind 0).
 */
EVENTC_API EVENTC_NODISCARD eventc_status
eventc_catalog_decode_cloudevent(const eventc_catalog *cat, void *ev, const eventc_ce_event *ce,
                                 const eventc_decode_options *opts, eventc_error *err);

/** Builds the CloudEvent of the event in union @p ev (eventc_ce_from_domain). */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_catalog_to_cloudevent(const eventc_catalog *cat,
                                                                       const void *ev,
                                                                       eventc_ce_event *out,
                                                                       eventc_error *err);

/** Appends the canonical flat JSON of the event in union @p ev to @p out. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_catalog_to_json(const eventc_catalog *cat,
                                                                 const void *ev, eventc_buf *out,
                                                                 eventc_error *err);

/** Releases what the union @p ev holds and sets its kind to 0. NULL-safe. */
EVENTC_API void eventc_catalog_clear(const eventc_catalog *cat, void *ev);

/* ---------------------------------------------------------------------------------------------
 * Lifecycles
 * ------------------------------------------------------------------------------------------- */

/**
 * Applies the event in union @p ev to its aggregate's lifecycle in state @p state (0: the
 * aggregate does not exist yet), as eventc_lifecycle_apply does.
 * @param next receives the state after the event; @p state itself when the aggregate has no
 *             lifecycle
 * @return EVENTC_OK; EVENTC_E_STATE when the lifecycle forbids the event in @p state (the message
 *         says which states allow it); EVENTC_E_INVALID_ARGUMENT for an empty union.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_catalog_apply(const eventc_catalog *cat, int state,
                                                               const void *ev, int *next,
                                                               eventc_error *err);

/* ---------------------------------------------------------------------------------------------
 * Routing and publishing
 * ------------------------------------------------------------------------------------------- */

/**
 * @return a routing table holding the catalog's routes (cat->routes) over the default route, to
 *         which run-time changes are added with eventc_routing_add (an exact type or a prefix
 *         `<type_prefix>.<aggregate>.` replaces the catalog's rule with the same match); NULL
 *         when out of memory. Release with eventc_routing_free.
 */
EVENTC_API EVENTC_NODISCARD eventc_routing *eventc_catalog_routing_new(const eventc_catalog *cat,
                                                                       eventc_error *err);

/**
 * Builds the message of one event of @p kind (@p event is its struct): validates it, makes it a
 * CloudEvent (into m->event) and sets its topic and key.
 * @param m       initialised (eventc_message_init) and empty
 * @param routing NULL: the catalog's own routes, cat->events[kind - 1].topic and the
 *                CloudEvent's partitionkey, which the message borrows (from the descriptor and
 *                from its own event); else this table decides and the message owns copies
 * @return EVENTC_OK; the event's validation or CloudEvents error; EVENTC_E_NOMEM. Release @p m
 *         with eventc_message_clear either way.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_catalog_message(const eventc_catalog *cat,
                                                                 const eventc_routing *routing,
                                                                 int kind, const void *event,
                                                                 eventc_message *m,
                                                                 eventc_error *err);

/**
 * Publishes one event of @p kind (@p event is its struct) with @p pub: validates it, makes it a
 * CloudEvent, routes it and publishes it.
 * @param routing NULL: the catalog's own routes (cat->events[kind - 1].topic, and the key in the
 *                CloudEvent's partitionkey); else this table decides (eventc_routing_resolve)
 * @return EVENTC_OK; the event's validation or CloudEvents error; the publisher's error.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_catalog_publish(const eventc_catalog *cat,
                                                                 eventc_publisher *pub,
                                                                 const eventc_routing *routing,
                                                                 int kind, const void *event,
                                                                 eventc_error *err);

/** Same as eventc_catalog_publish into a handler's emitter: the router publishes it once the
 *  handled message succeeded. */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_catalog_emit(const eventc_catalog *cat,
                                                              eventc_emitter *out,
                                                              const eventc_routing *routing,
                                                              int kind, const void *event,
                                                              eventc_error *err);

/* ---------------------------------------------------------------------------------------------
 * Typed handlers
 * ------------------------------------------------------------------------------------------- */

/** A generated handler table, seen through the functions that call into it. */
typedef struct eventc_typed_table {
    /** The catalog. */
    const eventc_catalog *catalog;
    /** Calls the callback of @p kind with @p event (its struct) and returns what it returned. */
    int (*dispatch)(const void *handlers, int kind, const void *event, const eventc_message *m,
                    void *ctx);
    /** Whether the table has a callback for @p kind. */
    bool (*handles)(const void *handlers, int kind);
    /** The table (`<prefix>_handlers`); borrowed. */
    const void *handlers;
    /** Passed to every callback. */
    void *ctx;
} eventc_typed_table;

/** Makes a subscriber for @p topic (a new one per call); the typed registration owns it. */
typedef eventc_subscriber *(*eventc_subscriber_factory)(void *ctx, const char *topic,
                                                        eventc_error *err);

/** How typed handlers are registered. Start from eventc_typed_config_default(). */
typedef struct eventc_typed_config {
    /** Prefix of the router handlers' names, `<name>:<topic>` (required; copied). */
    const char *name;
    /** The consumer group (required; copied). */
    const char *group;
    /** Makes one subscriber per topic (required). eventc_bus_subscriber_factory serves a bus. */
    eventc_subscriber_factory new_subscriber;
    void *subscriber_ctx;
    /** Where follow-up events go (NULL: the callbacks may not emit). Borrowed. */
    eventc_publisher *publisher;
    /** The routing table publishers use, when they change the catalog's routes at run time
     *  (eventc_catalog_routing_new): the subscribed topics follow it. NULL: the catalog's own.
     *  Borrowed for the call. */
    const eventc_routing *routing;
    /** Decoding options (NULL: eventc_decode_options_default()). Copied. */
    const eventc_decode_options *decode;
    /** Per router handler: worker threads, batch, nack delay (see eventc_handler_config). */
    unsigned workers;
    size_t batch;
    uint32_t nack_delay_ms;
} eventc_typed_config;

/** @return no name, group or factory; default decoding; 1 worker, batch 1, nack delay 0. */
EVENTC_API eventc_typed_config eventc_typed_config_default(void);

/** A registration of typed handlers: owns the subscribers it made. Opaque. */
typedef struct eventc_typed eventc_typed;

/**
 * Registers a handler table on @p router: one router handler per topic that carries an event
 * the table has a callback for. For each message, the handler finds the event by the
 * CloudEvents type; an event without a callback is acknowledged as it is; the others are decoded
 * with every rule of the catalog (a message that fails is poison: dead-lettered at once, with the
 * decoder's path and rule in the reason) and passed to their callback. A callback returns 0
 * when it handled the event, an eventc_status for a failure it can name, any other value for a
 * transient failure (EVENTC_E_UNAVAILABLE).
 *
 * @param out receives the registration; release it with eventc_typed_free after
 *            eventc_router_free (the router borrows its subscribers). On error it may hold the
 *            part registered before the failure (handlers cannot be taken off a router): release
 *            it the same way.
 * @return EVENTC_OK; EVENTC_E_INVALID_ARGUMENT (no callback at all; a missing name, group or
 *         factory); EVENTC_E_NOMEM; the factory's or the router's error.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_typed_add(eventc_router *router,
                                                           const eventc_typed_table *table,
                                                           const eventc_typed_config *cfg,
                                                           eventc_typed **out, eventc_error *err);

/** Closes and destroys the subscribers of @p t and releases it. After eventc_router_free.
 *  NULL-safe. */
EVENTC_API void eventc_typed_free(eventc_typed *t);

/**
 * @return the emitter of the message a typed callback is handling on this thread: pass it to the
 *         generated `_emit` helpers. NULL outside a callback or for another message than @p m.
 */
EVENTC_API eventc_emitter *eventc_typed_emitter(const eventc_message *m);

/** A subscriber factory for the in-memory bus (@p ctx: the eventc_bus). */
EVENTC_API eventc_subscriber *eventc_bus_subscriber_factory(void *ctx, const char *topic,
                                                            eventc_error *err);

#ifdef __cplusplus
}
#endif

#endif
