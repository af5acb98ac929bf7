/* The lifecycle guard middleware (eventc/lifecycle_guard.h): the state of each aggregate instance
 * checked before the handler runs and saved once the router settled the message. */
#include "eventc/lifecycle_guard.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct guard {
    const eventc_catalog *catalog;
    eventc_state_store *store;
    eventc_decode_options opts;
    void (*on_error)(void *ctx, const eventc_error *err);
    void *on_error_ctx;
} guard;

/* What to save once the message is settled; the strings follow the struct. */
typedef struct pending {
    guard *g;
    const eventc_lifecycle_desc *lc;
    int expected, next;
    bool chain_ok; /* the rest of the chain succeeded (not a failure the dead letter settled) */
    char *id, *event_id;
} pending;

static void report(guard *g, const eventc_error *err)
{
    if (g->on_error != NULL) {
        g->on_error(g->on_error_ctx, err);
    } else {
        char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 64];
        eventc_error_format(err, line, sizeof line);
        fprintf(stderr, "eventc lifecycle guard: %s\n", line);
    }
}

static void settled(void *ctx, const eventc_call *call, bool handled)
{
    (void)call;
    pending *p = ctx;
    if (handled && p->chain_ok) {
        eventc_error err;
        if (eventc_state_save(p->g->store, p->lc, p->id, p->expected, p->next, p->event_id, &err) !=
            EVENTC_OK) {
            report(p->g, &err);
        }
    }
    free(p);
}

static const eventc_lifecycle_rule *rule_of(const eventc_lifecycle_desc *lc, int kind)
{
    for (size_t i = 0; i < lc->n_rules; i++) {
        if (lc->rules[i].kind == kind) {
            return &lc->rules[i];
        }
    }
    return NULL;
}

/* The state after the event: read from the lifecycle, or, when the event names its next state in
 * a field, from the decoded event. */
static eventc_status next_state(guard *g, const eventc_catalog_aggregate *a, int kind, int state,
                                const eventc_ce_event *ce, int *next, eventc_error *err)
{
    const eventc_lifecycle_rule *r = rule_of(a->lifecycle, kind);
    if (r == NULL || r->field_states == NULL) {
        return eventc_lifecycle_apply(a->lifecycle, state, kind, NULL, next, err);
    }
    void *ev = calloc(1, g->catalog->union_size);
    if (ev == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    eventc_status st = eventc_catalog_decode_cloudevent(g->catalog, ev, ce, &g->opts, err);
    if (st == EVENTC_OK) {
        st = eventc_catalog_apply(g->catalog, state, ev, next, err);
    }
    eventc_catalog_clear(g->catalog, ev);
    free(ev);
    return st;
}

static eventc_status guard_handle(void *self, eventc_call *call, eventc_error *err)
{
    guard *g = self;
    const eventc_message *m = call->in;
    const eventc_ce_event *ce = &m->event;
    int kind = m->malformed == NULL ? eventc_catalog_find_type(g->catalog, ce->type) : 0;
    const eventc_catalog_aggregate *a = eventc_catalog_aggregate_of(g->catalog, kind);
    if (a == NULL || a->lifecycle == NULL || ce->subject == NULL || ce->id == NULL) {
        return eventc_call_next(call, err);
    }
    int state = 0, next = 0;
    bool applied = false;
    eventc_status st =
        eventc_state_load(g->store, a->lifecycle, ce->subject, ce->id, &state, &applied, err);
    if (st != EVENTC_OK) {
        return st;
    }
    if (applied) {
        return EVENTC_OK; /* a redelivery of the event the state already records */
    }
    st = next_state(g, a, kind, state, ce, &next, err);
    if (st == EVENTC_E_STATE) {
        call->poison = true;
        if (err != NULL) {
            char why[EVENTC_ERROR_MESSAGE_MAX];
            snprintf(why, sizeof why, "%s", err->message);
            eventc_error_set(err, st, NULL, "%s %s: %s", a->name, ce->subject, why);
        }
        return st;
    }
    if (st != EVENTC_OK) {
        return st;
    }
    size_t id_len = strlen(ce->subject) + 1, event_len = strlen(ce->id) + 1;
    pending *p = malloc(sizeof(*p) + id_len + event_len);
    if (p == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    p->g = g;
    p->lc = a->lifecycle;
    p->expected = state;
    p->next = next;
    p->chain_ok = false;
    p->id = (char *)(p + 1);
    memcpy(p->id, ce->subject, id_len);
    p->event_id = p->id + id_len;
    memcpy(p->event_id, ce->id, event_len);
    st = eventc_call_on_settled(call, settled, p);
    if (st != EVENTC_OK) {
        free(p);
        return eventc_error_set(err, st, NULL, "too many settle callbacks");
    }
    /* The message may still be settled as handled when the chain failed (a dead letter acks
     * it): the state moves only when the event was really handled. */
    st = eventc_call_next(call, err);
    p->chain_ok = st == EVENTC_OK;
    return st;
}

static void guard_destroy(void *self)
{
    free(self);
}

eventc_status eventc_lifecycle_guard_middleware(const eventc_lifecycle_guard_config *cfg,
                                                eventc_middleware *out, eventc_error *err)
{
    if (cfg == NULL || cfg->catalog == NULL || cfg->store == NULL || out == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "the lifecycle guard needs a catalog and a state store");
    }
    guard *g = calloc(1, sizeof(*g));
    if (g == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    g->catalog = cfg->catalog;
    g->store = cfg->store;
    g->opts = cfg->decode != NULL ? *cfg->decode : eventc_decode_options_default();
    g->on_error = cfg->on_error;
    g->on_error_ctx = cfg->on_error_ctx;
    memset(out, 0, sizeof(*out));
    out->name = "lifecycle";
    out->handle = guard_handle;
    out->self = g;
    out->destroy = guard_destroy;
    return EVENTC_OK;
}
