/* messaging-events: checks and normalises messaging events with the C bindings eventc generates
 * from catalog/messaging.yaml. A small real user of the generated API, and a handy tool for
 * producers: `validate *.json` in a test suite, `normalize` to compare payloads. */
#include "messaging.h"
#include "messaging_events_ce.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_INVALID 1
#define EXIT_USAGE 2

static const char usage_text[] =
    "usage: messaging-events validate [--strict] FILE...\n"
    "       messaging-events normalize [--strict] FILE\n"
    "       messaging-events to-cloudevent [--strict] --binding http|kafka|json\n"
    "                                      [--mode binary|structured] FILE\n"
    "       messaging-events from-cloudevent [--strict] --binding http|kafka|json FILE\n"
    "\n"
    "Checks messaging events (JSON, one event per file) against the messaging catalog, with the\n"
    "C bindings eventc generates from it. `-` reads standard input.\n"
    "\n"
    "commands:\n"
    "  validate FILE...   print `FILE: ok` or `FILE: error: <json path>: <message> [<rule>]`\n"
    "                     for each file\n"
    "  normalize FILE     print the event's canonical JSON: members in catalog order, absent\n"
    "                     optional members left out, no white space, timestamps in UTC\n"
    "  to-cloudevent FILE     print the event as a CloudEvents message: a raw HTTP/1.1 request\n"
    "                         (http), a Kafka record {\"key\", \"headers\", \"value\"} (kafka)\n"
    "                         or the JSON event format (json); --mode binary (the default) or\n"
    "                         structured for http and kafka\n"
    "  from-cloudevent FILE   read such a message and print the event's canonical JSON\n"
    "\n"
    "options:\n"
    "  --strict           refuse members the catalog does not declare, even where it allows them\n"
    "  -h, --help         show this help\n"
    "\n"
    "exit status: 0 all valid, 1 an event is invalid, 2 usage error or unreadable file\n";

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

int main(int argc, char **argv)
{
    /* The CloudEvents commands parse their own options (messaging_events_ce.c). */
    if (argc > 1 && strcmp(argv[1], "to-cloudevent") == 0)
        return me_to_cloudevent(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "from-cloudevent") == 0)
        return me_from_cloudevent(argc - 1, argv + 1);
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
        } else {
            status = usage_error("unknown command '%s'", command);
        }
    }
    free(files);
    return status;
}
