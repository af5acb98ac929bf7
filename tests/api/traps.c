/* The traps of the generated C API, each written the way a user falls into it, on the messaging
 * catalog's generated code: copies and eventc_own on a shallow copy, an event union whose kind
 * was never set, constructors and decoders on values that already hold one, lifecycles without
 * unions or arrays, injected clocks and ids, and the numbering of kinds. The test passes only
 * when it also runs clean under valgrind (memcheck.api.test_api_traps): no leak, no read of freed
 * memory, no uninitialised value. */
#include "check.h"
#include "messaging.h"
#include "messaging_cloudevents.h"

#include <stdlib.h>
#include <string.h>

static char line[512];
static const char *fmt(const eventc_error *err)
{
    eventc_error_format(err, line, sizeof line);
    return line;
}

/* ---- copies ---- */

static void test_copy(void)
{
    eventc_error err;
    const char *changed[] = {"name", "status"};
    msg_customer_updated a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    CHECK(msg_customer_updated_init(&a, "admin", "cust_1", changed, 2, &err) == EVENTC_OK);
    CHECK(msg_customer_updated_copy(&b, &a, &err) == EVENTC_OK);
    CHECK(msg_customer_updated_equal(&a, &b));
    CHECK(b.customer_id != a.customer_id && b.changed_fields != a.changed_fields);
    /* Each is cleared on its own; the other stays valid. */
    msg_customer_updated_clear(&a);
    CHECK_STR(b.customer_id, "cust_1");
    CHECK_STR(b.changed_fields[1], "status");
    CHECK_STR(b.envelope.aggregate_id, "cust_1");
    /* Copying into a value that holds one releases it; copying a value onto itself changes
     * nothing. */
    CHECK(msg_customer_updated_init(&a, "admin", "cust_2", changed, 1, &err) == EVENTC_OK);
    CHECK(msg_customer_updated_copy(&b, &a, &err) == EVENTC_OK);
    CHECK_STR(b.customer_id, "cust_2");
    CHECK(msg_customer_updated_copy(&b, &b, &err) == EVENTC_OK);
    CHECK(b.n_changed_fields == 1);
    msg_customer_updated_clear(&a);
    msg_customer_updated_clear(&b);

    /* The union. */
    msg_event u, v;
    memset(&u, 0, sizeof u);
    memset(&v, 0, sizeof v);
    const char *json = "{\"event_name\":\"CustomerCreated\",\"event_id\":"
                       "\"01J0000A1B2C3D4E5F6G7H8J9K\",\"aggregate_type\":\"Customer\","
                       "\"aggregate_id\":\"cust_9\",\"occurred_at\":\"2025-11-05T14:00:00Z\","
                       "\"actor\":\"system\",\"version\":1,\"customer_id\":\"cust_9\","
                       "\"name\":\"Acme\"}";
    CHECK(msg_event_from_json(&u, json, strlen(json), &err) == EVENTC_OK);
    CHECK(msg_event_copy(&v, &u, &err) == EVENTC_OK);
    CHECK(v.kind == MSG_EVENT_CUSTOMER_CREATED && msg_event_equal(&u, &v));
    msg_event_clear(&u);
    CHECK_STR(v.as.customer_created.name, "Acme");
    CHECK(msg_event_copy(&v, &u, &err) == EVENTC_OK); /* u is empty now: so is v */
    CHECK(v.kind == MSG_EVENT_NONE);
    msg_event_clear(&v);
}

/* A struct assignment shares the arena. eventc_own on that copy used to copy everything into a
 * new arena and free the old one, under the original's feet. */
static void test_own_on_shallow_copy(void)
{
    eventc_error err;
    msg_customer_created a;
    memset(&a, 0, sizeof a);
    CHECK(msg_customer_created_init(&a, "system", "cust_1", "Acme", &err) == EVENTC_OK);
    msg_customer_created b = a;
    char note[] = "set on the copy";
    b.name = note;
    CHECK(eventc_own(&msg_customer_created_desc, &b, NULL, &err) == EVENTC_OK);
    note[0] = 'X';
    CHECK_STR(a.name, "Acme"); /* still readable: nothing was freed */
    CHECK_STR(a.customer_id, "cust_1");
    CHECK_STR(b.name, "set on the copy");
    msg_customer_created_clear(&a); /* one of the two, once: they share one arena */
}

/* ---- the event union ---- */

static void test_union_without_kind(void)
{
    eventc_error err;
    msg_event ev;
    memset(&ev, 0, sizeof ev);
    /* Built into a member with the member's own constructor; kind never set. */
    CHECK(msg_customer_created_init(&ev.as.customer_created, "system", "cust_1", "Acme", &err) ==
          EVENTC_OK);
    CHECK(ev.kind == MSG_EVENT_NONE);
    msg_event_clear(&ev); /* released all the same (valgrind: no leak) */
    CHECK(ev.as.customer_created.arena_ == NULL);

    /* Decoding into such a union reuses the member's memory instead of leaking it. */
    CHECK(msg_customer_created_init(&ev.as.customer_created, "system", "cust_1", "Acme", &err) ==
          EVENTC_OK);
    eventc_arena *arena = ev.as.customer_created.arena_;
    const char *json = "{\"event_name\":\"CustomerEnabled\",\"event_id\":"
                       "\"01J0000A1B2C3D4E5F6G7H8J9K\",\"aggregate_type\":\"Customer\","
                       "\"aggregate_id\":\"cust_1\",\"occurred_at\":\"2025-11-05T14:00:00Z\","
                       "\"actor\":\"system\",\"version\":1,\"customer_id\":\"cust_1\"}";
    CHECK(msg_event_from_json(&ev, json, strlen(json), &err) == EVENTC_OK);
    CHECK(ev.kind == MSG_EVENT_CUSTOMER_ENABLED && ev.as.customer_enabled.arena_ == arena);
    msg_event_clear(&ev);
}

/* The same union read from a CloudEvent: the member built without kind is released, and so it
 * is when the CloudEvent is refused. */
static void test_union_without_kind_from_cloudevent(void)
{
    eventc_error err;
    msg_event ev, src;
    eventc_ce_event ce;
    memset(&ev, 0, sizeof ev);
    memset(&src, 0, sizeof src);
    eventc_ce_init(&ce, NULL);
    CHECK(msg_customer_created_init(&src.as.customer_created, "system", "cust_2", "Bolt", &err) ==
          EVENTC_OK);
    src.kind = MSG_EVENT_CUSTOMER_CREATED;
    CHECK(msg_event_to_cloudevent(&src, &ce, &err) == EVENTC_OK);

    CHECK(msg_customer_enabled_init(&ev.as.customer_enabled, "system", "cust_1", &err) ==
          EVENTC_OK);
    CHECK(msg_event_from_cloudevent(&ev, &ce, NULL, &err) == EVENTC_OK);
    CHECK(ev.kind == MSG_EVENT_CUSTOMER_CREATED && msg_event_equal(&ev, &src));

    ev.kind = MSG_EVENT_NONE; /* forgotten again, then a CloudEvent of no event of the catalog */
    CHECK(eventc_ce_set_type(&ce, "com.example.unknown", &err) == EVENTC_OK);
    CHECK(msg_event_from_cloudevent(&ev, &ce, NULL, &err) == EVENTC_E_ENUM);
    CHECK(ev.kind == MSG_EVENT_NONE && ev.as.customer_created.arena_ == NULL);

    msg_event_clear(&ev);
    msg_event_clear(&src);
    eventc_ce_clear(&ce);
}

/* ---- one reuse rule for every entry point ---- */

static void test_reuse(void)
{
    eventc_error err;
    msg_conversation_closed ev;
    memset(&ev, 0, sizeof ev);
    /* A constructor on a value that holds one releases it (no leak)... */
    CHECK(msg_conversation_closed_init(&ev, "agent", "conv_1", "cust_1", &err) == EVENTC_OK);
    CHECK(msg_conversation_closed_init(&ev, "agent", "conv_2", "cust_1", &err) == EVENTC_OK);
    CHECK_STR(ev.conversation_id, "conv_2");
    /* ...after copying its arguments, which may point into the value itself. */
    CHECK(msg_conversation_closed_init(&ev, ev.envelope.actor, ev.conversation_id, ev.customer_id,
                                       &err) == EVENTC_OK);
    CHECK_STR(ev.conversation_id, "conv_2");
    CHECK_STR(ev.envelope.actor, "agent");
    /* A decoder on a constructed value, a constructor on a decoded one. */
    eventc_buf out;
    eventc_buf_init(&out, NULL);
    CHECK(msg_conversation_closed_to_json(&ev, &out, &err) == EVENTC_OK);
    CHECK(msg_conversation_closed_from_json(&ev, out.data, out.len, &err) == EVENTC_OK);
    CHECK_STR(ev.conversation_id, "conv_2");
    CHECK(msg_conversation_closed_init(&ev, "agent", "conv_3", "cust_1", &err) == EVENTC_OK);
    /* A failing constructor or decoder leaves the value empty, holding nothing. */
    CHECK(msg_conversation_closed_init(&ev, "", "conv_3", "cust_1", &err) == EVENTC_E_MIN_LENGTH);
    CHECK_STR(fmt(&err), "$.actor: string of 0 characters is shorter than 1 [min_length]");
    CHECK(ev.arena_ == NULL && ev.conversation_id == NULL);
    CHECK(msg_conversation_closed_init(&ev, "agent", "conv_4", "cust_1", &err) == EVENTC_OK);
    CHECK(msg_conversation_closed_from_json(&ev, "{}", 2, &err) == EVENTC_E_REQUIRED);
    CHECK(ev.arena_ == NULL);
    /* A copy into a decoded value. */
    CHECK(msg_conversation_closed_from_json(&ev, out.data, out.len, &err) == EVENTC_OK);
    msg_conversation_closed other;
    memset(&other, 0, sizeof other);
    CHECK(msg_conversation_closed_init(&other, "agent", "conv_5", "cust_1", &err) == EVENTC_OK);
    CHECK(msg_conversation_closed_copy(&ev, &other, &err) == EVENTC_OK);
    CHECK_STR(ev.conversation_id, "conv_5");
    msg_conversation_closed_clear(&other);
    msg_conversation_closed_clear(&ev);
    msg_conversation_closed_clear(&ev); /* clearing twice is harmless */
    eventc_buf_free(&out);
}

/* ---- lifecycles without unions or arrays ---- */

/* A history kept as a list of typed events, which the replay reads through an iterator. */
typedef struct history_item {
    msg_event_kind kind;
    const void *event;
    struct history_item *next;
} history_item;

static int next_event(void *ctx, int *kind, const void **event)
{
    history_item **cursor = ctx;
    if (*cursor == NULL)
        return 0;
    *kind = (int)(*cursor)->kind;
    *event = (*cursor)->event;
    *cursor = (*cursor)->next;
    return 1;
}

static int broken_source(void *ctx, int *kind, const void **event)
{
    (void)ctx;
    (void)kind;
    (void)event;
    return -1;
}

static void test_lifecycle(void)
{
    eventc_error err;
    msg_conversation_created created;
    msg_conversation_closed closed;
    msg_conversation_reopened reopened;
    memset(&created, 0, sizeof created);
    memset(&closed, 0, sizeof closed);
    memset(&reopened, 0, sizeof reopened);
    CHECK(msg_conversation_created_init(&created, "agent", "conv_1", "cust_1", "chan_1", "cont_1",
                                        MSG_CONVERSATION_STATUS_OPEN, &err) == EVENTC_OK);
    CHECK(msg_conversation_closed_init(&closed, "agent", "conv_1", "cust_1", &err) == EVENTC_OK);
    CHECK(msg_conversation_reopened_init(&reopened, "agent", "conv_1", "cust_1", &err) ==
          EVENTC_OK);

    /* Typed apply: no union, no kind to set by hand. */
    msg_conversation_state s = MSG_CONVERSATION_NONE;
    CHECK(msg_conversation_created_apply(s, &created, &s, &err) == EVENTC_OK);
    CHECK(s == MSG_CONVERSATION_OPEN);
    CHECK(msg_conversation_closed_apply(s, &closed, &s, &err) == EVENTC_OK);
    CHECK(s == MSG_CONVERSATION_CLOSED);
    CHECK(msg_conversation_closed_apply(s, &closed, &s, &err) == EVENTC_E_STATE);
    CHECK_STR(err.message, "ConversationClosed is not allowed in state closed (allowed in: open)");
    CHECK(s == MSG_CONVERSATION_CLOSED);
    CHECK(msg_conversation_closed_apply(s, NULL, &s, &err) == EVENTC_E_INVALID_ARGUMENT);

    /* A replay over an iterator: typed events in a linked list. */
    history_item h3 = {MSG_EVENT_CONVERSATION_REOPENED, &reopened, NULL};
    history_item h2 = {MSG_EVENT_CONVERSATION_CLOSED, &closed, &h3};
    history_item h1 = {MSG_EVENT_CONVERSATION_CREATED, &created, &h2};
    history_item *cursor = &h1;
    msg_conversation_state final = MSG_CONVERSATION_NONE;
    size_t failed = 99;
    CHECK(msg_conversation_replay_from(next_event, &cursor, &final, &failed, &err) == EVENTC_OK);
    CHECK(final == MSG_CONVERSATION_OPEN && failed == 99);
    /* The first event that cannot be applied stops it, with its index and the state before. */
    history_item bad2 = {MSG_EVENT_CONVERSATION_REOPENED, &reopened, NULL};
    history_item bad1 = {MSG_EVENT_CONVERSATION_CREATED, &created, &bad2};
    cursor = &bad1;
    CHECK(msg_conversation_replay_from(next_event, &cursor, &final, &failed, &err) ==
          EVENTC_E_STATE);
    CHECK(final == MSG_CONVERSATION_OPEN && failed == 1);
    CHECK(msg_conversation_replay_from(broken_source, NULL, &final, &failed, &err) == EVENTC_E_IO);
    CHECK(final == MSG_CONVERSATION_NONE && failed == 0);
    CHECK(msg_conversation_replay_from(NULL, NULL, &final, NULL, &err) ==
          EVENTC_E_INVALID_ARGUMENT);

    msg_conversation_created_clear(&created);
    msg_conversation_closed_clear(&closed);
    msg_conversation_reopened_clear(&reopened);
}

/* ---- injected clock and ids ---- */

static eventc_status no_clock(void *ctx, eventc_timestamp *at)
{
    (void)ctx;
    (void)at;
    return EVENTC_E_IO;
}

static void test_stamps(void)
{
    eventc_error err;
    eventc_sequence_stamper seq;
    const eventc_timestamp start = {1762351200, 0}; /* 2025-11-05T14:00:00Z */
    const eventc_stamper *stamper = eventc_sequence_stamper_init(&seq, start, 1000);
    msg_customer_created a, b;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    CHECK(msg_customer_created_init_ex(&a, stamper, "system", "cust_1", "Acme", &err) == EVENTC_OK);
    CHECK(msg_customer_created_init_ex(&b, stamper, "system", "cust_2", "Bolt", &err) == EVENTC_OK);
    /* The same on every run: the whole event can be compared as text. */
    eventc_buf out;
    eventc_buf_init(&out, NULL);
    CHECK(msg_customer_created_to_json(&a, &out, &err) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&out),
              "{\"event_name\":\"CustomerCreated\",\"event_id\":\"01K9A52DR00000000000000000\","
              "\"aggregate_type\":\"Customer\",\"aggregate_id\":\"cust_1\","
              "\"occurred_at\":\"2025-11-05T14:00:00Z\",\"actor\":\"system\",\"version\":1,"
              "\"customer_id\":\"cust_1\",\"name\":\"Acme\"}");
    CHECK_STR(b.envelope.event_id, "01K9A52EQ80000000000000001");
    CHECK(b.envelope.occurred_at.seconds == start.seconds + 1);
    /* A stamper that fails makes the constructor fail, holding nothing. */
    eventc_stamper broken = {no_clock, NULL, NULL};
    CHECK(msg_customer_created_init_ex(&a, &broken, "system", "cust_1", "Acme", &err) ==
          EVENTC_E_IO);
    CHECK(a.arena_ == NULL && a.customer_id == NULL);
    /* NULL: the real clock and a fresh ULID, as _init. */
    CHECK(msg_customer_created_init_ex(&a, NULL, "system", "cust_1", "Acme", &err) == EVENTC_OK);
    CHECK(eventc_ulid_check(a.envelope.event_id, strlen(a.envelope.event_id)));
    msg_customer_created_clear(&a);
    msg_customer_created_clear(&b);
    eventc_buf_free(&out);
}

/* ---- kinds ---- */

static void test_kinds(void)
{
    /* Numbered from 1 in catalog order; the name is what identifies an event across
     * processes. */
    CHECK(MSG_EVENT_CUSTOMER_CREATED == 1);
    CHECK(MSG_EVENT_CONVERSATION_ARCHIVED == MSG_EVENT_TYPE_COUNT);
    for (int k = 1; k <= MSG_EVENT_TYPE_COUNT; k++) {
        CHECK(msg_event_types[k - 1].kind == k);
        const char *name = msg_event_kind_name((msg_event_kind)k);
        CHECK(name != NULL && msg_event_kind_from_name(name, strlen(name)) == (msg_event_kind)k);
    }
    CHECK(msg_event_kind_name(MSG_EVENT_NONE) == NULL);
}

int main(void)
{
    test_copy();
    test_own_on_shallow_copy();
    test_union_without_kind();
    test_union_without_kind_from_cloudevent();
    test_reuse();
    test_lifecycle();
    test_stamps();
    test_kinds();
    return check_report();
}
