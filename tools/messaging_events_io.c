/* messaging-events publish and consume: messaging events to and from a broker, through the
 * transport a URL names (messaging_events_transport.h). publish sends the flat events of files as
 * routed CloudEvents with the catalog's routing; consume prints what a consumer group receives as
 * canonical flat JSON, acknowledging each event once it is printed. */
#define _POSIX_C_SOURCE 200809L
#include "messaging_events_io.h"
#include "messaging_events_input.h"
#include "messaging_events_transport.h"
#include "messaging_messaging.h"

#include <eventc/middleware.h>
#ifdef ME_HAVE_SQLITE
#include <eventc/dedupe_sqlite.h>
#endif

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXIT_FAILED 1
#define EXIT_USAGE 2
#define EXIT_TIMEOUT 3

/* Messages published in one call. */
#define PUBLISH_BATCH 256
/* Where consume dead-letters what it cannot print, unless told otherwise. */
#define DEAD_TOPIC "messaging-events.deadletter"

static const char publish_usage[] =
    "usage: messaging-events publish --to URL [--topic T] [--mode binary|structured|batch]\n"
    "                                [--token T] FILE...\n"
    "\n"
    "Publishes the messaging events in the files (one JSON document per file, or one per line;\n"
    "`-` reads standard input) as CloudEvents, each to its catalog topic keyed by its aggregate\n"
    "id (or all to topic T), in order. Exits 0 when the broker confirmed every event, else 1\n"
    "with a line `FILE[:LINE]: error: ...` per event that is invalid or was not confirmed.\n"
    "\n"
    "URL: kafka://HOST:PORT[,HOST:PORT...] (query parameters: librdkafka properties)\n"
    "     http://HOST:PORT/PATH, https://... (a CloudEvents webhook; {topic} in the path: the\n"
    "     event's topic)\n"
    "     nats://HOST:PORT[,HOST:PORT...] (NATS JetStream)\n"
    "options:\n"
    "  --topic T            publish every event to T instead of its catalog topic\n"
    "  --mode MODE          the binding's content mode: binary (default) or structured; for\n"
    "                       http also batch (consecutive events in one request)\n"
    "  --token T            http: send Authorization: Bearer T\n"
    "\n"
    "exit status: 0 all confirmed, 1 a failure, 2 usage error\n";

static const char consume_usage[] =
    "usage: messaging-events consume --from URL --group NAME [--topic T] [--max N]\n"
    "                                [--timeout SECONDS] [--dedupe sqlite:PATH]\n"
    "                                [--dead-letter TOPIC]\n"
    "\n"
    "Consumes messaging events as a member of consumer group NAME, from topic T (or every topic\n"
    "of the catalog's routing) and prints each as canonical flat JSON, one per line, in delivery\n"
    "order, acknowledging it once printed. A message that is no valid messaging event is\n"
    "dead-lettered to TOPIC (default " DEAD_TOPIC ") with its reason, and reported on\n"
    "standard error. With --dedupe, an event already printed by any consumer sharing the SQLite\n"
    "file (same group) is acknowledged without being printed again.\n"
    "\n"
    "URL: kafka://HOST:PORT[,HOST:PORT...] (query parameters: librdkafka properties)\n"
    "     nats://HOST:PORT[,HOST:PORT...] (NATS JetStream)\n"
    "options:\n"
    "  --topic T            consume T (several: T1,T2) instead of the catalog's topics\n"
    "  --max N              stop after N events\n"
    "  --timeout SECONDS    stop after this long (default: no limit)\n"
    "  --dedupe sqlite:PATH deduplicate through the SQLite file PATH\n"
    "  --dead-letter TOPIC  where undecodable messages go\n"
    "\n"
    "exit status: 0 N events printed (without --max: stopped by the timeout or a signal),\n"
    "1 a failure, 2 usage error, 3 the timeout passed before N events were printed\n";

static int usage(const char *command, const char *fmt, const char *arg)
{
    fprintf(stderr, "messaging-events %s: ", command);
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nTry 'messaging-events %s --help'.\n", command);
    return EXIT_USAGE;
}

static void print_failure(const char *where, const eventc_error *err)
{
    char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 64];
    eventc_error_format(err, line, sizeof line);
    fprintf(stdout, "%s: error: %s\n", where, line);
}

/* ---- publish ---- */

typedef struct pending {
    eventc_message msgs[PUBLISH_BATCH];
    const eventc_message *ptrs[PUBLISH_BATCH];
    const me_doc *docs[PUBLISH_BATCH];
    eventc_error outcomes[PUBLISH_BATCH];
    size_t n;
} pending;

/* Publishes what is pending; prints a line per failure. Returns the number of failures. */
static size_t publish_pending(eventc_publisher *pub, const char *topic, pending *p)
{
    size_t failed = 0;
    if (p->n == 0)
        return 0;
    eventc_error err;
    eventc_error_clear(&err);
    eventc_status st = eventc_publisher_publish(pub, topic, p->ptrs, p->n, p->outcomes, &err);
    for (size_t i = 0; i < p->n; i++) {
        if (st != EVENTC_OK && p->outcomes[i].code != EVENTC_OK) {
            char where[4200];
            me_doc_where(p->docs[i], where, sizeof where);
            print_failure(where, &p->outcomes[i]);
            failed++;
        }
        eventc_message_clear(&p->msgs[i]);
    }
    p->n = 0;
    return failed;
}

int me_publish(int argc, char **argv)
{
    const char *url = NULL, *topic = NULL;
    me_options opts = {EVENTC_CE_MODE_BINARY, NULL};
    char **files = malloc(sizeof(char *) * (size_t)(argc > 0 ? argc : 1));
    int n_files = 0;
    if (files == NULL)
        return EXIT_USAGE;
    int rc = 0;
    bool options_done = false;
    for (int i = 1; i < argc && rc == 0; i++) {
        const char *a = argv[i];
        if (options_done || a[0] != '-' || a[1] == '\0') {
            files[n_files++] = argv[i];
        } else if (strcmp(a, "--") == 0) {
            options_done = true;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(publish_usage, stdout);
            free(files);
            return fflush(stdout) == 0 ? 0 : EXIT_USAGE;
        } else if (strcmp(a, "--to") == 0 || strcmp(a, "--topic") == 0 ||
                   strcmp(a, "--mode") == 0 || strcmp(a, "--token") == 0) {
            if (i + 1 >= argc) {
                rc = usage("publish", "option '%s' needs a value", a);
            } else if (strcmp(a, "--to") == 0) {
                url = argv[++i];
            } else if (strcmp(a, "--token") == 0) {
                opts.token = argv[++i];
            } else if (strcmp(a, "--topic") == 0) {
                topic = argv[++i];
                if (topic[0] == '\0')
                    rc = usage("publish", "%s", "--topic wants a name");
            } else if (strcmp(argv[++i], "binary") == 0) {
                opts.mode = EVENTC_CE_MODE_BINARY;
            } else if (strcmp(argv[i], "structured") == 0) {
                opts.mode = EVENTC_CE_MODE_STRUCTURED;
            } else if (strcmp(argv[i], "batch") == 0) {
                opts.mode = EVENTC_CE_MODE_BATCH;
            } else {
                rc =
                    usage("publish", "--mode wants binary, structured or batch, not '%s'", argv[i]);
            }
        } else {
            rc = usage("publish", "unknown option '%s'", a);
        }
    }
    if (rc == 0 && url == NULL)
        rc = usage("publish", "%s", "missing --to URL");
    if (rc == 0 && n_files == 0)
        rc = usage("publish", "%s", "missing FILE");
    const char *rest = NULL;
    const me_transport *t = rc == 0 ? me_transport_find("publish", url, &rest) : NULL;
    if (rc == 0 && t == NULL)
        rc = EXIT_USAGE;
    bool http = t != NULL && strncmp(t->scheme, "http", 4) == 0;
    if (rc == 0 && !http && opts.mode == EVENTC_CE_MODE_BATCH)
        rc = usage("publish", "--mode batch is for http:// and https:// only (not %s://)",
                   t->scheme);
    if (rc == 0 && !http && opts.token != NULL)
        rc = usage("publish", "--token is for http:// and https:// only (not %s://)", t->scheme);
    if (rc != 0) {
        free(files);
        return rc;
    }

    me_input in;
    if (me_input_read(&in, files, n_files) != 0) {
        me_input_free(&in);
        free(files);
        return EXIT_FAILED;
    }
    eventc_error err;
    eventc_error_clear(&err);
    void *endpoint = t->open(rest, &opts, &err);
    eventc_publisher *pub = endpoint != NULL ? t->publisher(endpoint, &err) : NULL;
    size_t failed = 0;
    if (pub == NULL) {
        print_failure(url, &err);
        rc = endpoint == NULL ? EXIT_USAGE : EXIT_FAILED;
    }
    const eventc_catalog *cat = &msg_catalog_desc;
    void *ev = calloc(1, cat->union_size);
    pending *p = calloc(1, sizeof(*p));
    if (rc == 0 && (ev == NULL || p == NULL)) {
        fputs("messaging-events publish: out of memory\n", stderr);
        rc = EXIT_FAILED;
    }
    for (size_t i = 0; rc == 0 && i < in.n_docs; i++) {
        const me_doc *d = &in.docs[i];
        eventc_message *m = &p->msgs[p->n];
        eventc_message_init(m, NULL);
        eventc_status st = eventc_catalog_decode_json(cat, ev, d->json, d->len, NULL, &err);
        if (st == EVENTC_OK)
            st = eventc_catalog_message(cat, NULL, eventc_catalog_kind(cat, ev),
                                        eventc_catalog_event_ptr(cat, ev), m, &err);
        if (st != EVENTC_OK) {
            char where[4200];
            me_doc_where(d, where, sizeof where);
            print_failure(where, &err);
            eventc_message_clear(m);
            failed++;
            continue;
        }
        p->ptrs[p->n] = m;
        p->docs[p->n] = d;
        if (++p->n == PUBLISH_BATCH)
            failed += publish_pending(pub, topic, p);
    }
    if (p != NULL)
        failed += publish_pending(pub, topic, p);
    if (ev != NULL)
        eventc_catalog_clear(cat, ev);
    free(ev);
    free(p);
    eventc_publisher_close(pub);
    if (endpoint != NULL)
        t->close(endpoint);
    me_input_free(&in);
    free(files);
    if (rc == 0 && failed > 0)
        rc = EXIT_FAILED;
    if (fflush(stdout) != 0 || ferror(stdout))
        rc = EXIT_USAGE;
    return rc;
}

/* ---- consume ---- */

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
    stop_signal = sig;
}

typedef struct consumer {
    const eventc_catalog *cat;
    void *ev;
    eventc_buf line;
    unsigned long max; /* 0: no limit */
    unsigned long printed;
    bool write_failed;
} consumer;

/* Prints one delivered event; refuses (nack: it goes back to the group) once N are printed. */
static eventc_status print_event(const eventc_message *in, eventc_emitter *out, void *ctx,
                                 eventc_error *err)
{
    consumer *c = ctx;
    (void)out;
    if (c->max > 0 && c->printed >= c->max)
        return eventc_error_set(err, EVENTC_E_CLOSED, NULL, "enough events printed");
    eventc_status st = eventc_catalog_decode_cloudevent(c->cat, c->ev, &in->event, NULL, err);
    if (st != EVENTC_OK)
        return st; /* not a messaging event: poison, dead-lettered */
    eventc_buf_reset(&c->line);
    st = eventc_catalog_to_json(c->cat, c->ev, &c->line, err);
    if (st != EVENTC_OK)
        return st;
    if (fwrite(c->line.data, 1, c->line.len, stdout) != c->line.len || putchar('\n') == EOF ||
        fflush(stdout) != 0) {
        c->write_failed = true;
        return eventc_error_set(err, EVENTC_E_IO, NULL, "cannot write: %s", strerror(errno));
    }
    c->printed++;
    return EVENTC_OK;
}

/* Says on standard error why a message is dead-lettered (inside the dead letter). */
static eventc_status report_handle(void *self, eventc_call *call, eventc_error *err)
{
    (void)self;
    eventc_status st = eventc_call_next(call, err);
    if (st != EVENTC_OK &&
        (call->poison || call->in->malformed != NULL || !eventc_status_retryable(st))) {
        char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 64];
        eventc_error e;
        if (err != NULL)
            e = *err;
        else
            eventc_error_set(&e, st, NULL, NULL);
        e.code = st;
        eventc_error_format(&e, line, sizeof line);
        fprintf(stderr, "messaging-events consume: dead letter: %s (topic %s, id %s): %s\n",
                call->in->event.type != NULL ? call->in->event.type : "?",
                call->in->topic != NULL ? call->in->topic : "?",
                call->in->event.id != NULL ? call->in->event.id : "?", line);
    }
    return st;
}

static void on_error(void *ctx, const char *handler, const eventc_error *err)
{
    consumer *c = ctx;
    (void)handler;
    if (err->code == EVENTC_E_CLOSED && c->max > 0 && c->printed >= c->max)
        return; /* a message given back after the last one printed */
    char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 64];
    eventc_error_format(err, line, sizeof line);
    fprintf(stderr, "messaging-events consume: %s\n", line);
}

/* The catalog's topics, distinct, joined with commas into @p out. */
static eventc_status catalog_topics(const eventc_catalog *cat, eventc_buf *out)
{
    eventc_status st = EVENTC_OK;
    for (size_t i = 0; i < cat->n_events && st == EVENTC_OK; i++) {
        const char *topic = cat->events[i].topic;
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(cat->events[j].topic, topic) == 0;
        if (seen)
            continue;
        if (out->len > 0)
            st = eventc_buf_putc(out, ',');
        if (st == EVENTC_OK)
            st = eventc_buf_append_str(out, topic);
    }
    return st;
}

static double elapsed_s(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) + (double)(now.tv_nsec - start->tv_nsec) / 1e9;
}

/* The subscribers consume uses: one for all topics when the transport takes a list, else one
 * per topic. */
typedef struct subs {
    eventc_subscriber **list;
    char **topics;
    size_t n;
} subs;

static void subs_free(subs *s)
{
    for (size_t i = 0; i < s->n; i++) {
        eventc_subscriber_destroy(s->list[i]);
        free(s->topics[i]);
    }
    free(s->list);
    free(s->topics);
}

static eventc_status subs_make(subs *s, const me_transport *t, void *endpoint, const char *topics,
                               eventc_error *err)
{
    size_t most = 1;
    for (const char *c = topics; *c; c++)
        most += *c == ',';
    s->list = calloc(most, sizeof(*s->list));
    s->topics = calloc(most, sizeof(*s->topics));
    if (s->list == NULL || s->topics == NULL)
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    for (const char *at = topics; at != NULL;) {
        const char *comma = t->many_topics ? NULL : strchr(at, ',');
        size_t len = comma != NULL ? (size_t)(comma - at) : strlen(at);
        char *name = malloc(len + 1);
        if (name == NULL)
            return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        memcpy(name, at, len);
        name[len] = '\0';
        s->topics[s->n] = name;
        s->list[s->n] = t->subscriber(endpoint, name, err);
        if (s->list[s->n] == NULL)
            return err != NULL ? err->code : EVENTC_E_NOMEM;
        s->n++;
        at = comma != NULL ? comma + 1 : NULL;
    }
    return EVENTC_OK;
}

typedef struct consume_args {
    const char *url, *group, *topic, *dedupe, *dead;
    unsigned long max;
    double timeout; /* seconds; negative: none */
} consume_args;

static int parse_consume(int argc, char **argv, consume_args *a)
{
    memset(a, 0, sizeof(*a));
    a->timeout = -1;
    a->dead = DEAD_TOPIC;
    for (int i = 1; i < argc; i++) {
        const char *o = argv[i];
        if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
            fputs(consume_usage, stdout);
            return fflush(stdout) == 0 ? -1 : EXIT_USAGE;
        }
        const char **slot = strcmp(o, "--from") == 0          ? &a->url
                            : strcmp(o, "--group") == 0       ? &a->group
                            : strcmp(o, "--topic") == 0       ? &a->topic
                            : strcmp(o, "--dedupe") == 0      ? &a->dedupe
                            : strcmp(o, "--dead-letter") == 0 ? &a->dead
                                                              : NULL;
        bool number = strcmp(o, "--max") == 0 || strcmp(o, "--timeout") == 0;
        if (slot == NULL && !number)
            return usage("consume", o[0] == '-' ? "unknown option '%s'" : "unexpected '%s'", o);
        if (i + 1 >= argc)
            return usage("consume", "option '%s' needs a value", o);
        const char *v = argv[++i];
        if (slot != NULL) {
            if (v[0] == '\0')
                return usage("consume", "option '%s' needs a value", o);
            *slot = v;
            continue;
        }
        char *end;
        errno = 0;
        if (strcmp(o, "--max") == 0) {
            a->max = strtoul(v, &end, 10);
            if (errno || *end || v[0] < '1' || v[0] > '9')
                return usage("consume", "--max wants a positive number, not '%s'", v);
        } else {
            a->timeout = strtod(v, &end);
            if (errno || *end || v[0] == '\0' || !(a->timeout >= 0) || a->timeout > 1e9)
                return usage("consume", "--timeout wants seconds, not '%s'", v);
        }
    }
    if (a->url == NULL)
        return usage("consume", "%s", "missing --from URL");
    if (a->group == NULL)
        return usage("consume", "%s", "missing --group NAME");
    if (a->dedupe != NULL && strncmp(a->dedupe, "sqlite:", 7) != 0)
        return usage("consume", "--dedupe wants sqlite:PATH, not '%s'", a->dedupe);
    return 0;
}

int me_consume(int argc, char **argv)
{
    consume_args a;
    int rc = parse_consume(argc, argv, &a);
    if (rc != 0)
        return rc < 0 ? 0 : rc;
#ifndef ME_HAVE_SQLITE
    if (a.dedupe != NULL) {
        fputs("messaging-events consume: --dedupe is not available: this build has no SQLite\n",
              stderr);
        return EXIT_USAGE;
    }
#endif
    const char *rest = NULL;
    const me_transport *t = me_transport_find("consume", a.url, &rest);
    if (t == NULL)
        return EXIT_USAGE;
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);

    me_options opts = {EVENTC_CE_MODE_BINARY, NULL};
    consumer c = {&msg_catalog_desc, NULL, {0}, a.max, 0, false};
    eventc_buf_init(&c.line, NULL);
    eventc_buf topics;
    eventc_buf_init(&topics, NULL);
    eventc_error err;
    eventc_error_clear(&err);
    subs s = {NULL, NULL, 0};
    eventc_publisher *pub = NULL;
    eventc_dedupe_store *store = NULL;
    eventc_router *router = NULL;
    void *endpoint = t->open(rest, &opts, &err);
    eventc_status st = endpoint != NULL ? EVENTC_OK : err.code;
    if (endpoint == NULL)
        rc = EXIT_USAGE;
    c.ev = calloc(1, c.cat->union_size);
    if (st == EVENTC_OK && c.ev == NULL)
        st = eventc_error_set(&err, EVENTC_E_NOMEM, NULL, "out of memory");
    if (st == EVENTC_OK)
        st = a.topic != NULL ? eventc_buf_append_str(&topics, a.topic)
                             : catalog_topics(c.cat, &topics);
    if (st == EVENTC_OK && (pub = t->publisher(endpoint, &err)) == NULL)
        st = err.code;
#ifdef ME_HAVE_SQLITE
    if (st == EVENTC_OK && a.dedupe != NULL) {
        eventc_sqlite_dedupe_config dc = {a.dedupe + 7, 0, 0, NULL};
        if ((store = eventc_sqlite_dedupe_open(&dc, &err)) == NULL)
            st = err.code;
    }
#endif
    eventc_router_config rcfg = eventc_router_config_default();
    rcfg.on_error = on_error;
    rcfg.on_error_ctx = &c;
    if (st == EVENTC_OK && (router = eventc_router_new(&rcfg, &err)) == NULL)
        st = err.code;
    eventc_middleware mw;
    if (st == EVENTC_OK) {
        eventc_deadletter_config dl = {pub, a.dead, 0};
        st = eventc_deadletter_middleware(&dl, &mw, &err);
        if (st == EVENTC_OK)
            st = eventc_router_use(router, &mw, &err);
    }
    if (st == EVENTC_OK) {
        eventc_middleware report = {"report", report_handle, NULL, NULL};
        st = eventc_router_use(router, &report, &err);
    }
    if (st == EVENTC_OK && store != NULL) {
        eventc_dedupe_config dc = {store, a.group, 0, 0};
        st = eventc_dedupe_middleware(&dc, &mw, &err);
        if (st == EVENTC_OK)
            st = eventc_router_use(router, &mw, &err);
    }
    if (st == EVENTC_OK)
        st = subs_make(&s, t, endpoint, eventc_buf_cstr(&topics), &err);
    for (size_t i = 0; st == EVENTC_OK && i < s.n; i++) {
        char name[64];
        snprintf(name, sizeof name, "consume-%zu", i);
        eventc_handler_config h = eventc_handler_config_default();
        h.name = name;
        h.subscriber = s.list[i];
        h.topic = s.topics[i];
        h.group = a.group;
        h.fn = print_event;
        h.ctx = &c;
        h.batch = 16;
        st = eventc_router_add_handler(router, &h, &err);
    }
    if (st != EVENTC_OK) {
        char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 64];
        eventc_error_format(&err, line, sizeof line);
        fprintf(stderr, "messaging-events consume: %s\n", line);
        if (rc == 0)
            rc = EXIT_FAILED;
    }

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    while (rc == 0 && !stop_signal && !c.write_failed && (a.max == 0 || c.printed < a.max)) {
        double left = a.timeout < 0 ? 0.25 : a.timeout - elapsed_s(&start);
        if (left <= 0) {
            if (a.max > 0)
                rc = EXIT_TIMEOUT;
            break;
        }
        size_t handled = 0;
        if (eventc_router_run_once(router, left < 0.25 ? (int)(left * 1000) + 1 : 250, &handled,
                                   &err) != EVENTC_OK) {
            char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 64];
            eventc_error_format(&err, line, sizeof line);
            fprintf(stderr, "messaging-events consume: %s\n", line);
            rc = EXIT_FAILED;
        }
    }
    if (rc == EXIT_TIMEOUT)
        fprintf(stderr, "messaging-events consume: %lu of %lu events in %g s\n", c.printed, a.max,
                a.timeout);
    /* Close the consumers first: what was acked is committed, the rest goes back to the group. */
    for (size_t i = 0; i < s.n; i++)
        eventc_subscriber_close(s.list[i]);
    eventc_router_free(router);
    subs_free(&s);
    eventc_publisher_close(pub);
    eventc_dedupe_close(store);
    if (endpoint != NULL)
        t->close(endpoint);
    if (c.ev != NULL)
        eventc_catalog_clear(c.cat, c.ev);
    free(c.ev);
    eventc_buf_free(&c.line);
    eventc_buf_free(&topics);
    if (c.write_failed || fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "messaging-events consume: cannot write output\n");
        rc = EXIT_USAGE;
    }
    return rc;
}
