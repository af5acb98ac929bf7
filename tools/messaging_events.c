/* messaging-events: checks and normalises messaging events with the C bindings eventc generates
 * from catalog/messaging.yaml. A small real user of the generated API, and a handy tool for
 * producers: `validate *.json` in a test suite, `normalize` to compare payloads, `replay` to
 * check a history against the lifecycles, `pipe` to run events through the delivery chain. */
#include "messaging.h"
#include "messaging_events_ce.h"
#include "messaging_events_io.h"
#include "messaging_events_pipe.h"
#ifdef ME_HAVE_HTTP
#include "messaging_events_serve.h"
#endif
#ifdef EVENTC_HAVE_STORE
#include "messaging_events_store.h"
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_INVALID 1
#define EXIT_USAGE 2

static const char usage_text[] =
    "usage: messaging-events validate [--strict] FILE...\n"
    "       messaging-events normalize [--strict] FILE\n"
    "       messaging-events replay [--strict] FILE...\n"
    "       messaging-events to-cloudevent [--strict] --binding http|kafka|json\n"
    "                                      [--mode binary|structured] FILE\n"
    "       messaging-events from-cloudevent [--strict] --binding http|kafka|json FILE\n"
    "       messaging-events pipe [--filter EXPR] [--max-attempts N] [--dead-letter FILE]\n"
    "                             FILE...\n"
    "       messaging-events publish --to URL [--topic T] [--mode binary|structured] FILE...\n"
    "       messaging-events consume --from URL --group NAME [--topic T] [--max N]\n"
    "                                [--timeout SECONDS] [--dedupe sqlite:PATH]\n"
    "       messaging-events serve --listen ADDRESS:PORT [--path /events] [--token T]\n"
    "                              [--allowed-origin ORIGIN] [--max N] [--timeout SECONDS]\n"
    "       messaging-events store append --db URL FILE...\n"
    "       messaging-events store load --db URL AGGREGATE_TYPE AGGREGATE_ID\n"
    "       messaging-events outbox relay --db URL --to URL [--once]\n"
    "\n"
    "Checks messaging events (JSON, one event per file) against the messaging catalog, with the\n"
    "C bindings eventc generates from it. `-` reads standard input.\n"
    "\n"
    "commands:\n"
    "  validate FILE...   print `FILE: ok` or `FILE: error: <json path>: <message> [<rule>]`\n"
    "                     for each file\n"
    "  normalize FILE     print the event's canonical JSON: members in catalog order, absent\n"
    "                     optional members left out, no white space, timestamps in UTC\n"
    "  replay FILE...     apply the events in order to their aggregates' lifecycles and print\n"
    "                     each aggregate's final state (`Conversation conv_777: archived`), in\n"
    "                     the order the aggregates first appear; stop at the first event that\n"
    "                     is invalid or not allowed in its aggregate's state\n"
    "  to-cloudevent FILE     print the event as a CloudEvents message: a raw HTTP/1.1 request\n"
    "                         (http), a Kafka record {\"key\", \"headers\", \"value\"} (kafka)\n"
    "                         or the JSON event format (json); --mode binary (the default) or\n"
    "                         structured for http and kafka\n"
    "  from-cloudevent FILE   read such a message and print the event's canonical JSON\n"
    "  pipe FILE...           publish the events (one per file, or one per line) through the\n"
    "                         in-memory bus to a router with dead letter, deduplicator and\n"
    "                         lifecycle guard; print each handled event's canonical JSON\n"
    "                         (see messaging-events pipe --help)\n"
    "  publish FILE...        publish the events to a broker (kafka://HOST:PORT,\n"
    "                         nats://HOST:PORT) as routed CloudEvents (see messaging-events\n"
    "                         publish --help)\n"
    "  consume                print the events a consumer group receives from a broker\n"
    "                         (see messaging-events consume --help)\n"
    "  serve                  receive events as CloudEvents over HTTP (webhooks) and print each\n"
    "                         one's canonical JSON (see messaging-events serve --help)\n"
    "  store append FILE...   append the events to their aggregates' streams in the event\n"
    "                         store at URL (sqlite:PATH or postgresql://...), checking the\n"
    "                         lifecycles (see messaging-events store --help)\n"
    "  store load TYPE ID     print a stream's events and its state\n"
    "  outbox relay           forward the store's outbox to a destination\n"
    "\n"
    "options:\n"
    "  --strict           refuse members the catalog does not declare, even where it allows them\n"
    "  -h, --help         show this help\n"
    "\n"
    "exit status: 0 all valid, 1 an event is invalid (or, for replay, not allowed), 2 usage\n"
    "error or unreadable file\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("messaging-events: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'messaging-events --help'.\n", stderr);
    return EXIT_USAGE;
}

/* Reads a whole file ("-": standard input). Reading stops one byte past the decoder's input limit:
 * the decoder then reports the limit, and a huge or endless input costs bounded memory. Returns 0,
 * or -1 with errno set. */
static int read_input(const char *path, size_t max, char **data, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    int rc = 0;
    if (!buf) {
        rc = -1;
        errno = ENOMEM;
    }
    while (rc == 0 && n <= max) {
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2);
            if (!bigger) {
                rc = -1;
                errno = ENOMEM;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t want = cap - n;
        if (want > max + 1 - n)
            want = max + 1 - n;
        size_t got = fread(buf + n, 1, want, f);
        n += got;
        if (got < want) {
            if (ferror(f)) {
                rc = -1;
                if (errno == 0)
                    errno = EIO;
            }
            break;
        }
    }
    int saved = errno;
    if (f != stdin)
        fclose(f);
    else
        clearerr(stdin);
    if (rc != 0) {
        free(buf);
        errno = saved;
        return -1;
    }
    *data = buf;
    *len = n;
    return 0;
}

/* Decodes one file. Returns 0 (ev holds the event), EXIT_INVALID (err says why) or EXIT_USAGE
 * (the file could not be read; errno says why). */
static int decode_file(const char *path, const eventc_decode_options *opts, msg_event *ev,
                       eventc_error *err)
{
    char *json;
    size_t len;
    if (read_input(path, opts->limits.max_input, &json, &len) != 0)
        return EXIT_USAGE;
    eventc_status st = msg_event_from_json_ex(ev, json, len, opts, err);
    free(json);
    return st == EVENTC_OK ? 0 : EXIT_INVALID;
}

static void print_error(FILE *out, const char *path, const eventc_error *err)
{
    char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 64];
    eventc_error_format(err, line, sizeof line);
    fprintf(out, "%s: error: %s\n", path, line);
}

static void print_read_error(FILE *out, const char *path, int errnum)
{
    fprintf(out, "%s: error: cannot read: %s\n", path, strerror(errnum));
}

/* Standard output may be a full disk or a closed pipe: a tool that lies about having printed
 * its result is worse than one that fails. */
static int finish_output(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "messaging-events: cannot write output: %s\n", strerror(errno));
        return EXIT_USAGE;
    }
    return status;
}

static int cmd_validate(char **files, int n, const eventc_decode_options *opts)
{
    int status = 0;
    for (int i = 0; i < n; i++) {
        msg_event ev;
        memset(&ev, 0, sizeof ev);
        eventc_error err;
        eventc_error_clear(&err);
        errno = 0;
        int rc = decode_file(files[i], opts, &ev, &err);
        if (rc == 0) {
            printf("%s: ok\n", files[i]);
            msg_event_clear(&ev);
        } else if (rc == EXIT_INVALID) {
            print_error(stdout, files[i], &err);
        } else {
            print_read_error(stdout, files[i], errno);
        }
        if (rc > status)
            status = rc;
    }
    return finish_output(status);
}

static int cmd_normalize(const char *file, const eventc_decode_options *opts)
{
    msg_event ev;
    memset(&ev, 0, sizeof ev);
    eventc_error err;
    eventc_error_clear(&err);
    errno = 0;
    int rc = decode_file(file, opts, &ev, &err);
    if (rc == EXIT_USAGE) {
        print_read_error(stderr, file, errno);
        return rc;
    }
    if (rc == EXIT_INVALID) {
        print_error(stderr, file, &err);
        return rc;
    }
    eventc_buf out;
    eventc_buf_init(&out, NULL);
    eventc_status st = msg_event_to_json(&ev, &out, &err);
    if (st == EVENTC_OK)
        st = eventc_buf_putc(&out, '\n');
    if (st == EVENTC_OK) {
        fwrite(out.data, 1, out.len, stdout);
    } else {
        if (err.code == EVENTC_OK)
            eventc_error_set(&err, st, NULL, NULL);
        print_error(stderr, file, &err);
        rc = EXIT_INVALID;
    }
    eventc_buf_free(&out);
    msg_event_clear(&ev);
    return finish_output(rc);
}

/* ---- replay ---- */

/* One aggregate instance met in a history, with its current state. */
typedef struct replayed {
    char *type, *id;
    int state;              /* a msg_<aggregate>_state, held as an int */
    const char *state_name; /* static, from the generated _state_to_string */
} replayed;

/* Applies `ev` to the state of its aggregate through the typed lifecycle functions. On error
 * `*state` is left as it was. */
static eventc_status apply_event(const msg_event *ev, int *state, const char **name,
                                 eventc_error *err)
{
    const char *aggregate = msg_event_types[(int)ev->kind - 1].aggregate;
    eventc_status st = EVENTC_E_INVALID_ARGUMENT;
    if (strcmp(aggregate, "Customer") == 0) {
        msg_customer_state s = (msg_customer_state)*state;
        st = msg_customer_apply(s, ev, &s, err);
        *state = (int)s;
        *name = msg_customer_state_to_string(s);
    } else if (strcmp(aggregate, "Contact") == 0) {
        msg_contact_state s = (msg_contact_state)*state;
        st = msg_contact_apply(s, ev, &s, err);
        *state = (int)s;
        *name = msg_contact_state_to_string(s);
    } else if (strcmp(aggregate, "Provider") == 0) {
        msg_provider_state s = (msg_provider_state)*state;
        st = msg_provider_apply(s, ev, &s, err);
        *state = (int)s;
        *name = msg_provider_state_to_string(s);
    } else if (strcmp(aggregate, "Channel") == 0) {
        msg_channel_state s = (msg_channel_state)*state;
        st = msg_channel_apply(s, ev, &s, err);
        *state = (int)s;
        *name = msg_channel_state_to_string(s);
    } else if (strcmp(aggregate, "Conversation") == 0) {
        msg_conversation_state s = (msg_conversation_state)*state;
        st = msg_conversation_apply(s, ev, &s, err);
        *state = (int)s;
        *name = msg_conversation_state_to_string(s);
    } else {
        eventc_error_set(err, st, NULL, "%s has no lifecycle", aggregate);
    }
    return st;
}

/* The instance of aggregate `type` with id `id`, added in state none when new; NULL when memory
 * runs out. */
static replayed *find_or_add(replayed **all, size_t *n, size_t *cap, const char *type,
                             const char *id)
{
    for (size_t i = 0; i < *n; i++)
        if (strcmp((*all)[i].type, type) == 0 && strcmp((*all)[i].id, id) == 0)
            return &(*all)[i];
    if (*n == *cap) {
        size_t bigger = *cap ? *cap * 2 : 16;
        replayed *grown = realloc(*all, bigger * sizeof(*grown));
        if (!grown)
            return NULL;
        *all = grown;
        *cap = bigger;
    }
    replayed *r = &(*all)[*n];
    r->type = malloc(strlen(type) + 1);
    r->id = malloc(strlen(id) + 1);
    if (!r->type || !r->id) {
        free(r->type);
        free(r->id);
        return NULL;
    }
    strcpy(r->type, type);
    strcpy(r->id, id);
    r->state = 0;
    r->state_name = "none";
    (*n)++;
    return r;
}

static int cmd_replay(char **files, int n_files, const eventc_decode_options *opts)
{
    replayed *all = NULL;
    size_t n = 0, cap = 0;
    int status = 0;
    msg_event ev;
    memset(&ev, 0, sizeof ev);
    for (int i = 0; i < n_files && status == 0; i++) {
        eventc_error err;
        eventc_error_clear(&err);
        errno = 0;
        int rc = decode_file(files[i], opts, &ev, &err);
        if (rc == EXIT_USAGE) {
            print_read_error(stderr, files[i], errno);
            status = rc;
            break;
        }
        if (rc == EXIT_INVALID) {
            print_error(stderr, files[i], &err);
            status = rc;
            break;
        }
        /* Every event struct starts with the envelope. */
        const msg_envelope *env = (const msg_envelope *)(const void *)&ev.as;
        replayed *r = find_or_add(&all, &n, &cap, env->aggregate_type, env->aggregate_id);
        if (!r) {
            fputs("messaging-events: out of memory\n", stderr);
            status = EXIT_USAGE;
            break;
        }
        if (apply_event(&ev, &r->state, &r->state_name, &err) != EVENTC_OK) {
            char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 64];
            eventc_error_format(&err, line, sizeof line);
            fprintf(stderr, "%s: error: %s %s: %s\n", files[i], r->type, r->id, line);
            status = EXIT_INVALID;
        }
    }
    msg_event_clear(&ev);
    for (size_t i = 0; i < n; i++) {
        if (status == 0)
            printf("%s %s: %s\n", all[i].type, all[i].id, all[i].state_name);
        free(all[i].type);
        free(all[i].id);
    }
    free(all);
    return finish_output(status);
}

int main(int argc, char **argv)
{
    /* The CloudEvents commands parse their own options (messaging_events_ce.c). */
    if (argc > 1 && strcmp(argv[1], "to-cloudevent") == 0)
        return me_to_cloudevent(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "from-cloudevent") == 0)
        return me_from_cloudevent(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "pipe") == 0)
        return me_pipe(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "publish") == 0)
        return me_publish(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "consume") == 0)
        return me_consume(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "serve") == 0) {
#ifdef ME_HAVE_HTTP
        return me_serve(argc - 1, argv + 1);
#else
        fputs("messaging-events serve: not available: this build has no HTTP adapter (libcurl "
              "and libmicrohttpd were not found)\n",
              stderr);
        return EXIT_USAGE;
#endif
    }
#ifdef EVENTC_HAVE_STORE
    if (argc > 1 && strcmp(argv[1], "store") == 0)
        return me_store(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "outbox") == 0)
        return me_outbox(argc - 1, argv + 1);
#endif
    const char *command = NULL;
    char **files = malloc(sizeof(char *) * (size_t)(argc > 0 ? argc : 1));
    if (!files) {
        fputs("messaging-events: out of memory\n", stderr);
        return EXIT_USAGE;
    }
    int n_files = 0;
    int strict = 0;
    int options_done = 0;
    int status = 0;
    for (int i = 1; i < argc && status == 0; i++) {
        const char *a = argv[i];
        if (!options_done && a[0] == '-' && a[1] != '\0') {
            if (strcmp(a, "--") == 0) {
                options_done = 1;
            } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
                fputs(usage_text, stdout);
                free(files);
                return finish_output(0);
            } else if (strcmp(a, "--strict") == 0) {
                strict = 1;
            } else {
                status = usage_error("unknown option '%s'", a);
            }
        } else if (!command) {
            command = a;
        } else {
            files[n_files++] = argv[i];
        }
    }

    if (status == 0) {
        eventc_decode_options opts = eventc_decode_options_default();
        opts.strict = strict;
        if (!command) {
            fputs(usage_text, stderr);
            status = EXIT_USAGE;
        } else if (strcmp(command, "validate") == 0) {
            if (n_files == 0)
                status = usage_error("validate: %s", "missing FILE");
            else
                status = cmd_validate(files, n_files, &opts);
        } else if (strcmp(command, "normalize") == 0) {
            if (n_files != 1)
                status = usage_error("normalize: %s",
                                     n_files ? "give exactly one FILE" : "missing FILE");
            else
                status = cmd_normalize(files[0], &opts);
        } else if (strcmp(command, "replay") == 0) {
            if (n_files == 0)
                status = usage_error("replay: %s", "missing FILE");
            else
                status = cmd_replay(files, n_files, &opts);
        } else {
            status = usage_error("unknown command '%s'", command);
        }
    }
    free(files);
    return status;
}

/* For the other commands' files (messaging_events_store.h). */
int me_decode_file(const char *path, const eventc_decode_options *opts, msg_event *ev,
                   eventc_error *err)
{
    return decode_file(path, opts, ev, err);
}

void me_print_error(FILE *out, const char *path, const eventc_error *err)
{
    print_error(out, path, err);
}

void me_print_read_error(FILE *out, const char *path, int errnum)
{
    print_read_error(out, path, errnum);
}

int me_finish_output(int status)
{
    return finish_output(status);
}
