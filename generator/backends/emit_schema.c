/* The JSON Schema back end. Each schema is built as a small ordered JSON tree and printed the way
 * JSON.stringify(value, null, 2) prints, so the output is stable and easy to diff. Every keyword
 * mirrors one rule of the runtime decoder (runtime/src/codec_decode.c, codec_rules.c): where a
 * rule cannot be stated in JSON Schema, docs/json-schema.md says so. */
#include "emit_schema.h"
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

/* ---- an ordered JSON tree ------------------------------------------------------------------ */

typedef enum jkind { J_OBJ, J_ARR, J_STR, J_RAW } jkind;

typedef struct jnode jnode;
struct jnode {
    jkind kind;
    char *text; /* J_STR: the string; J_RAW: the JSON spelling (number, true, false, null) */
    char *key;  /* set when the node is a member of an object */
    jnode *first, *last, *next;
};

static jnode *j_new(jkind k, const char *text)
{
    jnode *n = gen_xcalloc(1, sizeof(*n));
    n->kind = k;
    if (text)
        n->text = gen_xstrdup(text);
    return n;
}

static jnode *j_obj(void)
{
    return j_new(J_OBJ, NULL);
}

static jnode *j_arr(void)
{
    return j_new(J_ARR, NULL);
}

static jnode *j_str(const char *s)
{
    return j_new(J_STR, s);
}

static jnode *j_raw(const char *s)
{
    return j_new(J_RAW, s);
}

static jnode *j_bool(bool b)
{
    return j_raw(b ? "true" : "false");
}

static jnode *j_int(int64_t v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%" PRId64, v);
    return j_raw(buf);
}

static jnode *j_uint(uint64_t v)
{
    char buf[32];
    snprintf(buf, sizeof(buf), "%" PRIu64, v);
    return j_raw(buf);
}

/* Integral values as integers, others in the shortest %g spelling that reads back as the same
 * double. */
static jnode *j_double(double d)
{
    char buf[40];
    if (d == floor(d) && fabs(d) < 1e17) {
        snprintf(buf, sizeof(buf), "%.0f", d);
        return j_raw(buf);
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof(buf), "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    return j_raw(buf);
}

static void j_push(jnode *arr, jnode *v)
{
    if (arr->last)
        arr->last->next = v;
    else
        arr->first = v;
    arr->last = v;
}

static void j_put(jnode *obj, const char *key, jnode *v)
{
    v->key = gen_xstrdup(key);
    j_push(obj, v);
}

static void j_free(jnode *n)
{
    while (n) {
        jnode *next = n->next;
        j_free(n->first);
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

static void write_node(gen_str *out, const jnode *n, int indent)
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
        for (const jnode *c = n->first; c; c = c->next) {
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
static jnode *from_json_c(json_object *j)
{
    switch (json_object_get_type(j)) {
    case json_type_null:
        return j_raw("null");
    case json_type_boolean:
        return j_bool(json_object_get_boolean(j));
    case json_type_int:
    case json_type_double:
        return j_raw(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
    case json_type_string:
        return j_str(json_object_get_string(j));
    case json_type_array: {
        jnode *a = j_arr();
        size_t n = json_object_array_length(j);
        for (size_t i = 0; i < n; i++)
            j_push(a, from_json_c(json_object_array_get_idx(j, i)));
        return a;
    }
    case json_type_object: {
        jnode *o = j_obj();
        json_object_object_foreach(j, key, val)
        {
            j_put(o, key, from_json_c(val));
        }
        return o;
    }
    }
    return j_raw("null");
}

void gen_schema_write_json(gen_str *out, json_object *doc)
{
    jnode *n = from_json_c(doc);
    write_node(out, n, 0);
    j_free(n);
}

/* ---- patterns ------------------------------------------------------------------------------ */

const char gen_schema_timestamp_pattern[] =
    "^(?:[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    "|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)"
    "|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    "|(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[048]|[2468][048]|[13579][26])00)-02-29)"
    "T(?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](?:\\.[0-9]{1,9})?Z$";

typedef struct cp_range {
    uint32_t lo, hi;
} cp_range;

#define MAX_CP 0x10FFFFu

/* The ECMAScript sets of \d, \w and \s (the runtime engine uses the same ones). */
static const cp_range digit_set[] = {{0x30, 0x39}};
static const cp_range word_set[] = {{0x30, 0x39}, {0x41, 0x5A}, {0x5F, 0x5F}, {0x61, 0x7A}};
static const cp_range space_set[] = {
    {0x09, 0x0D},     {0x20, 0x20},     {0xA0, 0xA0},     {0x1680, 0x1680}, {0x2000, 0x200A},
    {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};
/* What `.` matches is everything but the line terminators. */
static const cp_range line_terminators[] = {{0x0A, 0x0A}, {0x0D, 0x0D}, {0x2028, 0x2029}};

static bool in_space_set(uint32_t cp)
{
    for (size_t i = 0; i < sizeof(space_set) / sizeof(space_set[0]); i++)
        if (cp >= space_set[i].lo && cp <= space_set[i].hi)
            return true;
    return false;
}

static bool is_syntax_char(int c)
{
    return c != 0 && strchr("^$\\.*+?()[]{}|", c) != NULL;
}

/* Writes one code point so that ECMAScript (u flag), Python and the runtime read it as that
 * literal code point, inside or outside a class. */
static void put_cp(gen_str *out, uint32_t cp, bool in_class)
{
    if (cp < 0x80) {
        char c = (char)cp;
        switch (c) {
        case '\t':
            gen_str_puts(out, "\\t");
            return;
        case '\n':
            gen_str_puts(out, "\\n");
            return;
        case '\v':
            gen_str_puts(out, "\\v");
            return;
        case '\f':
            gen_str_puts(out, "\\f");
            return;
        case '\r':
            gen_str_puts(out, "\\r");
            return;
        default:
            break;
        }
        if (cp < 0x20 || cp == 0x7F) {
            gen_str_printf(out, "\\x%02X", (unsigned)cp);
        } else if (is_syntax_char(c) || (in_class && (c == '-' || c == '/'))) {
            gen_str_putc(out, '\\');
            gen_str_putc(out, c);
        } else if (in_class && (c == '&' || c == '~')) {
            /* Python warns about `&&` and `~~` in a class (future set operations), and
             * ECMAScript's u flag refuses `\&`: a hex escape suits both. */
            gen_str_printf(out, "\\x%02X", (unsigned)cp);
        } else {
            gen_str_putc(out, c);
        }
        return;
    }
    if (cp < 0x10000 && ((cp >= 0xD800 && cp <= 0xDFFF) || cp < 0xA0 || in_space_set(cp))) {
        gen_str_printf(out, "\\u%04X", (unsigned)cp);
        return;
    }
    /* Beyond the BMP neither \u{...} (Python lacks it) nor \U (ECMAScript lacks it) is portable;
     * the character itself is. */
    char buf[4];
    size_t n = eventc_utf8_encode(cp, buf);
    gen_str_append(out, buf, n);
}

static void put_ranges(gen_str *out, const cp_range *r, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        put_cp(out, r[i].lo, true);
        if (r[i].hi != r[i].lo) {
            gen_str_putc(out, '-');
            put_cp(out, r[i].hi, true);
        }
    }
}

/* The complement of a sorted list of disjoint ranges, over all code points. */
static void put_complement(gen_str *out, const cp_range *r, size_t n)
{
    uint32_t next = 0;
    for (size_t i = 0; i < n; i++) {
        if (r[i].lo > next) {
            cp_range c = {next, r[i].lo - 1};
            put_ranges(out, &c, 1);
        }
        next = r[i].hi + 1;
    }
    if (next <= MAX_CP) {
        cp_range c = {next, MAX_CP};
        put_ranges(out, &c, 1);
    }
}

/* The members of a class escape (`\d` ...), for use inside brackets. */
static void put_set_members(gen_str *out, char letter)
{
    const cp_range *set;
    size_t n;
    switch (letter) {
    case 'd':
    case 'D':
        set = digit_set;
        n = sizeof(digit_set) / sizeof(digit_set[0]);
        break;
    case 'w':
    case 'W':
        set = word_set;
        n = sizeof(word_set) / sizeof(word_set[0]);
        break;
    default:
        set = space_set;
        n = sizeof(space_set) / sizeof(space_set[0]);
        break;
    }
    if (letter == 'd' || letter == 'w' || letter == 's')
        put_ranges(out, set, n);
    else
        put_complement(out, set, n);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static long hex_fixed(const char *p, size_t at, size_t len, unsigned count)
{
    long v = 0;
    if (at > len || len - at < count)
        return -1;
    for (unsigned i = 0; i < count; i++) {
        int d = hexval(p[at + i]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Decodes the character escape whose backslash is at p[*i] (the pattern was checked, so it is
 * well formed) and advances past it. */
static uint32_t char_escape(const char *p, size_t len, size_t *i)
{
    char c = p[*i + 1];
    *i += 2;
    switch (c) {
    case 'f':
        return 0x0C;
    case 'n':
        return 0x0A;
    case 'r':
        return 0x0D;
    case 't':
        return 0x09;
    case 'v':
        return 0x0B;
    case '0':
        return 0;
    case 'x': {
        long v = hex_fixed(p, *i, len, 2);
        *i += 2;
        return (uint32_t)v;
    }
    case 'u': {
        if (*i < len && p[*i] == '{') {
            uint32_t acc = 0;
            (*i)++;
            while (*i < len && p[*i] != '}')
                acc = acc * 16 + (uint32_t)hexval(p[(*i)++]);
            (*i)++;
            return acc;
        }
        long v = hex_fixed(p, *i, len, 4);
        *i += 4;
        if (v >= 0xD800 && v <= 0xDBFF && len - *i >= 6 && p[*i] == '\\' && p[*i + 1] == 'u') {
            long trail = hex_fixed(p, *i + 2, len, 4);
            if (trail >= 0xDC00 && trail <= 0xDFFF) {
                *i += 6;
                return (uint32_t)(0x10000 + ((v - 0xD800) << 10) + (trail - 0xDC00));
            }
        }
        return (uint32_t)v;
    }
    default:
        return (uint32_t)(unsigned char)c; /* an escaped syntax character, `/` or `-` */
    }
}

static bool is_class_letter(char c)
{
    return c && strchr("dDwWsS", c) != NULL;
}

/* One class atom at p[*i]: a code point, or a class escape letter in *set. */
static uint32_t class_atom(const char *p, size_t len, size_t *i, char *set)
{
    *set = 0;
    if (p[*i] == '\\') {
        if (is_class_letter(p[*i + 1])) {
            *set = p[*i + 1];
            *i += 2;
            return 0;
        }
        return char_escape(p, len, i);
    }
    uint32_t cp = 0;
    int k = eventc_utf8_decode(p + *i, len - *i, &cp);
    *i += k > 0 ? (size_t)k : 1;
    return cp;
}

static void translate_class(gen_str *out, const char *p, size_t len, size_t *i)
{
    bool negated = false;
    (*i)++;
    if (*i < len && p[*i] == '^') {
        negated = true;
        (*i)++;
    }
    gen_str body;
    gen_str_init(&body);
    while (*i < len && p[*i] != ']') {
        char aset, bset;
        uint32_t a = class_atom(p, len, i, &aset);
        if (*i + 1 < len && p[*i] == '-' && p[*i + 1] != ']') {
            (*i)++;
            uint32_t b = class_atom(p, len, i, &bset);
            cp_range r = {a, b};
            put_ranges(&body, &r, 1);
        } else if (aset) {
            put_set_members(&body, aset);
        } else {
            put_cp(&body, a, true);
        }
    }
    (*i)++; /* the closing bracket */
    if (body.len == 0) {
        /* `[]` matches nothing and `[^]` any character; Python has neither spelling. */
        negated = !negated;
        cp_range all = {0, MAX_CP};
        put_ranges(&body, &all, 1);
    }
    gen_str_puts(out, negated ? "[^" : "[");
    gen_str_append(out, body.data, body.len);
    gen_str_putc(out, ']');
    gen_str_free(&body);
}

char *gen_schema_portable_pattern(const char *pattern)
{
    size_t len = strlen(pattern);
    if (eventc_regex_check(pattern, len, NULL) != EVENTC_OK)
        return gen_xstrdup(pattern);
    gen_str out;
    gen_str_init(&out);
    size_t i = 0;
    while (i < len) {
        char c = pattern[i];
        if (c == '\\') {
            char e = pattern[i + 1];
            if (is_class_letter(e)) {
                gen_str_puts(&out, e == 'd' || e == 'w' || e == 's' ? "[" : "[^");
                put_set_members(&out, (char)(e | 0x20));
                gen_str_putc(&out, ']');
                i += 2;
            } else if (is_syntax_char(e)) {
                gen_str_putc(&out, '\\');
                gen_str_putc(&out, e);
                i += 2;
            } else {
                put_cp(&out, char_escape(pattern, len, &i), false);
            }
        } else if (c == '.') {
            gen_str_puts(&out, "[^");
            put_ranges(&out, line_terminators,
                       sizeof(line_terminators) / sizeof(line_terminators[0]));
            gen_str_putc(&out, ']');
            i++;
        } else if (c == '[') {
            translate_class(&out, pattern, len, &i);
        } else {
            gen_str_putc(&out, c);
            i++;
        }
    }
    return gen_str_detach(&out);
}

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
static jnode *j_text(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' ' || s[n - 1] == '\r' || s[n - 1] == '\t'))
        n--;
    char *t = gen_xstrndup(s, n);
    jnode *j = j_str(t);
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

static jnode *j_type(const char *t, bool nullable)
{
    if (!nullable)
        return j_str(t);
    jnode *a = j_arr();
    j_push(a, j_str(t));
    j_push(a, j_str("null"));
    return a;
}

/* Puts the keywords of a value of type `t` into schema `s`. `konst` (a role's required value)
 * and `values` (the aggregate names of the envelope) narrow strings further. */
static void add_type(const ectx *x, jnode *s, const gen_typeref *t, bool nullable,
                     const char *konst, jnode *values)
{
    switch (t->kind) {
    case GEN_T_STRING:
        j_put(s, "type", j_type("string", nullable));
        if (konst)
            j_put(s, "const", j_str(konst));
        if (values)
            j_put(s, "enum", values);
        if (t->has_min_length)
            j_put(s, "minLength", j_uint(t->min_length));
        if (t->has_max_length)
            j_put(s, "maxLength", j_uint(t->max_length));
        if (t->pattern) {
            char *p = gen_schema_portable_pattern(t->pattern);
            j_put(s, "pattern", j_str(p));
            free(p);
        }
        return;
    case GEN_T_INTEGER:
        /* The decoder reads integers into int64_t and refuses anything outside. */
        j_put(s, "type", j_type("integer", nullable));
        j_put(s, "minimum", j_int(t->has_minimum ? t->imin : INT64_MIN));
        j_put(s, "maximum", j_int(t->has_maximum ? t->imax : INT64_MAX));
        return;
    case GEN_T_NUMBER:
        j_put(s, "type", j_type("number", nullable));
        if (t->has_minimum)
            j_put(s, "minimum", j_double(t->nmin));
        if (t->has_exclusive_minimum)
            j_put(s, "exclusiveMinimum", j_double(t->nexmin));
        if (t->has_maximum)
            j_put(s, "maximum", j_double(t->nmax));
        if (t->has_exclusive_maximum)
            j_put(s, "exclusiveMaximum", j_double(t->nexmax));
        return;
    case GEN_T_BOOLEAN:
        j_put(s, "type", j_type("boolean", nullable));
        return;
    case GEN_T_TIMESTAMP:
        /* `format` alone is an annotation for many validators (and looser than the decoder);
         * the pattern states the whole rule. */
        j_put(s, "type", j_type("string", nullable));
        j_put(s, "format", j_str("date-time"));
        j_put(s, "pattern", j_str(gen_schema_timestamp_pattern));
        return;
    case GEN_T_ENUM: {
        j_put(s, "type", j_type("string", nullable));
        jnode *e = j_arr();
        for (size_t i = 0; i < t->named->n_values; i++)
            j_push(e, j_str(t->named->values[i].name));
        if (nullable)
            j_push(e, j_raw("null"));
        j_put(s, "enum", e);
        return;
    }
    case GEN_T_OBJECT: {
        char *f = file_name(t->named->name);
        if (!nullable) {
            j_put(s, "$ref", j_str(f));
            free(f);
            return;
        }
        jnode *ref = j_obj();
        j_put(ref, "$ref", j_str(f));
        free(f);
        jnode *any = j_arr();
        j_push(any, ref);
        jnode *null = j_obj();
        j_put(null, "type", j_str("null"));
        j_push(any, null);
        j_put(s, "anyOf", any);
        return;
    }
    case GEN_T_ARRAY: {
        j_put(s, "type", j_type("array", nullable));
        jnode *items = j_obj();
        /* The decoder never takes null for an array item (except in `json` items, which
         * accept any value), whatever the item spec says. */
        add_type(x, items, t->items, false, NULL, NULL);
        j_put(s, "items", items);
        if (t->has_min_items)
            j_put(s, "minItems", j_uint(t->min_items));
        if (t->has_max_items)
            j_put(s, "maxItems", j_uint(t->max_items));
        if (t->unique)
            j_put(s, "uniqueItems", j_bool(true));
        return;
    }
    case GEN_T_JSON:
    case GEN_T_UNRESOLVED:
        return; /* any JSON value */
    }
}

static void add_annotations(jnode *s, bool deprecated, const char *reason, bool pii, int64_t since)
{
    if (deprecated)
        j_put(s, "deprecated", j_bool(true));
    if (reason)
        j_put(s, "x-deprecated-reason", j_text(reason));
    if (pii)
        j_put(s, "x-pii", j_bool(true));
    if (since > 0)
        j_put(s, "x-since", j_int(since));
}

static jnode *field_schema(const ectx *x, const gen_field *f, const char *konst, jnode *values)
{
    jnode *s = j_obj();
    const char *desc = f->description;
    if (!desc && (f->type.kind == GEN_T_ENUM || f->type.kind == GEN_T_OBJECT))
        desc = f->type.named->description;
    if (desc)
        j_put(s, "description", j_text(desc));
    add_type(x, s, &f->type, f->nullable, konst, values);
    if (f->type.kind == GEN_T_ENUM) {
        const gen_type *e = f->type.named;
        jnode *d = NULL;
        for (size_t i = 0; i < e->n_values; i++) {
            if (!e->values[i].description)
                continue;
            if (!d)
                d = j_obj();
            j_put(d, e->values[i].name, j_text(e->values[i].description));
        }
        if (d)
            j_put(s, "x-enum-descriptions", d);
    }
    if (f->example_json) {
        json_object *j = json_tokener_parse(f->example_json);
        if (j || strcmp(f->example_json, "null") == 0) {
            jnode *ex = j_arr();
            j_push(ex, j ? from_json_c(j) : j_raw("null"));
            j_put(s, "examples", ex);
        }
        json_object_put(j);
    }
    add_annotations(s, f->deprecated, f->deprecated_reason, f->pii, f->since);
    return s;
}

static jnode *schema_head(const ectx *x, const char *file, const char *title)
{
    jnode *s = j_obj();
    j_put(s, "$schema", j_str(draft_uri(x)));
    char *id = gen_format("%s%s", x->base, file);
    j_put(s, "$id", j_str(id));
    free(id);
    j_put(s, "$comment", j_str("Generated by eventc from the catalog; do not edit."));
    j_put(s, "title", j_str(title));
    return s;
}

static jnode *additional(const ectx *x)
{
    return j_bool(x->m->additional_properties && !x->strict);
}

/* Adds properties and required for `fields`, with the role constants of event `e` (if any). */
static void add_fields(const ectx *x, jnode *props, jnode *req, const gen_field *fields, size_t n,
                       const gen_event *e)
{
    for (size_t i = 0; i < n; i++) {
        const gen_field *f = &fields[i];
        const char *konst = NULL;
        if (e && f->role == GEN_ROLE_EVENT_NAME)
            konst = e->name;
        else if (e && f->role == GEN_ROLE_AGGREGATE_TYPE)
            konst = e->aggregate->name;
        j_put(props, f->name, field_schema(x, f, konst, NULL));
        if (!f->optional)
            j_push(req, j_str(f->name));
    }
}

static int emit_node(jnode *s, const char *file, gen_emit_fn emit, void *ctx)
{
    gen_str out;
    gen_str_init(&out);
    write_node(&out, s, 0);
    gen_str_putc(&out, '\n');
    char *rel = gen_format("schemas/%s", file);
    int rc = emit(ctx, rel, out.data, out.len);
    free(rel);
    gen_str_free(&out);
    j_free(s);
    return rc ? -1 : 0;
}

static int emit_envelope(const ectx *x, gen_emit_fn emit, void *ctx)
{
    const gen_model *m = x->m;
    jnode *s = schema_head(x, "envelope.schema.json", "EventEnvelope");
    if (m->envelope_description)
        j_put(s, "description", j_text(m->envelope_description));
    j_put(s, "type", j_str("object"));
    jnode *props = j_obj(), *req = j_arr();
    for (size_t i = 0; i < m->n_envelope; i++) {
        const gen_field *f = &m->envelope[i];
        jnode *values = NULL;
        if (f->role == GEN_ROLE_AGGREGATE_TYPE) {
            values = j_arr();
            for (size_t k = 0; k < m->n_aggregates; k++)
                j_push(values, j_str(m->aggregates[k]->name));
        }
        j_put(props, f->name, field_schema(x, f, NULL, values));
        if (!f->optional)
            j_push(req, j_str(f->name));
    }
    j_put(s, "properties", props);
    j_put(s, "required", req);
    /* Every event carries members beyond the envelope, so the envelope alone cannot refuse
     * unknown ones; the event schemas apply the catalog's policy. */
    j_put(s, "additionalProperties", j_bool(true));
    return emit_node(s, "envelope.schema.json", emit, ctx);
}

static int add_examples(jnode *s, const gen_event *e)
{
    if (e->n_examples == 0)
        return 0;
    jnode *list = j_arr();
    j_put(s, "examples", list);
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
        j_push(list, from_json_c(j));
        json_object_put(j);
    }
    return 0;
}

static int emit_event(const ectx *x, const gen_event *e, gen_emit_fn emit, void *ctx)
{
    const gen_model *m = x->m;
    char *file = file_name(e->name);
    jnode *s = schema_head(x, file, e->name);
    gen_str d;
    gen_str_init(&d);
    gen_str_puts(&d, e->summary ? e->summary : "");
    if (e->description) {
        gen_str_puts(&d, "\n\n");
        gen_str_puts(&d, e->description);
    }
    j_put(s, "description", j_text(d.data ? d.data : ""));
    gen_str_free(&d);
    add_annotations(s, e->deprecated, e->deprecated_reason, false, e->since);
    j_put(s, "type", j_str("object"));
    jnode *props = j_obj(), *req = j_arr();
    add_fields(x, props, req, m->envelope, m->n_envelope, e);
    add_fields(x, props, req, e->fields, e->n_fields, NULL);
    j_put(s, "properties", props);
    j_put(s, "required", req);
    j_put(s, "additionalProperties", additional(x));
    int rc = add_examples(s, e);
    if (rc) {
        j_free(s);
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
    jnode *s = schema_head(x, file, t->name);
    if (t->description)
        j_put(s, "description", j_text(t->description));
    j_put(s, "type", j_str("object"));
    jnode *props = j_obj(), *req = j_arr();
    add_fields(x, props, req, t->fields, t->n_fields, NULL);
    j_put(s, "properties", props);
    j_put(s, "required", req);
    j_put(s, "additionalProperties", additional(x));
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
    jnode *s = schema_head(x, "catalog.schema.json", m->title ? m->title : m->name);
    if (m->description)
        j_put(s, "description", j_text(m->description));
    j_put(s, "type", j_str("object"));
    jnode *props = j_obj(), *name = j_obj(), *names = j_arr();
    j_put(name, "description", j_str("Name of the event; selects the event's schema."));
    j_put(name, "type", j_str("string"));
    for (size_t i = 0; i < m->n_events; i++)
        j_push(names, j_str(m->events[i]->name));
    j_put(name, "enum", names);
    j_put(props, key, name);
    j_put(s, "properties", props);
    jnode *req = j_arr();
    j_push(req, j_str(key));
    j_put(s, "required", req);
    jnode *all = j_arr();
    for (size_t i = 0; i < m->n_events; i++) {
        const gen_event *e = m->events[i];
        jnode *branch = j_obj(), *cond = j_obj(), *cprops = j_obj(), *c = j_obj(), *creq = j_arr(),
              *then = j_obj();
        j_put(c, "const", j_str(e->name));
        j_put(cprops, key, c);
        j_put(cond, "properties", cprops);
        j_push(creq, j_str(key));
        j_put(cond, "required", creq);
        j_put(branch, "if", cond);
        char *file = file_name(e->name);
        j_put(then, "$ref", j_str(file));
        free(file);
        j_put(branch, "then", then);
        j_push(all, branch);
    }
    j_put(s, "allOf", all);
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
