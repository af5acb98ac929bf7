/* Internals of the C view model, shared by its files: viewmodel.c (the document: enums, objects,
 * events, the union, the catalog), vm_c_values.c (the C type, constraints and value descriptors
 * of each field) and vm_c_structs.c (the tables, constructor and functions of each struct). */
#ifndef EVENTC_GEN_VM_C_H
#define EVENTC_GEN_VM_C_H

#include "c_text.h"
#include "model/model.h"
#include "names/names.h"
#include "base/util.h"
#include "json_build.h"

#include <json-c/json.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- JSON helpers ---- */

/* Adds `key` (raw text), `key_c_comment` (escaped and wrapped for a comment whose continuation
 * lines start at `indent`) and `key_c_string` (escaped for a string literal); all null when the
 * text is absent. */
static inline void jtext(json_object *o, const char *key, const char *text, unsigned indent)
{
    char k[96];
    jstr(o, key, text);
    snprintf(k, sizeof k, "%s_c_comment", key);
    jown(o, k, text ? gen_c_comment_wrap(text, indent, indent + 4) : NULL);
    snprintf(k, sizeof k, "%s_c_string", key);
    jown(o, k, text ? gen_c_string_escape(text, strlen(text)) : NULL);
}

/* Adds the spellings of a catalog name: as written, snake_case, PascalCase and UPPER_SNAKE. */
static inline void jnames(json_object *o, const char *name)
{
    jstr(o, "name", name);
    jown(o, "snake", gen_snake(name));
    jown(o, "pascal", gen_pascal(name));
    jown(o, "upper", gen_upper(name));
}

/* Appends the strings of a NULL-terminated list to a new JSON array, freeing them. */
static inline json_object *jcode_list(char **lines, size_t n)
{
    json_object *a = jarr();
    for (size_t i = 0; i < n; i++)
        jpush_own(a, lines[i]);
    return a;
}

/* ---- the view model ---- */

typedef struct vm {
    const gen_model *m;
    const struct gen_vm_options *opt; /* viewmodel.h */
    gen_diags *diags;
    const char *p;   /* c_prefix */
    char *up;        /* C_PREFIX */
    char **env_refs; /* per envelope field: its shared value descriptor ("&x_values_[2]") */
    bool failed;
    /* The pattern automata of the whole file, one per distinct pattern (the root's
     * `pattern_dfas`), and a hash table from pattern to the automaton's name (NULL: the pattern
     * has none). */
    json_object *dfas;
    struct vm_pattern *patterns;
    size_t n_patterns, cap_patterns;
} vm;

/* Releases the pattern table of `v` (not `v->dfas`, which the document owns). */
void gen_vmc_patterns_free(vm *v);

/* A growable list of malloc'd strings: the lines of one initializer or body. */
typedef struct lines {
    char **items;
    size_t len, cap;
} lines;

static inline void lines_add(lines *l, char *s)
{
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->items = gen_xrealloc(l->items, l->cap * sizeof(*l->items));
    }
    l->items[l->len++] = s;
}

/* Moves the lines into a JSON array. */
static inline json_object *lines_json(lines *l)
{
    json_object *a = jcode_list(l->items, l->len);
    free(l->items);
    memset(l, 0, sizeof *l);
    return a;
}

static inline void lines_free(lines *l)
{
    for (size_t i = 0; i < l->len; i++)
        free(l->items[i]);
    free(l->items);
    memset(l, 0, sizeof *l);
}

/* `.member = value,` at `indent`, broken after the `=` when too long. */
static inline char *desig(unsigned indent, const char *member, const char *value)
{
    char *left = gen_format(".%s", member);
    char *right = gen_format("%s,", value);
    char *r = gen_c_layout_split(indent, left, " = ", right);
    free(left);
    free(right);
    return r;
}

/* `.member = "text",` with the literal split to fit. */
static inline char *desig_string(unsigned indent, const char *member, const char *text)
{
    unsigned col = indent + (unsigned)strlen(member) + 4;
    char *lit = gen_c_string_literal(text, col, 1);
    char *r = gen_format(".%s = %s,", member, lit);
    free(lit);
    return r;
}

/* `.member = offsetof(type, path),` laid out as clang-format would. */
static inline char *desig_offsetof(unsigned indent, const char *member, const char *type,
                                   const char *path)
{
    char *lhs = gen_format(".%s = ", member);
    const char *args[] = {type, path};
    char *r = gen_c_layout_call(indent, lhs, "offsetof", args, 2, ",");
    free(lhs);
    return r;
}

/* ---- fields (vm_c_values.c) ---- */

/* Ownership-free view of a field's C representation. */
typedef struct ctype {
    const char *ft;   /* EVENTC_FT_* */
    const char *json; /* JSON type */
    char *member;     /* type of the struct member */
    char *param;      /* type of the constructor parameter */
    char *item;       /* arrays: the C type of one item */
    bool pointer;     /* absence is a NULL pointer rather than has_<f> */
} ctype;

/* The value descriptors of one struct: the entries of its static array. */
typedef struct vlist {
    json_object *values; /* entries of `array` */
    const char *array;   /* "msg_customer_created_values_" */
    const char *base;    /* "msg_customer_created" */
} vlist;

void gen_vmc_ctype_free(ctype *c);

/* The C representation of a value type (codec.h's storage table). Arrays of arrays have no storage
 * in the codec contract: reported, and false returned. */
bool gen_vmc_ctype_of(vm *v, const gen_typeref *t, ctype *out);

/* The doc text of a struct member: its description, then the facts a user of the struct needs. */
char *gen_vmc_field_doc_text(const gen_field *f, const ctype *c);

/* Adds the value descriptor of `t` to the struct's list, children first (an array's items before
 * the array). Returns the reference to it ("&array[3]"), or NULL when the type cannot be
 * represented. */
char *gen_vmc_value_desc(vm *v, vlist *vl, const char *label, const gen_typeref *t,
                         const char *const_value);

/* The JSON description of one field: names, types, flags, docs, the struct member lines. */
json_object *gen_vmc_field_json(const gen_field *f, const ctype *c);

/* ---- structs (vm_c_structs.c) ---- */

/* The constructor parameter(s) of a required field: the value, or for arrays the items and their
 * count. Names that would clash with the constructor's own parameters, or hide a name the
 * generated code uses (gen_c_param_name_reserved), get a trailing `_`. */
typedef struct params {
    char **decls; /* "const char *customer_id" */
    char **names;
    size_t len, cap;
    const char *prefix; /* the catalog's C prefix */
    size_t n_reserved;  /* the constructor's own names first: self, err (events: stamper) */
} param_list;

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

/* `self->path.member = value;` as a laid-out statement at `indent`. */
char *gen_vmc_assign_stmt(unsigned indent, const char *self, const char *path, const char *member,
                          const char *value);

/* A function's declaration (header, with EVENTC_NODISCARD on statuses) and definition head. */
json_object *gen_vmc_function_json(const char *ret, const char *name, const char *const *params,
                                   size_t n);

/* `return fn(args);` (or `lhs fn(args);`) at `indent`. */
char *gen_vmc_call_stmt(unsigned indent, const char *lhs, const char *fn, const char *const *args,
                        size_t n);

/* The functions every struct gets, with their bodies. */
void gen_vmc_struct_functions(sbuild *b);

/* The type descriptor and the declarations around a struct. */
void gen_vmc_struct_desc(vm *v, sbuild *b, const char *catalog_name);

void gen_vmc_sbuild_init(sbuild *b, const char *c_struct, const char *self, const char *prefix);

void gen_vmc_sbuild_done(sbuild *b);

/* Adds one field of the struct (own field or envelope field seen from an event). */
void gen_vmc_struct_field(vm *v, sbuild *b, const gen_field *f, const char *path,
                          const char *value_ref, bool own, bool constructor_param);

#endif
