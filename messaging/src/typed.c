/* Typed handlers on a router (eventc/catalog.h): one router handler per topic, which decodes each
 * message into the catalog's event union and calls the generated dispatch; and emitting typed
 * events from handlers. */
#include "eventc/bus.h"
#include "eventc/catalog.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The message a typed callback is handling on this thread, and its emitter. */
static _Thread_local const eventc_message *current_message;
static _Thread_local eventc_emitter *current_emitter;

eventc_emitter *eventc_typed_emitter(const eventc_message *m)
{
    return m != NULL && m == current_message ? current_emitter : NULL;
}

/* One router handler: a topic, its subscriber, and event unions to decode into. The unions keep
 * their arena between messages, so a steady stream decodes without allocating. */
typedef struct topic_handler {
    struct eventc_typed *owner;
    char *topic;
    char *name;
    eventc_subscriber *sub;
    pthread_mutex_t lock;
    void **spare;
    size_t n_spare, cap_spare;
} topic_handler;

struct eventc_typed {
    eventc_typed_table table;
    eventc_decode_options opts;
    topic_handler **handlers;
    size_t n;
};

static void *take_union(topic_handler *h)
{
    void *u = NULL;
    pthread_mutex_lock(&h->lock);
    if (h->n_spare > 0) {
        u = h->spare[--h->n_spare];
    }
    pthread_mutex_unlock(&h->lock);
    return u != NULL ? u : calloc(1, h->owner->table.catalog->union_size);
}

static void give_union(topic_handler *h, void *u)
{
    pthread_mutex_lock(&h->lock);
    if (h->n_spare == h->cap_spare) {
        size_t cap = h->cap_spare ? h->cap_spare * 2 : 4;
        void **grown = realloc(h->spare, cap * sizeof(*grown));
        if (grown == NULL) {
            pthread_mutex_unlock(&h->lock);
            eventc_catalog_clear(h->owner->table.catalog, u);
            free(u);
            return;
        }
        h->spare = grown;
        h->cap_spare = cap;
    }
    h->spare[h->n_spare++] = u;
    pthread_mutex_unlock(&h->lock);
}

/* What a callback's return value means. */
static eventc_status outcome(const eventc_catalog_event *e, int rc, eventc_error *err)
{
    if (rc == 0) {
        return EVENTC_OK;
    }
    if (rc > 0 && rc < (int)EVENTC_STATUS_COUNT) {
        return eventc_error_set(err, (eventc_status)rc, NULL, "the handler of %s failed: %s",
                                e->entry->name, eventc_strerror((eventc_status)rc));
    }
    return eventc_error_set(err, EVENTC_E_UNAVAILABLE, NULL, "the handler of %s returned %d",
                            e->entry->name, rc);
}

static eventc_status typed_handle(const eventc_message *in, eventc_emitter *out, void *ctx,
                                  eventc_error *err)
{
    topic_handler *h = ctx;
    const eventc_typed *t = h->owner;
    const eventc_catalog *cat = t->table.catalog;
    int kind = eventc_catalog_find_type(cat, in->event.type);
    if (kind != 0 && !t->table.handles(t->table.handlers, kind)) {
        return EVENTC_OK; /* an event this table does not handle */
    }
    void *u = take_union(h);
    if (u == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    /* An unknown type fails here too, with the decoder's message at `type`. */
    eventc_status st = eventc_catalog_decode_cloudevent(cat, u, &in->event, &t->opts, err);
    if (st == EVENTC_OK) {
        const eventc_catalog_event *e = eventc_catalog_event_of(cat, kind);
        const eventc_message *outer_message = current_message;
        eventc_emitter *outer_emitter = current_emitter;
        current_message = in;
        current_emitter = out;
        int rc = t->table.dispatch(t->table.handlers, kind,
                                   (const char *)u + e->entry->union_offset, in, t->table.ctx);
        current_message = outer_message;
        current_emitter = outer_emitter;
        st = outcome(e, rc, err);
    }
    give_union(h, u);
    return st;
}

eventc_typed_config eventc_typed_config_default(void)
{
    eventc_typed_config c;
    memset(&c, 0, sizeof c);
    c.workers = 1;
    c.batch = 1;
    return c;
}

static char *dup_str(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p != NULL) {
        memcpy(p, s, n);
    }
    return p;
}

/* The topic of events of `kind` under `routing` (NULL: the catalog's own). */
static eventc_status topic_of(const eventc_catalog *cat, const eventc_routing *routing, int kind,
                              eventc_buf *topic, eventc_error *err)
{
    const eventc_catalog_event *e = eventc_catalog_event_of(cat, kind);
    if (routing == NULL) {
        return eventc_buf_append_str(topic, e->topic) == EVENTC_OK
                   ? EVENTC_OK
                   : eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    eventc_ce_event probe;
    memset(&probe, 0, sizeof probe);
    probe.type = e->type;
    eventc_buf key;
    eventc_buf_init(&key, NULL);
    bool has_key;
    eventc_status st = eventc_routing_resolve(routing, &probe, topic, &key, &has_key, err);
    eventc_buf_free(&key);
    return st;
}

static void handler_free(topic_handler *h)
{
    if (h == NULL) {
        return;
    }
    if (h->sub != NULL) {
        eventc_subscriber_close(h->sub);
        eventc_subscriber_destroy(h->sub);
    }
    for (size_t i = 0; i < h->n_spare; i++) {
        eventc_catalog_clear(h->owner->table.catalog, h->spare[i]);
        free(h->spare[i]);
    }
    free(h->spare);
    pthread_mutex_destroy(&h->lock);
    free(h->topic);
    free(h->name);
    free(h);
}

void eventc_typed_free(eventc_typed *t)
{
    if (t == NULL) {
        return;
    }
    for (size_t i = 0; i < t->n; i++) {
        handler_free(t->handlers[i]);
    }
    free(t->handlers);
    free(t);
}

/* Adds one router handler for `topic`. */
static eventc_status add_topic(eventc_router *router, eventc_typed *t, const char *topic,
                               const eventc_typed_config *cfg, eventc_error *err)
{
    topic_handler **grown = realloc(t->handlers, (t->n + 1) * sizeof(*grown));
    if (grown == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    t->handlers = grown;
    topic_handler *h = calloc(1, sizeof(*h));
    if (h == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    h->owner = t;
    if (pthread_mutex_init(&h->lock, NULL) != 0) {
        free(h);
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "cannot make a mutex");
    }
    size_t n = strlen(cfg->name) + 1 + strlen(topic) + 1;
    h->name = malloc(n);
    h->topic = dup_str(topic);
    if (h->name == NULL || h->topic == NULL) {
        handler_free(h);
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    snprintf(h->name, n, "%s:%s", cfg->name, topic);
    t->handlers[t->n++] = h;
    h->sub = cfg->new_subscriber(cfg->subscriber_ctx, topic, err);
    if (h->sub == NULL) {
        return err != NULL && err->code != EVENTC_OK
                   ? err->code
                   : eventc_error_set(err, EVENTC_E_NOMEM, NULL, "no subscriber for %s", topic);
    }
    eventc_handler_config hc = eventc_handler_config_default();
    hc.name = h->name;
    hc.subscriber = h->sub;
    hc.topic = h->topic;
    hc.group = cfg->group;
    hc.fn = typed_handle;
    hc.ctx = h;
    hc.publisher = cfg->publisher;
    hc.workers = cfg->workers ? cfg->workers : 1;
    hc.batch = cfg->batch ? cfg->batch : 1;
    hc.nack_delay_ms = cfg->nack_delay_ms;
    return eventc_router_add_handler(router, &hc, err);
}

eventc_status eventc_typed_add(eventc_router *router, const eventc_typed_table *table,
                               const eventc_typed_config *cfg, eventc_typed **out,
                               eventc_error *err)
{
    if (out != NULL) {
        *out = NULL;
    }
    if (router == NULL || table == NULL || table->catalog == NULL || table->dispatch == NULL ||
        table->handles == NULL || cfg == NULL || out == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "missing argument");
    }
    if (cfg->name == NULL || cfg->name[0] == '\0' || cfg->group == NULL || cfg->group[0] == '\0' ||
        cfg->new_subscriber == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "typed handlers need a name, a group and a subscriber factory");
    }
    const eventc_catalog *cat = table->catalog;
    eventc_typed *t = calloc(1, sizeof(*t));
    if (t == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    t->table = *table;
    t->opts = cfg->decode != NULL ? *cfg->decode : eventc_decode_options_default();
    /* The topics of the events the table handles, in the order they first appear. */
    eventc_buf topics;
    eventc_buf_init(&topics, NULL);
    eventc_status st = EVENTC_OK;
    size_t n_topics = 0;
    for (size_t k = 1; k <= cat->n_events && st == EVENTC_OK; k++) {
        if (!table->handles(table->handlers, (int)k)) {
            continue;
        }
        eventc_buf topic;
        eventc_buf_init(&topic, NULL);
        st = topic_of(cat, cfg->routing, (int)k, &topic, err);
        if (st == EVENTC_OK && eventc_buf_putc(&topic, '\0') != EVENTC_OK) {
            st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        }
        bool seen = false;
        for (size_t off = 0; st == EVENTC_OK && off < topics.len && !seen;
             off += strlen(topics.data + off) + 1) {
            seen = strcmp(topics.data + off, topic.data) == 0;
        }
        if (st == EVENTC_OK && !seen) {
            if (eventc_buf_append(&topics, topic.data, topic.len) != EVENTC_OK) {
                st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
            }
            n_topics++;
        }
        eventc_buf_free(&topic);
    }
    if (st == EVENTC_OK && n_topics == 0) {
        st = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                              "the handler table has no callback");
    }
    for (size_t off = 0; st == EVENTC_OK && off < topics.len;
         off += strlen(topics.data + off) + 1) {
        st = add_topic(router, t, topics.data + off, cfg, err);
    }
    eventc_buf_free(&topics);
    if (st != EVENTC_OK && t->n == 0) {
        eventc_typed_free(t);
        return st;
    }
    *out = t;
    return st;
}

eventc_subscriber *eventc_bus_subscriber_factory(void *ctx, const char *topic, eventc_error *err)
{
    (void)topic;
    eventc_subscriber *s = ctx != NULL ? eventc_bus_subscriber((eventc_bus *)ctx) : NULL;
    if (s == NULL) {
        eventc_error_set(err, ctx != NULL ? EVENTC_E_NOMEM : EVENTC_E_INVALID_ARGUMENT, NULL,
                         ctx != NULL ? "out of memory" : "no bus");
    }
    return s;
}

/* ---- emitting ---- */

eventc_status eventc_catalog_emit(const eventc_catalog *cat, eventc_emitter *out,
                                  const eventc_routing *routing, int kind, const void *event,
                                  eventc_error *err)
{
    if (cat == NULL || out == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no catalog or no emitter");
    }
    eventc_message m;
    eventc_message_init(&m, NULL);
    eventc_status st = eventc_catalog_message(cat, routing, kind, event, &m, err);
    eventc_buf key;
    eventc_buf_init(&key, NULL);
    if (st == EVENTC_OK && m.key != NULL &&
        (eventc_buf_append_str(&key, m.key) != EVENTC_OK || eventc_buf_putc(&key, '\0'))) {
        st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    /* The key may live in the event, which the emitter takes over: it goes as a copy. */
    if (st == EVENTC_OK) {
        st = eventc_emit_move(out, m.topic, m.key != NULL ? key.data : NULL, &m.event, err);
    }
    eventc_buf_free(&key);
    eventc_message_clear(&m);
    return st;
}
