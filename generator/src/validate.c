#include "validate.h"

#include <eventc/eventc.h>
#include <eventc/regex.h>

#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct vctx {
    const gen_model *m;
    gen_violation_fn report;
    void *ctx;
    size_t count;
    char path[512];
} vctx;

static void violation(vctx *v, eventc_status rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void violation(vctx *v, eventc_status rule, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    v->count++;
    v->report(v->ctx, v->path, eventc_status_code(rule), msg);
}

static bool ident_like(const char *k)
{
    if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || *k == '_'))
        return false;
    for (; *k; k++)
        if (!((*k >= 'a' && *k <= 'z') || (*k >= 'A' && *k <= 'Z') || *k == '_' ||
              (*k >= '0' && *k <= '9')))
            return false;
    return true;
}

/* Appends `.key` (or `["key"]`) to the path; returns the old length to restore. */
static size_t path_push_key(vctx *v, const char *key)
{
    size_t old = strlen(v->path);
    if (ident_like(key))
        snprintf(v->path + old, sizeof(v->path) - old, ".%s", key);
    else
        snprintf(v->path + old, sizeof(v->path) - old, "[\"%s\"]", key);
    return old;
}

static size_t path_push_index(vctx *v, size_t i)
{
    size_t old = strlen(v->path);
    snprintf(v->path + old, sizeof(v->path) - old, "[%zu]", i);
    return old;
}

static const char *json_kind(json_object *j)
{
    switch (json_object_get_type(j)) {
    case json_type_null:
        return "null";
    case json_type_boolean:
        return "a boolean";
    case json_type_double:
    case json_type_int:
        return "a number";
    case json_type_string:
        return "a string";
    case json_type_array:
        return "an array";
    case json_type_object:
        return "an object";
    }
    return "a value";
}

static void check_fields(vctx *v, const gen_field *fields, size_t n, json_object *obj);

/* Integer rule: a JSON number with an integral value within int64 (1.0 and 1e2 are integers, as
 * in JSON Schema). */
static bool integer_value(json_object *j, int64_t *out)
{
    if (json_object_is_type(j, json_type_int)) {
        *out = json_object_get_int64(j);
        return true;
    }
    if (json_object_is_type(j, json_type_double)) {
        double d = json_object_get_double(j);
        if (isfinite(d) && d == floor(d) && d >= -9223372036854775808.0 &&
            d < 9223372036854775808.0) {
            *out = (int64_t)d;
            return true;
        }
    }
    return false;
}

static bool scalar_equal(const gen_typeref *t, json_object *a, json_object *b)
{
    switch (t->kind) {
    case GEN_T_STRING:
    case GEN_T_ENUM:
        return json_object_get_string_len(a) == json_object_get_string_len(b) &&
               memcmp(json_object_get_string(a), json_object_get_string(b),
                      (size_t)json_object_get_string_len(a)) == 0;
    case GEN_T_INTEGER: {
        int64_t x = 0, y = 0;
        integer_value(a, &x);
        integer_value(b, &y);
        return x == y;
    }
    case GEN_T_NUMBER:
        return json_object_get_double(a) == json_object_get_double(b);
    case GEN_T_BOOLEAN:
        return json_object_get_boolean(a) == json_object_get_boolean(b);
    default:
        return false;
    }
}

static void check_value(vctx *v, const gen_typeref *t, json_object *j)
{
    switch (t->kind) {
    case GEN_T_STRING:
    case GEN_T_TIMESTAMP:
    case GEN_T_ENUM: {
        if (!json_object_is_type(j, json_type_string)) {
            violation(v, EVENTC_E_TYPE, "expected a string, got %s", json_kind(j));
            return;
        }
        const char *s = json_object_get_string(j);
        size_t len = (size_t)json_object_get_string_len(j);
        if (!eventc_utf8_check(s, len, NULL)) {
            violation(v, EVENTC_E_UTF8, "string is not valid UTF-8");
            return;
        }
        if (t->kind == GEN_T_TIMESTAMP) {
            eventc_timestamp ts;
            if (eventc_timestamp_parse(s, len, &ts) != EVENTC_OK)
                violation(v, EVENTC_E_TIMESTAMP,
                          "'%s' is not an RFC 3339 UTC timestamp (YYYY-MM-DDTHH:MM:SS[.fraction]Z)",
                          s);
            return;
        }
        if (t->kind == GEN_T_ENUM) {
            const gen_type *e = t->named;
            for (size_t i = 0; i < e->n_values; i++)
                if (strlen(e->values[i].name) == len && memcmp(e->values[i].name, s, len) == 0)
                    return;
            char list[256] = "";
            for (size_t i = 0; i < e->n_values; i++) {
                size_t l = strlen(list);
                snprintf(list + l, sizeof(list) - l, "%s%s", i ? ", " : "", e->values[i].name);
            }
            violation(v, EVENTC_E_ENUM, "'%s' is not one of %s", s, list);
            return;
        }
        size_t chars = eventc_utf8_count(s, len);
        if (t->has_min_length && chars < t->min_length)
            violation(v, EVENTC_E_MIN_LENGTH, "string of %zu characters is shorter than %llu",
                      chars, (unsigned long long)t->min_length);
        if (t->has_max_length && chars > t->max_length)
            violation(v, EVENTC_E_MAX_LENGTH, "string of %zu characters is longer than %llu", chars,
                      (unsigned long long)t->max_length);
        if (t->pattern && eventc_regex_search(t->pattern, strlen(t->pattern), s, len) == 0)
            violation(v, EVENTC_E_PATTERN, "'%s' does not match the pattern '%s'", s, t->pattern);
        return;
    }
    case GEN_T_INTEGER: {
        int64_t x;
        if (!json_object_is_type(j, json_type_int) && !json_object_is_type(j, json_type_double)) {
            violation(v, EVENTC_E_TYPE, "expected an integer, got %s", json_kind(j));
            return;
        }
        if (!integer_value(j, &x)) {
            violation(v, EVENTC_E_TYPE, "expected an integer, got %s", json_object_get_string(j));
            return;
        }
        if (t->has_minimum && x < t->imin)
            violation(v, EVENTC_E_MINIMUM, "%lld is less than the minimum %lld", (long long)x,
                      (long long)t->imin);
        if (t->has_maximum && x > t->imax)
            violation(v, EVENTC_E_MAXIMUM, "%lld is greater than the maximum %lld", (long long)x,
                      (long long)t->imax);
        return;
    }
    case GEN_T_NUMBER: {
        if (!json_object_is_type(j, json_type_int) && !json_object_is_type(j, json_type_double)) {
            violation(v, EVENTC_E_TYPE, "expected a number, got %s", json_kind(j));
            return;
        }
        double d = json_object_get_double(j);
        if (t->has_minimum && d < t->nmin)
            violation(v, EVENTC_E_MINIMUM, "%g is less than the minimum %g", d, t->nmin);
        if (t->has_maximum && d > t->nmax)
            violation(v, EVENTC_E_MAXIMUM, "%g is greater than the maximum %g", d, t->nmax);
        if (t->has_exclusive_minimum && d <= t->nexmin)
            violation(v, EVENTC_E_EXCLUSIVE_MINIMUM, "%g is not greater than %g", d, t->nexmin);
        if (t->has_exclusive_maximum && d >= t->nexmax)
            violation(v, EVENTC_E_EXCLUSIVE_MAXIMUM, "%g is not less than %g", d, t->nexmax);
        return;
    }
    case GEN_T_BOOLEAN:
        if (!json_object_is_type(j, json_type_boolean))
            violation(v, EVENTC_E_TYPE, "expected a boolean, got %s", json_kind(j));
        return;
    case GEN_T_JSON:
        return;
    case GEN_T_OBJECT:
        if (!json_object_is_type(j, json_type_object)) {
            violation(v, EVENTC_E_TYPE, "expected an object, got %s", json_kind(j));
            return;
        }
        check_fields(v, t->named->fields, t->named->n_fields, j);
        return;
    case GEN_T_ARRAY: {
        if (!json_object_is_type(j, json_type_array)) {
            violation(v, EVENTC_E_TYPE, "expected an array, got %s", json_kind(j));
            return;
        }
        size_t n = json_object_array_length(j);
        if (t->has_min_items && n < t->min_items)
            violation(v, EVENTC_E_MIN_ITEMS, "array of %zu items has fewer than %llu", n,
                      (unsigned long long)t->min_items);
        if (t->has_max_items && n > t->max_items)
            violation(v, EVENTC_E_MAX_ITEMS, "array of %zu items has more than %llu", n,
                      (unsigned long long)t->max_items);
        for (size_t i = 0; i < n; i++) {
            json_object *item = json_object_array_get_idx(j, i);
            size_t old = path_push_index(v, i);
            if (item == NULL)
                violation(v, EVENTC_E_NULL_VALUE, "null is not allowed here");
            else
                check_value(v, t->items, item);
            if (t->unique && item) {
                for (size_t k = 0; k < i; k++) {
                    json_object *prev = json_object_array_get_idx(j, k);
                    if (prev && json_object_get_type(prev) == json_object_get_type(item) &&
                        scalar_equal(t->items, prev, item)) {
                        violation(v, EVENTC_E_UNIQUE, "duplicate of item %zu", k);
                        break;
                    }
                }
            }
            v->path[old] = '\0';
        }
        return;
    }
    case GEN_T_UNRESOLVED:
        return;
    }
}

static void check_field(vctx *v, const gen_field *f, json_object *obj)
{
    json_object *val = NULL;
    bool present = json_object_object_get_ex(obj, f->name, &val);
    size_t old = path_push_key(v, f->name);
    if (present && val == NULL && !f->nullable)
        violation(v, EVENTC_E_NULL_VALUE, "null is not allowed here");
    else if ((!present || val == NULL) && !f->optional && !(present && f->nullable))
        violation(v, EVENTC_E_REQUIRED, "required field '%s' is missing", f->name);
    else if (val != NULL)
        check_value(v, &f->type, val);
    v->path[old] = '\0';
}

static void check_fields(vctx *v, const gen_field *fields, size_t n, json_object *obj)
{
    for (size_t i = 0; i < n; i++)
        check_field(v, &fields[i], obj);
    if (v->m->additional_properties)
        return;
    json_object_object_foreach(obj, key, val)
    {
        (void)val;
        bool known = false;
        for (size_t i = 0; i < n && !known; i++)
            known = strcmp(fields[i].name, key) == 0;
        if (!known) {
            size_t old = path_push_key(v, key);
            violation(v, EVENTC_E_UNKNOWN_FIELD, "unknown field '%s'", key);
            v->path[old] = '\0';
        }
    }
}

size_t gen_validate_event(const gen_model *m, const gen_event *e, json_object *doc,
                          gen_violation_fn report, void *ctx)
{
    vctx v = {.m = m, .report = report, .ctx = ctx, .path = "$"};
    if (!json_object_is_type(doc, json_type_object)) {
        violation(&v, EVENTC_E_TYPE, "expected an object, got %s", json_kind(doc));
        return v.count;
    }
    for (size_t i = 0; i < m->n_envelope; i++) {
        const gen_field *f = &m->envelope[i];
        check_field(&v, f, doc);
        json_object *val;
        if (!json_object_object_get_ex(doc, f->name, &val) ||
            !json_object_is_type(val, json_type_string))
            continue;
        const char *want = f->role == GEN_ROLE_EVENT_NAME       ? e->name
                           : f->role == GEN_ROLE_AGGREGATE_TYPE ? e->aggregate->name
                                                                : NULL;
        if (want && strcmp(json_object_get_string(val), want) != 0) {
            size_t old = path_push_key(&v, f->name);
            violation(&v, EVENTC_E_CONST, "'%s' is not '%s'", json_object_get_string(val), want);
            v.path[old] = '\0';
        }
    }
    /* Unknown fields are judged against envelope and event fields together. */
    for (size_t i = 0; i < e->n_fields; i++)
        check_field(&v, &e->fields[i], doc);
    if (!m->additional_properties) {
        json_object_object_foreach(doc, key, val)
        {
            (void)val;
            bool known = false;
            for (size_t i = 0; i < m->n_envelope && !known; i++)
                known = strcmp(m->envelope[i].name, key) == 0;
            for (size_t i = 0; i < e->n_fields && !known; i++)
                known = strcmp(e->fields[i].name, key) == 0;
            if (!known) {
                size_t old = path_push_key(&v, key);
                violation(&v, EVENTC_E_UNKNOWN_FIELD, "unknown field '%s'", key);
                v.path[old] = '\0';
            }
        }
    }
    return v.count;
}
