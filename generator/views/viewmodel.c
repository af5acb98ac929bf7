/* The C view model: every name, type, literal and escaped text the C templates print, derived
 * from the checked model in one place, as a JSON document. The text helpers (escaping, wrapping,
 * clang-format's layouts) are in c_text.c. */
#include "viewmodel.h"
#include "c_text.h"
#include "viewmodel_ce.h"
#include "names/c_names.h"
#include "names/names.h"
#include "viewmodel_lifecycle.h"
#include "base/util.h"

#include <eventc/regex.h>
#include <eventc/utf8.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- JSON helpers ------------------------------------------------------------------------------
 */

static void out_of_memory(void)
{
    fputs("eventc: error: out of memory\n", stderr);
    exit(1);
}

static json_object *jcheck(json_object *o)
{
    if (!o)
        out_of_memory();
    return o;
}

static json_object *jobj(void)
{
    return jcheck(json_object_new_object());
}

static json_object *jarr(void)
{
    return jcheck(json_object_new_array());
}

static void jset(json_object *o, const char *key, json_object *v)
{
    if (json_object_object_add(o, key, v) != 0)
        out_of_memory();
}

static void jpush(json_object *a, json_object *v)
{
    if (json_object_array_add(a, v) != 0)
        out_of_memory();
}

static json_object *jstring(const char *s)
{
    return jcheck(json_object_new_string(s));
}

/* Adds a string, or null when `s` is NULL. */
static void jstr(json_object *o, const char *key, const char *s)
{
    jset(o, key, s ? jstring(s) : NULL);
}

/* Adds a malloc'd string and frees it. */
static void jown(json_object *o, const char *key, char *s)
{
    jstr(o, key, s);
    free(s);
}

static void jint(json_object *o, const char *key, int64_t v)
{
    jset(o, key, jcheck(json_object_new_int64(v)));
}

static void jbool(json_object *o, const char *key, bool v)
{
    jset(o, key, jcheck(json_object_new_boolean(v)));
}

static void jpush_own(json_object *a, char *s)
{
    jpush(a, jstring(s));
    free(s);
}

/* Adds `key` (raw text), `key_c_comment` (escaped and wrapped for a comment whose continuation
 * lines start at `indent`) and `key_c_string` (escaped for a string literal); all null when the
 * text is absent. */
static void jtext(json_object *o, const char *key, const char *text, unsigned indent)
{
    char k[96];
    jstr(o, key, text);
    snprintf(k, sizeof k, "%s_c_comment", key);
    jown(o, k, text ? gen_c_comment_wrap(text, indent, indent + 4) : NULL);
    snprintf(k, sizeof k, "%s_c_string", key);
    jown(o, k, text ? gen_c_string_escape(text, strlen(text)) : NULL);
}

/* Adds the spellings of a catalog name: as written, snake_case, PascalCase and UPPER_SNAKE. */
static void jnames(json_object *o, const char *name)
{
    jstr(o, "name", name);
    jown(o, "snake", gen_snake(name));
    jown(o, "pascal", gen_pascal(name));
    jown(o, "upper", gen_upper(name));
}

/* Appends the strings of a NULL-terminated list to a new JSON array, freeing them. */
static json_object *jcode_list(char **lines, size_t n)
{
    json_object *a = jarr();
    for (size_t i = 0; i < n; i++)
        jpush_own(a, lines[i]);
    return a;
}

/* ---- the view model ----------------------------------------------------------------------------
 */

typedef struct vm {
    const gen_model *m;
    const gen_vm_options *opt;
    gen_diags *diags;
    const char *p;   /* c_prefix */
    char *up;        /* C_PREFIX */
    char **env_refs; /* per envelope field: its shared value descriptor ("&x_values_[2]") */
    bool failed;
} vm;

/* A growable list of malloc'd strings: the lines of one initializer or body. */
typedef struct lines {
    char **items;
    size_t len, cap;
} lines;

static void lines_add(lines *l, char *s)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->items = gen_xrealloc(l->items, l->cap * sizeof(*l->items));
    }
    l->items[l->len++] = s;
}

/* Moves the lines into a JSON array. */
static json_object *lines_json(lines *l)
{
    json_object *a = jcode_list(l->items, l->len);
    free(l->items);
    memset(l, 0, sizeof *l);
    return a;
}

static void lines_free(lines *l)
{
    for (size_t i = 0; i < l->len; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
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

/* `.member = "text",` with the literal split to fit. */
static char *desig_string(unsigned indent, const char *member, const char *text)
{
    unsigned col = indent + (unsigned)strlen(member) + 4;
    char *lit = gen_c_string_literal(text, col, 1);
    char *r = gen_format(".%s = %s,", member, lit);
    free(lit);
    return r;
}

/* `.member = offsetof(type, path),` laid out as clang-format would. */
static char *desig_offsetof(unsigned indent, const char *member, const char *type, const char *path)
{
    char *lhs = gen_format(".%s = ", member);
    const char *args[] = {type, path};
    char *r = gen_c_layout_call(indent, lhs, "offsetof", args, 2, ",");
    free(lhs);
    return r;
}

/* Ownership-free view of a field's C representation. */
typedef struct ctype {
    const char *ft;   /* EVENTC_FT_* */
    const char *json; /* JSON type */
    char *member;     /* type of the struct member */
    char *param;      /* type of the constructor parameter */
    char *item;       /* arrays: the C type of one item */
    bool pointer;     /* absence is a NULL pointer rather than has_<f> */
} ctype;

static void ctype_free(ctype *c)
{
    free(c->member);
    free(c->param);
    free(c->item);
    memset(c, 0, sizeof *c);
}

/* The C representation of a value type (codec.h's storage table). Arrays of arrays have no storage
 * in the codec contract: reported, and false returned. */
static bool ctype_of(vm *v, const gen_typeref *t, ctype *out)
{
    memset(out, 0, sizeof *out);
    switch (t->kind) {
    case GEN_T_STRING:
        *out = (ctype){"EVENTC_FT_STRING",          "string", gen_xstrdup("const char *"),
                       gen_xstrdup("const char *"), NULL,     true};
        return true;
    case GEN_T_JSON:
        *out = (ctype){"EVENTC_FT_JSON",
                       "any",
                       gen_xstrdup("const char *"),
                       gen_xstrdup("const char *"),
                       NULL,
                       true};
        return true;
    case GEN_T_INTEGER:
        *out = (ctype){"EVENTC_FT_INT64",      "integer", gen_xstrdup("int64_t"),
                       gen_xstrdup("int64_t"), NULL,      false};
        return true;
    case GEN_T_NUMBER:
        *out = (ctype){"EVENTC_FT_DOUBLE",    "number", gen_xstrdup("double"),
                       gen_xstrdup("double"), NULL,     false};
        return true;
    case GEN_T_BOOLEAN:
        *out = (ctype){"EVENTC_FT_BOOL",    "boolean", gen_xstrdup("bool"),
                       gen_xstrdup("bool"), NULL,      false};
        return true;
    case GEN_T_TIMESTAMP:
        *out = (ctype){"EVENTC_FT_TIMESTAMP",           "string", gen_xstrdup("eventc_timestamp"),
                       gen_xstrdup("eventc_timestamp"), NULL,     false};
        return true;
    case GEN_T_ENUM: {
        char *c = gen_c_type_name(v->p, t->named ? t->named->name : t->name);
        *out = (ctype){"EVENTC_FT_ENUM", "string", c, gen_xstrdup(c), NULL, false};
        return true;
    }
    case GEN_T_OBJECT: {
        char *c = gen_c_type_name(v->p, t->named ? t->named->name : t->name);
        *out = (ctype){"EVENTC_FT_OBJECT", "object", c, gen_format("const %s *", c), NULL, false};
        return true;
    }
    case GEN_T_ARRAY: {
        if (!t->items || t->items->kind == GEN_T_ARRAY) {
            gen_error(v->diags, t->items ? t->items->loc : t->loc,
                      "the C back end cannot represent an array of arrays; wrap the inner array "
                      "in an object type");
            v->failed = true;
            return false;
        }
        ctype it;
        if (!ctype_of(v, t->items, &it))
            return false;
        size_t n = strlen(it.member);
        bool ptr = n && it.member[n - 1] == '*';
        *out =
            (ctype){"EVENTC_FT_ARRAY",
                    "array",
                    gen_format("%s%s*", it.member, ptr ? "" : " "),
                    ptr ? gen_format("%sconst *", it.member) : gen_format("const %s *", it.member),
                    gen_xstrdup(it.member),
                    true};
        ctype_free(&it);
        return true;
    }
    default:
        gen_error(v->diags, t->loc, "type '%s' is not resolved", t->name ? t->name : "?");
        v->failed = true;
        return false;
    }
}

/* Shortest decimal spelling of a double for prose (`0.5`, `10000`). */
static char *num_text(double d)
{
    char buf[64];
    if (d == floor(d) && fabs(d) < 1e15) {
        snprintf(buf, sizeof buf, "%.0f", d);
        return gen_xstrdup(buf);
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return gen_xstrdup(buf);
}

static const char *plural(uint64_t n, const char *one, const char *many)
{
    return n == 1 ? one : many;
}

/* The constraints of a value type in words, for doc comments ("1 to 500 characters."). */
static void constraint_words(const gen_typeref *t, gen_str *out)
{
    switch (t->kind) {
    case GEN_T_STRING:
        if (t->has_min_length && t->has_max_length)
            gen_str_printf(out, " %" PRIu64 " to %" PRIu64 " %s.", t->min_length, t->max_length,
                           plural(t->max_length, "character", "characters"));
        else if (t->has_min_length)
            gen_str_printf(out, " At least %" PRIu64 " %s.", t->min_length,
                           plural(t->min_length, "character", "characters"));
        else if (t->has_max_length)
            gen_str_printf(out, " At most %" PRIu64 " %s.", t->max_length,
                           plural(t->max_length, "character", "characters"));
        if (t->pattern)
            gen_str_printf(out, " Matches `%s`.", t->pattern);
        break;
    case GEN_T_INTEGER:
        if (t->has_minimum && t->has_maximum)
            gen_str_printf(out, " %" PRId64 " to %" PRId64 ".", t->imin, t->imax);
        else if (t->has_minimum)
            gen_str_printf(out, " At least %" PRId64 ".", t->imin);
        else if (t->has_maximum)
            gen_str_printf(out, " At most %" PRId64 ".", t->imax);
        break;
    case GEN_T_NUMBER: {
        struct {
            bool has;
            double v;
            const char *words;
        } b[] = {{t->has_minimum, t->nmin, "at least"},
                 {t->has_exclusive_minimum, t->nexmin, "above"},
                 {t->has_maximum, t->nmax, "at most"},
                 {t->has_exclusive_maximum, t->nexmax, "below"}};
        bool any = false;
        for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
            if (!b[i].has)
                continue;
            char *n = num_text(b[i].v);
            gen_str_printf(out, "%s%s %s", any ? ", " : " ", any ? b[i].words : "", n);
            if (!any) {
                /* Capitalise the first bound's words. */
                out->len -= strlen(n) + 1;
                out->data[out->len] = '\0';
                gen_str_printf(out, "%c%s %s", b[i].words[0] - 'a' + 'A', b[i].words + 1, n);
            }
            free(n);
            any = true;
        }
        if (any)
            gen_str_putc(out, '.');
        break;
    }
    case GEN_T_TIMESTAMP:
        gen_str_puts(out, " UTC.");
        break;
    case GEN_T_JSON:
        gen_str_puts(out, " JSON text (any JSON value, stored minified).");
        break;
    case GEN_T_ARRAY:
        if (t->has_min_items && t->has_max_items)
            gen_str_printf(out, " %" PRIu64 " to %" PRIu64 " %s.", t->min_items, t->max_items,
                           plural(t->max_items, "item", "items"));
        else if (t->has_min_items)
            gen_str_printf(out, " At least %" PRIu64 " %s.", t->min_items,
                           plural(t->min_items, "item", "items"));
        else if (t->has_max_items)
            gen_str_printf(out, " At most %" PRIu64 " %s.", t->max_items,
                           plural(t->max_items, "item", "items"));
        if (t->unique)
            gen_str_puts(out, " Items are unique.");
        if (t->items) {
            gen_str each;
            gen_str_init(&each);
            constraint_words(t->items, &each);
            if (each.len)
                gen_str_printf(out, " Each item:%s", each.data);
            gen_str_free(&each);
        }
        break;
    default:
        break;
    }
}

/* The constraints of a value type, as numbers and as C literals, for custom templates; NULL when
 * the type has none. */
static json_object *constraints_json(const gen_typeref *t)
{
    json_object *o = jobj();
    char buf[32];
    if (t->has_min_length) {
        jint(o, "min_length", (int64_t)t->min_length);
        snprintf(buf, sizeof buf, "%" PRIu64, t->min_length);
        jstr(o, "min_length_c", buf);
    }
    if (t->has_max_length) {
        jint(o, "max_length", (int64_t)t->max_length);
        snprintf(buf, sizeof buf, "%" PRIu64, t->max_length);
        jstr(o, "max_length_c", buf);
    }
    if (t->pattern) {
        jstr(o, "pattern", t->pattern);
        jown(o, "pattern_c_string", gen_c_string_escape(t->pattern, strlen(t->pattern)));
        jown(o, "pattern_c_comment", gen_c_comment_escape(t->pattern));
    }
    if (t->kind == GEN_T_INTEGER) {
        if (t->has_minimum) {
            jint(o, "minimum", t->imin);
            jown(o, "minimum_c", gen_c_int64_literal(t->imin));
        }
        if (t->has_maximum) {
            jint(o, "maximum", t->imax);
            jown(o, "maximum_c", gen_c_int64_literal(t->imax));
        }
    }
    if (t->kind == GEN_T_NUMBER) {
        const struct {
            bool has;
            double d;
            const char *key, *c_key;
        } b[] = {{t->has_minimum, t->nmin, "minimum", "minimum_c"},
                 {t->has_maximum, t->nmax, "maximum", "maximum_c"},
                 {t->has_exclusive_minimum, t->nexmin, "exclusive_minimum", "exclusive_minimum_c"},
                 {t->has_exclusive_maximum, t->nexmax, "exclusive_maximum", "exclusive_maximum_c"}};
        for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
            if (!b[i].has)
                continue;
            jset(o, b[i].key, jcheck(json_object_new_double(b[i].d)));
            jown(o, b[i].c_key, gen_c_double_literal(b[i].d));
        }
    }
    if (t->has_min_items) {
        jint(o, "min_items", (int64_t)t->min_items);
        snprintf(buf, sizeof buf, "%" PRIu64, t->min_items);
        jstr(o, "min_items_c", buf);
    }
    if (t->has_max_items) {
        jint(o, "max_items", (int64_t)t->max_items);
        snprintf(buf, sizeof buf, "%" PRIu64, t->max_items);
        jstr(o, "max_items_c", buf);
    }
    if (t->unique)
        jbool(o, "unique", true);
    if (t->kind == GEN_T_ARRAY && t->items) {
        json_object *items = constraints_json(t->items);
        if (items)
            jset(o, "items", items);
    }
    if (json_object_object_length(o) == 0) {
        json_object_put(o);
        return NULL;
    }
    return o;
}

/* The doc text of a struct member: its description, then the facts a user of the struct needs. */
static char *field_doc_text(const gen_field *f, const ctype *c)
{
    gen_str s;
    gen_str_init(&s);
    if (f->description)
        gen_str_puts(&s, f->description);
    gen_str facts;
    gen_str_init(&facts);
    if (f->role != GEN_ROLE_NONE)
        gen_str_printf(&facts, " Role `%s`, filled by the constructors.", gen_role_name(f->role));
    if (f->optional)
        gen_str_printf(&facts,
                       c->pointer ? " Optional: NULL when absent."
                                  : " Optional: `has_%s` is false when absent.",
                       f->name);
    if (f->nullable)
        gen_str_puts(&facts, " JSON null reads as absent.");
    constraint_words(&f->type, &facts);
    if (f->pii)
        gen_str_puts(&facts, " Personal data (PII).");
    if (f->deprecated)
        gen_str_printf(&facts, " Deprecated%s%s", f->deprecated_reason ? ": " : ".",
                       f->deprecated_reason ? f->deprecated_reason : "");
    if (f->since)
        gen_str_printf(&facts, " Since version %" PRId64 ".", f->since);
    if (facts.len) {
        /* The facts are sentences: end a description that lacks its full stop. */
        if (s.len && !strchr(".!?:", s.data[s.len - 1]))
            gen_str_putc(&s, '.');
        if (s.len)
            gen_str_putc(&s, '\n');
        gen_str_puts(&s, facts.data + 1);
    }
    gen_str_free(&facts);
    if (!s.len)
        gen_str_printf(&s, "`%s`", f->name);
    return gen_str_detach(&s);
}

/* The value descriptors of one struct: the entries of its static array, and the pattern automata
 * they point to. */
typedef struct vlist {
    json_object *values; /* entries of `array` */
    json_object *dfas;   /* static automata */
    const char *array;   /* "msg_customer_created_values_" */
    const char *base;    /* "msg_customer_created" */
} vlist;

/* Emits the ASCII automaton of `pattern` as static data (one byte string holding the class map,
 * the transitions and the state flags) and returns the name of its eventc_regex_dfa, or NULL
 * when the runtime matches this pattern with its program only (too many states). */
static char *pattern_dfa(vlist *vl, size_t index, const char *pattern)
{
    eventc_regex_dfa_storage *st = gen_xmalloc(sizeof(*st));
    if (eventc_regex_dfa_build(pattern, strlen(pattern), st) != EVENTC_OK) {
        free(st);
        return NULL;
    }
    const eventc_regex_dfa *d = &st->dfa;
    size_t n_next = (size_t)d->nstates * d->nclasses;
    size_t n = 128 + n_next + d->nstates;
    unsigned char *bytes = gen_xmalloc(n);
    memcpy(bytes, d->classes, 128);
    memcpy(bytes + 128, d->next, n_next);
    memcpy(bytes + 128 + n_next, d->flags, d->nstates);
    char *data = gen_format("%s_pattern%zu_", vl->base, index);
    char *name = gen_format("%s_pattern%zu_dfa_", vl->base, index);
    json_object *o = jobj();
    jstr(o, "c_data", data);
    jstr(o, "c_dfa", name);
    jstr(o, "pattern", pattern);
    jown(o, "pattern_c_comment", gen_c_comment_escape(pattern));
    char *about = gen_format("The ASCII automaton of `%s`.", pattern);
    char *wrapped = gen_c_comment_wrap(about, 0, 3);
    jown(o, "comment_c_code", gen_format("/* %s */", wrapped));
    free(wrapped);
    free(about);
    /* One line when it fits, else broken after the `=` with the pieces at column 4: the layout
     * clang-format gives a string initializer. */
    char *head = gen_format("static const unsigned char %s[] =", data);
    char *one = gen_c_bytes_literal(bytes, n, (unsigned)strlen(head) + 1, 1);
    if (!strchr(one, '\n') && strlen(head) + 1 + strlen(one) + 1 <= GEN_C_COLUMNS) {
        jown(o, "data_c_code", gen_format("%s %s;", head, one));
    } else {
        char *pieces = gen_c_bytes_literal(bytes, n, 4, 1);
        jown(o, "data_c_code", gen_format("%s\n    %s;", head, pieces));
        free(pieces);
    }
    free(one);
    free(head);
    char *dhead = gen_format("%s = {", name);
    jown(o, "dfa_head_c_code", gen_c_layout_split(0, "static const eventc_regex_dfa", " ", dhead));
    free(dhead);
    lines l = {0};
    char num[64];
    snprintf(num, sizeof num, "%u", d->nstates);
    lines_add(&l, desig(4, "nstates", num));
    snprintf(num, sizeof num, "%u", d->nclasses);
    lines_add(&l, desig(4, "nclasses", num));
    lines_add(&l, desig(4, "classes", data));
    char *expr = gen_format("%s + 128", data);
    lines_add(&l, desig(4, "next", expr));
    free(expr);
    expr = gen_format("%s + %zu", data, 128 + n_next);
    lines_add(&l, desig(4, "flags", expr));
    free(expr);
    jset(o, "dfa_init_c_code", lines_json(&l));
    jpush(vl->dfas, o);
    free(data);
    free(bytes);
    free(st);
    return name;
}

/* Adds the value descriptor of `t` to the struct's list, children first (an array's items before
 * the array). Returns the reference to it ("&array[3]"), or NULL when the type cannot be
 * represented. */
static char *value_desc(vm *v, vlist *vl, const char *label, const gen_typeref *t,
                        const char *const_value)
{
    ctype c;
    if (!ctype_of(v, t, &c))
        return NULL;
    lines l = {0};
    char *items_ref = NULL;
    if (t->kind == GEN_T_ARRAY) {
        char *items_label = gen_format("%s items", label);
        items_ref = value_desc(v, vl, items_label, t->items, NULL);
        free(items_label);
        if (!items_ref) {
            ctype_free(&c);
            return NULL;
        }
    }
    lines_add(&l, desig(8, "type", c.ft));
    const char *flags[9];
    size_t nf = 0;
    if (t->kind == GEN_T_STRING) {
        if (t->has_min_length)
            flags[nf++] = "EVENTC_VF_MIN_LENGTH";
        if (t->has_max_length)
            flags[nf++] = "EVENTC_VF_MAX_LENGTH";
    }
    if (t->kind == GEN_T_INTEGER || t->kind == GEN_T_NUMBER) {
        if (t->has_minimum)
            flags[nf++] = "EVENTC_VF_MINIMUM";
        if (t->has_maximum)
            flags[nf++] = "EVENTC_VF_MAXIMUM";
    }
    if (t->kind == GEN_T_NUMBER) {
        if (t->has_exclusive_minimum)
            flags[nf++] = "EVENTC_VF_EXCLUSIVE_MINIMUM";
        if (t->has_exclusive_maximum)
            flags[nf++] = "EVENTC_VF_EXCLUSIVE_MAXIMUM";
    }
    if (t->kind == GEN_T_ARRAY) {
        if (t->has_min_items)
            flags[nf++] = "EVENTC_VF_MIN_ITEMS";
        if (t->has_max_items)
            flags[nf++] = "EVENTC_VF_MAX_ITEMS";
        if (t->unique)
            flags[nf++] = "EVENTC_VF_UNIQUE";
    }
    if (nf) {
        gen_str fl;
        gen_str_init(&fl);
        for (size_t i = 0; i < nf; i++)
            gen_str_printf(&fl, "%s%s", i ? " | " : "", flags[i]);
        if (8 + strlen(".flags = ") + fl.len + 1 <= GEN_C_COLUMNS) {
            lines_add(&l, desig(8, "flags", fl.data));
        } else {
            /* Only all four number bounds overflow; clang-format breaks the `|` chain after the
             * operator that still fits, aligned after the `=`. */
            gen_str br;
            gen_str_init(&br);
            gen_str_puts(&br, ".flags = ");
            unsigned col = 8 + 9;
            for (size_t i = 0; i < nf; i++) {
                size_t w = strlen(flags[i]) + (i + 1 < nf ? 2 : 1);
                if (i && col + 1 + w > GEN_C_COLUMNS) {
                    gen_str_printf(&br, "\n%*s", 8 + 9, "");
                    col = 8 + 9;
                } else if (i) {
                    gen_str_putc(&br, ' ');
                    col++;
                }
                gen_str_printf(&br, "%s%s", flags[i], i + 1 < nf ? " |" : ",");
                col += (unsigned)w;
            }
            lines_add(&l, gen_str_detach(&br));
        }
        gen_str_free(&fl);
    }
    char buf[64];
    if (t->kind == GEN_T_STRING) {
        if (t->has_min_length) {
            snprintf(buf, sizeof buf, "%" PRIu64, t->min_length);
            lines_add(&l, desig(8, "min_length", buf));
        }
        if (t->has_max_length) {
            snprintf(buf, sizeof buf, "%" PRIu64, t->max_length);
            lines_add(&l, desig(8, "max_length", buf));
        }
        if (t->pattern) {
            lines_add(&l, desig_string(8, "pattern", t->pattern));
            char *dfa = pattern_dfa(vl, json_object_array_length(vl->values), t->pattern);
            if (dfa) {
                char *ref = gen_format("&%s", dfa);
                lines_add(&l, desig(8, "pattern_dfa", ref));
                free(ref);
                free(dfa);
            }
        }
    }
    if (t->kind == GEN_T_INTEGER) {
        if (t->has_minimum) {
            char *lit = gen_c_int64_literal(t->imin);
            lines_add(&l, desig(8, "imin", lit));
            free(lit);
        }
        if (t->has_maximum) {
            char *lit = gen_c_int64_literal(t->imax);
            lines_add(&l, desig(8, "imax", lit));
            free(lit);
        }
    }
    if (t->kind == GEN_T_NUMBER) {
        const struct {
            bool has;
            double d;
            const char *member;
        } b[] = {{t->has_minimum, t->nmin, "nmin"},
                 {t->has_maximum, t->nmax, "nmax"},
                 {t->has_exclusive_minimum, t->nexmin, "nexmin"},
                 {t->has_exclusive_maximum, t->nexmax, "nexmax"}};
        for (size_t i = 0; i < sizeof b / sizeof b[0]; i++) {
            if (!b[i].has)
                continue;
            char *lit = gen_c_double_literal(b[i].d);
            lines_add(&l, desig(8, b[i].member, lit));
            free(lit);
        }
    }
    if (t->kind == GEN_T_ARRAY) {
        if (t->has_min_items) {
            snprintf(buf, sizeof buf, "%" PRIu64, t->min_items);
            lines_add(&l, desig(8, "min_items", buf));
        }
        if (t->has_max_items) {
            snprintf(buf, sizeof buf, "%" PRIu64, t->max_items);
            lines_add(&l, desig(8, "max_items", buf));
        }
    }
    if (const_value)
        lines_add(&l, desig_string(8, "const_value", const_value));
    if (t->kind == GEN_T_ENUM || t->kind == GEN_T_OBJECT) {
        char *ref = gen_format("&%s_desc", c.member);
        lines_add(&l, desig(8, t->kind == GEN_T_ENUM ? "enum_desc" : "object", ref));
        free(ref);
    }
    if (t->kind == GEN_T_ARRAY) {
        if (t->items->kind == GEN_T_OBJECT) {
            char *ref = gen_format("&%s_desc", c.item);
            lines_add(&l, desig(8, "object", ref));
            free(ref);
        }
        lines_add(&l, desig(8, "items", items_ref));
        char *size = gen_format("sizeof(%s)", c.item);
        lines_add(&l, desig(8, "item_size", size));
        free(size);
    }
    size_t index = json_object_array_length(vl->values);
    json_object *o = jobj();
    jint(o, "index", (int64_t)index);
    jstr(o, "label", label);
    jset(o, "init_c_code", lines_json(&l));
    jpush(vl->values, o);
    free(items_ref);
    ctype_free(&c);
    return gen_format("&%s[%zu]", vl->array, index);
}

/* The JSON description of one field: names, types, flags, docs, the struct member lines. */
static json_object *field_json(const gen_field *f, const ctype *c)
{
    json_object *o = jobj();
    jnames(o, f->name);
    jtext(o, "description", f->description, 4);
    jstr(o, "type", f->type.name);
    jstr(o, "kind", gen_kind_name(f->type.kind));
    jstr(o, "json_type", c->json);
    const gen_typeref *items = f->type.kind == GEN_T_ARRAY ? f->type.items : NULL;
    jstr(o, "item_type", items ? items->name : NULL);
    jstr(o, "item_kind", items ? gen_kind_name(items->kind) : NULL);
    jset(o, "constraints", constraints_json(&f->type));
    jown(o, "json_name_c_string", gen_c_string_escape(f->name, strlen(f->name)));
    jint(o, "json_name_len", (int64_t)strlen(f->name));
    jstr(o, "c_type", c->member);
    jstr(o, "c_item_type", c->item);
    jstr(o, "c_member", f->name);
    jown(o, "c_decl", gen_c_declaration(c->member, f->name));
    jstr(o, "c_ftype", c->ft);
    char *aux = NULL;
    const char *aux_type = NULL;
    if (f->type.kind == GEN_T_ARRAY) {
        aux = gen_format("n_%s", f->name);
        aux_type = "size_t";
    } else if ((f->optional || f->nullable) && !c->pointer) {
        aux = gen_format("has_%s", f->name);
        aux_type = "bool";
    }
    jstr(o, "has_member", f->type.kind != GEN_T_ARRAY ? aux : NULL);
    jstr(o, "count_member", f->type.kind == GEN_T_ARRAY ? aux : NULL);
    if (aux) {
        char *decl = gen_format("%s;", aux);
        jown(o, "aux_c_code", gen_c_layout_split(4, aux_type, " ", decl));
        free(decl);
    } else {
        jstr(o, "aux_c_code", NULL);
    }
    free(aux);
    jown(o, "member_c_code", gen_c_layout_member(4, c->member, f->name));
    jbool(o, "optional", f->optional);
    jbool(o, "nullable", f->nullable);
    jbool(o, "pointer", c->pointer);
    jbool(o, "deprecated", f->deprecated);
    jtext(o, "deprecated_reason", f->deprecated_reason, 4);
    jbool(o, "pii", f->pii);
    if (f->since)
        jint(o, "since", f->since);
    else
        jstr(o, "since", NULL);
    jstr(o, "role", f->role != GEN_ROLE_NONE ? gen_role_name(f->role) : NULL);
    jstr(o, "example_json", f->example_json);
    char *doc = field_doc_text(f, c);
    jown(o, "doc_c_comment", gen_c_doc_comment(doc, 4));
    free(doc);
    return o;
}

/* The constructor parameter(s) of a required field: the value, or for arrays the items and their
 * count. Names that would clash with the constructor's own parameters get a trailing `_`. */
typedef struct params {
    char **decls; /* "const char *customer_id" */
    char **names;
    size_t len, cap;
} param_list;

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
    char *n = gen_xstrdup(name);
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

/* Everything the template needs about one struct (object type or event). */
typedef struct sbuild {
    json_object *o;
    json_object *fields;      /* the struct's own fields */
    vlist vl;                 /* static value descriptors and pattern automata */
    json_object *table;       /* entries of the field table */
    json_object *init_params; /* constructor parameters after the struct pointer */
    lines assign;             /* constructor assignments */
    param_list params;        /* names taken in the constructor */
    const char *c_struct;
    char *c_values; /* the static array of the struct's value descriptors */
    const char *self;
    size_t n_table;
} sbuild;

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
static char *assign_stmt(unsigned indent, const char *self, const char *path, const char *member,
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
        lines_add(&b->assign, assign_stmt(4, b->self, path, m, count));
        free(m);
        /* The caller's items are const; eventc_own copies them before anything could write. */
        char *cast = gen_format("(void *)%s", items);
        lines_add(&b->assign, assign_stmt(4, b->self, path, f->name, cast));
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
            char *copy = assign_stmt(8, b->self, path, f->name, deref);
            lines_add(&b->assign, gen_format("    %s", copy));
            free(copy);
            free(deref);
            char *arena = gen_format("%s.arena_", f->name);
            char *clear = assign_stmt(8, b->self, path, arena, "NULL");
            lines_add(&b->assign, gen_format("    %s", clear));
            free(clear);
            free(arena);
            lines_add(&b->assign, gen_xstrdup("}"));
        } else {
            lines_add(&b->assign, assign_stmt(4, b->self, path, f->name, name));
        }
        if ((f->optional || f->nullable) && !c->pointer) {
            char *has = gen_format("has_%s", f->name);
            lines_add(&b->assign, assign_stmt(4, b->self, path, has, "true"));
            free(has);
        }
    }
    /* Parameter docs: whole `@param name text` lines, wrapped. */
    const char *pname = json_object_get_string(json_object_object_get(p, "c_name"));
    char *doc = field_doc_text(f, c);
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
static json_object *function_json(const char *ret, const char *name, const char *const *params,
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
static char *call_stmt(unsigned indent, const char *lhs, const char *fn, const char *const *args,
                       size_t n)
{
    return gen_c_layout_call(indent, lhs, fn, args, n, ";");
}

/* The functions every struct gets, with their bodies. */
static void struct_functions(sbuild *b)
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
        json_object *f = function_json(fns[i].ret, name, fns[i].params, fns[i].n);
        jown(f, "body_c_code",
             call_stmt(4, fns[i].lhs, fns[i].runtime, fns[i].args, fns[i].n_args));
        jset(b->o, fns[i].key, f);
        free(name);
    }
    free(pa);
    free(pb);

    /* The constructor. */
    size_t np = b->params.len - 2; /* the first two are the reserved names */
    const char **ip = gen_xmalloc((np + 2) * sizeof(*ip));
    ip[0] = p_mut;
    for (size_t i = 0; i < np; i++)
        ip[i + 1] = b->params.decls[i + 2];
    ip[np + 1] = "eventc_error *err";
    char *name = gen_format("%s_init", S);
    json_object *f = function_json("eventc_status ", name, ip, np + 2);
    free(name);
    free(ip);
    const char *own_args[] = {desc, b->self, "NULL", "err"};
    jown(f, "own_c_code", call_stmt(4, "st_ = ", "eventc_own", own_args, 4));
    const char *self_err[] = {b->self, "err"};
    char *fn = gen_format("%s_validate", S);
    jown(f, "validate_c_code", call_stmt(8, "st_ = ", fn, self_err, 2));
    free(fn);
    fn = gen_format("%s_clear", S);
    jown(f, "clear_c_code", call_stmt(8, "", fn, self_err, 1));
    free(fn);
    jset(f, "assign_c_code", lines_json(&b->assign));
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
static void struct_desc(vm *v, sbuild *b, const char *catalog_name)
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

static void sbuild_init(sbuild *b, const char *c_struct, const char *self)
{
    memset(b, 0, sizeof *b);
    b->o = jobj();
    b->fields = jarr();
    b->table = jarr();
    b->init_params = jarr();
    b->c_struct = c_struct;
    b->c_values = gen_format("%s_values_", c_struct);
    b->vl = (vlist){jarr(), jarr(), b->c_values, c_struct};
    b->self = self;
    /* The constructor's own parameter names come first, so that fields named like them get
     * renamed; struct_functions skips them. */
    params_add(&b->params, "", self);
    params_add(&b->params, "", "err");
}

static void sbuild_done(sbuild *b)
{
    jset(b->o, "fields", b->fields);
    jset(b->o, "value_descs", b->vl.values);
    jset(b->o, "pattern_dfas", b->vl.dfas);
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
static void struct_field(vm *v, sbuild *b, const gen_field *f, const char *path,
                         const char *value_ref, bool own, bool constructor_param)
{
    ctype c;
    if (!ctype_of(v, &f->type, &c))
        return;
    if (own)
        jpush(b->fields, field_json(f, &c));
    if (value_ref)
        table_entry(b, f, &c, path, value_ref);
    if (constructor_param)
        init_field(b, f, &c, path);
    ctype_free(&c);
}

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
    json_object *f = function_json("const char *", fname, p1, 1);
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
    f = function_json("eventc_status ", fname, p2, 3);
    char *ref = gen_format("&%s", desc);
    char *finder = gen_format("%s_enum_find_", v->p);
    const char *args[] = {ref, "s", "len"};
    jown(f, "find_c_code", call_stmt(4, "int i = ", finder, args, 3));
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
    sbuild_init(&b, c, "obj");
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
        char *vd = value_desc(v, &b.vl, f->name, &f->type, NULL);
        struct_field(v, &b, f, "", vd, true, !f->optional);
        free(vd);
    }
    struct_functions(&b);
    struct_desc(v, &b, t->name);
    sbuild_done(&b);
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
    lines_add(&b->assign, assign_stmt(4, b->self, "envelope.", f->name, value));
    ctype c;
    if (f->optional && ctype_of(v, &f->type, &c)) {
        if (!c.pointer) {
            char *has = gen_format("has_%s", f->name);
            lines_add(&b->assign, assign_stmt(4, b->self, "envelope.", has, "true"));
            free(has);
        }
        ctype_free(&c);
    }
}

static json_object *event_json(vm *v, const gen_event *e)
{
    char *snake = gen_snake(e->name);
    char *c = gen_format("%s_%s", v->p, snake);
    sbuild b;
    sbuild_init(&b, c, "ev");
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
    char *stamp = gen_format("%s_stamp_", v->p);
    const gen_field *at = v->m->role_fields[GEN_ROLE_OCCURRED_AT];
    char *at_ref = gen_format("&ev->envelope.%s", at ? at->name : "occurred_at");
    const char *stamp_args[] = {at_ref, "id_"};
    jown(b.o, "stamp_c_code", call_stmt(4, "st_ = ", stamp, stamp_args, 2));
    free(at_ref);
    free(stamp);
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
        lines_add(&b.assign, assign_stmt(4, "ev", "envelope.", has, "true"));
        free(has);
    }

    for (size_t i = 0; i < v->m->n_envelope; i++) {
        const gen_field *f = &v->m->envelope[i];
        char *vd;
        if (f->role == GEN_ROLE_EVENT_NAME || f->role == GEN_ROLE_AGGREGATE_TYPE)
            vd = value_desc(v, &b.vl, f->name, &f->type,
                            f->role == GEN_ROLE_EVENT_NAME ? e->name : e->aggregate->name);
        else
            vd = v->env_refs[i] ? gen_xstrdup(v->env_refs[i]) : NULL;
        struct_field(v, &b, f, "envelope.", vd, false, f->role == GEN_ROLE_NONE && !f->optional);
        free(vd);
    }
    for (size_t i = 0; i < e->n_fields; i++) {
        const gen_field *f = &e->fields[i];
        char *vd = value_desc(v, &b.vl, f->name, &f->type, NULL);
        struct_field(v, &b, f, "", vd, true, !f->optional);
        free(vd);
    }
    const gen_field *agg_id = v->m->role_fields[GEN_ROLE_AGGREGATE_ID];
    if (e->aggregate->id_field && agg_id) {
        char *src = gen_format("ev->%s", e->aggregate->id_field);
        role_assign(v, &b, GEN_ROLE_AGGREGATE_ID, src);
        free(src);
    }
    struct_functions(&b);
    struct_desc(v, &b, e->name);
    sbuild_done(&b);
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
    vlist vl = {jarr(), jarr(), array, c};
    v->env_refs = gen_xcalloc(v->m->n_envelope + 1, sizeof(*v->env_refs));
    for (size_t i = 0; i < v->m->n_envelope; i++) {
        const gen_field *f = &v->m->envelope[i];
        ctype ct;
        if (!ctype_of(v, &f->type, &ct))
            continue;
        jpush(fields, field_json(f, &ct));
        ctype_free(&ct);
        if (f->role != GEN_ROLE_EVENT_NAME && f->role != GEN_ROLE_AGGREGATE_TYPE)
            v->env_refs[i] = value_desc(v, &vl, f->name, &f->type, NULL);
    }
    jset(o, "fields", fields);
    jset(o, "value_descs", vl.values);
    jset(o, "pattern_dfas", vl.dfas);
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
    };
    for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
        char *name = gen_format("%s%s", type, fns[i].suffix);
        jset(o, fns[i].key, function_json(fns[i].ret, name, fns[i].params, fns[i].n));
        free(name);
    }
    char *name = gen_format("%s_kind_from_name", type);
    char *ret = gen_format("%s ", kind);
    const char *fp[] = {"const char *name", "size_t len"};
    jset(o, "fn_kind_from_name", function_json(ret, name, fp, 2));
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
    jown(o, "from_json_body_c_code", call_stmt(4, "return ", from, fa, 5));
    free(from);
    char *from_name = gen_format("%s_kind_from_name", type);
    const char *ka[] = {"name", "name_len"};
    jown(o, "kind_lookup_c_code", call_stmt(8, "kind = ", from_name, ka, 2));
    {
        char *tbl = gen_format("%s_event_types", v->p);
        char *cnt = gen_format("%s_EVENT_TYPE_COUNT", v->up);
        char *keylit = gen_c_string_literal(en_name, 0, 1);
        const char *da[] = {tbl,   cnt,    keylit, "(int *)&ev->kind", "ev", "json",
                            "len", "opts", "err"};
        jown(o, "decode_any_c_code", call_stmt(4, "return ", "eventc_decode_any", da, 9));
        free(tbl);
        free(cnt);
        free(keylit);
    }
    free(from_name);
    char *key = gen_c_string_literal(en_name, 0, 1);
    const char *pa_args[] = {"json", "len", key, "&name", "&name_len", "&escaped", "err"};
    jown(o, "peek_c_code", call_stmt(4, "st = ", "eventc_peek_string", pa_args, 7));
    free(key);
    char *path_lit = gen_format("\"$.%s\"", en_name);
    const char *ua[] = {"err",           "EVENTC_E_ENUM", path_lit, "\"unknown event name '%.*s'\"",
                        "(int)name_len", "name"};
    jown(o, "unknown_c_code", call_stmt(8, "st = ", "eventc_error_set", ua, 6));
    free(path_lit);
    char *clear = gen_format("%s_clear", type);
    const char *ca[] = {"ev"};
    jown(o, "clear_c_code", call_stmt(8, "", clear, ca, 1));
    jown(o, "clear_inner_c_code", call_stmt(12, "", clear, ca, 1));
    free(clear);
    free(p_mut);
    free(p_const);
    free(pa);
    free(pb);
    free(pk);
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

json_object *gen_viewmodel_c(const gen_model *m, const gen_vm_options *opt, gen_diags *diags)
{
    vm v = {m, opt, diags, gen_c_prefix(m), NULL, NULL, false};
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
    char *fn = gen_format("%s_stamp_", v.p);
    const char *sp[] = {"eventc_timestamp *at", "char id[EVENTC_ULID_LEN + 1]"};
    jown(root, "stamp_def_c_code",
         gen_c_layout_function(0, "static eventc_status ", fn, sp, 2, ""));
    free(fn);
    fn = gen_format("%s_enum_find_", v.p);
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
    json_object *events = jarr();
    for (size_t i = 0; i < m->n_events; i++)
        jpush(events, event_json(&v, m->events[i]));
    jbool(root, "has_events", m->n_events > 0);
    jset(root, "events", events);
    json_object *aggs = jarr();
    bool has_lifecycles = false;
    for (size_t i = 0; i < m->n_aggregates; i++) {
        const gen_aggregate *a = m->aggregates[i];
        json_object *ao = jobj();
        jnames(ao, a->name);
        jtext(ao, "description", a->description, 0);
        jstr(ao, "id_field", a->id_field);
        json_object *names = jarr();
        for (size_t k = 0; k < a->n_events; k++)
            jpush(names, jstring(a->events[k]->name));
        jset(ao, "events", names);
        json_object *lifecycle = gen_vm_lifecycle(m, a, v.p);
        has_lifecycles = has_lifecycles || lifecycle;
        jset(ao, "lifecycle", lifecycle);
        jpush(aggs, ao);
    }
    jset(root, "aggregates", aggs);
    jbool(root, "has_lifecycles", has_lifecycles);
    jset(root, "event_union", union_json(&v));
    json_object *ce = gen_viewmodel_cloudevents(m, v.p, v.up, diags);
    if (ce)
        jset(root, "cloudevents", ce);
    else
        v.failed = true;
    free(header);
    free(source);
    free(v.up);
    for (size_t i = 0; v.env_refs && i < m->n_envelope; i++)
        free(v.env_refs[i]);
    free(v.env_refs);
    if (v.failed) {
        json_object_put(root);
        return NULL;
    }
    return root;
}
