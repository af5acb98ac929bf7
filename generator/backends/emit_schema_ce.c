/* JSON Schemas of the catalog's CloudEvents. Built as json-c trees (their members keep insertion
 * order) and printed the way JSON.stringify(value, null, 2) prints, like the other schemas. The
 * value rules of every field live in the event's own schema and are referred to, not repeated;
 * what is added here are the CloudEvents rules of the attributes that carry them (the String
 * type of CloudEvents forbids control characters, Integer is 32 bits). */
#include "emit_schema_ce.h"
#include "schema_output.h"
#include "model/dyndesc.h"
#include "names/names.h"
#include "base/util.h"
#include "names/ce_names.h"

#include <eventc/ce_domain.h>

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

/* The CloudEvents String type: no control characters (U+0000-U+001F, U+007F-U+009F) and no
 * noncharacters of the Basic Multilingual Plane (those of the other planes would need a syntax
 * Python's `re` lacks; the converters refuse them all). */
static const char ce_string_pattern[] =
    "^[^\\u0000-\\u001F\\u007F-\\u009F\\uFDD0-\\uFDEF\\uFFFE\\uFFFF]*$";
/* A media type whose subtype is `json` or ends in `+json`, with `; name=value` parameters
 * (token or quoted-string values): the types for which the JSON format carries data as JSON. */
/* RFC 3339's date-time with `T` (some `date-time` formats also take a space): the calendar is
 * left to the format. */
static const char rfc3339_pattern[] = "^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}"
                                      "(?:\\.[0-9]+)?(?:[Zz]|[+-][0-9]{2}:[0-9]{2})$";
#define TCHAR "[-!#$%&'*+.^_`|~0-9A-Za-z]"
static const char json_media_pattern[] =
    "^" TCHAR "+/(?:" TCHAR "*\\+)?[Jj][Ss][Oo][Nn]"
    "(?:[ \\t]*;[ \\t]*" TCHAR "+=(?:" TCHAR "+"
    "|\"(?:[\\t\\x20\\x21\\x23-\\x5B\\x5D-\\x7E]|\\\\[\\t\\x20-\\x7E])*\"))*$";
#undef TCHAR

/* ---- building ---- */

static json_object *jcheck(json_object *o)
{
    if (!o) {
        fputs("eventc: error: out of memory\n", stderr);
        exit(1);
    }
    return o;
}

static json_object *jobj(void)
{
    return jcheck(json_object_new_object());
}

static void jset(json_object *o, const char *key, json_object *v)
{
    if (json_object_object_add(o, key, v) != 0)
        jcheck(NULL);
}

static json_object *jstr(const char *s)
{
    return jcheck(json_object_new_string(s));
}

static void jset_str(json_object *o, const char *key, const char *s)
{
    jset(o, key, jstr(s));
}

static void jpush(json_object *a, json_object *v)
{
    if (json_object_array_add(a, v) != 0)
        jcheck(NULL);
}

/* {"type": "string", ["minLength": 1,] "pattern": <CloudEvents String>}: core attributes must
 * not be empty, extensions may. */
static json_object *ce_string(const char *description, bool non_empty)
{
    json_object *s = jobj();
    if (description)
        jset_str(s, "description", description);
    jset_str(s, "type", "string");
    if (non_empty)
        jset(s, "minLength", jcheck(json_object_new_int(1)));
    jset_str(s, "pattern", ce_string_pattern);
    return s;
}

/* The field's own rules (a reference into the event's schema) and those of the CloudEvents type
 * that carries it. */
static json_object *carried(const char *description, const char *event_file, const char *field,
                            json_object *ce_rules)
{
    json_object *s = jobj();
    jset_str(s, "description", description);
    json_object *all = jcheck(json_object_new_array());
    json_object *ref = jobj();
    char *r = gen_format("../%s#/properties/%s", event_file, field);
    jset_str(ref, "$ref", r);
    free(r);
    jpush(all, ref);
    jpush(all, ce_rules);
    jset(s, "allOf", all);
    return s;
}

/* The CloudEvents rules of an extension for envelope field f. */
static json_object *extension_rules(const gen_field *f)
{
    json_object *s = jobj();
    switch (f->type.kind) {
    case GEN_T_INTEGER:
        jset_str(s, "type", "integer");
        jset(s, "minimum", jcheck(json_object_new_int64(INT32_MIN)));
        jset(s, "maximum", jcheck(json_object_new_int64(INT32_MAX)));
        return s;
    case GEN_T_BOOLEAN:
        jset_str(s, "type", "boolean");
        return s;
    case GEN_T_TIMESTAMP:
        jset_str(s, "type", "string");
        jset_str(s, "format", "date-time");
        return s;
    case GEN_T_STRING:
    case GEN_T_ENUM:
        json_object_put(s);
        return ce_string(NULL, false);
    default:
        /* The JSON text of the value, in a String. */
        json_object_put(s);
        return ce_string(NULL, false);
    }
}

static char *snake_file(const char *name, const char *suffix)
{
    char *snake = gen_snake(name);
    char *f = gen_format("%s%s", snake, suffix);
    free(snake);
    return f;
}

/* The catalog's examples of event e as CloudEvents in the JSON format. */
static int add_examples(gen_model *m, const eventc_ce_mapping *map, const gen_event *e,
                        json_object *schema)
{
    if (e->n_examples == 0)
        return 0;
    json_object *list = jcheck(json_object_new_array());
    jset(schema, "examples", list);
    const eventc_type_desc *desc = gen_event_desc(m, e);
    int rc = 0;
    for (size_t i = 0; i < e->n_examples && rc == 0; i++) {
        char *data = NULL;
        size_t len = 0;
        if (gen_read_file(e->examples[i].resolved, 1u << 20, &data, &len) != 0) {
            fprintf(stderr, "eventc: cannot read example '%s'\n", e->examples[i].resolved);
            return -1;
        }
        void *value = gen_xcalloc(1, desc->size);
        eventc_ce_event ce;
        eventc_buf buf;
        eventc_error err;
        eventc_ce_init(&ce, NULL);
        eventc_buf_init(&buf, NULL);
        eventc_status st = eventc_decode(desc, value, data, len, NULL, &err);
        if (st == EVENTC_OK)
            st = eventc_ce_from_domain(map, (int)e->index + 1, value, &ce, &err);
        if (st == EVENTC_OK)
            st = eventc_ce_to_json(&ce, &buf, &err);
        json_object *j = st == EVENTC_OK ? json_tokener_parse(eventc_buf_cstr(&buf)) : NULL;
        if (j) {
            jpush(list, j);
        } else {
            char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 32];
            eventc_error_format(&err, line, sizeof line);
            fprintf(stderr, "eventc: example '%s' cannot be a CloudEvent: %s\n",
                    e->examples[i].resolved, line);
            rc = -1;
        }
        eventc_buf_free(&buf);
        eventc_ce_clear(&ce);
        eventc_clear(desc, value);
        free(value);
        free(data);
    }
    return rc;
}

static json_object *event_schema(const gen_model *m, const gen_ce_names *names, size_t index,
                                 const gen_schema_options *o, const char *base, const char *file)
{
    const gen_event *e = m->events[index];
    char *event_file = snake_file(e->name, ".schema.json");
    json_object *s = jobj();
    jset_str(s, "$schema",
             o->draft == 2020 ? "https://json-schema.org/draft/2020-12/schema"
                              : "http://json-schema.org/draft-07/schema#");
    char *id = gen_format("%scloudevents/%s", base, file);
    jset_str(s, "$id", id);
    free(id);
    jset_str(s, "$comment", "Generated by eventc from the catalog; do not edit.");
    char *title = gen_format("%s as a CloudEvent", e->name);
    jset_str(s, "title", title);
    free(title);
    char *desc = gen_format(
        "%s%sThe %s event in the CloudEvents JSON format (structured content mode), as the "
        "generated converters write and read it: the envelope travels as attributes, data holds "
        "the event's own fields. Every CloudEvent valid here is valid under the official "
        "CloudEvents schema too.",
        e->summary ? e->summary : "", e->summary ? "\n\n" : "", e->name);
    jset_str(s, "description", desc);
    free(desc);
    jset_str(s, "type", "object");

    json_object *props = jobj(), *req = jcheck(json_object_new_array());
    json_object *p = jobj();
    jset_str(p, "description", "The CloudEvents version.");
    jset_str(p, "type", "string");
    jset_str(p, "const", "1.0");
    jset(props, "specversion", p);
    jpush(req, jstr("specversion"));
    p = jobj();
    jset_str(p, "description",
             "The producer: any URI-reference (the converters write the catalog's).");
    jset_str(p, "type", "string");
    jset(p, "minLength", jcheck(json_object_new_int(1)));
    jset_str(p, "format", "uri-reference");
    json_object *ex = jcheck(json_object_new_array());
    jpush(ex, jstr(m->ce_source ? m->ce_source : "/"));
    jset(p, "examples", ex);
    jset(props, "source", p);
    jpush(req, jstr("source"));
    p = jobj();
    jset_str(p, "description", "The event type; implies the event name and aggregate type.");
    jset_str(p, "type", "string");
    jset_str(p, "const", names->types[index]);
    jset(props, "type", p);
    jpush(req, jstr("type"));
    p = jobj();
    jset_str(p, "description", "A JSON media type, or absent (application/json).");
    json_object *t = jcheck(json_object_new_array());
    jpush(t, jstr("string"));
    jpush(t, jstr("null"));
    jset(p, "type", t);
    jset_str(p, "pattern", json_media_pattern);
    jset(props, "datacontenttype", p);
    p = jobj();
    jset_str(p, "description", "The event's JSON Schema, or absent.");
    json_object *en = jcheck(json_object_new_array());
    jpush(en, jstr(names->dataschemas[index]));
    jpush(en, NULL);
    jset(p, "enum", en);
    jset(props, "dataschema", p);

    /* The envelope, field by field, in catalog order. */
    for (size_t i = 0; i < m->n_envelope; i++) {
        const gen_field *f = &m->envelope[i];
        const eventc_ce_field_map *fm = &names->envelope[i];
        if (fm->slot == EVENTC_CE_SLOT_EVENT_NAME || fm->slot == EVENTC_CE_SLOT_AGGREGATE_TYPE)
            continue;
        if (fm->slot == EVENTC_CE_SLOT_TIME) {
            /* Any offset is accepted and the value becomes UTC, so the field's own rule (UTC
             * only) does not apply to the attribute: only the CloudEvents one does. */
            char *d = gen_format("The envelope field %s: an RFC 3339 date-time (the converters "
                                 "write UTC).",
                                 f->name);
            p = jobj();
            jset_str(p, "description", d);
            jset_str(p, "type", "string");
            jset_str(p, "format", "date-time");
            jset_str(p, "pattern", rfc3339_pattern);
            free(d);
        } else {
            char *d = fm->slot == EVENTC_CE_SLOT_EXTENSION
                          ? gen_format("Extension attribute: the envelope field %s.", f->name)
                          : gen_format("The envelope field %s.", f->name);
            p = carried(d, event_file, f->name,
                        fm->slot == EVENTC_CE_SLOT_EXTENSION ? extension_rules(f)
                                                             : ce_string(NULL, true));
            free(d);
        }
        jset(props, fm->attribute, p);
        if (!f->optional && !f->nullable)
            jpush(req, jstr(fm->attribute));
    }
    const char *key = names->key_fields[index];
    char *pk = key ? gen_format("Extension attribute: the partition key, the value of the field "
                                "%s (the catalog's routing key), Kafka's record key (ignored when "
                                "read).",
                                key)
                   : gen_xstrdup("Extension attribute: the aggregate id again, Kafka's record key "
                                 "(ignored when read).");
    jset(props, "partitionkey", ce_string(pk, false));
    free(pk);

    /* data: the event's own fields, under the rules of the event's schema. */
    json_object *data = jobj(), *dprops = jobj(), *dreq = jcheck(json_object_new_array());
    jset_str(data, "description", "The event's own fields; never an envelope field.");
    jset_str(data, "type", "object");
    for (size_t i = 0; i < e->n_fields; i++) {
        json_object *r = jobj();
        char *ref = gen_format("../%s#/properties/%s", event_file, e->fields[i].name);
        jset_str(r, "$ref", ref);
        free(ref);
        jset(dprops, e->fields[i].name, r);
        if (!e->fields[i].optional)
            jpush(dreq, jstr(e->fields[i].name));
    }
    for (size_t i = 0; i < m->n_envelope; i++)
        jset(dprops, m->envelope[i].name, jcheck(json_object_new_boolean(0)));
    jset(data, "properties", dprops);
    jset(data, "required", dreq);
    jset(data, "additionalProperties",
         jcheck(json_object_new_boolean(m->additional_properties && !o->strict)));
    jset(props, "data", data);
    jpush(req, jstr("data"));
    jset(props, "data_base64", jcheck(json_object_new_boolean(0)));
    jset(s, "properties", props);
    jset(s, "required", req);
    json_object *names_rule = jobj();
    jset_str(names_rule, "pattern", "^[a-z0-9]+$");
    jset(s, "propertyNames", names_rule);

    /* Other extensions: any CloudEvents value the JSON format can carry. */
    json_object *other = jobj(), *any = jcheck(json_object_new_array());
    jset_str(other, "description", "Other extension attributes, which the converters ignore.");
    jpush(any, ce_string(NULL, false));
    json_object *b = jobj();
    jset_str(b, "type", "boolean");
    jpush(any, b);
    json_object *i32 = jobj();
    jset_str(i32, "type", "integer");
    jset(i32, "minimum", jcheck(json_object_new_int64(INT32_MIN)));
    jset(i32, "maximum", jcheck(json_object_new_int64(INT32_MAX)));
    jpush(any, i32);
    jset(other, "anyOf", any);
    jset(s, "additionalProperties", other);
    free(event_file);
    return s;
}

int gen_emit_schema_ce(const gen_model *m, const gen_schema_options *o, gen_emit_fn emit, void *ctx)
{
    gen_schema_options defaults = {7, 0};
    if (!o)
        o = &defaults;
    gen_diags diags;
    gen_diags_init(&diags);
    gen_ce_names names;
    if (gen_ce_names_build(m, &names, &diags) != 0) {
        gen_diags_print(&diags, stderr);
        gen_diags_free(&diags);
        gen_ce_names_free(&names);
        return -1;
    }
    gen_diags_free(&diags);
    /* Descriptors built from the model let the runtime convert the examples exactly as the
     * generated code would; building them only fills the model's descriptor cache. */
    gen_model *mm = (gen_model *)m;
    eventc_event_entry *entries = gen_xcalloc(m->n_events ? m->n_events : 1, sizeof(*entries));
    eventc_ce_event_map *events = gen_xcalloc(m->n_events ? m->n_events : 1, sizeof(*events));
    for (size_t i = 0; i < m->n_events; i++) {
        const gen_event *e = m->events[i];
        entries[i] =
            (eventc_event_entry){e->name, e->aggregate->name, (int)i + 1, 0, gen_event_desc(mm, e)};
        events[i] = (eventc_ce_event_map){&entries[i], names.types[i], names.dataschemas[i],
                                          names.key_fields[i]};
    }
    eventc_ce_mapping map = {m->ce_source ? m->ce_source : "/", events, m->n_events, names.envelope,
                             names.n_envelope};
    const char *base = m->schema_base_uri ? m->schema_base_uri : "";
    int rc = 0;
    for (size_t i = 0; i < m->n_events && rc == 0; i++) {
        char *file = snake_file(m->events[i]->name, ".cloudevent.schema.json");
        json_object *s = event_schema(m, &names, i, o, base, file);
        rc = add_examples(mm, &map, m->events[i], s);
        if (rc == 0) {
            gen_str out;
            gen_str_init(&out);
            gen_schema_write_json(&out, s);
            gen_str_putc(&out, '\n');
            char *rel = gen_format("schemas/cloudevents/%s", file);
            rc = emit(ctx, rel, out.data, out.len) ? -1 : 0;
            free(rel);
            gen_str_free(&out);
        }
        json_object_put(s);
        free(file);
    }
    free(entries);
    free(events);
    gen_ce_names_free(&names);
    return rc;
}
