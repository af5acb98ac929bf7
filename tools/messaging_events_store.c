/* messaging-events store append|load and outbox relay: the event store and the outbox of
 * libeventc-store from the command line (docs/store.md, "Command line"). */
#define _POSIX_C_SOURCE 200809L
#include "messaging_events_store.h"
#include "messaging_events_schemes.h"
#include "messaging_messaging.h"

#include <eventc/store.h>

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define EXIT_INVALID 1
#define EXIT_USAGE 2

static const char store_usage[] =
    "usage: messaging-events store append --db URL [--strict] FILE...\n"
    "       messaging-events store load --db URL AGGREGATE_TYPE AGGREGATE_ID\n"
    "\n"
    "The event store of libeventc-store (docs/store.md). URL is sqlite:PATH or a postgresql://\n"
    "connection string; the schema is created when missing.\n"
    "\n"
    "  append FILE...   append each event (one per file, `-` for standard input) to its\n"
    "                   aggregate's stream, with its outbox row, checking the lifecycle; print\n"
    "                   `FILE: appended <type>/<id>@<version>` or `FILE: error: <message>`\n"
    "  load TYPE ID     print the stream's events as canonical flat JSON, one per line, then\n"
    "                   {\"state\": \"<lifecycle state>\", \"version\": N}\n"
    "\n"
    "exit status: 0; 1 when an event was refused (invalid, or not allowed by its lifecycle);\n"
    "2 usage error, unreadable file or database error\n";

static const char outbox_usage[] =
    "usage: messaging-events outbox relay --db URL --to DEST [--once] [--owner NAME]\n"
    "                                     [--batch N] [--retention-ms MS]\n"
    "\n"
    "Forwards the store's pending outbox rows to DEST in per-aggregate order, marking each sent\n"
    "once DEST confirmed it. Rows that cannot be read go to the dead-letter table\n"
    "eventc_outbox_dead (reported on standard error). Without --once it runs until SIGINT or\n"
    "SIGTERM; with --once it exits when no row is pending. Relays running at once need distinct\n"
    "--owner names (default: host and process id); a relay restarted with the same name takes\n"
    "its claimed rows back at once. --retention-ms deletes sent rows older than MS after each\n"
    "round.\n"
    "\n"
    "destinations:\n";

static int store_error(const char *what, const eventc_error *err)
{
    char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 64];
    eventc_error_format(err, line, sizeof(line));
    fprintf(stderr, "messaging-events: %s: %s\n", what, line);
    return EXIT_USAGE;
}

static eventc_store *open_store(const char *url, eventc_error *err)
{
    eventc_store_config cfg = eventc_store_config_default();
    cfg.catalog = &msg_catalog_desc;
    return eventc_store_open(url, &cfg, err);
}

static int usage(const char *text, const char *fmt, const char *arg)
{
    if (fmt == NULL) {
        fputs(text, stdout);
        return 0;
    }
    fputs("messaging-events: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n", stderr);
    return EXIT_USAGE;
}

static int store_append(eventc_store *s, char **files, int n, const eventc_decode_options *opts)
{
    int status = 0;
    for (int i = 0; i < n && status != EXIT_USAGE; i++) {
        msg_event ev = {0};
        eventc_error err;
        int rc = me_decode_file(files[i], opts, &ev, &err);
        if (rc == EXIT_USAGE) {
            me_print_read_error(stdout, files[i], errno);
            status = EXIT_USAGE;
            continue;
        }
        int64_t version = 0;
        const eventc_catalog_aggregate *agg =
            eventc_catalog_aggregate_of(&msg_catalog_desc, (int)ev.kind);
        const char *id = eventc_catalog_aggregate_id(&msg_catalog_desc, &ev);
        eventc_status st = EVENTC_OK;
        if (rc == 0) {
            const void *one[] = {&ev};
            st = eventc_store_append(s, agg->name, id, EVENTC_STORE_ANY_VERSION, one, 1, &version,
                                     &err);
        }
        if (rc == 0 && st == EVENTC_OK) {
            printf("%s: appended %s/%s@%lld\n", files[i], agg->name, id, (long long)version);
        } else {
            /* One event per append: the index in the batch says nothing. */
            if (strncmp(err.path, "[0]", 3) == 0)
                memmove(err.path, err.path + 3, strlen(err.path + 3) + 1);
            me_print_error(stdout, files[i], &err);
            /* The event's fault (invalid, refused by its lifecycle) or the database's. */
            bool refused = rc != 0 || (st != EVENTC_E_IO && st != EVENTC_E_UNAVAILABLE &&
                                       st != EVENTC_E_NOMEM && st != EVENTC_E_UNSUPPORTED);
            status = refused ? EXIT_INVALID : EXIT_USAGE;
        }
        msg_event_clear(&ev);
    }
    return status;
}

static int print_event(void *ctx, const eventc_store_record *r)
{
    (void)ctx;
    fwrite(r->json, 1, r->json_len, stdout);
    fputc('\n', stdout);
    return 0;
}

int me_store(int argc, char **argv)
{
    const char *db = NULL, *command = NULL;
    char **args = calloc((size_t)argc + 1, sizeof(char *));
    int n_args = 0, strict = 0;
    if (args == NULL)
        return EXIT_USAGE;
    int status = 0;
    for (int i = 1; i < argc && status == 0; i++) {
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            free(args);
            return usage(store_usage, NULL, NULL);
        } else if (strcmp(argv[i], "--db") == 0 && i + 1 < argc) {
            db = argv[++i];
        } else if (strcmp(argv[i], "--strict") == 0) {
            strict = 1;
        } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
            status = usage(store_usage, "store: unknown option '%s'", argv[i]);
        } else if (command == NULL) {
            command = argv[i];
        } else {
            args[n_args++] = argv[i];
        }
    }
    if (status == 0 && (command == NULL || db == NULL))
        status = usage(store_usage, "store: %s", "missing command or --db URL");
    else if (status == 0 && strcmp(command, "append") == 0 && n_args == 0)
        status = usage(store_usage, "store append: %s", "missing FILE");
    else if (status == 0 && strcmp(command, "load") == 0 && n_args != 2)
        status = usage(store_usage, "store load: %s", "give AGGREGATE_TYPE and AGGREGATE_ID");
    else if (status == 0 && strcmp(command, "append") != 0 && strcmp(command, "load") != 0)
        status = usage(store_usage, "store: unknown command '%s'", command);
    eventc_error err;
    eventc_store *s = status == 0 ? open_store(db, &err) : NULL;
    if (status == 0 && s == NULL)
        status = store_error(db, &err);
    if (status == 0 && strcmp(command, "append") == 0) {
        eventc_decode_options opts = eventc_decode_options_default();
        opts.strict = strict;
        status = store_append(s, args, n_args, &opts);
    } else if (status == 0) {
        int64_t version = 0;
        const char *state = NULL;
        if (eventc_store_load(s, args[0], args[1], 0, print_event, NULL, &version, &state, &err) !=
            EVENTC_OK)
            status = store_error("load", &err);
        else
            printf("{\"state\": \"%s\", \"version\": %lld}\n", state, (long long)version);
    }
    eventc_store_close(s);
    free(args);
    return me_finish_output(status);
}

static volatile sig_atomic_t stopping;

static void on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

static void nap(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static int relay(const char *db, const char *to, bool once, const eventc_relay_config *cfg,
                 int64_t retention_ms)
{
    eventc_error err;
    eventc_store *s = open_store(db, &err);
    if (s == NULL)
        return store_error(db, &err);
    eventc_publisher *pub = me_publisher_open(to, &err);
    if (pub == NULL) {
        eventc_store_close(s);
        return store_error(to, &err);
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    int status = 0;
    while (!stopping) {
        eventc_relay_stats stats = {0, 0, 0};
        eventc_status st = eventc_store_relay_once(s, pub, cfg, &stats, &err);
        if (stats.dead > 0)
            store_error("outbox relay: dead letter", &err);
        if (st != EVENTC_OK) {
            store_error("outbox relay", &err);
            if (once) {
                status = EXIT_INVALID;
                break;
            }
            nap(1000);
            continue;
        }
        if (retention_ms >= 0 && eventc_store_outbox_cleanup(s, retention_ms, NULL, &err) != 0)
            store_error("outbox cleanup", &err);
        if (stats.sent > 0 || stats.dead > 0)
            continue;
        int64_t pending = 0;
        if (eventc_store_outbox_pending(s, &pending, &err) != EVENTC_OK) {
            status = store_error("outbox relay", &err);
            break;
        }
        /* Rows may be pending under another relay's claim: wait for them too. */
        if (once && pending == 0)
            break;
        nap(200);
    }
    eventc_publisher_close(pub);
    eventc_store_close(s);
    return status;
}

int me_outbox(int argc, char **argv)
{
    const char *db = NULL, *to = NULL;
    bool once = false;
    int64_t retention_ms = -1;
    eventc_relay_config cfg = eventc_relay_config_default();
    int status = 0;
    bool relay_cmd = false;
    for (int i = 1; i < argc && status == 0; i++) {
        const char *a = argv[i];
        bool has = i + 1 < argc;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            fputs(outbox_usage, stdout);
            me_schemes_print(stdout);
            return me_finish_output(0);
        } else if (strcmp(a, "--db") == 0 && has) {
            db = argv[++i];
        } else if (strcmp(a, "--to") == 0 && has) {
            to = argv[++i];
        } else if (strcmp(a, "--owner") == 0 && has) {
            cfg.owner = argv[++i];
        } else if (strcmp(a, "--batch") == 0 && has) {
            cfg.batch = (size_t)strtoul(argv[++i], NULL, 10);
        } else if (strcmp(a, "--retention-ms") == 0 && has) {
            retention_ms = strtoll(argv[++i], NULL, 10);
        } else if (strcmp(a, "--once") == 0) {
            once = true;
        } else if (strcmp(a, "relay") == 0 && !relay_cmd) {
            relay_cmd = true;
        } else {
            status = usage(outbox_usage, "outbox: unexpected argument '%s'", a);
        }
    }
    if (status == 0 && (!relay_cmd || db == NULL || to == NULL))
        status = usage(outbox_usage, "outbox: %s", "want: outbox relay --db URL --to DEST");
    if (status == 0)
        status = relay(db, to, once, &cfg, retention_ms);
    return status;
}
