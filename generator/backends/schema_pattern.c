/* Patterns in schemas: the timestamp pattern, and catalog patterns rewritten into a spelling that
 * ECMAScript (ajv), Python's `re` (jsonschema) and the runtime engine all read the same way. */
#include "schema_pattern.h"
#include "base/util.h"

#include <eventc/regex.h>
#include <eventc/utf8.h>

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
