/* Crash test of the outbox relay through NATS JetStream: 10,000 events of 50 aggregates in a
 * SQLite store (crash_common.h); a relay process publishes them to a real nats-server (started
 * here on 127.0.0.1, tests/support/nats_server.h) with the eventc::nats publisher and is killed
 * with SIGKILL at random points of its progress, again and again, and restarted under the same
 * name until nothing is pending. Then a consumer reads the stream with the eventc::nats
 * subscriber (a durable group, in order per key) and the consumer's checks run. Skipped when
 * nats-server is missing. The seed is EVENTC_CRASH_SEED or 1. */
#define _POSIX_C_SOURCE 200809L
#include "crash_common.h"
#include "line_publisher.h"
#include "nats_server.h"

#include <eventc/nats.h>

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

enum { MAX_RUNS = 500 };

static const char topic[] = "com.example.messaging.customer";
static crash_consumer consumer;

static eventc_nats_config nats_config(const char *url)
{
    eventc_nats_config cfg = eventc_nats_config_default();
    cfg.url = url;
    cfg.partitions = 8;
    return cfg;
}

static int relay_child(const char *store_url, const char *nats_url)
{
    eventc_nats_config cfg = nats_config(nats_url);
    eventc_error err;
    eventc_publisher *pub = eventc_nats_publisher_new(&cfg, &err);
    if (pub == NULL) {
        fprintf(stderr, "relay: nats: %s\n", err.message);
        return 3;
    }
    int status = relay_until_empty(store_url, "crash-relay", pub, 64);
    eventc_publisher_close(pub);
    return status;
}

static void nap_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Reads the whole stream with a fresh group; stops after a fetch that found nothing once every
 * event has arrived (or after a generous guard when some never come). */
static void consume_all(const char *nats_url)
{
    eventc_nats_config cfg = nats_config(nats_url);
    eventc_error err;
    eventc_subscriber *sub = eventc_nats_subscriber_new(&cfg, &err);
    CHECK(sub != NULL);
    if (sub == NULL)
        return;
    CHECK(eventc_subscriber_subscribe(sub, topic, "crash-check", &err) == EVENTC_OK);
    int idle = 0;
    while (idle < (crash_distinct(&consumer) == CRASH_EVENTS ? 1 : 60)) {
        eventc_message *msgs[64];
        size_t n = 0;
        eventc_status st = eventc_subscriber_fetch(sub, 64, 1000, msgs, &n, &err);
        if (st == EVENTC_E_TIMEOUT) {
            idle++;
            continue;
        }
        CHECK(st == EVENTC_OK);
        if (st != EVENTC_OK)
            break;
        idle = 0;
        for (size_t i = 0; i < n; i++) {
            CHECK(msgs[i]->malformed == NULL);
            crash_consume(&consumer, msgs[i]->key, msgs[i]->event.id);
            CHECK(eventc_subscriber_ack(sub, msgs[i], &err) == EVENTC_OK);
        }
    }
    eventc_subscriber_destroy(sub);
}

int main(void)
{
    if (!nats_server_available()) {
        printf("SKIPPED: no nats-server\n");
        return 77;
    }
    const char *seed_env = getenv("EVENTC_CRASH_SEED");
    srand(seed_env ? (unsigned)atoi(seed_env) : 1u);
    nats_server srv;
    if (nats_server_start(&srv, NULL) != 0)
        return 1;
    char dir[256];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/eventc-crash-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        nats_server_stop(&srv);
        return 1;
    }
    char url[320];
    snprintf(url, sizeof(url), "sqlite:%s/crash.db", dir);
    eventc_store *s = crash_history(url, &consumer);
    if (s == NULL) {
        nats_server_stop(&srv);
        return check_report();
    }

    /* Each run is killed once the relay has marked a random number of further rows sent
     * (up to 1,500), watched through this process's own connection. */
    int kills = 0, runs = 0;
    bool finished = false;
    while (!finished && runs++ < MAX_RUNS) {
        int64_t pending = 0;
        CHECK(eventc_store_outbox_pending(s, &pending, NULL) == EVENTC_OK);
        int64_t kill_at = pending - rand() % 1500;
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0)
            _exit(relay_child(url, srv.url));
        int status = 0;
        for (;;) {
            pid_t done = waitpid(pid, &status, WNOHANG);
            if (done == pid)
                break;
            if (eventc_store_outbox_pending(s, &pending, NULL) == EVENTC_OK && pending <= kill_at) {
                kill(pid, SIGKILL);
                waitpid(pid, &status, 0);
                break;
            }
            nap_ms(2);
        }
        finished = crash_run_ended(status, &kills);
    }
    CHECK(finished);
    consume_all(srv.url);
    crash_report(&consumer, s, "NATS JetStream", kills, runs);
    eventc_store_close(s);
    nats_server_stop(&srv);
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_report();
}
