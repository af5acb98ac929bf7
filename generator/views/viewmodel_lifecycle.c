/* The lifecycle part of the C view model. Every event of the aggregate gets one rule, those the
 * catalog's `transitions` leave out included (they keep the state in every existing state), so
 * the runtime never has to know the catalog's defaults. */
#include "viewmodel_lifecycle.h"
#include "names/c_names.h"
#include "names/names.h"
#include "base/util.h"
#include "c_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static json_object *checked(json_object *o)
{
    if (!o) {
        fputs("eventc: error: out of memory\n", stderr);
        exit(1);
    }
    return o;
}

static void set(json_object *o, const char *key, json_object *v)
{
    if (json_object_object_add(o, key, v) != 0)
        checked(NULL);
}

static void push(json_object *a, json_object *v)
{
    if (json_object_array_add(a, v) != 0)
        checked(NULL);
}

static void set_str(json_object *o, const char *key, const char *s)
{
    set(o, key, checked(json_object_new_string(s)));
}

/* Adds a malloc'd string and frees it. */
static void set_own(json_object *o, const char *key, char *s)
{
    set_str(o, key, s);
    free(s);
}

/* The statement that stores the runtime's int result `out` through @p target, as @p type. */
static void set_store(json_object *f, const char *target, const char *type)
{
    char *store = gen_format("(%s)out;", type);
    set_own(f, "store_c_code", gen_c_layout_split(8, target, " = ", store));
    free(store);
}

static void set_int(json_object *o, const char *key, size_t v)
{
    set(o, key, checked(json_object_new_int64((int64_t)v)));
}

static void push_own(json_object *a, char *s)
{
    push(a, checked(json_object_new_string(s)));
    free(s);
}

/* The position of state `name` (1-based; 0 when it is not a state: never, in a checked model). */
static size_t state_index(const gen_aggregate *a, const char *name)
{
    for (size_t i = 0; i < a->n_states; i++)
        if (strcmp(a->states[i].name, name) == 0)
            return i + 1;
    return 0;
}

static const gen_transition *transition_of(const gen_aggregate *a, const gen_event *e)
{
    for (size_t i = 0; i < a->n_transitions; i++)
        if (a->transitions[i].event == e || strcmp(a->transitions[i].event_name, e->name) == 0)
            return &a->transitions[i];
    return NULL;
}

/* What one event does, in state numbers. */
typedef struct rule {
    const gen_event *event;
    size_t *from;
    size_t n_from;
    size_t to;              /* 0: keeps the state, or the field decides */
    const gen_field *field; /* the to_field, or NULL */
    size_t *field_states;   /* the state of each value of the field's enum */
    size_t n_field_states;
} rule;

static void rule_of(const gen_aggregate *a, const gen_event *e, rule *r)
{
    memset(r, 0, sizeof *r);
    r->event = e;
    const gen_transition *t = transition_of(a, e);
    r->from = gen_xcalloc(a->n_states + 1, sizeof(*r->from));
    if (!t || t->from_any) {
        if (t && t->creates)
            r->from[r->n_from++] = 0;
        for (size_t s = 1; s <= a->n_states; s++)
            r->from[r->n_from++] = s;
    } else {
        if (t->creates)
            r->from[r->n_from++] = 0;
        for (size_t i = 0; i < t->n_from; i++) {
            size_t s = state_index(a, t->from[i]);
            bool seen = false;
            for (size_t k = 0; k < r->n_from; k++)
                seen = seen || r->from[k] == s;
            if (!seen)
                r->from[r->n_from++] = s;
        }
    }
    if (t && t->to)
        r->to = state_index(a, t->to);
    if (t && t->to_field) {
        r->field = gen_event_find_field(e, t->to_field);
        const gen_type *en = r->field ? r->field->type.named : NULL;
        if (en) {
            r->n_field_states = en->n_values;
            r->field_states = gen_xcalloc(en->n_values + 1, sizeof(*r->field_states));
            for (size_t v = 0; v < en->n_values; v++)
                r->field_states[v] = state_index(a, en->values[v].name);
        } else {
            r->field = NULL;
        }
    }
}

static const char *state_name(const gen_aggregate *a, size_t s)
{
    return s == 0 ? "none" : a->states[s - 1].name;
}

/* `/​* text *​/` at `indent`, wrapped to the column limit. */
static char *comment_line(const char *text, unsigned indent)
{
    char *wrapped = gen_c_comment_wrap(text, indent, indent + 3);
    char *r = gen_format("/* %s */", wrapped);
    free(wrapped);
    return r;
}

/* "ChannelMapped: none, unmapped -> mapped". */
static char *rule_text(const gen_aggregate *a, const rule *r)
{
    gen_str s;
    gen_str_init(&s);
    gen_str_printf(&s, "%s: ", r->event->name);
    for (size_t i = 0; i < r->n_from; i++)
        gen_str_printf(&s, "%s%s", i ? ", " : "", state_name(a, r->from[i]));
    if (r->field)
        gen_str_printf(&s, " -> the state its field %s names", r->field->name);
    else if (r->to)
        gen_str_printf(&s, " -> %s", state_name(a, r->to));
    else
        gen_str_puts(&s, " -> unchanged");
    return gen_str_detach(&s);
}

/* `.member = value,` at `indent`, broken after the `=` when too long. */
static char *desig(unsigned indent, const char *member, const char *value)
{
    char *left = gen_format(".%s", member);
    char *right = gen_format("%s,", value);
    char *r = gen_c_layout_split(indent, left, " = ", right);
    free(left);
    free(right);
    return r;
}

static char *desig_size(unsigned indent, const char *member, size_t value)
{
    char *v = gen_format("%zu", value);
    char *r = desig(indent, member, v);
    free(v);
    return r;
}

/* A function's declaration (with EVENTC_NODISCARD when it returns a status) and definition. */
static json_object *function_json(const char *ret, const char *name, const char *const *params,
                                  size_t n)
{
    json_object *o = checked(json_object_new_object());
    set_str(o, "c_name", name);
    bool status = strcmp(ret, "eventc_status ") == 0;
    char *decl_ret = status ? gen_format("EVENTC_NODISCARD %s", ret) : gen_xstrdup(ret);
    set_own(o, "decl_c_code", gen_c_layout_function(0, decl_ret, name, params, n, ";"));
    set_own(o, "def_c_code", gen_c_layout_function(0, ret, name, params, n, ""));
    free(decl_ret);
    return o;
}

/* `static const T name[] = {` (or without `[]`), broken as clang-format breaks it. */
static char *table_head(const char *type, const char *name, bool array)
{
    char *h = gen_format("%s%s = {", name, array ? "[]" : "");
    char *r = gen_c_layout_split(0, type, " ", h);
    free(h);
    return r;
}

static void states_json(json_object *o, const gen_aggregate *a, const gen_lifecycle_names *n)
{
    json_object *states = checked(json_object_new_array());
    json_object *name_lines = checked(json_object_new_array());
    json_object *none = checked(json_object_new_object());
    set_str(none, "entry_comment", "/* 0 */");
    set_str(none, "name_entry_c_code", "\"none\",");
    push(name_lines, none);
    for (size_t s = 1; s <= a->n_states; s++) {
        const gen_state *st = &a->states[s - 1];
        json_object *e = checked(json_object_new_object());
        set_str(e, "name", st->name);
        char *k = gen_lifecycle_state_const(n, a, s);
        set_str(e, "c_const", k);
        set_int(e, "value", s);
        char *doc = gen_format("`%s`", st->name);
        set_own(e, "doc_c_comment", gen_c_doc_comment(doc, 4));
        free(doc);
        char *num = gen_format("%zu,", s);
        set_own(e, "enumerator_c_code", gen_c_layout_split(4, k, " = ", num));
        free(num);
        set(e, "last", checked(json_object_new_boolean(s == a->n_states)));
        push(states, e);
        free(k);
        json_object *entry = checked(json_object_new_object());
        set_own(entry, "entry_comment", gen_format("/* %zu */", s));
        char *lit = gen_c_string_literal(st->name, 4, 1);
        set_own(entry, "name_entry_c_code", gen_format("%s,", lit));
        free(lit);
        push(name_lines, entry);
    }
    set(o, "states", states);
    set(o, "state_names", name_lines);
}

static void rules_json(json_object *o, const gen_aggregate *a, const gen_lifecycle_names *n,
                       const char *p)
{
    json_object *state_lines = checked(json_object_new_array());
    json_object *rules = checked(json_object_new_array());
    size_t at = 0;
    for (size_t i = 0; i < a->n_events; i++) {
        rule r;
        rule_of(a, a->events[i], &r);
        const char *ev = r.event->name;
        char *eu = gen_upper(ev);
        char *esnake = gen_snake(ev);
        char *text = gen_format("[%zu] %s: allowed in", at, ev);
        push_own(state_lines, comment_line(text, 4));
        free(text);
        size_t from_at = at;
        for (size_t k = 0; k < r.n_from; k++, at++) {
            char *c = gen_lifecycle_state_const(n, a, r.from[k]);
            push_own(state_lines, gen_format("%s,", c));
            free(c);
        }
        size_t field_at = at;
        if (r.field) {
            text = gen_format("[%zu] %s: the state each value of %s names", at, ev, r.field->name);
            push_own(state_lines, comment_line(text, 4));
            free(text);
            for (size_t k = 0; k < r.n_field_states; k++, at++) {
                char *c = gen_lifecycle_state_const(n, a, r.field_states[k]);
                push_own(state_lines, gen_format("%s,", c));
                free(c);
            }
        }

        json_object *ro = checked(json_object_new_object());
        set_str(ro, "event", ev);
        text = rule_text(a, &r);
        set_own(ro, "comment_c_code", comment_line(text, 4));
        free(text);
        json_object *lines = checked(json_object_new_array());
        char *kind = gen_format("%s_EVENT_%s", n->upper_prefix, eu);
        push_own(lines, desig(8, "kind", kind));
        free(kind);
        char *ref = gen_format("&%s[%zu]", n->states, from_at);
        push_own(lines, desig(8, "from", ref));
        free(ref);
        push_own(lines, desig_size(8, "n_from", r.n_from));
        if (r.to) {
            char *c = gen_lifecycle_state_const(n, a, r.to);
            push_own(lines, desig(8, "to", c));
            free(c);
        }
        if (r.field) {
            ref = gen_format("&%s[%zu]", n->states, field_at);
            push_own(lines, desig(8, "field_states", ref));
            free(ref);
            push_own(lines, desig_size(8, "n_field_states", r.n_field_states));
            char *type = gen_format("%s_%s", p, esnake);
            const char *args[] = {type, r.field->name};
            push_own(lines, gen_c_layout_call(8, ".field_offset = ", "offsetof", args, 2, ","));
            free(type);
            char *lit = gen_c_string_literal(r.field->name, 17, 1);
            push_own(lines, gen_format(".field = %s,", lit));
            free(lit);
        }
        set(ro, "init_c_code", lines);
        push(rules, ro);
        free(eu);
        free(esnake);
        free(r.from);
        free(r.field_states);
    }
    set(o, "states_init_c_code", state_lines);
    set(o, "rules", rules);
}

json_object *gen_vm_lifecycle(const gen_model *m, const gen_aggregate *a, const char *p)
{
    if (!a->has_lifecycle)
        return NULL;
    gen_lifecycle_names n;
    gen_lifecycle_names_init(&n, a, p);
    json_object *o = checked(json_object_new_object());
    set_str(o, "aggregate", a->name);
    set_str(o, "c_type", n.type);
    set_str(o, "none_const", n.none);
    set_int(o, "count", a->n_states + 1);
    char *doc = gen_format("The states of the `%s` lifecycle. %s means that the %s does not exist "
                           "yet: the state before its first event.",
                           a->name, n.none, a->name);
    set_own(o, "doc_c_comment", gen_c_doc_comment(doc, 0));
    free(doc);
    set_own(o, "none_enumerator_c_code", gen_c_layout_split(4, n.none, " = ", "0,"));
    states_json(o, a, &n);

    set_str(o, "c_state_names", n.state_names);
    set_str(o, "c_states", n.states);
    set_str(o, "c_rules", n.rules);
    set_str(o, "c_desc", n.desc);
    set_own(o, "names_head_c_code", table_head("static const char *const", n.state_names, true));
    set_own(o, "states_head_c_code", table_head("static const int", n.states, true));
    set_own(o, "rules_head_c_code",
            table_head("static const eventc_lifecycle_rule", n.rules, true));
    set_own(o, "desc_head_c_code", table_head("const eventc_lifecycle_desc", n.desc, false));
    char *desc_decl = gen_format("%s;", n.desc);
    set_own(o, "desc_decl_c_code",
            gen_c_layout_split(0, "extern const eventc_lifecycle_desc", " ", desc_decl));
    free(desc_decl);
    doc = gen_format("The `%s` lifecycle as the table eventc_lifecycle_apply (eventc/lifecycle.h) "
                     "reads: state names and one rule per event of the aggregate. Generic code "
                     "(a catalog descriptor, an event store) applies events with it; the typed "
                     "functions below wrap it.",
                     a->name);
    set_own(o, "desc_doc_c_comment", gen_c_doc_comment(doc, 0));
    free(doc);
    (void)m; /* a lifecycle needs nothing beyond its aggregate */
    rules_json(o, a, &n, p);

    json_object *init = checked(json_object_new_array());
    char *lit = gen_c_string_literal(a->name, 17, 1);
    push_own(init, gen_format(".aggregate = %s,", lit));
    free(lit);
    push_own(init, desig(4, "states", n.state_names));
    push_own(init, desig_size(4, "n_states", a->n_states + 1));
    push_own(init, desig(4, "rules", n.rules));
    push_own(init, desig_size(4, "n_rules", a->n_events));
    char *types = gen_format("%s_event_types", p);
    push_own(init, desig(4, "types", types));
    free(types);
    char *count = gen_format("%s_EVENT_TYPE_COUNT", n.upper_prefix);
    push_own(init, desig(4, "n_types", count));
    free(count);
    set(o, "desc_init_c_code", init);

    char *ref = gen_format("&%s", n.desc);

    char *param = gen_format("%s s", n.type);
    const char *p1[] = {param};
    json_object *f = function_json("const char *", n.to_string, p1, 1);
    const char *a1[] = {ref, "(int)s"};
    set_own(f, "body_c_code",
            gen_c_layout_call(4, "return ", "eventc_lifecycle_state_name", a1, 2, ";"));
    set(o, "fn_to_string", f);
    free(param);

    param = gen_format("%s *out", n.type);
    const char *p2[] = {"const char *s", "size_t len", param};
    f = function_json("eventc_status ", n.from_string, p2, 3);
    const char *a2[] = {ref, "s", "len"};
    set_own(f, "find_c_code",
            gen_c_layout_call(4, "int i = ", "eventc_lifecycle_find_state", a2, 3, ";"));
    char *store = gen_format("(%s)i;", n.type);
    set_own(f, "store_c_code", gen_c_layout_split(4, "*out", " = ", store));
    free(store);
    set(o, "fn_from_string", f);
    free(param);

    char *event_type = gen_format("%s_event", p);
    char *p_state = gen_format("%s state", n.type);
    char *p_ev = gen_format("const %s *ev", event_type);
    char *p_next = gen_format("%s *next", n.type);
    const char *p3[] = {p_state, p_ev, p_next, "eventc_error *err"};
    f = function_json("eventc_status ", n.apply, p3, 4);
    const char *a3[] = {ref, "(int)state", "(int)ev->kind", "&ev->as", "&out", "err"};
    set_own(f, "call_c_code", gen_c_layout_call(4, "st = ", "eventc_lifecycle_apply", a3, 6, ";"));
    set_store(f, "*next", n.type);
    set(o, "fn_apply", f);
    doc = gen_format(
        "Applies event @p ev to a %s in state @p state: the lifecycle of the catalog says whether "
        "the event may happen in that state and which state follows. Events the lifecycle does "
        "not move keep the state, and are allowed only once the %s exists.\n"
        "@param next receives the state after the event; untouched on error (it may point to @p "
        "state)\n"
        "@param err receives the reason on failure; may be NULL\n"
        "@return EVENTC_OK; EVENTC_E_STATE when the event is not allowed in @p state (the message "
        "names the event, the state and the states the event is allowed in); EVENTC_E_ENUM when "
        "the field that names the next state holds no valid value; EVENTC_E_INVALID_ARGUMENT "
        "when @p ev or @p next is NULL, @p ev holds no event or an event of another aggregate, "
        "or @p state is out of range.",
        a->name, a->name);
    set_own(o, "apply_doc_c_comment", gen_c_doc_comment(doc, 0));
    free(doc);
    free(p_ev);
    char *p_events = gen_format("const %s *events", event_type);
    char *p_final = gen_format("%s *final", n.type);
    const char *p4[] = {p_events, "size_t n", p_final, "size_t *failed_index", "eventc_error *err"};
    f = function_json("eventc_status ", n.replay, p4, 5);
    char *decl = gen_format("%s state", n.type);
    char *init_value = gen_format("%s;", n.none);
    set_own(f, "state_c_code", gen_c_layout_split(4, decl, " = ", init_value));
    free(decl);
    free(init_value);
    const char *a4[] = {"state", "&events[i]", "&state", "err"};
    set_own(f, "call_c_code", gen_c_layout_call(8, "eventc_status st = ", n.apply, a4, 4, ";"));
    set(o, "fn_replay", f);
    doc = gen_format(
        "Folds a history: applies @p n events of one %s in order, starting from %s.\n"
        "@param final receives the state after the last event applied (on error: the state before "
        "the failing event); may be NULL\n"
        "@param failed_index receives the index of the failing event on error; may be NULL\n"
        "@return EVENTC_OK, or the error of the first event that cannot be applied (as the "
        "`_apply` function above reports it).",
        a->name, n.none);
    set_own(o, "replay_doc_c_comment", gen_c_doc_comment(doc, 0));
    free(doc);

    /* The replay over an iterator. */
    const char *p5[] = {"eventc_event_next next", "void *ctx", p_final, "size_t *failed_index",
                        "eventc_error *err"};
    f = function_json("eventc_status ", n.replay_from, p5, 5);
    const char *a5[] = {ref, "next", "ctx", "&out", "failed_index", "err"};
    set_own(f, "call_c_code",
            gen_c_layout_call(4, "eventc_status st = ", "eventc_lifecycle_replay", a5, 6, ";"));
    set_store(f, "*final", n.type);
    set(o, "fn_replay_from", f);
    doc = gen_format(
        "Folds a history given one event at a time by @p next (see eventc_event_next in "
        "eventc/lifecycle.h: the events may be unions or typed structs, anywhere), starting from "
        "%s, and stops at the first error.\n"
        "@param final receives the state after the last event applied (on error: the state before "
        "the failing event); may be NULL\n"
        "@param failed_index receives the index of the failing event on error; may be NULL\n"
        "@return EVENTC_OK; the error of the first event that cannot be applied (as the `_apply` "
        "function above reports it); EVENTC_E_IO when @p next fails.",
        n.none);
    set_own(o, "replay_from_doc_c_comment", gen_c_doc_comment(doc, 0));
    free(doc);

    /* One typed apply per event of the aggregate: no union, no kind to set. */
    json_object *applies = checked(json_object_new_array());
    for (size_t i = 0; i < a->n_events; i++) {
        const gen_event *e = a->events[i];
        char *es = gen_snake(e->name), *eu = gen_upper(e->name);
        char *fname = gen_format("%s_%s_apply", p, es);
        char *p_typed = gen_format("const %s_%s *ev", p, es);
        const char *pe[] = {p_state, p_typed, p_next, "eventc_error *err"};
        json_object *fe = function_json("eventc_status ", fname, pe, 4);
        char *kind = gen_format("%s_EVENT_%s", n.upper_prefix, eu);
        const char *ae[] = {ref, "(int)state", kind, "ev", "&out", "err"};
        set_own(fe, "call_c_code",
                gen_c_layout_call(4, "st = ", "eventc_lifecycle_apply", ae, 6, ";"));
        set_store(fe, "*next", n.type);
        doc = gen_format("Applies a `%s` to a %s in state @p state, as the `_apply` function "
                         "above does with the event in a union, without one.",
                         e->name, a->name);
        set_own(fe, "doc_c_comment", gen_c_doc_comment(doc, 0));
        free(doc);
        set_str(fe, "event", e->name);
        push(applies, fe);
        free(kind);
        free(p_typed);
        free(fname);
        free(es);
        free(eu);
    }
    set(o, "event_applies", applies);
    free(p_state);
    free(p_next);
    free(p_events);
    free(p_final);
    free(event_type);
    free(ref);
    gen_lifecycle_names_free(&n);
    return o;
}
