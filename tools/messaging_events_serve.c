/* messaging-events serve: a CloudEvents webhook receiver (eventc::http) that prints each messaging
 * event it receives as canonical flat JSON, one per line, acknowledging it once printed (so the
 * sender's 2xx means "printed"). A CloudEvent that is no valid messaging event is refused for
 * good: its sender gets 400 with the path and rule. */
#define _POSIX_C_SOURCE 200809L
#include "messaging_events_serve.h"
#include "messaging_messaging.h"

#include <eventc/http.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define EXIT_TIMEOUT 3
#define MAX_ORIGINS 16

static const char serve_usage[] =
    "usage: messaging-events serve --listen ADDRESS:PORT [--path /events] [--token T]\n"
    "                              [--allowed-origin ORIGIN]... [--max N] [--timeout SECONDS]\n"
    "\n"
    "Receives messaging events as CloudEvents over HTTP (binary, structured or batch mode; the\n"
    "CloudEvents webhook specification) and prints each as canonical flat JSON, one per line,\n"
    "answering the sender once it is printed. A CloudEvent that is no valid messaging event is\n"
    "refused with 400 and the reason (application/problem+json), and reported on standard error.\n"
    "\n"
    "options:\n"
    "  --listen ADDRESS:PORT    where to listen (IPv4 or [IPv6] literal; port 0: a free one,\n"
    "                           printed on standard error)\n"
    "  --path PATH              the delivery path (default /events)\n"
    "  --token T                require Authorization: Bearer T (401 otherwise)\n"
    "  --allowed-origin ORIGIN  agree to the abuse-protection handshake of ORIGIN (repeatable;\n"
    "                           `*`: any origin)\n"
    "  --max N                  stop after N events\n"
    "  --timeout SECONDS        stop after this long (default: no limit)\n"
    "\n"
    "exit status: 0 N events printed (without --max: stopped by the timeout or a signal),\n"
    "1 a failure, 2 usage error, 3 the timeout passed before N events were printed\n";

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

static int usage(const char *fmt, const char *arg)
{
    fputs("messaging-events serve: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'messaging-events serve --help'.\n", stderr);
    return EXIT_USAGE;
}

typedef struct serve_args {
    char address[64];
    unsigned port;
    const char *path, *token;
    const char *origins[MAX_ORIGINS];
    size_t n_origins;
    unsigned long max;
    double timeout; /* seconds; negative: none */
} serve_args;

/* ADDRESS:PORT, the address an IPv4 literal or an IPv6 one in brackets. */
static bool parse_listen(const char *v, serve_args *a)
{
    const char *colon = strrchr(v, ':');
    if (colon == NULL || colon == v || colon[1] == '\0') {
        return false;
    }
    const char *host = v;
    size_t len = (size_t)(colon - v);
    if (host[0] == '[') {
        if (len < 3 || host[len - 1] != ']') {
            return false;
        }
        host++;
        len -= 2;
    }
    if (len >= sizeof(a->address)) {
        return false;
    }
    memcpy(a->address, host, len);
    a->address[len] = '\0';
    char *end;
    errno = 0;
    unsigned long port = strtoul(colon + 1, &end, 10);
    if (errno != 0 || *end != '\0' || port > 65535 || colon[1] < '0' || colon[1] > '9') {
        return false;
    }
    a->port = (unsigned)port;
    return true;
}

static int parse_serve(int argc, char **argv, serve_args *a)
{
    memset(a, 0, sizeof(*a));
    a->timeout = -1;
    a->path = "/events";
    bool listen = false;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
            fputs(serve_usage, stdout);
            return fflush(stdout) == 0 ? -1 : EXIT_USAGE;
        }
        bool known = strcmp(o, "--listen") == 0 || strcmp(o, "--path") == 0 ||
                     strcmp(o, "--token") == 0 || strcmp(o, "--allowed-origin") == 0 ||
                     strcmp(o, "--max") == 0 || strcmp(o, "--timeout") == 0;
        if (!known) {
            return usage(o[0] == '-' ? "unknown option '%s'" : "unexpected '%s'", o);
        }
        if (i + 1 >= argc || argv[i + 1][0] == '\0') {
            return usage("option '%s' needs a value", o);
        }
        const char *v = argv[++i];
        char *end;
        errno = 0;
        if (strcmp(o, "--listen") == 0) {
            if (!parse_listen(v, a)) {
                return usage("--listen wants ADDRESS:PORT, not '%s'", v);
            }
            listen = true;
        } else if (strcmp(o, "--path") == 0) {
            a->path = v;
        } else if (strcmp(o, "--token") == 0) {
            a->token = v;
        } else if (strcmp(o, "--allowed-origin") == 0) {
            if (a->n_origins == MAX_ORIGINS) {
                return usage("at most 16 --allowed-origin, not '%s'", v);
            }
            a->origins[a->n_origins++] = v;
        } else if (strcmp(o, "--max") == 0) {
            a->max = strtoul(v, &end, 10);
            if (errno || *end || v[0] < '1' || v[0] > '9') {
                return usage("--max wants a positive number, not '%s'", v);
            }
        } else {
            a->timeout = strtod(v, &end);
            if (errno || *end || !(a->timeout >= 0) || a->timeout > 1e9) {
                return usage("--timeout wants seconds, not '%s'", v);
            }
        }
    }
    if (!listen) {
        return usage("%s", "missing --listen ADDRESS:PORT");
    }
    return 0;
}

static double elapsed_s(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

static void print_error(const char *what, const eventc_error *err)
{
    char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 64];
    eventc_error_format(err, line, sizeof line);
    fprintf(stderr, "messaging-events serve: %s%s\n", what, line);
}

/* Prints the event of @p m and acks it, or rejects it when it is no valid messaging event.
 * Returns 1 when printed, 0 when rejected, -1 when the output failed. */
static int handle(eventc_subscriber *s, eventc_message *m, void *ev, eventc_buf *line)
{
    eventc_error err;
    eventc_error_clear(&err);
    eventc_status st =
        eventc_catalog_decode_cloudevent(&msg_catalog_desc, ev, &m->event, NULL, &err);
    eventc_buf_reset(line);
    if (st == EVENTC_OK) {
        st = eventc_catalog_to_json(&msg_catalog_desc, ev, line, &err);
    }
    eventc_catalog_clear(&msg_catalog_desc, ev);
    if (st != EVENTC_OK) {
        char what[256];
        snprintf(what, sizeof(what),
                 "refused %.100s (id %.100s): ", m->event.type != NULL ? m->event.type : "?",
                 m->event.id != NULL ? m->event.id : "?");
        print_error(what, &err);
        eventc_error rerr;
        if (eventc_http_reject(s, m, &err, &rerr) != EVENTC_OK) {
            print_error("", &rerr);
        }
        return 0;
    }
    if (fwrite(line->data, 1, line->len, stdout) != line->len || putchar('\n') == EOF ||
        fflush(stdout) != 0) {
        eventc_error nerr;
        if (eventc_subscriber_nack(s, m, 0, &nerr) != EVENTC_OK) {
            print_error("", &nerr);
        }
        return -1;
    }
    if (eventc_subscriber_ack(s, m, &err) != EVENTC_OK) {
        print_error("", &err); /* printed, but its sender was told otherwise: it sends again */
    }
    return 1;
}

int me_serve(int argc, char **argv)
{
    serve_args a;
    int rc = parse_serve(argc, argv, &a);
    if (rc != 0) {
        return rc < 0 ? 0 : rc;
    }
    eventc_http_receiver_config cfg = eventc_http_receiver_config_default();
    cfg.address = a.address;
    cfg.port = (uint16_t)a.port;
    cfg.path = a.path;
    cfg.token = a.token;
    cfg.allowed_origins = a.origins;
    cfg.n_allowed_origins = a.n_origins;
    eventc_error err;
    eventc_error_clear(&err);
    eventc_http_receiver *rx = eventc_http_receiver_new(&cfg, &err);
    if (rx == NULL) {
        print_error("", &err);
        return err.code == EVENTC_E_INVALID_ARGUMENT ? EXIT_USAGE : EXIT_FAILED;
    }
    eventc_subscriber *s = eventc_http_receiver_subscriber(rx, &err);
    void *ev = calloc(1, msg_catalog_desc.union_size);
    eventc_buf line;
    eventc_buf_init(&line, NULL);
    if (s == NULL || ev == NULL ||
        eventc_subscriber_subscribe(s, cfg.topic, "serve", &err) != EVENTC_OK) {
        if (ev == NULL) {
            eventc_error_set(&err, EVENTC_E_NOMEM, NULL, "out of memory");
        }
        print_error("", &err);
        rc = EXIT_FAILED;
    } else {
        fprintf(stderr, "messaging-events serve: listening on http://%s%s%s:%u%s\n",
                strchr(a.address, ':') != NULL ? "[" : "", a.address,
                strchr(a.address, ':') != NULL ? "]" : "", (unsigned)eventc_http_receiver_port(rx),
                a.path);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    unsigned long printed = 0;
    while (rc == 0 && !stop_signal && (a.max == 0 || printed < a.max)) {
        double left = a.timeout < 0 ? 0.25 : a.timeout - elapsed_s(&start);
        if (left <= 0) {
            if (a.max > 0) {
                rc = EXIT_TIMEOUT;
                fprintf(stderr, "messaging-events serve: %lu of %lu events in %g s\n", printed,
                        a.max, a.timeout);
            }
            break;
        }
        eventc_message *m[1];
        size_t n = 0;
        eventc_status st =
            eventc_subscriber_fetch(s, 1, left < 0.25 ? (int)(left * 1000) + 1 : 250, m, &n, &err);
        if (st == EVENTC_E_TIMEOUT || (st == EVENTC_OK && n == 0)) {
            continue;
        }
        if (st != EVENTC_OK) {
            print_error("", &err);
            rc = EXIT_FAILED;
            break;
        }
        int got = handle(s, m[0], ev, &line);
        if (got < 0) {
            fputs("messaging-events serve: cannot write output\n", stderr);
            rc = EXIT_USAGE;
        }
        printed += got > 0;
    }
    /* Deliveries still waiting are answered 503: their senders try again elsewhere or later. */
    eventc_http_receiver_close(rx);
    eventc_subscriber_destroy(s);
    eventc_http_receiver_free(rx);
    free(ev);
    eventc_buf_free(&line);
    return rc;
}
