/* messaging-events to-cloudevent / from-cloudevent. The message files are those of `eventc ce`
 * (docs/cloudevents.md): a raw HTTP/1.1 message; a Kafka record as the JSON document
 * {"key", "headers": [[name, value], ...], "value" | "value_base64"}; or a CloudEvent in the JSON
 * format. */
#include "messaging_events_ce.h"
#include "io/ce_files.h"
#include "messaging_cloudevents.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_INVALID 1
#define EXIT_USAGE 2
/* A message file holds an event plus headers: allow well beyond the decoders' input limit, which
 * then speaks for itself. */
#define MAX_FILE ((size_t)16 << 20)

typedef enum binding { B_NONE, B_HTTP, B_KAFKA, B_JSON } binding;

typedef struct args {
    const char *cmd;
    binding binding;
    int mode; /* -1: not given */
    int strict;
    const char *file;
} args;

static int usage_error(const char *cmd, const char *fmt, const char *arg)
{
    fprintf(stderr, "messaging-events %s: ", cmd);
    fprintf(stderr, fmt, arg);
    fputs("\nTry 'messaging-events --help'.\n", stderr);
    return EXIT_USAGE;
}

/* `--name VALUE` or `--name=VALUE` at argv[*i]; NULL when argv[*i] is not that option. */
static const char *option(int argc, char **argv, int *i, const char *name, int *missing)
{
    size_t n = strlen(name);
    const char *a = argv[*i];
    if (strncmp(a, name, n) != 0)
        return NULL;
    if (a[n] == '=')
        return a + n + 1;
    if (a[n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = 1;
        return NULL;
    }
    return argv[++*i];
}

static int parse_args(int argc, char **argv, args *a, int want_mode)
{
    memset(a, 0, sizeof *a);
    a->cmd = argv[0];
    a->mode = -1;
    int done = 0;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int missing = 0;
        if (!done && strcmp(argv[i], "--") == 0) {
            done = 1;
        } else if (!done && strcmp(argv[i], "--strict") == 0) {
            a->strict = 1;
        } else if (!done && (v = option(argc, argv, &i, "--binding", &missing))) {
            if (strcmp(v, "http") == 0)
                a->binding = B_HTTP;
            else if (strcmp(v, "kafka") == 0)
                a->binding = B_KAFKA;
            else if (strcmp(v, "json") == 0)
                a->binding = B_JSON;
            else
                return usage_error(a->cmd, "unknown binding '%s' (known: http, kafka, json)", v);
        } else if (!done && want_mode && (v = option(argc, argv, &i, "--mode", &missing))) {
            if (strcmp(v, "binary") == 0)
                a->mode = EVENTC_CE_MODE_BINARY;
            else if (strcmp(v, "structured") == 0)
                a->mode = EVENTC_CE_MODE_STRUCTURED;
            else
                return usage_error(a->cmd, "unknown mode '%s' (known: binary, structured)", v);
        } else if (missing) {
            return usage_error(a->cmd, "option '%s' needs a value", argv[i]);
        } else if (!done && argv[i][0] == '-' && argv[i][1] != '\0') {
            return usage_error(a->cmd, "unknown option '%s'", argv[i]);
        } else if (a->file) {
            return usage_error(a->cmd, "more than one FILE ('%s')", argv[i]);
        } else {
            a->file = argv[i];
        }
    }
    if (a->binding == B_NONE)
        return usage_error(a->cmd, "%s", "missing --binding http|kafka|json");
    if (a->binding == B_JSON && a->mode >= 0)
        return usage_error(a->cmd, "%s", "--mode is for the http and kafka bindings");
    if (!a->file)
        return usage_error(a->cmd, "%s", "missing FILE");
    if (a->mode < 0)
        a->mode = EVENTC_CE_MODE_BINARY;
    return 0;
}

static int report(const char *file, const eventc_error *err)
{
    char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 32];
    eventc_error_format(err, line, sizeof line);
    fprintf(stderr, "%s: error: %s\n", file, line);
    return EXIT_INVALID;
}

static int report_text(const char *file, const char *why)
{
    fprintf(stderr, "%s: error: %s\n", file, why);
    return EXIT_INVALID;
}

static int finish(int status)
{
    if (fflush(stdout) != 0 || ferror(stdout)) {
        fprintf(stderr, "messaging-events: cannot write output: %s\n", strerror(errno));
        return EXIT_USAGE;
    }
    return status;
}

/* ---- the commands ---- */

int me_to_cloudevent(int argc, char **argv)
{
    args a;
    int rc = parse_args(argc, argv, &a, 1);
    if (rc)
        return rc;
    char *json;
    size_t len;
    if (!gen_ce_file_read(a.file, MAX_FILE, &json, &len)) {
        fprintf(stderr, "%s: error: cannot read: %s\n", a.file, strerror(errno));
        return EXIT_USAGE;
    }
    eventc_decode_options opts = eventc_decode_options_default();
    opts.strict = a.strict;
    msg_event ev;
    eventc_ce_event ce;
    eventc_ce_message msg;
    eventc_error err;
    memset(&ev, 0, sizeof ev);
    eventc_ce_init(&ce, NULL);
    eventc_ce_message_init(&msg, NULL);
    eventc_status st = msg_event_from_json_ex(&ev, json, len, &opts, &err);
    if (st == EVENTC_OK)
        st = msg_event_to_cloudevent(&ev, &ce, &err);
    if (st == EVENTC_OK && a.binding == B_JSON) {
        eventc_buf out;
        eventc_buf_init(&out, NULL);
        st = eventc_ce_to_json(&ce, &out, &err);
        if (st == EVENTC_OK && (st = eventc_buf_putc(&out, '\n')) == EVENTC_OK)
            fwrite(out.data, 1, out.len, stdout);
        eventc_buf_free(&out);
    } else if (st == EVENTC_OK) {
        st = a.binding == B_HTTP ? eventc_ce_http_encode(&ce, (eventc_ce_mode)a.mode, &msg, &err)
                                 : eventc_ce_kafka_encode(&ce, (eventc_ce_mode)a.mode, &msg, &err);
        if (st == EVENTC_OK && a.binding == B_HTTP)
            gen_ce_file_write_http(&msg, stdout);
        else if (st == EVENTC_OK &&
                 (st = gen_ce_file_write_kafka(&msg, ce.data_kind == EVENTC_CE_DATA_BINARY,
                                               stdout)) != EVENTC_OK)
            eventc_error_set(&err, st, NULL, NULL);
    }
    rc = st == EVENTC_OK ? 0 : report(a.file, &err);
    eventc_ce_message_clear(&msg);
    eventc_ce_clear(&ce);
    msg_event_clear(&ev);
    free(json);
    return finish(rc);
}

int me_from_cloudevent(int argc, char **argv)
{
    args a;
    int rc = parse_args(argc, argv, &a, 0);
    if (rc)
        return rc;
    char *data;
    size_t len;
    if (!gen_ce_file_read(a.file, MAX_FILE, &data, &len)) {
        fprintf(stderr, "%s: error: cannot read: %s\n", a.file, strerror(errno));
        return EXIT_USAGE;
    }
    gen_ce_file_headers h = {NULL, 0, 0};
    char *key = NULL, *value = NULL;
    size_t key_len = 0, value_len = 0;
    char why[256];
    eventc_ce_event ce;
    eventc_error err;
    msg_event ev;
    eventc_status st = EVENTC_OK;
    memset(&ev, 0, sizeof ev);
    eventc_ce_init(&ce, NULL);
    if (a.binding == B_HTTP) {
        const char *body;
        size_t body_len;
        rc = gen_ce_file_parse_http(data, len, &h, &body, &body_len, why, sizeof why) ? 0 : -1;
        if (rc == 0)
            st = eventc_ce_http_decode(&ce, h.items, h.n, body, body_len, NULL, &err);
    } else if (a.binding == B_KAFKA) {
        rc = gen_ce_file_parse_kafka(data, len, &h, &key, &key_len, &value, &value_len, why,
                                     sizeof why)
                 ? 0
                 : -1;
        if (rc == 0)
            st = eventc_ce_kafka_decode(&ce, h.items, h.n, key, key_len, value, value_len, NULL,
                                        &err);
    } else {
        st = eventc_ce_from_json(&ce, data, len, NULL, &err);
    }
    if (rc != 0) {
        rc = report_text(a.file, why);
    } else {
        eventc_decode_options opts = eventc_decode_options_default();
        opts.strict = a.strict;
        if (st == EVENTC_OK)
            st = msg_event_from_cloudevent(&ev, &ce, &opts, &err);
        eventc_buf out;
        eventc_buf_init(&out, NULL);
        if (st == EVENTC_OK && (st = msg_event_to_json(&ev, &out, &err)) == EVENTC_OK &&
            (st = eventc_buf_putc(&out, '\n')) == EVENTC_OK)
            fwrite(out.data, 1, out.len, stdout);
        eventc_buf_free(&out);
        rc = st == EVENTC_OK ? 0 : report(a.file, &err);
    }
    msg_event_clear(&ev);
    eventc_ce_clear(&ce);
    gen_ce_file_headers_free(&h);
    free(key);
    free(value);
    free(data);
    return finish(rc);
}
