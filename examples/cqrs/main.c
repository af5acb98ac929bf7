/* CQRS with the typed messaging layer: a command handler (the write side) checks commands against
 * its own state and emits domain events with the generated publish helpers; a subscriber (the
 * read side) keeps a read model with the generated typed handlers, behind a deduplicator and the
 * lifecycle guard, on the in-memory bus. Everything runs on this thread, so the output is the
 * same on every run. */
#include "accounts_messaging.h"

#include <eventc/bus.h>
#include <eventc/lifecycle_guard.h>
#include <eventc/middleware.h>

#include <stdio.h>
#include <string.h>

#define MAX_USERS 16

/* ---- the write side: commands in, events out ---- */

typedef struct write_model {
    struct {
        char id[32];
        acc_user_state state;
    } users[MAX_USERS];
    int n;
    eventc_publisher *pub; /* where the events go */
} write_model;

static acc_user_state *find_state(write_model *w, const char *id)
{
    for (int i = 0; i < w->n; i++)
        if (strcmp(w->users[i].id, id) == 0)
            return &w->users[i].state;
    return NULL;
}

/* Applies the event the command produced to the write model, then publishes it: the write model
 * never holds a state the lifecycle forbids, since acc_user_apply refuses the transition. */
static int commit(write_model *w, const char *id, const acc_event *ev, eventc_error *err)
{
    acc_user_state *s = find_state(w, id);
    acc_user_state next = ACC_USER_NONE;
    if (acc_user_apply(s ? *s : ACC_USER_NONE, ev, &next, err) != EVENTC_OK)
        return -1;
    if (acc_event_publish(w->pub, NULL, ev, err) != EVENTC_OK)
        return -1;
    if (s == NULL && w->n < MAX_USERS) {
        snprintf(w->users[w->n].id, sizeof w->users[w->n].id, "%s", id);
        s = &w->users[w->n++].state;
    }
    if (s)
        *s = next;
    return 0;
}

static void report(const char *command, int rc, const eventc_error *err)
{
    if (rc == 0)
        printf("command %s: ok\n", command);
    else
        printf("command %s: refused: %s\n", command, err->message);
}

static void register_user(write_model *w, const char *id, const char *email, const char *name)
{
    acc_event ev = {ACC_EVENT_NONE};
    eventc_error err;
    int rc = -1;
    if (find_state(w, id) != NULL) {
        eventc_error_set(&err, EVENTC_E_CONFLICT, NULL, "user %s exists", id);
    } else if (acc_user_registered_init(&ev.as.user_registered, "admin", id, email, name, &err) ==
               EVENTC_OK) {
        ev.kind = ACC_EVENT_USER_REGISTERED;
        rc = commit(w, id, &ev, &err);
    }
    char what[128];
    snprintf(what, sizeof what, "register %s %s", id, name);
    report(what, rc, &err);
    acc_event_clear(&ev);
}

static void rename_user(write_model *w, const char *id, const char *name)
{
    acc_event ev = {ACC_EVENT_NONE};
    eventc_error err;
    int rc = -1;
    if (acc_user_renamed_init(&ev.as.user_renamed, "admin", id, name, &err) == EVENTC_OK) {
        ev.kind = ACC_EVENT_USER_RENAMED;
        rc = commit(w, id, &ev, &err);
    }
    char what[128];
    snprintf(what, sizeof what, "rename %s %s", id, name);
    report(what, rc, &err);
    acc_event_clear(&ev);
}

static void deactivate_user(write_model *w, const char *id)
{
    acc_event ev = {ACC_EVENT_NONE};
    eventc_error err;
    int rc = -1;
    if (acc_user_deactivated_init(&ev.as.user_deactivated, "admin", id, &err) == EVENTC_OK) {
        ev.kind = ACC_EVENT_USER_DEACTIVATED;
        rc = commit(w, id, &ev, &err);
    }
    char what[128];
    snprintf(what, sizeof what, "deactivate %s", id);
    report(what, rc, &err);
    acc_event_clear(&ev);
}

/* ---- the read side: events in, a read model out ---- */

typedef struct read_model {
    struct {
        char id[32];
        char name[101];
        char email[101];
        int active;
        int renames;
    } users[MAX_USERS];
    int n;
} read_model;

static int row_of(read_model *rm, const char *id)
{
    for (int i = 0; i < rm->n; i++)
        if (strcmp(rm->users[i].id, id) == 0)
            return i;
    return -1;
}

static int on_registered(const acc_user_registered *ev, const eventc_message *m, void *ctx)
{
    (void)m;
    read_model *rm = ctx;
    if (rm->n == MAX_USERS)
        return EVENTC_E_FULL;
    int i = rm->n++;
    snprintf(rm->users[i].id, sizeof rm->users[i].id, "%s", ev->user_id);
    snprintf(rm->users[i].name, sizeof rm->users[i].name, "%s", ev->name);
    snprintf(rm->users[i].email, sizeof rm->users[i].email, "%s", ev->email);
    rm->users[i].active = 1;
    return 0;
}

static int on_renamed(const acc_user_renamed *ev, const eventc_message *m, void *ctx)
{
    (void)m;
    read_model *rm = ctx;
    int i = row_of(rm, ev->user_id);
    if (i < 0)
        return EVENTC_E_STATE; /* the guard makes this impossible */
    snprintf(rm->users[i].name, sizeof rm->users[i].name, "%s", ev->name);
    rm->users[i].renames++;
    return 0;
}

static int on_deactivated(const acc_user_deactivated *ev, const eventc_message *m, void *ctx)
{
    (void)m;
    read_model *rm = ctx;
    int i = row_of(rm, ev->user_id);
    if (i < 0)
        return EVENTC_E_STATE;
    rm->users[i].active = 0;
    return 0;
}

static int on_reactivated(const acc_user_reactivated *ev, const eventc_message *m, void *ctx)
{
    (void)m;
    read_model *rm = ctx;
    int i = row_of(rm, ev->user_id);
    if (i < 0)
        return EVENTC_E_STATE;
    rm->users[i].active = 1;
    return 0;
}

static void query(const read_model *rm)
{
    puts("read model:");
    for (int i = 0; i < rm->n; i++)
        printf("  %-4s %-14s %-20s %s (%d rename%s)\n", rm->users[i].id, rm->users[i].name,
               rm->users[i].email, rm->users[i].active ? "active" : "deactivated",
               rm->users[i].renames, rm->users[i].renames == 1 ? "" : "s");
}

/* ---- wiring ---- */

static void drain(eventc_router *router)
{
    size_t handled;
    eventc_error err;
    do {
        handled = 0;
        if (eventc_router_run_once(router, 0, &handled, &err) != EVENTC_OK)
            break;
    } while (handled > 0);
}

static int use(eventc_router *router, eventc_status st, eventc_middleware *mw, eventc_error *err)
{
    return st == EVENTC_OK && eventc_router_use(router, mw, err) == EVENTC_OK ? 0 : -1;
}

int main(void)
{
    eventc_error err;
    eventc_bus *bus = eventc_bus_new(NULL, &err);
    eventc_publisher *pub = bus ? eventc_bus_publisher(bus) : NULL;
    eventc_subscriber *dead = bus ? eventc_bus_subscriber(bus) : NULL;
    eventc_dedupe_store *dedupe = eventc_memory_dedupe_new(NULL);
    eventc_state_store *states = eventc_memory_state_new(NULL);
    eventc_router *router = eventc_router_new(NULL, &err);
    if (!pub || !dead || !dedupe || !states || !router ||
        eventc_subscriber_subscribe(dead, "accounts.deadletter", "audit", &err) != EVENTC_OK) {
        fprintf(stderr, "setup failed\n");
        return 1;
    }

    /* The read side: dead letter, deduplicator, lifecycle guard, then the typed handlers. */
    eventc_middleware mw;
    eventc_deadletter_config dl = {pub, "accounts.deadletter", 0};
    eventc_dedupe_config dc = {dedupe, "read-model", 0, 0};
    eventc_lifecycle_guard_config gc = {&acc_catalog_desc, states, NULL, NULL, NULL};
    read_model rm;
    memset(&rm, 0, sizeof rm);
    acc_handlers handlers;
    memset(&handlers, 0, sizeof handlers);
    handlers.user_registered = on_registered;
    handlers.user_renamed = on_renamed;
    handlers.user_deactivated = on_deactivated;
    handlers.user_reactivated = on_reactivated;
    eventc_typed_config tc = eventc_typed_config_default();
    tc.name = "read-model";
    tc.group = "read-model";
    tc.new_subscriber = eventc_bus_subscriber_factory;
    tc.subscriber_ctx = bus;
    eventc_typed *typed = NULL;
    if (use(router, eventc_deadletter_middleware(&dl, &mw, &err), &mw, &err) != 0 ||
        use(router, eventc_dedupe_middleware(&dc, &mw, &err), &mw, &err) != 0 ||
        use(router, eventc_lifecycle_guard_middleware(&gc, &mw, &err), &mw, &err) != 0 ||
        acc_router_add_handlers(router, &handlers, &rm, &tc, &typed, &err) != EVENTC_OK) {
        fprintf(stderr, "wiring failed: %s\n", err.message);
        return 1;
    }

    /* The write side handles commands; the read side catches up after each. */
    write_model w;
    memset(&w, 0, sizeof w);
    w.pub = pub;
    register_user(&w, "u1", "ada@example.com", "Ada");
    register_user(&w, "u1", "ada@example.com", "Ada");
    rename_user(&w, "u1", "Ada Lovelace");
    register_user(&w, "u2", "grace@example.com", "Grace Hopper");
    deactivate_user(&w, "u1");
    rename_user(&w, "u1", "Countess");
    drain(router);

    /* What a transport may do: deliver an event twice, or carry one no command produced. */
    acc_event ev = {ACC_EVENT_NONE};
    if (acc_user_registered_init(&ev.as.user_registered, "admin", "u3", "alan@example.com",
                                 "Alan Turing", &err) == EVENTC_OK) {
        ev.kind = ACC_EVENT_USER_REGISTERED;
        if (acc_event_publish(pub, NULL, &ev, &err) == EVENTC_OK &&
            acc_event_publish(pub, NULL, &ev, &err) == EVENTC_OK)
            puts("delivered UserRegistered of u3 twice");
    }
    acc_event_clear(&ev);
    if (acc_user_reactivated_init(&ev.as.user_reactivated, "intruder", "u2", &err) == EVENTC_OK) {
        ev.kind = ACC_EVENT_USER_REACTIVATED;
        if (acc_event_publish(pub, NULL, &ev, &err) == EVENTC_OK)
            puts("delivered UserReactivated of u2, which is active");
    }
    acc_event_clear(&ev);
    drain(router);

    query(&rm);
    puts("dead letters:");
    eventc_message *got[8];
    size_t n = 0;
    while (eventc_subscriber_fetch(dead, 8, 0, got, &n, &err) == EVENTC_OK && n > 0) {
        for (size_t i = 0; i < n; i++) {
            const eventc_ce_value *why = eventc_ce_get_ext(&got[i]->event, EVENTC_DLQ_REASON);
            printf("  %s\n", why ? why->str : "?");
            if (eventc_subscriber_ack(dead, got[i], &err) != EVENTC_OK)
                return 1;
        }
    }

    eventc_router_free(router);
    eventc_typed_free(typed);
    eventc_subscriber_destroy(dead);
    eventc_publisher_close(pub);
    eventc_bus_free(bus);
    eventc_dedupe_close(dedupe);
    eventc_state_store_close(states);
    return 0;
}
