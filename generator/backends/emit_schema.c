/* The JSON Schema back end. Each schema is built as a small ordered JSON tree (schema_output.c)
 * and printed the way JSON.stringify(value, null, 2) prints, so the output is stable and easy to
 * diff. Every keyword mirrors one rule of the runtime decoder (runtime/src/codec/codec_decode.c,
 * codec_rules.c): where a rule cannot be stated in JSON Schema, docs/json-schema.md says so. */
#include "emit_schema.h"
#include "schema_output.h"
#include "schema_pattern.h"
#include "emit_schema_ce.h"
#include "names/names.h"

#include <eventc/regex.h>
#include <eventc/utf8.h>

#include <inttypes.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- schemas ------------------------------------------------------------------------------- */

typedef struct ectx {
    const gen_model *m;
    int draft;
    bool strict;
    const char *base;
} ectx;

static const char *draft_uri(const ectx *x)
{
    return x->draft == 2020 ? "https://json-schema.org/draft/2020-12/schema"
                            : "http://json-schema.org/draft-07/schema#";
}

/* Catalog text without the trailing line breaks YAML block scalars keep. */
static gen_jnode *j_text(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t'))
        n--;
    char *t = gen_xstrndup(s, n);
    gen_jnode *j = gen_jnode_str(t);
    free(t);
    return j;
}

static char *file_name(const char *name)
{
    char *snake = gen_snake(name);
    char *f = gen_format("%s.schema.json", snake);
    free(snake);
    return f;
}

static gen_jnode *j_type(const char *t, bool nullable)
{
    if (!nullable)
        return gen_jnode_str(t);
    gen_jnode *a = gen_jnode_arr();
    gen_jnode_push(a, gen_jnode_str(t));
    gen_jnode_push(a, gen_jnode_str("null"));
    return a;
}

/* Puts the keywords of a value of type `t` into schema `s`. `konst` (a role's required value)
 * and `values` (the aggregate names of the envelope) narrow strings further. */
static void add_type(const ectx *x, gen_jnode *s, const gen_typeref *t, bool nullable,
                     const char *konst, gen_jnode *values)
{
    switch (t->kind) {
    case GEN_T_STRING:
        gen_jnode_put(s, "type", j_type("string", nullable));
        if (konst)
            gen_jnode_put(s, "const", gen_jnode_str(konst));
        if (values)
            gen_jnode_put(s, "enum", values);
        if (t->has_min_length)
            gen_jnode_put(s, "minLength", gen_jnode_uint(t->min_length));
        if (t->has_max_length)
            gen_jnode_put(s, "maxLength", gen_jnode_uint(t->max_length));
        if (t->pattern) {
            char *p = gen_schema_portable_pattern(t->pattern);
            gen_jnode_put(s, "pattern", gen_jnode_str(p));
            free(p);
        }
        return;
    case GEN_T_INTEGER:
        /* The decoder reads integers into int64_t and refuses anything outside. */
        gen_jnode_put(s, "type", j_type("integer", nullable));
        gen_jnode_put(s, "minimum", gen_jnode_int(t->has_minimum ? t->imin : INT64_MIN));
        gen_jnode_put(s, "maximum", gen_jnode_int(t->has_maximum ? t->imax : INT64_MAX));
        return;
    case GEN_T_NUMBER:
        gen_jnode_put(s, "type", j_type("number", nullable));
        if (t->has_minimum)
            gen_jnode_put(s, "minimum", gen_jnode_double(t->nmin));
        if (t->has_exclusive_minimum)
            gen_jnode_put(s, "exclusiveMinimum", gen_jnode_double(t->nexmin));
        if (t->has_maximum)
            gen_jnode_put(s, "maximum", gen_jnode_double(t->nmax));
        if (t->has_exclusive_maximum)
            gen_jnode_put(s, "exclusiveMaximum", gen_jnode_double(t->nexmax));
        return;
    case GEN_T_BOOLEAN:
        gen_jnode_put(s, "type", j_type("boolean", nullable));
        return;
    case GEN_T_TIMESTAMP:
        /* `format` alone is an annotation for many validators (and looser than the decoder);
         * the pattern states the whole rule. */
        gen_jnode_put(s, "type", j_type("string", nullable));
        gen_jnode_put(s, "format", gen_jnode_str("date-time"));
        gen_jnode_put(s, "pattern", gen_jnode_str(gen_schema_timestamp_pattern));
        return;
    case GEN_T_ENUM: {
        gen_jnode_put(s, "type", j_type("string", nullable));
        gen_jnode *e = gen_jnode_arr();
        for (size_t i = 0; i < t->named->n_values; i++)
            gen_jnode_push(e, gen_jnode_str(t->named->values[i].name));
        if (nullable)
            gen_jnode_push(e, gen_jnode_raw("null"));
        gen_jnode_put(s, "enum", e);
        return;
    }
    case GEN_T_OBJECT: {
        char *f = file_name(t->named->name);
        if (!nullable) {
            gen_jnode_put(s, "$ref", gen_jnode_str(f));
            free(f);
            return;
        }
        gen_jnode *ref = gen_jnode_obj();
        gen_jnode_put(ref, "$ref", gen_jnode_str(f));
        free(f);
        gen_jnode *any = gen_jnode_arr();
        gen_jnode_push(any, ref);
        gen_jnode *null = gen_jnode_obj();
        gen_jnode_put(null, "type", gen_jnode_str("null"));
        gen_jnode_push(any, null);
        gen_jnode_put(s, "anyOf", any);
        return;
    }
    case GEN_T_ARRAY: {
        gen_jnode_put(s, "type", j_type("array", nullable));
        gen_jnode *items = gen_jnode_obj();
        /* The decoder never takes null for an array item (except in `json` items, which
         * accept any value), whatever the item spec says. */
        add_type(x, items, t->items, false, NULL, NULL);
        gen_jnode_put(s, "items", items);
        if (t->has_min_items)
            gen_jnode_put(s, "minItems", gen_jnode_uint(t->min_items));
        if (t->has_max_items)
            gen_jnode_put(s, "maxItems", gen_jnode_uint(t->max_items));
        if (t->unique)
            gen_jnode_put(s, "uniqueItems", gen_jnode_bool(true));
        return;
    }
    case GEN_T_JSON:
    case GEN_T_UNRESOLVED:
        return; /* any JSON value */
    }
}

static void add_annotations(gen_jnode *s, bool deprecated, const char *reason, bool pii,
                            int64_t since)
{
    if (deprecated)
        gen_jnode_put(s, "deprecated", gen_jnode_bool(true));
    if (reason)
        gen_jnode_put(s, "x-deprecated-reason", j_text(reason));
    if (pii)
        gen_jnode_put(s, "x-pii", gen_jnode_bool(true));
    if (since > 0)
        gen_jnode_put(s, "x-since", gen_jnode_int(since));
}

/* An event's earlier names and versions, as eventc's annotations: the schema validates the current
 * version, the only one writers on this catalog produce; decoders read the earlier ones through
 * these upcasts (docs/catalog-format.md, "Versions of an event"). */
static void add_versioning(gen_jnode *s, const gen_event *e)
{
    if (e->n_renamed_from) {
        gen_jnode *names = gen_jnode_arr();
        for (size_t i = 0; i < e->n_renamed_from; i++)
            gen_jnode_push(names, gen_jnode_str(e->renamed_from[i]));
        gen_jnode_put(s, "x-renamed-from", names);
    }
    if (!e->n_history)
        return;
    gen_jnode *steps = gen_jnode_arr();
    for (size_t k = 0; k < e->n_history; k++) {
        const gen_history_step *h = &e->history[k];
        gen_jnode *o = gen_jnode_obj();
        gen_jnode_put(o, "version", gen_jnode_int(h->version));
        if (h->n_dropped) {
            gen_jnode *a = gen_jnode_arr();
            for (size_t i = 0; i < h->n_dropped; i++)
                gen_jnode_push(a, gen_jnode_str(h->dropped[i].field));
            gen_jnode_put(o, "dropped", a);
        }
        if (h->n_renamed) {
            gen_jnode *r = gen_jnode_obj();
            for (size_t i = 0; i < h->n_renamed; i++)
                gen_jnode_put(r, h->renamed[i].from, gen_jnode_str(h->renamed[i].to));
            gen_jnode_put(o, "renamed", r);
        }
        if (h->n_mapped) {
            gen_jnode *mp = gen_jnode_obj();
            for (size_t i = 0; i < h->n_mapped; i++) {
                gen_jnode *f = gen_jnode_obj();
                for (size_t j = i; j < h->n_mapped; j++)
                    if (strcmp(h->mapped[j].field, h->mapped[i].field) == 0)
                        gen_jnode_put(f, h->mapped[j].from, gen_jnode_str(h->mapped[j].to));
                bool first = true;
                for (size_t j = 0; j < i && first; j++)
                    first = strcmp(h->mapped[j].field, h->mapped[i].field) != 0;
                if (first)
                    gen_jnode_put(mp, h->mapped[i].field, f);
                else
                    gen_jnode_free(f);
            }
            gen_jnode_put(o, "mapped", mp);
        }
        if (h->n_added) {
            gen_jnode *a = gen_jnode_obj();
            for (size_t i = 0; i < h->n_added; i++) {
                json_object *j = json_tokener_parse(h->added[i].json);
                gen_jnode_put(a, h->added[i].field, gen_jnode_from_json(j));
                json_object_put(j);
            }
            gen_jnode_put(o, "added", a);
        }
        gen_jnode_push(steps, o);
    }
    gen_jnode_put(s, "x-history", steps);
}

static gen_jnode *field_schema(const ectx *x, const gen_field *f, const char *konst,
                               gen_jnode *values)
{
    gen_jnode *s = gen_jnode_obj();
    const char *desc = f->description;
    if (!desc && (f->type.kind == GEN_T_ENUM || f->type.kind == GEN_T_OBJECT))
        desc = f->type.named->description;
    if (desc)
        gen_jnode_put(s, "description", j_text(desc));
    add_type(x, s, &f->type, f->nullable, konst, values);
    if (f->type.kind == GEN_T_ENUM) {
        const gen_type *e = f->type.named;
        gen_jnode *d = NULL;
        for (size_t i = 0; i < e->n_values; i++) {
            if (!e->values[i].description)
                continue;
            if (!d)
                d = gen_jnode_obj();
            gen_jnode_put(d, e->values[i].name, j_text(e->values[i].description));
        }
        if (d)
            gen_jnode_put(s, "x-enum-descriptions", d);
    }
    if (f->example_json) {
        json_object *j = json_tokener_parse(f->example_json);
        if (j || strcmp(f->example_json, "null") == 0) {
            gen_jnode *ex = gen_jnode_arr();
            gen_jnode_push(ex, j ? gen_jnode_from_json(j) : gen_jnode_raw("null"));
            gen_jnode_put(s, "examples", ex);
        }
        json_object_put(j);
    }
    add_annotations(s, f->deprecated, f->deprecated_reason, f->pii, f->since);
    return s;
}

static gen_jnode *schema_head(const ectx *x, const char *file, const char *title)
{
    gen_jnode *s = gen_jnode_obj();
    gen_jnode_put(s, "$schema", gen_jnode_str(draft_uri(x)));
    char *id = gen_format("%s%s", x->base, file);
    gen_jnode_put(s, "$id", gen_jnode_str(id));
    free(id);
    gen_jnode_put(s, "$comment",
                  gen_jnode_str("Generated by eventc from the catalog; do not edit."));
    gen_jnode_put(s, "title", gen_jnode_str(title));
    return s;
}

static gen_jnode *additional(const ectx *x)
{
    return gen_jnode_bool(x->m->additional_properties && !x->strict);
}

/* Adds properties and required for `fields`, with the role constants of event `e` (if any). */
static void add_fields(const ectx *x, gen_jnode *props, gen_jnode *req, const gen_field *fields,
                       size_t n, const gen_event *e)
{
    for (size_t i = 0; i < n; i++) {
        const gen_field *f = &fields[i];
        const char *konst = NULL;
        if (e && f->role == GEN_ROLE_EVENT_NAME)
            konst = e->name;
        else if (e && f->role == GEN_ROLE_AGGREGATE_TYPE)
            konst = e->aggregate->name;
        gen_jnode_put(props, f->name, field_schema(x, f, konst, NULL));
        if (!f->optional)
            gen_jnode_push(req, gen_jnode_str(f->name));
    }
}

static int emit_node(gen_jnode *s, const char *file, gen_emit_fn emit, void *ctx)
{
    gen_str out;
    gen_str_init(&out);
    gen_jnode_write(&out, s);
    gen_str_putc(&out, '\n');
    char *rel = gen_format("schemas/%s", file);
    int rc = emit(ctx, rel, out.data, out.len);
    free(rel);
    gen_str_free(&out);
    gen_jnode_free(s);
    return rc ? -1 : 0;
}

static int emit_envelope(const ectx *x, gen_emit_fn emit, void *ctx)
{
    const gen_model *m = x->m;
    gen_jnode *s = schema_head(x, "envelope.schema.json", "EventEnvelope");
    if (m->envelope_description)
        gen_jnode_put(s, "description", j_text(m->envelope_description));
    gen_jnode_put(s, "type", gen_jnode_str("object"));
    gen_jnode *props = gen_jnode_obj(), *req = gen_jnode_arr();
    for (size_t i = 0; i < m->n_envelope; i++) {
        const gen_field *f = &m->envelope[i];
        gen_jnode *values = NULL;
        if (f->role == GEN_ROLE_AGGREGATE_TYPE) {
            values = gen_jnode_arr();
            for (size_t k = 0; k < m->n_aggregates; k++)
                gen_jnode_push(values, gen_jnode_str(m->aggregates[k]->name));
        }
        gen_jnode_put(props, f->name, field_schema(x, f, NULL, values));
        if (!f->optional)
            gen_jnode_push(req, gen_jnode_str(f->name));
    }
    gen_jnode_put(s, "properties", props);
    gen_jnode_put(s, "required", req);
    /* Every event carries members beyond the envelope, so the envelope alone cannot refuse
     * unknown ones; the event schemas apply the catalog's policy. */
    gen_jnode_put(s, "additionalProperties", gen_jnode_bool(true));
    return emit_node(s, "envelope.schema.json", emit, ctx);
}

static int add_examples(gen_jnode *s, const gen_event *e)
{
    if (e->n_examples == 0)
        return 0;
    gen_jnode *list = gen_jnode_arr();
    gen_jnode_put(s, "examples", list);
    for (size_t i = 0; i < e->n_examples; i++) {
        char *data = NULL;
        size_t len = 0;
        if (gen_read_file(e->examples[i].resolved, 1u << 20, &data, &len) != 0) {
            fprintf(stderr, "eventc: cannot read example '%s'\n", e->examples[i].resolved);
            return -1;
        }
        json_object *j = json_tokener_parse(data);
        free(data);
        if (!j) {
            fprintf(stderr, "eventc: example '%s' is not JSON\n", e->examples[i].resolved);
            return -1;
        }
        gen_jnode_push(list, gen_jnode_from_json(j));
        json_object_put(j);
    }
    return 0;
}

static int emit_event(const ectx *x, const gen_event *e, gen_emit_fn emit, void *ctx)
{
    const gen_model *m = x->m;
    char *file = file_name(e->name);
    gen_jnode *s = schema_head(x, file, e->name);
    gen_str d;
    gen_str_init(&d);
    gen_str_puts(&d, e->summary ? e->summary : "");
    if (e->description) {
        gen_str_puts(&d, "\n\n");
        gen_str_puts(&d, e->description);
    }
    gen_jnode_put(s, "description", j_text(d.data ? d.data : ""));
    gen_str_free(&d);
    add_annotations(s, e->deprecated, e->deprecated_reason, false, e->since);
    add_versioning(s, e);
    gen_jnode_put(s, "type", gen_jnode_str("object"));
    gen_jnode *props = gen_jnode_obj(), *req = gen_jnode_arr();
    add_fields(x, props, req, m->envelope, m->n_envelope, e);
    add_fields(x, props, req, e->fields, e->n_fields, NULL);
    gen_jnode_put(s, "properties", props);
    gen_jnode_put(s, "required", req);
    gen_jnode_put(s, "additionalProperties", additional(x));
    int rc = add_examples(s, e);
    if (rc) {
        gen_jnode_free(s);
        free(file);
        return rc;
    }
    rc = emit_node(s, file, emit, ctx);
    free(file);
    return rc;
}

static int emit_type(const ectx *x, const gen_type *t, gen_emit_fn emit, void *ctx)
{
    char *file = file_name(t->name);
    gen_jnode *s = schema_head(x, file, t->name);
    if (t->description)
        gen_jnode_put(s, "description", j_text(t->description));
    gen_jnode_put(s, "type", gen_jnode_str("object"));
    gen_jnode *props = gen_jnode_obj(), *req = gen_jnode_arr();
    add_fields(x, props, req, t->fields, t->n_fields, NULL);
    gen_jnode_put(s, "properties", props);
    gen_jnode_put(s, "required", req);
    gen_jnode_put(s, "additionalProperties", additional(x));
    int rc = emit_node(s, file, emit, ctx);
    free(file);
    return rc;
}

/* Any event of the catalog: the event name picks the event schema, as the decoders dispatch. */
static int emit_catalog(const ectx *x, gen_emit_fn emit, void *ctx)
{
    const gen_model *m = x->m;
    const gen_field *name_field = m->role_fields[GEN_ROLE_EVENT_NAME];
    const char *key = name_field ? name_field->name : "event_name";
    gen_jnode *s = schema_head(x, "catalog.schema.json", m->title ? m->title : m->name);
    if (m->description)
        gen_jnode_put(s, "description", j_text(m->description));
    gen_jnode_put(s, "type", gen_jnode_str("object"));
    gen_jnode *props = gen_jnode_obj(), *name = gen_jnode_obj(), *names = gen_jnode_arr();
    gen_jnode_put(name, "description",
                  gen_jnode_str("Name of the event; selects the event's schema."));
    gen_jnode_put(name, "type", gen_jnode_str("string"));
    for (size_t i = 0; i < m->n_events; i++)
        gen_jnode_push(names, gen_jnode_str(m->events[i]->name));
    gen_jnode_put(name, "enum", names);
    gen_jnode_put(props, key, name);
    gen_jnode_put(s, "properties", props);
    gen_jnode *req = gen_jnode_arr();
    gen_jnode_push(req, gen_jnode_str(key));
    gen_jnode_put(s, "required", req);
    gen_jnode *all = gen_jnode_arr();
    for (size_t i = 0; i < m->n_events; i++) {
        const gen_event *e = m->events[i];
        gen_jnode *branch = gen_jnode_obj(), *cond = gen_jnode_obj(), *cprops = gen_jnode_obj(),
                  *c = gen_jnode_obj(), *creq = gen_jnode_arr(), *then = gen_jnode_obj();
        gen_jnode_put(c, "const", gen_jnode_str(e->name));
        gen_jnode_put(cprops, key, c);
        gen_jnode_put(cond, "properties", cprops);
        gen_jnode_push(creq, gen_jnode_str(key));
        gen_jnode_put(cond, "required", creq);
        gen_jnode_put(branch, "if", cond);
        char *file = file_name(e->name);
        gen_jnode_put(then, "$ref", gen_jnode_str(file));
        free(file);
        gen_jnode_put(branch, "then", then);
        gen_jnode_push(all, branch);
    }
    gen_jnode_put(s, "allOf", all);
    return emit_node(s, "catalog.schema.json", emit, ctx);
}

int gen_emit_schema(const gen_model *m, const gen_schema_options *o, gen_emit_fn emit, void *ctx)
{
    gen_schema_options defaults = {7, 0};
    if (!o)
        o = &defaults;
    if (!m || !emit || (o->draft != 0 && o->draft != 7 && o->draft != 2020))
        return -1;
    char *base = m->schema_base_uri
                     ? NULL
                     : gen_format("https://example.com/schemas/%s/", m->name ? m->name : "catalog");
    ectx x = {m, o->draft == 2020 ? 2020 : 7, o->strict != 0, base ? base : m->schema_base_uri};
    int rc = emit_envelope(&x, emit, ctx);
    for (size_t i = 0; rc == 0 && i < m->n_events; i++)
        rc = emit_event(&x, m->events[i], emit, ctx);
    for (size_t i = 0; rc == 0 && i < m->n_types; i++)
        if (m->types[i]->kind == GEN_TYPE_OBJECT)
            rc = emit_type(&x, m->types[i], emit, ctx);
    if (rc == 0)
        rc = emit_catalog(&x, emit, ctx);
    if (rc == 0)
        rc = gen_emit_schema_ce(m, o, emit, ctx);
    free(base);
    return rc;
}
