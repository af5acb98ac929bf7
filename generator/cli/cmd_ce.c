/* `eventc ce parse|emit|eval`: CloudEvents messages as files, and CESQL expressions
 * (cmd_ce_eval.c). An HTTP message is a raw HTTP/1.1 request
 * or response (start line, headers, blank line, body; CRLF or LF line ends); a Kafka record is a
 * JSON document {"key": string|null, "headers": [[name, value], ...], "value": string|null} with
 * "value_base64" instead of "value" for bytes. `parse` prints the event in the JSON format on one
 * line; `emit` reads an event in the JSON format and prints the message. */
#include "cmd_ce.h"

#include "io/ce_files.h"

#include <eventc/eventc.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_INPUT 1
#define EXIT_USAGE 2

static const char usage[] =
    "usage: eventc ce parse --binding http|kafka|json FILE\n"
    "       eventc ce emit --binding http|kafka --mode binary|structured|batch FILE\n"
    "       eventc ce eval EXPRESSION [EVENT.json]\n";

static const char help[] =
    "\n"
    "Reads and writes CloudEvents v1.0 messages (see docs/cloudevents.md).\n"
    "\n"
    "  parse   reads a message and prints its event in the JSON format on one line (a batch\n"
    "          as a JSON array). --binding http: a raw HTTP/1.1 request or response (CRLF or\n"
    "          LF line ends); kafka: a JSON document {\"key\": string|null, \"headers\":\n"
    "          [[name, value], ...], \"value\": string|null} (or \"value_base64\"); json: an\n"
    "          event or a batch in the JSON format.\n"
    "  emit    reads an event in the JSON format (a batch for --mode batch, HTTP only) and\n"
    "          prints the message in the file format parse reads.\n"
    "  eval    evaluates a CloudEvents SQL (CESQL v1.0) expression against an event in the\n"
    "          JSON format, or against an event with only the required attributes, and prints\n"
    "          {\"result\": <boolean|integer|string>, \"error\": null | \"<kind>\"} with the\n"
    "          TCK's error kinds (parse, math, cast, missingAttribute, missingFunction,\n"
    "          functionEvaluation, generic); exits 0 whatever the expression gives. More in\n"
    "          `eventc ce eval --help` and docs/cesql.md.\n"
    "\n"
    "FILE (and EVENT.json) may be - for standard input. Exit status: 0 success, 1 invalid\n"
    "message, event or file, 2 usage error.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("eventc ce: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n", stderr);
    fputs(usage, stderr);
    return EXIT_USAGE;
}

static int report(const char *file, const eventc_error *err)
{
    char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 32];
    eventc_error_format(err, line, sizeof(line));
    fprintf(stderr, "%s: error: %s\n", file, line);
    return EXIT_INPUT;
}

static int report_text(const char *file, const char *why)
{
    fprintf(stderr, "%s: error: %s\n", file, why);
    return EXIT_INPUT;
}

typedef struct warn_ctx {
    const char *file;
} warn_ctx;

static void on_warning(void *ctx, unsigned flag, const char *path, const char *message)
{
    const warn_ctx *w = ctx;
    (void)flag;
    fprintf(stderr, "%s: warning: %s: %s\n", w->file, path, message);
}

/* Prints one event, or a batch, in the JSON format on one line. */
static int print_events(const char *file, const eventc_ce_event *events, size_t n, bool batch)
{
    eventc_buf out;
    eventc_error err;
    eventc_status st;
    eventc_buf_init(&out, NULL);
    st = batch ? eventc_ce_batch_to_json(events, n, &out, &err)
               : eventc_ce_to_json(&events[0], &out, &err);
    if (st != EVENTC_OK) {
        eventc_buf_free(&out);
        return report(file, &err);
    }
    eventc_buf_putc(&out, '\n');
    fwrite(out.data, 1, out.len, stdout);
    eventc_buf_free(&out);
    return 0;
}

/* ---- commands ---- */

typedef struct args {
    const char *binding;
    const char *mode;
    const char *file;
} args;

static int parse_args(int argc, char **argv, args *a, bool want_mode)
{
    memset(a, 0, sizeof(*a));
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
            fputs(usage, stdout);
            fputs(help, stdout);
            return -1;
        }
        if (strcmp(s, "--binding") == 0 || (want_mode && strcmp(s, "--mode") == 0)) {
            if (i + 1 >= argc)
                return usage_error("%s needs a value", s);
            if (strcmp(s, "--binding") == 0)
                a->binding = argv[++i];
            else
                a->mode = argv[++i];
            continue;
        }
        if (s[0] == '-' && s[1] != '\0')
            return usage_error("unknown option '%s'", s);
        if (a->file)
            return usage_error("more than one FILE given ('%s')", s);
        a->file = s;
    }
    if (a->binding == NULL)
        return usage_error("%s", "missing --binding");
    if (want_mode && a->mode == NULL)
        return usage_error("%s", "missing --mode");
    if (a->file == NULL)
        return usage_error("%s", "missing FILE");
    return 0;
}

static int cmd_parse(int argc, char **argv)
{
    args a;
    int rc = parse_args(argc, argv, &a, false);
    char *data = NULL, *key = NULL, *value = NULL;
    size_t len = 0, key_len = 0, value_len = 0;
    char why[256];
    gen_ce_file_headers h = {NULL, 0, 0};
    eventc_ce_batch batch;
    eventc_error err;
    warn_ctx wc = {NULL};
    eventc_ce_options opts = eventc_ce_options_default();
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    if (strcmp(a.binding, "http") != 0 && strcmp(a.binding, "kafka") != 0 &&
        strcmp(a.binding, "json") != 0)
        return usage_error("unknown binding '%s' (want http, kafka or json)", a.binding);
    if (!gen_ce_file_read(a.file, 0, &data, &len)) {
        fprintf(stderr, "%s: error: cannot read: %s\n", a.file, strerror(errno));
        return EXIT_INPUT;
    }
    wc.file = a.file;
    opts.warn = on_warning;
    opts.warn_ctx = &wc;
    eventc_ce_batch_init(&batch, NULL);
    if (strcmp(a.binding, "http") == 0) {
        const char *body = NULL;
        size_t body_len = 0;
        if (!gen_ce_file_parse_http(data, len, &h, &body, &body_len, why, sizeof(why)))
            rc = report_text(a.file, why);
        else if (eventc_ce_http_decode_batch(&batch, h.items, h.n, body, body_len, &opts, &err) !=
                 EVENTC_OK)
            rc = report(a.file, &err);
        else
            rc = print_events(a.file, batch.events, batch.n_events,
                              eventc_ce_http_mode(h.items, h.n) == EVENTC_CE_MODE_BATCH);
    } else if (strcmp(a.binding, "kafka") == 0) {
        eventc_ce_event *ev = eventc_ce_batch_add(&batch);
        if (ev == NULL)
            rc = report_text(a.file, "out of memory");
        else if (!gen_ce_file_parse_kafka(data, len, &h, &key, &key_len, &value, &value_len, why,
                                          sizeof(why)))
            rc = report_text(a.file, why);
        else if (eventc_ce_kafka_decode(ev, h.items, h.n, key, key_len, value, value_len, &opts,
                                        &err) != EVENTC_OK)
            rc = report(a.file, &err);
        else
            rc = print_events(a.file, ev, 1, false);
    } else {
        size_t i = 0;
        while (i < len && (data[i] == ' ' || data[i] == '\n' || data[i] == '\r' || data[i] == '\t'))
            i++;
        bool is_batch = i < len && data[i] == '[';
        eventc_ce_event *ev = is_batch ? NULL : eventc_ce_batch_add(&batch);
        eventc_status st;
        if (!is_batch && ev == NULL)
            rc = report_text(a.file, "out of memory");
        else if ((st = is_batch ? eventc_ce_batch_from_json(&batch, data, len, &opts, &err)
                                : eventc_ce_from_json(ev, data, len, &opts, &err)) != EVENTC_OK)
            rc = report(a.file, &err);
        else
            rc = print_events(a.file, batch.events, batch.n_events, is_batch);
    }
    eventc_ce_batch_clear(&batch);
    gen_ce_file_headers_free(&h);
    free(key);
    free(value);
    free(data);
    return rc;
}

static int cmd_emit(int argc, char **argv)
{
    args a;
    int rc = parse_args(argc, argv, &a, true);
    char *data = NULL;
    size_t len = 0;
    eventc_ce_mode mode;
    eventc_ce_batch batch;
    eventc_ce_message msg;
    eventc_error err;
    eventc_status st;
    warn_ctx wc = {NULL};
    eventc_ce_options opts = eventc_ce_options_default();
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    bool http = strcmp(a.binding, "http") == 0;
    if (!http && strcmp(a.binding, "kafka") != 0)
        return usage_error("unknown binding '%s' (want http or kafka)", a.binding);
    if (strcmp(a.mode, "binary") == 0)
        mode = EVENTC_CE_MODE_BINARY;
    else if (strcmp(a.mode, "structured") == 0)
        mode = EVENTC_CE_MODE_STRUCTURED;
    else if (strcmp(a.mode, "batch") == 0 && http)
        mode = EVENTC_CE_MODE_BATCH;
    else
        return usage_error(http ? "unknown mode '%s' (want binary, structured or batch)"
                                : "unknown mode '%s' (want binary or structured)",
                           a.mode);
    if (!gen_ce_file_read(a.file, 0, &data, &len)) {
        fprintf(stderr, "%s: error: cannot read: %s\n", a.file, strerror(errno));
        return EXIT_INPUT;
    }
    wc.file = a.file;
    opts.warn = on_warning;
    opts.warn_ctx = &wc;
    eventc_ce_batch_init(&batch, NULL);
    eventc_ce_message_init(&msg, NULL);
    if (mode == EVENTC_CE_MODE_BATCH) {
        st = eventc_ce_batch_from_json(&batch, data, len, &opts, &err);
        if (st == EVENTC_OK)
            st = eventc_ce_http_encode_batch(batch.events, batch.n_events, &msg, &err);
    } else {
        eventc_ce_event *ev = eventc_ce_batch_add(&batch);
        if (ev == NULL) {
            st = eventc_error_set(&err, EVENTC_E_NOMEM, NULL, "out of memory");
        } else {
            st = eventc_ce_from_json(ev, data, len, &opts, &err);
            if (st == EVENTC_OK)
                st = http ? eventc_ce_http_encode(ev, mode, &msg, &err)
                          : eventc_ce_kafka_encode(ev, mode, &msg, &err);
        }
    }
    if (st != EVENTC_OK) {
        rc = report(a.file, &err);
    } else if (http) {
        gen_ce_file_write_http(&msg, stdout);
    } else {
        bool bytes =
            mode == EVENTC_CE_MODE_BINARY && batch.events[0].data_kind == EVENTC_CE_DATA_BINARY;
        if (gen_ce_file_write_kafka(&msg, bytes, stdout) != EVENTC_OK)
            rc = report_text(a.file, "cannot write the record");
    }
    eventc_ce_message_clear(&msg);
    eventc_ce_batch_clear(&batch);
    free(data);
    return rc;
}

int gen_cmd_ce(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("%s", "missing a subcommand (parse, emit or eval)");
    if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, stdout);
        fputs(help, stdout);
        return 0;
    }
    if (strcmp(argv[1], "parse") == 0)
        return cmd_parse(argc, argv);
    if (strcmp(argv[1], "emit") == 0)
        return cmd_emit(argc, argv);
    if (strcmp(argv[1], "eval") == 0)
        return gen_cmd_ce_eval(argc, argv);
    return usage_error("unknown subcommand '%s' (want parse, emit or eval)", argv[1]);
}
