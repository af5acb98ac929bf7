/* A JSON document (json-c) written as block-style YAML: mappings and sequences one entry per line,
 * keys in insertion order, plain scalars where YAML cannot misread them, double-quoted ones
 * everywhere else. */
#include "yaml_out.h"

#include <stdio.h>
#include <string.h>

/* Words YAML 1.1 and 1.2 read as booleans or null when plain. */
static const char *const special_words[] = {"true", "false", "null", "yes", "no", "on",
                                            "off",  "y",     "n",    "~",   NULL};

static bool plain_ok(const char *s)
{
    if (*s == '\0')
        return false;
    char c = s[0];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$'))
        return false;
    for (const char *p = s; *p; p++) {
        c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '$' || c == '.' || c == '/' || c == '-';
        if (!ok)
            return false;
    }
    for (const char *const *w = special_words; *w; w++) {
        size_t n = strlen(*w);
        if (strlen(s) == n) {
            bool same = true;
            for (size_t i = 0; i < n && same; i++) {
                char a = s[i];
                if (a >= 'A' && a <= 'Z')
                    a = (char)(a - 'A' + 'a');
                same = a == (*w)[i];
            }
            if (same)
                return false;
        }
    }
    return true;
}

/* The length of a character YAML does not print as is (a C1 control, U+2028, U+2029, U+FEFF) at
 * `p`, or 0. */
static size_t unprintable(const unsigned char *p)
{
    if (p[0] == 0xC2 && p[1] >= 0x80 && p[1] <= 0x9F)
        return 2;
    if (p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9))
        return 3;
    if (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF)
        return 3;
    return 0;
}

static void scalar_string(gen_str *o, const char *s)
{
    if (plain_ok(s)) {
        gen_str_puts(o, s);
        return;
    }
    gen_str_putc(o, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            gen_str_puts(o, "\\\"");
            break;
        case '\\':
            gen_str_puts(o, "\\\\");
            break;
        case '\n':
            gen_str_puts(o, "\\n");
            break;
        case '\t':
            gen_str_puts(o, "\\t");
            break;
        case '\r':
            gen_str_puts(o, "\\r");
            break;
        default:
            if (*p < 0x20 || *p == 0x7f) {
                gen_str_printf(o, "\\x%02X", *p);
            } else if (unprintable(p) == 2) {
                gen_str_printf(o, "\\u00%02X", p[1]);
                p++;
            } else if (unprintable(p) == 3) {
                gen_str_puts(o, p[0] == 0xEF ? "\\uFEFF" : p[2] == 0xA8 ? "\\L" : "\\P");
                p += 2;
            } else {
                gen_str_putc(o, (char)*p);
            }
        }
    }
    gen_str_putc(o, '"');
}

/* Whether `s` can be a literal block scalar (`|`): several lines of printable text, none
 * ending in a blank, the first not starting with one, no line break but LF. */
static bool literal_ok(const char *s)
{
    if (strchr(s, '\n') == NULL || s[0] == ' ' || s[0] == '\n')
        return false;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p != '\n' && (*p < 0x20 || *p == 0x7f)) || unprintable(p))
            return false;
        if (*p == '\n' && p > (const unsigned char *)s && (p[-1] == ' ' || p[-1] == '\t'))
            return false;
    }
    size_t n = strlen(s);
    return s[n - 1] != ' ';
}

/* A literal block scalar at `indent`: `|-` without a final line break, `|` with one, `|+` with
 * more. */
static void literal(gen_str *o, const char *s, unsigned indent)
{
    size_t n = strlen(s), trailing = 0;
    while (trailing < n && s[n - 1 - trailing] == '\n')
        trailing++;
    gen_str_puts(o, trailing == 0 ? "|-" : trailing == 1 ? "|" : "|+");
    gen_str_putc(o, '\n');
    const char *p = s, *end = s + n - (trailing > 1 ? 0 : trailing);
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
        if (len > 0)
            for (unsigned i = 0; i < indent; i++)
                gen_str_putc(o, ' ');
        for (size_t i = 0; i < len; i++)
            gen_str_putc(o, p[i]);
        gen_str_putc(o, '\n');
        p += len + (nl ? 1 : 0);
        if (!nl)
            break;
    }
}

static bool is_block(json_object *v)
{
    if (json_object_is_type(v, json_type_object))
        return json_object_object_length(v) > 0;
    if (json_object_is_type(v, json_type_array))
        return json_object_array_length(v) > 0;
    return false;
}

static void scalar(gen_str *o, json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null:
        gen_str_puts(o, "null");
        break;
    case json_type_boolean:
        gen_str_puts(o, json_object_get_boolean(v) ? "true" : "false");
        break;
    case json_type_int:
        gen_str_printf(o, "%lld", (long long)json_object_get_int64(v));
        break;
    case json_type_double:
        gen_str_puts(o, json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN));
        break;
    case json_type_string:
        scalar_string(o, json_object_get_string(v));
        break;
    case json_type_object:
        gen_str_puts(o, "{}");
        break;
    case json_type_array:
        gen_str_puts(o, "[]");
        break;
    }
}

static void indent_to(gen_str *o, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        gen_str_putc(o, ' ');
}

static void sequence(gen_str *o, json_object *a, unsigned indent);

/* A mapping's entries at `indent`; the first one goes on the current line when `inline_first`
 * (after a sequence's "- "). */
static void mapping(gen_str *o, json_object *m, unsigned indent, bool inline_first)
{
    bool first = true;
    json_object_object_foreach(m, key, val)
    {
        if (!first || !inline_first)
            indent_to(o, indent);
        first = false;
        scalar_string(o, key);
        gen_str_putc(o, ':');
        if (val != NULL && json_object_is_type(val, json_type_string) &&
            literal_ok(json_object_get_string(val))) {
            gen_str_putc(o, ' ');
            literal(o, json_object_get_string(val), indent + 2);
        } else if (val != NULL && is_block(val)) {
            gen_str_putc(o, '\n');
            if (json_object_is_type(val, json_type_object))
                mapping(o, val, indent + 2, false);
            else
                sequence(o, val, indent + 2);
        } else {
            gen_str_putc(o, ' ');
            scalar(o, val);
            gen_str_putc(o, '\n');
        }
    }
}

static void sequence(gen_str *o, json_object *a, unsigned indent)
{
    for (size_t i = 0; i < json_object_array_length(a); i++) {
        json_object *v = json_object_array_get_idx(a, i);
        indent_to(o, indent);
        gen_str_puts(o, "- ");
        if (v != NULL && is_block(v) && json_object_is_type(v, json_type_object)) {
            mapping(o, v, indent + 2, true);
        } else if (v != NULL && is_block(v)) {
            gen_str_putc(o, '\n');
            sequence(o, v, indent + 2);
        } else {
            scalar(o, v);
            gen_str_putc(o, '\n');
        }
    }
}

void gen_yaml_write_entries(gen_str *out, json_object *entries, unsigned indent)
{
    mapping(out, entries, indent, false);
}

void gen_yaml_write(gen_str *out, json_object *doc)
{
    if (doc != NULL && json_object_is_type(doc, json_type_object))
        mapping(out, doc, 0, false);
    else if (doc != NULL && json_object_is_type(doc, json_type_array))
        sequence(out, doc, 0);
    else {
        scalar(out, doc);
        gen_str_putc(out, '\n');
    }
}
