/* messaging-events to-cloudevent / from-cloudevent. The message files are those of `eventc ce`
 * (docs/cloudevents.md): a raw HTTP/1.1 message; a Kafka record as the JSON document
 * {"key", "headers": [[name, value], ...], "value" | "value_base64"}; or a CloudEvent in the JSON
 * format. */
#include "messaging_events_ce.h"
#include "messaging_cloudevents.h"

#include <errno.h>
#include <json-c/json.h>
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

/* Reads a whole file ("-": standard input), at most MAX_FILE + 1 bytes. Returns 0 or -1 (errno
 * set). */
static int slurp(const char *path, char **data, size_t *len)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap + 1);
    int rc = buf ? 0 : -1;
    while (rc == 0 && n <= MAX_FILE) {
        if (n == cap) {
            char *bigger = realloc(buf, cap * 2 + 1);
            if (!bigger) {
                rc = -1;
                break;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                rc = -1;
            break;
        }
    }
    int saved = rc ? (errno ? errno : ENOMEM) : 0;
    if (f != stdin)
        fclose(f);
    if (rc != 0) {
        free(buf);
        errno = saved;
        return -1;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
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

/* ---- message files ---- */

typedef struct headers {
    eventc_header *items;
    size_t n, cap;
} headers;

static void headers_free(headers *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free((char *)h->items[i].name);
        free((char *)h->items[i].value);
    }
    free(h->items);
    memset(h, 0, sizeof *h);
}

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int headers_add(headers *h, const char *name, size_t nlen, const char *value, size_t vlen)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        eventc_header *bigger = realloc(h->items, cap * sizeof *bigger);
        if (!bigger)
            return -1;
        h->items = bigger;
        h->cap = cap;
    }
    char *n = dup_n(name, nlen), *v = dup_n(value, vlen);
    if (!n || !v) {
        free(n);
        free(v);
        return -1;
    }
    h->items[h->n].name = n;
    h->items[h->n].value = v;
    h->n++;
    return 0;
}

static int is_token_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* A raw HTTP/1.1 message: start line, headers, blank line, body (CRLF or LF line ends). A
 * Content-Length, when given, must match the body. Fills why on error. */
static int parse_http(const char *data, size_t len, headers *h, const char **body, size_t *body_len,
                      char *why, size_t why_len)
{
    const char *p = data, *end = data + len;
    unsigned line = 0;
    int blank = 0;
    while (p < end && !blank) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end, *next = nl ? nl + 1 : end;
        if (eol > p && eol[-1] == '\r')
            eol--;
        line++;
        if (line == 1) {
            if (eol == p || memchr(p, ' ', (size_t)(eol - p)) == NULL) {
                snprintf(why, why_len, "line 1: expected a request or status line");
                return -1;
            }
        } else if (eol == p) {
            blank = 1;
        } else {
            const char *colon = p;
            while (colon < eol && is_token_char(*colon))
                colon++;
            if (colon == p || colon == eol || *colon != ':') {
                snprintf(why, why_len, "line %u: expected a header (name: value)", line);
                return -1;
            }
            const char *v = colon + 1, *ve = eol;
            while (v < ve && (*v == ' ' || *v == '\t'))
                v++;
            while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
                ve--;
            if (memchr(v, '\0', (size_t)(ve - v)) != NULL) {
                snprintf(why, why_len, "line %u: NUL byte in a header", line);
                return -1;
            }
            if (headers_add(h, p, (size_t)(colon - p), v, (size_t)(ve - v)) != 0) {
                snprintf(why, why_len, "out of memory");
                return -1;
            }
        }
        p = next;
    }
    if (!blank) {
        snprintf(why, why_len, "no blank line after the headers");
        return -1;
    }
    *body = p;
    *body_len = (size_t)(end - p);
    const char *cl = eventc_header_find(h->items, h->n, "content-length");
    if (cl) {
        char *stop;
        errno = 0;
        unsigned long long n = strtoull(cl, &stop, 10);
        if (*cl < '0' || *cl > '9' || *stop != '\0' || errno != 0 || n != *body_len) {
            snprintf(why, why_len,
                     "Content-Length \"%.40s\" does not match the %zu bytes of the body", cl,
                     *body_len);
            return -1;
        }
    }
    return 0;
}

/* Copies a JSON string member into a malloc'd block; NULL member or absent: *out NULL. */
static int json_bytes(json_object *v, char **out, size_t *len)
{
    *out = dup_n(json_object_get_string(v), (size_t)json_object_get_string_len(v));
    *len = (size_t)json_object_get_string_len(v);
    return *out ? 0 : -1;
}

/* A Kafka record file. key and value are malloc'd (NULL when null or absent). */
static int parse_kafka(const char *data, size_t len, headers *h, char **key, size_t *key_len,
                       char **value, size_t *value_len, char *why, size_t why_len)
{
    json_tokener *tok = json_tokener_new();
    json_object *doc = NULL, *v, *hs;
    int rc = -1;
    if (!tok) {
        snprintf(why, why_len, "out of memory");
        return -1;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    doc = json_tokener_parse_ex(tok, data, (int)len);
    size_t end = json_tokener_get_parse_end(tok);
    while (end < len && strchr(" \t\r\n", data[end]))
        end++;
    if (json_tokener_get_error(tok) != json_tokener_success || end != len ||
        !json_object_is_type(doc, json_type_object)) {
        snprintf(why, why_len, "not a Kafka record: expected {\"key\", \"headers\", \"value\"}");
        goto out;
    }
    json_object_object_foreach(doc, name, member)
    {
        (void)member;
        if (strcmp(name, "key") && strcmp(name, "headers") && strcmp(name, "value") &&
            strcmp(name, "value_base64")) {
            snprintf(why, why_len, "unknown member \"%.40s\" in the Kafka record", name);
            goto out;
        }
    }
    if (json_object_object_get_ex(doc, "key", &v) && v) {
        if (!json_object_is_type(v, json_type_string) || json_bytes(v, key, key_len) != 0) {
            snprintf(why, why_len, "\"key\" must be a string or null");
            goto out;
        }
    }
    if (!json_object_object_get_ex(doc, "headers", &hs) ||
        !json_object_is_type(hs, json_type_array)) {
        snprintf(why, why_len, "\"headers\" must be an array of [name, value] pairs");
        goto out;
    }
    for (size_t i = 0; i < json_object_array_length(hs); i++) {
        json_object *pair = json_object_array_get_idx(hs, i), *n, *val;
        if (!json_object_is_type(pair, json_type_array) || json_object_array_length(pair) != 2 ||
            !json_object_is_type(n = json_object_array_get_idx(pair, 0), json_type_string) ||
            !json_object_is_type(val = json_object_array_get_idx(pair, 1), json_type_string) ||
            memchr(json_object_get_string(val), '\0', (size_t)json_object_get_string_len(val))) {
            snprintf(why, why_len, "headers[%zu] must be a [name, value] pair of strings", i);
            goto out;
        }
        if (headers_add(h, json_object_get_string(n), (size_t)json_object_get_string_len(n),
                        json_object_get_string(val),
                        (size_t)json_object_get_string_len(val)) != 0) {
            snprintf(why, why_len, "out of memory");
            goto out;
        }
    }
    int has_value = json_object_object_get_ex(doc, "value", &v);
    if (has_value && v) {
        if (!json_object_is_type(v, json_type_string) || json_bytes(v, value, value_len) != 0) {
            snprintf(why, why_len, "\"value\" must be a string or null");
            goto out;
        }
    }
    if (json_object_object_get_ex(doc, "value_base64", &v) && v) {
        size_t n = (size_t)json_object_get_string_len(v);
        if (has_value || !json_object_is_type(v, json_type_string) ||
            !(*value = malloc(n / 4 * 3 + 1)) ||
            !eventc_ce_base64_decode(json_object_get_string(v), n, *value, value_len)) {
            snprintf(why, why_len,
                     "\"value_base64\" must be strict Base64, and comes without "
                     "\"value\"");
            goto out;
        }
        (*value)[*value_len] = '\0';
    }
    rc = 0;
out:
    json_object_put(doc);
    json_tokener_free(tok);
    return rc;
}

static void write_http(const eventc_ce_message *m)
{
    fputs("POST / HTTP/1.1\r\n", stdout);
    for (size_t i = 0; i < m->n_headers; i++)
        printf("%s: %s\r\n", m->headers[i].name, m->headers[i].value);
    printf("content-length: %zu\r\n\r\n", m->body_len);
    if (m->body_len)
        fwrite(m->body, 1, m->body_len, stdout);
}

static eventc_status write_kafka(const eventc_ce_message *m, int bytes)
{
    eventc_buf b;
    eventc_status st = EVENTC_OK;
    eventc_buf_init(&b, NULL);
    eventc_buf_append_str(&b, "{\"key\":");
    if (m->key)
        st = eventc_buf_append_json_string(&b, m->key, m->key_len);
    else
        eventc_buf_append_str(&b, "null");
    eventc_buf_append_str(&b, ",\"headers\":[");
    for (size_t i = 0; i < m->n_headers && st == EVENTC_OK; i++) {
        eventc_buf_append_str(&b, i ? ",[" : "[");
        st = eventc_buf_append_json_string(&b, m->headers[i].name, strlen(m->headers[i].name));
        eventc_buf_putc(&b, ',');
        if (st == EVENTC_OK)
            st =
                eventc_buf_append_json_string(&b, m->headers[i].value, strlen(m->headers[i].value));
        eventc_buf_putc(&b, ']');
    }
    eventc_buf_append_str(&b, "],");
    if (st == EVENTC_OK && !m->body) {
        eventc_buf_append_str(&b, "\"value\":null");
    } else if (st == EVENTC_OK && bytes) {
        size_t n = eventc_ce_base64_len(m->body_len);
        eventc_buf_append_str(&b, "\"value_base64\":\"");
        if ((st = eventc_buf_reserve(&b, n + 1)) == EVENTC_OK) {
            eventc_ce_base64_encode(m->body, m->body_len, b.data + b.len);
            b.len += n;
        }
        eventc_buf_putc(&b, '"');
    } else if (st == EVENTC_OK) {
        eventc_buf_append_str(&b, "\"value\":");
        st = eventc_buf_append_json_string(&b, m->body, m->body_len);
    }
    eventc_buf_append_str(&b, "}\n");
    if (st == EVENTC_OK && b.failed)
        st = EVENTC_E_NOMEM;
    if (st == EVENTC_OK)
        fwrite(b.data, 1, b.len, stdout);
    eventc_buf_free(&b);
    return st;
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
    if (slurp(a.file, &json, &len) != 0) {
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
            write_http(&msg);
        else if (st == EVENTC_OK &&
                 (st = write_kafka(&msg, ce.data_kind == EVENTC_CE_DATA_BINARY)) != EVENTC_OK)
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
    if (slurp(a.file, &data, &len) != 0) {
        fprintf(stderr, "%s: error: cannot read: %s\n", a.file, strerror(errno));
        return EXIT_USAGE;
    }
    headers h = {0};
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
        rc = parse_http(data, len, &h, &body, &body_len, why, sizeof why);
        if (rc == 0)
            st = eventc_ce_http_decode(&ce, h.items, h.n, body, body_len, NULL, &err);
    } else if (a.binding == B_KAFKA) {
        rc = parse_kafka(data, len, &h, &key, &key_len, &value, &value_len, why, sizeof why);
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
    headers_free(&h);
    free(key);
    free(value);
    free(data);
    return finish(rc);
}
