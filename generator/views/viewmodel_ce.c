/* The view model of the CloudEvents converters (the mapping itself: names/ce_names.c). */
#include "viewmodel_ce.h"
#include "names/names.h"
#include "base/util.h"
#include "base/lazy_list.h"
#include "c_text.h"
#include "json_build.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- JSON helpers ---------------------------------------------------------------------------- */

/* `.member = "text",` with the literal split to fit (NULL: `.member = NULL,`). */
static char *desig_string(unsigned indent, const char *member, const char *text)
{
    if (text == NULL)
        return gen_format(".%s = NULL,", member);
    unsigned col = indent + (unsigned)strlen(member) + 4;
    char *lit = gen_c_string_literal(text, col, 1);
    char *r = gen_format(".%s = %s,", member, lit);
    free(lit);
    return r;
}

/* `.member = value,`, broken after the `=` when too long. */
static char *desig(unsigned indent, const char *member, const char *value)
{
    char *left = gen_format(".%s", member);
    char *right = gen_format("%s,", value);
    char *r = gen_c_layout_split(indent, left, " = ", right);
    free(left);
    free(right);
    return r;
}

/* A function: declaration (EVENTC_NODISCARD), definition head, body and documentation. */
static json_object *function_json(const char *name, const char *const *params, size_t n,
                                  const char *body_fn, const char *const *args, size_t n_args,
                                  const char *doc)
{
    json_object *o = jcheck(json_object_new_object());
    jstr(o, "c_name", name);
    jown(o, "decl_c_code",
         gen_c_layout_function(0, "EVENTC_NODISCARD eventc_status ", name, params, n, ";"));
    jown(o, "def_c_code", gen_c_layout_function(0, "eventc_status ", name, params, n, ""));
    jown(o, "body_c_code", gen_c_layout_call(4, "return ", body_fn, args, n_args, ";"));
    jown(o, "doc_c_comment", gen_c_doc_comment(doc, 0));
    return o;
}

static const char *slot_const(eventc_ce_slot s)
{
    switch (s) {
    case EVENTC_CE_SLOT_EVENT_NAME:
        return "EVENTC_CE_SLOT_EVENT_NAME";
    case EVENTC_CE_SLOT_AGGREGATE_TYPE:
        return "EVENTC_CE_SLOT_AGGREGATE_TYPE";
    case EVENTC_CE_SLOT_ID:
        return "EVENTC_CE_SLOT_ID";
    case EVENTC_CE_SLOT_SUBJECT:
        return "EVENTC_CE_SLOT_SUBJECT";
    case EVENTC_CE_SLOT_TIME:
        return "EVENTC_CE_SLOT_TIME";
    default:
        return "EVENTC_CE_SLOT_EXTENSION";
    }
}

/* ---- the view model ------------------------------------------------------------------------- */

static json_object *event_json(const gen_model *m, const gen_ce_names *names, size_t i,
                               const char *p, const char *up, const char *mapping,
                               const char *events_table)
{
    const gen_event *e = m->events[i];
    json_object *o = jcheck(json_object_new_object());
    char *snake = gen_snake(e->name), *upper = gen_upper(e->name);
    char *c_type = gen_format("%s_%s", p, snake);
    char *kind = gen_format("%s_EVENT_%s", up, upper);
    jstr(o, "name", e->name);
    jstr(o, "aggregate", e->aggregate->name);
    jset(o, "first_of_aggregate",
         jcheck(json_object_new_boolean(e->aggregate->n_events && e->aggregate->events[0] == e)));
    jstr(o, "type", names->types[i]);
    jstr(o, "dataschema", names->dataschemas[i]);
    jstr(o, "c_type", c_type);
    jstr(o, "kind_const", kind);

    json_object *init = jcheck(json_object_new_array());
    char *entry = gen_format("&%s[%zu]", events_table, i);
    jpush_own(init, desig(8, "entry", entry));
    jpush_own(init, desig_string(8, "type", names->types[i]));
    jpush_own(init, desig_string(8, "dataschema", names->dataschemas[i]));
    const char *key = names->key_fields[i];
    if (key)
        jpush_own(init, desig_string(8, "key_field", key));
    jstr(o, "key_field", key);
    jset(o, "entry_init_c_code", init);
    free(entry);

    char *fn = gen_format("%s_to_cloudevent", c_type);
    char *self_c = gen_format("const %s *ev", c_type);
    const char *tp[] = {self_c, "eventc_ce_event *out", "eventc_error *err"};
    char *mref = gen_format("&%s", mapping);
    const char *ta[] = {mref, kind, "ev", "out", "err"};
    char *doc = gen_format(
        "Builds the CloudEvent of the %s @p ev: type `%s`, the envelope as attributes, the event's "
        "own fields as data (see %s_event_to_cloudevent).\n\n"
        "@param out zero-filled, initialised or holding an event (released first); owns a copy of "
        "everything on success, nothing on error\n\n"
        "@return EVENTC_OK, or the problem described in @p err (may be NULL).",
        e->name, names->types[i], p);
    jset(o, "fn_to_cloudevent", function_json(fn, tp, 3, "eventc_ce_from_domain", ta, 5, doc));
    free(doc);
    free(fn);
    free(self_c);

    fn = gen_format("%s_from_cloudevent", c_type);
    char *self_m = gen_format("%s *ev", c_type);
    const char *fp[] = {self_m, "const eventc_ce_event *ce", "const eventc_decode_options *opts",
                        "eventc_error *err"};
    const char *fa[] = {mref, kind, "ce", "ev", "opts", "err"};
    doc = gen_format(
        "Decodes a CloudEvent of type `%s` into @p ev (zeroed, or holding a %s: released first), "
        "as %s_event_from_cloudevent does; a CloudEvent of another type is refused with "
        "EVENTC_E_CLOUDEVENTS at `type`.\n\n"
        "@return EVENTC_OK, or the problem described in @p err (may be NULL); on error @p ev is "
        "zeroed and owns nothing.",
        names->types[i], e->name, p);
    jset(o, "fn_from_cloudevent",
         function_json(fn, fp, 4, "eventc_ce_to_domain_event", fa, 6, doc));
    free(doc);
    free(fn);
    free(self_m);
    free(mref);
    free(snake);
    free(upper);
    free(c_type);
    free(kind);
    return o;
}

/* What the lazy list of the events keeps to build one. */
typedef struct events_ctx {
    const gen_model *m;
    gen_ce_names names;
    char *p, *up, *mapping, *table;
} events_ctx;

static json_object *event_item(void *ctx, size_t i)
{
    events_ctx *c = ctx;
    return event_json(c->m, &c->names, i, c->p, c->up, c->mapping, c->table);
}

static void events_ctx_free(void *ctx)
{
    events_ctx *c = ctx;
    gen_ce_names_free(&c->names);
    free(c->p);
    free(c->up);
    free(c->mapping);
    free(c->table);
    free(c);
}

json_object *gen_viewmodel_cloudevents(const gen_model *m, const char *p, const char *up, bool lazy,
                                       gen_diags *diags)
{
    gen_ce_names names;
    if (gen_ce_names_build(m, &names, diags) != 0) {
        gen_ce_names_free(&names);
        return NULL;
    }
    json_object *o = jcheck(json_object_new_object());
    char *header = gen_format("%s_cloudevents.h", m->name);
    char *source = gen_format("%s_cloudevents.c", m->name);
    char *main_header = gen_format("%s.h", m->name);
    jstr(o, "header_file", header);
    jstr(o, "source_file", source);
    jown(o, "header_c_string", gen_c_string_escape(header, strlen(header)));
    jown(o, "main_header_c_string", gen_c_string_escape(main_header, strlen(main_header)));
    char *nu = gen_upper(m->name);
    jown(o, "guard", gen_format("EVENTC_GEN_%s_%s_CLOUDEVENTS_H", up, nu));
    free(nu);
    const char *ce_source = m->ce_source ? m->ce_source : "/";
    jstr(o, "source", ce_source);
    jstr(o, "type_prefix", m->ce_type_prefix ? m->ce_type_prefix : m->name);

    char *mapping = gen_format("%s_cloudevents", p);
    char *fields = gen_format("%s_cloudevents_fields_", p);
    char *events = gen_format("%s_cloudevents_events_", p);
    char *table = gen_format("%s_event_types", p);
    jstr(o, "c_mapping", mapping);
    char *decl = gen_format("%s;", mapping);
    jown(o, "mapping_decl_c_code",
         gen_c_layout_split(0, "extern const eventc_ce_mapping", " ", decl));
    free(decl);
    char *head = gen_format("%s = {", mapping);
    jown(o, "mapping_head_c_code", gen_c_layout_split(0, "const eventc_ce_mapping", " ", head));
    free(head);
    head = gen_format("%s[] = {", fields);
    jown(o, "fields_head_c_code",
         gen_c_layout_split(0, "static const eventc_ce_field_map", " ", head));
    free(head);
    head = gen_format("%s[] = {", events);
    jown(o, "events_head_c_code",
         gen_c_layout_split(0, "static const eventc_ce_event_map", " ", head));
    free(head);

    json_object *init = jcheck(json_object_new_array());
    jpush_own(init, desig_string(4, "source", ce_source));
    jpush_own(init, desig(4, "events", events));
    char *count = gen_format("%s_EVENT_TYPE_COUNT", up);
    jpush_own(init, desig(4, "n_events", count));
    free(count);
    jpush_own(init, desig(4, "envelope", fields));
    char *n_env = gen_format("%zu", m->n_envelope);
    jpush_own(init, desig(4, "n_envelope", n_env));
    free(n_env);
    jset(o, "mapping_init_c_code", init);

    json_object *flist = jcheck(json_object_new_array());
    for (size_t i = 0; i < names.n_envelope; i++) {
        const eventc_ce_field_map *fm = &names.envelope[i];
        json_object *f = jcheck(json_object_new_object());
        jstr(f, "name", fm->field);
        jstr(f, "slot", slot_const(fm->slot));
        jstr(f, "attribute", fm->attribute);
        jset(f, "is_extension",
             jcheck(json_object_new_boolean(fm->slot == EVENTC_CE_SLOT_EXTENSION)));
        json_object *lines = jcheck(json_object_new_array());
        jpush_own(lines, desig_string(8, "field", fm->field));
        jpush_own(lines, desig(8, "slot", slot_const(fm->slot)));
        jpush_own(lines, desig_string(8, "attribute", fm->attribute));
        jset(f, "init_c_code", lines);
        jpush(flist, f);
    }
    jset(o, "fields", flist);

    if (lazy) {
        events_ctx *c = gen_xmalloc(sizeof(*c));
        *c = (events_ctx){
            m, names, gen_xstrdup(p), gen_xstrdup(up), gen_xstrdup(mapping), gen_xstrdup(table)};
        memset(&names, 0, sizeof names); /* the list owns them now */
        jset(o, "events", jcheck(gen_lazy_list_new(m->n_events, event_item, c, events_ctx_free)));
    } else {
        json_object *elist = jcheck(json_object_new_array());
        for (size_t i = 0; i < m->n_events; i++)
            jpush(elist, event_json(m, &names, i, p, up, mapping, table));
        jset(o, "events", elist);
    }

    /* The functions of the event union. */
    char *ev_type = gen_format("%s_event", p);
    char *fn = gen_format("%s_to_cloudevent", ev_type);
    char *self_c = gen_format("const %s *ev", ev_type);
    const char *tp[] = {self_c, "eventc_ce_event *out", "eventc_error *err"};
    char *mref = gen_format("&%s", mapping);
    const char *ta[] = {mref, "(int)ev->kind", "&ev->as", "out", "err"};
    char *doc = gen_format(
        "Builds the CloudEvent of the event @p ev holds: type "
        "`%s.<aggregate>.<verb>` (the table of %s), source `%s`, id the event id, time the "
        "occurrence time, subject and the partitionkey extension the aggregate id, "
        "datacontenttype `application/json`, dataschema the event's JSON Schema, data the "
        "event's own fields, and every other envelope field an extension attribute. See "
        "docs/cloudevents.md.\n\n"
        "@param out zero-filled, initialised or holding an event (released first); owns a copy of "
        "everything on success, nothing on error\n\n"
        "@return EVENTC_OK; EVENTC_E_INVALID_ARGUMENT when @p ev holds no event; the event's "
        "validation error; EVENTC_E_CLOUDEVENTS at the field's path when a value cannot be its "
        "attribute (a control character in a String, an Integer beyond 32 bits); "
        "EVENTC_E_NOMEM.",
        m->ce_type_prefix ? m->ce_type_prefix : m->name, mapping, ce_source);
    json_object *f = function_json(fn, tp, 3, "eventc_ce_from_domain", ta, 5, doc);
    free(doc);
    free(fn);
    free(self_c);
    jset(o, "fn_to_cloudevent", f);

    fn = gen_format("%s_from_cloudevent", ev_type);
    char *self_m = gen_format("%s *ev", ev_type);
    const char *fp[] = {self_m, "const eventc_ce_event *ce", "const eventc_decode_options *opts",
                        "eventc_error *err"};
    const char *fa[] = {mref, "ce", "(int *)&ev->kind", "ev", "opts", "err"};
    doc = gen_format(
        "Decodes a CloudEvent into @p ev, choosing the event by its type: the envelope is "
        "rebuilt from the attributes, and data (a JSON object of the event's own fields) is "
        "decoded with the catalog's rules and @p opts (NULL: the defaults). The CloudEvent is "
        "validated first; other extensions are ignored.\n\n"
        "@param ev zero-initialised, or holding a previous event (released first)\n\n"
        "@return EVENTC_OK; EVENTC_E_ENUM at `type` for a type of no event of the catalog; "
        "EVENTC_E_REQUIRED for a missing attribute or data; EVENTC_E_TYPE for data that is not "
        "a JSON object; EVENTC_E_CLOUDEVENTS for an envelope field inside data or another "
        "event's dataschema; any rule of the catalog at `data.<member>` or at the attribute. On "
        "error @p ev is cleared (kind 0) and owns nothing.");
    f = function_json(fn, fp, 4, "eventc_ce_to_domain", fa, 6, doc);
    free(doc);
    free(fn);
    free(self_m);
    jset(o, "fn_from_cloudevent", f);

    doc = gen_format(
        "@file %s\n@brief CloudEvents converters of the `%s` event catalog.\n\n"
        "Every event of the catalog as a CloudEvent (CloudEvents 1.0) and back, through the "
        "runtime functions of eventc/ce_domain.h; the bindings of eventc/cloudevents.h carry "
        "the CloudEvents over HTTP and Kafka. Domain event -> CloudEvent -> domain event gives "
        "back an equal event. See docs/cloudevents.md.",
        header, m->name);
    jown(o, "file_doc_c_comment", gen_c_doc_comment(doc, 0));
    free(doc);
    doc = gen_format("The CloudEvents mapping of the catalog: source `%s`, the type and JSON "
                     "Schema of every event, the attribute of every envelope field. The "
                     "functions below pass it to eventc/ce_domain.h.",
                     ce_source);
    jown(o, "mapping_doc_c_comment", gen_c_doc_comment(doc, 0));
    free(doc);

    free(mref);
    free(ev_type);
    free(mapping);
    free(fields);
    free(events);
    free(table);
    free(header);
    free(source);
    free(main_header);
    gen_ce_names_free(&names);
    return o;
}
