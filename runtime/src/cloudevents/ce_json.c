/* The JSON event format: the decoder of application/cloudevents+json and of the batch format,
 * and their encoders, over the runtime's strict JSON reader (json/json_reader.h). */
#include "ce_internal.h"

#include <string.h>

/* ---- the event format ---- */

static const char *kind_at(const json_reader *j)
{
    if (j->p >= j->end)
        return "end of input";
    switch (*j->p) {
    case '"':
        return "a string";
    case '{':
        return "an object";
    case '[':
        return "an array";
    case 't':
    case 'f':
        return "a boolean";
    case 'n':
        return "null";
    default:
        return "a number";
    }
}

/* Rewrites the reader's error with the attribute's path (offset kept). */
static eventc_status at_member(json_reader *j, eventc_status st, size_t index, const char *name)
{
    char path[EVENTC_ERROR_PATH_MAX];
    if (j->err == NULL)
        return st;
    size_t offset = j->err->offset;
    ce_path(path, CE_AT_JSON, index, name);
    eventc_error_set(j->err, st, path, "%s", j->err->message);
    j->err->offset = offset;
    return st;
}

/* How a member name that is not an attribute name is shown in a path: printable ASCII without
 * quotes, dots or brackets, short enough to read, else not at all. Display only: whether a name is
 * valid is eventc_ce_check_name's decision, whatever its length. */
static const char *shown_name(const char *k, size_t n)
{
    if (n == 0 || n > 60)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)k[i];
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '.' || c == '[' || c == ']')
            return NULL;
    }
    return k;
}

/* Reads an Integer extension from the number at j->p. */
static eventc_status read_integer(json_reader *j, int32_t *out)
{
    const char *s = j->p;
    eventc_status st = json_scan_number(j, NULL, NULL, NULL);
    eventc_ce_value v;
    if (st != EVENTC_OK)
        return st;
    if (eventc_ce_value_parse(EVENTC_CE_INTEGER, s, (size_t)(j->p - s), &v, NULL) != EVENTC_OK) {
        char q[128];
        ce_quote(q, sizeof(q), s, (size_t)(j->p - s));
        j->p = s;
        st = json_fail(j, EVENTC_E_CLOUDEVENTS,
                       "number %s is not an Integer: an extension number must be a whole "
                       "number in the int32 range",
                       q);
        return st;
    }
    *out = v.integer;
    return EVENTC_OK;
}

enum { N_CORE = 8, CORE_TIME = 7 };

static const char *const core_names[N_CORE] = {
    "specversion", "id", "source", "type", "subject", "datacontenttype", "dataschema", "time"};

/* State of one event being read. */
typedef struct ev_reader {
    json_reader *j;
    eventc_ce_event *ev;
    const eventc_ce_options *opts;
    size_t index;
    const char *data_at, *data_end, *b64_at;
    json_names *names; /* of the event object, to refuse duplicates */
    /* The current member's decoded name, NUL terminated, kept while its value is read (the
     * reader's scratch holds the value then). Any length: the spec sets no maximum. */
    eventc_buf *name;
} ev_reader;

static const char **core_slot(eventc_ce_event *ev, int i)
{
    const char **slots[N_CORE - 1] = {&ev->specversion, &ev->id,      &ev->source,
                                      &ev->type,        &ev->subject, &ev->datacontenttype,
                                      &ev->dataschema};
    return slots[i];
}

/* A core attribute: a string or null. */
static eventc_status read_core(ev_reader *r, int i, bool is_null)
{
    json_reader *j = r->j;
    const char *name = core_names[i];
    const char *val_at = j->p;
    eventc_status st;
    if (is_null) {
        j->p += 4;
        return EVENTC_OK;
    }
    if (j->p >= j->end || *j->p != '"') {
        const char *kind = kind_at(j);
        if ((st = json_skip_value(j)) != EVENTC_OK)
            return at_member(j, st, r->index, name);
        j->p = val_at;
        return at_member(j, json_fail(j, EVENTC_E_TYPE, "expected a string, got %s", kind),
                         r->index, name);
    }
    if ((st = json_read_string(j, j->lim->max_string, NULL)) != EVENTC_OK)
        return at_member(j, st, r->index, name);
    if (i == CORE_TIME) {
        eventc_timestamp t;
        if ((st = eventc_ce_parse_time(j->scratch.data, j->scratch.len, &t, j->err)) != EVENTC_OK) {
            if (j->err)
                j->err->offset = (size_t)(val_at - j->start);
            return at_member(j, st, r->index, name);
        }
        r->ev->time = t;
        r->ev->has_time = true;
        return EVENTC_OK;
    }
    /* A NUL inside would cut the C string: refuse it like any other control character. */
    if (memchr(j->scratch.data, 0, j->scratch.len) != NULL) {
        j->p = val_at;
        return at_member(j,
                         json_fail(j, EVENTC_E_CLOUDEVENTS,
                                   "control character U+0000 is not allowed in a String"),
                         r->index, name);
    }
    char *copy = eventc_arena_strndup(r->ev->arena_, j->scratch.data, j->scratch.len);
    if (copy == NULL)
        return at_member(j, json_fail(j, EVENTC_E_NOMEM, "out of memory"), r->index, name);
    *core_slot(r->ev, i) = copy;
    return EVENTC_OK;
}

/* `data`: checked now, interpreted once datacontenttype is known. */
static eventc_status read_data(ev_reader *r)
{
    json_reader *j = r->j;
    eventc_limits dl = *j->lim;
    const eventc_limits *saved = j->lim;
    eventc_status st;
    dl.max_string = dl.max_input;
    r->data_at = j->p;
    j->lim = &dl;
    st = json_skip_value(j);
    j->lim = saved;
    if (st != EVENTC_OK)
        return at_member(j, st, r->index, "data");
    r->data_end = j->p;
    return EVENTC_OK;
}

static eventc_status read_base64(ev_reader *r, bool is_null)
{
    json_reader *j = r->j;
    eventc_status st;
    const char *val_at = j->p;
    size_t got;
    char *bytes;
    if (is_null) {
        j->p += 4;
        return EVENTC_OK;
    }
    r->b64_at = j->p;
    if (j->p >= j->end || *j->p != '"') {
        const char *kind = kind_at(j);
        if ((st = json_skip_value(j)) != EVENTC_OK)
            return at_member(j, st, r->index, "data_base64");
        j->p = val_at;
        return at_member(j, json_fail(j, EVENTC_E_TYPE, "expected a string, got %s", kind),
                         r->index, "data_base64");
    }
    if ((st = json_read_string(j, j->lim->max_input, NULL)) != EVENTC_OK)
        return at_member(j, st, r->index, "data_base64");
    bytes = eventc_arena_alloc(r->ev->arena_, j->scratch.len / 4 * 3 + 1);
    if (bytes == NULL)
        return at_member(j, json_fail(j, EVENTC_E_NOMEM, "out of memory"), r->index, "data_base64");
    if (!eventc_ce_base64_decode(j->scratch.data, j->scratch.len, bytes, &got)) {
        j->p = val_at;
        return at_member(j,
                         json_fail(j, EVENTC_E_CLOUDEVENTS,
                                   "not strict Base64 (RFC 4648: standard alphabet, padded, "
                                   "no white space)"),
                         r->index, "data_base64");
    }
    bytes[got] = '\0';
    r->ev->data = bytes;
    r->ev->data_len = got;
    r->ev->data_kind = EVENTC_CE_DATA_BINARY;
    return EVENTC_OK;
}

/* An extension attribute: a string, boolean or int32 number; null means absent. */
static eventc_status read_extension(ev_reader *r, const char *name, size_t nlen, bool is_attr,
                                    const char *name_at, bool is_null)
{
    json_reader *j = r->j;
    eventc_status st;
    eventc_ce_value v;
    char path[EVENTC_ERROR_PATH_MAX];
    if (is_null) {
        j->p += 4;
        return EVENTC_OK;
    }
    if (!is_attr || eventc_ce_is_reserved_name(name, nlen)) {
        char q[128];
        const char *resume = j->p;
        ce_quote(q, sizeof(q), name, nlen);
        j->p = name_at;
        st = json_fail(j, EVENTC_E_CLOUDEVENTS,
                       "invalid extension attribute name %s: only lower-case letters a-z and "
                       "digits 0-9 are allowed",
                       q);
        j->p = resume;
        return at_member(j, st, r->index, is_attr ? name : shown_name(name, nlen));
    }
    memset(&v, 0, sizeof(v));
    if (j->p < j->end && *j->p == '"') {
        if ((st = json_read_string(j, j->lim->max_string, NULL)) != EVENTC_OK)
            return at_member(j, st, r->index, name);
        v.type = EVENTC_CE_STRING;
        v.str = j->scratch.data;
        v.len = j->scratch.len;
    } else if (j->p < j->end && (*j->p == 't' || *j->p == 'f')) {
        v.type = EVENTC_CE_BOOLEAN;
        v.boolean = *j->p == 't';
        if ((st = json_skip_value(j)) != EVENTC_OK)
            return at_member(j, st, r->index, name);
    } else if (j->p < j->end && (*j->p == '-' || (*j->p >= '0' && *j->p <= '9'))) {
        v.type = EVENTC_CE_INTEGER;
        if ((st = read_integer(j, &v.integer)) != EVENTC_OK)
            return at_member(j, st, r->index, name);
    } else if (j->p < j->end && (*j->p == '{' || *j->p == '[')) {
        const char *what = *j->p == '{' ? "an object" : "an array";
        const char *val_at = j->p;
        if ((st = json_skip_value(j)) != EVENTC_OK)
            return at_member(j, st, r->index, name);
        j->p = val_at;
        return at_member(j,
                         json_fail(j, EVENTC_E_TYPE,
                                   "an extension attribute cannot be %s (not in the "
                                   "CloudEvents type system)",
                                   what),
                         r->index, name);
    } else {
        return at_member(j, json_syntax(j, "a value"), r->index, name);
    }
    if (v.type == EVENTC_CE_STRING && (st = eventc_ce_check_string(v.str, v.len, j->err)))
        return at_member(j, st, r->index, name);
    if ((st = ce_event_put_ext(r->ev, name, nlen, &v, j->err)) != EVENTC_OK)
        return at_member(j, st, r->index, name);
    ce_path(path, CE_AT_JSON, r->index, name);
    ce_name_warn(r->ev, name, nlen, r->opts, path);
    return EVENTC_OK;
}

static eventc_status read_member(ev_reader *r)
{
    json_reader *j = r->j;
    const char *name_at = j->p;
    eventc_status st;
    json_string ks;
    if ((st = json_read_string(j, j->lim->max_string, &ks)) != EVENTC_OK)
        return at_member(j, st, r->index, NULL);
    eventc_buf_reset(r->name);
    eventc_buf_append(r->name, j->scratch.data, j->scratch.len);
    const char *name = eventc_buf_cstr(r->name);
    size_t nlen = r->name->len;
    if (r->name->failed)
        return at_member(j, json_fail(j, EVENTC_E_NOMEM, "out of memory"), r->index, NULL);
    /* [a-z0-9]+: no NUL, quote or dot, so the name may stand in a path as it is. */
    bool is_attr = eventc_ce_check_name(name, nlen);
    const char *shown = is_attr ? name : shown_name(name, nlen);
    if ((st = json_names_check(j, r->names, &ks, name_at)) != EVENTC_OK)
        return at_member(j, st, r->index, shown);
    json_skip_ws(j);
    if (j->p >= j->end || *j->p != ':')
        return at_member(j, json_syntax(j, "':'"), r->index, NULL);
    j->p++;
    json_skip_ws(j);
    bool is_null = (size_t)(j->end - j->p) >= 4 && memcmp(j->p, "null", 4) == 0;
    if (is_attr) {
        for (int i = 0; i < N_CORE; i++) {
            if (strcmp(core_names[i], name) == 0)
                return read_core(r, i, is_null);
        }
    }
    if (strcmp(name, "data") == 0)
        return read_data(r);
    if (strcmp(name, "data_base64") == 0)
        return read_base64(r, is_null);
    return read_extension(r, name, nlen, is_attr, name_at, is_null);
}

/* Interprets `data` by datacontenttype, once the whole object has been read. */
static eventc_status finish_data(ev_reader *r)
{
    json_reader *j = r->j;
    eventc_ce_event *ev = r->ev;
    eventc_status st;
    if (r->data_at != NULL && r->b64_at != NULL) {
        j->p = r->data_at < r->b64_at ? r->b64_at : r->data_at;
        return at_member(j,
                         json_fail(j, EVENTC_E_CLOUDEVENTS,
                                   "both data and data_base64 are present (they are mutually "
                                   "exclusive)"),
                         r->index, NULL);
    }
    if (r->data_at == NULL)
        return EVENTC_OK;
    eventc_ce_media_class cls =
        ev->datacontenttype ? eventc_ce_media_classify(ev->datacontenttype) : EVENTC_CE_MEDIA_JSON;
    size_t span = (size_t)(r->data_end - r->data_at);
    if (cls == EVENTC_CE_MEDIA_JSON) {
        size_t m = json_minify(r->data_at, span, NULL);
        char *copy = eventc_arena_alloc(ev->arena_, m + 1);
        if (copy == NULL)
            return at_member(j, json_fail(j, EVENTC_E_NOMEM, "out of memory"), r->index, "data");
        json_minify(r->data_at, span, copy);
        copy[m] = '\0';
        ev->data = copy;
        ev->data_len = m;
        ev->data_kind = EVENTC_CE_DATA_JSON;
        return EVENTC_OK;
    }
    if (*r->data_at == '"') {
        const char *resume = j->p;
        j->p = r->data_at;
        st = json_read_string(j, j->lim->max_input, NULL);
        j->p = resume;
        if (st != EVENTC_OK)
            return at_member(j, st, r->index, "data");
        char *copy = eventc_arena_strndup(ev->arena_, j->scratch.data, j->scratch.len);
        if (copy == NULL)
            return at_member(j, json_fail(j, EVENTC_E_NOMEM, "out of memory"), r->index, "data");
        ev->data = copy;
        ev->data_len = j->scratch.len;
        ev->data_kind = EVENTC_CE_DATA_TEXT;
        return EVENTC_OK;
    }
    if (span == 4 && memcmp(r->data_at, "null", 4) == 0)
        return EVENTC_OK; /* null: no data */
    char q[128];
    const char *resume = j->p;
    ce_quote(q, sizeof(q), ev->datacontenttype, strlen(ev->datacontenttype));
    j->p = r->data_at;
    st = json_fail(j, EVENTC_E_TYPE, "must be a string when datacontenttype %s is not a JSON type",
                   q);
    j->p = resume;
    return at_member(j, st, r->index, "data");
}

static eventc_status read_event(json_reader *j, eventc_ce_event *ev, const eventc_ce_options *opts,
                                size_t index, json_names *names, eventc_buf *name)
{
    ev_reader r = {j, ev, opts, index, NULL, NULL, NULL, names, name};
    eventc_status st;
    size_t count = 0;
    json_skip_ws(j);
    if (j->p >= j->end || *j->p != '{') {
        if (j->p < j->end && strchr("[\"tfn-0123456789", *j->p) != NULL)
            st = json_fail(j, EVENTC_E_TYPE, "expected an event object, got %s", kind_at(j));
        else
            st = json_syntax(j, "an object");
        return at_member(j, st, index, NULL);
    }
    if (++j->depth > j->lim->max_depth)
        return at_member(j,
                         json_fail(j, EVENTC_E_LIMIT, "nesting deeper than %u", j->lim->max_depth),
                         index, NULL);
    if (ce_event_arena(ev, j->err) != EVENTC_OK)
        return EVENTC_E_NOMEM;
    j->p++;
    json_skip_ws(j);
    if (j->p < j->end && *j->p == '}') {
        j->p++;
    } else {
        for (;;) {
            if (++count > j->lim->max_items)
                return at_member(
                    j, json_fail(j, EVENTC_E_LIMIT, "more than %zu members", j->lim->max_items),
                    index, NULL);
            json_skip_ws(j);
            if (j->p >= j->end || *j->p != '"')
                return at_member(j, json_syntax(j, "a member name"), index, NULL);
            if ((st = read_member(&r)) != EVENTC_OK)
                return st;
            json_skip_ws(j);
            if (j->p < j->end && *j->p == ',') {
                j->p++;
                continue;
            }
            if (j->p < j->end && *j->p == '}') {
                j->p++;
                break;
            }
            return at_member(j, json_syntax(j, "',' or '}'"), index, NULL);
        }
    }
    j->depth--;
    if ((st = finish_data(&r)) != EVENTC_OK)
        return st;
    /* The only valid value: point at the constant so the event needs no copy of it. */
    if (ev->specversion != NULL && strcmp(ev->specversion, EVENTC_CE_SPECVERSION) == 0)
        ev->specversion = EVENTC_CE_SPECVERSION;
    return ce_validate(ev, CE_AT_JSON, index, j->err);
}

eventc_status ce_json_event(json_reader *j, eventc_ce_event *ev, const eventc_ce_options *opts,
                            size_t index)
{
    json_names names;
    eventc_buf name;
    json_names_init(&names, j->alloc);
    eventc_buf_init(&name, j->alloc);
    eventc_status st = read_event(j, ev, opts, index, &names, &name);
    eventc_buf_free(&name);
    json_names_free(&names);
    return st;
}

static eventc_status finish_doc(json_reader *j, eventc_status st)
{
    if (st == EVENTC_OK) {
        json_skip_ws(j);
        if (j->p != j->end)
            st = at_member(j, json_syntax(j, "the end of the input"), SIZE_MAX, NULL);
    }
    return st;
}

eventc_status eventc_ce_from_json(eventc_ce_event *ev, const char *json, size_t len,
                                  const eventc_ce_options *opts, eventc_error *err)
{
    eventc_ce_options defaults;
    json_reader j;
    eventc_status st;
    eventc_error_clear(err);
    if (opts == NULL) {
        defaults = eventc_ce_options_default();
        opts = &defaults;
    }
    if (ev == NULL || (json == NULL && len > 0))
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "$", "NULL argument");
    ce_event_reset(ev, opts->alloc);
    if (len > opts->limits.max_input) {
        st = eventc_error_set(err, EVENTC_E_LIMIT, "$",
                              "input of %zu bytes is larger than the limit of %zu", len,
                              opts->limits.max_input);
        eventc_ce_clear(ev);
        return st;
    }
    json_reader_init(&j, json ? json : "", len, &opts->limits, opts->alloc, err);
    st = finish_doc(&j, ce_json_event(&j, ev, opts, SIZE_MAX));
    json_reader_free(&j);
    if (st != EVENTC_OK)
        eventc_ce_clear(ev);
    return st;
}

eventc_status eventc_ce_batch_from_json(eventc_ce_batch *b, const char *json, size_t len,
                                        const eventc_ce_options *opts, eventc_error *err)
{
    eventc_ce_options defaults;
    json_reader j;
    eventc_status st = EVENTC_OK;
    eventc_error_clear(err);
    if (opts == NULL) {
        defaults = eventc_ce_options_default();
        opts = &defaults;
    }
    if (b == NULL || (json == NULL && len > 0))
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "$", "NULL argument");
    eventc_ce_batch_clear(b);
    b->alloc_ = opts->alloc;
    if (len > opts->limits.max_input)
        return eventc_error_set(err, EVENTC_E_LIMIT, "$",
                                "input of %zu bytes is larger than the limit of %zu", len,
                                opts->limits.max_input);
    json_reader_init(&j, json ? json : "", len, &opts->limits, opts->alloc, err);
    json_skip_ws(&j);
    if (j.p >= j.end || *j.p != '[') {
        if (j.p < j.end && *j.p == '{')
            st = json_fail(&j, EVENTC_E_TYPE, "expected an array of events, got an object");
        else
            st = json_syntax(&j, "'['");
        st = at_member(&j, st, SIZE_MAX, NULL);
    } else {
        j.p++;
        j.depth = 1;
        json_skip_ws(&j);
        if (j.p < j.end && *j.p == ']') {
            j.p++;
        } else {
            for (size_t i = 0;; i++) {
                if (i >= opts->limits.max_items) {
                    st = at_member(&j,
                                   json_fail(&j, EVENTC_E_LIMIT, "more than %zu events",
                                             opts->limits.max_items),
                                   SIZE_MAX, NULL);
                    break;
                }
                eventc_ce_event *ev = eventc_ce_batch_add(b);
                if (ev == NULL) {
                    st = eventc_error_set(err, EVENTC_E_NOMEM, "$", "out of memory");
                    break;
                }
                if ((st = ce_json_event(&j, ev, opts, i)) != EVENTC_OK)
                    break;
                json_skip_ws(&j);
                if (j.p < j.end && *j.p == ',') {
                    j.p++;
                    continue;
                }
                if (j.p < j.end && *j.p == ']') {
                    j.p++;
                    break;
                }
                st = at_member(&j, json_syntax(&j, "',' or ']'"), SIZE_MAX, NULL);
                break;
            }
        }
        st = finish_doc(&j, st);
    }
    json_reader_free(&j);
    if (st != EVENTC_OK)
        eventc_ce_batch_clear(b);
    return st;
}

/* ---- encoding ---- */

static eventc_status member(eventc_buf *out, const char *name, const char *value, size_t n)
{
    eventc_buf_putc(out, ',');
    eventc_buf_putc(out, '"');
    eventc_buf_append_str(out, name);
    eventc_buf_append(out, "\":", 2);
    return eventc_buf_append_json_string(out, value, n);
}

eventc_status ce_json_append(const eventc_ce_event *ev, eventc_buf *out)
{
    eventc_status st = EVENTC_OK;
    char ts[EVENTC_TIMESTAMP_MAX];
    eventc_buf tmp;
    eventc_buf_append(out, "{\"specversion\":", 15);
    st = eventc_buf_append_json_string(out, ev->specversion, strlen(ev->specversion));
    if (!st)
        st = member(out, "id", ev->id, strlen(ev->id));
    if (!st)
        st = member(out, "source", ev->source, strlen(ev->source));
    if (!st)
        st = member(out, "type", ev->type, strlen(ev->type));
    if (!st && ev->subject)
        st = member(out, "subject", ev->subject, strlen(ev->subject));
    if (!st && ev->has_time) {
        size_t n = eventc_timestamp_format(ev->time, ts);
        st = member(out, "time", ts, n);
    }
    if (!st && ev->datacontenttype)
        st = member(out, "datacontenttype", ev->datacontenttype, strlen(ev->datacontenttype));
    if (!st && ev->dataschema)
        st = member(out, "dataschema", ev->dataschema, strlen(ev->dataschema));
    eventc_buf_init(&tmp, out->alloc);
    for (size_t i = 0; i < ev->n_exts && !st; i++) {
        const eventc_ce_ext *x = &ev->exts[i];
        switch (x->value.type) {
        case EVENTC_CE_INTEGER:
        case EVENTC_CE_BOOLEAN:
            eventc_buf_putc(out, ',');
            eventc_buf_putc(out, '"');
            eventc_buf_append_str(out, x->name);
            eventc_buf_append(out, "\":", 2);
            st = eventc_ce_value_to_string(&x->value, out);
            break;
        default:
            eventc_buf_reset(&tmp);
            st = eventc_ce_value_to_string(&x->value, &tmp);
            if (!st)
                st = member(out, x->name, tmp.data ? tmp.data : "", tmp.len);
            break;
        }
    }
    eventc_buf_free(&tmp);
    if (!st) {
        switch (ev->data_kind) {
        case EVENTC_CE_DATA_JSON:
            eventc_buf_append(out, ",\"data\":", 8);
            st = eventc_buf_append(out, ev->data, ev->data_len);
            break;
        case EVENTC_CE_DATA_TEXT:
            st = member(out, "data", ev->data ? ev->data : "", ev->data_len);
            break;
        case EVENTC_CE_DATA_BINARY: {
            size_t need = eventc_ce_base64_len(ev->data_len);
            eventc_buf_append(out, ",\"data_base64\":\"", 16);
            if ((st = eventc_buf_reserve(out, need + 1)) == EVENTC_OK) {
                eventc_ce_base64_encode(ev->data, ev->data_len, out->data + out->len);
                out->len += need;
                st = eventc_buf_putc(out, '"');
            }
            break;
        }
        default:
            break;
        }
    }
    if (!st)
        st = eventc_buf_putc(out, '}');
    if (!st && out->failed)
        st = EVENTC_E_NOMEM;
    return st;
}

eventc_status eventc_ce_to_json(const eventc_ce_event *ev, eventc_buf *out, eventc_error *err)
{
    eventc_status st;
    size_t start;
    if (out == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL buffer");
    if ((st = eventc_ce_validate(ev, err)) != EVENTC_OK)
        return st;
    start = out->len;
    if ((st = ce_json_append(ev, out)) != EVENTC_OK) {
        out->len = start;
        return eventc_error_set(err, st, NULL, "%s", eventc_strerror(st));
    }
    return EVENTC_OK;
}

eventc_status eventc_ce_batch_to_json(const eventc_ce_event *events, size_t n, eventc_buf *out,
                                      eventc_error *err)
{
    eventc_status st = EVENTC_OK;
    size_t start;
    if (out == NULL || (events == NULL && n > 0))
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL argument");
    for (size_t i = 0; i < n; i++) {
        if ((st = ce_validate(&events[i], CE_AT_JSON, i, err)) != EVENTC_OK)
            return st;
    }
    start = out->len;
    st = eventc_buf_putc(out, '[');
    for (size_t i = 0; i < n && !st; i++) {
        if (i > 0)
            eventc_buf_putc(out, ',');
        st = ce_json_append(&events[i], out);
    }
    if (!st)
        st = eventc_buf_putc(out, ']');
    if (st != EVENTC_OK) {
        out->len = start;
        return eventc_error_set(err, st, NULL, "%s", eventc_strerror(st));
    }
    return EVENTC_OK;
}
