/* The C view of one field: its C type (codec.h's storage table), its constraints in words and as
 * literals, its value descriptor with pattern automata, and the JSON object templates print for
 * it. */
#include "vm_c.h"
#include "names/c_names.h"

#include <eventc/regex.h>

#include <inttypes.h>
#include <math.h>

void gen_vmc_ctype_free(ctype *c)
{
    free(c->member);
    free(c->param);
    free(c->item);
    memset(c, 0, sizeof *c);
}

/* The C representation of a value type (codec.h's storage table). Arrays of arrays have no storage
 * in the codec contract: reported, and false returned. */
bool gen_vmc_ctype_of(vm *v, const gen_typeref *t, ctype *out)
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
        if (!gen_vmc_ctype_of(v, t->items, &it))
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
        gen_vmc_ctype_free(&it);
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
char *gen_vmc_field_doc_text(const gen_field *f, const ctype *c)
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

struct vm_pattern {
    char *pattern;
    char *name; /* the automaton's name, NULL when the pattern has none */
};

static uint64_t hash_text(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static struct vm_pattern *pattern_slot(vm *v, const char *pattern)
{
    size_t mask = v->cap_patterns - 1;
    for (size_t i = (size_t)hash_text(pattern) & mask;; i = (i + 1) & mask)
        if (!v->patterns[i].pattern || strcmp(v->patterns[i].pattern, pattern) == 0)
            return &v->patterns[i];
}

void gen_vmc_patterns_free(vm *v)
{
    for (size_t i = 0; i < v->cap_patterns; i++) {
        free(v->patterns[i].pattern);
        free(v->patterns[i].name);
    }
    free(v->patterns);
    v->patterns = NULL;
    v->n_patterns = v->cap_patterns = 0;
}

static char *build_dfa(vm *v, const char *pattern);

/* The name of the ASCII automaton of `pattern` (a new string), or NULL when the runtime matches
 * this pattern with its program only (too many states). Each distinct pattern gets one automaton
 * in the file, whatever number of fields use it: a catalog of 5,000 events that all carry a field
 * with the same pattern has one table, not 5,000. */
static char *pattern_dfa(vm *v, const char *pattern)
{
    if ((v->n_patterns + 1) * 2 > v->cap_patterns) {
        struct vm_pattern *old = v->patterns;
        size_t old_cap = v->cap_patterns;
        v->cap_patterns = old_cap ? old_cap * 2 : 16;
        v->patterns = gen_xcalloc(v->cap_patterns, sizeof(*v->patterns));
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].pattern)
                *pattern_slot(v, old[i].pattern) = old[i];
        free(old);
    }
    struct vm_pattern *slot = pattern_slot(v, pattern);
    if (!slot->pattern) {
        slot->pattern = gen_xstrdup(pattern);
        slot->name = build_dfa(v, pattern);
        v->n_patterns++;
    }
    return slot->name ? gen_xstrdup(slot->name) : NULL;
}

/* Emits the ASCII automaton of `pattern` as static data (one byte string holding the class map,
 * the transitions and the state flags) and returns the name of its eventc_regex_dfa, or NULL
 * when it has none. */
static char *build_dfa(vm *v, const char *pattern)
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
    size_t index = json_object_array_length(v->dfas);
    char *data = gen_format("%s_pattern%zu_", v->p, index);
    char *name = gen_format("%s_pattern%zu_dfa_", v->p, index);
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
    jpush(v->dfas, o);
    free(data);
    free(bytes);
    free(st);
    return name;
}

/* Adds the value descriptor of `t` to the struct's list, children first (an array's items before
 * the array). Returns the reference to it ("&array[3]"), or NULL when the type cannot be
 * represented. */
char *gen_vmc_value_desc(vm *v, vlist *vl, const char *label, const gen_typeref *t,
                         const char *const_value)
{
    ctype c;
    if (!gen_vmc_ctype_of(v, t, &c))
        return NULL;
    lines l = {0};
    char *items_ref = NULL;
    if (t->kind == GEN_T_ARRAY) {
        char *items_label = gen_format("%s items", label);
        items_ref = gen_vmc_value_desc(v, vl, items_label, t->items, NULL);
        free(items_label);
        if (!items_ref) {
            gen_vmc_ctype_free(&c);
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
            char *dfa = pattern_dfa(v, t->pattern);
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
    gen_vmc_ctype_free(&c);
    return gen_format("&%s[%zu]", vl->array, index);
}

/* The JSON description of one field: names, types, flags, docs, the struct member lines. */
json_object *gen_vmc_field_json(const gen_field *f, const ctype *c)
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
    char *doc = gen_vmc_field_doc_text(f, c);
    jown(o, "doc_c_comment", gen_c_doc_comment(doc, 4));
    free(doc);
    return o;
}
