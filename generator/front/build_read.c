/* Readers of YAML values for the model builder (build.c, build_evolution.c): strings, booleans,
 * integers, numbers, text lists, the keys a mapping may hold, and YAML values as JSON text. Each
 * reports what is wrong with its position and lets building go on. */
#include "build_internal.h"

#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static void err(builder *b, gen_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void err(builder *b, gen_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gen_verror(b->diags, loc, fmt, ap);
    va_end(ap);
}

/* ---- scalar readers ------------------------------------------------------------------------ */

static bool is_scalar(builder *b, const gen_node *n, const char *what, const char *expected)
{
    if (n->kind == GEN_NODE_SCALAR)
        return true;
    err(b, n->loc, "expected %s for %s, got %s", expected, what, gen_node_kind_name(n));
    return false;
}

static const char *read_string(builder *b, const gen_node *n, const char *what)
{
    if (!is_scalar(b, n, what, "a string"))
        return NULL;
    if (!n->quoted &&
        (n->text_len == 0 || strcmp(n->text, "~") == 0 || strcmp(n->text, "null") == 0)) {
        err(b, n->loc, "expected a string for %s, got nothing", what);
        return NULL;
    }
    return n->text;
}

static bool read_bool(builder *b, const gen_node *n, const char *what, bool *out)
{
    if (!is_scalar(b, n, what, "a boolean (true or false)"))
        return false;
    if (!n->quoted && strcmp(n->text, "true") == 0) {
        *out = true;
        return true;
    }
    if (!n->quoted && strcmp(n->text, "false") == 0) {
        *out = false;
        return true;
    }
    if (n->quoted)
        err(b, n->loc, "expected a boolean (true or false) for %s, got the quoted string \"%s\"",
            what, n->text);
    else
        err(b, n->loc, "expected a boolean (true or false) for %s, got '%s'", what, n->text);
    return false;
}

/* Integers are plain decimal numerals. Returns 1 for one that fits in 64 bits (stored in *out),
 * -1 for one out of that range, 0 for anything else. */
static int parse_int64(const char *s, int64_t *out)
{
    const char *p = s;
    if (*p == '-' || *p == '+')
        p++;
    if (!*p)
        return 0;
    for (const char *q = p; *q; q++)
        if (*q < '0' || *q > '9')
            return 0;
    errno = 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    if (errno == ERANGE)
        return -1;
    if (errno || *end)
        return 0;
    *out = (int64_t)v;
    return 1;
}

/* What a scalar that is not a decimal integer looks like, for the message. */
static const char *integer_hint(const char *s)
{
    const char *p = s + (*s == '-' || *s == '+');
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X' || p[1] == 'o' || p[1] == 'b'))
        return " (integers are read in decimal only)";
    if (*p >= '0' && *p <= '9' && strpbrk(p, ".eE"))
        return " (an integer has no fraction or exponent)";
    return "";
}

static bool read_int(builder *b, const gen_node *n, const char *what, int64_t *out)
{
    if (!is_scalar(b, n, what, "an integer"))
        return false;
    if (n->quoted) {
        err(b, n->loc, "expected an integer for %s, got the quoted string \"%s\"", what, n->text);
        return false;
    }
    int r = parse_int64(n->text, out);
    if (r < 0) {
        err(b, n->loc,
            "integer '%s' for %s is out of range (-9223372036854775808 to 9223372036854775807)",
            n->text, what);
        return false;
    }
    if (r == 0) {
        err(b, n->loc, "expected an integer for %s, got '%s'%s", what, n->text,
            integer_hint(n->text));
        return false;
    }
    return true;
}

static bool read_count(builder *b, const gen_node *n, const char *what, uint64_t *out)
{
    int64_t v;
    if (!read_int(b, n, what, &v))
        return false;
    if (v < 0) {
        err(b, n->loc, "%s must not be negative", what);
        return false;
    }
    *out = (uint64_t)v;
    return true;
}

/* Decimal numbers. Returns 1 for a finite double (stored in *out), -1 for a number beyond the
 * range of a double (or too small to be told from zero), 0 for anything else. */
static int parse_number(const char *s, double *out)
{
    if (!*s)
        return 0;
    for (const char *q = s; *q; q++)
        if (!strchr("0123456789+-.eE", *q))
            return 0;
    errno = 0;
    char *end;
    double v = strtod(s, &end);
    if (*end)
        return 0;
    if (errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 1;
}

static bool read_number(builder *b, const gen_node *n, const char *what, double *out)
{
    if (!is_scalar(b, n, what, "a number"))
        return false;
    if (n->quoted) {
        err(b, n->loc, "expected a number for %s, got the quoted string \"%s\"", what, n->text);
        return false;
    }
    int r = parse_number(n->text, out);
    if (r < 0) {
        err(b, n->loc, "number '%s' for %s is out of range (a 64-bit double)", n->text, what);
        return false;
    }
    if (r == 0) {
        err(b, n->loc, "expected a number for %s, got '%s'", what, n->text);
        return false;
    }
    return true;
}

static gen_text_list read_text_list(builder *b, const gen_node *n, const char *what)
{
    gen_text_list l = {0};
    if (n->kind == GEN_NODE_SEQ) {
        l.items = gen_pool_alloc(b->pool, (n->len ? n->len : 1) * sizeof(*l.items));
        for (size_t i = 0; i < n->len; i++) {
            const char *s = read_string(b, n->items[i], what);
            if (s)
                l.items[l.len++] = s;
        }
        return l;
    }
    const char *s = read_string(b, n, what);
    if (s) {
        l.items = gen_pool_alloc(b->pool, sizeof(*l.items));
        l.items[0] = s;
        l.len = 1;
    }
    return l;
}

/* ---- key sets -------------------------------------------------------------------------------- */

/* Keys that people who know JSON Schema write in a field spec, and what eventc has instead. */
static const struct {
    const char *key, *hint;
} field_hints[] = {
    {"required", "a field is required unless it has 'optional: true'"},
    {"enum", "declare an enum type under 'types' (Status: { enum: [open, closed] }) and use its "
             "name as the field's 'type'"},
    {"format", "use type 'timestamp' for date-times, or a 'pattern' for other formats"},
    {"default", "eventc has no default values: make the field 'optional: true' and let readers "
                "supply the default"},
    {"$ref", "name the type in 'type' (type: Money)"},
    {"properties", "declare an object type with 'fields' under 'types' and name it in 'type'"},
    {"additionalProperties", "unknown members are allowed or refused for the whole catalog, by "
                             "the envelope's 'additional_properties'"},
    {"minLength", "write 'min_length'"},
    {"maxLength", "write 'max_length'"},
    {"minItems", "write 'min_items'"},
    {"maxItems", "write 'max_items'"},
    {"uniqueItems", "write 'unique'"},
    {"exclusiveMinimum", "write 'exclusive_minimum'"},
    {"exclusiveMaximum", "write 'exclusive_maximum'"},
    {"examples", "write one value as 'example' (documentation only); example events are listed "
                 "under the event's 'examples'"},
};

/* Reports keys of `map` that are not in `allowed` (NULL-terminated), with a suggestion; in a field
 * spec (`field_spec`), habits of JSON Schema get a hint saying what to write instead. */
static void check_keys_in(builder *b, const gen_node *map, const char *const *allowed,
                          const char *context, bool field_spec)
{
    for (size_t i = 0; i < map->len; i++) {
        const gen_node *k = map->keys[i];
        if (k->kind != GEN_NODE_SCALAR)
            continue;
        bool ok = false;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = strcmp(*a, k->text) == 0;
        if (ok)
            continue;
        const char *hint = NULL;
        for (size_t h = 0; field_spec && h < sizeof field_hints / sizeof field_hints[0]; h++)
            if (strcmp(field_hints[h].key, k->text) == 0)
                hint = field_hints[h].hint;
        const char *best = hint ? NULL : gen_suggest(k->text, allowed, SIZE_MAX);
        if (hint)
            err(b, k->loc, "unknown key '%s' in %s: %s", k->text, context, hint);
        else if (best)
            err(b, k->loc, "unknown key '%s' in %s (did you mean '%s'?)", k->text, context, best);
        else
            err(b, k->loc, "unknown key '%s' in %s", k->text, context);
    }
}

static void check_allowed(builder *b, const gen_node *map, const char *const *allowed,
                          const char *context)
{
    check_keys_in(b, map, allowed, context, false);
}

/* Position of `key` itself in a mapping (diagnostics about a key point at the key). */
static gen_loc key_loc(const gen_node *map, const char *key)
{
    for (size_t i = 0; i < map->len; i++)
        if (map->keys[i]->kind == GEN_NODE_SCALAR && strcmp(map->keys[i]->text, key) == 0)
            return map->keys[i]->loc;
    return map->loc;
}

static bool expect_map(builder *b, const gen_node *n, const char *what)
{
    if (n->kind == GEN_NODE_MAP)
        return true;
    err(b, n->loc, "expected a mapping for %s, got %s", what, gen_node_kind_name(n));
    return false;
}

/* ---- YAML value to JSON text (for `example:` values shown in docs) ------------------------- */

static json_object *node_to_json(const gen_node *n)
{
    switch (n->kind) {
    case GEN_NODE_SCALAR: {
        int64_t i;
        double d;
        if (!n->quoted) {
            if (strcmp(n->text, "true") == 0 || strcmp(n->text, "false") == 0)
                return json_object_new_boolean(n->text[0] == 't');
            if (n->text_len == 0 || strcmp(n->text, "null") == 0 || strcmp(n->text, "~") == 0)
                return NULL;
            if (parse_int64(n->text, &i) == 1)
                return json_object_new_int64(i);
            if (parse_number(n->text, &d) == 1)
                return json_object_new_double(d);
        }
        return json_object_new_string_len(n->text, (int)n->text_len);
    }
    case GEN_NODE_SEQ: {
        json_object *a = json_object_new_array();
        for (size_t i = 0; i < n->len; i++)
            json_object_array_add(a, node_to_json(n->items[i]));
        return a;
    }
    case GEN_NODE_MAP: {
        json_object *o = json_object_new_object();
        for (size_t i = 0; i < n->len; i++)
            if (n->keys[i]->kind == GEN_NODE_SCALAR)
                json_object_object_add(o, n->keys[i]->text, node_to_json(n->items[i]));
        return o;
    }
    }
    return NULL;
}

/* ---- the builder files' entries (build_internal.h) --------------------------------------------
 */

void gen_bld_error(builder *b, gen_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gen_verror(b->diags, loc, fmt, ap);
    va_end(ap);
}

const char *gen_bld_string(builder *b, const gen_node *n, const char *what)
{
    return read_string(b, n, what);
}

bool gen_bld_bool(builder *b, const gen_node *n, const char *what, bool *out)
{
    return read_bool(b, n, what, out);
}

bool gen_bld_int(builder *b, const gen_node *n, const char *what, int64_t *out)
{
    return read_int(b, n, what, out);
}

bool gen_bld_count(builder *b, const gen_node *n, const char *what, uint64_t *out)
{
    return read_count(b, n, what, out);
}

bool gen_bld_number(builder *b, const gen_node *n, const char *what, double *out)
{
    return read_number(b, n, what, out);
}

gen_text_list gen_bld_text_list(builder *b, const gen_node *n, const char *what)
{
    return read_text_list(b, n, what);
}

void gen_bld_keys(builder *b, const gen_node *map, const char *const *allowed, const char *context,
                  bool field_spec)
{
    check_keys_in(b, map, allowed, context, field_spec);
}

void gen_bld_allowed(builder *b, const gen_node *map, const char *const *allowed,
                     const char *context)
{
    check_allowed(b, map, allowed, context);
}

gen_loc gen_bld_key_loc(const gen_node *map, const char *key)
{
    return key_loc(map, key);
}

bool gen_bld_map(builder *b, const gen_node *n, const char *what)
{
    return expect_map(b, n, what);
}

json_object *gen_bld_json_object(const gen_node *n)
{
    return node_to_json(n);
}

char *gen_bld_json(builder *b, const gen_node *n)
{
    json_object *j = node_to_json(n);
    char *s =
        gen_pool_strdup(b->pool, j ? json_object_to_json_string_ext(
                                         j, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)
                                   : "null");
    json_object_put(j);
    return s;
}
