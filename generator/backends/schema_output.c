/* How the schema back ends write their files: an ordered JSON tree, printed the way
 * JSON.stringify(value, null, 2) prints, so every schema file is stable and easy to diff. */
#include "schema_output.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum jkind { J_OBJ, J_ARR, J_STR, J_RAW } jkind;

struct gen_jnode {
    jkind kind;
    char *text; /* J_STR: the string; J_RAW: the JSON spelling (number, true, false, null) */
    char *key;  /* set when the node is a member of an object */
    gen_jnode *first, *last, *next;
};

static gen_jnode *j_new(jkind k, const char *text)
{
    gen_jnode *n = gen_xcalloc(1, sizeof(*n));
    n->kind = k;
    if (text)
        n->text = gen_xstrdup(text);
    return n;
}

gen_jnode *gen_jnode_obj(void)
{
    return j_new(J_OBJ, NULL);
}

gen_jnode *gen_jnode_arr(void)
{
    return j_new(J_ARR, NULL);
}

gen_jnode *gen_jnode_str(const char *s)
{
    return j_new(J_STR, s);
}

gen_jnode *gen_jnode_raw(const char *s)
{
    return j_new(J_RAW, s);
}

gen_jnode *gen_jnode_bool(bool b)
{
    return gen_jnode_raw(b ? "true" : "false");
}

gen_jnode *gen_jnode_int(int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%" PRId64, v);
    return gen_jnode_raw(buf);
}

gen_jnode *gen_jnode_uint(uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    return gen_jnode_raw(buf);
}

/* Integral values as integers, others in the shortest %g spelling that reads back as the same
 * double. */
gen_jnode *gen_jnode_double(double d)
{
    char buf[40];
    if (d == floor(d) && fabs(d) < 1e17) {
        snprintf(buf, sizeof(buf), "%.0f", d);
        return gen_jnode_raw(buf);
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof(buf), "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return gen_jnode_raw(buf);
}

void gen_jnode_push(gen_jnode *arr, gen_jnode *v)
{
    if (arr->last)
        arr->last->next = v;
    else
        arr->first = v;
    arr->last = v;
}

void gen_jnode_put(gen_jnode *obj, const char *key, gen_jnode *v)
{
    v->key = gen_xstrdup(key);
    gen_jnode_push(obj, v);
}

void gen_jnode_free(gen_jnode *n)
{
    while (n) {
        gen_jnode *next = n->next;
        gen_jnode_free(n->first);
        free(n->text);
        free(n->key);
        free(n);
        n = next;
    }
}

/* JSON.stringify's escaping: quotes, backslashes and control characters; the rest as is. */
static void write_string(gen_str *out, const char *s)
{
    gen_str_putc(out, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            gen_str_puts(out, "\\\"");
            break;
        case '\\':
            gen_str_puts(out, "\\\\");
            break;
        case '\b':
            gen_str_puts(out, "\\b");
            break;
        case '\f':
            gen_str_puts(out, "\\f");
            break;
        case '\n':
            gen_str_puts(out, "\\n");
            break;
        case '\r':
            gen_str_puts(out, "\\r");
            break;
        case '\t':
            gen_str_puts(out, "\\t");
            break;
        default:
            if (*p < 0x20)
                gen_str_printf(out, "\\u%04x", *p);
            else
                gen_str_putc(out, (char)*p);
        }
    }
    gen_str_putc(out, '"');
}

static void indent_to(gen_str *out, int n)
{
    for (int i = 0; i < n; i++)
        gen_str_putc(out, ' ');
}

static void write_node(gen_str *out, const gen_jnode *n, int indent)
{
    switch (n->kind) {
    case J_STR:
        write_string(out, n->text);
        return;
    case J_RAW:
        gen_str_puts(out, n->text);
        return;
    case J_OBJ:
    case J_ARR: {
        char open = n->kind == J_OBJ ? '{' : '[', close = n->kind == J_OBJ ? '}' : ']';
        gen_str_putc(out, open);
        if (!n->first) {
            gen_str_putc(out, close);
            return;
        }
        gen_str_putc(out, '\n');
        for (const gen_jnode *c = n->first; c; c = c->next) {
            indent_to(out, indent + 2);
            if (n->kind == J_OBJ) {
                write_string(out, c->key);
                gen_str_puts(out, ": ");
            }
            write_node(out, c, indent + 2);
            gen_str_puts(out, c->next ? ",\n" : "\n");
        }
        indent_to(out, indent);
        gen_str_putc(out, close);
        return;
    }
    }
}

/* Converts a json-c value (an example) to the tree, keeping member order and number spelling. */
gen_jnode *gen_jnode_from_json(json_object *j)
{
    switch (json_object_get_type(j)) {
    case json_type_null:
        return gen_jnode_raw("null");
    case json_type_boolean:
        return gen_jnode_bool(json_object_get_boolean(j));
    case json_type_int:
    case json_type_double:
        return gen_jnode_raw(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
    case json_type_string:
        return gen_jnode_str(json_object_get_string(j));
    case json_type_array: {
        gen_jnode *a = gen_jnode_arr();
        size_t n = json_object_array_length(j);
        for (size_t i = 0; i < n; i++)
            gen_jnode_push(a, gen_jnode_from_json(json_object_array_get_idx(j, i)));
        return a;
    }
    case json_type_object: {
        gen_jnode *o = gen_jnode_obj();
        json_object_object_foreach(j, key, val)
        {
            gen_jnode_put(o, key, gen_jnode_from_json(val));
        }
        return o;
    }
    }
    return gen_jnode_raw("null");
}

void gen_jnode_write(gen_str *out, const gen_jnode *n)
{
    write_node(out, n, 0);
}

void gen_schema_write_json(gen_str *out, json_object *doc)
{
    gen_jnode *n = gen_jnode_from_json(doc);
    write_node(out, n, 0);
    gen_jnode_free(n);
}
