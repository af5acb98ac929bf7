/* Events of the messaging catalog's Customer aggregate for the store tests, and load callbacks.
 * Each event's id carries a sequence number (`evt-<seq>-...`) that grows with every event made,
 * so a consumer can check the order it sees. */
#ifndef EVENTC_TESTS_STORE_EVENTS_H
#define EVENTC_TESTS_STORE_EVENTS_H

#include "messaging.h"
#include "messaging_messaging.h"

#include <eventc/store.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static long store_event_seq;

/** Fills @p ev (released first) with a Customer event named @p name of customer @p id. */
static inline void store_event_make(msg_event *ev, const char *name, const char *id, int n)
{
    char json[1024];
    const char *fields = "";
    if (strcmp(name, "CustomerCreated") == 0)
        fields = "\"name\": \"Acme\",";
    else if (strcmp(name, "CustomerUpdated") == 0)
        fields = "\"changed_fields\": [\"name\"],";
    else
        fields = "\"reason\": \"review\",";
    snprintf(json, sizeof(json),
             "{\"event_name\": \"%s\", \"event_id\": \"evt-%08ld-%d-%s\", "
             "\"aggregate_type\": \"Customer\", \"aggregate_id\": \"%s\", "
             "\"occurred_at\": \"2025-11-05T14:00:00Z\", \"actor\": \"system\", \"version\": 1, "
             "%s \"customer_id\": \"%s\"}",
             name, ++store_event_seq, n, id, id, fields, id);
    memset(ev, 0, sizeof(*ev));
    eventc_error err;
    if (eventc_catalog_decode_json(&msg_catalog_desc, ev, json, strlen(json), NULL, &err) !=
        EVENTC_OK) {
        fprintf(stderr, "store_event_make: %s: %s\n", json, err.message);
        abort();
    }
}

/** @return the sequence number in an event id made by store_event_make, or -1. */
static inline long store_event_id_seq(const char *event_id)
{
    long seq = -1;
    return event_id && sscanf(event_id, "evt-%ld-", &seq) == 1 ? seq : -1;
}

/** A load callback counting the events into an int. */
static inline int store_events_count(void *ctx, const eventc_store_record *r)
{
    (void)r;
    (*(int *)ctx)++;
    return 0;
}

/** A load callback keeping up to 16 events' JSON. */
typedef struct store_events_collect {
    char *json[16];
    size_t n;
} store_events_collect;

static inline int store_events_keep(void *ctx, const eventc_store_record *r)
{
    store_events_collect *c = ctx;
    if (c->n < 16) {
        c->json[c->n] = malloc(r->json_len + 1);
        memcpy(c->json[c->n], r->json, r->json_len + 1);
        c->n++;
    }
    return 0;
}

static inline void store_events_collect_free(store_events_collect *c)
{
    for (size_t i = 0; i < c->n; i++)
        free(c->json[i]);
    c->n = 0;
}

#endif
