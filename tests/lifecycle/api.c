/* The generated lifecycle API of the messaging catalog against the rules of the messaging domain,
 * written out here by hand: every event of every aggregate in every state (none included), so each
 * legal transition gives the expected state and each illegal one EVENTC_E_STATE with the exact
 * message; then replays of whole histories, state names, and the argument errors. */
#include "messaging.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

#define ILLEGAL (-1)
#define FROM_FIELD (-2)

/* The typed functions of one aggregate, behind int states so that one loop can drive them. */
typedef struct lifecycle {
    const char *name;
    int n_states; /* with none */
    eventc_status (*apply)(int state, const msg_event *ev, int *next, eventc_error *err);
    const char *(*state_name)(int state);
    int (*state_from_name)(const char *s);
} lifecycle;

#define WRAP(agg)                                                                                  \
    static eventc_status apply_##agg(int state, const msg_event *ev, int *next, eventc_error *err) \
    {                                                                                              \
        msg_##agg##_state s = (msg_##agg##_state) - 7;                                             \
        eventc_status st = msg_##agg##_apply((msg_##agg##_state)state, ev, &s, err);               \
        if (st == EVENTC_OK)                                                                       \
            *next = (int)s;                                                                        \
        else                                                                                       \
            CHECK((int)s == -7); /* untouched on error */                                          \
        return st;                                                                                 \
    }                                                                                              \
    static const char *name_##agg(int state)                                                       \
    {                                                                                              \
        return msg_##agg##_state_to_string((msg_##agg##_state)state);                              \
    }                                                                                              \
    static int find_##agg(const char *s)                                                           \
    {                                                                                              \
        msg_##agg##_state out = (msg_##agg##_state) - 7;                                           \
        if (msg_##agg##_state_from_string(s, strlen(s), &out) != EVENTC_OK) {                      \
            CHECK((int)out == -7);                                                                 \
            return -1;                                                                             \
        }                                                                                          \
        return (int)out;                                                                           \
    }

WRAP(customer)
WRAP(contact)
WRAP(provider)
WRAP(channel)
WRAP(conversation)

static const lifecycle customer = {"Customer", 3, apply_customer, name_customer, find_customer};
static const lifecycle contact = {"Contact", 3, apply_contact, name_contact, find_contact};
static const lifecycle provider = {"Provider", 3, apply_provider, name_provider, find_provider};
static const lifecycle channel = {"Channel", 3, apply_channel, name_channel, find_channel};
static const lifecycle conversation = {"Conversation", 4, apply_conversation, name_conversation,
                                       find_conversation};

/* The expected next state of one event in each state (none first). */
typedef struct row {
    msg_event_kind kind;
    int next[4];
} row;

enum { NONE = 0 };

static const row customer_rows[] = {
    {MSG_EVENT_CUSTOMER_CREATED, {MSG_CUSTOMER_ENABLED, ILLEGAL, ILLEGAL}},
    {MSG_EVENT_CUSTOMER_UPDATED, {ILLEGAL, MSG_CUSTOMER_ENABLED, MSG_CUSTOMER_DISABLED}},
    {MSG_EVENT_CUSTOMER_ENABLED, {ILLEGAL, ILLEGAL, MSG_CUSTOMER_ENABLED}},
    {MSG_EVENT_CUSTOMER_DISABLED, {ILLEGAL, MSG_CUSTOMER_DISABLED, ILLEGAL}},
};
static const row contact_rows[] = {
    {MSG_EVENT_CONTACT_CREATED, {MSG_CONTACT_ACTIVE, ILLEGAL, ILLEGAL}},
    {MSG_EVENT_CONTACT_UPDATED, {ILLEGAL, MSG_CONTACT_ACTIVE, ILLEGAL}},
    {MSG_EVENT_CONTACT_DELETED, {ILLEGAL, MSG_CONTACT_DELETED, ILLEGAL}},
};
static const row provider_rows[] = {
    {MSG_EVENT_PROVIDER_CONFIGURED, {MSG_PROVIDER_ENABLED, ILLEGAL, ILLEGAL}},
    {MSG_EVENT_PROVIDER_UPDATED, {ILLEGAL, MSG_PROVIDER_ENABLED, MSG_PROVIDER_DISABLED}},
    {MSG_EVENT_PROVIDER_ENABLED, {ILLEGAL, ILLEGAL, MSG_PROVIDER_ENABLED}},
    {MSG_EVENT_PROVIDER_DISABLED, {ILLEGAL, MSG_PROVIDER_DISABLED, ILLEGAL}},
};
static const row channel_rows[] = {
    {MSG_EVENT_CHANNEL_MAPPED, {MSG_CHANNEL_MAPPED, ILLEGAL, MSG_CHANNEL_MAPPED}},
    {MSG_EVENT_CHANNEL_UPDATED, {ILLEGAL, MSG_CHANNEL_MAPPED, MSG_CHANNEL_UNMAPPED}},
    {MSG_EVENT_CHANNEL_UNMAPPED, {ILLEGAL, MSG_CHANNEL_UNMAPPED, ILLEGAL}},
};
static const row conversation_rows[] = {
    {MSG_EVENT_CONVERSATION_CREATED, {FROM_FIELD, ILLEGAL, ILLEGAL, ILLEGAL}},
    {MSG_EVENT_CONVERSATION_UPDATED,
     {ILLEGAL, MSG_CONVERSATION_OPEN, MSG_CONVERSATION_CLOSED, MSG_CONVERSATION_ARCHIVED}},
    {MSG_EVENT_CONVERSATION_CLOSED, {ILLEGAL, MSG_CONVERSATION_CLOSED, ILLEGAL, ILLEGAL}},
    {MSG_EVENT_CONVERSATION_REOPENED, {ILLEGAL, ILLEGAL, MSG_CONVERSATION_OPEN, ILLEGAL}},
    {MSG_EVENT_CONVERSATION_PARTICIPANT_ADDED,
     {ILLEGAL, MSG_CONVERSATION_OPEN, MSG_CONVERSATION_CLOSED, MSG_CONVERSATION_ARCHIVED}},
    {MSG_EVENT_CONVERSATION_PARTICIPANT_REMOVED,
     {ILLEGAL, MSG_CONVERSATION_OPEN, MSG_CONVERSATION_CLOSED, MSG_CONVERSATION_ARCHIVED}},
    {MSG_EVENT_CONVERSATION_ARCHIVED,
     {ILLEGAL, MSG_CONVERSATION_ARCHIVED, MSG_CONVERSATION_ARCHIVED, MSG_CONVERSATION_ARCHIVED}},
};

static int legal_count, illegal_count;

/* An event of `kind`; its fields stay zero except a conversation's initial status. */
static msg_event event_of(msg_event_kind kind, msg_conversation_status status)
{
    msg_event ev;
    memset(&ev, 0, sizeof ev);
    ev.kind = kind;
    if (kind == MSG_EVENT_CONVERSATION_CREATED)
        ev.as.conversation_created.status = status;
    return ev;
}

static void check_matrix(const lifecycle *lc, const row *rows, size_t n_rows)
{
    for (size_t r = 0; r < n_rows; r++) {
        const char *event = msg_event_kind_name(rows[r].kind);
        /* The message lists the states the event is allowed in, in catalog order. */
        char allowed[256] = "";
        for (int s = 0; s < lc->n_states; s++)
            if (rows[r].next[s] != ILLEGAL)
                snprintf(allowed + strlen(allowed), sizeof allowed - strlen(allowed), "%s%s",
                         allowed[0] ? ", " : "", lc->state_name(s));
        for (int s = 0; s < lc->n_states; s++) {
            eventc_error err;
            int next = -5;
            int want = rows[r].next[s];
            if (want == FROM_FIELD) {
                /* The created conversation starts in the state its status names. */
                static const int by_status[] = {MSG_CONVERSATION_OPEN, MSG_CONVERSATION_CLOSED,
                                                MSG_CONVERSATION_ARCHIVED};
                for (int v = 0; v < MSG_CONVERSATION_STATUS_COUNT; v++) {
                    msg_event ev = event_of(rows[r].kind, (msg_conversation_status)v);
                    CHECK(lc->apply(s, &ev, &next, &err) == EVENTC_OK);
                    CHECK(next == by_status[v]);
                    CHECK_STR(lc->state_name(next),
                              msg_conversation_status_to_string((msg_conversation_status)v));
                    legal_count++;
                }
                continue;
            }
            msg_event ev = event_of(rows[r].kind, MSG_CONVERSATION_STATUS_OPEN);
            eventc_status st = lc->apply(s, &ev, &next, &err);
            if (want == ILLEGAL) {
                char message[512];
                snprintf(message, sizeof message, "%s is not allowed in state %s (allowed in: %s)",
                         event, lc->state_name(s), allowed);
                CHECK(st == EVENTC_E_STATE);
                CHECK(err.code == EVENTC_E_STATE);
                CHECK_STR(err.message, message);
                CHECK(next == -5);
                illegal_count++;
            } else {
                CHECK(st == EVENTC_OK);
                CHECK(next == want);
                legal_count++;
            }
        }
    }
    /* Every event of the other aggregates is refused as an argument error. */
    for (int k = 1; k <= MSG_EVENT_TYPE_COUNT; k++) {
        if (strcmp(msg_event_types[k - 1].aggregate, lc->name) == 0)
            continue;
        eventc_error err;
        int next = -5;
        msg_event ev = event_of((msg_event_kind)k, MSG_CONVERSATION_STATUS_OPEN);
        CHECK(lc->apply(1, &ev, &next, &err) == EVENTC_E_INVALID_ARGUMENT);
        char message[256];
        snprintf(message, sizeof message, "%s is an event of %s, not of %s",
                 msg_event_types[k - 1].name, msg_event_types[k - 1].aggregate, lc->name);
        CHECK_STR(err.message, message);
        CHECK(next == -5);
    }
}

static void test_matrices(void)
{
    check_matrix(&customer, customer_rows, sizeof customer_rows / sizeof customer_rows[0]);
    check_matrix(&contact, contact_rows, sizeof contact_rows / sizeof contact_rows[0]);
    check_matrix(&provider, provider_rows, sizeof provider_rows / sizeof provider_rows[0]);
    check_matrix(&channel, channel_rows, sizeof channel_rows / sizeof channel_rows[0]);
    check_matrix(&conversation, conversation_rows,
                 sizeof conversation_rows / sizeof conversation_rows[0]);
    printf("%d legal and %d illegal transitions checked\n", legal_count, illegal_count);
    CHECK(illegal_count == 37);
}

static void test_names(void)
{
    CHECK_STR(msg_conversation_state_to_string(MSG_CONVERSATION_NONE), "none");
    CHECK_STR(msg_conversation_state_to_string(MSG_CONVERSATION_ARCHIVED), "archived");
    CHECK(msg_conversation_state_to_string((msg_conversation_state)4) == NULL);
    CHECK(msg_conversation_state_to_string((msg_conversation_state)-1) == NULL);
    CHECK_STR(msg_channel_state_to_string(MSG_CHANNEL_UNMAPPED), "unmapped");
    const lifecycle *all[] = {&customer, &contact, &provider, &channel, &conversation};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        for (int s = 0; s < all[i]->n_states; s++)
            CHECK(all[i]->state_from_name(all[i]->state_name(s)) == s);
    CHECK(find_conversation("closedx") == -1);
    CHECK(find_conversation("Closed") == -1);
    CHECK(find_conversation("") == -1);
    msg_conversation_state out = MSG_CONVERSATION_OPEN;
    CHECK(msg_conversation_state_from_string("closedx", 6, &out) == EVENTC_OK);
    CHECK(out == MSG_CONVERSATION_CLOSED);
    CHECK(MSG_CUSTOMER_NONE == 0 && MSG_CUSTOMER_ENABLED == 1 && MSG_CUSTOMER_DISABLED == 2);
}

/* Histories folded with the _replay functions. */
static void test_replay(void)
{
    eventc_error err;
    size_t failed = 99;
    msg_conversation_state final = MSG_CONVERSATION_NONE;
    msg_event h[6];
    h[0] = event_of(MSG_EVENT_CONVERSATION_CREATED, MSG_CONVERSATION_STATUS_OPEN);
    h[1] = event_of(MSG_EVENT_CONVERSATION_PARTICIPANT_ADDED, MSG_CONVERSATION_STATUS_OPEN);
    h[2] = event_of(MSG_EVENT_CONVERSATION_CLOSED, MSG_CONVERSATION_STATUS_OPEN);
    h[3] = event_of(MSG_EVENT_CONVERSATION_REOPENED, MSG_CONVERSATION_STATUS_OPEN);
    h[4] = event_of(MSG_EVENT_CONVERSATION_CLOSED, MSG_CONVERSATION_STATUS_OPEN);
    h[5] = event_of(MSG_EVENT_CONVERSATION_ARCHIVED, MSG_CONVERSATION_STATUS_OPEN);
    CHECK(msg_conversation_replay(h, 6, &final, &failed, &err) == EVENTC_OK);
    CHECK(final == MSG_CONVERSATION_ARCHIVED);
    CHECK(failed == 99);
    CHECK(msg_conversation_replay(h, 5, &final, NULL, NULL) == EVENTC_OK);
    CHECK(final == MSG_CONVERSATION_CLOSED);
    CHECK(msg_conversation_replay(h, 0, &final, &failed, &err) == EVENTC_OK);
    CHECK(final == MSG_CONVERSATION_NONE);
    CHECK(msg_conversation_replay(NULL, 0, &final, &failed, &err) == EVENTC_OK);

    /* Closed twice: the second fails; final is the state before it. */
    h[3] = event_of(MSG_EVENT_CONVERSATION_CLOSED, MSG_CONVERSATION_STATUS_OPEN);
    CHECK(msg_conversation_replay(h, 6, &final, &failed, &err) == EVENTC_E_STATE);
    CHECK(failed == 3);
    CHECK(final == MSG_CONVERSATION_CLOSED);
    CHECK_STR(err.message, "ConversationClosed is not allowed in state closed (allowed in: open)");
    CHECK(msg_conversation_replay(h, 6, NULL, NULL, NULL) == EVENTC_E_STATE);

    /* Created archived: only keeping events and ConversationArchived are allowed after it. */
    h[0] = event_of(MSG_EVENT_CONVERSATION_CREATED, MSG_CONVERSATION_STATUS_ARCHIVED);
    h[1] = event_of(MSG_EVENT_CONVERSATION_UPDATED, MSG_CONVERSATION_STATUS_OPEN);
    h[2] = event_of(MSG_EVENT_CONVERSATION_REOPENED, MSG_CONVERSATION_STATUS_OPEN);
    CHECK(msg_conversation_replay(h, 3, &final, &failed, &err) == EVENTC_E_STATE);
    CHECK(failed == 2);
    CHECK(final == MSG_CONVERSATION_ARCHIVED);
    CHECK_STR(err.message,
              "ConversationReopened is not allowed in state archived (allowed in: closed)");

    /* An event of another aggregate in the history. */
    h[1] = event_of(MSG_EVENT_CUSTOMER_CREATED, MSG_CONVERSATION_STATUS_OPEN);
    CHECK(msg_conversation_replay(h, 3, &final, &failed, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(failed == 1);

    /* A channel mapped, unmapped and mapped again; a contact deleted, then updated. */
    msg_channel_state cs;
    msg_event c[3];
    c[0] = event_of(MSG_EVENT_CHANNEL_MAPPED, MSG_CONVERSATION_STATUS_OPEN);
    c[1] = event_of(MSG_EVENT_CHANNEL_UNMAPPED, MSG_CONVERSATION_STATUS_OPEN);
    c[2] = event_of(MSG_EVENT_CHANNEL_MAPPED, MSG_CONVERSATION_STATUS_OPEN);
    CHECK(msg_channel_replay(c, 3, &cs, &failed, &err) == EVENTC_OK);
    CHECK(cs == MSG_CHANNEL_MAPPED);
    msg_contact_state ks;
    c[0] = event_of(MSG_EVENT_CONTACT_CREATED, MSG_CONVERSATION_STATUS_OPEN);
    c[1] = event_of(MSG_EVENT_CONTACT_DELETED, MSG_CONVERSATION_STATUS_OPEN);
    c[2] = event_of(MSG_EVENT_CONTACT_UPDATED, MSG_CONVERSATION_STATUS_OPEN);
    CHECK(msg_contact_replay(c, 3, &ks, &failed, &err) == EVENTC_E_STATE);
    CHECK(ks == MSG_CONTACT_DELETED && failed == 2);
    CHECK_STR(err.message, "ContactUpdated is not allowed in state deleted (allowed in: active)");
}

static void test_arguments(void)
{
    eventc_error err;
    msg_conversation_state next = MSG_CONVERSATION_OPEN;
    msg_event ev = event_of(MSG_EVENT_CONVERSATION_CLOSED, MSG_CONVERSATION_STATUS_OPEN);
    CHECK(msg_conversation_apply(MSG_CONVERSATION_OPEN, NULL, &next, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    CHECK(msg_conversation_apply(MSG_CONVERSATION_OPEN, &ev, NULL, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    CHECK(msg_conversation_apply((msg_conversation_state)9, &ev, &next, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    CHECK_STR(err.message, "9 is not a state of Conversation");
    ev.kind = MSG_EVENT_NONE;
    CHECK(msg_conversation_apply(MSG_CONVERSATION_OPEN, &ev, &next, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    CHECK(next == MSG_CONVERSATION_OPEN);
    /* A status outside its enum names no state. */
    ev = event_of(MSG_EVENT_CONVERSATION_CREATED, (msg_conversation_status)3);
    CHECK(msg_conversation_apply(MSG_CONVERSATION_NONE, &ev, &next, &err) == EVENTC_E_ENUM);
    CHECK_STR(err.path, "$.status");
    CHECK(msg_conversation_replay(NULL, 2, NULL, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    /* next may point to the state itself. */
    next = MSG_CONVERSATION_OPEN;
    ev = event_of(MSG_EVENT_CONVERSATION_CLOSED, MSG_CONVERSATION_STATUS_OPEN);
    CHECK(msg_conversation_apply(next, &ev, &next, NULL) == EVENTC_OK);
    CHECK(next == MSG_CONVERSATION_CLOSED);
}

/* The examples of the catalog, decoded, replayed as one history per aggregate in the order a
 * producer would emit them. */
static void test_examples(const char *dir)
{
    static const char *const files[] = {"conversation_created", "conversation_participant_added",
                                        "conversation_updated", "conversation_participant_removed",
                                        "conversation_closed",  "conversation_reopened",
                                        "conversation_archived"};
    msg_event h[7];
    memset(h, 0, sizeof h);
    for (size_t i = 0; i < 7; i++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/catalog/examples/%s.example.json", dir, files[i]);
        FILE *f = fopen(path, "rb");
        CHECK(f != NULL);
        if (!f)
            return;
        char buf[8192];
        size_t len = fread(buf, 1, sizeof buf, f);
        fclose(f);
        eventc_error err;
        CHECK(msg_event_from_json(&h[i], buf, len, &err) == EVENTC_OK);
    }
    msg_conversation_state final;
    size_t failed;
    eventc_error err;
    CHECK(msg_conversation_replay(h, 7, &final, &failed, &err) == EVENTC_OK);
    CHECK(final == MSG_CONVERSATION_ARCHIVED);
    for (size_t i = 0; i < 7; i++)
        msg_event_clear(&h[i]);
}

int main(int argc, char **argv)
{
    test_matrices();
    test_names();
    test_replay();
    test_arguments();
    test_examples(argc > 1 ? argv[1] : ".");
    return check_report();
}
