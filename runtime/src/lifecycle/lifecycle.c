/* Lifecycle state machines: one event applied to one state, driven by the generated tables. */
#include "eventc/lifecycle.h"

#include <stdio.h>
#include <string.h>

const char *eventc_lifecycle_state_name(const eventc_lifecycle_desc *lc, int state)
{
    if (lc == NULL || state < 0 || (size_t)state >= lc->n_states)
        return NULL;
    return lc->states[state];
}

int eventc_lifecycle_find_state(const eventc_lifecycle_desc *lc, const char *s, size_t len)
{
    if (lc == NULL || (s == NULL && len > 0))
        return -1;
    for (size_t i = 0; i < lc->n_states; i++)
        if (strlen(lc->states[i]) == len && (len == 0 || memcmp(lc->states[i], s, len) == 0))
            return (int)i;
    return -1;
}

static const char *event_name(const eventc_lifecycle_desc *lc, int kind)
{
    if (lc->types == NULL || kind < 1 || (size_t)kind > lc->n_types)
        return NULL;
    return lc->types[kind - 1].name;
}

static const eventc_lifecycle_rule *find_rule(const eventc_lifecycle_desc *lc, int kind)
{
    for (size_t i = 0; i < lc->n_rules; i++)
        if (lc->rules[i].kind == kind)
            return &lc->rules[i];
    return NULL;
}

/* "Closed is not allowed in state open (allowed in: closed, archived)". Built only when the
 * caller wants the message; eventc_error_set cuts what does not fit. */
static eventc_status not_allowed(const eventc_lifecycle_desc *lc, const eventc_lifecycle_rule *r,
                                 int state, eventc_error *err)
{
    if (err == NULL)
        return EVENTC_E_STATE;
    char allowed[EVENTC_ERROR_MESSAGE_MAX];
    size_t used = 0;
    allowed[0] = '\0';
    for (size_t i = 0; i < r->n_from && used + 1 < sizeof allowed; i++) {
        const char *name = eventc_lifecycle_state_name(lc, r->from[i]);
        int n = snprintf(allowed + used, sizeof allowed - used, "%s%s", i ? ", " : "",
                         name ? name : "?");
        if (n < 0)
            break;
        used += (size_t)n;
    }
    if (used >= sizeof allowed)
        used = sizeof allowed - 1;
    const char *event = event_name(lc, r->kind);
    const char *current = eventc_lifecycle_state_name(lc, state);
    return eventc_error_set(
        err, EVENTC_E_STATE, NULL, "%s is not allowed in state %s (allowed in: %s)",
        event ? event : "the event", current ? current : "?", r->n_from ? allowed : "no state");
}

eventc_status eventc_lifecycle_apply(const eventc_lifecycle_desc *lc, int state, int kind,
                                     const void *event, int *next, eventc_error *err)
{
    if (lc == NULL || next == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no lifecycle or no output");
    if (state < 0 || (size_t)state >= lc->n_states)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "%d is not a state of %s",
                                state, lc->aggregate);
    const eventc_lifecycle_rule *r = find_rule(lc, kind);
    if (r == NULL) {
        const char *name = event_name(lc, kind);
        if (name == NULL)
            return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no event (kind %d)",
                                    kind);
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "%s is an event of %s, not of %s", name,
                                lc->types[kind - 1].aggregate, lc->aggregate);
    }
    int allowed = 0;
    for (size_t i = 0; i < r->n_from && !allowed; i++)
        allowed = r->from[i] == state;
    if (!allowed)
        return not_allowed(lc, r, state, err);
    if (r->field_states != NULL) {
        if (event == NULL)
            return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                    "no event to read '%s' from", r->field);
        int value;
        memcpy(&value, (const char *)event + r->field_offset, sizeof value);
        if (value < 0 || (size_t)value >= r->n_field_states) {
            char path[EVENTC_ERROR_PATH_MAX];
            snprintf(path, sizeof path, "$.%s", r->field ? r->field : "?");
            return eventc_error_set(err, EVENTC_E_ENUM, path, "%d names no state of %s", value,
                                    lc->aggregate);
        }
        *next = r->field_states[value];
    } else {
        *next = r->to != 0 ? r->to : state;
    }
    return EVENTC_OK;
}

eventc_status eventc_lifecycle_replay(const eventc_lifecycle_desc *lc, eventc_event_next next,
                                      void *ctx, int *final, size_t *failed_index,
                                      eventc_error *err)
{
    if (lc == NULL || next == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no lifecycle or no events");
    int state = 0;
    eventc_status st = EVENTC_OK;
    for (size_t i = 0;; i++) {
        int kind = 0;
        const void *event = NULL;
        int got = next(ctx, &kind, &event);
        if (got == 0)
            break;
        if (got < 0)
            st = eventc_error_set(err, EVENTC_E_IO, NULL, "event %zu of the history cannot be read",
                                  i);
        else
            st = eventc_lifecycle_apply(lc, state, kind, event, &state, err);
        if (st != EVENTC_OK) {
            if (failed_index != NULL)
                *failed_index = i;
            break;
        }
    }
    if (final != NULL)
        *final = state;
    return st;
}
