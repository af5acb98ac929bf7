/* Concurrency of the store, on SQLite and (when installed) on a PostgreSQL server the test
 * starts:
 *
 * - 4 writer processes append to the same 4 streams, each reading the version and appending
 *   with it as expected_version, retrying on conflict: every conflict is reported with a newer
 *   actual version, no append is lost (each stream's versions are 1..N with every writer's
 *   events once) and none is doubled;
 * - 2 relay processes forward the outbox at once into one pipe (whose order is the order of
 *   confirmation): every event arrives, and each aggregate's events arrive in order. */
#define _POSIX_C_SOURCE 200809L
#include "check.h"
#include "line_publisher.h"
#include "store_events.h"
#ifdef EVENTC_STORE_HAVE_POSTGRES
#include "pg_server.h"
#endif

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

enum { WRITERS = 4, STREAMS = 4, PER_WRITER = 25, RELAY_AGGS = 20, RELAY_EVENTS = 20 };

static eventc_store *open_store(const char *url)
{
    eventc_store_config cfg = eventc_store_config_default();
    cfg.catalog = &msg_catalog_desc;
    cfg.sqlite_sync_normal = true; /* the tests crash processes, not the machine */
    eventc_error err;
    eventc_store *s = eventc_store_open(url, &cfg, &err);
    if (s == NULL)
        fprintf(stderr, "open %s: %s\n", url, err.message);
    return s;
}

/* One writer: PER_WRITER events, retried on conflict. Exit status: 0, or 1 when an append
 * failed otherwise or a conflict did not report a newer version. Writes its conflict count to
 * @p fd. */
static int writer(const char *url, int w, int fd)
{
    eventc_store *s = open_store(url);
    if (s == NULL)
        return 1;
    int bad = 0;
    long conflicts = 0;
    for (int i = 0; i < PER_WRITER && !bad; i++) {
        char id[16];
        snprintf(id, sizeof(id), "w-%d", (i + w) % STREAMS);
        msg_event ev;
        store_event_make(&ev, "CustomerUpdated", id, w * 1000 + i);
        const void *one[] = {&ev};
        for (;;) {
            int count = 0;
            int64_t v = 0, now = 0;
            eventc_error err;
            if (eventc_store_load(s, "Customer", id, 0, store_events_count, &count, &v, NULL,
                                  &err) != EVENTC_OK) {
                bad = 1;
                break;
            }
            eventc_status st = eventc_store_append(s, "Customer", id, v, one, 1, &now, &err);
            if (st == EVENTC_OK && now == v + 1)
                break;
            if (st == EVENTC_E_CONFLICT && now > v) {
                conflicts++;
                continue;
            }
            fprintf(stderr, "writer %d: %s (expected %lld, got %lld)\n", w, err.message,
                    (long long)v, (long long)now);
            bad = 1;
            break;
        }
        msg_event_clear(&ev);
    }
    eventc_store_close(s);
    if (write(fd, &conflicts, sizeof(conflicts)) != (ssize_t)sizeof(conflicts))
        bad = 1;
    return bad;
}

typedef struct seen_ids {
    char ids[STREAMS * (PER_WRITER * WRITERS + 1)][64];
    size_t n;
} seen_ids;

static int keep_id(void *ctx, const eventc_store_record *r)
{
    seen_ids *s = ctx;
    if (s->n < sizeof(s->ids) / sizeof(s->ids[0]))
        snprintf(s->ids[s->n++], sizeof(s->ids[0]), "%s", r->event_id);
    return 0;
}

static int cmp_ids(const void *a, const void *b)
{
    return strcmp(a, b);
}

static void writers(const char *url)
{
    eventc_store *s = open_store(url);
    CHECK(s != NULL);
    if (s == NULL)
        return;
    for (int k = 0; k < STREAMS; k++) {
        char id[16];
        snprintf(id, sizeof(id), "w-%d", k);
        msg_event ev;
        store_event_make(&ev, "CustomerCreated", id, 0);
        const void *one[] = {&ev};
        CHECK(eventc_store_append(s, "Customer", id, 0, one, 1, NULL, NULL) == EVENTC_OK);
        msg_event_clear(&ev);
    }
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pids[WRITERS];
    fflush(NULL);
    for (int w = 0; w < WRITERS; w++) {
        pids[w] = fork();
        if (pids[w] == 0) {
            close(fds[0]);
            _exit(writer(url, w, fds[1]));
        }
    }
    close(fds[1]);
    long conflicts = 0, c;
    while (read(fds[0], &c, sizeof(c)) == (ssize_t)sizeof(c))
        conflicts += c;
    close(fds[0]);
    for (int w = 0; w < WRITERS; w++) {
        int status = 0;
        waitpid(pids[w], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    /* No lost or doubled update: the versions add up and every event id is there once. */
    static seen_ids seen;
    seen.n = 0;
    int64_t total = 0;
    for (int k = 0; k < STREAMS; k++) {
        char id[16];
        snprintf(id, sizeof(id), "w-%d", k);
        int64_t v = 0;
        size_t before = seen.n;
        CHECK(eventc_store_load(s, "Customer", id, 0, keep_id, &seen, &v, NULL, NULL) == EVENTC_OK);
        CHECK((int64_t)(seen.n - before) == v);
        total += v;
    }
    CHECK(total == STREAMS + WRITERS * PER_WRITER);
    qsort(seen.ids, seen.n, sizeof(seen.ids[0]), cmp_ids);
    size_t distinct = seen.n > 0;
    for (size_t i = 1; i < seen.n; i++)
        distinct += strcmp(seen.ids[i - 1], seen.ids[i]) != 0;
    CHECK(distinct == seen.n);
    printf("%s: %d writers, %d appends, %ld conflicts detected and retried\n",
           eventc_store_backend(s), WRITERS, WRITERS * PER_WRITER, conflicts);
    eventc_store_close(s);
}

static void relays(const char *url)
{
    eventc_store *s = open_store(url);
    CHECK(s != NULL);
    if (s == NULL)
        return;
    /* Drain what the writers left, then a fresh history, interleaved across aggregates. */
    int devnull = open("/dev/null", O_WRONLY);
    CHECK(line_relay_run(url, "drain", devnull, 9, 256) == 0);
    close(devnull);
    long base = store_event_seq;
    for (int e = 0; e < RELAY_EVENTS; e++) {
        for (int a = 0; a < RELAY_AGGS; a++) {
            char id[16];
            snprintf(id, sizeof(id), "k-%d", a);
            msg_event ev;
            store_event_make(&ev, e == 0 ? "CustomerCreated" : "CustomerUpdated", id, 0);
            const void *one[] = {&ev};
            CHECK(eventc_store_append(s, "Customer", id, e, one, 1, NULL, NULL) == EVENTC_OK);
            msg_event_clear(&ev);
        }
    }
    int fds[2];
    CHECK(pipe(fds) == 0);
    pid_t pids[2];
    fflush(NULL);
    for (int r = 0; r < 2; r++) {
        pids[r] = fork();
        if (pids[r] == 0) {
            close(fds[0]);
            _exit(line_relay_run(url, r == 0 ? "relay-1" : "relay-2", fds[1], r + 1, 7));
        }
    }
    close(fds[1]);
    FILE *in = fdopen(fds[0], "r");
    static long delivered[RELAY_AGGS * RELAY_EVENTS + 1];
    memset(delivered, 0, sizeof(delivered));
    long max_seen[RELAY_AGGS] = {0}, by[3] = {0, 0, 0}, violations = 0;
    char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, in) > 0) {
        int tag, agg;
        char id[128];
        if (sscanf(line, "%d k-%d %127s", &tag, &agg, id) != 3 || agg < 0 || agg >= RELAY_AGGS ||
            tag < 1 || tag > 2) {
            violations++;
            continue;
        }
        long seq = store_event_id_seq(id) - base;
        if (seq < 1 || seq > RELAY_AGGS * RELAY_EVENTS) {
            violations++;
            continue;
        }
        by[tag]++;
        if (delivered[seq]++ == 0) {
            violations += seq <= max_seen[agg];
            max_seen[agg] = seq;
        }
    }
    free(line);
    fclose(in);
    for (int r = 0; r < 2; r++) {
        int status = 0;
        waitpid(pids[r], &status, 0);
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
    long missing = 0;
    for (long i = 1; i <= RELAY_AGGS * RELAY_EVENTS; i++)
        missing += delivered[i] == 0;
    printf("%s: 2 relays published %ld + %ld, %ld missing, %ld order violations\n",
           eventc_store_backend(s), by[1], by[2], missing, violations);
    CHECK(missing == 0);
    CHECK(violations == 0);
    eventc_store_close(s);
}

int main(void)
{
    char dir[256];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/eventc-conc-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    char url[320];
    snprintf(url, sizeof(url), "sqlite:%s/conc.db", dir);
    writers(url);
    relays(url);
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
#ifdef EVENTC_STORE_HAVE_POSTGRES
    pg_server pg;
    int rc = pg_server_start(&pg);
    if (rc == 0) {
        writers(pg.url);
        relays(pg.url);
    } else if (rc != 77) {
        CHECK(rc == 0);
    }
    pg_server_stop(&pg);
#endif
    return check_report();
}
