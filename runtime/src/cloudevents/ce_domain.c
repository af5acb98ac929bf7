/* Catalog events as CloudEvents (eventc/ce_domain.h). Both directions reuse the catalog codec
 * rather than restating its rules: a domain event becomes attributes plus the codec's JSON of its
 * own fields; a CloudEvent becomes one JSON document (the envelope rebuilt from the attributes,
 * then the members of data) that the codec decodes, so every catalog rule and limit applies and
 * error paths only need renaming. */
#include "ce_internal.h"
#include "eventc/ce_domain.h"

#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

/* The extension that carries the partition key (Kafka's record key): the value of the event's
 * routing key field, by default the aggregate id. */
#define PARTITIONKEY "partitionkey"

static const eventc_ce_event_map *event_of(const eventc_ce_mapping *map, int kind)
{
    if (map == NULL || kind < 1 || (size_t)kind > map->n_events)
        return NULL;
    const eventc_ce_event_map *em = &map->events[kind - 1];
    if (em->entry == NULL || em->entry->desc == NULL || em->entry->kind != kind)
        return NULL;
    return em;
}

/* Releases what the event union at `base` holds and zeroes it (kind 0). A generated mapping
 * lists the catalog's event table in order: the union's arena is then found whatever its kind
 * says (eventc_clear_any), so an event built into a member without setting the kind goes too. */
static void release_union(const eventc_ce_mapping *map, int *kind, unsigned char *base)
{
    const eventc_event_entry *table = map && map->n_events ? map->events[0].entry : NULL;
    for (size_t i = 1; table != NULL && i < map->n_events; i++)
        if (map->events[i].entry != table + i)
            table = NULL;
    if (table != NULL) {
        eventc_clear_any(table, map->n_events, kind, base);
        return;
    }
    const eventc_ce_event_map *held = event_of(map, *kind);
    if (held != NULL)
        eventc_clear(held->entry->desc, base + held->entry->union_offset);
    *kind = 0;
}

/* True when the descriptor starts with the mapping's envelope fields, in order. */
static bool fits(const eventc_ce_mapping *map, const eventc_type_desc *d)
{
    if (d->n_fields < map->n_envelope)
        return false;
    for (size_t i = 0; i < map->n_envelope; i++)
        if (map->envelope[i].field == NULL ||
            strcmp(d->fields[i].name, map->envelope[i].field) != 0)
            return false;
    return true;
}

int eventc_ce_mapping_find(const eventc_ce_mapping *map, const char *type)
{
    if (map == NULL || type == NULL)
        return 0;
    for (size_t i = 0; i < map->n_events; i++)
        if (map->events[i].type != NULL && strcmp(map->events[i].type, type) == 0)
            return (int)i + 1;
    return 0;
}

/* ---- reading and writing members of generated structs (codec.h's storage table) ---- */

static const char *get_ptr(const void *value, size_t offset)
{
    const char *p;
    memcpy(&p, (const char *)value + offset, sizeof p);
    return p;
}

static bool field_present(const eventc_field_desc *f, const void *value)
{
    switch (f->value->type) {
    case EVENTC_FT_STRING:
    case EVENTC_FT_JSON:
    case EVENTC_FT_ARRAY:
        return get_ptr(value, f->offset) != NULL;
    default:
        if (f->aux_offset == SIZE_MAX)
            return true;
        bool has;
        memcpy(&has, (const char *)value + f->aux_offset, sizeof has);
        return has;
    }
}

/* The attribute name an error should mention for envelope field i. */
static const char *attribute_of(const eventc_ce_field_map *fm)
{
    return fm->attribute != NULL ? fm->attribute : "type";
}

/* ---- domain event -> CloudEvent ---- */

/* Rewrites a setter's error (path: the attribute) to point at the domain field. */
static eventc_status at_field(eventc_error *err, eventc_status st, const char *field,
                              const char *attribute)
{
    if (err == NULL)
        return st;
    char path[EVENTC_ERROR_PATH_MAX];
    snprintf(path, sizeof path, "$.%s", field);
    return eventc_error_set(err, st, path, "cannot be the CloudEvents attribute %s: %s", attribute,
                            err->message);
}

/* Writes field f alone with the codec and keeps the JSON text of its value. */
static eventc_status field_json(const eventc_type_desc *d, const eventc_field_desc *f,
                                const void *event, eventc_buf *buf, const char **text, size_t *len,
                                eventc_error *err)
{
    eventc_type_desc one = *d;
    one.fields = f;
    one.n_fields = 1;
    eventc_buf_reset(buf);
    eventc_status st = eventc_encode_ex(&one, event, buf, EVENTC_ENCODE_TRUSTED, err);
    if (st != EVENTC_OK)
        return st;
    /* `{"name":VALUE}`: the name is a plain catalog name, so its JSON spelling has no escape. */
    size_t head = 2 + f->name_len + 2;
    if (buf->len < head + 2)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "unexpected encoding");
    *text = buf->data + head;
    *len = buf->len - head - 1;
    return EVENTC_OK;
}

static eventc_status put_extension(eventc_ce_event *out, const eventc_type_desc *d,
                                   const eventc_field_desc *f, const char *name, const void *event,
                                   eventc_buf *scratch, eventc_error *err)
{
    const char *p = (const char *)event + f->offset;
    eventc_ce_value v;
    memset(&v, 0, sizeof v);
    switch (f->value->type) {
    case EVENTC_FT_STRING:
        v.type = EVENTC_CE_STRING;
        v.str = get_ptr(event, f->offset);
        v.len = strlen(v.str);
        break;
    case EVENTC_FT_ENUM: {
        int i;
        memcpy(&i, p, sizeof i);
        const eventc_enum_desc *e = f->value->enum_desc;
        if (e == NULL || i < 0 || (unsigned)i >= e->count)
            return eventc_error_set(err, EVENTC_E_ENUM, NULL, "enum value %d out of range", i);
        v.type = EVENTC_CE_STRING;
        v.str = e->names[i];
        v.len = e->lens[i];
        break;
    }
    case EVENTC_FT_INT64: {
        int64_t i;
        memcpy(&i, p, sizeof i);
        if (i < INT32_MIN || i > INT32_MAX)
            return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                                    "%" PRId64 " does not fit a CloudEvents Integer "
                                    "(-2147483648 to 2147483647)",
                                    i);
        v.type = EVENTC_CE_INTEGER;
        v.integer = (int32_t)i;
        break;
    }
    case EVENTC_FT_BOOL:
        v.type = EVENTC_CE_BOOLEAN;
        memcpy(&v.boolean, p, sizeof v.boolean);
        break;
    case EVENTC_FT_TIMESTAMP:
        v.type = EVENTC_CE_TIMESTAMP;
        memcpy(&v.timestamp, p, sizeof v.timestamp);
        break;
    default: {
        /* Numbers, JSON, arrays, objects: no CloudEvents type holds them; their JSON text does. */
        eventc_status st = field_json(d, f, event, scratch, &v.str, &v.len, err);
        if (st != EVENTC_OK)
            return st;
        v.type = EVENTC_CE_STRING;
        break;
    }
    }
    return eventc_ce_set_ext(out, name, &v, err);
}

/* The partition key: the string field em->key_field (required, so set in a valid event), else
 * the subject. */
static eventc_status put_partitionkey(const eventc_ce_event_map *em, const eventc_type_desc *d,
                                      const void *event, eventc_ce_event *out, eventc_error *err)
{
    const char *key = out->subject;
    if (em->key_field != NULL) {
        const eventc_field_desc *f = NULL;
        for (size_t i = 0; i < d->n_fields && f == NULL; i++)
            if (strcmp(d->fields[i].name, em->key_field) == 0)
                f = &d->fields[i];
        if (f == NULL || f->value->type != EVENTC_FT_STRING)
            return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                    "the routing key %s is no string field of %s", em->key_field,
                                    d->name);
        key = get_ptr(event, f->offset);
    }
    if (key == NULL)
        return EVENTC_OK;
    eventc_status st = eventc_ce_set_ext_string(out, PARTITIONKEY, key, err);
    if (st != EVENTC_OK && st != EVENTC_E_NOMEM && em->key_field != NULL)
        st = at_field(err, st, em->key_field, PARTITIONKEY);
    return st;
}

static eventc_status envelope_to_attributes(const eventc_ce_mapping *map,
                                            const eventc_ce_event_map *em,
                                            const eventc_type_desc *d, const void *event,
                                            eventc_ce_event *out, eventc_buf *scratch,
                                            eventc_error *err)
{
    eventc_status st = EVENTC_OK;
    for (size_t i = 0; i < map->n_envelope && st == EVENTC_OK; i++) {
        const eventc_field_desc *f = &d->fields[i];
        const eventc_ce_field_map *fm = &map->envelope[i];
        if (!field_present(f, event))
            continue;
        switch (fm->slot) {
        case EVENTC_CE_SLOT_EVENT_NAME:
        case EVENTC_CE_SLOT_AGGREGATE_TYPE:
            continue; /* validated as the event's constants; the type says them */
        case EVENTC_CE_SLOT_ID:
            st = f->value->type == EVENTC_FT_STRING
                     ? eventc_ce_set_id(out, get_ptr(event, f->offset), err)
                     : eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "not a string");
            break;
        case EVENTC_CE_SLOT_SUBJECT:
            if (f->value->type != EVENTC_FT_STRING) {
                st = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "not a string");
                break;
            }
            st = eventc_ce_set_subject(out, get_ptr(event, f->offset), err);
            break;
        case EVENTC_CE_SLOT_TIME: {
            eventc_timestamp t;
            if (f->value->type != EVENTC_FT_TIMESTAMP) {
                st = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "not a timestamp");
                break;
            }
            memcpy(&t, (const char *)event + f->offset, sizeof t);
            st = eventc_ce_set_time(out, t, err);
            break;
        }
        case EVENTC_CE_SLOT_EXTENSION:
            if (fm->attribute == NULL) {
                st = eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no attribute name");
                break;
            }
            st = put_extension(out, d, f, fm->attribute, event, scratch, err);
            break;
        }
        if (st != EVENTC_OK && st != EVENTC_E_NOMEM)
            st = at_field(err, st, f->name, attribute_of(fm));
    }
    /* Last, so that the mapped extensions keep the envelope's order before it. */
    if (st == EVENTC_OK)
        st = put_partitionkey(em, d, event, out, err);
    return st;
}

eventc_status eventc_ce_from_domain(const eventc_ce_mapping *map, int kind, const void *event,
                                    eventc_ce_event *out, eventc_error *err)
{
    eventc_error_clear(err);
    if (out == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL CloudEvent");
    eventc_ce_clear(out);
    const eventc_ce_event_map *em = event_of(map, kind);
    if (em == NULL || event == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "no event, or kind %d is not an event of the catalog", kind);
    const eventc_type_desc *d = em->entry->desc;
    if (!fits(map, d))
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "the CloudEvents mapping does not fit the descriptor of %s",
                                d->name);
    eventc_status st = eventc_validate(d, event, err);
    if (st != EVENTC_OK)
        return st;

    eventc_buf buf;
    eventc_buf_init(&buf, out->alloc_);
    st = eventc_ce_set_source(out, map->source, err);
    if (st == EVENTC_OK)
        st = eventc_ce_set_type(out, em->type, err);
    if (st == EVENTC_OK)
        st = envelope_to_attributes(map, em, d, event, out, &buf, err);
    if (st == EVENTC_OK)
        st = eventc_ce_set_datacontenttype(out, "application/json", err);
    if (st == EVENTC_OK && em->dataschema != NULL)
        st = eventc_ce_set_dataschema(out, em->dataschema, err);
    if (st == EVENTC_OK) {
        /* The event's own fields follow the envelope's in the descriptor: a descriptor of just
         * those writes data. The whole event was validated above. */
        eventc_type_desc own = *d;
        own.fields = d->fields + map->n_envelope;
        own.n_fields = d->n_fields - map->n_envelope;
        eventc_buf_reset(&buf);
        st = eventc_encode_ex(&own, event, &buf, EVENTC_ENCODE_TRUSTED, err);
        if (st == EVENTC_OK)
            st = eventc_ce_set_data_json(out, buf.data, buf.len, err);
    }
    eventc_buf_free(&buf);
    if (st == EVENTC_OK)
        st = eventc_ce_validate(out, err);
    if (st != EVENTC_OK)
        eventc_ce_clear(out);
    return st;
}

/* ---- CloudEvent -> domain event ---- */

/* Finds an envelope field among the top-level members of data (minified JSON, valid). */
static eventc_status envelope_in_data(const eventc_ce_mapping *map, const eventc_ce_event *ce,
                                      const eventc_allocator *alloc, eventc_error *err)
{
    /* The data was checked when it was set, under whatever limits the caller chose: none
     * applies again here. */
    eventc_limits lim;
    lim.max_input = ce->data_len;
    lim.max_depth = UINT_MAX;
    lim.max_string = ce->data_len;
    lim.max_items = ce->data_len;
    json_reader j;
    eventc_error scratch_err;
    json_reader_init(&j, ce->data, ce->data_len, &lim, alloc, &scratch_err);
    eventc_status st = EVENTC_OK;
    j.p++; /* '{' */
    j.depth = 1;
    while (st == EVENTC_OK && j.p < j.end && *j.p == '"') {
        st = json_read_string(&j, lim.max_string, NULL);
        if (st != EVENTC_OK)
            break;
        const char *key = j.scratch.data;
        for (size_t i = 0; i < map->n_envelope; i++) {
            const eventc_ce_field_map *fm = &map->envelope[i];
            if (j.scratch.len != strlen(fm->field) || memcmp(key, fm->field, j.scratch.len) != 0)
                continue;
            char path[EVENTC_ERROR_PATH_MAX];
            snprintf(path, sizeof path, "data.%s", fm->field);
            if (fm->slot == EVENTC_CE_SLOT_EXTENSION)
                st = eventc_error_set(err, EVENTC_E_CLOUDEVENTS, path,
                                      "the envelope field %s must not be in data: it travels as "
                                      "the extension attribute %s",
                                      fm->field, fm->attribute);
            else
                st = eventc_error_set(err, EVENTC_E_CLOUDEVENTS, path,
                                      "the envelope field %s must not be in data: it travels as "
                                      "the %s attribute",
                                      fm->field, attribute_of(fm));
            break;
        }
        if (st != EVENTC_OK)
            break;
        j.p++; /* ':' */
        if ((st = json_skip_value(&j)) != EVENTC_OK)
            break;
        if (j.p < j.end && *j.p == ',')
            j.p++;
    }
    if (st != EVENTC_OK && st != EVENTC_E_CLOUDEVENTS)
        st = eventc_error_set(err, st, "data", "%s", scratch_err.message);
    json_reader_free(&j);
    return st;
}

static eventc_status missing(eventc_error *err, const eventc_ce_field_map *fm)
{
    if (fm->slot == EVENTC_CE_SLOT_EXTENSION)
        return eventc_error_set(err, EVENTC_E_REQUIRED, fm->attribute,
                                "required extension attribute is missing (it carries the "
                                "envelope field %s)",
                                fm->field);
    return eventc_error_set(err, EVENTC_E_REQUIRED, fm->attribute,
                            "required attribute is missing (it carries the envelope field %s)",
                            fm->field);
}

/* Reports an extension whose value is not of the type its envelope field needs, quoting it. */
static eventc_status wrong_type(eventc_error *err, const eventc_ce_field_map *fm,
                                const eventc_ce_value *v, const char *want, eventc_buf *scratch)
{
    char quoted[80];
    eventc_buf_reset(scratch);
    if (eventc_ce_value_to_string(v, scratch) != EVENTC_OK || scratch->data == NULL)
        snprintf(quoted, sizeof quoted, "?");
    else
        ce_quote(quoted, sizeof quoted, scratch->data, scratch->len);
    return eventc_error_set(err, EVENTC_E_TYPE, fm->attribute,
                            "expected %s for the envelope field %s, got the %s %s", want, fm->field,
                            eventc_ce_type_name(v->type), quoted);
}

/* Appends the JSON value of extension fm for envelope field f. */
static eventc_status extension_json(const eventc_ce_event *ce, const eventc_field_desc *f,
                                    const eventc_ce_field_map *fm, const eventc_ce_value *v,
                                    eventc_buf *out, eventc_buf *scratch, eventc_error *err)
{
    eventc_status st;
    switch (f->value->type) {
    case EVENTC_FT_INT64: {
        int32_t i;
        if (eventc_ce_ext_integer(ce, fm->attribute, &i) != EVENTC_OK)
            return wrong_type(err, fm, v, "an Integer (-2147483648 to 2147483647)", scratch);
        return eventc_buf_append_int64(out, i);
    }
    case EVENTC_FT_BOOL: {
        bool b;
        if (eventc_ce_ext_boolean(ce, fm->attribute, &b) != EVENTC_OK)
            return wrong_type(err, fm, v, "a Boolean", scratch);
        return eventc_buf_append_str(out, b ? "true" : "false");
    }
    case EVENTC_FT_TIMESTAMP: {
        eventc_timestamp t;
        char text[EVENTC_TIMESTAMP_MAX];
        if (eventc_ce_ext_timestamp(ce, fm->attribute, &t) != EVENTC_OK)
            return wrong_type(err, fm, v, "a Timestamp (RFC 3339)", scratch);
        size_t n = eventc_timestamp_format(t, text);
        if (n == 0)
            return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, fm->attribute,
                                    "timestamp out of range");
        eventc_buf_putc(out, '"');
        eventc_buf_append(out, text, n);
        return eventc_buf_putc(out, '"');
    }
    default:
        break;
    }
    eventc_buf_reset(scratch);
    if ((st = eventc_ce_get_attr(ce, fm->attribute, scratch)) != EVENTC_OK)
        return eventc_error_set(err, st, fm->attribute, NULL);
    const char *s = scratch->data ? scratch->data : "";
    if (f->value->type == EVENTC_FT_STRING || f->value->type == EVENTC_FT_ENUM)
        return eventc_buf_append_json_string(out, s, scratch->len);
    /* The JSON text of a number, JSON value, array or object: exactly one JSON value, so that
     * nothing but that member can enter the document. */
    if (eventc_json_check(s, scratch->len) != EVENTC_OK)
        return wrong_type(err, fm, v, "the JSON text of a value", scratch);
    return eventc_buf_append(out, s, scratch->len);
}

/* Builds the JSON document of the domain event: the envelope from the attributes, then the
 * members of data. */
static eventc_status domain_json(const eventc_ce_mapping *map, const eventc_ce_event_map *em,
                                 const eventc_ce_event *ce, eventc_buf *out, eventc_buf *scratch,
                                 eventc_error *err)
{
    const eventc_type_desc *d = em->entry->desc;
    eventc_status st = EVENTC_OK;
    bool first = true;
    eventc_buf_putc(out, '{');
    for (size_t i = 0; i < map->n_envelope && st == EVENTC_OK; i++) {
        const eventc_field_desc *f = &d->fields[i];
        const eventc_ce_field_map *fm = &map->envelope[i];
        const char *text = NULL; /* a string value, or NULL */
        const eventc_ce_value *ext = NULL;
        char when[EVENTC_TIMESTAMP_MAX];
        bool present = true;
        switch (fm->slot) {
        case EVENTC_CE_SLOT_EVENT_NAME:
            text = em->entry->name;
            break;
        case EVENTC_CE_SLOT_AGGREGATE_TYPE:
            text = em->entry->aggregate;
            break;
        case EVENTC_CE_SLOT_ID:
            text = ce->id;
            present = text != NULL;
            break;
        case EVENTC_CE_SLOT_SUBJECT:
            text = ce->subject;
            present = text != NULL;
            break;
        case EVENTC_CE_SLOT_TIME:
            present = ce->has_time;
            if (present && eventc_timestamp_format(ce->time, when) == 0)
                return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, "time",
                                        "timestamp out of range");
            text = when;
            break;
        case EVENTC_CE_SLOT_EXTENSION:
            ext = fm->attribute != NULL ? eventc_ce_get_ext(ce, fm->attribute) : NULL;
            present = ext != NULL;
            break;
        }
        if (!present) {
            if ((f->flags & EVENTC_FF_NULLABLE) && !(f->flags & EVENTC_FF_OPTIONAL))
                text = NULL; /* written as null below */
            else if (f->flags & EVENTC_FF_OPTIONAL)
                continue;
            else
                return missing(err, fm);
        }
        if (!first)
            eventc_buf_putc(out, ',');
        first = false;
        eventc_buf_putc(out, '"');
        eventc_buf_append(out, f->name, f->name_len);
        eventc_buf_append(out, "\":", 2);
        if (!present)
            st = eventc_buf_append_str(out, "null");
        else if (ext != NULL)
            st = extension_json(ce, f, fm, ext, out, scratch, err);
        else
            st = eventc_buf_append_json_string(out, text, strlen(text));
    }
    if (st != EVENTC_OK)
        return st;
    /* data is a minified object: `{}` or `{"m":...}`. */
    if (ce->data_len > 2) {
        if (!first)
            eventc_buf_putc(out, ',');
        eventc_buf_append(out, ce->data + 1, ce->data_len - 1);
    } else {
        eventc_buf_putc(out, '}');
    }
    return out->failed ? eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory") : EVENTC_OK;
}

/* Renames a codec error's path: `$.<envelope field>...` becomes the attribute that carries it,
 * `$.<member>...` becomes `data.<member>...`. */
static void domain_path(const eventc_ce_mapping *map, eventc_error *err)
{
    if (err == NULL)
        return;
    char path[EVENTC_ERROR_PATH_MAX];
    const char *p = err->path;
    err->offset = 0;
    if (p[0] != '$')
        return;
    if (p[1] == '.') {
        const char *name = p + 2;
        size_t n = strcspn(name, ".[");
        for (size_t i = 0; i < map->n_envelope; i++) {
            const eventc_ce_field_map *fm = &map->envelope[i];
            if (strlen(fm->field) == n && memcmp(fm->field, name, n) == 0) {
                snprintf(path, sizeof path, "%s%s", attribute_of(fm), name + n);
                snprintf(err->path, sizeof err->path, "%s", path);
                return;
            }
        }
    }
    snprintf(path, sizeof path, "data%s", p + 1);
    snprintf(err->path, sizeof err->path, "%s", path);
}

/* Checks the CloudEvent and its data, then builds the document to decode. */
static eventc_status prepare(const eventc_ce_mapping *map, const eventc_ce_event_map *em,
                             const eventc_ce_event *ce, const eventc_decode_options *opts,
                             eventc_buf *doc, eventc_error *err)
{
    eventc_status st;
    if (em->dataschema != NULL && ce->dataschema != NULL &&
        strcmp(ce->dataschema, em->dataschema) != 0)
        return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, "dataschema",
                                "not the schema of %s (%s)", em->entry->name, em->dataschema);
    switch (ce->data_kind) {
    case EVENTC_CE_DATA_NONE:
        return eventc_error_set(err, EVENTC_E_REQUIRED, "data",
                                "no data: it must hold the fields of %s", em->entry->name);
    case EVENTC_CE_DATA_TEXT:
    case EVENTC_CE_DATA_BINARY:
        return eventc_error_set(err, EVENTC_E_TYPE, "data",
                                "expected JSON data (the fields of %s), got %s", em->entry->name,
                                ce->data_kind == EVENTC_CE_DATA_TEXT ? "text" : "bytes");
    case EVENTC_CE_DATA_JSON:
        break;
    }
    if (ce->data_len == 0 || ce->data[0] != '{') {
        const char *what = "a number";
        char c = ce->data_len ? ce->data[0] : '\0';
        if (c == '[')
            what = "an array";
        else if (c == '"')
            what = "a string";
        else if (c == 't' || c == 'f')
            what = "a boolean";
        else if (c == 'n')
            what = "null";
        return eventc_error_set(err, EVENTC_E_TYPE, "data",
                                "expected a JSON object with the fields of %s, got %s",
                                em->entry->name, what);
    }
    if ((st = envelope_in_data(map, ce, opts ? opts->alloc : NULL, err)) != EVENTC_OK)
        return st;
    eventc_buf scratch;
    eventc_buf_init(&scratch, opts ? opts->alloc : NULL);
    st = domain_json(map, em, ce, doc, &scratch, err);
    eventc_buf_free(&scratch);
    return st;
}

/* Everything both decoders check first: arguments, the CloudEvent, and its type. */
static eventc_status find_event(const eventc_ce_mapping *map, const eventc_ce_event *ce,
                                const eventc_ce_event_map **em, eventc_error *err)
{
    if (map == NULL || ce == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL argument");
    eventc_status st = eventc_ce_validate(ce, err);
    if (st != EVENTC_OK)
        return st;
    int kind = eventc_ce_mapping_find(map, ce->type);
    *em = event_of(map, kind);
    if (*em == NULL) {
        char quoted[96];
        ce_quote(quoted, sizeof quoted, ce->type, strlen(ce->type));
        return eventc_error_set(err, EVENTC_E_ENUM, "type",
                                "unknown event type %s: no event of the catalog has it", quoted);
    }
    if (!fits(map, (*em)->entry->desc))
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "the CloudEvents mapping does not fit the descriptor of %s",
                                (*em)->entry->name);
    return EVENTC_OK;
}

static const eventc_decode_options *options(const eventc_decode_options *opts,
                                            eventc_decode_options *defaults)
{
    if (opts != NULL)
        return opts;
    *defaults = eventc_decode_options_default();
    return defaults;
}

eventc_status eventc_ce_to_domain(const eventc_ce_mapping *map, const eventc_ce_event *ce,
                                  int *kind, void *value, const eventc_decode_options *opts,
                                  eventc_error *err)
{
    eventc_error_clear(err);
    if (kind == NULL || value == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL event");
    eventc_decode_options defaults;
    opts = options(opts, &defaults);
    unsigned char *base = value;
    const eventc_ce_event_map *old = event_of(map, *kind), *em = NULL;
    eventc_buf doc;
    eventc_buf_init(&doc, opts->alloc);
    eventc_status st = find_event(map, ce, &em, err);
    if (st == EVENTC_OK)
        st = prepare(map, em, ce, opts, &doc, err);
    if (st == EVENTC_OK) {
        const eventc_event_entry *e = em->entry;
        if (old != em) {
            /* Another kind (or none) was held: release it, and start the new member from
             * zero bytes, as the codec expects. */
            release_union(map, kind, base);
            memset(base + e->union_offset, 0, e->desc->size);
        }
        st = eventc_decode(e->desc, base + e->union_offset, doc.data, doc.len, opts, err);
        if (st == EVENTC_OK)
            *kind = e->kind;
        else
            domain_path(map, err);
    }
    eventc_buf_free(&doc);
    if (st != EVENTC_OK) /* what an early failure left (the codec clears what it decoded) */
        release_union(map, kind, base);
    return st;
}

eventc_status eventc_ce_to_domain_event(const eventc_ce_mapping *map, int kind,
                                        const eventc_ce_event *ce, void *event,
                                        const eventc_decode_options *opts, eventc_error *err)
{
    eventc_error_clear(err);
    const eventc_ce_event_map *want = event_of(map, kind), *em = NULL;
    if (want == NULL || event == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL,
                                "no event, or kind %d is not an event of the catalog", kind);
    eventc_decode_options defaults;
    opts = options(opts, &defaults);
    eventc_buf doc;
    eventc_buf_init(&doc, opts->alloc);
    eventc_status st = find_event(map, ce, &em, err);
    if (st == EVENTC_E_ENUM || (st == EVENTC_OK && em != want)) {
        char quoted[96];
        ce_quote(quoted, sizeof quoted, ce->type, strlen(ce->type));
        st = eventc_error_set(err, EVENTC_E_CLOUDEVENTS, "type", "expected %s (%s), got %s",
                              want->type, want->entry->name, quoted);
    }
    if (st == EVENTC_OK)
        st = prepare(map, em, ce, opts, &doc, err);
    if (st == EVENTC_OK) {
        st = eventc_decode(em->entry->desc, event, doc.data, doc.len, opts, err);
        if (st != EVENTC_OK)
            domain_path(map, err);
    } else {
        eventc_clear(want->entry->desc, event);
    }
    eventc_buf_free(&doc);
    return st;
}
