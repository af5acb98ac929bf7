/* The memory shape of `eventc generate` on large catalogs, without timing anything: peak resident
 * memory (getrusage of the child, in KiB) of `eventc generate` (every target) and of `eventc
 * check` on catalogs of two sizes, in the shape of scripts/bench_generator.sh (every event with
 * an enum, an object type and a pattern). `check` holds the model only; what `generate` needs on
 * top of it must not grow with the catalog beyond a few KiB per event. Holding every event's view
 * model (about 100 KiB per event), or a whole generated file in memory (the C source alone is
 * 6.5 KiB per event), fails the test.
 *
 * usage: peak_memory EVENTC SCRATCH N1 N2
 *
 * Exit status 0 when the shape holds, 1 when it does not or a command failed. */
#define _POSIX_C_SOURCE 200809L
#define _DEFAULT_SOURCE /* wait4 */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

/* What `generate` may add per event on top of `check`, at most. It measures 3 KiB per event
 * today (the codec descriptors the schemas need, and allocator slack). */
#define MAX_EXTRA_KIB_PER_EVENT 5

static int write_catalog(const char *path, long n)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        return -1;
    }
    fputs(
        "catalog: big\nversion: 1\nenvelope:\n  fields:\n"
        "    event_name: { type: string, role: event_name }\n"
        "    event_id: { type: string, pattern: '^[0-7][0-9A-HJKMNP-TV-Z]{25}$', role: event_id }\n"
        "    aggregate_type: { type: string, role: aggregate_type }\n"
        "    aggregate_id: { type: string, min_length: 1, role: aggregate_id }\n"
        "    occurred_at: { type: timestamp, role: occurred_at }\n"
        "    version: { type: integer, minimum: 1, role: version }\n"
        "    actor: { type: string, optional: true, description: Who did it. }\n"
        "types:\n  Status: { enum: [open, closed, archived] }\n"
        "  Money: { fields: { amount: { type: integer, minimum: 0 }, currency: { type: string, "
        "pattern: '^[A-Z]{3}$' } } }\naggregates:\n",
        f);
    for (long a = 0; a < n / 10; a++) {
        fprintf(f,
                "  Thing%ld:\n    description: Aggregate %ld.\n    id: thing_id\n"
                "    lifecycle:\n      states: [open, closed]\n      transitions:\n"
                "        Thing%ldEvent0: { to: open }\n"
                "        Thing%ldEvent1: { from: open, to: closed }\n    events:\n",
                a, a, a, a);
        for (int e = 0; e < 10; e++)
            fprintf(f,
                    "      Thing%ldEvent%d:\n        summary: Event %d of aggregate %ld.\n"
                    "        fields:\n          thing_id: { type: string, min_length: 1 }\n"
                    "          status: { type: Status, optional: true }\n"
                    "          price: { type: Money, optional: true }\n"
                    "          note%d: { type: string, max_length: 200, pattern: '^[a-z ]*$' }\n",
                    a, e, e, a, e);
    }
    if (ferror(f) | fclose(f)) {
        fprintf(stderr, "peak_memory: cannot write %s\n", path);
        return -1;
    }
    return 0;
}

/* Runs argv with its output discarded; returns its peak resident memory in KiB, or -1. */
static long peak_kib(char *const argv[])
{
    fflush(stdout);
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        return -1;
    }
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout))
            _exit(127);
        execv(argv[0], argv);
        _exit(127);
    }
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid) {
        perror("wait4");
        return -1;
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "peak_memory: %s %s failed (status %d)\n", argv[0], argv[1], status);
        return -1;
    }
    return ru.ru_maxrss; /* KiB on Linux */
}

int main(int argc, char **argv)
{
    if (argc != 5) {
        fputs("usage: peak_memory EVENTC SCRATCH N1 N2\n", stderr);
        return 2;
    }
    const char *eventc = argv[1], *scratch = argv[2];
    long sizes[2] = {atol(argv[3]), atol(argv[4])};
    if (sizes[0] < 10 || sizes[1] <= sizes[0]) {
        fputs("peak_memory: N1 >= 10 and N2 > N1\n", stderr);
        return 2;
    }
    long extra[2];
    mkdir(scratch, 0777);
    char catalog[4096], out[4096];
    snprintf(catalog, sizeof catalog, "%s/big.yaml", scratch);
    snprintf(out, sizeof out, "%s/out", scratch);
    for (int i = 0; i < 2; i++) {
        if (write_catalog(catalog, sizes[i]) != 0)
            return 1;
        char *check[] = {(char *)eventc, "check", catalog, NULL};
        char *generate[] = {(char *)eventc, "generate", catalog, "-o", out, NULL};
        long c = peak_kib(check), g = peak_kib(generate);
        if (c < 0 || g < 0)
            return 1;
        extra[i] = g - c;
        printf("%ld events: check %ld KiB, generate %ld KiB, generate - check %ld KiB\n", sizes[i],
               c, g, extra[i]);
    }
    printf("what generate adds grows by %.1f KiB per event (at most %d)\n",
           (double)(extra[1] - extra[0]) / (double)(sizes[1] - sizes[0]), MAX_EXTRA_KIB_PER_EVENT);
    if (extra[1] - extra[0] > MAX_EXTRA_KIB_PER_EVENT * (sizes[1] - sizes[0])) {
        fputs("peak_memory: generate holds memory per event beyond the model: a view model or a "
              "generated file kept whole?\n",
              stderr);
        return 1;
    }
    return 0;
}
