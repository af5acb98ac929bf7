/* What the relay crash tests share (test_store_crash.c through a pipe, test_store_crash_nats.c
 * through NATS JetStream): the history of 10,000 events of 50 aggregates in a SQLite store, and
 * the consumer's checks: every event delivered at least once, per aggregate every new event after
 * all earlier ones (repeats allowed), each handled exactly once after the deduplicator. */
#ifndef EVENTC_TESTS_CRASH_COMMON_H
#define EVENTC_TESTS_CRASH_COMMON_H

#include "check.h"
#include "store_events.h"

#include <eventc/dedupe.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

enum { CRASH_AGGS = 50, CRASH_EVENTS = 10000, CRASH_PER_APPEND = 20 };

typedef struct crash_consumer {
    long base; /* store_event_seq before the history: event i has sequence base + i */
    long delivered[CRASH_EVENTS + 1];
    long handled[CRASH_EVENTS + 1];
    long max_seen[CRASH_AGGS];
    long violations;
    eventc_dedupe_store *dedupe;
} crash_consumer;

/** Opens the store at @p url and appends the history: each aggregate `k-<i>` created, then
 *  updated in batches, round-robin; events numbered 1..CRASH_EVENTS in append order. */
static inline eventc_store *crash_history(const char *url, crash_consumer *c)
{
    eventc_store_config cfg = eventc_store_config_default();
    cfg.catalog = &msg_catalog_desc;
    cfg.sqlite_sync_normal = true; /* the test crashes processes, not the machine */
    eventc_error err;
    eventc_store *s = eventc_store_open(url, &cfg, &err);
    CHECK(s != NULL);
    if (s == NULL)
        return NULL;
    memset(c, 0, sizeof(*c));
    c->base = store_event_seq;
    c->dedupe = eventc_memory_dedupe_new(NULL);
    int64_t version[CRASH_AGGS] = {0};
    long made = 0;
    for (int round = 0; made < CRASH_EVENTS; round++) {
        for (int a = 0; a < CRASH_AGGS && made < CRASH_EVENTS; a++) {
            char id[16];
            snprintf(id, sizeof(id), "k-%d", a);
            msg_event evs[CRASH_PER_APPEND];
            const void *ptrs[CRASH_PER_APPEND];
            size_t n = 0;
            for (; n < CRASH_PER_APPEND && made < CRASH_EVENTS; n++, made++) {
                const char *name = round == 0 && n == 0 ? "CustomerCreated" : "CustomerUpdated";
                store_event_make(&evs[n], name, id, 0);
                ptrs[n] = &evs[n];
            }
            CHECK(eventc_store_append(s, "Customer", id, version[a], ptrs, n, &version[a], &err) ==
                  EVENTC_OK);
            for (size_t i = 0; i < n; i++)
                msg_event_clear(&evs[i]);
        }
    }
    return s;
}

/** One delivery of event @p event_id with key @p key. */
static inline void crash_consume(crash_consumer *c, const char *key, const char *event_id)
{
    int agg = -1;
    long seq = store_event_id_seq(event_id) - c->base;
    if (key == NULL || sscanf(key, "k-%d", &agg) != 1 || agg < 0 || agg >= CRASH_AGGS || seq < 1 ||
        seq > CRASH_EVENTS) {
        fprintf(stderr, "unexpected event %s of %s\n", event_id, key ? key : "(no key)");
        c->violations++;
        return;
    }
    if (c->delivered[seq]++ == 0) {
        if (seq <= c->max_seen[agg]) {
            fprintf(stderr, "out of order on k-%d: %ld after %ld\n", agg, seq, c->max_seen[agg]);
            c->violations++;
        }
        c->max_seen[agg] = seq;
    }
    eventc_dedupe_result r;
    uint64_t token;
    if (eventc_dedupe_claim(c->dedupe, event_id, strlen(event_id), 60000, &r, &token, NULL) ==
            EVENTC_OK &&
        r == EVENTC_DEDUPE_CLAIMED) {
        c->handled[seq]++;
        CHECK(eventc_dedupe_commit(c->dedupe, event_id, strlen(event_id), token, NULL) ==
              EVENTC_OK);
    }
}

/** @return how many distinct events arrived so far. */
static inline long crash_distinct(const crash_consumer *c)
{
    long n = 0;
    for (long i = 1; i <= CRASH_EVENTS; i++)
        n += c->delivered[i] > 0;
    return n;
}

/** Counts a relay run that ended with wait status @p status: a kill, or the relay's own end.
 *  @return whether the relay finished (exit status 0: nothing pending). */
static inline bool crash_run_ended(int status, int *kills)
{
    if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) {
        (*kills)++;
        return false;
    }
    if (WIFEXITED(status))
        CHECK(WEXITSTATUS(status) == 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/** Checks and prints the outcome; releases the consumer's deduplicator. */
static inline void crash_report(crash_consumer *c, eventc_store *s, const char *how, int kills,
                                int runs)
{
    long missing = 0, not_once = 0, repeats = 0;
    for (long i = 1; i <= CRASH_EVENTS; i++) {
        missing += c->delivered[i] == 0;
        repeats += c->delivered[i] > 1 ? c->delivered[i] - 1 : 0;
        not_once += c->handled[i] != 1;
    }
    int64_t pending = -1;
    CHECK(eventc_store_outbox_pending(s, &pending, NULL) == EVENTC_OK);
    printf("crash (%s): %d events, %d kills, %d runs, %ld redeliveries, %ld missing, %ld not "
           "handled once, %ld order violations\n",
           how, CRASH_EVENTS, kills, runs, repeats, missing, not_once, c->violations);
    CHECK(pending == 0);
    CHECK(kills >= 3);
    CHECK(missing == 0);
    CHECK(not_once == 0);
    CHECK(c->violations == 0);
    eventc_dedupe_close(c->dedupe);
}

#endif
