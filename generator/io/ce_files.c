/* CloudEvents message files (ce_files.h): reading and writing the HTTP and Kafka file formats. */
#include "ce_files.h"

#include <json-c/json.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void gen_ce_file_headers_free(gen_ce_file_headers *h)
{
    for (size_t i = 0; i < h->n; i++) {
        free((char *)h->items[i].name);
        free((char *)h->items[i].value);
    }
    free(h->items);
    h->items = NULL;
    h->n = h->cap = 0;
}

/* A NUL-terminated copy of n bytes, or NULL when out of memory. */
static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static bool headers_add(gen_ce_file_headers *h, const char *name, size_t nlen, const char *value,
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
    char *n = dup_n(name, nlen), *v = dup_n(value, vlen);
    if (n == NULL || v == NULL) {
        free(n);
        free(v);
        return false;
    }
    h->items[h->n].name = n;
    h->items[h->n].value = v;
    h->n++;
    return true;
}

/* A tchar of RFC 9110: the characters a header name may hold. */
static bool is_token_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

bool gen_ce_file_read(const char *path, size_t limit, char **data, size_t *len)
{
    FILE *fp = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    size_t cap = 4096, n = 0;
    char *buf;
    if (fp == NULL)
        return false;
    /* One byte more than cap, always, for the terminating NUL. */
    buf = malloc(cap + 1);
    if (buf == NULL) {
        if (fp != stdin)
            fclose(fp);
        errno = ENOMEM;
        return false;
    }
    while (limit == 0 || n <= limit) {
        if (n == cap) {
            char *bigger = cap <= (SIZE_MAX - 1) / 2 ? realloc(buf, cap * 2 + 1) : NULL;
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
        size_t got = fread(buf + n, 1, cap - n, fp);
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

/* The start line: METHOD SP target SP HTTP/x.y, or HTTP/x.y SP code [SP reason]. */
static bool start_line_ok(const char *p, const char *eol)
{
    const char *sp1 = memchr(p, ' ', (size_t)(eol - p));
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(eol - sp1 - 1)) : NULL;
    bool status = eol - p >= 5 && memcmp(p, "HTTP/", 5) == 0;
    bool request = sp2 != NULL && eol - sp2 > 5 && memcmp(sp2 + 1, "HTTP/", 5) == 0;
    return sp1 != NULL && (status || request);
}

/* A Content-Length given must be a decimal number equal to the body length. */
static bool content_length_ok(const char *cl, size_t body_len, char *why, size_t why_len)
{
    char *stop = NULL;
    errno = 0;
    unsigned long long want = strtoull(cl, &stop, 10);
    bool number = *cl >= '0' && *cl <= '9' && *stop == '\0' && errno == 0;
    if (!number) {
        snprintf(why, why_len, "invalid Content-Length \"%.40s\"", cl);
        return false;
    }
    if (want > body_len) {
        snprintf(why, why_len, "the body has %zu bytes but Content-Length says %llu", body_len,
                 want);
        return false;
    }
    if (want < body_len) {
        snprintf(why, why_len, "%zu bytes after the body (Content-Length is %llu)",
                 body_len - (size_t)want, want);
        return false;
    }
    return true;
}

bool gen_ce_file_parse_http(const char *data, size_t len, gen_ce_file_headers *h, const char **body,
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
            if (!start_line_ok(p, eol)) {
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
        while (colon < eol && is_token_char(*colon))
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
    return cl == NULL || content_length_ok(cl, *body_len, why, why_len);
}

/* Copies a JSON string into *out (malloc'd, NUL-terminated); false when out of memory. */
static bool json_bytes(json_object *v, char **out, size_t *len)
{
    *len = (size_t)json_object_get_string_len(v);
    *out = dup_n(json_object_get_string(v), *len);
    return *out != NULL;
}

/* The Kafka document as an object, or NULL with why filled. */
static json_object *kafka_document(json_tokener *tok, const char *data, size_t len, char *why,
                                   size_t why_len)
{
    json_object *doc;
    json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
    doc = json_tokener_parse_ex(tok, data, (int)len);
    size_t at = json_tokener_get_parse_end(tok);
    enum json_tokener_error jerr = json_tokener_get_error(tok);
    if (jerr != json_tokener_success || doc == NULL || at != len) {
        snprintf(why, why_len, "not a JSON document (byte %zu: %s)", at,
                 jerr == json_tokener_success    ? "unexpected text after the document"
                 : jerr == json_tokener_continue ? "unexpected end of the document"
                                                 : json_tokener_error_desc(jerr));
        json_object_put(doc);
        return NULL;
    }
    if (!json_object_is_type(doc, json_type_object)) {
        snprintf(why, why_len, "expected an object {\"key\", \"headers\", \"value\"}");
        json_object_put(doc);
        return NULL;
    }
    return doc;
}

/* "key" or "value": a string copied into *out, or null. */
static bool kafka_string(json_object *v, const char *member, char **out, size_t *len, char *why,
                         size_t why_len)
{
    if (!json_object_is_type(v, json_type_string)) {
        snprintf(why, why_len, "\"%s\" must be a string or null", member);
        return false;
    }
    if (!json_bytes(v, out, len)) {
        snprintf(why, why_len, "out of memory");
        return false;
    }
    return true;
}

/* "value_base64": a strict Base64 string decoded into *value; has_value tells whether "value" was
 * given too. */
static bool kafka_base64(json_object *v, bool has_value, char **value, size_t *value_len, char *why,
                         size_t why_len)
{
    size_t n;
    if (has_value) {
        snprintf(why, why_len, "%s", "give either \"value\" or \"value_base64\", not both");
        return false;
    }
    if (!json_object_is_type(v, json_type_string)) {
        snprintf(why, why_len, "%s", "\"value_base64\" must be a string or null");
        return false;
    }
    n = (size_t)json_object_get_string_len(v);
    *value = malloc(n / 4 * 3 + 1);
    if (*value == NULL) {
        snprintf(why, why_len, "%s", "out of memory");
        return false;
    }
    if (!eventc_ce_base64_decode(json_object_get_string(v), n, *value, value_len)) {
        snprintf(why, why_len, "%s", "\"value_base64\" is not strict Base64");
        return false;
    }
    (*value)[*value_len] = '\0';
    return true;
}

bool gen_ce_file_parse_kafka(const char *data, size_t len, gen_ce_file_headers *h, char **key,
                             size_t *key_len, char **value, size_t *value_len, char *why,
                             size_t why_len)
{
    json_tokener *tok = json_tokener_new_ex(64);
    json_object *doc, *v;
    bool ok = false, has_value;
    if (tok == NULL) {
        snprintf(why, why_len, "out of memory");
        return false;
    }
    doc = kafka_document(tok, data, len, why, why_len);
    if (doc == NULL)
        goto out;
    json_object_object_foreach(doc, member, member_value)
    {
        (void)member_value;
        if (strcmp(member, "key") != 0 && strcmp(member, "headers") != 0 &&
            strcmp(member, "value") != 0 && strcmp(member, "value_base64") != 0) {
            snprintf(why, why_len,
                     "unknown member \"%.60s\" (want key, headers, value or value_base64)", member);
            goto out;
        }
    }
    if (json_object_object_get_ex(doc, "key", &v) && v != NULL &&
        !kafka_string(v, "key", key, key_len, why, why_len))
        goto out;
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
    has_value = json_object_object_get_ex(doc, "value", &v);
    if (has_value && v != NULL && !kafka_string(v, "value", value, value_len, why, why_len))
        goto out;
    /* "value_base64" (even null) next to "value" is refused. */
    if (json_object_object_get_ex(doc, "value_base64", &v) && (v != NULL || has_value) &&
        !kafka_base64(v, has_value, value, value_len, why, why_len))
        goto out;
    ok = true;
out:
    json_object_put(doc);
    json_tokener_free(tok);
    return ok;
}

void gen_ce_file_write_http(const eventc_ce_message *m, FILE *out)
{
    fputs("POST / HTTP/1.1\r\n", out);
    for (size_t i = 0; i < m->n_headers; i++)
        fprintf(out, "%s: %s\r\n", m->headers[i].name, m->headers[i].value);
    fprintf(out, "content-length: %zu\r\n\r\n", m->body_len);
    if (m->body_len > 0)
        fwrite(m->body, 1, m->body_len, out);
}

eventc_status gen_ce_file_write_kafka(const eventc_ce_message *m, bool bytes, FILE *out)
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
        fwrite(b.data, 1, b.len, out);
    eventc_buf_free(&b);
    return st;
}
