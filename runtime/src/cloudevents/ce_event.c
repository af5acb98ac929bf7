/* The CloudEvent object: its arena, the setters and getters, the validation rules of the spec,
 * equality and copying, and batches. Setters and validation share one set of per-attribute
 * checks, so an event built in C and a decoded one are judged alike. */
#include "ce_internal.h"
#include "eventc/id.h"
#include "eventc/utf8.h"

#include <stdio.h>
#include <string.h>

static const char specversion_1_0[] = EVENTC_CE_SPECVERSION;

/* ---- paths ---- */

/* out = head + name, cut to EVENTC_ERROR_PATH_MAX with "..." at the end when it does not fit
 * (attribute names have no maximum length). */
static void path_join(char *out, const char *head, const char *name)
{
    size_t h = strlen(head), n = strlen(name);
    if (h + n < EVENTC_ERROR_PATH_MAX) {
        memcpy(out, head, h);
        memcpy(out + h, name, n + 1);
        return;
    }
    size_t keep = EVENTC_ERROR_PATH_MAX - 1 - 3;
    if (h > keep)
        h = keep;
    memcpy(out, head, h);
    memcpy(out + h, name, keep - h);
    memcpy(out + keep, "...", 4);
}

void ce_path(char *out, ce_where where, size_t index, const char *name)
{
    bool dct = name && strcmp(name, "datacontenttype") == 0;
    bool data = name && strcmp(name, "data") == 0;
    char head[32];
    switch (where) {
    case CE_AT_API:
        path_join(out, "", name ? name : "");
        return;
    case CE_AT_JSON:
        if (index == SIZE_MAX)
            snprintf(head, sizeof(head), "$%s", name ? "." : "");
        else
            snprintf(head, sizeof(head), "$[%zu]%s", index, name ? "." : "");
        path_join(out, head, name ? name : "");
        return;
    case CE_AT_HTTP:
        path_join(out, dct || data ? "" : "ce-",
                  dct    ? "content-type"
                  : data ? "body"
                  : name ? name
                         : "");
        return;
    case CE_AT_KAFKA:
        path_join(out, dct || data ? "" : "ce_",
                  dct    ? "content-type"
                  : data ? "value"
                  : name ? name
                         : "");
        return;
    case CE_AT_NATS:
        path_join(out, data ? "" : "ce-", data ? "payload" : name ? name : "");
        return;
    }
    out[0] = '\0';
}

/* Gives err the path of attribute name, keeping its code, message and offset. */
static eventc_status at(eventc_error *err, eventc_status st, ce_where where, size_t index,
                        const char *name)
{
    char path[EVENTC_ERROR_PATH_MAX];
    if (err == NULL)
        return st;
    size_t offset = err->offset;
    ce_path(path, where, index, name);
    eventc_error_set(err, st, path, "%s", err->message);
    err->offset = offset;
    return st;
}

/* ---- memory ---- */

eventc_status ce_event_arena(eventc_ce_event *ev, eventc_error *err)
{
    if (ev->arena_ != NULL)
        return EVENTC_OK;
    eventc_arena *a = eventc_alloc(ev->alloc_, sizeof(*a));
    if (a == NULL)
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    eventc_arena_init(a, ev->alloc_);
    ev->arena_ = a;
    return EVENTC_OK;
}

char *ce_event_dup(eventc_ce_event *ev, const char *s, size_t n)
{
    if (ce_event_arena(ev, NULL) != EVENTC_OK)
        return NULL;
    return eventc_arena_strndup(ev->arena_, s, n);
}

static void release_arena(eventc_ce_event *ev)
{
    if (ev->arena_ != NULL) {
        eventc_arena_free(ev->arena_);
        eventc_free(ev->alloc_, ev->arena_, sizeof(*ev->arena_));
        ev->arena_ = NULL;
    }
}

void ce_event_reset(eventc_ce_event *ev, const eventc_allocator *alloc)
{
    eventc_arena *keep = NULL;
    if (ev->arena_ != NULL && ev->alloc_ == alloc) {
        eventc_arena_reset(ev->arena_);
        keep = ev->arena_;
    } else {
        release_arena(ev);
    }
    memset(ev, 0, sizeof(*ev));
    ev->alloc_ = alloc;
    ev->arena_ = keep;
}

void eventc_ce_init(eventc_ce_event *ev, const eventc_allocator *alloc)
{
    memset(ev, 0, sizeof(*ev));
    ev->alloc_ = alloc;
    ev->specversion = specversion_1_0;
}

void eventc_ce_clear(eventc_ce_event *ev)
{
    if (ev == NULL)
        return;
    const eventc_allocator *alloc = ev->alloc_;
    release_arena(ev);
    eventc_ce_init(ev, alloc);
}

eventc_ce_options eventc_ce_options_default(void)
{
    eventc_ce_options o;
    memset(&o, 0, sizeof(o));
    o.limits = eventc_limits_default();
    o.kafka_key_to_partitionkey = 1;
    return o;
}

/* ---- per-attribute rules ---- */

typedef enum core_attr {
    A_SPECVERSION,
    A_ID,
    A_SOURCE,
    A_TYPE,
    A_SUBJECT,
    A_DATACONTENTTYPE,
    A_DATASCHEMA,
    A_TIME,
    A_NONE
} core_attr;

static const char *const core_names[] = {
    "specversion", "id", "source", "type", "subject", "datacontenttype", "dataschema", "time"};

static core_attr core_lookup(const char *name, size_t n)
{
    for (int i = 0; i < (int)A_NONE; i++) {
        if (strlen(core_names[i]) == n && memcmp(core_names[i], name, n) == 0)
            return (core_attr)i;
    }
    return A_NONE;
}

static const char **core_field(eventc_ce_event *ev, core_attr a)
{
    switch (a) {
    case A_SPECVERSION:
        return &ev->specversion;
    case A_ID:
        return &ev->id;
    case A_SOURCE:
        return &ev->source;
    case A_TYPE:
        return &ev->type;
    case A_SUBJECT:
        return &ev->subject;
    case A_DATACONTENTTYPE:
        return &ev->datacontenttype;
    case A_DATASCHEMA:
        return &ev->dataschema;
    default:
        return NULL;
    }
}

static const char *core_value(const eventc_ce_event *ev, core_attr a)
{
    return *core_field((eventc_ce_event *)ev, a);
}

/* Checks a core string attribute's value; err->path is left for the caller. */
static eventc_status check_core(core_attr a, const char *s, size_t n, eventc_error *err)
{
    eventc_status st;
    if (n == 0 && a != A_SPECVERSION)
        return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL, "must be a non-empty string");
    switch (a) {
    case A_SPECVERSION:
        if (n != 3 || memcmp(s, "1.0", 3) != 0) {
            char q[128];
            ce_quote(q, sizeof(q), s, n);
            return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                                    "unsupported specversion %s: only \"1.0\" is supported", q);
        }
        return EVENTC_OK;
    case A_ID:
    case A_TYPE:
    case A_SUBJECT:
        return eventc_ce_check_string(s, n, err);
    case A_SOURCE:
        return eventc_ce_check_uri(s, n, false, err);
    case A_DATASCHEMA:
        return eventc_ce_check_uri(s, n, true, err);
    case A_DATACONTENTTYPE:
        if ((st = eventc_ce_check_string(s, n, err)) != EVENTC_OK)
            return st;
        return eventc_ce_check_media_type(s, n, err);
    default:
        return EVENTC_OK;
    }
}

static eventc_status check_time(eventc_timestamp t, eventc_error *err)
{
    if (t.nanos > 999999999u || t.seconds < EVENTC_TIMESTAMP_MIN_SECONDS ||
        t.seconds > EVENTC_TIMESTAMP_MAX_SECONDS)
        return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                                "timestamp outside years 0000-9999 (or nanoseconds above "
                                "999999999)");
    return EVENTC_OK;
}

static eventc_status check_ext_value(const eventc_ce_value *v, eventc_error *err)
{
    switch (v->type) {
    case EVENTC_CE_STRING:
        if (v->str == NULL)
            return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL string");
        return eventc_ce_check_string(v->str, v->len, err);
    case EVENTC_CE_URI:
    case EVENTC_CE_URI_REF:
        if (v->str == NULL)
            return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL URI");
        return eventc_ce_check_uri(v->str, v->len, v->type == EVENTC_CE_URI, err);
    case EVENTC_CE_INTEGER:
    case EVENTC_CE_BOOLEAN:
        return EVENTC_OK;
    case EVENTC_CE_BINARY:
        if (v->str == NULL && v->len > 0)
            return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL bytes");
        return EVENTC_OK;
    case EVENTC_CE_TIMESTAMP:
        return check_time(v->timestamp, err);
    }
    return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "unknown attribute type %d",
                            (int)v->type);
}

static eventc_status check_ext_name(const char *name, size_t n, eventc_error *err)
{
    char q[128];
    if (!eventc_ce_check_name(name, n)) {
        ce_quote(q, sizeof(q), name, n);
        return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                                "invalid extension attribute name %s: only lower-case letters "
                                "a-z and digits 0-9 are allowed",
                                q);
    }
    if (eventc_ce_is_reserved_name(name, n)) {
        ce_quote(q, sizeof(q), name, n);
        return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                                "%s is reserved and cannot be an extension attribute name", q);
    }
    return EVENTC_OK;
}

void ce_name_warn(eventc_ce_event *ev, const char *name, size_t n, const eventc_ce_options *opts,
                  const char *path)
{
    unsigned w = eventc_ce_name_warnings(name, n);
    char fitted[EVENTC_ERROR_PATH_MAX];
    ev->warnings |= w;
    if (w == 0 || opts == NULL || opts->warn == NULL)
        return;
    /* A long name is what the first warning is about: show it, cut like any error path. */
    path_join(fitted, "", path);
    path = fitted;
    if (w & EVENTC_CE_WARN_LONG_NAME)
        opts->warn(opts->warn_ctx, EVENTC_CE_WARN_LONG_NAME, path,
                   "attribute name is longer than 20 characters (the spec says SHOULD NOT)");
    if (w & EVENTC_CE_WARN_NAME_START)
        opts->warn(opts->warn_ctx, EVENTC_CE_WARN_NAME_START, path,
                   "attribute name starts with a digit (the spec says it SHOULD start with a "
                   "letter)");
}

/* ---- validation ---- */

static eventc_limits data_limits(void)
{
    eventc_limits lim = eventc_limits_default();
    /* Validation judges data already accepted, perhaps under a caller's larger limits. */
    lim.max_input = SIZE_MAX;
    lim.max_string = SIZE_MAX;
    lim.max_items = SIZE_MAX;
    lim.max_depth = 1000;
    return lim;
}

eventc_status ce_validate(const eventc_ce_event *ev, ce_where where, size_t index,
                          eventc_error *err)
{
    eventc_status st;
    eventc_error_clear(err);
    if (ev == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL event");
    for (int a = A_SPECVERSION; a <= A_DATASCHEMA; a++) {
        const char *v = core_value(ev, (core_attr)a);
        if (v == NULL) {
            if (a <= A_TYPE) {
                eventc_error_set(err, EVENTC_E_REQUIRED, NULL, "required attribute is missing");
                return at(err, EVENTC_E_REQUIRED, where, index, core_names[a]);
            }
            continue;
        }
        if ((st = check_core((core_attr)a, v, strlen(v), err)) != EVENTC_OK)
            return at(err, st, where, index, core_names[a]);
    }
    if (ev->has_time && (st = check_time(ev->time, err)) != EVENTC_OK)
        return at(err, st, where, index, "time");
    if (ev->n_exts > 0 && ev->exts == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL extension array");
    for (size_t i = 0; i < ev->n_exts; i++) {
        const eventc_ce_ext *x = &ev->exts[i];
        if (x->name == NULL)
            return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL extension name");
        size_t n = strlen(x->name);
        const char *shown = eventc_ce_check_name(x->name, n) ? x->name : "";
        if ((st = check_ext_name(x->name, n, err)) != EVENTC_OK)
            return at(err, st, where, index, shown);
        for (size_t k = 0; k < i; k++) {
            if (strcmp(ev->exts[k].name, x->name) == 0) {
                eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                                 "extension attribute appears more than once");
                return at(err, EVENTC_E_CLOUDEVENTS, where, index, x->name);
            }
        }
        if ((st = check_ext_value(&x->value, err)) != EVENTC_OK)
            return at(err, st, where, index, x->name);
    }
    eventc_ce_media_class cls = eventc_ce_media_classify(ev->datacontenttype);
    switch (ev->data_kind) {
    case EVENTC_CE_DATA_NONE:
        return EVENTC_OK;
    case EVENTC_CE_DATA_JSON: {
        eventc_limits lim = data_limits();
        if (ev->datacontenttype != NULL && cls != EVENTC_CE_MEDIA_JSON) {
            eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                             "JSON data needs a JSON datacontenttype (or none), not \"%s\"",
                             ev->datacontenttype);
            return at(err, EVENTC_E_CLOUDEVENTS, where, index, "data");
        }
        if (ev->data == NULL)
            return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL data");
        if ((st = json_check(ev->data, ev->data_len, &lim, NULL, err)) != EVENTC_OK)
            return at(err, st, where, index, "data");
        return EVENTC_OK;
    }
    case EVENTC_CE_DATA_TEXT: {
        size_t bad;
        if (ev->datacontenttype == NULL || cls == EVENTC_CE_MEDIA_JSON) {
            eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                             "text data needs a datacontenttype that is not a JSON type");
            return at(err, EVENTC_E_CLOUDEVENTS, where, index, "data");
        }
        if (ev->data == NULL && ev->data_len > 0)
            return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL data");
        if (ev->data_len > 0 && !eventc_utf8_check(ev->data, ev->data_len, &bad)) {
            eventc_error_set(err, EVENTC_E_UTF8, NULL, "text data is not valid UTF-8 (byte %zu)",
                             bad);
            return at(err, EVENTC_E_UTF8, where, index, "data");
        }
        return EVENTC_OK;
    }
    case EVENTC_CE_DATA_BINARY:
        if (ev->data == NULL && ev->data_len > 0)
            return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL data");
        return EVENTC_OK;
    }
    return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "unknown data kind %d",
                            (int)ev->data_kind);
}

eventc_status eventc_ce_validate(const eventc_ce_event *ev, eventc_error *err)
{
    return ce_validate(ev, CE_AT_API, SIZE_MAX, err);
}

/* ---- core setters ---- */

static eventc_status set_core(eventc_ce_event *ev, core_attr a, const char *s, size_t n,
                              eventc_error *err)
{
    eventc_status st;
    const char **field = core_field(ev, a);
    eventc_error_clear(err);
    if (s == NULL) {
        if (a <= A_TYPE)
            return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, core_names[a],
                                    "a required attribute cannot be unset");
        *field = NULL;
        return EVENTC_OK;
    }
    if ((st = check_core(a, s, n, err)) != EVENTC_OK)
        return at(err, st, CE_AT_API, SIZE_MAX, core_names[a]);
    if (a == A_SPECVERSION) {
        *field = specversion_1_0;
        return EVENTC_OK;
    }
    char *copy = ce_event_dup(ev, s, n);
    if (copy == NULL)
        return eventc_error_set(err, EVENTC_E_NOMEM, core_names[a], "out of memory");
    *field = copy;
    return EVENTC_OK;
}

#define CORE_SETTER(fn, attr)                                                            \
    eventc_status fn(eventc_ce_event *ev, const char *v, eventc_error *err)              \
    {                                                                                    \
        if (ev == NULL)                                                                  \
            return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL event"); \
        return set_core(ev, attr, v, v ? strlen(v) : 0, err);                            \
    }

CORE_SETTER(eventc_ce_set_id, A_ID)
CORE_SETTER(eventc_ce_set_source, A_SOURCE)
CORE_SETTER(eventc_ce_set_specversion, A_SPECVERSION)
CORE_SETTER(eventc_ce_set_type, A_TYPE)
CORE_SETTER(eventc_ce_set_subject, A_SUBJECT)
CORE_SETTER(eventc_ce_set_datacontenttype, A_DATACONTENTTYPE)
CORE_SETTER(eventc_ce_set_dataschema, A_DATASCHEMA)

eventc_status eventc_ce_set_time(eventc_ce_event *ev, eventc_timestamp t, eventc_error *err)
{
    eventc_status st;
    eventc_error_clear(err);
    if (ev == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL event");
    if ((st = check_time(t, err)) != EVENTC_OK)
        return at(err, st, CE_AT_API, SIZE_MAX, "time");
    ev->time = t;
    ev->has_time = true;
    return EVENTC_OK;
}

eventc_status eventc_ce_set_time_str(eventc_ce_event *ev, const char *s, eventc_error *err)
{
    eventc_timestamp t;
    eventc_status st;
    eventc_error_clear(err);
    if (ev == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL event");
    if (s == NULL) {
        ev->has_time = false;
        memset(&ev->time, 0, sizeof(ev->time));
        return EVENTC_OK;
    }
    if ((st = eventc_ce_parse_time(s, strlen(s), &t, err)) != EVENTC_OK)
        return at(err, st, CE_AT_API, SIZE_MAX, "time");
    ev->time = t;
    ev->has_time = true;
    return EVENTC_OK;
}

/* ---- extensions ---- */

static eventc_ce_ext *find_ext(const eventc_ce_event *ev, const char *name, size_t n)
{
    for (size_t i = 0; i < ev->n_exts; i++) {
        if (strlen(ev->exts[i].name) == n && memcmp(ev->exts[i].name, name, n) == 0)
            return &ev->exts[i];
    }
    return NULL;
}

eventc_status ce_event_put_ext(eventc_ce_event *ev, const char *name, size_t name_len,
                               const eventc_ce_value *v, eventc_error *err)
{
    eventc_ce_value copy = *v;
    eventc_ce_ext *slot = find_ext(ev, name, name_len);
    const char *name_copy = NULL;
    if (ce_event_arena(ev, err) != EVENTC_OK)
        return EVENTC_E_NOMEM;
    switch (v->type) {
    case EVENTC_CE_STRING:
    case EVENTC_CE_URI:
    case EVENTC_CE_URI_REF:
    case EVENTC_CE_BINARY:
        copy.str = eventc_arena_strndup(ev->arena_, v->str, v->len);
        if (copy.str == NULL)
            return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        break;
    default:
        copy.str = NULL;
        copy.len = 0;
        break;
    }
    if (slot != NULL) {
        slot->value = copy;
        return EVENTC_OK;
    }
    name_copy = eventc_arena_strndup(ev->arena_, name, name_len);
    if (name_copy == NULL)
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    if (ev->n_exts == ev->exts_cap_ || ev->exts == NULL) {
        size_t cap = ev->n_exts < 4 ? 4 : ev->n_exts * 2;
        eventc_ce_ext *bigger = eventc_arena_alloc(ev->arena_, cap * sizeof(*bigger));
        if (bigger == NULL)
            return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        if (ev->n_exts > 0)
            memcpy(bigger, ev->exts, ev->n_exts * sizeof(*bigger));
        ev->exts = bigger;
        ev->exts_cap_ = cap;
    }
    ev->exts[ev->n_exts].name = name_copy;
    ev->exts[ev->n_exts].value = copy;
    ev->n_exts++;
    return EVENTC_OK;
}

eventc_status eventc_ce_set_ext(eventc_ce_event *ev, const char *name, const eventc_ce_value *v,
                                eventc_error *err)
{
    eventc_status st;
    size_t n;
    eventc_error_clear(err);
    if (ev == NULL || name == NULL || v == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL argument");
    n = strlen(name);
    if ((st = check_ext_name(name, n, err)) != EVENTC_OK)
        return at(err, st, CE_AT_API, SIZE_MAX, eventc_ce_check_name(name, n) ? name : "");
    if ((st = check_ext_value(v, err)) != EVENTC_OK)
        return at(err, st, CE_AT_API, SIZE_MAX, name);
    if ((st = ce_event_put_ext(ev, name, n, v, err)) != EVENTC_OK)
        return at(err, st, CE_AT_API, SIZE_MAX, name);
    ev->warnings |= eventc_ce_name_warnings(name, n);
    return EVENTC_OK;
}

static eventc_ce_value value_of(eventc_ce_type t)
{
    eventc_ce_value v;
    memset(&v, 0, sizeof(v));
    v.type = t;
    return v;
}

eventc_status eventc_ce_set_ext_string(eventc_ce_event *ev, const char *name, const char *value,
                                       eventc_error *err)
{
    eventc_ce_value v = value_of(EVENTC_CE_STRING);
    v.str = value;
    v.len = value ? strlen(value) : 0;
    return eventc_ce_set_ext(ev, name, &v, err);
}

eventc_status eventc_ce_set_ext_integer(eventc_ce_event *ev, const char *name, int32_t value,
                                        eventc_error *err)
{
    eventc_ce_value v = value_of(EVENTC_CE_INTEGER);
    v.integer = value;
    return eventc_ce_set_ext(ev, name, &v, err);
}

eventc_status eventc_ce_set_ext_boolean(eventc_ce_event *ev, const char *name, bool value,
                                        eventc_error *err)
{
    eventc_ce_value v = value_of(EVENTC_CE_BOOLEAN);
    v.boolean = value;
    return eventc_ce_set_ext(ev, name, &v, err);
}

eventc_status eventc_ce_set_ext_binary(eventc_ce_event *ev, const char *name, const void *bytes,
                                       size_t n, eventc_error *err)
{
    eventc_ce_value v = value_of(EVENTC_CE_BINARY);
    v.str = bytes;
    v.len = n;
    return eventc_ce_set_ext(ev, name, &v, err);
}

eventc_status eventc_ce_set_ext_uri(eventc_ce_event *ev, const char *name, const char *uri,
                                    eventc_error *err)
{
    eventc_ce_value v = value_of(EVENTC_CE_URI);
    v.str = uri;
    v.len = uri ? strlen(uri) : 0;
    return eventc_ce_set_ext(ev, name, &v, err);
}

eventc_status eventc_ce_set_ext_uri_ref(eventc_ce_event *ev, const char *name, const char *uri_ref,
                                        eventc_error *err)
{
    eventc_ce_value v = value_of(EVENTC_CE_URI_REF);
    v.str = uri_ref;
    v.len = uri_ref ? strlen(uri_ref) : 0;
    return eventc_ce_set_ext(ev, name, &v, err);
}

eventc_status eventc_ce_set_ext_timestamp(eventc_ce_event *ev, const char *name,
                                          eventc_timestamp value, eventc_error *err)
{
    eventc_ce_value v = value_of(EVENTC_CE_TIMESTAMP);
    v.timestamp = value;
    return eventc_ce_set_ext(ev, name, &v, err);
}

const eventc_ce_value *eventc_ce_get_ext(const eventc_ce_event *ev, const char *name)
{
    if (ev == NULL || name == NULL)
        return NULL;
    eventc_ce_ext *x = find_ext(ev, name, strlen(name));
    return x ? &x->value : NULL;
}

bool eventc_ce_remove_ext(eventc_ce_event *ev, const char *name)
{
    if (ev == NULL || name == NULL)
        return false;
    eventc_ce_ext *x = find_ext(ev, name, strlen(name));
    if (x == NULL)
        return false;
    size_t i = (size_t)(x - ev->exts);
    memmove(x, x + 1, (ev->n_exts - i - 1) * sizeof(*x));
    ev->n_exts--;
    return true;
}

eventc_status eventc_ce_ext_integer(const eventc_ce_event *ev, const char *name, int32_t *out)
{
    const eventc_ce_value *v = eventc_ce_get_ext(ev, name);
    eventc_ce_value parsed;
    if (v == NULL)
        return EVENTC_E_REQUIRED;
    if (v->type == EVENTC_CE_INTEGER) {
        *out = v->integer;
        return EVENTC_OK;
    }
    if (v->type != EVENTC_CE_STRING ||
        eventc_ce_value_parse(EVENTC_CE_INTEGER, v->str, v->len, &parsed, NULL) != EVENTC_OK)
        return EVENTC_E_TYPE;
    *out = parsed.integer;
    return EVENTC_OK;
}

eventc_status eventc_ce_ext_boolean(const eventc_ce_event *ev, const char *name, bool *out)
{
    const eventc_ce_value *v = eventc_ce_get_ext(ev, name);
    eventc_ce_value parsed;
    if (v == NULL)
        return EVENTC_E_REQUIRED;
    if (v->type == EVENTC_CE_BOOLEAN) {
        *out = v->boolean;
        return EVENTC_OK;
    }
    if (v->type != EVENTC_CE_STRING ||
        eventc_ce_value_parse(EVENTC_CE_BOOLEAN, v->str, v->len, &parsed, NULL) != EVENTC_OK)
        return EVENTC_E_TYPE;
    *out = parsed.boolean;
    return EVENTC_OK;
}

eventc_status eventc_ce_ext_timestamp(const eventc_ce_event *ev, const char *name,
                                      eventc_timestamp *out)
{
    const eventc_ce_value *v = eventc_ce_get_ext(ev, name);
    eventc_timestamp t;
    if (v == NULL)
        return EVENTC_E_REQUIRED;
    if (v->type == EVENTC_CE_TIMESTAMP) {
        *out = v->timestamp;
        return EVENTC_OK;
    }
    if (v->type != EVENTC_CE_STRING || eventc_ce_parse_time(v->str, v->len, &t, NULL) != EVENTC_OK)
        return EVENTC_E_TYPE;
    *out = t;
    return EVENTC_OK;
}

eventc_status eventc_ce_ext_binary(const eventc_ce_event *ev, const char *name, eventc_buf *out)
{
    const eventc_ce_value *v = eventc_ce_get_ext(ev, name);
    size_t got;
    if (v == NULL)
        return EVENTC_E_REQUIRED;
    if (v->type == EVENTC_CE_BINARY)
        return eventc_buf_append(out, v->str ? v->str : "", v->str ? v->len : 0);
    if (v->type != EVENTC_CE_STRING ||
        eventc_ce_value_parse(EVENTC_CE_BINARY, v->str, v->len, NULL, NULL) != EVENTC_OK)
        return EVENTC_E_TYPE;
    if (eventc_buf_reserve(out, v->len / 4 * 3 + 1) != EVENTC_OK)
        return EVENTC_E_NOMEM;
    if (!eventc_ce_base64_decode(v->str, v->len, out->data + out->len, &got))
        return EVENTC_E_TYPE;
    out->len += got;
    return EVENTC_OK;
}

/* ---- generic attribute access ---- */

eventc_status eventc_ce_set_attr(eventc_ce_event *ev, const char *name, const char *value,
                                 size_t len, eventc_error *err)
{
    eventc_status st;
    size_t n;
    eventc_error_clear(err);
    if (ev == NULL || name == NULL || (value == NULL && len > 0))
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL argument");
    if (value == NULL)
        value = "";
    n = strlen(name);
    core_attr a = core_lookup(name, n);
    if (a == A_TIME) {
        eventc_timestamp t;
        if ((st = eventc_ce_parse_time(value, len, &t, err)) != EVENTC_OK)
            return at(err, st, CE_AT_API, SIZE_MAX, "time");
        ev->time = t;
        ev->has_time = true;
        return EVENTC_OK;
    }
    if (a != A_NONE)
        return set_core(ev, a, value, len, err);
    eventc_ce_value v = value_of(EVENTC_CE_STRING);
    v.str = value;
    v.len = len;
    if ((st = check_ext_name(name, n, err)) != EVENTC_OK)
        return at(err, st, CE_AT_API, SIZE_MAX, eventc_ce_check_name(name, n) ? name : "");
    if ((st = eventc_ce_check_string(value, len, err)) != EVENTC_OK)
        return at(err, st, CE_AT_API, SIZE_MAX, name);
    if ((st = ce_event_put_ext(ev, name, n, &v, err)) != EVENTC_OK)
        return at(err, st, CE_AT_API, SIZE_MAX, name);
    ev->warnings |= eventc_ce_name_warnings(name, n);
    return EVENTC_OK;
}

eventc_status eventc_ce_get_attr(const eventc_ce_event *ev, const char *name, eventc_buf *out)
{
    if (ev == NULL || name == NULL)
        return EVENTC_E_INVALID_ARGUMENT;
    core_attr a = core_lookup(name, strlen(name));
    if (a == A_TIME) {
        eventc_ce_value v = value_of(EVENTC_CE_TIMESTAMP);
        if (!ev->has_time)
            return EVENTC_E_REQUIRED;
        v.timestamp = ev->time;
        return eventc_ce_value_to_string(&v, out);
    }
    if (a != A_NONE) {
        const char *s = core_value(ev, a);
        return s ? eventc_buf_append_str(out, s) : EVENTC_E_REQUIRED;
    }
    const eventc_ce_value *v = eventc_ce_get_ext(ev, name);
    return v ? eventc_ce_value_to_string(v, out) : EVENTC_E_REQUIRED;
}

/* ---- data ---- */

static eventc_status put_data(eventc_ce_event *ev, eventc_ce_data_kind kind, const char *s,
                              size_t n, eventc_error *err)
{
    char *copy = ce_event_dup(ev, s, n);
    if (copy == NULL)
        return eventc_error_set(err, EVENTC_E_NOMEM, "data", "out of memory");
    ev->data = copy;
    ev->data_len = n;
    ev->data_kind = kind;
    return EVENTC_OK;
}

/* Stores the valid JSON text [s, s+n) minified. */
static eventc_status put_json(eventc_ce_event *ev, const char *s, size_t n, eventc_error *err)
{
    size_t m = json_minify(s, n, NULL);
    char *copy;
    if (ce_event_arena(ev, err) != EVENTC_OK ||
        (copy = eventc_arena_alloc(ev->arena_, m + 1)) == NULL)
        return eventc_error_set(err, EVENTC_E_NOMEM, "data", "out of memory");
    json_minify(s, n, copy);
    copy[m] = '\0';
    ev->data = copy;
    ev->data_len = m;
    ev->data_kind = EVENTC_CE_DATA_JSON;
    return EVENTC_OK;
}

eventc_status eventc_ce_set_data_json(eventc_ce_event *ev, const char *json, size_t len,
                                      eventc_error *err)
{
    eventc_status st;
    eventc_limits lim = eventc_limits_default();
    eventc_error_clear(err);
    if (ev == NULL || (json == NULL && len > 0))
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL argument");
    if (ev->datacontenttype != NULL &&
        eventc_ce_media_classify(ev->datacontenttype) != EVENTC_CE_MEDIA_JSON)
        return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, "data",
                                "JSON data needs a JSON datacontenttype (or none), not \"%s\"",
                                ev->datacontenttype);
    if ((st = json_check(json ? json : "", len, &lim, ev->alloc_, err)) != EVENTC_OK)
        return at(err, st, CE_AT_API, SIZE_MAX, "data");
    return put_json(ev, json, len, err);
}

eventc_status eventc_ce_set_data_text(eventc_ce_event *ev, const char *text, size_t len,
                                      eventc_error *err)
{
    size_t bad;
    eventc_error_clear(err);
    if (ev == NULL || (text == NULL && len > 0))
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL argument");
    if (ev->datacontenttype == NULL ||
        eventc_ce_media_classify(ev->datacontenttype) == EVENTC_CE_MEDIA_JSON)
        return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, "data",
                                "text data needs a datacontenttype that is not a JSON type");
    if (len > 0 && !eventc_utf8_check(text, len, &bad)) {
        eventc_error_set(err, EVENTC_E_UTF8, "data", "text data is not valid UTF-8 (byte %zu)",
                         bad);
        if (err)
            err->offset = bad;
        return EVENTC_E_UTF8;
    }
    return put_data(ev, EVENTC_CE_DATA_TEXT, text ? text : "", len, err);
}

eventc_status eventc_ce_set_data_binary(eventc_ce_event *ev, const void *bytes, size_t len,
                                        eventc_error *err)
{
    eventc_error_clear(err);
    if (ev == NULL || (bytes == NULL && len > 0))
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL argument");
    return put_data(ev, EVENTC_CE_DATA_BINARY, bytes ? bytes : "", len, err);
}

eventc_status ce_set_body(eventc_ce_event *ev, const char *body, size_t len,
                          const eventc_limits *lim, const char *body_path, eventc_error *err)
{
    eventc_status st;
    size_t bad;
    if (len == 0) {
        eventc_ce_unset_data(ev);
        return EVENTC_OK;
    }
    if (len > lim->max_input)
        return eventc_error_set(err, EVENTC_E_LIMIT, body_path,
                                "data of %zu bytes is larger than the limit of %zu", len,
                                lim->max_input);
    switch (ev->datacontenttype ? eventc_ce_media_classify(ev->datacontenttype)
                                : EVENTC_CE_MEDIA_OTHER) {
    case EVENTC_CE_MEDIA_JSON: {
        eventc_limits jl = *lim;
        jl.max_string = jl.max_input;
        if ((st = json_check(body, len, &jl, ev->alloc_, err)) != EVENTC_OK) {
            size_t offset = err ? err->offset : 0;
            eventc_error_set(err, st, body_path, "not JSON although the content type is %s: %s",
                             ev->datacontenttype, err ? err->message : "");
            if (err)
                err->offset = offset;
            return st;
        }
        if ((st = put_json(ev, body, len, err)) != EVENTC_OK)
            return st;
        return EVENTC_OK;
    }
    case EVENTC_CE_MEDIA_TEXT:
        if (eventc_utf8_check(body, len, &bad))
            return put_data(ev, EVENTC_CE_DATA_TEXT, body, len, err);
        return put_data(ev, EVENTC_CE_DATA_BINARY, body, len, err);
    default:
        return put_data(ev, EVENTC_CE_DATA_BINARY, body, len, err);
    }
}

eventc_status eventc_ce_set_data(eventc_ce_event *ev, const void *body, size_t len,
                                 eventc_error *err)
{
    eventc_limits lim = eventc_limits_default();
    eventc_error_clear(err);
    if (ev == NULL || (body == NULL && len > 0))
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL argument");
    lim.max_input = SIZE_MAX;
    return ce_set_body(ev, body, len, &lim, "data", err);
}

void eventc_ce_unset_data(eventc_ce_event *ev)
{
    if (ev == NULL)
        return;
    ev->data_kind = EVENTC_CE_DATA_NONE;
    ev->data = NULL;
    ev->data_len = 0;
}

eventc_status eventc_ce_data_json(const eventc_ce_event *ev, const char **json, size_t *len)
{
    if (ev == NULL || ev->data_kind == EVENTC_CE_DATA_NONE)
        return EVENTC_E_REQUIRED;
    if (ev->data_kind != EVENTC_CE_DATA_JSON)
        return EVENTC_E_TYPE;
    if (json)
        *json = ev->data;
    if (len)
        *len = ev->data_len;
    return EVENTC_OK;
}

/* ---- constructors, copy, equality ---- */

eventc_status eventc_ce_init_json(eventc_ce_event *ev, const eventc_allocator *alloc,
                                  const char *id, const char *source, const char *type,
                                  const char *json, size_t json_len, eventc_error *err)
{
    char ulid[EVENTC_ULID_LEN + 1];
    eventc_status st;
    if (ev == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL event");
    eventc_ce_init(ev, alloc);
    if (id == NULL) {
        if ((st = eventc_ulid_new(ulid)) != EVENTC_OK) {
            eventc_error_set(err, st, "id", "cannot generate an id");
            return st;
        }
        id = ulid;
    }
    if ((st = eventc_ce_set_id(ev, id, err)) != EVENTC_OK ||
        (st = eventc_ce_set_source(ev, source, err)) != EVENTC_OK ||
        (st = eventc_ce_set_type(ev, type, err)) != EVENTC_OK ||
        (st = eventc_ce_set_datacontenttype(ev, "application/json", err)) != EVENTC_OK ||
        (st = eventc_ce_set_data_json(ev, json, json_len, err)) != EVENTC_OK) {
        eventc_ce_clear(ev);
        return st;
    }
    return EVENTC_OK;
}

eventc_status eventc_ce_copy(eventc_ce_event *dst, const eventc_ce_event *src,
                             const eventc_allocator *alloc, eventc_error *err)
{
    eventc_ce_event tmp;
    eventc_status st = EVENTC_OK;
    eventc_error_clear(err);
    if (dst == NULL || src == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL argument");
    eventc_ce_init(&tmp, alloc);
    tmp.specversion = NULL;
    for (int a = A_SPECVERSION; a <= A_DATASCHEMA && st == EVENTC_OK; a++) {
        const char *v = core_value(src, (core_attr)a);
        if (v == NULL)
            continue;
        const char *c = ce_event_dup(&tmp, v, strlen(v));
        if (c == NULL)
            st = EVENTC_E_NOMEM;
        else
            *core_field(&tmp, (core_attr)a) = c;
    }
    tmp.has_time = src->has_time;
    tmp.time = src->time;
    for (size_t i = 0; i < src->n_exts && st == EVENTC_OK; i++)
        st = ce_event_put_ext(&tmp, src->exts[i].name, strlen(src->exts[i].name),
                              &src->exts[i].value, NULL);
    if (st == EVENTC_OK && src->data_kind != EVENTC_CE_DATA_NONE)
        st = put_data(&tmp, src->data_kind, src->data ? src->data : "", src->data_len, NULL);
    tmp.warnings = src->warnings;
    if (st != EVENTC_OK) {
        release_arena(&tmp);
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    if (dst->arena_ != NULL) {
        eventc_arena_free(dst->arena_);
        eventc_free(dst->alloc_, dst->arena_, sizeof(*dst->arena_));
    }
    *dst = tmp;
    return EVENTC_OK;
}

static bool str_eq(const char *a, const char *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    return strcmp(a, b) == 0;
}

static bool value_eq(const eventc_ce_value *a, const eventc_ce_value *b)
{
    eventc_buf x, y;
    bool eq;
    if (a->type == b->type) {
        switch (a->type) {
        case EVENTC_CE_INTEGER:
            return a->integer == b->integer;
        case EVENTC_CE_BOOLEAN:
            return a->boolean == b->boolean;
        case EVENTC_CE_TIMESTAMP:
            return eventc_timestamp_compare(a->timestamp, b->timestamp) == 0;
        default:
            return a->len == b->len && (a->len == 0 || memcmp(a->str, b->str, a->len) == 0);
        }
    }
    eventc_buf_init(&x, NULL);
    eventc_buf_init(&y, NULL);
    eq = eventc_ce_value_to_string(a, &x) == EVENTC_OK &&
         eventc_ce_value_to_string(b, &y) == EVENTC_OK && x.len == y.len &&
         (x.len == 0 || memcmp(x.data, y.data, x.len) == 0);
    eventc_buf_free(&x);
    eventc_buf_free(&y);
    return eq;
}

int eventc_ce_equal(const eventc_ce_event *a, const eventc_ce_event *b)
{
    if (a == NULL || b == NULL)
        return a == b;
    for (int k = A_SPECVERSION; k <= A_DATASCHEMA; k++) {
        if (!str_eq(core_value(a, (core_attr)k), core_value(b, (core_attr)k)))
            return 0;
    }
    if (a->has_time != b->has_time ||
        (a->has_time && eventc_timestamp_compare(a->time, b->time) != 0))
        return 0;
    if (a->n_exts != b->n_exts)
        return 0;
    for (size_t i = 0; i < a->n_exts; i++) {
        const eventc_ce_value *other = eventc_ce_get_ext(b, a->exts[i].name);
        if (other == NULL || !value_eq(&a->exts[i].value, other))
            return 0;
    }
    bool a_json = a->data_kind == EVENTC_CE_DATA_JSON, b_json = b->data_kind == EVENTC_CE_DATA_JSON;
    if ((a->data_kind == EVENTC_CE_DATA_NONE) != (b->data_kind == EVENTC_CE_DATA_NONE) ||
        a_json != b_json || a->data_len != b->data_len)
        return 0;
    if (a->data_len > 0 && memcmp(a->data, b->data, a->data_len) != 0)
        return 0;
    return 1;
}

/* ---- batches ---- */

void eventc_ce_batch_init(eventc_ce_batch *b, const eventc_allocator *alloc)
{
    memset(b, 0, sizeof(*b));
    b->alloc_ = alloc;
}

eventc_ce_event *eventc_ce_batch_add(eventc_ce_batch *b)
{
    if (b == NULL)
        return NULL;
    if (b->n_events == b->cap_) {
        size_t cap = b->cap_ < 4 ? 4 : b->cap_ * 2;
        if (cap > SIZE_MAX / sizeof(eventc_ce_event))
            return NULL;
        eventc_ce_event *bigger = eventc_realloc(
            b->alloc_, b->events, b->cap_ * sizeof(eventc_ce_event), cap * sizeof(eventc_ce_event));
        if (bigger == NULL)
            return NULL;
        b->events = bigger;
        b->cap_ = cap;
    }
    eventc_ce_event *ev = &b->events[b->n_events++];
    eventc_ce_init(ev, b->alloc_);
    return ev;
}

void eventc_ce_batch_clear(eventc_ce_batch *b)
{
    if (b == NULL)
        return;
    for (size_t i = 0; i < b->n_events; i++)
        eventc_ce_clear(&b->events[i]);
    eventc_free(b->alloc_, b->events, b->cap_ * sizeof(eventc_ce_event));
    eventc_ce_batch_init(b, b->alloc_);
}
