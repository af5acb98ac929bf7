/* A catalog as one object (eventc/catalog.h): lookups, decoding, lifecycles, routing and
 * publishing of the events of any catalog, through its generated descriptor. */
#include "eventc/catalog.h"

#include <string.h>

/* The partition key extension the CloudEvents converters set (ce_domain.h). */
#define PARTITIONKEY "partitionkey"

/* ---- lookups ---- */

int eventc_catalog_find_type(const eventc_catalog *cat, const char *type)
{
    if (cat == NULL || type == NULL) {
        return 0;
    }
    size_t lo = 0, hi = cat->n_events;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int kind = cat->kinds_by_type[mid];
        int c = strcmp(type, cat->events[kind - 1].type);
        if (c == 0) {
            return kind;
        }
        if (c < 0) {
            hi = mid;
        } else {
            lo = mid + 1;
        }
    }
    return 0;
}

int eventc_catalog_find_name(const eventc_catalog *cat, const char *name, size_t len)
{
    if (cat == NULL || name == NULL) {
        return 0;
    }
    for (size_t i = 0; i < cat->n_events; i++) {
        const char *n = cat->events[i].entry->name;
        if (strlen(n) == len && memcmp(n, name, len) == 0) {
            return (int)i + 1;
        }
    }
    return 0;
}

const eventc_catalog_event *eventc_catalog_event_of(const eventc_catalog *cat, int kind)
{
    if (cat == NULL || kind < 1 || (size_t)kind > cat->n_events) {
        return NULL;
    }
    return &cat->events[kind - 1];
}

const eventc_catalog_aggregate *eventc_catalog_aggregate_of(const eventc_catalog *cat, int kind)
{
    const eventc_catalog_event *e = eventc_catalog_event_of(cat, kind);
    if (e == NULL || e->aggregate >= cat->n_aggregates) {
        return NULL;
    }
    return &cat->aggregates[e->aggregate];
}

int eventc_catalog_kind(const eventc_catalog *cat, const void *ev)
{
    (void)cat;
    int kind = 0;
    if (ev != NULL) {
        memcpy(&kind, ev, sizeof kind);
    }
    return kind;
}

const void *eventc_catalog_event_ptr(const eventc_catalog *cat, const void *ev)
{
    const eventc_catalog_event *e = eventc_catalog_event_of(cat, eventc_catalog_kind(cat, ev));
    return e == NULL ? NULL : (const char *)ev + e->entry->union_offset;
}

static const char *string_at(const void *event, size_t offset)
{
    const char *s;
    memcpy(&s, (const char *)event + offset, sizeof s);
    return s;
}

const char *eventc_catalog_event_id(const eventc_catalog *cat, const void *ev)
{
    const void *e = eventc_catalog_event_ptr(cat, ev);
    return e == NULL ? NULL : string_at(e, cat->event_id_offset);
}

const char *eventc_catalog_aggregate_id(const eventc_catalog *cat, const void *ev)
{
    const void *e = eventc_catalog_event_ptr(cat, ev);
    return e == NULL ? NULL : string_at(e, cat->aggregate_id_offset);
}

/* ---- decoding and encoding ---- */

/* The catalog's event table, which the runtime's decoders take (entry i has kind i + 1). */
static const eventc_event_entry *entries(const eventc_catalog *cat)
{
    return cat->n_events > 0 ? cat->events[0].entry : NULL;
}

eventc_status eventc_catalog_decode_json(const eventc_catalog *cat, void *ev, const char *json,
                                         size_t len, const eventc_decode_options *opts,
                                         eventc_error *err)
{
    if (cat == NULL || ev == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no catalog or no event");
    }
    return eventc_decode_any(entries(cat), cat->n_events, cat->event_name_field, (int *)ev, ev,
                             json, len, opts, err);
}

eventc_status eventc_catalog_decode_cloudevent(const eventc_catalog *cat, void *ev,
                                               const eventc_ce_event *ce,
                                               const eventc_decode_options *opts, eventc_error *err)
{
    if (cat == NULL || ev == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no catalog or no event");
    }
    return eventc_ce_to_domain(cat->cloudevents, ce, (int *)ev, ev, opts, err);
}

eventc_status eventc_catalog_to_cloudevent(const eventc_catalog *cat, const void *ev,
                                           eventc_ce_event *out, eventc_error *err)
{
    const void *e = eventc_catalog_event_ptr(cat, ev);
    if (e == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no event");
    }
    return eventc_ce_from_domain(cat->cloudevents, eventc_catalog_kind(cat, ev), e, out, err);
}

eventc_status eventc_catalog_to_json(const eventc_catalog *cat, const void *ev, eventc_buf *out,
                                     eventc_error *err)
{
    const void *e = eventc_catalog_event_ptr(cat, ev);
    if (e == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no event");
    }
    const eventc_catalog_event *ce = eventc_catalog_event_of(cat, eventc_catalog_kind(cat, ev));
    return eventc_encode(ce->entry->desc, e, out, err);
}

void eventc_catalog_clear(const eventc_catalog *cat, void *ev)
{
    const eventc_catalog_event *e = eventc_catalog_event_of(cat, eventc_catalog_kind(cat, ev));
    if (e != NULL) {
        eventc_clear(e->entry->desc, (char *)ev + e->entry->union_offset);
    }
    if (ev != NULL) {
        int none = 0;
        memcpy(ev, &none, sizeof none);
    }
}

/* ---- lifecycles ---- */

eventc_status eventc_catalog_apply(const eventc_catalog *cat, int state, const void *ev, int *next,
                                   eventc_error *err)
{
    int kind = eventc_catalog_kind(cat, ev);
    const eventc_catalog_aggregate *a = eventc_catalog_aggregate_of(cat, kind);
    if (a == NULL || next == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no event or no output");
    }
    if (a->lifecycle == NULL) {
        *next = state;
        return EVENTC_OK;
    }
    return eventc_lifecycle_apply(a->lifecycle, state, kind, eventc_catalog_event_ptr(cat, ev),
                                  next, err);
}

/* ---- routing and publishing ---- */

eventc_routing *eventc_catalog_routing_new(const eventc_catalog *cat, eventc_error *err)
{
    eventc_routing *r = eventc_routing_new();
    if (r == NULL) {
        eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        return NULL;
    }
    for (size_t i = 0; cat != NULL && i < cat->n_routes; i++) {
        if (eventc_routing_add(r, &cat->routes[i], err) != EVENTC_OK) {
            eventc_routing_free(r);
            return NULL;
        }
    }
    return r;
}

eventc_status eventc_catalog_message(const eventc_catalog *cat, const eventc_routing *routing,
                                     int kind, const void *event, eventc_message *m,
                                     eventc_error *err)
{
    const eventc_catalog_event *e = eventc_catalog_event_of(cat, kind);
    if (e == NULL || event == NULL || m == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "no event, or kind %d is not an event of the catalog", kind);
    }
    eventc_status st = eventc_ce_from_domain(cat->cloudevents, kind, event, &m->event, err);
    if (st != EVENTC_OK) {
        return st;
    }
    if (routing != NULL) {
        return eventc_routing_apply(routing, m, err);
    }
    m->topic = e->topic;
    const eventc_ce_value *key = eventc_ce_get_ext(&m->event, PARTITIONKEY);
    m->key = key != NULL && key->type == EVENTC_CE_STRING ? key->str : m->event.subject;
    return EVENTC_OK;
}

eventc_status eventc_catalog_publish(const eventc_catalog *cat, eventc_publisher *pub,
                                     const eventc_routing *routing, int kind, const void *event,
                                     eventc_error *err)
{
    if (cat == NULL || pub == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no catalog or no publisher");
    }
    eventc_message m;
    eventc_message_init(&m, NULL);
    eventc_status st = eventc_catalog_message(cat, routing, kind, event, &m, err);
    if (st == EVENTC_OK) {
        st = eventc_publisher_publish1(pub, NULL, &m, err);
    }
    eventc_message_clear(&m);
    return st;
}
