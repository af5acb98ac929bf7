/* The view model of the typed messaging layer, <catalog>_messaging.{h,c}: the catalog descriptor
 * (eventc_catalog of eventc/catalog.h), the typed publish and emit helpers, and the handler table
 * with its dispatch, every name and line laid out for templates/c/messaging_*.mustache. */
#include "viewmodel_messaging.h"
#include "c_text.h"
#include "json_build.h"
#include "names/c_names.h"
#include "names/names.h"
#include "base/util.h"
#include "base/lazy_list.h"
#include "names/ce_names.h"

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

static char *desig_own(unsigned indent, const char *member, char *value)
{
    char *r = desig(indent, member, value);
    free(value);
    return r;
}

/* `type name = {` (or `type name[] = {`), broken after the type when too long. */
static char *table_head(const char *type, const char *name, bool array)
{
    char *h = gen_format("%s%s = {", name, array ? "[]" : "");
    char *r = gen_c_layout_split(0, type, " ", h);
    free(h);
    return r;
}

/* A function returning eventc_status: declaration (EVENTC_NODISCARD), definition head, a body
 * that returns one call, and documentation. */
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

/* ---- the view model ------------------------------------------------------------------------- */

typedef struct typed_kind {
    const char *type;
    size_t index;
} typed_kind;

static int cmp_type(const void *a, const void *b)
{
    const typed_kind *x = a, *y = b;
    return strcmp(x->type, y->type);
}

static size_t aggregate_index(const gen_model *m, const gen_aggregate *a)
{
    for (size_t i = 0; i < m->n_aggregates; i++)
        if (m->aggregates[i] == a)
            return i;
    return 0;
}

/* The publish (`publish`) or emit (`emit`) helper of one event, or of the union when `e` is
 * NULL. */
static json_object *send_json(const char *p, const char *up, const gen_event *e, const char *type,
                              bool emit)
{
    char *c_type = e ? gen_c_type_name(p, e->name) : gen_format("%s_event", p);
    char *fn = gen_format("%s_%s", c_type, emit ? "emit" : "publish");
    char *self = gen_format("const %s *ev", c_type);
    const char *params[] = {emit ? "eventc_emitter *out" : "eventc_publisher *pub",
                            "const eventc_routing *routing", self, "eventc_error *err"};
    char *desc = gen_format("&%s_catalog_desc", p);
    char *kind = NULL;
    if (e) {
        char *eu = gen_upper(e->name);
        kind = gen_format("%s_EVENT_%s", up, eu);
        free(eu);
    }
    const char *args[] = {
        desc, emit ? "out" : "pub", "routing", e ? kind : "(int)ev->kind", e ? "ev" : "&ev->as",
        "err"};
    char *doc;
    if (e && !emit)
        doc = gen_format(
            "Publishes the %s @p ev: validates it, makes it a CloudEvent (type `%s`, see "
            "%s_to_cloudevent) and publishes it with @p pub to its topic, keyed by its partition "
            "key.\n\n"
            "@param routing NULL: the catalog's routes (%s_catalog_desc); else a routing table "
            "(eventc_catalog_routing_new) with run-time changes\n\n"
            "@return EVENTC_OK once the transport accepted the message; the event's validation or "
            "CloudEvents error; the publisher's error (EVENTC_E_FULL, EVENTC_E_CLOSED, ...).",
            e->name, type, c_type, p);
    else if (e)
        doc = gen_format("Emits the %s @p ev from a handler: the router publishes it once the "
                         "handled message succeeded (see eventc_emit; in a typed callback, @p out "
                         "is eventc_typed_emitter(m)).\n\n"
                         "@param routing NULL: the catalog's routes; else a routing table\n\n"
                         "@return EVENTC_OK, the event's validation or CloudEvents error, "
                         "EVENTC_E_NOMEM.",
                         e->name);
    else if (!emit)
        doc = gen_xstrdup("Publishes the event @p ev holds (see the per-event functions).\n\n"
                          "@return as the per-event functions; EVENTC_E_INVALID_ARGUMENT when @p "
                          "ev holds no event.");
    else
        doc = gen_xstrdup("Emits the event @p ev holds from a handler (see the per-event "
                          "functions).\n\n"
                          "@return as the per-event functions; EVENTC_E_INVALID_ARGUMENT when "
                          "@p ev holds no event.");
    json_object *o = function_json(
        fn, params, 4, emit ? "eventc_catalog_emit" : "eventc_catalog_publish", args, 6, doc);
    free(doc);
    free(kind);
    free(desc);
    free(self);
    free(fn);
    free(c_type);
    return o;
}

static json_object *event_json(const gen_model *m, const gen_ce_names *names, size_t i,
                               const char *p, const char *up)
{
    const gen_event *e = m->events[i];
    json_object *o = jcheck(json_object_new_object());
    char *snake = gen_snake(e->name), *eu = gen_upper(e->name);
    char *c_type = gen_c_type_name(p, e->name);
    char *kind = gen_format("%s_EVENT_%s", up, eu);
    jstr(o, "name", e->name);
    jstr(o, "aggregate", e->aggregate->name);
    jbool(o, "first_of_aggregate", e->aggregate->n_events && e->aggregate->events[0] == e);
    jstr(o, "c_type", c_type);
    jstr(o, "kind_const", kind);
    jstr(o, "member", snake);
    jstr(o, "type", names->types[i]);
    jstr(o, "topic", e->route_topic);
    jstr(o, "key_field", e->route_key ? e->route_key->name : NULL);
    jint(o, "partitions", e->route_partitions);

    /* The descriptor's entry. */
    json_object *init = jcheck(json_object_new_array());
    jpush_own(init, desig_own(8, "entry", gen_format("&%s_event_types[%zu]", p, i)));
    jpush_own(init, desig_string(8, "type", names->types[i]));
    jpush_own(init, desig_own(8, "aggregate", gen_format("%zu", aggregate_index(m, e->aggregate))));
    jpush_own(init, desig_string(8, "topic", e->route_topic));
    jpush_own(init, desig_string(8, "key_field", e->route_key ? e->route_key->name : NULL));
    jpush_own(init, desig_own(8, "partitions", gen_format("%lld", (long long)e->route_partitions)));
    jset(o, "entry_init_c_code", init);

    /* The handler table's member and its documentation. */
    char *self = gen_format("const %s *ev", c_type);
    const char *params[] = {self, "const eventc_message *m", "void *ctx"};
    char *name = gen_format("%s)", snake);
    jown(o, "handler_member_c_code", gen_c_layout_function(4, "int (*", name, params, 3, ";"));
    free(name);
    free(self);
    char *doc = gen_format("%s (`%s`): %s", e->name, names->types[i], e->summary ? e->summary : "");
    jown(o, "handler_doc_c_comment", gen_c_doc_comment(doc, 4));
    free(doc);
    /* The dispatch: the typed call of this event's callback. */
    char *cast = gen_format("(const %s *)event", c_type);
    char *callee = gen_format("t->%s", snake);
    const char *args[] = {cast, "m", "ctx"};
    jown(o, "dispatch_c_code", gen_c_layout_call(8, "return ", callee, args, 3, ";"));
    free(callee);
    free(cast);
    jown(o, "handles_c_code", gen_format("return t->%s != NULL;", snake));

    jset(o, "fn_publish", send_json(p, up, e, names->types[i], false));
    jset(o, "fn_emit", send_json(p, up, e, names->types[i], true));
    free(snake);
    free(eu);
    free(c_type);
    free(kind);
    return o;
}

/* The rules of a routing table that give the catalog's routes where they differ from the
 * default route (the type without its last segment, in lower case): a prefix rule for an
 * aggregate with its own topic, an exact rule for an event with its own. */
static json_object *routes_json(const gen_model *m, const gen_ce_names *names, const char *prefix)
{
    json_object *routes = jcheck(json_object_new_array());
    for (size_t i = 0; i < m->n_aggregates; i++) {
        const gen_aggregate *a = m->aggregates[i];
        if (a->route_topic && a->route_default_topic &&
            strcmp(a->route_topic, a->route_default_topic) != 0) {
            char *snake = gen_snake(a->name);
            char *match = gen_format("%s.%s.", prefix, snake);
            json_object *r = jcheck(json_object_new_object());
            jstr(r, "match", match);
            jstr(r, "topic", a->route_topic);
            json_object *init = jcheck(json_object_new_array());
            jpush_own(init, desig_string(8, "match", match));
            jpush_own(init, desig_string(8, "topic", a->route_topic));
            jpush_own(init, gen_xstrdup(".key_attribute = NULL,"));
            jset(r, "init_c_code", init);
            jpush(routes, r);
            free(match);
            free(snake);
        }
        for (size_t k = 0; k < a->n_events; k++) {
            const gen_event *e = a->events[k];
            if (!e->route_topic || !a->route_topic || strcmp(e->route_topic, a->route_topic) == 0)
                continue;
            const char *type = names->types[e->index];
            json_object *r = jcheck(json_object_new_object());
            jstr(r, "match", type);
            jstr(r, "topic", e->route_topic);
            json_object *init = jcheck(json_object_new_array());
            jpush_own(init, desig_string(8, "match", type));
            jpush_own(init, desig_string(8, "topic", e->route_topic));
            jpush_own(init, gen_xstrdup(".key_attribute = NULL,"));
            jset(r, "init_c_code", init);
            jpush(routes, r);
        }
    }
    return routes;
}

static json_object *aggregates_json(const gen_model *m, const char *p)
{
    json_object *list = jcheck(json_object_new_array());
    for (size_t i = 0; i < m->n_aggregates; i++) {
        const gen_aggregate *a = m->aggregates[i];
        json_object *o = jcheck(json_object_new_object());
        jstr(o, "name", a->name);
        json_object *init = jcheck(json_object_new_array());
        jpush_own(init, desig_string(8, "name", a->name));
        jpush_own(init, desig_string(8, "id_field", a->id_field));
        jpush_own(init, desig_string(8, "topic", a->route_topic));
        if (a->has_lifecycle) {
            gen_lifecycle_names n;
            gen_lifecycle_names_init(&n, a, p);
            jpush_own(init, desig_own(8, "lifecycle", gen_format("&%s", n.desc)));
            gen_lifecycle_names_free(&n);
        } else {
            jpush_own(init, gen_xstrdup(".lifecycle = NULL,"));
        }
        jset(o, "init_c_code", init);
        jpush(list, o);
    }
    return list;
}

/* What the lazy list of the events keeps to build one. */
typedef struct events_ctx {
    const gen_model *m;
    gen_ce_names names;
    char *p, *up;
} events_ctx;

static json_object *event_item(void *ctx, size_t i)
{
    events_ctx *c = ctx;
    return event_json(c->m, &c->names, i, c->p, c->up);
}

static void events_ctx_free(void *ctx)
{
    events_ctx *c = ctx;
    gen_ce_names_free(&c->names);
    free(c->p);
    free(c->up);
    free(c);
}

json_object *gen_viewmodel_messaging(const gen_model *m, const char *p, const char *up, bool lazy,
                                     gen_diags *diags)
{
    gen_ce_names names;
    if (gen_ce_names_build(m, &names, diags) != 0) {
        gen_ce_names_free(&names);
        return NULL;
    }
    json_object *o = jcheck(json_object_new_object());
    char *header = gen_format("%s_messaging.h", m->name);
    char *source = gen_format("%s_messaging.c", m->name);
    char *ce_header = gen_format("%s_cloudevents.h", m->name);
    jstr(o, "header_file", header);
    jstr(o, "source_file", source);
    jown(o, "header_c_string", gen_c_string_escape(header, strlen(header)));
    jown(o, "ce_header_c_string", gen_c_string_escape(ce_header, strlen(ce_header)));
    char *nu = gen_upper(m->name);
    jown(o, "guard", gen_format("EVENTC_GEN_%s_%s_MESSAGING_H", up, nu));
    free(nu);
    const char *type_prefix = m->ce_type_prefix ? m->ce_type_prefix : m->name;

    char *doc = gen_format(
        "@file %s\n@brief The typed messaging layer of the `%s` event catalog.\n\n"
        "The catalog descriptor (%s_catalog_desc), typed publish and emit helpers for every "
        "event and for the event union, and the handler table whose typed callbacks a router "
        "calls with every message decoded and validated. Built on libeventc-messaging "
        "(eventc/catalog.h); see docs/messaging.md.",
        header, m->name, p);
    jown(o, "file_doc_c_comment", gen_c_doc_comment(doc, 0));
    free(doc);

    /* The descriptor. */
    char *desc = gen_format("%s_catalog_desc", p);
    char *aggs = gen_format("%s_catalog_aggregates_", p);
    char *events = gen_format("%s_catalog_events_", p);
    char *by_type = gen_format("%s_catalog_by_type_", p);
    char *routes_name = gen_format("%s_catalog_routes_", p);
    jstr(o, "c_desc", desc);
    char *decl = gen_format("%s;", desc);
    jown(o, "desc_decl_c_code", gen_c_layout_split(0, "extern const eventc_catalog", " ", decl));
    free(decl);
    doc = gen_format(
        "The catalog as one object for generic code (eventc/catalog.h): its CloudEvents mapping "
        "(%s_cloudevents), every event with its aggregate, topic and partition key, every "
        "aggregate with its lifecycle, and the routes. eventc_catalog_decode_cloudevent, "
        "eventc_catalog_apply, eventc_catalog_routing_new and the lifecycle guard take it.",
        p);
    jown(o, "desc_doc_c_comment", gen_c_doc_comment(doc, 0));
    free(doc);
    jown(o, "desc_head_c_code", table_head("const eventc_catalog", desc, false));
    jown(o, "aggregates_head_c_code",
         table_head("static const eventc_catalog_aggregate", aggs, true));
    jown(o, "events_head_c_code", table_head("static const eventc_catalog_event", events, true));
    jown(o, "by_type_head_c_code", table_head("static const int", by_type, true));
    jown(o, "routes_head_c_code", table_head("static const eventc_route", routes_name, true));
    jset(o, "aggregates", aggregates_json(m, p));

    if (lazy) {
        /* The list owns the names from now on; this function still reads them below. */
        events_ctx *c = gen_xmalloc(sizeof(*c));
        *c = (events_ctx){m, names, gen_xstrdup(p), gen_xstrdup(up)};
        jset(o, "events", jcheck(gen_lazy_list_new(m->n_events, event_item, c, events_ctx_free)));
    } else {
        json_object *elist = jcheck(json_object_new_array());
        for (size_t i = 0; i < m->n_events; i++)
            jpush(elist, event_json(m, &names, i, p, up));
        jset(o, "events", elist);
    }

    /* Kinds ordered by type, for a binary search. */
    typed_kind *order = gen_xcalloc(m->n_events ? m->n_events : 1, sizeof(*order));
    for (size_t i = 0; i < m->n_events; i++)
        order[i] = (typed_kind){names.types[i], i};
    qsort(order, m->n_events, sizeof(*order), cmp_type);
    json_object *kinds = jcheck(json_object_new_array());
    for (size_t i = 0; i < m->n_events; i++) {
        char *eu = gen_upper(m->events[order[i].index]->name);
        jpush_own(kinds, gen_format("%s_EVENT_%s,", up, eu));
        free(eu);
    }
    free(order);
    jset(o, "by_type_c_code", kinds);

    json_object *routes = routes_json(m, &names, type_prefix);
    bool has_routes = json_object_array_length(routes) > 0;
    jbool(o, "has_routes", has_routes);
    jset(o, "routes", routes);

    const gen_field *name_field = m->role_fields[GEN_ROLE_EVENT_NAME];
    const gen_field *id_field = m->role_fields[GEN_ROLE_EVENT_ID];
    const gen_field *agg_field = m->role_fields[GEN_ROLE_AGGREGATE_ID];
    json_object *init = jcheck(json_object_new_array());
    jpush_own(init, gen_xstrdup(".version = EVENTC_CATALOG_VERSION,"));
    jpush_own(init, desig_string(4, "name", m->name));
    jpush_own(init, desig_own(4, "catalog_version", gen_c_int64_literal(m->version)));
    jpush_own(init, desig_own(4, "cloudevents", gen_format("&%s_cloudevents", p)));
    jpush_own(init, desig(4, "events", events));
    jpush_own(init, desig_own(4, "n_events", gen_format("%s_EVENT_TYPE_COUNT", up)));
    jpush_own(init, desig(4, "aggregates", aggs));
    jpush_own(init, desig_own(4, "n_aggregates", gen_format("%zu", m->n_aggregates)));
    jpush_own(init, desig(4, "kinds_by_type", by_type));
    jpush_own(init, desig_own(4, "union_size", gen_format("sizeof(%s_event)", p)));
    jpush_own(init, desig_string(4, "event_name_field", name_field ? name_field->name : NULL));
    jpush_own(init, desig_own(4, "event_id_offset",
                              gen_format("offsetof(%s_envelope, %s)", p,
                                         id_field ? id_field->name : "event_id")));
    jpush_own(init, desig_own(4, "aggregate_id_offset",
                              gen_format("offsetof(%s_envelope, %s)", p,
                                         agg_field ? agg_field->name : "aggregate_id")));
    jpush_own(init, has_routes ? desig(4, "routes", routes_name) : gen_xstrdup(".routes = NULL,"));
    jpush_own(init, desig_own(4, "n_routes", gen_format("%zu", json_object_array_length(routes))));
    jset(o, "desc_init_c_code", init);

    /* The handler table. */
    char *handlers = gen_format("%s_handlers", p);
    jstr(o, "c_handlers", handlers);
    doc = gen_format(
        "One typed callback per event of the catalog: a router calls it with the message decoded "
        "into the event's struct and validated against every rule of the catalog (a message that "
        "fails goes to the dead letter with the decoder's path and rule). A NULL member: the "
        "event is acknowledged without a call. A callback returns 0 when it handled the event; an "
        "eventc_status to say what failed (retried when eventc_status_retryable, else "
        "dead-lettered at once); any other value is a transient failure, retried. The event and "
        "@p m are valid during the call only; ctx is the pointer given to "
        "%s_router_add_handlers.",
        p);
    jown(o, "handlers_doc_c_comment", gen_c_doc_comment(doc, 0));
    free(doc);
    char *dispatch = gen_format("%s_dispatch_", p);
    char *handles = gen_format("%s_handles_", p);
    const char *dp[] = {"const void *handlers", "int kind", "const void *event",
                        "const eventc_message *m", "void *ctx"};
    jown(o, "dispatch_def_c_code", gen_c_layout_function(0, "static int ", dispatch, dp, 5, ""));
    const char *hp[] = {"const void *handlers", "int kind"};
    jown(o, "handles_def_c_code", gen_c_layout_function(0, "static bool ", handles, hp, 2, ""));
    char *cast = gen_format("const %s *t = (const %s *)handlers;", handlers, handlers);
    jown(o, "table_c_code", gen_c_layout_split(4, cast, "", ""));
    free(cast);

    char *fn = gen_format("%s_router_add_handlers", p);
    char *self = gen_format("const %s *handlers", handlers);
    const char *ap[] = {"eventc_router *router",
                        self,
                        "void *ctx",
                        "const eventc_typed_config *cfg",
                        "eventc_typed **out",
                        "eventc_error *err"};
    jstr(o, "fn_add_handlers_c_name", fn);
    jown(o, "add_handlers_decl_c_code",
         gen_c_layout_function(0, "EVENTC_NODISCARD eventc_status ", fn, ap, 6, ";"));
    jown(o, "add_handlers_def_c_code", gen_c_layout_function(0, "eventc_status ", fn, ap, 6, ""));
    const char *aa[] = {"router", "&table", "cfg", "out", "err"};
    jown(o, "add_handlers_call_c_code",
         gen_c_layout_call(4, "return ", "eventc_typed_add", aa, 5, ";"));
    jown(o, "table_catalog_c_code", gen_format("table.catalog = &%s;", desc));
    jown(o, "table_dispatch_c_code", gen_format("table.dispatch = %s;", dispatch));
    jown(o, "table_handles_c_code", gen_format("table.handles = %s;", handles));
    doc = gen_format(
        "Registers @p handlers on @p router in one call: one router handler per topic that "
        "carries an event with a callback (named `<cfg->name>:<topic>`), each with a subscriber "
        "from cfg->new_subscriber in consumer group cfg->group. Every message is decoded with "
        "%s (eventc_catalog_decode_cloudevent) before its callback runs.\n\n"
        "@param handlers borrowed: must outlive the router\n"
        "@param out      receives the registration, which owns the subscribers: release it with "
        "eventc_typed_free after eventc_router_free\n\n"
        "@return EVENTC_OK; EVENTC_E_INVALID_ARGUMENT (no callback at all, a missing name, group "
        "or subscriber factory); the router's or the factory's error.",
        desc);
    jown(o, "add_handlers_doc_c_comment", gen_c_doc_comment(doc, 0));
    free(doc);
    jstr(o, "c_dispatch", dispatch);
    jstr(o, "c_handles", handles);

    jset(o, "fn_publish", send_json(p, up, NULL, NULL, false));
    jset(o, "fn_emit", send_json(p, up, NULL, NULL, true));

    free(fn);
    free(self);
    free(dispatch);
    free(handles);
    free(handlers);
    free(desc);
    free(aggs);
    free(events);
    free(by_type);
    free(routes_name);
    free(header);
    free(source);
    free(ce_header);
    if (!lazy)
        gen_ce_names_free(&names);
    return o;
}
