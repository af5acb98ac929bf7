/* The SQLite state store of the lifecycle guard (eventc/state_sqlite.h): the cases every store
 * passes; states that survive closing the store; states kept by name (a stored name the lifecycle
 * does not know is refused); two connections racing to move one instance (exactly one wins); and
 * the guard over it across a restart. The database lives in a temporary folder removed at the
 * end.
 *
 *   test_state_sqlite
 */
#define _POSIX_C_SOURCE 200809L

#include "state_cases.h"
#include "messaging_messaging.h"

#include <eventc/state_sqlite.h>

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { INSTANCES = 100, THREADS = 4 };

static char dir[64];
static char path[128];

static eventc_state_store *open_store(void)
{
    eventc_sqlite_state_config cfg = {path, 30000};
    eventc_error err;
    eventc_state_store *s = eventc_sqlite_state_open(&cfg, &err);
    if (s == NULL)
        fprintf(stderr, "open: %s\n", err.message);
    return s;
}

static void durable(void)
{
    eventc_state_store *s = open_store();
    CHECK(s != NULL);
    if (s == NULL)
        return;
    state_store_cases(s);
    eventc_state_store_close(s);
    /* Reopened, as after a restart. */
    s = open_store();
    int state = -1;
    bool applied = false;
    eventc_error err;
    CHECK(eventc_state_load(s, &msg_customer_lifecycle, "c1", "e2", &state, &applied, &err) ==
          EVENTC_OK);
    CHECK(state == MSG_CUSTOMER_DISABLED && applied);
    eventc_state_store_close(s);

    /* States are kept by name. */
    sqlite3 *db = NULL;
    CHECK(sqlite3_open(path, &db) == SQLITE_OK);
    char *msg = NULL;
    CHECK(sqlite3_exec(db,
                       "SELECT 1 FROM eventc_lifecycle_state WHERE aggregate = 'Customer' AND "
                       "id = 'c1' AND state = 'disabled' AND event_id = 'e2'",
                       NULL, NULL, &msg) == SQLITE_OK);
    sqlite3_free(msg);
    msg = NULL;
    CHECK(sqlite3_exec(db,
                       "INSERT INTO eventc_lifecycle_state VALUES ('Customer', 'c9', 'lost', "
                       "'e9')",
                       NULL, NULL, &msg) == SQLITE_OK);
    sqlite3_free(msg);
    sqlite3_close(db);
    s = open_store();
    CHECK(eventc_state_load(s, &msg_customer_lifecycle, "c9", "e9", &state, &applied, &err) ==
          EVENTC_E_STATE);
    CHECK_STR(err.message, "Customer c9: the stored state 'lost' is no state of its lifecycle");
    eventc_state_store_close(s);

    eventc_sqlite_state_config none = {NULL, 0};
    CHECK(eventc_sqlite_state_open(&none, &err) == NULL && err.code == EVENTC_E_INVALID_ARGUMENT);
    eventc_sqlite_state_config bad = {"/nonexistent-dir/x/y.db", 0};
    CHECK(eventc_sqlite_state_open(&bad, &err) == NULL && err.code == EVENTC_E_IO);
}

typedef struct racer {
    int won;
    int lost;
    int errors;
} racer;

/* Each thread, on its own connection, tries to create every instance and then to move it:
 * exactly one creation and one move per instance succeed. */
static void *race(void *arg)
{
    racer *r = arg;
    eventc_state_store *s = open_store();
    if (s == NULL) {
        r->errors++;
        return NULL;
    }
    for (int pass = 0; pass < 2; pass++) {
        for (int i = 0; i < INSTANCES; i++) {
            char id[32];
            snprintf(id, sizeof id, "race_%d", i);
            eventc_error err;
            eventc_status st =
                pass == 0 ? eventc_state_save(s, &msg_customer_lifecycle, id, 0,
                                              MSG_CUSTOMER_ENABLED, "created", &err)
                          : eventc_state_save(s, &msg_customer_lifecycle, id, MSG_CUSTOMER_ENABLED,
                                              MSG_CUSTOMER_DISABLED, "disabled", &err);
            if (st == EVENTC_OK)
                r->won++;
            else if (st == EVENTC_E_CONFLICT)
                r->lost++;
            else
                r->errors++;
        }
    }
    eventc_state_store_close(s);
    return NULL;
}

static void racing(void)
{
    pthread_t t[THREADS];
    racer r[THREADS];
    memset(r, 0, sizeof r);
    for (int i = 0; i < THREADS; i++)
        pthread_create(&t[i], NULL, race, &r[i]);
    int won = 0, lost = 0, errors = 0;
    for (int i = 0; i < THREADS; i++) {
        pthread_join(t[i], NULL);
        won += r[i].won;
        lost += r[i].lost;
        errors += r[i].errors;
    }
    CHECK(errors == 0);
    CHECK(won == 2 * INSTANCES);
    CHECK(lost == 2 * INSTANCES * (THREADS - 1));
}

/* The guard over the SQLite store: an event handled before a restart is acknowledged without its
 * handler after it, and the lifecycle goes on from the saved state. */
static int runs;

static eventc_status count(const eventc_message *in, eventc_emitter *out, void *ctx,
                           eventc_error *err)
{
    (void)in;
    (void)out;
    (void)ctx;
    (void)err;
    runs++;
    return EVENTC_OK;
}

static eventc_status through_guard(const char *example, eventc_state_store *s, eventc_error *err)
{
    char file[4096];
    snprintf(file, sizeof file, "%s/catalog/examples/%s.example.json", getenv("EVENTC_SOURCE_DIR"),
             example);
    FILE *f = fopen(file, "rb");
    static char json[1 << 14];
    size_t len = f ? fread(json, 1, sizeof json, f) : 0;
    if (f)
        fclose(f);
    msg_event ev;
    memset(&ev, 0, sizeof ev);
    eventc_message m;
    eventc_message_init(&m, NULL);
    eventc_status st = msg_event_from_json(&ev, json, len, err);
    if (st == EVENTC_OK)
        st = msg_event_to_cloudevent(&ev, &m.event, err);
    eventc_middleware mw;
    eventc_lifecycle_guard_config gc;
    memset(&gc, 0, sizeof gc);
    gc.catalog = &msg_catalog_desc;
    gc.store = s;
    if (st == EVENTC_OK)
        st = eventc_lifecycle_guard_middleware(&gc, &mw, err);
    if (st == EVENTC_OK) {
        eventc_emitter *out = eventc_emitter_new(NULL);
        eventc_call call;
        eventc_call_init(&call, &m, out, "h", "t", "g", NULL);
        const eventc_middleware *chain[] = {&mw};
        st = eventc_chain_run(chain, 1, count, NULL, &call, err);
        eventc_call_settle(&call, st == EVENTC_OK);
        eventc_emitter_free(out);
        eventc_middleware_destroy(&mw);
    }
    eventc_message_clear(&m);
    msg_event_clear(&ev);
    return st;
}

static void guard_restart(void)
{
    eventc_error err;
    eventc_state_store *s = open_store();
    CHECK(through_guard("conversation_created", s, &err) == EVENTC_OK && runs == 1);
    eventc_state_store_close(s);
    s = open_store();
    CHECK(through_guard("conversation_created", s, &err) == EVENTC_OK && runs == 1);
    CHECK(through_guard("conversation_reopened", s, &err) == EVENTC_E_STATE && runs == 1);
    CHECK(through_guard("conversation_closed", s, &err) == EVENTC_OK && runs == 2);
    CHECK(through_guard("conversation_reopened", s, &err) == EVENTC_OK && runs == 3);
    eventc_state_store_close(s);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        setenv("EVENTC_SOURCE_DIR", argv[1], 1);
    snprintf(dir, sizeof dir, "/tmp/eventc-state-XXXXXX");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    snprintf(path, sizeof path, "%s/states.db", dir);
    durable();
    racing();
    guard_restart();
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_report();
}
