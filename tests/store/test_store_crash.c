/* Crash test of the outbox relay through a pipe: 10,000 events of 50 aggregates in a SQLite
 * store (crash_common.h); a relay process publishes them to this process through a pipe and is
 * killed with SIGKILL at random points, again and again, and restarted under the same name until
 * nothing is pending. Every line the relay wrote before it died is read (the pipe keeps what was
 * confirmed), then the consumer's checks run. test_store_crash_nats.c does the same through NATS
 * JetStream. The seed is EVENTC_CRASH_SEED or 1. */
#define _POSIX_C_SOURCE 200809L
#include "crash_common.h"
#include "line_publisher.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

enum { MAX_RUNS = 500 };

static crash_consumer consumer;

int main(void)
{
    const char *seed_env = getenv("EVENTC_CRASH_SEED");
    srand(seed_env ? (unsigned)atoi(seed_env) : 1u);
    char dir[256];
    const char *tmp = getenv("TMPDIR");
    snprintf(dir, sizeof(dir), "%s/eventc-crash-XXXXXX", tmp && tmp[0] ? tmp : "/tmp");
    if (mkdtemp(dir) == NULL) {
        perror("mkdtemp");
        return 1;
    }
    char url[320];
    snprintf(url, sizeof(url), "sqlite:%s/crash.db", dir);
    eventc_store *s = crash_history(url, &consumer);
    if (s == NULL)
        return check_report();

    int kills = 0, runs = 0;
    bool finished = false;
    while (!finished && runs++ < MAX_RUNS) {
        int fds[2];
        CHECK(pipe(fds) == 0);
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            close(fds[0]);
            _exit(line_relay_run(url, "crash-relay", fds[1], 0, 64));
        }
        close(fds[1]);
        /* Kill it after a random number of lines (sometimes at once). */
        long budget = rand() % 1200;
        FILE *in = fdopen(fds[0], "r");
        char *line = NULL;
        size_t cap = 0;
        bool killed = false;
        for (long n = 0; getline(&line, &cap, in) > 0; n++) {
            if (!killed && n >= budget) {
                kill(pid, SIGKILL);
                killed = true;
            }
            char key[64], id[128];
            int tag;
            if (sscanf(line, "%d %63s %127s", &tag, key, id) == 3)
                crash_consume(&consumer, key, id);
            else
                consumer.violations++;
        }
        free(line);
        fclose(in);
        int status = 0;
        waitpid(pid, &status, 0);
        finished = crash_run_ended(status, &kills);
    }
    CHECK(finished);
    crash_report(&consumer, s, "pipe", kills, runs);
    eventc_store_close(s);
    char cmd[400];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        fprintf(stderr, "could not remove %s\n", dir);
    return check_report();
}
