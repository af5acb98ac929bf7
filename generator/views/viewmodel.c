/* The C view model: every name, type, literal and escaped text the C templates print, derived
 * from the checked model in one place, as a JSON document. The text helpers (escaping, wrapping,
 * clang-format's layouts) are in c_text.c. */
#include "viewmodel.h"
#include "vm_c.h"
#include "viewmodel_ce.h"
#include "names/c_names.h"
#include "names/names.h"
#include "viewmodel_lifecycle.h"
#include "viewmodel_messaging.h"
#include "viewmodel_upcast.h"
#include "base/util.h"
#include "base/lazy_list.h"

#include <eventc/regex.h>
#include <eventc/utf8.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- enums ---- */

static json_object *enum_json(vm *v, const gen_type *t)
{
    json_object *o = jobj();
    jnames(o, t->name);
    jtext(o, "description", t->description, 0);
    char *c = gen_c_type_name(v->p, t->name);
    char *cu = gen_upper(c);
    jstr(o, "c_type", c);
    char *doc = t->description ? gen_format("`%s`: %s", t->name, t->description)
                               : gen_format("`%s`", t->name);
    jown(o, "doc_c_comment", gen_c_doc_comment(doc, 0));
    free(doc);
    char *count = gen_format("%s_COUNT", cu);
    jstr(o, "count_macro", count);
    jint(o, "count", (int64_t)t->n_values);
    jint(o, "last_value", (int64_t)t->n_values - 1);
    char *names = gen_format("%s_names_", c);
    char *lens = gen_format("%s_lens_", c);
    char *desc = gen_format("%s_desc", c);
    jstr(o, "c_names", names);
    jstr(o, "c_lens", lens);
    jstr(o, "c_desc", desc);

    json_object *values = jarr();
    for (size_t i = 0; i < t->n_values; i++) {
        const gen_enum_value *ev = &t->values[i];
        if (strlen(ev->name) > 255) {
            gen_error(v->diags, ev->loc, "enum value '%.20s...' is longer than 255 bytes",
                      ev->name);
            v->failed = true;
        }
        json_object *e = jobj();
        jnames(e, ev->name);
        jtext(e, "description", ev->description, 4);
        char *vu = gen_upper(ev->name);
        char *k = gen_format("%s_%s", cu, vu);
        jstr(e, "c_const", k);
        jint(e, "index", (int64_t)i);
        jown(e, "json_name_c_string", gen_c_string_escape(ev->name, strlen(ev->name)));
        jint(e, "json_name_len", (int64_t)strlen(ev->name));
        char *vdoc = ev->description ? gen_format("`%s`: %s", ev->name, ev->description)
                                     : gen_format("`%s`", ev->name);
        jown(e, "doc_c_comment", gen_c_doc_comment(vdoc, 4));
        free(vdoc);
        char *num = gen_format("%zu,", i);
        jown(e, "enumerator_c_code", gen_c_layout_split(4, k, " = ", num));
        free(num);
        jown(e, "entry_comment", gen_format("/* %zu */", i));
        char *lit = gen_c_string_literal(ev->name, 4, 1);
        jown(e, "name_entry_c_code", gen_format("%s,", lit));
        free(lit);
        jown(e, "len_entry_c_code", gen_format("%zu,", strlen(ev->name)));
        jbool(e, "last", i + 1 == t->n_values);
        jpush(values, e);
        free(k);
        free(vu);
    }
    jset(o, "values", values);

    char *h = gen_format("%s[] = {", names);
    jown(o, "names_head_c_code", gen_c_layout_split(0, "static const char *const", " ", h));
    free(h);
    h = gen_format("%s[] = {", lens);
    jown(o, "lens_head_c_code", gen_c_layout_split(0, "static const unsigned char", " ", h));
    free(h);
    h = gen_format("%s;", desc);
    jown(o, "desc_decl_c_code", gen_c_layout_split(0, "extern const eventc_enum_desc", " ", h));
    free(h);
    h = gen_format("%s = {", desc);
    jown(o, "desc_head_c_code", gen_c_layout_split(0, "const eventc_enum_desc", " ", h));
    free(h);
    lines l = {0};
    lines_add(&l, desig_string(4, "name", t->name));
    lines_add(&l, desig(4, "names", names));
    lines_add(&l, desig(4, "lens", lens));
    lines_add(&l, desig(4, "count", count));
    jset(o, "desc_init_c_code", lines_json(&l));

    char *fname = gen_format("%s_to_string", c);
    char *param = gen_format("%s v", c);
    const char *p1[] = {param};
    json_object *f = gen_vmc_function_json("const char *", fname, p1, 1);
    char *cond = gen_format("if ((unsigned)v >= %s)", count);
    jown(f, "check_c_code", cond);
    char *ret = gen_format("return %s[v];", names);
    jown(f, "return_c_code", gen_c_layout_split(4, "return", " ", ret + 7));
    free(ret);
    jset(o, "fn_to_string", f);
    free(fname);
    free(param);

    fname = gen_format("%s_from_string", c);
    param = gen_format("%s *out", c);
    const char *p2[] = {"const char *s", "size_t len", param};
    f = gen_vmc_function_json("eventc_status ", fname, p2, 3);
    char *ref = gen_format("&%s", desc);
    char *finder = gen_format("%s_enum_find_", v->p);
    const char *args[] = {ref, "s", "len"};
    jown(f, "find_c_code", gen_vmc_call_stmt(4, "int i = ", finder, args, 3));
    char *store = gen_format("(%s)i;", c);
    jown(f, "store_c_code", gen_c_layout_split(4, "*out", " = ", store));
    free(store);
    jset(o, "fn_from_string", f);
    free(finder);
    free(ref);
    free(fname);
    free(param);

    free(names);
    free(lens);
    free(desc);
    free(count);
    free(cu);
    free(c);
    return o;
}

/* ---- object types ---- */

static char *type_doc_text(const char *name, const char *description)
{
    return description ? gen_format("`%s`: %s", name, description) : gen_format("`%s`", name);
}

static json_object *object_json(vm *v, const gen_type *t)
{
    char *c = gen_c_type_name(v->p, t->name);
    sbuild b;
    gen_vmc_sbuild_init(&b, c, "obj", v->p);
    jnames(b.o, t->name);
    jtext(b.o, "description", t->description, 0);
    jstr(b.o, "c_type", c);
    jbool(b.o, "is_event", false);
    jbool(b.o, "is_object", true);
    jstr(b.o, "self", "obj");
    char *doc = type_doc_text(t->name, t->description);
    jown(b.o, "doc_c_comment", gen_c_doc_comment(doc, 0));
    free(doc);
    for (size_t i = 0; i < t->n_fields; i++) {
        const gen_field *f = &t->fields[i];
        char *vd = gen_vmc_value_desc(v, &b.vl, f->name, &f->type, NULL);
        gen_vmc_struct_field(v, &b, f, "", vd, true, !f->optional);
        free(vd);
    }
    gen_vmc_struct_functions(&b);
    gen_vmc_struct_desc(v, &b, t->name);
    gen_vmc_sbuild_done(&b);
    free(c);
    return b.o;
}

/* Object types in an order where each comes after the types it holds inline (or points to). */
static void order_objects(const gen_model *m, gen_type *t, bool *done, gen_type **out, size_t *n);

static void order_ref(const gen_model *m, const gen_typeref *r, bool *done, gen_type **out,
                      size_t *n)
{
    if (r->kind == GEN_T_OBJECT && r->named)
        order_objects(m, r->named, done, out, n);
    else if (r->kind == GEN_T_ARRAY && r->items)
        order_ref(m, r->items, done, out, n);
}

static void order_objects(const gen_model *m, gen_type *t, bool *done, gen_type **out, size_t *n)
{
    size_t idx = 0;
    while (idx < m->n_types && m->types[idx] != t)
        idx++;
    if (idx == m->n_types || done[idx])
        return;
    done[idx] = true; /* set first: the checker refused cycles, this only guards the walk */
    for (size_t i = 0; i < t->n_fields; i++)
        order_ref(m, &t->fields[i].type, done, out, n);
    out[(*n)++] = t;
}

/* ---- the envelope and events ---- */

static char *event_doc_text(const gen_event *e)
{
    gen_str s;
    gen_str_init(&s);
    gen_str_printf(&s, "`%s`, an event of aggregate `%s`", e->name, e->aggregate->name);
    if (e->summary)
        gen_str_printf(&s, ": %s", e->summary);
    else
        gen_str_putc(&s, '.');
    if (e->description)
        gen_str_printf(&s, "\n\n%s", e->description);
    const struct {
        const char *title;
        const gen_text_list *l;
    } lists[] = {{"Invariants", &e->invariants},
                 {"Preconditions", &e->preconditions},
                 {"Postconditions", &e->postconditions}};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        if (!lists[i].l->len)
            continue;
        gen_str_printf(&s, "\n\n%s:", lists[i].title);
        if (lists[i].l->len == 1) {
            gen_str_printf(&s, " %s", lists[i].l->items[0]);
        } else {
            for (size_t k = 0; k < lists[i].l->len; k++)
                gen_str_printf(&s, "\n- %s", lists[i].l->items[k]);
        }
    }
    if (e->deprecated || e->since) {
        gen_str_puts(&s, "\n\n");
        if (e->deprecated)
            gen_str_printf(&s, "Deprecated%s%s%s", e->deprecated_reason ? ": " : ".",
                           e->deprecated_reason ? e->deprecated_reason : "", e->since ? " " : "");
        if (e->since)
            gen_str_printf(&s, "Since version %" PRId64 ".", e->since);
    }
    return gen_str_detach(&s);
}

/* `ev->envelope.<role field> = value;`, plus `has_` when the role field is optional. */
static void role_assign(vm *v, sbuild *b, gen_role role, const char *value)
{
    const gen_field *f = v->m->role_fields[role];
    if (!f)
        return;
    lines_add(&b->assign, gen_vmc_assign_stmt(4, b->self, "envelope.", f->name, value));
    ctype c;
    if (f->optional && gen_vmc_ctype_of(v, &f->type, &c)) {
        if (!c.pointer) {
            char *has = gen_format("has_%s", f->name);
            lines_add(&b->assign, gen_vmc_assign_stmt(4, b->self, "envelope.", has, "true"));
            free(has);
        }
        gen_vmc_ctype_free(&c);
    }
}

static json_object *event_json(vm *v, const gen_event *e)
{
    char *snake = gen_snake(e->name);
    char *c = gen_format("%s_%s", v->p, snake);
    sbuild b;
    gen_vmc_sbuild_init(&b, c, "ev", v->p);
    jnames(b.o, e->name);
    jtext(b.o, "summary", e->summary, 0);
    jtext(b.o, "description", e->description, 0);
    jstr(b.o, "c_type", c);
    jbool(b.o, "is_event", true);
    jbool(b.o, "is_object", false);
    jstr(b.o, "self", "ev");
    jint(b.o, "index", (int64_t)e->index);
    jbool(b.o, "deprecated", e->deprecated);
    jtext(b.o, "deprecated_reason", e->deprecated_reason, 0);
    if (e->since)
        jint(b.o, "since", e->since);
    else
        jstr(b.o, "since", NULL);
    char *doc = event_doc_text(e);
    jown(b.o, "doc_c_comment", gen_c_doc_comment(doc, 0));
    free(doc);

    json_object *agg = jobj();
    jnames(agg, e->aggregate->name);
    jstr(agg, "id_field", e->aggregate->id_field);
    jset(b.o, "aggregate", agg);
    bool first = e->aggregate->n_events && e->aggregate->events[0] == e;
    jbool(b.o, "first_of_aggregate", first);
    char *adoc =
        gen_format("Aggregate `%s`%s%s", e->aggregate->name, e->aggregate->description ? ": " : ".",
                   e->aggregate->description ? e->aggregate->description : "");
    jown(b.o, "aggregate_doc_c_comment", gen_c_doc_comment(adoc, 0));
    free(adoc);

    /* Union, kind and type table. */
    char *up = gen_upper(e->name);
    char *kind = gen_format("%s_EVENT_%s", v->up, up);
    jstr(b.o, "kind_const", kind);
    jint(b.o, "kind_value", (int64_t)e->index + 1);
    char *kdoc =
        e->summary ? gen_format("`%s`: %s", e->name, e->summary) : gen_format("`%s`", e->name);
    jown(b.o, "kind_doc_c_comment", gen_c_doc_comment(kdoc, 4));
    free(kdoc);
    char *val = gen_format("%zu,", e->index + 1);
    jown(b.o, "kind_c_code", gen_c_layout_split(4, kind, " = ", val));
    free(val);
    jstr(b.o, "union_member", snake);
    char *um = gen_format("%s;", snake);
    jown(b.o, "union_member_c_code", gen_c_layout_split(8, c, " ", um));
    free(um);
    lines te = {0};
    lines_add(&te, desig_string(8, "name", e->name));
    lines_add(&te, desig_string(8, "aggregate", e->aggregate->name));
    lines_add(&te, desig(8, "kind", kind));
    char *upath = gen_format("as.%s", snake);
    char *ut = gen_format("%s_event", v->p);
    lines_add(&te, desig_offsetof(8, "union_offset", ut, upath));
    free(ut);
    free(upath);
    char *dref = gen_format("&%s_desc", c);
    lines_add(&te, desig(8, "desc", dref));
    free(dref);
    jset(b.o, "type_entry_c_code", lines_json(&te));
    free(kind);
    free(up);

    /* Constructor: the envelope roles first, so the stamp and constants read in one place. */
    const gen_field *at = v->m->role_fields[GEN_ROLE_OCCURRED_AT];
    char *at_ref = gen_format("&ev->envelope.%s", at ? at->name : "occurred_at");
    const char *stamp_args[] = {"stamper", at_ref, "id_", "sizeof id_"};
    jown(b.o, "stamp_c_code", gen_vmc_call_stmt(4, "st_ = ", "eventc_stamp", stamp_args, 4));
    free(at_ref);
    char *lit = gen_c_string_literal(e->name, 0, 1);
    role_assign(v, &b, GEN_ROLE_EVENT_NAME, lit);
    free(lit);
    role_assign(v, &b, GEN_ROLE_EVENT_ID, "id_");
    lit = gen_c_string_literal(e->aggregate->name, 0, 1);
    role_assign(v, &b, GEN_ROLE_AGGREGATE_TYPE, lit);
    free(lit);
    char *ver = gen_c_int64_literal(v->m->version);
    role_assign(v, &b, GEN_ROLE_VERSION, ver);
    free(ver);
    if (at && at->optional) {
        char *has = gen_format("has_%s", at->name);
        lines_add(&b.assign, gen_vmc_assign_stmt(4, "ev", "envelope.", has, "true"));
        free(has);
    }

    for (size_t i = 0; i < v->m->n_envelope; i++) {
        const gen_field *f = &v->m->envelope[i];
        char *vd;
        if (f->role == GEN_ROLE_EVENT_NAME || f->role == GEN_ROLE_AGGREGATE_TYPE)
            vd = gen_vmc_value_desc(v, &b.vl, f->name, &f->type,
                                    f->role == GEN_ROLE_EVENT_NAME ? e->name : e->aggregate->name);
        else
            vd = v->env_refs[i] ? gen_xstrdup(v->env_refs[i]) : NULL;
        gen_vmc_struct_field(v, &b, f, "envelope.", vd, false,
                             f->role == GEN_ROLE_NONE && !f->optional);
        free(vd);
    }
    for (size_t i = 0; i < e->n_fields; i++) {
        const gen_field *f = &e->fields[i];
        char *vd = gen_vmc_value_desc(v, &b.vl, f->name, &f->type, NULL);
        gen_vmc_struct_field(v, &b, f, "", vd, true, !f->optional);
        free(vd);
    }
    const gen_field *agg_id = v->m->role_fields[GEN_ROLE_AGGREGATE_ID];
    if (e->aggregate->id_field && agg_id) {
        char *src = gen_format("ev->%s", e->aggregate->id_field);
        role_assign(v, &b, GEN_ROLE_AGGREGATE_ID, src);
        free(src);
    }
    gen_vmc_struct_functions(&b);
    gen_vmc_struct_desc(v, &b, e->name);
    /* How the event reads its earlier versions (viewmodel_upcast.c). */
    jset(b.o, "upcast_c_code", gen_vm_upcast_code(v->m, e, c));
    char *upcast = gen_format("&%s_upcast_", c);
    jpush_own(json_object_object_get(b.o, "desc_init_c_code"), desig(4, "upcast", upcast));
    free(upcast);
    gen_vmc_sbuild_done(&b);
    free(snake);
    free(c);
    return b.o;
}

static json_object *envelope_json(vm *v)
{
    json_object *o = jobj();
    char *c = gen_format("%s_envelope", v->p);
    jstr(o, "c_type", c);
    jtext(o, "description", v->m->envelope_description, 0);
    char *doc = v->m->envelope_description
                    ? gen_format("The envelope: the fields every event carries. %s",
                                 v->m->envelope_description)
                    : gen_xstrdup("The envelope: the fields every event carries.");
    jown(o, "doc_c_comment", gen_c_doc_comment(doc, 0));
    free(doc);
    json_object *fields = jarr();
    char *array = gen_format("%s_values_", c);
    vlist vl = {jarr(), array, c};
    v->env_refs = gen_xcalloc(v->m->n_envelope + 1, sizeof(*v->env_refs));
    for (size_t i = 0; i < v->m->n_envelope; i++) {
        const gen_field *f = &v->m->envelope[i];
        ctype ct;
        if (!gen_vmc_ctype_of(v, &f->type, &ct))
            continue;
        jpush(fields, gen_vmc_field_json(f, &ct));
        gen_vmc_ctype_free(&ct);
        if (f->role != GEN_ROLE_EVENT_NAME && f->role != GEN_ROLE_AGGREGATE_TYPE)
            v->env_refs[i] = gen_vmc_value_desc(v, &vl, f->name, &f->type, NULL);
    }
    jset(o, "fields", fields);
    jset(o, "value_descs", vl.values);
    jstr(o, "c_values", array);
    char *head = gen_format("%s[] = {", array);
    jown(o, "values_head_c_code",
         gen_c_layout_split(0, "static const eventc_value_desc", " ", head));
    free(head);
    free(array);
    json_object *roles = jobj();
    for (int r = GEN_ROLE_NONE + 1; r < GEN_ROLE_COUNT; r++) {
        const gen_field *f = v->m->role_fields[r];
        jstr(roles, gen_role_name((gen_role)r), f ? f->name : NULL);
    }
    jset(o, "roles", roles);
    free(c);
    return o;
}

/* ---- the event union and the catalog ---- */

static json_object *union_json(vm *v)
{
    json_object *o = jobj();
    char *kind = gen_format("%s_event_kind", v->p);
    char *type = gen_format("%s_event", v->p);
    char *none = gen_format("%s_EVENT_NONE", v->up);
    char *count = gen_format("%s_EVENT_TYPE_COUNT", v->up);
    char *table = gen_format("%s_event_types", v->p);
    char *entry = gen_format("%s_event_entry_", v->p);
    jstr(o, "c_kind_type", kind);
    jstr(o, "c_type", type);
    jstr(o, "none_const", none);
    jstr(o, "count_macro", count);
    jint(o, "count", (int64_t)v->m->n_events);
    jstr(o, "c_types_table", table);
    jstr(o, "c_entry_fn", entry);
    const gen_field *en = v->m->role_fields[GEN_ROLE_EVENT_NAME];
    const char *en_name = en ? en->name : "event_name";
    jown(o, "event_name_c_string", gen_c_string_escape(en_name, strlen(en_name)));
    char *path = gen_format("$.%s", en_name);
    jown(o, "event_name_path_c_string", gen_c_string_escape(path, strlen(path)));
    free(path);
    char *h = gen_format("%s[];", table);
    jown(o, "table_decl_c_code", gen_c_layout_split(0, "extern const eventc_event_entry", " ", h));
    free(h);
    h = gen_format("%s[] = {", table);
    jown(o, "table_head_c_code", gen_c_layout_split(0, "const eventc_event_entry", " ", h));
    free(h);

    char *p_mut = gen_format("%s *ev", type);
    char *p_const = gen_format("const %s *ev", type);
    char *pa = gen_format("const %s *a", type), *pb = gen_format("const %s *b", type);
    char *pk = gen_format("%s kind", kind);
    char *p_dst = gen_format("%s *dst", type), *p_src = gen_format("const %s *src", type);
    const struct {
        const char *key, *ret, *suffix;
        const char *params[5];
        size_t n;
    } fns[] = {
        {"fn_from_json",
         "eventc_status ",
         "_from_json",
         {p_mut, "const char *json", "size_t len", "eventc_error *err"},
         4},
        {"fn_from_json_ex",
         "eventc_status ",
         "_from_json_ex",
         {p_mut, "const char *json", "size_t len", "const eventc_decode_options *opts",
          "eventc_error *err"},
         5},
        {"fn_to_json",
         "eventc_status ",
         "_to_json",
         {p_const, "eventc_buf *out", "eventc_error *err"},
         3},
        {"fn_validate", "eventc_status ", "_validate", {p_const, "eventc_error *err"}, 2},
        {"fn_equal", "int ", "_equal", {pa, pb}, 2},
        {"fn_clear", "void ", "_clear", {p_mut}, 1},
        {"fn_kind_name", "const char *", "_kind_name", {pk}, 1},
        {"fn_copy", "eventc_status ", "_copy", {p_dst, p_src, "eventc_error *err"}, 3},
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        char *name = gen_format("%s%s", type, fns[i].suffix);
        jset(o, fns[i].key, gen_vmc_function_json(fns[i].ret, name, fns[i].params, fns[i].n));
        free(name);
    }
    char *name = gen_format("%s_kind_from_name", type);
    char *ret = gen_format("%s ", kind);
    const char *fp[] = {"const char *name", "size_t len"};
    jset(o, "fn_kind_from_name", gen_vmc_function_json(ret, name, fp, 2));
    free(ret);
    free(name);
    /* The private lookup from kind to table entry. */
    char *pk2 = gen_format("%s kind", kind);
    const char *ep[] = {pk2};
    char *eret = gen_xstrdup("static const eventc_event_entry *");
    json_object *ef = jobj();
    jown(ef, "def_c_code", gen_c_layout_function(0, eret, entry, ep, 1, ""));
    jset(o, "fn_entry", ef);
    free(eret);
    free(pk2);
    char *from = gen_format("%s_from_json_ex", type);
    const char *fa[] = {"ev", "json", "len", "NULL", "err"};
    jown(o, "from_json_body_c_code", gen_vmc_call_stmt(4, "return ", from, fa, 5));
    free(from);
    char *from_name = gen_format("%s_kind_from_name", type);
    const char *ka[] = {"name", "name_len"};
    jown(o, "kind_lookup_c_code", gen_vmc_call_stmt(8, "kind = ", from_name, ka, 2));
    {
        char *tbl = gen_format("%s_event_types", v->p);
        char *cnt = gen_format("%s_EVENT_TYPE_COUNT", v->up);
        char *keylit = gen_c_string_literal(en_name, 0, 1);
        const char *da[] = {tbl,   cnt,    keylit, "(int *)&ev->kind", "ev", "json",
                            "len", "opts", "err"};
        jown(o, "decode_any_c_code", gen_vmc_call_stmt(4, "return ", "eventc_decode_any", da, 9));
        const char *cl[] = {tbl, cnt, "(int *)&ev->kind", "ev"};
        jown(o, "clear_any_c_code", gen_vmc_call_stmt(8, "", "eventc_clear_any", cl, 4));
        const char *cp[] = {tbl, cnt, "(int *)&dst->kind", "dst", "(int)src->kind", "src", "err"};
        jown(o, "copy_any_c_code", gen_vmc_call_stmt(4, "return ", "eventc_copy_any", cp, 7));
        free(tbl);
        free(cnt);
        free(keylit);
    }
    free(from_name);
    char *key = gen_c_string_literal(en_name, 0, 1);
    const char *pa_args[] = {"json", "len", key, "&name", "&name_len", "&escaped", "err"};
    jown(o, "peek_c_code", gen_vmc_call_stmt(4, "st = ", "eventc_peek_string", pa_args, 7));
    free(key);
    char *path_lit = gen_format("\"$.%s\"", en_name);
    const char *ua[] = {"err",           "EVENTC_E_ENUM", path_lit, "\"unknown event name '%.*s'\"",
                        "(int)name_len", "name"};
    jown(o, "unknown_c_code", gen_vmc_call_stmt(8, "st = ", "eventc_error_set", ua, 6));
    free(path_lit);
    char *clear = gen_format("%s_clear", type);
    const char *ca[] = {"ev"};
    jown(o, "clear_c_code", gen_vmc_call_stmt(8, "", clear, ca, 1));
    jown(o, "clear_inner_c_code", gen_vmc_call_stmt(12, "", clear, ca, 1));
    free(clear);
    free(p_mut);
    free(p_const);
    free(pa);
    free(pb);
    free(pk);
    free(p_dst);
    free(p_src);
    free(kind);
    free(type);
    free(none);
    free(count);
    free(table);
    free(entry);
    return o;
}

static json_object *catalog_json(vm *v, const char *header_name)
{
    const gen_model *m = v->m;
    json_object *o = jobj();
    jstr(o, "name", m->name);
    jown(o, "name_c_string", gen_c_string_escape(m->name, strlen(m->name)));
    jstr(o, "prefix", v->p);
    jstr(o, "upper_prefix", v->up);
    jint(o, "version", m->version);
    jtext(o, "title", m->title, 0);
    jtext(o, "description", m->description, 0);
    jbool(o, "additional_properties", m->additional_properties);
    char *info = gen_format("%s_catalog_info", v->p);
    char *var = gen_format("%s_catalog", v->p);
    jstr(o, "c_info_type", info);
    jstr(o, "c_info_var", var);
    char *decl = gen_format("%s %s;", info, var);
    jown(o, "info_decl_c_code", gen_c_layout_split(0, "extern const", " ", decl));
    free(decl);
    char *head = gen_format("%s %s = {", info, var);
    jown(o, "info_head_c_code", gen_c_layout_split(0, "const", " ", head));
    free(head);
    lines l = {0};
    lines_add(&l, desig_string(4, "name", m->name));
    char *ver = gen_c_int64_literal(m->version);
    lines_add(&l, desig(4, "version", ver));
    free(ver);
    lines_add(&l, desig_string(4, "title", m->title ? m->title : ""));
    lines_add(&l, desig_string(4, "description", m->description ? m->description : ""));
    jset(o, "info_init_c_code", lines_json(&l));

    /* The header's own documentation block. */
    gen_str doc;
    gen_str_init(&doc);
    gen_str_printf(&doc, "@file %s\n@brief %s", header_name,
                   m->title ? m->title : "Types and codecs of an event catalog.");
    gen_str_printf(&doc,
                   "\n\nTypes, constructors and JSON codecs of the `%s` event catalog "
                   "(version %" PRId64 ").",
                   m->name, m->version);
    if (m->description)
        gen_str_printf(&doc, "\n\n%s", m->description);
    gen_str_puts(&doc, "\n\nValues own their memory through one arena each: release them with "
                       "the `_clear` functions. See docs/generated-c.md.");
    jown(o, "file_doc_c_comment", gen_c_doc_comment(doc.data, 0));
    gen_str_free(&doc);
    free(info);
    free(var);
    return o;
}

/* ---- lists built while the templates iterate them ---- */

/* What the lazy lists of the events keep: the view model's state (prefixes, the shared value
 * descriptors of the envelope, the pattern table), with diagnostics of its own because the
 * caller's are gone by the time the templates run. */
typedef struct vm_kept {
    vm v;
    gen_diags diags;
} vm_kept;

static void vm_release(vm *v)
{
    gen_vmc_patterns_free(v);
    free(v->up);
    for (size_t i = 0; v->env_refs && i < v->m->n_envelope; i++)
        free(v->env_refs[i]);
    free(v->env_refs);
}

static void vm_kept_free(void *ctx)
{
    vm_kept *k = ctx;
    vm_release(&k->v);
    gen_diags_free(&k->diags);
    free(k);
}

static json_object *event_item(void *ctx, size_t i)
{
    vm_kept *k = ctx;
    return event_json(&k->v, k->v.m->events[i]);
}

typedef struct aggregates_ctx {
    const gen_model *m;
    const char *p;
} aggregates_ctx;

static json_object *aggregate_json(const gen_model *m, const gen_aggregate *a, const char *p)
{
    json_object *ao = jobj();
    jnames(ao, a->name);
    jtext(ao, "description", a->description, 0);
    jstr(ao, "id_field", a->id_field);
    json_object *names = jarr();
    for (size_t k = 0; k < a->n_events; k++)
        jpush(names, jstring(a->events[k]->name));
    jset(ao, "events", names);
    jset(ao, "lifecycle", gen_vm_lifecycle(m, a, p));
    return ao;
}

static json_object *aggregate_item(void *ctx, size_t i)
{
    aggregates_ctx *c = ctx;
    return aggregate_json(c->m, c->m->aggregates[i], c->p);
}

json_object *gen_viewmodel_c(const gen_model *m, const gen_vm_options *opt, gen_diags *diags)
{
    vm v = {m, opt, diags, gen_c_prefix(m), NULL, NULL, false, NULL, NULL, 0, 0};
    v.dfas = jarr();
    v.up = gen_upper(v.p);
    json_object *root = jobj();
    jstr(root, "eventc_version", opt->version);
    jint(root, "abi_version", 1);
    jstr(root, "source", opt->source_path);
    jown(root, "source_c_comment", gen_c_comment_escape(opt->source_path));
    char *header = gen_format("%s.h", m->name);
    char *source = gen_format("%s.c", m->name);
    jstr(root, "header_file", header);
    jstr(root, "source_file", source);
    jown(root, "header_c_string", gen_c_string_escape(header, strlen(header)));
    char *nu = gen_upper(m->name);
    jown(root, "guard", gen_format("EVENTC_GEN_%s_%s_H", v.up, nu));
    free(nu);
    char *banner =
        gen_format("Generated by eventc %s from %s. DO NOT EDIT.", opt->version, opt->source_path);
    char *wrapped = gen_c_comment_wrap(banner, 0, 3);
    jown(root, "banner_c_comment", gen_format("/* %s */", wrapped));
    free(wrapped);
    free(banner);
    char *fn = gen_format("%s_enum_find_", v.p);
    const char *fp[] = {"const eventc_enum_desc *d", "const char *s", "size_t len"};
    jown(root, "enum_find_def_c_code", gen_c_layout_function(0, "static int ", fn, fp, 3, ""));
    free(fn);

    jset(root, "catalog", catalog_json(&v, header));

    json_object *enums = jarr();
    json_object *objects = jarr();
    for (size_t i = 0; i < m->n_types; i++)
        if (m->types[i]->kind == GEN_TYPE_ENUM)
            jpush(enums, enum_json(&v, m->types[i]));
    bool *done = gen_xcalloc(m->n_types + 1, sizeof(*done));
    gen_type **order = gen_xcalloc(m->n_types + 1, sizeof(*order));
    size_t n_order = 0;
    for (size_t i = 0; i < m->n_types; i++)
        if (m->types[i]->kind == GEN_TYPE_OBJECT)
            order_objects(m, m->types[i], done, order, &n_order);
    for (size_t i = 0; i < n_order; i++)
        jpush(objects, object_json(&v, order[i]));
    free(done);
    free(order);
    jbool(root, "has_enums", json_object_array_length(enums) > 0);
    jbool(root, "has_objects", json_object_array_length(objects) > 0);
    jset(root, "enums", enums);
    jset(root, "objects", objects);
    jset(root, "envelope", envelope_json(&v));
    json_object *events = NULL;
    if (opt->lazy) {
        /* Each event once now, for its errors and its pattern automata (the source prints them
         * before the structs), then again whenever a template iterates the events. */
        for (size_t i = 0; i < m->n_events; i++)
            json_object_put(event_json(&v, m->events[i]));
    } else {
        events = jarr();
        for (size_t i = 0; i < m->n_events; i++)
            jpush(events, event_json(&v, m->events[i]));
    }
    jbool(root, "has_events", m->n_events > 0);
    /* In place now, filled below: the keys keep their order in `eventc model`. */
    jset(root, "events", events);
    json_object *aggs = NULL;
    bool has_lifecycles = false;
    for (size_t i = 0; i < m->n_aggregates; i++)
        has_lifecycles = has_lifecycles || m->aggregates[i]->has_lifecycle;
    if (opt->lazy) {
        aggregates_ctx *c = gen_xmalloc(sizeof(*c));
        *c = (aggregates_ctx){m, v.p};
        aggs = jcheck(gen_lazy_list_new(m->n_aggregates, aggregate_item, c, free));
    } else {
        aggs = jarr();
        for (size_t i = 0; i < m->n_aggregates; i++)
            jpush(aggs, aggregate_json(m, m->aggregates[i], v.p));
    }
    jset(root, "aggregates", aggs);
    jbool(root, "has_lifecycles", has_lifecycles);
    jset(root, "event_union", union_json(&v));
    json_object *ce = gen_viewmodel_cloudevents(m, v.p, v.up, opt->lazy, diags);
    if (ce)
        jset(root, "cloudevents", ce);
    else
        v.failed = true;
    json_object *msg = gen_viewmodel_messaging(m, v.p, v.up, opt->lazy, diags);
    if (msg)
        jset(root, "messaging", msg);
    else
        v.failed = true;
    free(header);
    free(source);
    /* The automata of every pattern of the file, once each: the source prints them before the
     * structs that point to them. */
    jset(root, "pattern_dfas", v.dfas);
    if (v.failed) {
        vm_release(&v);
        json_object_put(root);
        return NULL;
    }
    if (opt->lazy) {
        /* The list keeps the state; its diagnostics stay empty, as every event was built once
         * above without an error. */
        vm_kept *k = gen_xmalloc(sizeof(*k));
        k->v = v;
        k->v.opt = NULL;
        gen_diags_init(&k->diags);
        k->v.diags = &k->diags;
        jset(root, "events", jcheck(gen_lazy_list_new(m->n_events, event_item, k, vm_kept_free)));
    } else {
        vm_release(&v);
    }
    return root;
}
