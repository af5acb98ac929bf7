/* The store suite every backend runs (test_store_sqlite.c, test_store_postgres.c): appends with
 * optimistic concurrency and lifecycle checks, loads and replays, the outbox in the store's
 * transaction and in the application's own, the relay's order, failures and dead letters, and
 * retention. A backend gives its URL, a way to run raw SQL and a business transaction. */
#ifndef EVENTC_TESTS_STORE_CASES_H
#define EVENTC_TESTS_STORE_CASES_H

#include "check.h"
#include "messaging.h"
#include "messaging_messaging.h"
#include "store_events.h"
#include "test_publisher.h"

#include <eventc/store.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/** What the suite needs from a backend. */
typedef struct store_backend {
    const char *url;
    /** Runs @p sql (no result) on a connection of the backend's own; 0 on success. */
    int (*sql)(void *ctx, const char *sql);
    /** Inserts a business row and the outbox row of @p ev in one application transaction on the
     *  application's own connection, committed or rolled back; the outbox call's status. */
    eventc_status (*app_tx)(void *ctx, const msg_event *ev, bool commit);
    void *ctx;
} store_backend;

static int64_t sc_pending(eventc_store *s)
{
    int64_t n = -1;
    CHECK(eventc_store_outbox_pending(s, &n, NULL) == EVENTC_OK);
    return n;
}

static int64_t sc_version(eventc_store *s, const char *type, const char *id, const char **state)
{
    int64_t v = -1;
    CHECK(eventc_store_load(s, type, id, 0, store_events_count, &(int){0}, &v, state, NULL) ==
          EVENTC_OK);
    return v;
}

static eventc_status sc_append(eventc_store *s, const char *id, int64_t expected,
                               const char *const *names, size_t n, int64_t *version,
                               eventc_error *err)
{
    msg_event evs[8];
    const void *ptrs[8];
    for (size_t i = 0; i < n; i++) {
        store_event_make(&evs[i], names[i], id, (int)i);
        ptrs[i] = &evs[i];
    }
    eventc_status st = eventc_store_append(s, "Customer", id, expected, ptrs, n, version, err);
    for (size_t i = 0; i < n; i++)
        msg_event_clear(&evs[i]);
    return st;
}

static void case_append_load(eventc_store *s)
{
    eventc_error err;
    int64_t v = -1;
    msg_event ev;
    store_event_make(&ev, "CustomerCreated", "c-1", 0);
    const void *one[] = {&ev};
    CHECK(eventc_store_append(s, "Customer", "c-1", 0, one, 1, &v, &err) == EVENTC_OK);
    CHECK(v == 1);
    const char *state = NULL;
    CHECK(sc_version(s, "Customer", "c-1", &state) == 1);
    CHECK_STR(state, "enabled");
    /* The stored JSON is the event's canonical JSON. */
    eventc_buf want;
    eventc_buf_init(&want, NULL);
    CHECK(eventc_catalog_to_json(&msg_catalog_desc, &ev, &want, NULL) == EVENTC_OK);
    store_events_collect got = {{0}, 0};
    CHECK(eventc_store_load(s, "Customer", "c-1", 0, store_events_keep, &got, NULL, NULL, NULL) ==
          EVENTC_OK);
    CHECK(got.n == 1);
    CHECK_STR(got.json[0], eventc_buf_cstr(&want));
    store_events_collect_free(&got);
    eventc_buf_free(&want);
    msg_event_clear(&ev);

    /* Another writer got there first: conflict with the actual version, nothing written. */
    int64_t before = sc_pending(s);
    const char *updated[] = {"CustomerUpdated"};
    v = -1;
    CHECK(sc_append(s, "c-1", 0, updated, 1, &v, &err) == EVENTC_E_CONFLICT);
    CHECK(v == 1);
    CHECK(sc_version(s, "Customer", "c-1", NULL) == 1);
    CHECK(sc_pending(s) == before);

    /* Several events at once, in order; then any version. */
    const char *more[] = {"CustomerDisabled", "CustomerUpdated", "CustomerEnabled"};
    CHECK(sc_append(s, "c-1", 1, more, 3, &v, &err) == EVENTC_OK);
    CHECK(v == 4);
    CHECK(sc_append(s, "c-1", EVENTC_STORE_ANY_VERSION, updated, 1, &v, &err) == EVENTC_OK);
    CHECK(v == 5);
    CHECK(sc_pending(s) == before + 4);

    /* The generated replay folds what load_events returns. */
    void *events = NULL;
    size_t n = 0;
    CHECK(eventc_store_load_events(s, "Customer", "c-1", &events, &n, &v, &err) == EVENTC_OK);
    CHECK(n == 5 && v == 5);
    msg_customer_state final = MSG_CUSTOMER_NONE;
    CHECK(msg_customer_replay(events, n, &final, NULL, &err) == EVENTC_OK);
    CHECK(final == MSG_CUSTOMER_ENABLED);
    CHECK(((const msg_event *)events)[1].kind == MSG_EVENT_CUSTOMER_DISABLED);
    eventc_store_events_free(s, events, n);

    /* Loading after a version gives the rest; a missing stream is empty, version 0. */
    int count = 0;
    CHECK(eventc_store_load(s, "Customer", "c-1", 3, store_events_count, &count, &v, NULL, NULL) ==
          EVENTC_OK);
    CHECK(count == 2);
    CHECK(sc_version(s, "Customer", "nobody", &state) == 0);
    CHECK_STR(state, "none");
}

static void case_refused(eventc_store *s)
{
    eventc_error err;
    int64_t before = sc_pending(s);
    int64_t v = -1;
    /* The lifecycle forbids: enabled -> enabled. Nothing of the batch is written. */
    const char *ok_then_bad[] = {"CustomerCreated", "CustomerUpdated", "CustomerEnabled"};
    CHECK(sc_append(s, "c-2", 0, ok_then_bad, 3, &v, &err) == EVENTC_E_STATE);
    CHECK(strstr(err.message, "CustomerEnabled is not allowed in state enabled") != NULL);
    CHECK_STR(err.path, "[2]");
    CHECK(sc_version(s, "Customer", "c-2", NULL) == 0);
    CHECK(sc_pending(s) == before);
    /* An event before the aggregate exists. */
    const char *disabled[] = {"CustomerDisabled"};
    CHECK(sc_append(s, "c-2", 0, disabled, 1, &v, &err) == EVENTC_E_STATE);
    CHECK(sc_version(s, "Customer", "c-2", NULL) == 0);
    /* An event of another stream, an invalid event: refused before anything is written. */
    msg_event ev;
    store_event_make(&ev, "CustomerCreated", "c-3", 0);
    const void *one[] = {&ev};
    CHECK(eventc_store_append(s, "Customer", "c-2", 0, one, 1, &v, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_store_append(s, "Contact", "c-3", 0, one, 1, &v, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    msg_event_clear(&ev);
    store_event_make(&ev, "CustomerCreated", "c-3", 0);
    const char *name = ev.as.customer_created.name;
    ev.as.customer_created.name = ""; /* min_length 1 */
    CHECK(eventc_store_append(s, "Customer", "c-3", 0, one, 1, &v, &err) == EVENTC_E_MIN_LENGTH);
    ev.as.customer_created.name = name;
    msg_event_clear(&ev);
    CHECK(sc_version(s, "Customer", "c-3", NULL) == 0);
    CHECK(sc_pending(s) == before);
}

/* Publishes everything pending; returns the rounds' total sent. */
static size_t sc_drain(eventc_store *s, eventc_publisher *pub)
{
    eventc_relay_stats stats = {0, 0, 0};
    eventc_relay_config rc = eventc_relay_config_default();
    rc.owner = "suite";
    for (int i = 0; i < 1000 && sc_pending(s) > 0; i++) {
        eventc_error err;
        if (eventc_store_relay_once(s, pub, &rc, &stats, &err) != EVENTC_OK) {
            fprintf(stderr, "relay: %s\n", err.message);
            break;
        }
    }
    return stats.sent;
}

static void case_relay(eventc_store *s, const store_backend *b, eventc_manual_clock *mc)
{
    test_publisher tp;
    test_publisher_init(&tp);
    sc_drain(s, &tp.base);
    test_publisher_reset(&tp);

    /* Two aggregates, interleaved appends: each keeps its order. */
    int64_t v;
    eventc_error err;
    const char *created[] = {"CustomerCreated"};
    const char *upd[] = {"CustomerUpdated", "CustomerUpdated"};
    CHECK(sc_append(s, "r-a", 0, created, 1, &v, &err) == EVENTC_OK);
    CHECK(sc_append(s, "r-b", 0, created, 1, &v, &err) == EVENTC_OK);
    CHECK(sc_append(s, "r-a", 1, upd, 2, &v, &err) == EVENTC_OK);
    CHECK(sc_append(s, "r-b", 1, upd, 2, &v, &err) == EVENTC_OK);
    CHECK(sc_pending(s) == 6);
    /* The publisher refuses the second message of r-a once: r-a's later rows wait. */
    tp.fail_key = "r-a";
    tp.fail_at = 2;
    eventc_relay_config rc = eventc_relay_config_default();
    rc.owner = "suite";
    eventc_relay_stats stats = {0, 0, 0};
    CHECK(eventc_store_relay_once(s, &tp.base, &rc, &stats, &err) == EVENTC_E_UNAVAILABLE);
    CHECK(stats.sent == 4);
    CHECK(stats.deferred == 2);
    CHECK(sc_pending(s) == 2);
    CHECK(sc_drain(s, &tp.base) == 2);
    CHECK(sc_pending(s) == 0);
    /* Per key: versions in order, r-a's second one twice (the refused try counts nothing). */
    CHECK(test_publisher_in_order(&tp, "r-a", 3));
    CHECK(test_publisher_in_order(&tp, "r-b", 3));
    CHECK(tp.n == 6);
    CHECK_STR(tp.topic[0], "com.example.messaging.customer");

    /* A corrupt row is dead-lettered with its reason; the aggregate's next row still goes. */
    CHECK(sc_append(s, "r-c", 0, created, 1, &v, &err) == EVENTC_OK);
    CHECK(b->sql(b->ctx, "UPDATE eventc_outbox SET payload = '{\"id\": 1' WHERE aggregateid = "
                         "'r-c' AND sent_ms IS NULL") == 0);
    CHECK(sc_append(s, "r-c", 1, upd, 1, &v, &err) == EVENTC_OK);
    test_publisher_reset(&tp);
    stats = (eventc_relay_stats){0, 0, 0};
    CHECK(eventc_store_relay_once(s, &tp.base, &rc, &stats, &err) == EVENTC_OK);
    CHECK(stats.dead == 1 && stats.sent == 1);
    CHECK(strstr(err.message, "r-c") != NULL);
    int64_t dead = 0;
    CHECK(eventc_store_outbox_dead(s, &dead, NULL) == EVENTC_OK);
    CHECK(dead == 1);
    CHECK(sc_pending(s) == 0);

    /* Retention: sent rows go once older than the setting. */
    int64_t deleted = -1;
    CHECK(eventc_store_outbox_cleanup(s, 60000, &deleted, &err) == EVENTC_OK);
    CHECK(deleted == 0);
    eventc_manual_clock_advance(mc, 60001);
    CHECK(eventc_store_outbox_cleanup(s, 60000, &deleted, &err) == EVENTC_OK);
    CHECK(deleted > 0);
    test_publisher_free(&tp);
}

/* Marks the pending rows of @p id claimed by @p owner until @p until: a relay that claimed them
 * and died. */
static void sc_claimed(const store_backend *b, const char *id, const char *owner, int64_t until)
{
    char sql[256];
    snprintf(sql, sizeof(sql),
             "UPDATE eventc_outbox SET claimed_by = '%s', claim_until = %lld WHERE aggregateid = "
             "'%s' AND sent_ms IS NULL",
             owner, (long long)until, id);
    CHECK(b->sql(b->ctx, sql) == 0);
}

static void case_claims(eventc_store *s, const store_backend *b, eventc_manual_clock *mc)
{
    /* A relay that claimed and died holds its aggregates until its lease ends; a relay of the
     * same name takes them back at once. */
    int64_t v;
    eventc_error err;
    const char *created[] = {"CustomerCreated"};
    int64_t now = eventc_clock_now(eventc_manual_clock_get(mc));
    CHECK(sc_append(s, "l-a", 0, created, 1, &v, &err) == EVENTC_OK);
    CHECK(sc_append(s, "l-b", 0, created, 1, &v, &err) == EVENTC_OK);
    sc_claimed(b, "l-a", "relay-a", now + 10000);
    sc_claimed(b, "l-b", "relay-a", now + 10000);
    eventc_relay_config a = eventc_relay_config_default();
    a.owner = "relay-a";
    a.batch = 1;
    eventc_relay_config other = a;
    other.owner = "relay-b";
    test_publisher tp;
    test_publisher_init(&tp);
    eventc_relay_stats stats = {0, 0, 0};
    CHECK(eventc_store_relay_once(s, &tp.base, &other, &stats, &err) == EVENTC_OK);
    CHECK(stats.sent == 0);
    CHECK(eventc_store_relay_once(s, &tp.base, &a, &stats, &err) == EVENTC_OK);
    CHECK(stats.sent == 1);
    eventc_manual_clock_advance(mc, 10001);
    CHECK(eventc_store_relay_once(s, &tp.base, &other, &stats, &err) == EVENTC_OK);
    CHECK(stats.sent == 2);
    CHECK(sc_pending(s) == 0);
    test_publisher_free(&tp);
}

static void case_app_tx(eventc_store *s, const store_backend *b)
{
    int64_t before = sc_pending(s);
    msg_event ev;
    store_event_make(&ev, "CustomerCreated", "tx-1", 0);
    /* Rolled back: no business row, no outbox row. Committed: both. */
    CHECK(b->app_tx(b->ctx, &ev, false) == EVENTC_OK);
    CHECK(sc_pending(s) == before);
    CHECK(b->app_tx(b->ctx, &ev, true) == EVENTC_OK);
    CHECK(sc_pending(s) == before + 1);
    msg_event_clear(&ev);
    /* An invalid event writes nothing. */
    store_event_make(&ev, "CustomerCreated", "tx-2", 0);
    const char *name = ev.as.customer_created.name;
    ev.as.customer_created.name = "";
    CHECK(b->app_tx(b->ctx, &ev, true) == EVENTC_E_MIN_LENGTH);
    ev.as.customer_created.name = name;
    msg_event_clear(&ev);
    CHECK(sc_pending(s) == before + 1);
    test_publisher tp;
    test_publisher_init(&tp);
    CHECK(sc_drain(s, &tp.base) == (size_t)(before + 1));
    test_publisher_free(&tp);
}

/** Runs the suite on a fresh database at b->url. */
static void store_cases(const store_backend *b)
{
    eventc_manual_clock *mc = eventc_manual_clock_new(1700000000000);
    eventc_store_config cfg = eventc_store_config_default();
    cfg.catalog = &msg_catalog_desc;
    cfg.clock = eventc_manual_clock_get(mc);
    eventc_error err;
    eventc_store *s = eventc_store_open(b->url, &cfg, &err);
    CHECK(s != NULL);
    if (s == NULL) {
        fprintf(stderr, "open %s: %s\n", b->url, err.message);
        eventc_manual_clock_free(mc);
        return;
    }
    /* Opening again finds the schema in place. */
    eventc_store *again = eventc_store_open(b->url, &cfg, &err);
    CHECK(again != NULL);
    eventc_store_close(again);
    case_append_load(s);
    case_refused(s);
    case_relay(s, b, mc);
    case_claims(s, b, mc);
    case_app_tx(s, b);
    /* A database written by a newer schema is refused, not misread. */
    CHECK(b->sql(b->ctx, "INSERT INTO eventc_store_schema (version) VALUES (99)") == 0);
    CHECK(eventc_store_open(b->url, &cfg, &err) == NULL);
    CHECK(err.code == EVENTC_E_UNSUPPORTED);
    eventc_store_close(s);
    eventc_manual_clock_free(mc);
}

#endif
