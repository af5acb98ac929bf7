/* The outbox relay: claims the heads of aggregates no other live relay holds, publishes them in
 * rounds that keep each aggregate's order, marks rows sent only once the publisher confirmed
 * them, and moves rows it cannot read to the dead-letter table (docs/store.md, "Relay"). */
#define _POSIX_C_SOURCE 200809L
#include "store_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

eventc_relay_config eventc_relay_config_default(void)
{
    eventc_relay_config c = {NULL, 256, 60000};
    return c;
}

/* One claimed row. */
typedef struct claimed {
    int64_t id;
    char *payload;
    size_t payload_len;
    char *topic;
    char *key;
    eventc_message m;
    bool dead;
} claimed;

/* The claimed rows of one aggregate, in id order. */
typedef struct group {
    char *type;
    char *id;
    claimed *rows;
    size_t n, cap;
    size_t next;
    bool failed;
} group;

typedef struct relay_run {
    eventc_store *s;
    const char *owner;
    group *groups;
    size_t n_groups, cap_groups;
    eventc_status st; /* out of memory in a row callback */
} relay_run;

static char *dup_n(const char *s, size_t n)
{
    if (s == NULL)
        return NULL;
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int add_head(void *ctx, int ncol, const char *const *vals, const size_t *lens)
{
    relay_run *r = ctx;
    if (ncol < 3 || !vals[1] || !vals[2])
        return 0;
    if (r->n_groups == r->cap_groups) {
        size_t cap = r->cap_groups ? r->cap_groups * 2 : 16;
        group *g = realloc(r->groups, cap * sizeof(*g));
        if (g == NULL) {
            r->st = EVENTC_E_NOMEM;
            return 1;
        }
        r->groups = g;
        r->cap_groups = cap;
    }
    group *g = &r->groups[r->n_groups];
    memset(g, 0, sizeof(*g));
    g->type = dup_n(vals[1], lens[1]);
    g->id = dup_n(vals[2], lens[2]);
    r->n_groups++;
    if (!g->type || !g->id) {
        r->st = EVENTC_E_NOMEM;
        return 1;
    }
    return 0;
}

static int add_row(void *ctx, int ncol, const char *const *vals, const size_t *lens)
{
    group *g = ctx;
    if (ncol < 4 || !vals[0])
        return 0;
    if (g->n == g->cap) {
        size_t cap = g->cap ? g->cap * 2 : 8;
        claimed *rows = realloc(g->rows, cap * sizeof(*rows));
        if (rows == NULL)
            return 1;
        g->rows = rows;
        g->cap = cap;
    }
    claimed *c = &g->rows[g->n++];
    memset(c, 0, sizeof(*c));
    eventc_message_init(&c->m, NULL);
    c->id = strtoll(vals[0], NULL, 10);
    c->payload = dup_n(vals[1] ? vals[1] : "", vals[1] ? lens[1] : 0);
    c->payload_len = vals[1] ? lens[1] : 0;
    c->topic = dup_n(vals[2], lens[2]);
    c->key = dup_n(vals[3], lens[3]);
    return c->payload == NULL || (vals[2] && !c->topic) || (vals[3] && !c->key);
}

static int by_id(const void *a, const void *b)
{
    const claimed *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id;
}

static void run_free(relay_run *r)
{
    for (size_t i = 0; i < r->n_groups; i++) {
        group *g = &r->groups[i];
        for (size_t j = 0; j < g->n; j++) {
            free(g->rows[j].payload);
            free(g->rows[j].topic);
            free(g->rows[j].key);
            eventc_message_clear(&g->rows[j].m);
        }
        free(g->rows);
        free(g->type);
        free(g->id);
    }
    free(r->groups);
}

/* Claims the heads of aggregates nobody else holds, then each head's pending rows. */
static eventc_status claim(relay_run *r, size_t batch, int64_t now, int64_t lease_ms,
                           eventc_error *err)
{
    const store_driver *drv = r->s->drv;
    char sql[768];
    snprintf(sql, sizeof(sql),
             "SELECT o.id, o.aggregatetype, o.aggregateid FROM eventc_outbox o WHERE "
             "o.sent_ms IS NULL AND (o.claimed_by IS NULL OR o.claimed_by = $1 OR "
             "o.claim_until < $2) AND NOT EXISTS (SELECT 1 FROM eventc_outbox p WHERE "
             "p.aggregatetype = o.aggregatetype AND p.aggregateid = o.aggregateid AND "
             "p.sent_ms IS NULL AND p.id < o.id) ORDER BY o.id LIMIT $3%s",
             drv->skip_locked);
    eventc_status st = drv->begin(r->s->conn, err);
    if (st != EVENTC_OK)
        return st;
    store_param hp[3] = {sp_text(r->owner), sp_int(now), sp_int((int64_t)batch)};
    st = drv->exec(r->s->conn, sql, hp, 3, add_head, r, NULL, err);
    if (r->st != EVENTC_OK)
        st = eventc_error_set(err, r->st, NULL, "out of memory");
    /* The batch is shared out evenly: every head gets at least its own row. */
    int64_t per = r->n_groups ? (int64_t)(batch / r->n_groups) : 1;
    per = per > 0 ? per : 1;
    for (size_t i = 0; i < r->n_groups && st == EVENTC_OK; i++) {
        group *g = &r->groups[i];
        store_param p[5] = {sp_text(r->owner), sp_int(now + lease_ms), sp_text(g->type),
                            sp_text(g->id), sp_int(per)};
        st = drv->exec(r->s->conn,
                       "UPDATE eventc_outbox SET claimed_by = $1, claim_until = $2 WHERE id IN "
                       "(SELECT id FROM eventc_outbox WHERE aggregatetype = $3 AND "
                       "aggregateid = $4 AND sent_ms IS NULL ORDER BY id LIMIT $5) "
                       "RETURNING id, payload, topic, partitionkey",
                       p, 5, add_row, g, NULL, err);
        if (st == EVENTC_E_INVALID_ARGUMENT)
            st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        qsort(g->rows, g->n, sizeof(*g->rows), by_id);
    }
    if (st == EVENTC_OK)
        return drv->commit(r->s->conn, err);
    drv->rollback(r->s->conn);
    return st;
}

/* Moves a row the relay cannot read to the dead-letter table, with the reason. */
static eventc_status bury(relay_run *r, claimed *c, const char *reason, int64_t now,
                          eventc_error *err)
{
    const store_driver *drv = r->s->drv;
    eventc_status st = drv->begin(r->s->conn, err);
    if (st != EVENTC_OK)
        return st;
    store_param p[4] = {sp_int(c->id), sp_text(r->owner), sp_text(reason), sp_int(now)};
    st = drv->exec(r->s->conn,
                   "INSERT INTO eventc_outbox_dead (id, aggregatetype, aggregateid, type, "
                   "payload, topic, partitionkey, event_id, created_ms, reason, dead_ms) SELECT "
                   "id, aggregatetype, aggregateid, type, payload, topic, partitionkey, event_id, "
                   "created_ms, $3, $4 FROM eventc_outbox WHERE id = $1 AND claimed_by = $2",
                   p, 4, NULL, NULL, NULL, err);
    if (st == EVENTC_OK) {
        st = drv->exec(r->s->conn, "DELETE FROM eventc_outbox WHERE id = $1 AND claimed_by = $2", p,
                       2, NULL, NULL, NULL, err);
    }
    if (st == EVENTC_OK)
        return drv->commit(r->s->conn, err);
    drv->rollback(r->s->conn);
    return st;
}

/* Reads each claimed row into a message; a row that does not read is buried. */
static eventc_status prepare(relay_run *r, int64_t now, eventc_relay_stats *stats,
                             eventc_error *first_dead, eventc_error *err)
{
    for (size_t i = 0; i < r->n_groups; i++) {
        group *g = &r->groups[i];
        for (size_t j = 0; j < g->n; j++) {
            claimed *c = &g->rows[j];
            eventc_error e;
            eventc_error_clear(&e);
            eventc_status st =
                eventc_ce_from_json(&c->m.event, c->payload, c->payload_len, NULL, &e);
            if (st == EVENTC_OK && c->topic == NULL)
                st = eventc_error_set(&e, EVENTC_E_REQUIRED, "topic", "the row has no topic");
            if (st == EVENTC_OK)
                st = eventc_message_set_topic(&c->m, c->topic, &e);
            if (st == EVENTC_OK)
                st = eventc_message_set_key(&c->m, c->key, &e);
            if (st == EVENTC_E_NOMEM)
                return eventc_error_set(err, st, NULL, "out of memory");
            if (st == EVENTC_OK)
                continue;
            char reason[EVENTC_ERROR_MESSAGE_MAX + EVENTC_ERROR_PATH_MAX + 32];
            eventc_error_format(&e, reason, sizeof(reason));
            st = bury(r, c, reason, now, err);
            if (st != EVENTC_OK)
                return st;
            c->dead = true;
            if (stats)
                stats->dead++;
            if (first_dead->code == EVENTC_OK)
                eventc_error_set(first_dead, e.code, NULL, "outbox row %lld of %s %s: %s",
                                 (long long)c->id, g->type, g->id, reason);
        }
    }
    return EVENTC_OK;
}

static eventc_status mark_sent(relay_run *r, const int64_t *ids, size_t n, int64_t now,
                               eventc_error *err)
{
    const store_driver *drv = r->s->drv;
    eventc_status st = drv->begin(r->s->conn, err);
    for (size_t i = 0; i < n && st == EVENTC_OK; i++) {
        store_param p[3] = {sp_int(now), sp_int(ids[i]), sp_text(r->owner)};
        st = drv->exec(r->s->conn,
                       "UPDATE eventc_outbox SET sent_ms = $1, claimed_by = NULL, claim_until = "
                       "NULL WHERE id = $2 AND claimed_by = $3",
                       p, 3, NULL, NULL, NULL, err);
    }
    if (st == EVENTC_OK)
        return drv->commit(r->s->conn, err);
    drv->rollback(r->s->conn);
    return st;
}

/* Gives back the claims of an aggregate whose publish failed, so any relay retries it. */
static eventc_status unclaim(relay_run *r, const group *g, eventc_error *err)
{
    store_param p[3] = {sp_text(r->owner), sp_text(g->type), sp_text(g->id)};
    return r->s->drv->exec(r->s->conn,
                           "UPDATE eventc_outbox SET claimed_by = NULL, claim_until = NULL WHERE "
                           "claimed_by = $1 AND aggregatetype = $2 AND aggregateid = $3 AND "
                           "sent_ms IS NULL",
                           p, 3, NULL, NULL, NULL, err);
}

/* Publishes round after round: the next row of every aggregate still going. */
static eventc_status publish_rounds(relay_run *r, eventc_publisher *pub, eventc_relay_stats *stats,
                                    eventc_error *err)
{
    const eventc_message **msgs = malloc((r->n_groups ? r->n_groups : 1) * sizeof(*msgs));
    claimed **rows = malloc((r->n_groups ? r->n_groups : 1) * sizeof(*rows));
    size_t *from = malloc((r->n_groups ? r->n_groups : 1) * sizeof(*from));
    eventc_error *outcomes = malloc((r->n_groups ? r->n_groups : 1) * sizeof(*outcomes));
    int64_t *ids = malloc((r->n_groups ? r->n_groups : 1) * sizeof(*ids));
    eventc_status first = EVENTC_OK;
    bool going = msgs && rows && from && outcomes && ids;
    if (!going)
        first = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    while (going) {
        size_t n = 0;
        for (size_t i = 0; i < r->n_groups; i++) {
            group *g = &r->groups[i];
            while (g->next < g->n && g->rows[g->next].dead)
                g->next++;
            if (g->failed || g->next >= g->n)
                continue;
            rows[n] = &g->rows[g->next++];
            msgs[n] = &rows[n]->m;
            from[n++] = i;
        }
        if (n == 0)
            break;
        eventc_error perr;
        eventc_status st = eventc_publisher_publish(pub, NULL, msgs, n, outcomes, &perr);
        size_t n_ok = 0;
        for (size_t i = 0; i < n; i++) {
            if (st == EVENTC_OK || outcomes[i].code == EVENTC_OK) {
                ids[n_ok++] = rows[i]->id;
            } else {
                r->groups[from[i]].failed = true;
                if (stats)
                    stats->deferred += r->groups[from[i]].n - r->groups[from[i]].next + 1;
                if (first == EVENTC_OK) {
                    first = outcomes[i].code;
                    if (err)
                        *err = outcomes[i];
                }
            }
        }
        eventc_status mst = mark_sent(r, ids, n_ok, eventc_clock_now(r->s->clock),
                                      first == EVENTC_OK ? err : &perr);
        if (mst != EVENTC_OK) {
            if (first == EVENTC_OK)
                first = mst;
            else if (err)
                *err = perr;
            break;
        }
        if (stats)
            stats->sent += n_ok;
    }
    for (size_t i = 0; i < r->n_groups; i++) {
        eventc_error ignored;
        if (r->groups[i].failed)
            (void)unclaim(r, &r->groups[i], &ignored);
    }
    free(msgs);
    free(rows);
    free(from);
    free(outcomes);
    free(ids);
    return first;
}

eventc_status eventc_store_relay_once(eventc_store *s, eventc_publisher *pub,
                                      const eventc_relay_config *cfg, eventc_relay_stats *stats,
                                      eventc_error *err)
{
    if (s == NULL || pub == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no store or publisher");
    eventc_relay_config c = cfg ? *cfg : eventc_relay_config_default();
    char owner[300];
    if (c.owner == NULL || c.owner[0] == '\0') {
        char host[256] = "localhost";
        gethostname(host, sizeof(host) - 1);
        host[sizeof(host) - 1] = '\0';
        snprintf(owner, sizeof(owner), "%s:%ld", host, (long)getpid());
    } else {
        snprintf(owner, sizeof(owner), "%s", c.owner);
    }
    relay_run r = {s, owner, NULL, 0, 0, EVENTC_OK};
    int64_t now = eventc_clock_now(s->clock);
    eventc_error first_dead;
    eventc_error_clear(&first_dead);
    eventc_status st =
        claim(&r, c.batch ? c.batch : 256, now, c.lease_ms > 0 ? c.lease_ms : 60000, err);
    if (st == EVENTC_OK)
        st = prepare(&r, now, stats, &first_dead, err);
    if (st == EVENTC_OK)
        st = publish_rounds(&r, pub, stats, err);
    if (st == EVENTC_OK && first_dead.code != EVENTC_OK && err)
        *err = first_dead;
    run_free(&r);
    return st;
}
