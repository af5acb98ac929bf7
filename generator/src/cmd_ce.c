/* `eventc ce parse|emit`: CloudEvents messages as files. An HTTP message is a raw HTTP/1.1 request
 * or response (start line, headers, blank line, body; CRLF or LF line ends); a Kafka record is a
 * JSON document {"key": string|null, "headers": [[name, value], ...], "value": string|null} with
 * "value_base64" instead of "value" for bytes. `parse` prints the event in the JSON format on one
 * line; `emit` reads an event in the JSON format and prints the message. */
#include "cmd_ce.h"

#include <eventc/eventc.h>

#include <json-c/json.h>

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_INPUT 1
#define EXIT_USAGE 2

static const char usage[] =
    "usage: eventc ce parse --binding http|kafka|json FILE\n"
    "       eventc ce emit --binding http|kafka --mode binary|structured|batch FILE\n";

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
    "\n"
    "FILE may be - for standard input. Exit status: 0 success, 1 invalid message, event or\n"
    "file, 2 usage error.\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("eventc ce: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n", stderr);
    fputs(usage, stderr);
    return EXIT_USAGE;
}

/* Reads a whole file (or standard input for "-"); returns false with errno set. */
static bool slurp(const char *path, char **data, size_t *len)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t cap = 4096, n = 0;
    char *buf;
    if (fp == NULL)
        return false;
    buf = malloc(cap);
    if (buf == NULL) {
        if (fp != stdin)
            fclose(fp);
        errno = ENOMEM;
        return false;
    }
    for (;;) {
        if (cap - n < 2) {
            char *bigger = cap <= ((size_t)-1) / 2 ? realloc(buf, cap * 2) : NULL;
            if (bigger == NULL) {
                free(buf);
                if (fp != stdin)
                    fclose(fp);
                errno = ENOMEM;
                return false;
            }
            buf = bigger;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n - 1, fp);
        n += got;
        if (got == 0)
            break;
    }
    int failed = ferror(fp);
    int saved = errno ? errno : EIO;
    if (fp != stdin)
        fclose(fp);
    if (failed) {
        free(buf);
        errno = saved;
        return false;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return true;
}

/* ---- message files ---- */

/* Headers read from a file, each name and value NUL-terminated in its own block. */
typedef struct header_list {
    eventc_header *items;
    size_t n, cap;
} header_list;

static void headers_free(header_list *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free((char *)h->items[i].name);
        free((char *)h->items[i].value);
    }
    free(h->items);
    h->items = NULL;
    h->n = h->cap = 0;
}

static bool headers_add(header_list *h, const char *name, size_t nlen, const char *value,
                        size_t vlen)
{
    if (h->n == h->cap) {
        size_t cap = h->cap ? h->cap * 2 : 16;
        eventc_header *bigger = realloc(h->items, cap * sizeof(*bigger));
        if (bigger == NULL)
            return false;
        h->items = bigger;
        h->cap = cap;
    }
    char *n = malloc(nlen + 1), *v = malloc(vlen + 1);
    if (n == NULL || v == NULL) {
        free(n);
        free(v);
        return false;
    }
    memcpy(n, name, nlen);
    n[nlen] = '\0';
    memcpy(v, value, vlen);
    v[vlen] = '\0';
    h->items[h->n].name = n;
    h->items[h->n].value = v;
    h->n++;
    return true;
}

static bool is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Parses a raw HTTP/1.1 message. On error writes a message into why and returns false. */
static bool parse_http_file(const char *data, size_t len, header_list *h, const char **body,
                            size_t *body_len, char *why, size_t why_len)
{
    const char *p = data, *end = data + len;
    unsigned line_no = 0;
    bool blank = false;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *eol = nl ? nl : end;
        const char *next = nl ? nl + 1 : end;
        if (eol > p && eol[-1] == '\r')
            eol--;
        line_no++;
        if (memchr(p, '\0', (size_t)(eol - p)) != NULL) {
            snprintf(why, why_len, "line %u: NUL byte in the message head", line_no);
            return false;
        }
        if (line_no == 1) {
            /* Request line (METHOD SP target SP HTTP/x.y) or status line (HTTP/x.y SP code ...). */
            const char *sp1 = memchr(p, ' ', (size_t)(eol - p));
            const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
            bool status = eol - p >= 5 && memcmp(p, "HTTP/", 5) == 0;
            bool request = sp2 != NULL && eol - sp2 > 5 && memcmp(sp2 + 1, "HTTP/", 5) == 0;
            if (sp1 == NULL || (!status && !request)) {
                snprintf(why, why_len,
                         "line 1: expected a request line (POST /path HTTP/1.1) or a status line "
                         "(HTTP/1.1 200 OK)");
                return false;
            }
            p = next;
            continue;
        }
        if (eol == p) {
            blank = true;
            p = next;
            break;
        }
        if (*p == ' ' || *p == '\t') {
            snprintf(why, why_len, "line %u: obsolete line folding is not supported", line_no);
            return false;
        }
        const char *colon = p;
        while (colon < eol && is_tchar(*colon))
            colon++;
        if (colon == p || colon >= eol || *colon != ':') {
            snprintf(why, why_len, "line %u: expected a header (name: value)", line_no);
            return false;
        }
        const char *v = colon + 1, *ve = eol;
        while (v < ve && (*v == ' ' || *v == '\t'))
            v++;
        while (ve > v && (ve[-1] == ' ' || ve[-1] == '\t'))
            ve--;
        if (!headers_add(h, p, (size_t)(colon - p), v, (size_t)(ve - v))) {
            snprintf(why, why_len, "out of memory");
            return false;
        }
        p = next;
    }
    if (line_no == 0) {
        snprintf(why, why_len, "empty file: expected an HTTP message");
        return false;
    }
    if (!blank) {
        snprintf(why, why_len, "no blank line after the headers");
        return false;
    }
    *body = p;
    *body_len = (size_t)(end - p);
    if (eventc_header_find(h->items, h->n, "transfer-encoding") != NULL) {
        snprintf(why, why_len, "Transfer-Encoding is not supported: give the body as is");
        return false;
    }
    const char *cl = eventc_header_find(h->items, h->n, "content-length");
    if (cl != NULL) {
        char *stop = NULL;
        errno = 0;
        unsigned long long want = strtoull(cl, &stop, 10);
        if (*cl < '0' || *cl > '9' || *stop != '\0' || errno != 0) {
            snprintf(why, why_len, "invalid Content-Length \"%.40s\"", cl);
            return false;
        }
        if (want > *body_len) {
            snprintf(why, why_len, "the body has %zu bytes but Content-Length says %llu", *body_len,
                     want);
            return false;
        }
        if (want < *body_len) {
            snprintf(why, why_len, "%zu bytes after the body (Content-Length is %llu)",
                     *body_len - (size_t)want, want);
            return false;
        }
    }
    return true;
}

/* Parses a Kafka record file. The key and value are allocated (the caller frees them). */
static bool parse_kafka_file(const char *data, size_t len, header_list *h, char **key,
                             size_t *key_len, char **value, size_t *value_len, char *why,
                             size_t why_len)
{
    json_tokener *tok = json_tokener_new_ex(64);
    json_object *doc = NULL, *v;
    bool ok = false, has_value = false;
    if (tok == NULL) {
        snprintf(why, why_len, "out of memory");
        return false;
    }
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    doc = json_tokener_parse_ex(tok, data, (int)len);
    if (json_tokener_get_error(tok) != json_tokener_success || doc == NULL ||
        json_tokener_get_parse_end(tok) != len) {
        size_t at = json_tokener_get_parse_end(tok);
        enum json_tokener_error jerr = json_tokener_get_error(tok);
        snprintf(why, why_len, "not a JSON document (byte %zu: %s)", at,
                 jerr == json_tokener_success    ? "unexpected text after the document"
                 : jerr == json_tokener_continue ? "unexpected end of the document"
                                                 : json_tokener_error_desc(jerr));
        goto out;
    }
    if (!json_object_is_type(doc, json_type_object)) {
        snprintf(why, why_len, "expected an object {\"key\", \"headers\", \"value\"}");
        goto out;
    }
    json_object_object_foreach(doc, member, member_value)
    {
        (void)member_value;
        if (strcmp(member, "key") != 0 && strcmp(member, "headers") != 0 &&
            strcmp(member, "value") != 0 && strcmp(member, "value_base64") != 0) {
            snprintf(why, why_len,
                     "unknown member \"%.60s\" (want key, headers, value or "
                     "value_base64)",
                     member);
            goto out;
        }
    }
    if (json_object_object_get_ex(doc, "key", &v) && v != NULL) {
        if (!json_object_is_type(v, json_type_string)) {
            snprintf(why, why_len, "\"key\" must be a string or null");
            goto out;
        }
        *key_len = (size_t)json_object_get_string_len(v);
        *key = malloc(*key_len + 1);
        if (*key == NULL) {
            snprintf(why, why_len, "out of memory");
            goto out;
        }
        memcpy(*key, json_object_get_string(v), *key_len + 1);
    }
    if (!json_object_object_get_ex(doc, "headers", &v) ||
        !json_object_is_type(v, json_type_array)) {
        snprintf(why, why_len, "\"headers\" must be an array of [name, value] pairs");
        goto out;
    }
    for (size_t i = 0; i < json_object_array_length(v); i++) {
        json_object *pair = json_object_array_get_idx(v, i);
        json_object *n, *val;
        if (!json_object_is_type(pair, json_type_array) || json_object_array_length(pair) != 2 ||
            !json_object_is_type(n = json_object_array_get_idx(pair, 0), json_type_string) ||
            !json_object_is_type(val = json_object_array_get_idx(pair, 1), json_type_string)) {
            snprintf(why, why_len, "headers[%zu] must be a [name, value] pair of strings", i);
            goto out;
        }
        size_t vl = (size_t)json_object_get_string_len(val);
        if (memchr(json_object_get_string(val), '\0', vl) != NULL) {
            snprintf(why, why_len, "headers[%zu]: a NUL byte in a header value", i);
            goto out;
        }
        if (!headers_add(h, json_object_get_string(n), (size_t)json_object_get_string_len(n),
                         json_object_get_string(val), vl)) {
            snprintf(why, why_len, "out of memory");
            goto out;
        }
    }
    if (json_object_object_get_ex(doc, "value", &v)) {
        has_value = true;
        if (v != NULL) {
            if (!json_object_is_type(v, json_type_string)) {
                snprintf(why, why_len, "\"value\" must be a string or null");
                goto out;
            }
            *value_len = (size_t)json_object_get_string_len(v);
            *value = malloc(*value_len + 1);
            if (*value == NULL) {
                snprintf(why, why_len, "out of memory");
                goto out;
            }
            memcpy(*value, json_object_get_string(v), *value_len + 1);
        }
    }
    if (json_object_object_get_ex(doc, "value_base64", &v)) {
        if (has_value) {
            snprintf(why, why_len, "give either \"value\" or \"value_base64\", not both");
            goto out;
        }
        if (v != NULL) {
            size_t n;
            if (!json_object_is_type(v, json_type_string)) {
                snprintf(why, why_len, "\"value_base64\" must be a string or null");
                goto out;
            }
            n = (size_t)json_object_get_string_len(v);
            *value = malloc(n / 4 * 3 + 1);
            if (*value == NULL) {
                snprintf(why, why_len, "out of memory");
                goto out;
            }
            if (!eventc_ce_base64_decode(json_object_get_string(v), n, *value, value_len)) {
                snprintf(why, why_len, "\"value_base64\" is not strict Base64");
                goto out;
            }
            (*value)[*value_len] = '\0';
        }
    }
    ok = true;
out:
    json_object_put(doc);
    json_tokener_free(tok);
    return ok;
}

/* ---- output ---- */

static void write_http(const eventc_ce_message *m)
{
    fputs("POST / HTTP/1.1\r\n", stdout);
    for (size_t i = 0; i < m->n_headers; i++)
        printf("%s: %s\r\n", m->headers[i].name, m->headers[i].value);
    printf("content-length: %zu\r\n\r\n", m->body_len);
    if (m->body_len > 0)
        fwrite(m->body, 1, m->body_len, stdout);
}

static eventc_status write_kafka(const eventc_ce_message *m, bool bytes)
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
    if (st == EVENTC_OK && m->body == NULL) {
        eventc_buf_append_str(&b, "\"value\":null");
    } else if (st == EVENTC_OK && bytes) {
        size_t need = eventc_ce_base64_len(m->body_len);
        eventc_buf_append_str(&b, "\"value_base64\":\"");
        if ((st = eventc_buf_reserve(&b, need + 1)) == EVENTC_OK) {
            eventc_ce_base64_encode(m->body, m->body_len, b.data + b.len);
            b.len += need;
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
    header_list h = {NULL, 0, 0};
    eventc_ce_batch batch;
    eventc_error err;
    warn_ctx wc = {NULL};
    eventc_ce_options opts = eventc_ce_options_default();
    if (rc != 0)
        return rc < 0 ? 0 : rc;
    if (strcmp(a.binding, "http") != 0 && strcmp(a.binding, "kafka") != 0 &&
        strcmp(a.binding, "json") != 0)
        return usage_error("unknown binding '%s' (want http, kafka or json)", a.binding);
    if (!slurp(a.file, &data, &len)) {
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
        if (!parse_http_file(data, len, &h, &body, &body_len, why, sizeof(why)))
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
        else if (!parse_kafka_file(data, len, &h, &key, &key_len, &value, &value_len, why,
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
    headers_free(&h);
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
    if (!slurp(a.file, &data, &len)) {
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
        write_http(&msg);
    } else {
        bool bytes =
            mode == EVENTC_CE_MODE_BINARY && batch.events[0].data_kind == EVENTC_CE_DATA_BINARY;
        if (write_kafka(&msg, bytes) != EVENTC_OK)
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
        return usage_error("%s", "missing a subcommand (parse or emit)");
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
    return usage_error("unknown subcommand '%s' (want parse or emit)", argv[1]);
}
