/* Messages (header list, body, key) and the binary content mode that HTTP, Kafka and NATS share:
 * each attribute in its own header, datacontenttype as the content type (NATS: its own ce-
 * header), the data as the body. The bindings differ in the header prefix, in the
 * percent-encoding of values (HTTP and NATS) and in where datacontenttype goes. */
#include "ce_internal.h"
#include "eventc/utf8.h"

#include <stdio.h>
#include <string.h>

void eventc_ce_message_init(eventc_ce_message *m, const eventc_allocator *alloc)
{
    memset(m, 0, sizeof(*m));
    m->alloc_ = alloc;
}

void eventc_ce_message_clear(eventc_ce_message *m)
{
    if (m == NULL)
        return;
    const eventc_allocator *alloc = m->alloc_;
    if (m->arena_ != NULL) {
        eventc_arena_free(m->arena_);
        eventc_free(alloc, m->arena_, sizeof(*m->arena_));
    }
    eventc_ce_message_init(m, alloc);
}

const char *eventc_header_find(const eventc_header *headers, size_t n, const char *name)
{
    if (headers == NULL || name == NULL)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (headers[i].name != NULL && ce_ascii_casecmp(headers[i].name, name) == 0)
            return headers[i].value;
    }
    return NULL;
}

eventc_status ce_msg_arena(eventc_ce_message *m)
{
    if (m->arena_ != NULL)
        return EVENTC_OK;
    eventc_arena *a = eventc_alloc(m->alloc_, sizeof(*a));
    if (a == NULL)
        return EVENTC_E_NOMEM;
    eventc_arena_init(a, m->alloc_);
    m->arena_ = a;
    return EVENTC_OK;
}

eventc_status ce_msg_header(eventc_ce_message *m, size_t *cap, const char *name, size_t name_len,
                            const char *value, size_t value_len)
{
    if (ce_msg_arena(m) != EVENTC_OK)
        return EVENTC_E_NOMEM;
    if (m->n_headers == *cap) {
        size_t bigger_cap = *cap < 8 ? 8 : *cap * 2;
        eventc_header *bigger = eventc_arena_alloc(m->arena_, bigger_cap * sizeof(*bigger));
        if (bigger == NULL)
            return EVENTC_E_NOMEM;
        if (m->n_headers > 0)
            memcpy(bigger, m->headers, m->n_headers * sizeof(*bigger));
        m->headers = bigger;
        *cap = bigger_cap;
    }
    char *n = eventc_arena_strndup(m->arena_, name, name_len);
    char *v = eventc_arena_strndup(m->arena_, value, value_len);
    if (n == NULL || v == NULL)
        return EVENTC_E_NOMEM;
    m->headers[m->n_headers].name = n;
    m->headers[m->n_headers].value = v;
    m->n_headers++;
    return EVENTC_OK;
}

eventc_status ce_msg_body(eventc_ce_message *m, const char *s, size_t n)
{
    if (ce_msg_arena(m) != EVENTC_OK)
        return EVENTC_E_NOMEM;
    char *copy = eventc_arena_strndup(m->arena_, s, n);
    if (copy == NULL)
        return EVENTC_E_NOMEM;
    m->body = copy;
    m->body_len = n;
    return EVENTC_OK;
}

bool ce_media_is(const char *ct, const char *media)
{
    size_t n = strlen(media);
    if (ct == NULL)
        return false;
    while (*ct == ' ' || *ct == '\t')
        ct++;
    if (!ce_ascii_prefix(ct, media))
        return false;
    char next = ct[n];
    return next == '\0' || next == ';' || next == ' ' || next == '\t';
}

eventc_status ce_msg_json_body(eventc_ce_message *m, const char *ct, const eventc_buf *json)
{
    size_t cap = 0;
    eventc_status st = ce_msg_header(m, &cap, "content-type", 12, ct, strlen(ct));
    if (st == EVENTC_OK)
        st = ce_msg_body(m, json->data ? json->data : "", json->len);
    return st;
}

eventc_status ce_encode_event(const eventc_ce_event *ev, eventc_ce_mode mode, ce_where where,
                              const char *mode_error, eventc_ce_message *m, eventc_error *err)
{
    static const char structured_ct[] = EVENTC_CE_JSON_MEDIA_TYPE "; charset=utf-8";
    eventc_status st;
    if (ev == NULL || m == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL argument");
    eventc_ce_message_clear(m);
    if (mode != EVENTC_CE_MODE_BINARY && mode != EVENTC_CE_MODE_STRUCTURED)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "%s", mode_error);
    if (mode == EVENTC_CE_MODE_BINARY) {
        if ((st = eventc_ce_validate(ev, err)) != EVENTC_OK ||
            (st = ce_binary_mode_check(ev, err)) != EVENTC_OK)
            return st;
        st = ce_binary_encode(ev, where, m);
    } else {
        eventc_buf json;
        eventc_buf_init(&json, m->alloc_);
        if ((st = eventc_ce_to_json(ev, &json, err)) != EVENTC_OK) {
            eventc_buf_free(&json);
            return st; /* a validation error, already described */
        }
        st = ce_msg_json_body(m, structured_ct, &json);
        eventc_buf_free(&json);
    }
    if (st != EVENTC_OK) {
        eventc_ce_message_clear(m);
        return eventc_error_set(err, st, NULL, "%s", eventc_strerror(st));
    }
    return EVENTC_OK;
}

eventc_status ce_decode_begin(eventc_ce_event *ev, bool bad_args, const eventc_ce_options **opts,
                              eventc_ce_options *defaults, eventc_error *err)
{
    eventc_error_clear(err);
    if (*opts == NULL) {
        *defaults = eventc_ce_options_default();
        *opts = defaults;
    }
    if (ev == NULL || bad_args)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL argument");
    ce_event_reset(ev, (*opts)->alloc);
    return EVENTC_OK;
}

eventc_status ce_structured_check(const char *ct, const char *binding, eventc_error *err)
{
    if (ce_ascii_prefix(ct, "application/cloudevents-batch"))
        return eventc_error_set(err, EVENTC_E_UNSUPPORTED, "content-type",
                                "the %s binding has no batched mode", binding);
    if (!ce_media_is(ct, EVENTC_CE_JSON_MEDIA_TYPE))
        return eventc_error_set(err, EVENTC_E_UNSUPPORTED, "content-type",
                                "unsupported event format \"%s\" (only %s is implemented)", ct,
                                EVENTC_CE_JSON_MEDIA_TYPE);
    return EVENTC_OK;
}

/* ---- binary mode: encoding ---- */

static const char *header_prefix(ce_where where)
{
    return where == CE_AT_KAFKA ? "ce_" : "ce-";
}

/* HTTP and NATS header values are printable ASCII: percent-encoded. */
static bool percent_encoded(ce_where where)
{
    return where == CE_AT_HTTP || where == CE_AT_NATS;
}

/* Adds prefix + name with the canonical string in s (percent-encoded for HTTP and NATS). Names
 * have no maximum length, so the header name is built in hname. */
static eventc_status put_attr(eventc_ce_message *m, size_t *cap, ce_where where, const char *name,
                              const char *s, size_t n, eventc_buf *hname, eventc_buf *scratch)
{
    eventc_buf_reset(hname);
    eventc_buf_append_str(hname, header_prefix(where));
    eventc_buf_append_str(hname, name);
    if (hname->failed)
        return EVENTC_E_NOMEM;
    if (percent_encoded(where)) {
        eventc_buf_reset(scratch);
        if (eventc_ce_percent_encode(scratch, s, n) != EVENTC_OK)
            return EVENTC_E_NOMEM;
        return ce_msg_header(m, cap, hname->data, hname->len, scratch->data ? scratch->data : "",
                             scratch->len);
    }
    return ce_msg_header(m, cap, hname->data, hname->len, s, n);
}

eventc_status ce_binary_mode_check(const eventc_ce_event *ev, eventc_error *err)
{
    /* Receivers choose the mode by this prefix, so such a message would be misread as
     * structured. */
    if (ev->datacontenttype != NULL &&
        ce_ascii_prefix(ev->datacontenttype, "application/cloudevents"))
        return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, "datacontenttype",
                                "\"%s\" cannot travel in binary mode: receivers read a content "
                                "type starting with application/cloudevents as structured mode",
                                ev->datacontenttype);
    return EVENTC_OK;
}

eventc_status ce_binary_encode(const eventc_ce_event *ev, ce_where where, eventc_ce_message *m)
{
    static const char *const order[] = {"specversion", "id",   "source",    "type",
                                        "subject",     "time", "dataschema"};
    eventc_buf value, scratch, hname;
    eventc_status st = EVENTC_OK;
    size_t cap = 0;
    eventc_buf_init(&value, m->alloc_);
    eventc_buf_init(&scratch, m->alloc_);
    eventc_buf_init(&hname, m->alloc_);
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]) && st == EVENTC_OK; i++) {
        eventc_buf_reset(&value);
        st = eventc_ce_get_attr(ev, order[i], &value);
        if (st == EVENTC_E_REQUIRED) {
            st = EVENTC_OK;
            continue;
        }
        if (st == EVENTC_OK)
            st = put_attr(m, &cap, where, order[i], value.data ? value.data : "", value.len, &hname,
                          &scratch);
    }
    for (size_t i = 0; i < ev->n_exts && st == EVENTC_OK; i++) {
        eventc_buf_reset(&value);
        st = eventc_ce_value_to_string(&ev->exts[i].value, &value);
        if (st == EVENTC_OK)
            st = put_attr(m, &cap, where, ev->exts[i].name, value.data ? value.data : "", value.len,
                          &hname, &scratch);
    }
    /* A JSON-format event without datacontenttype implies application/json; the spec asks to
     * make that explicit when the event moves to a binding. */
    const char *ct = ev->datacontenttype;
    if (ct == NULL && ev->data_kind == EVENTC_CE_DATA_JSON)
        ct = "application/json";
    if (st == EVENTC_OK && ct != NULL) {
        /* NATS maps every attribute, datacontenttype too, to its ce- header (3.1.3.1). */
        if (where == CE_AT_NATS)
            st = put_attr(m, &cap, where, "datacontenttype", ct, strlen(ct), &hname, &scratch);
        else
            st = ce_msg_header(m, &cap, "content-type", 12, ct, strlen(ct));
    }
    eventc_buf_free(&value);
    eventc_buf_free(&scratch);
    eventc_buf_free(&hname);
    if (st != EVENTC_OK)
        return st;
    if (ev->data_kind != EVENTC_CE_DATA_NONE)
        return ce_msg_body(m, ev->data ? ev->data : "", ev->data_len);
    if (where != CE_AT_KAFKA)
        return ce_msg_body(m, "", 0);
    return ce_msg_arena(m); /* Kafka: no value at all */
}

/* ---- binary mode: decoding ---- */

/* The header's name for error paths, when printable. */
/* A header name as an error path: printable ASCII as it is (error paths cut it when too long),
 * anything else not at all. */
static const char *shown_header(const char *name)
{
    size_t n = strlen(name);
    if (n == 0)
        return "";
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];
        if (c <= 0x20 || c >= 0x7f)
            return "";
    }
    return name;
}

static eventc_status at_header(eventc_error *err, eventc_status st, const char *name)
{
    if (err == NULL)
        return st;
    size_t offset = err->offset;
    eventc_error_set(err, st, shown_header(name), "%s", err->message);
    err->offset = offset;
    return st;
}

static bool attr_present(const eventc_ce_event *ev, const char *attr)
{
    eventc_buf b = {0};
    eventc_status st = eventc_ce_get_attr(ev, attr, &b);
    eventc_buf_free(&b);
    return st != EVENTC_E_REQUIRED;
}

eventc_status ce_binary_decode(eventc_ce_event *ev, ce_where where, const eventc_header *headers,
                               size_t n_headers, const char *body, size_t body_len,
                               const eventc_ce_options *opts, eventc_error *err)
{
    const bool http = where == CE_AT_HTTP, percent = percent_encoded(where);
    const char *prefix = header_prefix(where);
    const char *ct = NULL, *ce_dct = NULL, *ce_dct_name = NULL, *ct_name = NULL;
    eventc_buf value, attr;
    eventc_status st = EVENTC_OK;
    char path[EVENTC_ERROR_PATH_MAX];
    if (n_headers > opts->limits.max_items)
        return eventc_error_set(err, EVENTC_E_LIMIT, NULL, "more than %zu headers",
                                opts->limits.max_items);
    if (headers == NULL && n_headers > 0)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL headers");
    eventc_buf_init(&value, opts->alloc);
    eventc_buf_init(&attr, opts->alloc);
    for (size_t i = 0; i < n_headers && st == EVENTC_OK; i++) {
        const char *name = headers[i].name, *v = headers[i].value;
        if (name == NULL || v == NULL) {
            st =
                eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL header name or value");
            break;
        }
        size_t vlen = strlen(v);
        if (vlen > opts->limits.max_string) {
            st = eventc_error_set(err, EVENTC_E_LIMIT, shown_header(name),
                                  "header value of %zu bytes is longer than the limit of %zu", vlen,
                                  opts->limits.max_string);
            break;
        }
        if (ce_ascii_casecmp(name, "content-type") == 0) {
            if (ct != NULL) {
                st = eventc_error_set(err, EVENTC_E_CLOUDEVENTS, shown_header(name),
                                      "more than one content-type header");
                break;
            }
            ct = v;
            ct_name = name;
            continue;
        }
        if (!ce_ascii_prefix(name, prefix))
            continue;
        /* Attribute names are lower-case; header names compare case-insensitively. */
        eventc_buf_reset(&attr);
        for (const char *c = name + 3; *c; c++)
            eventc_buf_putc(&attr, (*c >= 'A' && *c <= 'Z') ? (char)(*c - 'A' + 'a') : *c);
        const char *a = eventc_buf_cstr(&attr);
        if (attr.failed) {
            st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
            break;
        }
        eventc_buf_reset(&value);
        if (percent) {
            if ((st = eventc_ce_percent_decode(&value, v, vlen, err)) != EVENTC_OK) {
                st = at_header(err, st, name);
                break;
            }
        } else if (eventc_buf_append(&value, v, vlen) != EVENTC_OK) {
            st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
            break;
        }
        const char *val = eventc_buf_cstr(&value);
        if (strcmp(a, "datacontenttype") == 0) {
            if (http) {
                st = eventc_error_set(err, EVENTC_E_CLOUDEVENTS, shown_header(name),
                                      "must not be present: in binary mode Content-Type carries "
                                      "datacontenttype");
                break;
            }
            if (ce_dct != NULL) {
                st = eventc_error_set(err, EVENTC_E_CLOUDEVENTS, shown_header(name),
                                      "attribute given twice");
                break;
            }
            if ((ce_dct = ce_event_dup(ev, val, value.len)) == NULL) {
                st = eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
                break;
            }
            ce_dct_name = name;
            continue;
        }
        if (strcmp(a, "data") == 0 || strcmp(a, "data_base64") == 0 || attr_present(ev, a)) {
            st = eventc_error_set(err, EVENTC_E_CLOUDEVENTS, shown_header(name), "%s",
                                  attr_present(ev, a) ? "attribute given twice"
                                                      : "data is not an attribute: it is the body");
            break;
        }
        if (memchr(val, 0, value.len) != NULL) {
            st = eventc_error_set(err, EVENTC_E_CLOUDEVENTS, shown_header(name),
                                  "control character U+0000 is not allowed in a String");
            break;
        }
        if ((st = eventc_ce_set_attr(ev, a, val, value.len, err)) != EVENTC_OK) {
            st = at_header(err, st, name);
            break;
        }
        if (eventc_ce_name_warnings(a, attr.len) != 0) {
            ce_name_warn(ev, a, attr.len, opts, shown_header(name));
        }
    }
    eventc_buf_free(&value);
    eventc_buf_free(&attr);
    if (st != EVENTC_OK)
        return st;
    if (ct != NULL) {
        /* HTTP allows white space around a field value. */
        size_t n = strlen(ct);
        while (n > 0 && (ct[n - 1] == ' ' || ct[n - 1] == '\t'))
            n--;
        while (n > 0 && (*ct == ' ' || *ct == '\t')) {
            ct++;
            n--;
        }
        if (ce_dct != NULL && (strlen(ce_dct) != n || memcmp(ce_dct, ct, n) != 0))
            return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, shown_header(ce_dct_name),
                                    "disagrees with the content-type header");
        if ((st = eventc_ce_set_attr(ev, "datacontenttype", ct, n, err)) != EVENTC_OK)
            return at_header(err, st, ct_name);
    } else if (ce_dct != NULL) {
        if ((st = eventc_ce_set_attr(ev, "datacontenttype", ce_dct, strlen(ce_dct), err)) !=
            EVENTC_OK)
            return at_header(err, st, ce_dct_name);
    }
    if ((st = ce_validate(ev, where, SIZE_MAX, err)) != EVENTC_OK)
        return st;
    ce_path(path, where, SIZE_MAX, "data");
    return ce_set_body(ev, body ? body : "", body ? body_len : 0, &opts->limits, path, err);
}
