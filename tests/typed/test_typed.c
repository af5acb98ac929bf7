/* The typed messaging layer of the messaging catalog (<build>/generated/c/messaging_messaging.h)
 * and the library under it (eventc/catalog.h, eventc/lifecycle_guard.h): the catalog descriptor,
 * routes that agree with the runtime routing table, typed publishing through the in-memory bus,
 * typed handlers on a router (decoding, dead letters with the decoder's path and rule), the
 * lifecycle guard and the in-memory state store; typed handlers on worker threads.
 *
 *   test_typed <source dir>
 */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "messaging_messaging.h"
#include "state_cases.h"

#include <eventc/bus.h>
#include <eventc/lifecycle_guard.h>
#include <eventc/middleware.h>

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

static const char *source_dir = ".";

/* ---- helpers ---- */

static char *read_example(const char *name, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/catalog/examples/%s.example.json", source_dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "cannot read %s\n", path);
        return NULL;
    }
    char *data = malloc(1 << 16);
    *len = data ? fread(data, 1, (1 << 16) - 1, f) : 0;
    fclose(f);
    if (data)
        data[*len] = '\0';
    return data;
}

static int load(msg_event *ev, const char *name)
{
    size_t len;
    char *json = read_example(name, &len);
    eventc_error err;
    int ok = json && msg_event_from_json(ev, json, len, &err) == EVENTC_OK;
    free(json);
    return ok;
}

/* Every example of the catalog, in an order every lifecycle allows: one history per aggregate. */
static const char *const examples[] = {"customer_created",
                                       "customer_updated",
                                       "customer_disabled",
                                       "customer_enabled",
                                       "contact_created",
                                       "contact_updated",
                                       "contact_deleted",
                                       "provider_configured",
                                       "provider_updated",
                                       "provider_disabled",
                                       "provider_enabled",
                                       "channel_mapped",
                                       "channel_updated",
                                       "channel_unmapped",
                                       "conversation_created",
                                       "conversation_updated",
                                       "conversation_participant_added",
                                       "conversation_participant_removed",
                                       "conversation_closed",
                                       "conversation_reopened",
                                       "conversation_archived"};
#define N_EXAMPLES (sizeof examples / sizeof examples[0])

/* ---- the descriptor ---- */

static void descriptor(void)
{
    const eventc_catalog *cat = &msg_catalog_desc;
    CHECK(cat->version == EVENTC_CATALOG_VERSION);
    CHECK_STR(cat->name, "messaging");
    CHECK(cat->n_events == MSG_EVENT_TYPE_COUNT && cat->n_aggregates == 5);
    CHECK(cat->cloudevents == &msg_cloudevents);
    CHECK(cat->union_size == sizeof(msg_event));
    for (size_t i = 0; i < cat->n_events; i++) {
        const eventc_catalog_event *e = &cat->events[i];
        CHECK(e->entry->kind == (int)i + 1);
        CHECK(eventc_catalog_find_type(cat, e->type) == (int)i + 1);
        CHECK(eventc_catalog_find_name(cat, e->entry->name, strlen(e->entry->name)) == (int)i + 1);
        CHECK_STR(e->type, msg_cloudevents.events[i].type);
        const eventc_catalog_aggregate *a = eventc_catalog_aggregate_of(cat, (int)i + 1);
        CHECK(a != NULL && strcmp(a->name, e->entry->aggregate) == 0);
        CHECK(a != NULL && a->lifecycle != NULL);
        CHECK_STR(e->key_field, a ? a->id_field : "");
        if (i > 0)
            CHECK(strcmp(cat->events[cat->kinds_by_type[i - 1] - 1].type,
                         cat->events[cat->kinds_by_type[i] - 1].type) < 0);
    }
    CHECK(eventc_catalog_find_type(cat, "com.example.messaging.customer.exploded") == 0);
    CHECK(eventc_catalog_find_type(cat, "") == 0 && eventc_catalog_find_type(cat, NULL) == 0);
    CHECK(eventc_catalog_aggregate_of(cat, 0) == NULL);
    CHECK(eventc_catalog_aggregate_of(cat, MSG_EVENT_TYPE_COUNT + 1) == NULL);
    CHECK(cat->aggregates[0].lifecycle == &msg_customer_lifecycle);
    CHECK(cat->n_routes == 0 && cat->routes == NULL);

    /* Reading a decoded event through the descriptor. */
    msg_event ev;
    memset(&ev, 0, sizeof ev);
    CHECK(load(&ev, "conversation_created"));
    CHECK(eventc_catalog_kind(cat, &ev) == MSG_EVENT_CONVERSATION_CREATED);
    CHECK(eventc_catalog_event_ptr(cat, &ev) == (const void *)&ev.as.conversation_created);
    CHECK_STR(eventc_catalog_event_id(cat, &ev), "01J0000N3P4Q5R6S7T8U9V0W1X");
    CHECK_STR(eventc_catalog_aggregate_id(cat, &ev), "conv_777");
    int next = -1;
    eventc_error err;
    CHECK(eventc_catalog_apply(cat, 0, &ev, &next, &err) == EVENTC_OK);
    CHECK(next == MSG_CONVERSATION_OPEN);
    CHECK(eventc_catalog_apply(cat, MSG_CONVERSATION_OPEN, &ev, &next, &err) == EVENTC_E_STATE);
    /* JSON and CloudEvents, both ways. */
    eventc_buf json;
    eventc_buf_init(&json, NULL);
    CHECK(eventc_catalog_to_json(cat, &ev, &json, &err) == EVENTC_OK);
    msg_event back;
    memset(&back, 0, sizeof back);
    CHECK(eventc_catalog_decode_json(cat, &back, json.data, json.len, NULL, &err) == EVENTC_OK);
    CHECK(msg_event_equal(&ev, &back));
    eventc_ce_event ce;
    eventc_ce_init(&ce, NULL);
    CHECK(eventc_catalog_to_cloudevent(cat, &ev, &ce, &err) == EVENTC_OK);
    CHECK(eventc_catalog_decode_cloudevent(cat, &back, &ce, NULL, &err) == EVENTC_OK);
    CHECK(msg_event_equal(&ev, &back));
    eventc_catalog_clear(cat, &back);
    CHECK(back.kind == MSG_EVENT_NONE && eventc_catalog_event_ptr(cat, &back) == NULL);
    CHECK(eventc_catalog_apply(cat, 0, &back, &next, &err) == EVENTC_E_INVALID_ARGUMENT);
    eventc_ce_clear(&ce);
    eventc_buf_free(&json);
    msg_event_clear(&ev);
}

/* The catalog's routes are the runtime routing table's default: one topic per aggregate, keyed
 * by the aggregate id, for every example. */
static void routes_agree(void)
{
    eventc_routing *table = eventc_catalog_routing_new(&msg_catalog_desc, NULL);
    CHECK(table != NULL);
    for (size_t i = 0; i < N_EXAMPLES; i++) {
        msg_event ev;
        memset(&ev, 0, sizeof ev);
        CHECK(load(&ev, examples[i]));
        eventc_ce_event ce;
        eventc_ce_init(&ce, NULL);
        eventc_error err;
        CHECK(msg_event_to_cloudevent(&ev, &ce, &err) == EVENTC_OK);
        for (int with_table = 0; with_table < 2; with_table++) {
            eventc_buf topic, key;
            bool has_key = false;
            eventc_buf_init(&topic, NULL);
            eventc_buf_init(&key, NULL);
            CHECK(eventc_routing_resolve(with_table ? table : NULL, &ce, &topic, &key, &has_key,
                                         &err) == EVENTC_OK);
            const eventc_catalog_event *e = eventc_catalog_event_of(&msg_catalog_desc, ev.kind);
            CHECK_STR(eventc_buf_cstr(&topic), e->topic);
            CHECK(has_key);
            CHECK_STR(eventc_buf_cstr(&key), eventc_catalog_aggregate_id(&msg_catalog_desc, &ev));
            eventc_buf_free(&topic);
            eventc_buf_free(&key);
        }
        eventc_ce_clear(&ce);
        msg_event_clear(&ev);
    }
    eventc_routing_free(table);
}

/* ---- publishing ---- */

static void publish_and_fetch(void)
{
    eventc_error err;
    eventc_bus *bus = eventc_bus_new(NULL, &err);
    eventc_publisher *pub = eventc_bus_publisher(bus);
    eventc_subscriber *sub = eventc_bus_subscriber(bus);
    CHECK(bus && pub && sub);
    CHECK(eventc_subscriber_subscribe(sub, "com.example.messaging.customer", "g", &err) ==
          EVENTC_OK);
    msg_event ev;
    memset(&ev, 0, sizeof ev);
    CHECK(load(&ev, "customer_created"));
    CHECK(msg_customer_created_publish(pub, NULL, &ev.as.customer_created, &err) == EVENTC_OK);
    CHECK(load(&ev, "customer_updated"));
    CHECK(msg_event_publish(pub, NULL, &ev, &err) == EVENTC_OK);
    /* Another aggregate's topic: nobody subscribed, nothing is delivered here. */
    CHECK(load(&ev, "contact_created"));
    CHECK(msg_event_publish(pub, NULL, &ev, &err) == EVENTC_OK);
    /* An invalid event is refused before it is sent, with its path. */
    msg_customer_created bad;
    memset(&bad, 0, sizeof bad);
    CHECK(msg_customer_created_publish(pub, NULL, &bad, &err) != EVENTC_OK);
    CHECK(msg_event_publish(pub, NULL, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);

    eventc_message *got[4];
    size_t n = 0;
    CHECK(eventc_subscriber_fetch(sub, 4, 0, got, &n, &err) == EVENTC_OK);
    CHECK(n == 1); /* one in flight per key: the second waits for the first's ack */
    if (n == 1) {
        CHECK_STR(got[0]->topic, "com.example.messaging.customer");
        CHECK_STR(got[0]->key, "cust_123");
        CHECK_STR(got[0]->event.type, "com.example.messaging.customer.created");
        msg_event back;
        memset(&back, 0, sizeof back);
        CHECK(msg_event_from_cloudevent(&back, &got[0]->event, NULL, &err) == EVENTC_OK);
        CHECK(back.kind == MSG_EVENT_CUSTOMER_CREATED);
        msg_event_clear(&back);
        CHECK(eventc_subscriber_ack(sub, got[0], &err) == EVENTC_OK);
    }
    CHECK(eventc_subscriber_fetch(sub, 4, 0, got, &n, &err) == EVENTC_OK && n == 1);
    if (n == 1) {
        CHECK_STR(got[0]->event.type, "com.example.messaging.customer.updated");
        CHECK(eventc_subscriber_ack(sub, got[0], &err) == EVENTC_OK);
    }
    msg_event_clear(&ev);
    eventc_subscriber_destroy(sub);
    eventc_publisher_close(pub);
    eventc_bus_free(bus);
}

/* Routes changed at run time: a table from the catalog plus a rule moves the customers. */
static void runtime_routes(void)
{
    eventc_error err;
    eventc_bus *bus = eventc_bus_new(NULL, &err);
    eventc_publisher *pub = eventc_bus_publisher(bus);
    eventc_subscriber *sub = eventc_bus_subscriber(bus);
    CHECK(eventc_subscriber_subscribe(sub, "customers.v2", "g", &err) == EVENTC_OK);
    eventc_routing *table = eventc_catalog_routing_new(&msg_catalog_desc, &err);
    eventc_route r = {"com.example.messaging.customer.", "customers.v2", NULL};
    CHECK(eventc_routing_add(table, &r, &err) == EVENTC_OK);
    msg_event ev;
    memset(&ev, 0, sizeof ev);
    CHECK(load(&ev, "customer_disabled"));
    CHECK(msg_event_publish(pub, table, &ev, &err) == EVENTC_OK);
    eventc_message *got[1];
    size_t n = 0;
    CHECK(eventc_subscriber_fetch(sub, 1, 0, got, &n, &err) == EVENTC_OK && n == 1);
    if (n == 1) {
        CHECK_STR(got[0]->key, "cust_123");
        CHECK(eventc_subscriber_ack(sub, got[0], &err) == EVENTC_OK);
    }
    msg_event_clear(&ev);
    eventc_routing_free(table);
    eventc_subscriber_destroy(sub);
    eventc_publisher_close(pub);
    eventc_bus_free(bus);
}

/* ---- typed handlers ---- */

typedef struct seen {
    char log[2048];
    int fail_with; /* what the customer_updated callback returns */
    int emitted;
} seen;

static void note(seen *s, const char *what, const char *id)
{
    size_t n = strlen(s->log);
    snprintf(s->log + n, sizeof s->log - n, "%s%s %s", n ? "; " : "", what, id);
}

static int on_customer_created(const msg_customer_created *ev, const eventc_message *m, void *ctx)
{
    seen *s = ctx;
    note(s, "created", ev->customer_id);
    /* A follow-up event, emitted through the message's emitter. */
    eventc_emitter *out = eventc_typed_emitter(m);
    if (out != NULL) {
        msg_contact_created c;
        eventc_error err;
        memset(&c, 0, sizeof c);
        if (msg_contact_created_init(&c, "system", "cont_1", ev->customer_id, &err) == EVENTC_OK) {
            if (msg_contact_created_emit(out, NULL, &c, &err) == EVENTC_OK)
                s->emitted++;
            msg_contact_created_clear(&c);
        }
    }
    return 0;
}

static int on_customer_updated(const msg_customer_updated *ev, const eventc_message *m, void *ctx)
{
    (void)m;
    seen *s = ctx;
    note(s, "updated", ev->customer_id);
    return s->fail_with;
}

static int on_customer_enabled(const msg_customer_enabled *ev, const eventc_message *m, void *ctx)
{
    (void)m;
    note(ctx, "enabled", ev->customer_id);
    return 0;
}

static int on_customer_disabled(const msg_customer_disabled *ev, const eventc_message *m, void *ctx)
{
    (void)m;
    note(ctx, "disabled", ev->customer_id);
    return 0;
}

static int on_contact_created(const msg_contact_created *ev, const eventc_message *m, void *ctx)
{
    (void)m;
    note(ctx, "contact", ev->contact_id);
    return 0;
}

static int on_conversation(const msg_conversation_created *ev, const eventc_message *m, void *ctx)
{
    (void)m;
    note(ctx, "conversation", ev->conversation_id);
    return 0;
}

static int on_reopened(const msg_conversation_reopened *ev, const eventc_message *m, void *ctx)
{
    (void)m;
    note(ctx, "reopened", ev->conversation_id);
    return 0;
}

/* A router on the bus with dead letter, dedupe and lifecycle guard, and the typed handlers. */
typedef struct rig {
    eventc_bus *bus;
    eventc_publisher *pub;
    eventc_subscriber *dead;
    eventc_router *router;
    eventc_typed *typed;
    eventc_dedupe_store *dedupe;
    eventc_state_store *states;
    msg_handlers handlers;
    seen seen;
} rig;

static void rig_open(rig *g, unsigned max_attempts)
{
    memset(g, 0, sizeof *g);
    eventc_error err;
    g->bus = eventc_bus_new(NULL, &err);
    g->pub = eventc_bus_publisher(g->bus);
    g->dead = eventc_bus_subscriber(g->bus);
    CHECK(eventc_subscriber_subscribe(g->dead, "dead", "g", &err) == EVENTC_OK);
    eventc_router_config rc = eventc_router_config_default();
    g->router = eventc_router_new(&rc, &err);
    g->dedupe = eventc_memory_dedupe_new(NULL);
    g->states = eventc_memory_state_new(NULL);
    eventc_middleware mw;
    eventc_deadletter_config dl = {g->pub, "dead", 0};
    CHECK(eventc_deadletter_middleware(&dl, &mw, &err) == EVENTC_OK);
    CHECK(eventc_router_use(g->router, &mw, &err) == EVENTC_OK);
    eventc_dedupe_config dc = {g->dedupe, "typed", 0, 0};
    CHECK(eventc_dedupe_middleware(&dc, &mw, &err) == EVENTC_OK);
    CHECK(eventc_router_use(g->router, &mw, &err) == EVENTC_OK);
    eventc_lifecycle_guard_config gc = {&msg_catalog_desc, g->states, NULL, NULL, NULL};
    CHECK(eventc_lifecycle_guard_middleware(&gc, &mw, &err) == EVENTC_OK);
    CHECK(eventc_router_use(g->router, &mw, &err) == EVENTC_OK);
    eventc_retry_config rt = eventc_retry_config_default();
    rt.max_attempts = max_attempts;
    rt.initial_interval_ms = 0;
    rt.jitter = 0;
    CHECK(eventc_retry_middleware(&rt, &mw, &err) == EVENTC_OK);
    CHECK(eventc_router_use(g->router, &mw, &err) == EVENTC_OK);

    g->handlers.customer_created = on_customer_created;
    g->handlers.customer_updated = on_customer_updated;
    g->handlers.customer_enabled = on_customer_enabled;
    g->handlers.customer_disabled = on_customer_disabled;
    g->handlers.contact_created = on_contact_created;
    g->handlers.conversation_created = on_conversation;
    g->handlers.conversation_reopened = on_reopened;
    eventc_typed_config tc = eventc_typed_config_default();
    tc.name = "test";
    tc.group = "read-model";
    tc.new_subscriber = eventc_bus_subscriber_factory;
    tc.subscriber_ctx = g->bus;
    tc.publisher = g->pub;
    CHECK(msg_router_add_handlers(g->router, &g->handlers, &g->seen, &tc, &g->typed, &err) ==
          EVENTC_OK);
}

static void rig_close(rig *g)
{
    eventc_router_free(g->router);
    eventc_typed_free(g->typed);
    eventc_subscriber_destroy(g->dead);
    eventc_publisher_close(g->pub);
    eventc_bus_free(g->bus);
    eventc_dedupe_close(g->dedupe);
    eventc_state_store_close(g->states);
}

static size_t drain(rig *g)
{
    size_t total = 0, handled = 0;
    eventc_error err;
    do {
        handled = 0;
        CHECK(eventc_router_run_once(g->router, 0, &handled, &err) == EVENTC_OK);
        total += handled;
    } while (handled > 0);
    return total;
}

static void publish_example(rig *g, const char *name)
{
    msg_event ev;
    memset(&ev, 0, sizeof ev);
    eventc_error err;
    CHECK(load(&ev, name));
    CHECK(msg_event_publish(g->pub, NULL, &ev, &err) == EVENTC_OK);
    msg_event_clear(&ev);
}

/* The next dead letter: its reason and code extensions. */
static bool dead_letter(rig *g, char *reason, size_t n, char *code, size_t m)
{
    eventc_message *got[1];
    size_t k = 0;
    eventc_error err;
    if (eventc_subscriber_fetch(g->dead, 1, 0, got, &k, &err) != EVENTC_OK || k != 1)
        return false;
    const eventc_ce_value *r = eventc_ce_get_ext(&got[0]->event, EVENTC_DLQ_REASON);
    const eventc_ce_value *c = eventc_ce_get_ext(&got[0]->event, EVENTC_DLQ_CODE);
    snprintf(reason, n, "%s", r ? r->str : "");
    snprintf(code, m, "%s", c ? c->str : "");
    CHECK(eventc_subscriber_ack(g->dead, got[0], &err) == EVENTC_OK);
    return true;
}

static void typed_handlers(void)
{
    rig g;
    rig_open(&g, 3);
    publish_example(&g, "customer_created");
    publish_example(&g, "customer_disabled");
    publish_example(&g, "customer_enabled");
    publish_example(&g, "conversation_created");
    /* The contact the customer_created callback emitted, then the handled events: 5 in all. */
    CHECK(drain(&g) == 5);
    CHECK(g.seen.emitted == 1);
    /* run_once takes the topics in turn (customer, contact, ..., conversation), each in order. */
    CHECK_STR(g.seen.log, "created cust_123; contact cont_1; conversation conv_777; "
                          "disabled cust_123; enabled cust_123");
    char reason[400], code[64];
    CHECK(!dead_letter(&g, reason, sizeof reason, code, sizeof code));

    /* The lifecycle refuses CustomerEnabled for an enabled customer: dead-lettered at once. */
    g.seen.log[0] = '\0';
    msg_event ev;
    memset(&ev, 0, sizeof ev);
    eventc_error err;
    CHECK(load(&ev, "customer_enabled"));
    ev.as.customer_enabled.envelope.event_id = "01J0000ZZZZZZZZZZZZZZZZZZ1";
    CHECK(msg_event_publish(g.pub, NULL, &ev, &err) == EVENTC_OK);
    CHECK(drain(&g) == 1);
    CHECK_STR(g.seen.log, "");
    CHECK(dead_letter(&g, reason, sizeof reason, code, sizeof code));
    CHECK_STR(reason, "Customer cust_123: CustomerEnabled is not allowed in state enabled "
                      "(allowed in: disabled) [state]");
    CHECK_STR(code, "state");

    /* A message that does not decode: dead-lettered with the decoder's path and rule. */
    eventc_message m;
    eventc_message_init(&m, NULL);
    CHECK(load(&ev, "customer_updated"));
    CHECK(msg_event_to_cloudevent(&ev, &m.event, &err) == EVENTC_OK);
    CHECK(eventc_ce_set_id(&m.event, "01J0000ZZZZZZZZZZZZZZZZZZ2", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_data_json(&m.event, "{\"customer_id\":\"\"}", 18, &err) == EVENTC_OK);
    CHECK(eventc_publisher_publish1(g.pub, "com.example.messaging.customer", &m, &err) ==
          EVENTC_OK);
    /* An unknown type on a catalog topic. */
    CHECK(eventc_ce_set_type(&m.event, "com.example.messaging.customer.exploded", &err) ==
          EVENTC_OK);
    CHECK(eventc_ce_set_id(&m.event, "01J0000ZZZZZZZZZZZZZZZZZZ3", &err) == EVENTC_OK);
    CHECK(eventc_publisher_publish1(g.pub, "com.example.messaging.customer", &m, &err) ==
          EVENTC_OK);
    eventc_message_clear(&m);
    CHECK(drain(&g) == 2);
    CHECK(dead_letter(&g, reason, sizeof reason, code, sizeof code));
    CHECK_STR(reason, "data.customer_id: string of 0 characters is shorter than 1 [min_length]");
    CHECK_STR(code, "min_length");
    CHECK(dead_letter(&g, reason, sizeof reason, code, sizeof code));
    CHECK(strstr(reason, "type: unknown event type") == reason);
    CHECK_STR(code, "enum");
    CHECK_STR(g.seen.log, "");

    /* A transient failure is retried (3 attempts), then dead-lettered; the state stays. */
    g.seen.fail_with = -1;
    CHECK(load(&ev, "customer_updated"));
    CHECK(msg_event_publish(g.pub, NULL, &ev, &err) == EVENTC_OK);
    CHECK(drain(&g) == 1);
    CHECK_STR(g.seen.log, "updated cust_123; updated cust_123; updated cust_123");
    CHECK(dead_letter(&g, reason, sizeof reason, code, sizeof code));
    CHECK_STR(reason, "the handler of CustomerUpdated returned -1 [unavailable]");
    /* A failure the callback names as permanent: dead-lettered after one run. */
    g.seen.log[0] = '\0';
    g.seen.fail_with = EVENTC_E_STATE;
    ev.as.customer_updated.envelope.event_id = "01J0000ZZZZZZZZZZZZZZZZZZ4";
    CHECK(msg_event_publish(g.pub, NULL, &ev, &err) == EVENTC_OK);
    CHECK(drain(&g) == 1);
    CHECK_STR(g.seen.log, "updated cust_123");
    CHECK(dead_letter(&g, reason, sizeof reason, code, sizeof code));
    CHECK_STR(code, "state");

    /* A creating event named by a field (to_field): ConversationCreated with status closed, so
     * ConversationReopened is allowed. */
    g.seen.log[0] = '\0';
    g.seen.fail_with = 0;
    CHECK(load(&ev, "conversation_created"));
    ev.as.conversation_created.conversation_id = "conv_2";
    ev.as.conversation_created.envelope.aggregate_id = "conv_2";
    ev.as.conversation_created.envelope.event_id = "01J0000ZZZZZZZZZZZZZZZZZZ5";
    ev.as.conversation_created.status = MSG_CONVERSATION_STATUS_CLOSED;
    CHECK(msg_event_publish(g.pub, NULL, &ev, &err) == EVENTC_OK);
    CHECK(load(&ev, "conversation_reopened"));
    ev.as.conversation_reopened.conversation_id = "conv_2";
    ev.as.conversation_reopened.envelope.aggregate_id = "conv_2";
    CHECK(msg_event_publish(g.pub, NULL, &ev, &err) == EVENTC_OK);
    CHECK(drain(&g) == 2);
    CHECK_STR(g.seen.log, "conversation conv_2; reopened conv_2");
    CHECK(!dead_letter(&g, reason, sizeof reason, code, sizeof code));
    msg_event_clear(&ev);
    rig_close(&g);
}

/* The guard alone, through eventc_chain_run: a redelivered event whose state was saved is
 * acknowledged without running the handler again; a failed handling saves nothing. */
static int handler_runs;
static eventc_status handler_result;

static eventc_status count_handler(const eventc_message *in, eventc_emitter *out, void *ctx,
                                   eventc_error *err)
{
    (void)in;
    (void)out;
    (void)ctx;
    handler_runs++;
    return handler_result == EVENTC_OK
               ? EVENTC_OK
               : eventc_error_set(err, handler_result, NULL, "the handler failed");
}

static eventc_status run_guarded(const eventc_middleware *mw, const eventc_message *m, bool *poison,
                                 eventc_error *err)
{
    eventc_emitter *out = eventc_emitter_new(NULL);
    eventc_call call;
    eventc_call_init(&call, m, out, "h", "t", "g", NULL);
    const eventc_middleware *chain[] = {mw};
    eventc_status st = eventc_chain_run(chain, 1, count_handler, NULL, &call, err);
    *poison = call.poison;
    eventc_call_settle(&call, st == EVENTC_OK);
    eventc_emitter_free(out);
    return st;
}

static void guard_alone(void)
{
    eventc_error err;
    eventc_state_store *states = eventc_memory_state_new(NULL);
    eventc_middleware mw;
    eventc_lifecycle_guard_config gc = {&msg_catalog_desc, states, NULL, NULL, NULL};
    CHECK(eventc_lifecycle_guard_middleware(&gc, &mw, &err) == EVENTC_OK);
    msg_event ev;
    memset(&ev, 0, sizeof ev);
    eventc_message m;
    eventc_message_init(&m, NULL);
    bool poison = false;
    int state = -1;
    bool applied = false;

    /* A failed handling saves nothing: the event is still new. */
    CHECK(load(&ev, "customer_created"));
    CHECK(msg_event_to_cloudevent(&ev, &m.event, &err) == EVENTC_OK);
    handler_result = EVENTC_E_UNAVAILABLE;
    CHECK(run_guarded(&mw, &m, &poison, &err) == EVENTC_E_UNAVAILABLE && handler_runs == 1);
    CHECK(eventc_state_load(states, &msg_customer_lifecycle, "cust_123", "x", &state, &applied,
                            &err) == EVENTC_OK);
    CHECK(state == 0);
    /* Handled: the state is saved with the event id. */
    handler_result = EVENTC_OK;
    CHECK(run_guarded(&mw, &m, &poison, &err) == EVENTC_OK && handler_runs == 2);
    CHECK(eventc_state_load(states, &msg_customer_lifecycle, "cust_123", m.event.id, &state,
                            &applied, &err) == EVENTC_OK);
    CHECK(state == MSG_CUSTOMER_ENABLED && applied);
    /* The same event again: acknowledged, the handler does not run. */
    CHECK(run_guarded(&mw, &m, &poison, &err) == EVENTC_OK && handler_runs == 2);
    /* Forbidden: poison, with the aggregate, its id and the lifecycle's message. */
    CHECK(load(&ev, "customer_enabled"));
    eventc_message_clear(&m);
    CHECK(msg_event_to_cloudevent(&ev, &m.event, &err) == EVENTC_OK);
    CHECK(run_guarded(&mw, &m, &poison, &err) == EVENTC_E_STATE && poison && handler_runs == 2);
    CHECK_STR(err.message, "Customer cust_123: CustomerEnabled is not allowed in state enabled "
                           "(allowed in: disabled)");
    /* Not a catalog event, or an event with no subject: through untouched. */
    CHECK(eventc_ce_set_type(&m.event, "org.other.thing", &err) == EVENTC_OK);
    CHECK(run_guarded(&mw, &m, &poison, &err) == EVENTC_OK && handler_runs == 3);
    eventc_message_clear(&m);
    msg_event_clear(&ev);
    eventc_middleware_destroy(&mw);
    eventc_state_store_close(states);
}

static void state_store(void)
{
    eventc_state_store *all = eventc_memory_state_new(NULL);
    state_store_cases(all);
    eventc_state_store_close(all);
    eventc_state_store *states = eventc_memory_state_new(NULL);
    int state = -1;
    bool applied = true;
    eventc_error err;
    CHECK(eventc_state_save(states, &msg_customer_lifecycle, "c1", 0, MSG_CUSTOMER_ENABLED, "e1",
                            &err) == EVENTC_OK);
    CHECK(eventc_state_load(states, &msg_customer_lifecycle, "c1", "e1", &state, &applied, &err) ==
          EVENTC_OK);
    CHECK(state == MSG_CUSTOMER_ENABLED && applied);
    CHECK(eventc_state_load(states, &msg_customer_lifecycle, "c1", "e2", &state, &applied, &err) ==
          EVENTC_OK);
    CHECK(!applied);
    /* Same id, another aggregate: another instance. */
    CHECK(eventc_state_load(states, &msg_contact_lifecycle, "c1", "e1", &state, &applied, &err) ==
          EVENTC_OK);
    CHECK(state == 0 && !applied);
    /* Compare and set. */
    CHECK(eventc_state_save(states, &msg_customer_lifecycle, "c1", 0, MSG_CUSTOMER_DISABLED, "e2",
                            &err) == EVENTC_E_CONFLICT);
    CHECK(eventc_state_save(states, &msg_customer_lifecycle, "c1", MSG_CUSTOMER_ENABLED,
                            MSG_CUSTOMER_DISABLED, "e2", &err) == EVENTC_OK);
    CHECK(eventc_memory_state_size(states) == 1);
    eventc_state_store_close(states);

    eventc_memory_state_config small = {2};
    states = eventc_memory_state_new(&small);
    CHECK(eventc_state_save(states, &msg_customer_lifecycle, "a", 0, 1, "x", &err) == EVENTC_OK);
    CHECK(eventc_state_save(states, &msg_customer_lifecycle, "b", 0, 1, "x", &err) == EVENTC_OK);
    CHECK(eventc_state_save(states, &msg_customer_lifecycle, "c", 0, 1, "x", &err) ==
          EVENTC_E_FULL);
    CHECK(eventc_state_save(states, &msg_customer_lifecycle, "a", 1, 2, "y", &err) == EVENTC_OK);
    /* Many instances: the table grows. */
    eventc_state_store_close(states);
    states = eventc_memory_state_new(NULL);
    char id[32];
    for (int i = 0; i < 1000; i++) {
        snprintf(id, sizeof id, "cust_%d", i);
        CHECK(eventc_state_save(states, &msg_customer_lifecycle, id, 0, 1, id, &err) == EVENTC_OK);
    }
    CHECK(eventc_memory_state_size(states) == 1000);
    CHECK(eventc_state_load(states, &msg_customer_lifecycle, "cust_777", "cust_777", &state,
                            &applied, &err) == EVENTC_OK);
    CHECK(state == 1 && applied);
    eventc_state_store_close(states);
}

/* ---- threads ---- */

/* Typed handlers on worker threads: 40 histories of fresh instances, every event of the catalog in
 * each, through two workers per topic behind the deduplicator and the guard. Every event reaches
 * its callback once, no lifecycle refuses anything (order per key holds across workers), and the
 * guard's states end where the histories end. Also run under ThreadSanitizer. */
#define HISTORY N_EXAMPLES
#define ROUNDS 40

typedef struct counted {
    pthread_mutex_t lock;
    size_t calls[MSG_EVENT_TYPE_COUNT + 1];
    size_t total, errors;
} counted;

static int count_event(const void *handlers, int kind, const void *event, const eventc_message *m,
                       void *ctx)
{
    (void)handlers;
    (void)event;
    counted *c = ctx;
    /* The emitter is the one of this message, on this thread. */
    int ok = eventc_typed_emitter(m) != NULL;
    pthread_mutex_lock(&c->lock);
    c->calls[kind]++;
    c->total++;
    c->errors += !ok;
    pthread_mutex_unlock(&c->lock);
    return 0;
}

static bool count_all(const void *handlers, int kind)
{
    (void)handlers;
    (void)kind;
    return true;
}

static void router_error(void *ctx, const char *handler, const eventc_error *err)
{
    counted *c = ctx;
    pthread_mutex_lock(&c->lock);
    c->errors++;
    pthread_mutex_unlock(&c->lock);
    fprintf(stderr, "%s: %s: %s\n", handler, err->path, err->message);
}

static void set_string(const eventc_type_desc *d, void *e, const char *field, const char *value)
{
    for (size_t i = 0; i < d->n_fields; i++)
        if (strcmp(d->fields[i].name, field) == 0)
            memcpy((char *)e + d->fields[i].offset, &value, sizeof value);
}

static void threaded(void)
{
    counted c;
    memset(&c, 0, sizeof c);
    pthread_mutex_init(&c.lock, NULL);
    eventc_error err;
    eventc_bus *bus = eventc_bus_new(NULL, &err);
    eventc_publisher *pub = eventc_bus_publisher(bus);
    eventc_dedupe_store *dedupe = eventc_memory_dedupe_new(NULL);
    eventc_state_store *states = eventc_memory_state_new(NULL);
    eventc_router_config rc = eventc_router_config_default();
    rc.poll_ms = 10;
    rc.on_error = router_error;
    rc.on_error_ctx = &c;
    eventc_router *router = eventc_router_new(&rc, &err);
    eventc_middleware mw;
    eventc_dedupe_config dc = {dedupe, "threads", 0, 0};
    CHECK(eventc_dedupe_middleware(&dc, &mw, &err) == EVENTC_OK);
    CHECK(eventc_router_use(router, &mw, &err) == EVENTC_OK);
    eventc_lifecycle_guard_config gc = {&msg_catalog_desc, states, NULL, NULL, NULL};
    CHECK(eventc_lifecycle_guard_middleware(&gc, &mw, &err) == EVENTC_OK);
    CHECK(eventc_router_use(router, &mw, &err) == EVENTC_OK);
    eventc_typed_table table = {&msg_catalog_desc, count_event, count_all, NULL, &c};
    eventc_typed_config tc = eventc_typed_config_default();
    tc.name = "threads";
    tc.group = "threads";
    tc.new_subscriber = eventc_bus_subscriber_factory;
    tc.subscriber_ctx = bus;
    tc.workers = 2;
    tc.batch = 4;
    eventc_typed *typed = NULL;
    CHECK(eventc_typed_add(router, &table, &tc, &typed, &err) == EVENTC_OK);
    CHECK(eventc_router_start(router, &err) == EVENTC_OK);

    static char ids[ROUNDS * HISTORY][2][32];
    msg_event ev;
    memset(&ev, 0, sizeof ev);
    for (size_t r = 0; r < ROUNDS; r++) {
        for (size_t i = 0; i < HISTORY; i++) {
            CHECK(load(&ev, examples[i]));
            const eventc_catalog_event *ce = eventc_catalog_event_of(&msg_catalog_desc, ev.kind);
            const eventc_catalog_aggregate *a =
                eventc_catalog_aggregate_of(&msg_catalog_desc, ev.kind);
            void *e = (char *)&ev + ce->entry->union_offset;
            char *id = ids[r * HISTORY + i][0], *agg = ids[r * HISTORY + i][1];
            snprintf(id, 32, "01THREAD%018zu", r * HISTORY + i);
            snprintf(agg, 32, "%s_%zu", a->name, r);
            set_string(ce->entry->desc, e, "event_id", id);
            set_string(ce->entry->desc, e, "aggregate_id", agg);
            set_string(ce->entry->desc, e, a->id_field, agg);
            set_string(ce->entry->desc, e, "idempotency_key", NULL);
            CHECK(msg_event_publish(pub, NULL, &ev, &err) == EVENTC_OK);
        }
    }
    msg_event_clear(&ev);
    /* Wait for the workers (up to a minute: a loaded machine is slow, never wrong). */
    size_t total = 0;
    for (int i = 0; i < 6000 && total < ROUNDS * HISTORY; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
        pthread_mutex_lock(&c.lock);
        total = c.total;
        pthread_mutex_unlock(&c.lock);
    }
    CHECK(eventc_router_close(router, -1, &err) == EVENTC_OK);
    CHECK(total == ROUNDS * HISTORY);
    CHECK(c.errors == 0);
    for (int k = 1; k <= (int)MSG_EVENT_TYPE_COUNT; k++)
        CHECK(c.calls[k] == ROUNDS);
    CHECK(eventc_memory_state_size(states) == 5 * ROUNDS);
    int state = -1;
    bool applied = false;
    CHECK(eventc_state_load(states, &msg_conversation_lifecycle, "Conversation_7", "x", &state,
                            &applied, &err) == EVENTC_OK);
    CHECK(state == MSG_CONVERSATION_ARCHIVED);
    CHECK(eventc_state_load(states, &msg_channel_lifecycle, "Channel_39", "x", &state, &applied,
                            &err) == EVENTC_OK);
    CHECK(state == MSG_CHANNEL_UNMAPPED);
    eventc_router_free(router);
    eventc_typed_free(typed);
    eventc_publisher_close(pub);
    eventc_bus_free(bus);
    eventc_dedupe_close(dedupe);
    eventc_state_store_close(states);
    pthread_mutex_destroy(&c.lock);
}

static void refusals(void)
{
    eventc_error err;
    eventc_router *router = eventc_router_new(NULL, &err);
    msg_handlers none;
    memset(&none, 0, sizeof none);
    eventc_typed *t = (eventc_typed *)&err;
    eventc_typed_config tc = eventc_typed_config_default();
    tc.name = "x";
    tc.group = "g";
    tc.new_subscriber = eventc_bus_subscriber_factory;
    CHECK(msg_router_add_handlers(router, &none, NULL, &tc, &t, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(t == NULL);
    none.customer_created = on_customer_created;
    tc.group = NULL;
    CHECK(msg_router_add_handlers(router, &none, NULL, &tc, &t, &err) == EVENTC_E_INVALID_ARGUMENT);
    eventc_router_free(router);
    eventc_middleware mw;
    eventc_lifecycle_guard_config gc = {&msg_catalog_desc, NULL, NULL, NULL, NULL};
    CHECK(eventc_lifecycle_guard_middleware(&gc, &mw, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_typed_emitter(NULL) == NULL);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        source_dir = argv[1];
    descriptor();
    routes_agree();
    publish_and_fetch();
    runtime_routes();
    typed_handlers();
    guard_alone();
    state_store();
    refusals();
    threaded();
    return check_report();
}
