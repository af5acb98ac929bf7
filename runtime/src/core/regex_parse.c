/* The pattern engine's parser: recursive descent over the supported ECMAScript subset, building
 * the small syntax tree of regex_internal.h with the size of each node's program. */
#include "regex_internal.h"
#include "text_internal.h"
#include "eventc/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Records a pattern error at a byte offset; returns RE_NONE for `return re_fail(...)`. */
static int32_t re_fail(re_parser *ps, size_t offset, const char *fmt, ...) EVENTC_PRINTF(3, 4);

static int32_t re_fail(re_parser *ps, size_t offset, const char *fmt, ...)
{
    char what[EVENTC_ERROR_MESSAGE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    ps->status = EVENTC_E_PATTERN;
    eventc_error_set(ps->err, EVENTC_E_PATTERN, NULL, "%s at offset %zu", what, offset);
    if (ps->err != NULL) {
        ps->err->offset = offset;
    }
    return RE_NONE;
}

static int32_t re_nomem(re_parser *ps)
{
    ps->status = EVENTC_E_NOMEM;
    eventc_error_set(ps->err, EVENTC_E_NOMEM, NULL, "out of memory compiling a pattern");
    return RE_NONE;
}

static int32_t re_new_node(re_parser *ps, unsigned kind, uint32_t size)
{
    re_node *n;

    if (re_mem_grow(ps->mem, (void **)&ps->nodes, &ps->capnodes, sizeof(re_node), ps->nnodes + 1) !=
        0) {
        return re_nomem(ps);
    }
    n = &ps->nodes[ps->nnodes];
    n->kind = (unsigned char)kind;
    n->a = 0;
    n->b = 0;
    n->child = RE_NONE;
    n->next = RE_NONE;
    n->size = size;
    return (int32_t)ps->nnodes++;
}

/* Fails with "too complex" when a node compiles to more than the program can hold (the final
 * MATCH instruction takes one slot). Sizes are checked as soon as each node is built, so the
 * offset points at the innermost construct that crossed the limit. */
static int32_t re_check_size(re_parser *ps, uint64_t size, size_t offset)
{
    if (size > EVENTC_REGEX_MAX_PROGRAM - 1) {
        return re_fail(ps, offset, "pattern too complex (compiles to more than %d instructions)",
                       EVENTC_REGEX_MAX_PROGRAM);
    }
    return 0;
}

static int re_push_range(re_parser *ps, uint32_t lo, uint32_t hi)
{
    if (re_mem_grow(ps->mem, (void **)&ps->ranges, &ps->capranges, sizeof(re_range),
                    ps->nranges + 1) != 0) {
        re_nomem(ps);
        return -1;
    }
    ps->ranges[ps->nranges].lo = lo;
    ps->ranges[ps->nranges].hi = hi;
    ps->nranges++;
    return 0;
}

/* ECMAScript character class escapes (u flag, no i flag). */
static const re_range re_digit_set[] = {{0x30, 0x39}};
static const re_range re_word_set[] = {{0x30, 0x39}, {0x41, 0x5A}, {0x5F, 0x5F}, {0x61, 0x7A}};
/* WhiteSpace (TAB, VT, FF, ZWNBSP, and the Unicode category Zs) and LineTerminator
 * (LF, CR, LS, PS), as ECMA-262 defines \s. */
static const re_range re_space_set[] = {
    {0x09, 0x0D},     {0x20, 0x20},     {0xA0, 0xA0},     {0x1680, 0x1680}, {0x2000, 0x200A},
    {0x2028, 0x2029}, {0x202F, 0x202F}, {0x205F, 0x205F}, {0x3000, 0x3000}, {0xFEFF, 0xFEFF}};

/* Appends a class escape's set (its complement when negated) to the range list. */
static int re_push_set(re_parser *ps, unsigned char letter)
{
    const re_range *set;
    size_t n, i;
    uint32_t next = 0;

    switch (letter) {
    case 'd':
    case 'D':
        set = re_digit_set;
        n = sizeof re_digit_set / sizeof re_digit_set[0];
        break;
    case 'w':
    case 'W':
        set = re_word_set;
        n = sizeof re_word_set / sizeof re_word_set[0];
        break;
    default:
        set = re_space_set;
        n = sizeof re_space_set / sizeof re_space_set[0];
        break;
    }
    if (letter == 'd' || letter == 'w' || letter == 's') {
        for (i = 0; i < n; i++) {
            if (re_push_range(ps, set[i].lo, set[i].hi) != 0) {
                return -1;
            }
        }
        return 0;
    }
    for (i = 0; i < n; i++) {
        if (set[i].lo > next && re_push_range(ps, next, set[i].lo - 1) != 0) {
            return -1;
        }
        next = set[i].hi + 1;
    }
    return next <= RE_MAX_CP ? re_push_range(ps, next, RE_MAX_CP) : 0;
}

static int re_range_cmp(const void *x, const void *y)
{
    const re_range *a = x;
    const re_range *b = y;
    if (a->lo != b->lo) {
        return a->lo < b->lo ? -1 : 1;
    }
    return a->hi < b->hi ? -1 : a->hi > b->hi;
}

/* Sorts and merges the ranges from start to the end of the list, then complements them in
 * place when negated. Afterwards the class is a sorted list of disjoint, non-adjacent ranges,
 * which the matcher binary-searches. */
static int re_finish_class(re_parser *ps, size_t start, int negated)
{
    re_range *r;
    size_t n = ps->nranges - start;
    size_t i, out = 0, k;
    uint32_t next = 0;

    if (n > 1) {
        r = ps->ranges + start;
        qsort(r, n, sizeof *r, re_range_cmp);
        for (i = 1; i < n; i++) {
            if (r[i].lo <= r[out].hi || r[i].lo == r[out].hi + 1) {
                if (r[i].hi > r[out].hi) {
                    r[out].hi = r[i].hi;
                }
            } else {
                r[++out] = r[i];
            }
        }
        n = out + 1;
        ps->nranges = start + n;
    }
    if (!negated) {
        return 0;
    }
    /* Write the complement after the class, then move it down over it. */
    for (i = 0; i < n; i++) {
        re_range cur = ps->ranges[start + i];
        if (cur.lo > next && re_push_range(ps, next, cur.lo - 1) != 0) {
            return -1;
        }
        next = cur.hi + 1;
    }
    if (next <= RE_MAX_CP && re_push_range(ps, next, RE_MAX_CP) != 0) {
        return -1;
    }
    k = ps->nranges - (start + n);
    memmove(ps->ranges + start, ps->ranges + start + n, k * sizeof(re_range));
    ps->nranges = start + k;
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Parser                                                                                     */

static int re_peek(const re_parser *ps, unsigned char c)
{
    return ps->pos < ps->len && ps->p[ps->pos] == c;
}

/* Reads exactly `count` hex digits at `at`; -1 if they are not there. */
static long re_hex_fixed(const re_parser *ps, size_t at, unsigned count)
{
    long v = 0;
    unsigned i;

    if (at > ps->len || ps->len - at < count) {
        return -1;
    }
    for (i = 0; i < count; i++) {
        int d = text_hex_digit(ps->p[at + i]);
        if (d < 0) {
            return -1;
        }
        v = v * 16 + d;
    }
    return v;
}

/* Decodes the UTF-8 character at the current position. */
static int re_literal(re_parser *ps, uint32_t *cp)
{
    int n;

    if (ps->p[ps->pos] < 0x80) {
        *cp = ps->p[ps->pos++];
        return 0;
    }
    n = eventc_utf8_decode((const char *)ps->p + ps->pos, ps->len - ps->pos, cp);
    if (n <= 0) {
        re_fail(ps, ps->pos, "invalid UTF-8 in pattern");
        return -1;
    }
    ps->pos += (size_t)n;
    return 0;
}

static int re_is_syntax_char(unsigned char c)
{
    return c != '\0' && strchr("^$\\.*+?()[]{}|", c) != NULL;
}

/* Parses \u escapes; ps->pos is at the `u`. Under the u flag a \uHHHH lead surrogate directly
 * followed by a \uHHHH trail surrogate is one code point, as in ECMAScript. */
static int re_unicode_escape(re_parser *ps, size_t epos, uint32_t *cp)
{
    long v, trail;

    ps->pos++;
    if (re_peek(ps, '{')) {
        uint32_t acc = 0;
        size_t digits = 0;
        ps->pos++;
        while (ps->pos < ps->len && text_hex_digit(ps->p[ps->pos]) >= 0) {
            acc = acc * 16 + (uint32_t)text_hex_digit(ps->p[ps->pos]);
            if (acc > RE_MAX_CP) {
                re_fail(ps, epos, "\\u{...} escape above U+10FFFF");
                return -1;
            }
            digits++;
            ps->pos++;
        }
        if (digits == 0 || !re_peek(ps, '}')) {
            re_fail(ps, epos, "invalid \\u{...} escape (want \\u{hex digits})");
            return -1;
        }
        ps->pos++;
        *cp = acc;
        return 0;
    }
    v = re_hex_fixed(ps, ps->pos, 4);
    if (v < 0) {
        re_fail(ps, epos, "invalid \\u escape (want \\uHHHH or \\u{H...})");
        return -1;
    }
    ps->pos += 4;
    if (v >= 0xD800 && v <= 0xDBFF && ps->len - ps->pos >= 6 && ps->p[ps->pos] == '\\' &&
        ps->p[ps->pos + 1] == 'u') {
        trail = re_hex_fixed(ps, ps->pos + 2, 4);
        if (trail >= 0xDC00 && trail <= 0xDFFF) {
            v = 0x10000 + ((v - 0xD800) << 10) + (trail - 0xDC00);
            ps->pos += 6;
        }
    }
    *cp = (uint32_t)v;
    return 0;
}

/* Parses a CharacterEscape (the part after `\` that stands for one code point); ps->pos is at
 * the character after the backslash at epos. */
static int re_char_escape(re_parser *ps, size_t epos, int in_class, uint32_t *cp)
{
    unsigned char c = ps->p[ps->pos];
    long v;

    switch (c) {
    case 'f':
        *cp = 0x0C;
        break;
    case 'n':
        *cp = 0x0A;
        break;
    case 'r':
        *cp = 0x0D;
        break;
    case 't':
        *cp = 0x09;
        break;
    case 'v':
        *cp = 0x0B;
        break;
    case '0':
        if (ps->pos + 1 < ps->len && ps->p[ps->pos + 1] >= '0' && ps->p[ps->pos + 1] <= '9') {
            re_fail(ps, epos,
                    "\\0 followed by a digit (octal escapes are invalid with the u flag)");
            return -1;
        }
        *cp = 0;
        break;
    case 'x':
        v = re_hex_fixed(ps, ps->pos + 1, 2);
        if (v < 0) {
            re_fail(ps, epos, "invalid \\x escape (want \\xHH)");
            return -1;
        }
        ps->pos += 3;
        *cp = (uint32_t)v;
        return 0;
    case 'u':
        return re_unicode_escape(ps, epos, cp);
    case 'c':
        re_fail(ps, epos, "\\c control escapes are not supported (use \\xHH)");
        return -1;
    case 'p':
    case 'P':
        re_fail(ps, epos, "Unicode property escapes \\%c{...} are not supported", c);
        return -1;
    case 'k':
        re_fail(ps, epos, "named backreferences (\\k<name>) are not supported");
        return -1;
    case '-':
        if (!in_class) {
            re_fail(ps, epos, "\\- is only valid inside [...] with the u flag (write - instead)");
            return -1;
        }
        *cp = '-';
        break;
    default:
        if (c >= '1' && c <= '9') {
            if (in_class) {
                re_fail(ps, epos, "invalid escape \\%c in a character class", c);
            } else {
                re_fail(ps, epos, "backreferences (\\%c) are not supported", c);
            }
            return -1;
        }
        if (re_is_syntax_char(c) || c == '/') {
            *cp = c;
            break;
        }
        if (c >= 0x21 && c < 0x7F) {
            re_fail(ps, epos,
                    "invalid escape \\%c (with the u flag only syntax characters may be "
                    "escaped)",
                    c);
        } else {
            re_fail(ps, epos,
                    "invalid escape (with the u flag only syntax characters may be "
                    "escaped)");
        }
        return -1;
    }
    ps->pos++;
    return 0;
}

static int re_is_class_letter(unsigned char c)
{
    return c == 'd' || c == 'D' || c == 'w' || c == 'W' || c == 's' || c == 'S';
}

/* One class atom: a code point (*set = 0) or a class escape letter (*set = d, D, w, ...). */
static int re_class_atom(re_parser *ps, uint32_t *cp, unsigned char *set)
{
    size_t epos = ps->pos;
    unsigned char c;

    *set = 0;
    if (ps->p[ps->pos] != '\\') {
        return re_literal(ps, cp);
    }
    ps->pos++;
    if (ps->pos >= ps->len) {
        re_fail(ps, epos, "\\ at end of pattern");
        return -1;
    }
    c = ps->p[ps->pos];
    if (re_is_class_letter(c)) {
        *set = c;
        ps->pos++;
        return 0;
    }
    if (c == 'b') {
        re_fail(ps, epos, "\\b in a class (backspace) is not supported (use \\x08)");
        return -1;
    }
    if (c == 'B') {
        re_fail(ps, epos, "invalid escape \\B in a character class");
        return -1;
    }
    return re_char_escape(ps, epos, 1, cp);
}

static int32_t re_class(re_parser *ps)
{
    size_t cpos = ps->pos;
    size_t start = ps->nranges;
    int negated = 0;
    int32_t node;

    ps->pos++;
    if (re_peek(ps, '^')) {
        negated = 1;
        ps->pos++;
    }
    for (;;) {
        size_t apos = ps->pos;
        uint32_t a = 0, b = 0;
        unsigned char aset, bset;

        if (ps->pos >= ps->len) {
            return re_fail(ps, cpos, "unterminated character class");
        }
        if (ps->p[ps->pos] == ']') {
            ps->pos++;
            break;
        }
        if (re_class_atom(ps, &a, &aset) != 0) {
            return RE_NONE;
        }
        /* A `-` is a range operator unless it is last in the class (ECMAScript ClassRanges). */
        if (ps->pos + 1 < ps->len && ps->p[ps->pos] == '-' && ps->p[ps->pos + 1] != ']') {
            ps->pos++;
            if (re_class_atom(ps, &b, &bset) != 0) {
                return RE_NONE;
            }
            if (aset != 0 || bset != 0) {
                return re_fail(ps, apos, "a class escape like \\%c cannot be a range endpoint",
                               aset != 0 ? aset : bset);
            }
            if (a > b) {
                return re_fail(ps, apos, "range out of order in character class");
            }
            if (re_push_range(ps, a, b) != 0) {
                return RE_NONE;
            }
        } else if (aset != 0) {
            if (re_push_set(ps, aset) != 0) {
                return RE_NONE;
            }
        } else if (re_push_range(ps, a, a) != 0) {
            return RE_NONE;
        }
    }
    if (re_finish_class(ps, start, negated) != 0) {
        return RE_NONE;
    }
    if (ps->nranges - start == 1 && ps->ranges[start].lo == ps->ranges[start].hi) {
        /* A one-character class is just that character. */
        uint32_t cp = ps->ranges[start].lo;
        ps->nranges = start;
        node = re_new_node(ps, RE_N_CHAR, 1);
        if (node != RE_NONE) {
            ps->nodes[node].a = cp;
        }
        return node;
    }
    node = re_new_node(ps, RE_N_CLASS, 1);
    if (node != RE_NONE) {
        ps->nodes[node].a = (uint32_t)start;
        ps->nodes[node].b = (uint32_t)(ps->nranges - start);
    }
    return node;
}

static int32_t re_set_node(re_parser *ps, unsigned char letter)
{
    size_t start = ps->nranges;
    int32_t node;

    if (re_push_set(ps, letter) != 0) {
        return RE_NONE;
    }
    node = re_new_node(ps, RE_N_CLASS, 1);
    if (node != RE_NONE) {
        ps->nodes[node].a = (uint32_t)start;
        ps->nodes[node].b = (uint32_t)(ps->nranges - start);
    }
    return node;
}

static int32_t re_escape(re_parser *ps)
{
    size_t epos = ps->pos;
    unsigned char c;
    uint32_t cp;
    int32_t node;

    ps->pos++;
    if (ps->pos >= ps->len) {
        return re_fail(ps, epos, "\\ at end of pattern");
    }
    c = ps->p[ps->pos];
    if (re_is_class_letter(c)) {
        ps->pos++;
        return re_set_node(ps, c);
    }
    if (c == 'b' || c == 'B') {
        return re_fail(ps, epos, "word boundary assertions (\\b, \\B) are not supported");
    }
    if (re_char_escape(ps, epos, 0, &cp) != 0) {
        return RE_NONE;
    }
    node = re_new_node(ps, RE_N_CHAR, 1);
    if (node != RE_NONE) {
        ps->nodes[node].a = cp;
    }
    return node;
}

/* Reads a decimal count, saturating above the repeat limit so huge numbers cannot overflow. */
static int re_count(re_parser *ps, uint32_t *out)
{
    size_t start = ps->pos;
    uint32_t v = 0;

    while (ps->pos < ps->len && ps->p[ps->pos] >= '0' && ps->p[ps->pos] <= '9') {
        if (v <= EVENTC_REGEX_MAX_REPEAT) {
            v = v * 10 + (uint32_t)(ps->p[ps->pos] - '0');
        }
        ps->pos++;
    }
    *out = v;
    return ps->pos > start;
}

/* Parses `{n}`, `{n,}` or `{n,m}` at ps->pos (a `{`). Returns 1 and advances past the `}` when
 * the text is a well-formed quantifier, 0 (position unchanged) when it is not. */
static int re_braces(re_parser *ps, uint32_t *min, uint32_t *max)
{
    size_t save = ps->pos;

    ps->pos++;
    if (!re_count(ps, min)) {
        ps->pos = save;
        return 0;
    }
    *max = *min;
    if (re_peek(ps, ',')) {
        ps->pos++;
        *max = RE_INF;
        if (ps->pos < ps->len && ps->p[ps->pos] >= '0' && ps->p[ps->pos] <= '9') {
            re_count(ps, max);
        }
    }
    if (!re_peek(ps, '}')) {
        ps->pos = save;
        return 0;
    }
    ps->pos++;
    return 1;
}

static int re_is_quantifier(const re_parser *ps)
{
    unsigned char c;

    if (ps->pos >= ps->len) {
        return 0;
    }
    c = ps->p[ps->pos];
    return c == '*' || c == '+' || c == '?' || c == '{';
}

/* Reports a quantifier that has nothing to repeat (start of an alternative, after an anchor or
 * after another quantifier). A `{` that does not form a quantifier is a lone bracket. */
static int32_t re_nothing_to_repeat(re_parser *ps)
{
    size_t qpos = ps->pos;
    uint32_t min, max;

    if (ps->p[qpos] == '{' && !re_braces(ps, &min, &max)) {
        return re_fail(ps, qpos, "lone '{' (write \\{ for a literal brace)");
    }
    return re_fail(ps, qpos, "nothing to repeat before '%c'", ps->p[qpos]);
}

static int32_t re_disjunction(re_parser *ps);

static int32_t re_group(re_parser *ps)
{
    size_t gpos = ps->pos;
    int32_t node;

    ps->pos++;
    if (re_peek(ps, '?')) {
        unsigned char c = ps->pos + 1 < ps->len ? ps->p[ps->pos + 1] : 0;
        unsigned char d = ps->pos + 2 < ps->len ? ps->p[ps->pos + 2] : 0;
        if (c == ':') {
            ps->pos += 2;
        } else if (c == '=' || c == '!') {
            return re_fail(ps, gpos, "lookahead assertions are not supported");
        } else if (c == '<' && (d == '=' || d == '!')) {
            return re_fail(ps, gpos, "lookbehind assertions are not supported");
        } else if (c == '<') {
            return re_fail(ps, gpos, "named groups are not supported (use (?:...) or (...))");
        } else {
            return re_fail(ps, gpos, "invalid group: '(?' must be followed by ':'");
        }
    }
    if (ps->depth >= EVENTC_REGEX_MAX_DEPTH) {
        return re_fail(ps, gpos, "groups nested more than %d deep", EVENTC_REGEX_MAX_DEPTH);
    }
    ps->depth++;
    node = re_disjunction(ps);
    ps->depth--;
    if (node == RE_NONE) {
        return RE_NONE;
    }
    if (!re_peek(ps, ')')) {
        return re_fail(ps, gpos, "unterminated group (missing ')')");
    }
    ps->pos++;
    return node;
}

/* Wraps `child` in a repetition, folding the cases that need no REPEAT node. */
static int32_t re_repeat(re_parser *ps, int32_t child, uint32_t min, uint32_t max, size_t qpos)
{
    uint64_t s = ps->nodes[child].size;
    uint64_t size;
    int32_t node;

    if (s == 0 || max == 0) {
        /* Only the empty string can match: x{n,m} of it is empty too. */
        return re_new_node(ps, RE_N_EMPTY, 0);
    }
    if (min == 1 && max == 1) {
        return child;
    }
    if (max == RE_INF) {
        size = min == 0 ? s + 2 : min * s + 1;
    } else {
        size = min * s + (uint64_t)(max - min) * (s + 1);
    }
    if (re_check_size(ps, size, qpos) != 0) {
        return RE_NONE;
    }
    node = re_new_node(ps, RE_N_REPEAT, (uint32_t)size);
    if (node != RE_NONE) {
        ps->nodes[node].child = child;
        ps->nodes[node].a = min;
        ps->nodes[node].b = max;
    }
    return node;
}

/* Term: an assertion, or an atom with an optional quantifier. */
static int32_t re_term(re_parser *ps)
{
    unsigned char c = ps->p[ps->pos];
    int32_t atom;
    size_t qpos;
    uint32_t min, max;

    switch (c) {
    case '^':
    case '$':
        ps->pos++;
        if (re_is_quantifier(ps)) {
            return re_nothing_to_repeat(ps);
        }
        return re_new_node(ps, c == '^' ? RE_N_BOL : RE_N_EOL, 1);
    case '*':
    case '+':
    case '?':
    case '{':
        return re_nothing_to_repeat(ps);
    case '}':
        return re_fail(ps, ps->pos, "lone '}' (write \\} for a literal brace)");
    case ']':
        return re_fail(ps, ps->pos, "lone ']' (write \\] for a literal bracket)");
    case '(':
        atom = re_group(ps);
        break;
    case '[':
        atom = re_class(ps);
        break;
    case '.':
        ps->pos++;
        atom = re_new_node(ps, RE_N_ANY, 1);
        break;
    case '\\':
        atom = re_escape(ps);
        break;
    default: {
        uint32_t cp;
        if (re_literal(ps, &cp) != 0) {
            return RE_NONE;
        }
        atom = re_new_node(ps, RE_N_CHAR, 1);
        if (atom != RE_NONE) {
            ps->nodes[atom].a = cp;
        }
        break;
    }
    }
    if (atom == RE_NONE || !re_is_quantifier(ps)) {
        return atom;
    }
    qpos = ps->pos;
    switch (ps->p[qpos]) {
    case '*':
        min = 0;
        max = RE_INF;
        ps->pos++;
        break;
    case '+':
        min = 1;
        max = RE_INF;
        ps->pos++;
        break;
    case '?':
        min = 0;
        max = 1;
        ps->pos++;
        break;
    default:
        if (!re_braces(ps, &min, &max)) {
            return re_fail(ps, qpos, "incomplete quantifier (want {n}, {n,} or {n,m})");
        }
        if (min > EVENTC_REGEX_MAX_REPEAT || (max != RE_INF && max > EVENTC_REGEX_MAX_REPEAT)) {
            return re_fail(ps, qpos, "repetition count above %d", EVENTC_REGEX_MAX_REPEAT);
        }
        if (max < min) {
            return re_fail(ps, qpos, "numbers out of order in {} quantifier");
        }
        break;
    }
    /* Lazy quantifiers match the same strings; only which match is found differs. */
    if (re_peek(ps, '?')) {
        ps->pos++;
    }
    if (re_is_quantifier(ps)) {
        return re_nothing_to_repeat(ps);
    }
    return re_repeat(ps, atom, min, max, qpos);
}

/* Alternative: a sequence of terms up to `|`, `)` or the end. Empty terms are dropped so that
 * later passes do work proportional to the program size. */
static int32_t re_alternative(re_parser *ps)
{
    size_t start = ps->pos;
    int32_t head = RE_NONE, tail = RE_NONE, node;
    uint64_t size = 0;
    size_t count = 0;

    while (ps->pos < ps->len && ps->p[ps->pos] != '|' && ps->p[ps->pos] != ')') {
        int32_t term = re_term(ps);
        if (term == RE_NONE) {
            return RE_NONE;
        }
        if (ps->nodes[term].size == 0) {
            continue;
        }
        size += ps->nodes[term].size;
        if (re_check_size(ps, size, start) != 0) {
            return RE_NONE;
        }
        if (head == RE_NONE) {
            head = term;
        } else {
            ps->nodes[tail].next = term;
        }
        tail = term;
        count++;
    }
    if (count == 0) {
        return re_new_node(ps, RE_N_EMPTY, 0);
    }
    if (count == 1) {
        return head;
    }
    node = re_new_node(ps, RE_N_CAT, (uint32_t)size);
    if (node != RE_NONE) {
        ps->nodes[node].child = head;
    }
    return node;
}

static int32_t re_disjunction(re_parser *ps)
{
    size_t start = ps->pos;
    int32_t first, tail, node;
    uint64_t size;

    first = re_alternative(ps);
    if (first == RE_NONE || !re_peek(ps, '|')) {
        return first;
    }
    size = ps->nodes[first].size;
    tail = first;
    while (re_peek(ps, '|')) {
        int32_t alt;
        ps->pos++;
        alt = re_alternative(ps);
        if (alt == RE_NONE) {
            return RE_NONE;
        }
        /* Each extra alternative costs a SPLIT and a JMP. */
        size += ps->nodes[alt].size + 2;
        if (re_check_size(ps, size, start) != 0) {
            return RE_NONE;
        }
        ps->nodes[tail].next = alt;
        tail = alt;
    }
    node = re_new_node(ps, RE_N_ALT, (uint32_t)size);
    if (node != RE_NONE) {
        ps->nodes[node].child = first;
    }
    return node;
}

/* Parses the whole pattern; returns the root node. */
int32_t regex_parse(re_parser *ps, const char *pattern, size_t len, re_mem *mem, eventc_error *err)
{
    int32_t root;

    memset(ps, 0, sizeof *ps);
    ps->p = (const unsigned char *)pattern;
    ps->len = len;
    ps->mem = mem;
    ps->err = err;
    ps->status = EVENTC_OK;
    if (len > EVENTC_REGEX_MAX_PATTERN) {
        return re_fail(ps, EVENTC_REGEX_MAX_PATTERN, "pattern longer than %d bytes",
                       EVENTC_REGEX_MAX_PATTERN);
    }
    root = re_disjunction(ps);
    if (root != RE_NONE && ps->pos < ps->len) {
        /* re_disjunction only stops early at a `)` that no group opened. */
        return re_fail(ps, ps->pos, "unmatched ')'");
    }
    return root;
}
