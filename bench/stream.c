/* The stream measure: an NDJSON file decoded in a child process (fresh address space, so the
 * peak RSS is its own), read in fixed-size chunks and split into lines, each line decoded into
 * one reused target (decode, use, next). */
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

const char *const stream_modes[N_MODES] = {"eventc", "jsonc", "cjson"};

/* Pins the process to one CPU: @p cpu, or the last one it may run on when -2. */
int pin_cpu(int cpu)
{
    if (cpu == -1)
        return -1;
    cpu_set_t set;
    if (cpu == -2) {
        if (sched_getaffinity(0, sizeof(set), &set) != 0)
            return -1;
        for (int i = CPU_SETSIZE - 1; i >= 0; i--)
            if (CPU_ISSET(i, &set)) {
                cpu = i;
                break;
            }
        if (cpu < 0)
            return -1;
    }
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    return sched_setaffinity(0, sizeof(set), &set) == 0 ? cpu : -1;
}

static long max_rss_kb(void)
{
    struct rusage ru;
    return getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : -1;
}

/* The arena the decoded event's memory lives in, and how much of it is in use. */
static size_t event_arena_used(const msg_event *ev)
{
    for (size_t i = 0; i < MSG_EVENT_TYPE_COUNT; i++) {
        const eventc_event_entry *e = &msg_event_types[i];
        if (e->kind == (int)ev->kind) {
            eventc_arena *const *slot =
                (eventc_arena *const *)((const char *)&ev->as + e->desc->arena_offset);
            return *slot ? eventc_arena_used(*slot) : 0;
        }
    }
    return 0;
}

/* ---- the stream, decoded in a child process -------------------------------------------------- */

typedef struct stream_result {
    size_t events, bytes, errors, arena_max, line_max;
    uint64_t ns;
    long rss_start_kb, rss_end_kb; /* getrusage(ru_maxrss) in the child */
} stream_result;

/* Child side: reads @p path in chunks of @p chunk bytes, splits lines, decodes each into one
 * reused target, uses it, and moves on. Prints one line of results on stdout. */
int stream_child(const char *mode, const char *path, size_t chunk, int cpu, int wall)
{
    pin_cpu(cpu);
    stream_result r = {0};
    jc_peer *jp = jc_peer_new();
    char *buf = malloc(chunk);
    int fd = open(path, O_RDONLY);
    if (!jp || !buf || fd < 0) {
        fprintf(stderr, "bench: stream: cannot start (%s)\n", strerror(errno));
        return 1;
    }
    int which = strcmp(mode, "eventc") == 0 ? 0 : strcmp(mode, "jsonc") == 0 ? 1 : 2;
    msg_event ev = {0};
    eventc_error err;
    uint64_t sink = 0;
    r.rss_start_kb = max_rss_kb();
    uint64_t t0 = now_ns(wall);
    size_t have = 0;
    for (;;) {
        ssize_t got = read(fd, buf + have, chunk - have);
        if (got < 0) {
            if (errno == EINTR)
                continue;
            fprintf(stderr, "bench: stream: read: %s\n", strerror(errno));
            return 1;
        }
        have += (size_t)got;
        size_t pos = 0;
        for (;;) {
            char *nl = memchr(buf + pos, '\n', have - pos);
            if (!nl && got > 0)
                break; /* incomplete last line: read more first */
            size_t end = nl ? (size_t)(nl - buf) : have, len = end - pos;
            const char *line = buf + pos;
            if (len > 0) {
                r.events++;
                r.bytes += len + (nl != NULL);
                if (len > r.line_max)
                    r.line_max = len;
                if (which == 0) {
                    if (msg_event_from_json(&ev, line, len, &err) != EVENTC_OK) {
                        r.errors++;
                    } else {
                        sink += (uint64_t)ev.kind;
                        size_t used = event_arena_used(&ev);
                        if (used > r.arena_max)
                            r.arena_max = used;
                    }
                } else if (which == 1) {
                    msg_event je;
                    if (jc_decode(jp, line, len, &je, NULL) != 0) {
                        r.errors++;
                    } else {
                        sink += (uint64_t)je.kind;
                        jc_event_free(&je);
                    }
                } else {
                    int t = cj_parse_only(line, len);
                    if (t < 0)
                        r.errors++;
                    else
                        sink += (uint64_t)t;
                }
            }
            if (!nl) {
                pos = have;
                break;
            }
            pos = end + 1;
        }
        /* Keep the unfinished line at the front of the buffer. */
        memmove(buf, buf + pos, have - pos);
        have -= pos;
        if (got == 0)
            break;
        if (have == chunk) {
            fprintf(stderr, "bench: stream: a line is longer than the %zu-byte chunk\n", chunk);
            return 1;
        }
    }
    r.ns = now_ns(wall) - t0;
    r.rss_end_kb = max_rss_kb();
    msg_event_clear(&ev);
    close(fd);
    free(buf);
    jc_peer_free(jp);
    printf("%zu %zu %zu %zu %zu %llu %ld %ld %llu\n", r.events, r.bytes, r.errors, r.arena_max,
           r.line_max, (unsigned long long)r.ns, r.rss_start_kb, r.rss_end_kb,
           (unsigned long long)sink);
    return 0;
}

/* Parent side: runs the child on @p path with @p mode and collects its report; the peak RSS
 * is also taken from wait4, which sees the child's whole life. */
static int run_stream(const char *self, const char *mode, const char *path, const options *o,
                      int cpu, stream_result *r, long *peak_kb)
{
    int fds[2];
    if (pipe(fds) != 0)
        return -1;
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        char chunk[32], cpus[32];
        snprintf(chunk, sizeof(chunk), "%zu", o->chunk);
        snprintf(cpus, sizeof(cpus), "%d", cpu);
        dup2(fds[1], STDOUT_FILENO);
        close(fds[0]);
        close(fds[1]);
        execl(self, self, "--stream-child", mode, path, chunk, cpus, o->wall ? "wall" : "cpu",
              (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char line[512];
    size_t n = 0;
    ssize_t got;
    while (n + 1 < sizeof(line) && (got = read(fds[0], line + n, sizeof(line) - 1 - n)) != 0) {
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            break;
        n += (size_t)got;
    }
    line[n] = '\0';
    close(fds[0]);
    int status;
    struct rusage ru;
    if (wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return -1;
    unsigned long long ns, sink;
    if (sscanf(line, "%zu %zu %zu %zu %zu %llu %ld %ld %llu", &r->events, &r->bytes, &r->errors,
               &r->arena_max, &r->line_max, &ns, &r->rss_start_kb, &r->rss_end_kb, &sink) != 9)
        return -1;
    r->ns = ns;
    *peak_kb = ru.ru_maxrss;
    return 0;
}

int measure_stream(const char *self, const char *mode, const char *path, const options *o, int cpu,
                   stream_measure *m)
{
    double *ns = calloc((size_t)o->stream_reps, sizeof(double));
    if (!ns)
        return -1;
    memset(m, 0, sizeof(*m));
    for (int i = 0; i < o->stream_reps; i++) {
        stream_result r;
        long peak;
        if (run_stream(self, mode, path, o, cpu, &r, &peak) != 0) {
            free(ns);
            return -1;
        }
        ns[i] = (double)r.ns;
        m->events = r.events;
        m->bytes = r.bytes;
        m->errors += r.errors;
        if (r.arena_max > m->arena_max)
            m->arena_max = r.arena_max;
        if (r.line_max > m->line_max)
            m->line_max = r.line_max;
        if (peak > m->peak_kb)
            m->peak_kb = peak;
        if (r.rss_start_kb > m->start_kb)
            m->start_kb = r.rss_start_kb;
    }
    qsort(ns, (size_t)o->stream_reps, sizeof(double), cmp_double);
    double med = ns[o->stream_reps / 2];
    free(ns);
    m->ns_median = med / (double)m->events;
    m->events_s = (double)m->events / (med / 1e9);
    m->mb_s = (double)m->bytes / (med / 1e9) / 1e6;
    return 0;
}
