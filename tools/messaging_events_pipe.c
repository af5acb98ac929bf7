/* messaging-events pipe: the whole delivery chain from a shell. Flat events from files are
 * published with the generated typed layer through the in-memory bus to a router (dead letter,
 * filter, deduplicator, lifecycle guard, retry) whose typed handlers print each event they
 * handle; dead letters go to a file as structured CloudEvents. */
#include "messaging_events_pipe.h"
#include "messaging_events_input.h"
#include "messaging_messaging.h"

#include <eventc/bus.h>
#include <eventc/lifecycle_guard.h>
#include <eventc/middleware.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_INVALID 1
#define EXIT_USAGE 2

/* Where dead letters are published on the bus, and the handlers' consumer group. */
#define DEAD_TOPIC "messaging-events.deadletter"
#define GROUP "pipe"

static const char pipe_usage[] =
    "usage: messaging-events pipe [--filter EXPR] [--max-attempts N] [--dead-letter FILE] FILE...\n"
    "\n"
    "Publishes the messaging events in the files (one JSON document per file, or one per line)\n"
    "in order, each through the in-memory bus to a router with a dead letter, the CloudEvents SQL\n"
    "filter EXPR, a deduplicator, the lifecycle guard and retries, and prints each event its\n"
    "typed handler receives as canonical JSON, one per line. Every dead-lettered message is\n"
    "written to FILE (standard error without --dead-letter) as a CloudEvent in the JSON format,\n"
    "one per line, with its reason in the dlq* extensions; an input event that is not a valid\n"
    "messaging event is dead-lettered there too, with type eventc.pipe.invalid. `-` reads\n"
    "standard input.\n"
    "\n"
    "options:\n"
    "  --filter EXPR       handle only the events EXPR (CloudEvents SQL) matches; others are\n"
    "                      acknowledged and not printed\n"
    "  --max-attempts N    runs of a handler before its event is dead-lettered (default 5)\n"
    "  --dead-letter FILE  where dead letters go\n"
    "\n"
    "exit status: 0 the run completed, 1 an input file cannot be read or parsed, 2 usage error\n";

static int usage(const char *fmt, const char *arg)
{
    fputs("messaging-events pipe: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'messaging-events pipe --help'.\n", stderr);
    return EXIT_USAGE;
}

/* ---- the run ---- */

typedef struct run {
    eventc_bus *bus;
    eventc_publisher *pub;
    eventc_subscriber *dead;
    eventc_router *router;
    eventc_typed *typed;
    eventc_dedupe_store *dedupe;
    eventc_state_store *states;
    eventc_manual_clock *clock;
    FILE *dead_out;
    eventc_buf line;
    bool write_failed;
} run;

/* The typed handler of every event: its canonical JSON on standard output. */
static int print_event(const void *handlers, int kind, const void *event, const eventc_message *m,
                       void *ctx)
{
    (void)handlers;
    (void)m;
    run *r = ctx;
    const eventc_catalog_event *e = eventc_catalog_event_of(&msg_catalog_desc, kind);
    eventc_buf_reset(&r->line);
    eventc_error err;
    eventc_status st =
        eventc_encode_ex(e->entry->desc, event, &r->line, EVENTC_ENCODE_TRUSTED, &err);
    if (st != EVENTC_OK)
        return (int)st;
    /* Each line goes out as it is handled: a reader of the pipe sees events as they pass, and a
     * failed write fails this handling (retried, then dead-lettered) rather than a later one. */
    if (fwrite(r->line.data, 1, r->line.len, stdout) != r->line.len || putchar('\n') == EOF ||
        fflush(stdout) != 0) {
        r->write_failed = true;
        return EVENTC_E_IO;
    }
    return 0;
}

static bool handles_all(const void *handlers, int kind)
{
    (void)handlers;
    (void)kind;
    return true;
}

static void write_dead(run *r, const eventc_ce_event *ev)
{
    eventc_buf_reset(&r->line);
    eventc_error err;
    if (eventc_ce_to_json(ev, &r->line, &err) != EVENTC_OK) {
        char msg[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 16];
        eventc_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "messaging-events pipe: cannot write a dead letter: %s\n", msg);
        return;
    }
    if (fwrite(r->line.data, 1, r->line.len, r->dead_out) != r->line.len ||
        fputc('\n', r->dead_out) == EOF)
        r->write_failed = true;
}

/* Writes the dead letters the bus holds. */
static void flush_dead(run *r)
{
    eventc_message *got[16];
    size_t n = 0;
    eventc_error err;
    while (eventc_subscriber_fetch(r->dead, 16, 0, got, &n, &err) == EVENTC_OK && n > 0) {
        for (size_t i = 0; i < n; i++) {
            write_dead(r, &got[i]->event);
            if (eventc_subscriber_ack(r->dead, got[i], &err) != EVENTC_OK)
                fprintf(stderr, "messaging-events pipe: cannot acknowledge a dead letter\n");
        }
    }
}

/* An input document that is no valid messaging event: a stand-in CloudEvent holding it, with
 * the reason, written with the dead letters. It never reaches the bus. */
static void dead_input(run *r, const me_doc *d, const eventc_error *why)
{
    eventc_ce_event ev;
    eventc_ce_init(&ev, NULL);
    char id[64], where[4200], reason[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 16];
    me_doc_where(d, where, sizeof where);
    eventc_error_format(why, reason, sizeof reason);
    eventc_error err;
    const char *event_id = NULL;
    size_t event_id_len = 0;
    int escapes = 0;
    if (eventc_peek_string(d->json, d->len, "event_id", &event_id, &event_id_len, &escapes, &err) ==
            EVENTC_OK &&
        !escapes && event_id_len > 0 && event_id_len < sizeof id) {
        memcpy(id, event_id, event_id_len);
        id[event_id_len] = '\0';
    } else {
        snprintf(id, sizeof id, "input-%zu", d->line);
    }
    eventc_status st = eventc_ce_set_id(&ev, id, &err);
    if (st != EVENTC_OK)
        st = eventc_ce_set_id(&ev, "input", &err);
    if (st == EVENTC_OK)
        st = eventc_ce_set_source(&ev, msg_cloudevents.source, &err);
    if (st == EVENTC_OK)
        st = eventc_ce_set_type(&ev, "eventc.pipe.invalid", &err);
    if (st == EVENTC_OK)
        st = eventc_ce_set_datacontenttype(&ev, "application/json", &err);
    if (st == EVENTC_OK)
        st = eventc_ce_set_data_json(&ev, d->json, d->len, &err);
    if (st == EVENTC_OK)
        st = eventc_ce_set_ext_string(&ev, EVENTC_DLQ_REASON, reason, &err);
    if (st == EVENTC_OK)
        st = eventc_ce_set_ext_string(&ev, EVENTC_DLQ_CODE, eventc_status_code(why->code), &err);
    if (st == EVENTC_OK && eventc_ce_set_ext_string(&ev, EVENTC_DLQ_TOPIC, where, &err) !=
                               EVENTC_OK) /* a file name CloudEvents cannot carry */
        st = eventc_ce_set_ext_string(&ev, EVENTC_DLQ_TOPIC, "input", &err);
    if (st == EVENTC_OK)
        st = eventc_ce_set_ext_string(&ev, EVENTC_DLQ_HANDLER, "pipe:input", &err);
    if (st == EVENTC_OK)
        write_dead(r, &ev);
    else
        fprintf(stderr, "%s: error: %s\n", where, reason);
    eventc_ce_clear(&ev);
}

static eventc_status open_run(run *r, const char *filter, unsigned max_attempts, eventc_error *err)
{
    eventc_status st = EVENTC_OK;
    r->clock = eventc_manual_clock_new(0);
    r->bus = eventc_bus_new(NULL, err);
    r->pub = r->bus ? eventc_bus_publisher(r->bus) : NULL;
    r->dead = r->bus ? eventc_bus_subscriber(r->bus) : NULL;
    r->dedupe = eventc_memory_dedupe_new(NULL);
    r->states = eventc_memory_state_new(NULL);
    if (!r->clock || !r->bus || !r->pub || !r->dead || !r->dedupe || !r->states)
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    st = eventc_subscriber_subscribe(r->dead, DEAD_TOPIC, GROUP, err);
    eventc_router_config rc = eventc_router_config_default();
    /* Retries wait on a clock that moves when they sleep: the run never waits on wall time. */
    rc.clock = eventc_manual_clock_get(r->clock);
    if (st == EVENTC_OK && (r->router = eventc_router_new(&rc, err)) == NULL)
        st = EVENTC_E_NOMEM;
    eventc_middleware mw;
    if (st == EVENTC_OK) {
        eventc_deadletter_config dl = {r->pub, DEAD_TOPIC, 0};
        st = eventc_deadletter_middleware(&dl, &mw, err);
        if (st == EVENTC_OK)
            st = eventc_router_use(r->router, &mw, err);
    }
    if (st == EVENTC_OK && filter != NULL) {
        st = eventc_filter_middleware(filter, &mw, err);
        if (st == EVENTC_OK)
            st = eventc_router_use(r->router, &mw, err);
    }
    if (st == EVENTC_OK) {
        eventc_dedupe_config dc = {r->dedupe, GROUP, 0, 0};
        st = eventc_dedupe_middleware(&dc, &mw, err);
        if (st == EVENTC_OK)
            st = eventc_router_use(r->router, &mw, err);
    }
    if (st == EVENTC_OK) {
        eventc_lifecycle_guard_config gc;
        memset(&gc, 0, sizeof gc);
        gc.catalog = &msg_catalog_desc;
        gc.store = r->states;
        st = eventc_lifecycle_guard_middleware(&gc, &mw, err);
        if (st == EVENTC_OK)
            st = eventc_router_use(r->router, &mw, err);
    }
    if (st == EVENTC_OK) {
        eventc_retry_config rt = eventc_retry_config_default();
        rt.max_attempts = max_attempts;
        rt.seed = 1;
        st = eventc_retry_middleware(&rt, &mw, err);
        if (st == EVENTC_OK)
            st = eventc_router_use(r->router, &mw, err);
    }
    if (st == EVENTC_OK) {
        eventc_typed_table table = {&msg_catalog_desc, print_event, handles_all, NULL, r};
        eventc_typed_config tc = eventc_typed_config_default();
        tc.name = "pipe";
        tc.group = GROUP;
        tc.new_subscriber = eventc_bus_subscriber_factory;
        tc.subscriber_ctx = r->bus;
        tc.publisher = r->pub;
        st = eventc_typed_add(r->router, &table, &tc, &r->typed, err);
    }
    return st;
}

static void close_run(run *r)
{
    eventc_router_free(r->router);
    eventc_typed_free(r->typed);
    eventc_subscriber_destroy(r->dead);
    eventc_publisher_close(r->pub);
    eventc_bus_free(r->bus);
    eventc_dedupe_close(r->dedupe);
    eventc_state_store_close(r->states);
    eventc_manual_clock_free(r->clock);
    eventc_buf_free(&r->line);
}

/* Publishes one document and lets the router handle everything that follows from it. */
static void pipe_one(run *r, const me_doc *d, msg_event *ev)
{
    eventc_error err;
    eventc_status st = msg_event_from_json(ev, d->json, d->len, &err);
    if (st == EVENTC_OK)
        st = msg_event_publish(r->pub, NULL, ev, &err);
    if (st != EVENTC_OK) {
        dead_input(r, d, &err);
        return;
    }
    size_t handled;
    do {
        handled = 0;
        if (eventc_router_run_once(r->router, 0, &handled, &err) != EVENTC_OK)
            break;
    } while (handled > 0);
    flush_dead(r);
}

int me_pipe(int argc, char **argv)
{
    const char *filter = NULL, *dead_file = NULL;
    unsigned long max_attempts = 5;
    char **files = malloc(sizeof(char *) * (size_t)(argc > 0 ? argc : 1));
    int n_files = 0;
    if (files == NULL)
        return EXIT_USAGE;
    bool options_done = false;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (options_done || a[0] != '-' || a[1] == '\0') {
            files[n_files++] = argv[i];
            continue;
        }
        int rc = 0;
        if (strcmp(a, "--") == 0) {
            options_done = true;
        } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(pipe_usage, stdout);
            free(files);
            return fflush(stdout) == 0 ? 0 : EXIT_USAGE;
        } else if (strcmp(a, "--filter") == 0 || strcmp(a, "--max-attempts") == 0 ||
                   strcmp(a, "--dead-letter") == 0) {
            if (i + 1 >= argc) {
                rc = usage("option '%s' needs a value", a);
            } else if (strcmp(a, "--filter") == 0) {
                filter = argv[++i];
            } else if (strcmp(a, "--dead-letter") == 0) {
                dead_file = argv[++i];
            } else {
                char *end;
                errno = 0;
                max_attempts = strtoul(argv[++i], &end, 10);
                if (errno || *end || argv[i][0] < '1' || argv[i][0] > '9' || max_attempts > 1000)
                    rc = usage("--max-attempts wants a number from 1 to 1000, not '%s'", argv[i]);
            }
        } else {
            rc = usage("unknown option '%s'", a);
        }
        if (rc != 0) {
            free(files);
            return rc;
        }
    }
    if (n_files == 0) {
        free(files);
        return usage("%s", "missing FILE");
    }

    /* Every input is read and split before anything is published. */
    me_input in;
    int status = me_input_read(&in, files, n_files) == 0 ? 0 : EXIT_INVALID;

    run r;
    memset(&r, 0, sizeof r);
    eventc_buf_init(&r.line, NULL);
    r.dead_out = stderr;
    if (status == 0 && dead_file != NULL) {
        r.dead_out = fopen(dead_file, "wb");
        if (r.dead_out == NULL) {
            fprintf(stderr, "%s: error: cannot write: %s\n", dead_file, strerror(errno));
            status = EXIT_USAGE;
        }
    }
    eventc_error err;
    eventc_error_clear(&err);
    if (status == 0 && open_run(&r, filter, (unsigned)max_attempts, &err) != EVENTC_OK) {
        char msg[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 16];
        eventc_error_format(&err, msg, sizeof msg);
        fprintf(stderr, "messaging-events pipe: %s\n", msg);
        status = EXIT_USAGE;
    }
    if (status == 0) {
        msg_event ev;
        memset(&ev, 0, sizeof ev);
        for (size_t i = 0; i < in.n_docs; i++)
            pipe_one(&r, &in.docs[i], &ev);
        msg_event_clear(&ev);
    }
    close_run(&r);
    if (r.dead_out != NULL && r.dead_out != stderr && fclose(r.dead_out) != 0)
        r.write_failed = true;
    if (fflush(stdout) != 0 || ferror(stdout))
        r.write_failed = true;
    if (status == 0 && r.write_failed) {
        fprintf(stderr, "messaging-events pipe: cannot write output: %s\n", strerror(errno));
        status = EXIT_USAGE;
    }
    me_input_free(&in);
    free(files);
    return status;
}
