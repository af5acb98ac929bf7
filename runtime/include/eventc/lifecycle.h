/**
 * @file lifecycle.h
 * @brief Lifecycle state machines: the tables generated code describes an aggregate's lifecycle
 *        with, and the function that applies one event to a state.
 *
 * A lifecycle has states numbered from 1; state 0 ("none") means the aggregate does not exist
 * yet. Generated code describes each aggregate with a static eventc_lifecycle_desc holding one
 * rule per event of the aggregate (every event, including those that keep the state), and wraps
 * eventc_lifecycle_apply in typed `<prefix>_<aggregate>_apply` functions. The tables are read
 * only: any number of threads may use them at once. Usable from C99 and C++.
 */
#ifndef EVENTC_LIFECYCLE_H
#define EVENTC_LIFECYCLE_H

#include "eventc/codec.h"
#include "eventc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** What one event does to an aggregate's state. */
typedef struct eventc_lifecycle_rule {
    /** The event's kind in the catalog's event union (index in `types` plus one). */
    int kind;
    /** The states the event is allowed in; 0 (none) when the event creates the aggregate. */
    const int *from;
    size_t n_from;
    /** The state after the event; 0 keeps the current state, unless `field_states` is set. */
    int to;
    /** NULL, or the state after the event for each value of the enum field `field`: the event
     *  names its target state (the catalog's `to_field`). */
    const int *field_states;
    size_t n_field_states;
    /** With `field_states`: the offset of the field's enum member in the event's struct. */
    size_t field_offset;
    /** With `field_states`: the field's name, for messages. */
    const char *field;
} eventc_lifecycle_rule;

/** An aggregate's lifecycle. */
typedef struct eventc_lifecycle_desc {
    /** The aggregate's name, e.g. "Conversation". */
    const char *aggregate;
    /** The state names: states[0] is "none", then the lifecycle's states in catalog order. */
    const char *const *states;
    /** Number of entries of `states` (the lifecycle's states plus one). */
    size_t n_states;
    /** One rule per event of the aggregate. */
    const eventc_lifecycle_rule *rules;
    size_t n_rules;
    /** The catalog's event table, to name events in messages (entry i has kind i + 1). */
    const eventc_event_entry *types;
    size_t n_types;
} eventc_lifecycle_desc;

/**
 * Applies one event to an aggregate in state @p state.
 *
 * @param lc    the lifecycle; borrowed
 * @param state the current state (0: the aggregate does not exist yet)
 * @param kind  the event's kind in the catalog's event union
 * @param event the event's struct (the union member); read only when the rule takes the next
 *              state from a field; may be NULL otherwise
 * @param next  receives the state after the event; untouched on error
 * @param err   receives the reason on failure; may be NULL
 * @return EVENTC_OK; EVENTC_E_STATE when the event is not allowed in @p state (the message names
 *         the event, the state and the states it is allowed in, e.g. `ConversationClosed is not
 *         allowed in state closed (allowed in: open)`); EVENTC_E_ENUM (path `$.<field>`) when the
 *         field that names the next state holds no valid value; EVENTC_E_INVALID_ARGUMENT for a
 *         NULL @p lc or @p next, a @p state out of range, or an event of another aggregate.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_lifecycle_apply(const eventc_lifecycle_desc *lc,
                                                                 int state, int kind,
                                                                 const void *event, int *next,
                                                                 eventc_error *err);

/**
 * A history of events, given one at a time: an iterator over wherever the events are (an array of
 * unions, typed structs in a list, a file being read, a database cursor), so that a replay needs
 * neither a contiguous array nor unions with their kind set.
 *
 * @param ctx   the caller's context
 * @param kind  receives the event's kind in the catalog's event union
 * @param event receives the address of the event's struct (a union member or a struct of that
 *              event's type), which must stay valid until the next call
 * @return 1 when it gave an event; 0 when the history is over; -1 when it cannot give the next
 *         one (the replay then fails with EVENTC_E_IO).
 */
typedef int (*eventc_event_next)(void *ctx, int *kind, const void **event);

/**
 * Folds a history from state 0 (none): applies the events @p next gives, in order, and stops at
 * the first error.
 *
 * @param final        receives the state after the last event applied (on error: the state
 *                     before the failing event); may be NULL
 * @param failed_index receives the index (from 0) of the event that failed, or that @p next
 *                     could not give; may be NULL
 * @return EVENTC_OK; the error of the first event that cannot be applied, as
 *         eventc_lifecycle_apply reports it; EVENTC_E_IO when @p next fails;
 *         EVENTC_E_INVALID_ARGUMENT for a NULL @p lc or @p next.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_lifecycle_replay(const eventc_lifecycle_desc *lc,
                                                                  eventc_event_next next, void *ctx,
                                                                  int *final, size_t *failed_index,
                                                                  eventc_error *err);

/** @return the name of @p state ("none" for 0), a static string; NULL when out of range. */
EVENTC_API const char *eventc_lifecycle_state_name(const eventc_lifecycle_desc *lc, int state);

/**
 * Finds the state named @p s (@p len bytes, need not be NUL-terminated); "none" gives 0.
 * @return the state, or -1 when no state has that name.
 */
EVENTC_API int eventc_lifecycle_find_state(const eventc_lifecycle_desc *lc, const char *s,
                                           size_t len);

#ifdef __cplusplus
}
#endif

#endif
