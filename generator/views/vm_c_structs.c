/* The C view of one struct (object type or event): its field table, its descriptor, the
 * constructor's parameters and assignments, and the declarations of its functions. */
#include "vm_c.h"
#include "names/c_names.h"

static bool params_has(const param_list *p, const char *name)
{
    for (size_t i = 0; i < p->len; i++)
        if (strcmp(p->names[i], name) == 0)
            return true;
    return false;
}

/* Adds a parameter; returns its (possibly renamed) name, owned by `p`. */
static const char *params_add(param_list *p, const char *type, const char *name)
{
    /* A reserved name gets one `_` (which keeps it reserved by prefix: `evt_status_`); then
     * only clashes with the other parameters add more. */
    char *n = p->len >= 2 && gen_c_param_name_reserved(name, p->prefix) ? gen_format("%s_", name)
                                                                        : gen_xstrdup(name);
    while (params_has(p, n)) {
        char *m = gen_format("%s_", n);
        free(n);
        n = m;
    }
    if (p->len == p->cap) {
        p->cap = p->cap ? p->cap * 2 : 8;
        p->decls = gen_xrealloc(p->decls, p->cap * sizeof(*p->decls));
        p->names = gen_xrealloc(p->names, p->cap * sizeof(*p->names));
    }
    p->decls[p->len] = gen_c_declaration(type, n);
    p->names[p->len] = n;
    return p->names[p->len++];
}

static void params_free(param_list *p)
{
    for (size_t i = 0; i < p->len; i++) {
        free(p->decls[i]);
        free(p->names[i]);
    }
    free(p->decls);
    free(p->names);
    memset(p, 0, sizeof *p);
}

static void table_entry(sbuild *b, const gen_field *f, const ctype *c, const char *path,
                        const char *value_ref)
{
    lines l = {0};
    lines_add(&l, desig_string(8, "name", f->name));
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", strlen(f->name));
    lines_add(&l, desig(8, "name_len", buf));
    if (f->optional || f->nullable) {
        const char *fl = f->optional && f->nullable ? "EVENTC_FF_OPTIONAL | EVENTC_FF_NULLABLE"
                         : f->optional              ? "EVENTC_FF_OPTIONAL"
                                                    : "EVENTC_FF_NULLABLE";
        lines_add(&l, desig(8, "flags", fl));
    }
    char *member = gen_format("%s%s", path, f->name);
    lines_add(&l, desig_offsetof(8, "offset", b->c_struct, member));
    free(member);
    char *aux = NULL;
    if (f->type.kind == GEN_T_ARRAY)
        aux = gen_format("%sn_%s", path, f->name);
    else if ((f->optional || f->nullable) && !c->pointer)
        aux = gen_format("%shas_%s", path, f->name);
    if (aux)
        lines_add(&l, desig_offsetof(8, "aux_offset", b->c_struct, aux));
    else
        lines_add(&l, desig(8, "aux_offset", "SIZE_MAX"));
    free(aux);
    lines_add(&l, desig(8, "value", value_ref));
    json_object *e = jobj();
    jstr(e, "name", f->name);
    const char *flags = f->optional && f->nullable ? "EVENTC_FF_OPTIONAL | EVENTC_FF_NULLABLE"
                        : f->optional              ? "EVENTC_FF_OPTIONAL"
                        : f->nullable              ? "EVENTC_FF_NULLABLE"
                                                   : "0";
    jstr(e, "c_flags", flags);
    jown(e, "c_offset", gen_format("offsetof(%s, %s%s)", b->c_struct, path, f->name));
    if (f->type.kind == GEN_T_ARRAY)
        jown(e, "c_aux_offset", gen_format("offsetof(%s, %sn_%s)", b->c_struct, path, f->name));
    else if ((f->optional || f->nullable) && !c->pointer)
        jown(e, "c_aux_offset", gen_format("offsetof(%s, %shas_%s)", b->c_struct, path, f->name));
    else
        jstr(e, "c_aux_offset", "SIZE_MAX");
    jstr(e, "c_value", value_ref);
    jset(e, "init_c_code", lines_json(&l));
    jpush(b->table, e);
    b->n_table++;
}

/* `self->path.member = value;` as a laid-out statement at `indent`. */
char *gen_vmc_assign_stmt(unsigned indent, const char *self, const char *path, const char *member,
                          const char *value)
{
    char *lhs = gen_format("%s->%s%s", self, path, member);
    char *rhs = gen_format("%s;", value);
    char *r = gen_c_layout_split(indent, lhs, " = ", rhs);
    free(lhs);
    free(rhs);
    return r;
}

/* Adds a required field to the constructor: its parameter(s), doc and assignments. */
static void init_field(sbuild *b, const gen_field *f, const ctype *c, const char *path)
{
    json_object *p = jobj();
    jstr(p, "field", f->name);
    /* Where the field's member is, from the struct (`envelope.` for envelope fields), and
     * whether the parameter points to a value of the member's type (object types). */
    jstr(p, "c_member_path", path);
    jbool(p, "by_pointer", f->type.kind == GEN_T_OBJECT);
    if (f->type.kind == GEN_T_ARRAY) {
        const char *items = params_add(&b->params, c->param, f->name);
        char *count_name = gen_format("n_%s", f->name);
        const char *count = params_add(&b->params, "size_t", count_name);
        free(count_name);
        jstr(p, "c_name", items);
        jstr(p, "c_type", c->param);
        jown(p, "c_decl", gen_c_declaration(c->param, items));
        jstr(p, "count_c_name", count);
        jown(p, "count_c_decl", gen_c_declaration("size_t", count));
        char *m = gen_format("n_%s", f->name);
        lines_add(&b->assign, gen_vmc_assign_stmt(4, b->self, path, m, count));
        free(m);
        /* The caller's items are const; eventc_own copies them before anything could write. */
        char *cast = gen_format("(void *)%s", items);
        lines_add(&b->assign, gen_vmc_assign_stmt(4, b->self, path, f->name, cast));
        free(cast);
    } else {
        const char *name = params_add(&b->params, c->param, f->name);
        jstr(p, "c_name", name);
        jstr(p, "c_type", c->param);
        jown(p, "c_decl", gen_c_declaration(c->param, name));
        jstr(p, "count_c_name", NULL);
        jstr(p, "count_c_decl", NULL);
        if (f->type.kind == GEN_T_OBJECT) {
            /* A copy of the caller's value, without its arena: eventc_own copies what it points
             * to into the new value's arena. */
            char *cond = gen_format("if (%s != NULL) {", name);
            lines_add(&b->assign, cond);
            char *deref = gen_format("*%s", name);
            char *copy = gen_vmc_assign_stmt(8, b->self, path, f->name, deref);
            lines_add(&b->assign, gen_format("    %s", copy));
            free(copy);
            free(deref);
            char *arena = gen_format("%s.arena_", f->name);
            char *clear = gen_vmc_assign_stmt(8, b->self, path, arena, "NULL");
            lines_add(&b->assign, gen_format("    %s", clear));
            free(clear);
            free(arena);
            lines_add(&b->assign, gen_xstrdup("}"));
        } else {
            lines_add(&b->assign, gen_vmc_assign_stmt(4, b->self, path, f->name, name));
        }
        if ((f->optional || f->nullable) && !c->pointer) {
            char *has = gen_format("has_%s", f->name);
            lines_add(&b->assign, gen_vmc_assign_stmt(4, b->self, path, has, "true"));
            free(has);
        }
    }
    /* Parameter docs: whole `@param name text` lines, wrapped. */
    const char *pname = json_object_get_string(json_object_object_get(p, "c_name"));
    char *doc = gen_vmc_field_doc_text(f, c);
    char *line = gen_format("@param %s %s", pname, doc);
    jown(p, "doc_c_comment", gen_c_comment_wrap(line, 0, 3));
    free(line);
    free(doc);
    const char *count = json_object_get_string(json_object_object_get(p, "count_c_name"));
    if (count) {
        line = gen_format("@param %s the number of items of @p %s", count, pname);
        jown(p, "count_doc_c_comment", gen_c_comment_wrap(line, 0, 3));
        free(line);
    } else {
        jstr(p, "count_doc_c_comment", NULL);
    }
    jpush(b->init_params, p);
}

/* A function's declaration (header, with EVENTC_NODISCARD on statuses) and definition head. */
json_object *gen_vmc_function_json(const char *ret, const char *name, const char *const *params,
                                   size_t n)
{
    json_object *o = jobj();
    jstr(o, "c_name", name);
    bool status = strcmp(ret, "eventc_status ") == 0;
    char *decl_ret = status ? gen_format("EVENTC_NODISCARD %s", ret) : gen_xstrdup(ret);
    jown(o, "decl_c_code", gen_c_layout_function(0, decl_ret, name, params, n, ";"));
    jown(o, "def_c_code", gen_c_layout_function(0, ret, name, params, n, ""));
    free(decl_ret);
    return o;
}

/* `return fn(args);` (or `lhs fn(args);`) at `indent`. */
char *gen_vmc_call_stmt(unsigned indent, const char *lhs, const char *fn, const char *const *args,
                        size_t n)
{
    return gen_c_layout_call(indent, lhs, fn, args, n, ";");
}

/* The functions every struct gets, with their bodies. */
void gen_vmc_struct_functions(sbuild *b)
{
    const char *S = b->c_struct;
    char *desc = gen_format("&%s_desc", S);
    char *p_mut = gen_format("%s *%s", S, b->self);
    char *p_const = gen_format("const %s *%s", S, b->self);
    struct {
        const char *key, *ret, *suffix;
        const char *params[6];
        size_t n;
        const char *lhs, *runtime;
        const char *args[6];
        size_t n_args;
    } fns[] = {
        {"fn_validate",
         "eventc_status ",
         "_validate",
         {p_const, "eventc_error *err"},
         2,
         "return ",
         "eventc_validate",
         {desc, b->self, "err"},
         3},
        {"fn_to_json",
         "eventc_status ",
         "_to_json",
         {p_const, "eventc_buf *out", "eventc_error *err"},
         3,
         "return ",
         "eventc_encode",
         {desc, b->self, "out", "err"},
         4},
        {"fn_from_json",
         "eventc_status ",
         "_from_json",
         {p_mut, "const char *json", "size_t len", "eventc_error *err"},
         4,
         "return ",
         "eventc_decode",
         {desc, b->self, "json", "len", "NULL", "err"},
         6},
        {"fn_from_json_ex",
         "eventc_status ",
         "_from_json_ex",
         {p_mut, "const char *json", "size_t len", "const eventc_decode_options *opts",
          "eventc_error *err"},
         5,
         "return ",
         "eventc_decode",
         {desc, b->self, "json", "len", "opts", "err"},
         6},
        {"fn_equal",
         "int ",
         "_equal",
         {NULL, NULL},
         2,
         "return ",
         "eventc_equal",
         {desc, "a", "b"},
         3},
        {"fn_clear", "void ", "_clear", {p_mut}, 1, "", "eventc_clear", {desc, b->self}, 2},
    };
    char *pa = gen_format("const %s *a", S), *pb = gen_format("const %s *b", S);
    fns[4].params[0] = pa;
    fns[4].params[1] = pb;
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        char *name = gen_format("%s%s", S, fns[i].suffix);
        json_object *f = gen_vmc_function_json(fns[i].ret, name, fns[i].params, fns[i].n);
        jown(f, "body_c_code",
             gen_vmc_call_stmt(4, fns[i].lhs, fns[i].runtime, fns[i].args, fns[i].n_args));
        jset(b->o, fns[i].key, f);
        free(name);
    }
    free(pa);
    free(pb);

    /* The deep copy. */
    char *name = gen_format("%s_copy", S);
    char *p_dst = gen_format("%s *dst", S), *p_src = gen_format("const %s *src", S);
    const char *cp[] = {p_dst, p_src, "eventc_error *err"};
    json_object *f = gen_vmc_function_json("eventc_status ", name, cp, 3);
    const char *copy_args[] = {desc, "dst", "src", "err"};
    jown(f, "body_c_code", gen_vmc_call_stmt(4, "return ", "eventc_copy", copy_args, 4));
    jset(b->o, "fn_copy", f);
    free(name);
    free(p_dst);
    free(p_src);

    /* The constructor. An event's takes its time and id from a stamper in the `_init_ex` form,
     * which holds the body; `_init` calls it with the defaults. */
    bool event = b->params.n_reserved == 3;
    size_t np = b->params.len - b->params.n_reserved;
    const char **ip = gen_xmalloc((np + 3) * sizeof(*ip));
    const char **args = gen_xmalloc((np + 3) * sizeof(*args));
    size_t k = 0, na = 0;
    ip[k++] = p_mut;
    args[na++] = b->self;
    if (event) {
        ip[k++] = "const eventc_stamper *stamper";
        args[na++] = "NULL";
    }
    for (size_t i = 0; i < np; i++) {
        ip[k++] = b->params.decls[i + b->params.n_reserved];
        args[na++] = b->params.names[i + b->params.n_reserved];
    }
    ip[k++] = "eventc_error *err";
    args[na++] = "err";
    name = gen_format(event ? "%s_init_ex" : "%s_init", S);
    f = gen_vmc_function_json("eventc_status ", name, ip, k);
    free(name);
    const char *own_args[] = {desc, b->self, "NULL", "err"};
    jown(f, "own_c_code", gen_vmc_call_stmt(4, "st_ = ", "eventc_own", own_args, 4));
    const char *self_err[] = {b->self, "err"};
    char *fn = gen_format("%s_validate", S);
    jown(f, "validate_c_code", gen_vmc_call_stmt(8, "st_ = ", fn, self_err, 2));
    free(fn);
    fn = gen_format("%s_clear", S);
    jown(f, "clear_c_code", gen_vmc_call_stmt(8, "", fn, self_err, 1));
    free(fn);
    jset(f, "assign_c_code", lines_json(&b->assign));
    if (event) {
        jset(b->o, "fn_init_ex", f);
        /* `_init`: the same parameters but the stamper. */
        const char **ip2 = gen_xmalloc((np + 2) * sizeof(*ip2));
        size_t k2 = 0;
        ip2[k2++] = p_mut;
        for (size_t i = 0; i < np; i++)
            ip2[k2++] = b->params.decls[i + b->params.n_reserved];
        ip2[k2++] = "eventc_error *err";
        name = gen_format("%s_init", S);
        f = gen_vmc_function_json("eventc_status ", name, ip2, k2);
        char *callee = gen_format("%s_init_ex", S);
        jown(f, "call_c_code", gen_vmc_call_stmt(4, "return ", callee, args, na));
        free(callee);
        free(name);
        free(ip2);
    }
    free(ip);
    free(args);
    jset(f, "params", b->init_params);
    size_t n = json_object_array_length(b->init_params);
    for (size_t i = 0; i < n; i++)
        jbool(json_object_array_get_idx(b->init_params, i), "last", i + 1 == n);
    jset(b->o, "fn_init", f);
    b->init_params = NULL;
    free(desc);
    free(p_mut);
    free(p_const);
}

/* The type descriptor and the declarations around a struct. */
void gen_vmc_struct_desc(vm *v, sbuild *b, const char *catalog_name)
{
    const char *S = b->c_struct;
    char *desc = gen_format("%s_desc", S);
    jstr(b->o, "c_desc", desc);
    char *decl = gen_format("%s;", desc);
    jown(b->o, "desc_decl_c_code",
         gen_c_layout_split(0, "extern const eventc_type_desc", " ", decl));
    free(decl);
    char *head = gen_format("%s = {", desc);
    jown(b->o, "desc_head_c_code", gen_c_layout_split(0, "const eventc_type_desc", " ", head));
    free(head);
    char *table = gen_format("%s_fields_", S);
    jstr(b->o, "c_fields_table", table);
    head = gen_format("%s[] = {", table);
    jown(b->o, "table_head_c_code",
         gen_c_layout_split(0, "static const eventc_field_desc", " ", head));
    free(head);
    lines l = {0};
    lines_add(&l, desig_string(4, "name", catalog_name));
    char *size = gen_format("sizeof(%s)", S);
    lines_add(&l, desig(4, "size", size));
    free(size);
    lines_add(&l, desig_offsetof(4, "arena_offset", S, "arena_"));
    lines_add(&l, desig(4, "fields", table));
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", b->n_table);
    lines_add(&l, desig(4, "n_fields", buf));
    lines_add(&l, desig(4, "additional_properties", v->m->additional_properties ? "1" : "0"));
    jset(b->o, "desc_init_c_code", lines_json(&l));
    free(table);
    free(desc);
}

void gen_vmc_sbuild_init(sbuild *b, const char *c_struct, const char *self, const char *prefix)
{
    memset(b, 0, sizeof *b);
    b->o = jobj();
    b->fields = jarr();
    b->table = jarr();
    b->init_params = jarr();
    b->c_struct = c_struct;
    b->c_values = gen_format("%s_values_", c_struct);
    b->vl = (vlist){jarr(), b->c_values, c_struct};
    b->self = self;
    b->params.prefix = prefix;
    /* The constructor's own parameter names come first, so that fields named like them get
     * renamed; struct_functions skips them. An event's constructor also takes a stamper. */
    params_add(&b->params, "", self);
    params_add(&b->params, "", "err");
    if (strcmp(self, "ev") == 0)
        params_add(&b->params, "", "stamper");
    b->params.n_reserved = b->params.len;
}

void gen_vmc_sbuild_done(sbuild *b)
{
    jset(b->o, "fields", b->fields);
    jset(b->o, "value_descs", b->vl.values);
    jstr(b->o, "c_values", b->c_values);
    char *head = gen_format("%s[] = {", b->c_values);
    jown(b->o, "values_head_c_code",
         gen_c_layout_split(0, "static const eventc_value_desc", " ", head));
    free(head);
    free(b->c_values);
    jset(b->o, "field_table", b->table);
    jbool(b->o, "has_fields", b->n_table > 0);
    params_free(&b->params);
    lines_free(&b->assign);
    if (b->init_params)
        json_object_put(b->init_params);
}

/* Adds one field of the struct (own field or envelope field seen from an event). */
void gen_vmc_struct_field(vm *v, sbuild *b, const gen_field *f, const char *path,
                          const char *value_ref, bool own, bool constructor_param)
{
    ctype c;
    if (!gen_vmc_ctype_of(v, &f->type, &c))
        return;
    if (own)
        jpush(b->fields, gen_vmc_field_json(f, &c));
    if (value_ref)
        table_entry(b, f, &c, path, value_ref);
    if (constructor_param)
        init_field(b, f, &c, path);
    gen_vmc_ctype_free(&c);
}
