/* The pattern engine: a recursive-descent parser for the supported ECMAScript subset builds a
 * small syntax tree, which is flattened into a Thompson NFA program and simulated breadth-first
 * (Pike VM without captures). Only match/no-match is needed, so the simulation keeps a set of
 * program counters per subject position and stops as soon as one reaches MATCH. */
#include "eventc/regex.h"
#include "text_internal.h"
#include "eventc/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------- */
/* Scratch memory: a bump allocator over a caller buffer (usually on the stack) that spills   */
/* into heap blocks. Everything is released at once.                                          */

typedef union re_align {
    void *p;
    long long ll;
    double d;
} re_align;

typedef struct re_block {
    struct re_block *next;
    size_t size; /* whole block, header included */
} re_block;

/* Header size rounded so payloads keep the alignment of re_align. */
#define RE_BLOCK_HEADER \
    ((sizeof(re_block) + sizeof(re_align) - 1) / sizeof(re_align) * sizeof(re_align))

typedef struct re_mem {
    unsigned char *buf;
    size_t cap;
    size_t used;
    re_block *blocks;
    const eventc_allocator *alloc;
} re_mem;

static void re_mem_init(re_mem *m, void *buf, size_t cap, const eventc_allocator *alloc)
{
    m->buf = buf;
    m->cap = cap;
    m->used = 0;
    m->blocks = NULL;
    m->alloc = alloc;
}

static void *re_mem_alloc(re_mem *m, size_t n)
{
    re_block *b;
    size_t total;

    n = (n + sizeof(re_align) - 1) / sizeof(re_align) * sizeof(re_align);
    if (n == 0) {
        n = sizeof(re_align);
    }
    if (m->cap - m->used >= n) {
        void *p = m->buf + m->used;
        m->used += n;
        return p;
    }
    total = RE_BLOCK_HEADER + n;
    b = eventc_alloc(m->alloc, total);
    if (b == NULL) {
        return NULL;
    }
    b->next = m->blocks;
    b->size = total;
    m->blocks = b;
    return (unsigned char *)b + RE_BLOCK_HEADER;
}

static void re_mem_release(re_mem *m)
{
    while (m->blocks != NULL) {
        re_block *next = m->blocks->next;
        eventc_free(m->alloc, m->blocks, m->blocks->size);
        m->blocks = next;
    }
}

/* Grows an array of *cap elements of size elem to hold at least need elements. The old array
 * stays in the arena until release; growth doubles, so the waste is bounded by the final size. */
static int re_mem_grow(re_mem *m, void **arr, size_t *cap, size_t elem, size_t need)
{
    size_t ncap = *cap != 0 ? *cap : 16;
    void *p;

    if (need <= *cap) {
        return 0;
    }
    while (ncap < need) {
        ncap *= 2;
    }
    p = re_mem_alloc(m, ncap * elem);
    if (p == NULL) {
        return -1;
    }
    if (*cap != 0) {
        memcpy(p, *arr, *cap * elem);
    }
    *arr = p;
    *cap = ncap;
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Syntax tree                                                                                */

enum re_kind {
    RE_N_EMPTY,
    RE_N_CHAR,  /* a = code point */
    RE_N_ANY,   /* `.` */
    RE_N_CLASS, /* a = first range, b = range count */
    RE_N_BOL,
    RE_N_EOL,
    RE_N_CAT,   /* child = first item, linked through next */
    RE_N_ALT,   /* child = first alternative, linked through next */
    RE_N_REPEAT /* child repeated a..b times, b == RE_INF for no upper bound */
};

#define RE_INF UINT32_MAX
#define RE_NONE (-1)

typedef struct re_node {
    unsigned char kind;
    uint32_t a;
    uint32_t b;
    int32_t child;
    int32_t next;
    /* Number of program instructions this node compiles to. */
    uint32_t size;
} re_node;

typedef struct re_range {
    uint32_t lo;
    uint32_t hi;
} re_range;

#define RE_MAX_CP 0x10FFFFu

typedef struct re_parser {
    const unsigned char *p;
    size_t len;
    size_t pos;
    unsigned depth;
    re_mem *mem;
    re_node *nodes;
    size_t nnodes;
    size_t capnodes;
    re_range *ranges;
    size_t nranges;
    size_t capranges;
    eventc_error *err;
    eventc_status status;
} re_parser;

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
static int32_t re_parse(re_parser *ps, const char *pattern, size_t len, re_mem *mem,
                        eventc_error *err)
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

/* ---------------------------------------------------------------------------------------- */
/* Program                                                                                    */

enum re_op {
    RE_OP_CHAR,  /* a = code point */
    RE_OP_ANY,   /* any code point but a line terminator */
    RE_OP_CLASS, /* ranges[a .. a + b) */
    RE_OP_BOL,
    RE_OP_EOL,
    RE_OP_JMP,   /* to a */
    RE_OP_SPLIT, /* to a and b */
    RE_OP_MATCH
};

typedef struct re_inst {
    uint32_t op;
    uint32_t a;
    uint32_t b;
} re_inst;

#define RE_NO_LINK UINT32_MAX

struct eventc_regex {
    eventc_allocator alloc;
    int has_alloc;
    /* Set when every match must start at offset 0 (the pattern begins with ^). */
    int anchored;
    uint32_t ninst;
    size_t block_size;
    const re_inst *prog;
    const re_range *ranges;
};

/* Emits node ni at pc and returns the pc after it. Sizes were computed by the parser, and
 * the emitted length always equals the node's size. */
static uint32_t re_emit(const re_parser *ps, int32_t ni, re_inst *prog, uint32_t pc)
{
    const re_node *n = &ps->nodes[ni];
    uint32_t i, link, at;
    int32_t c;

    switch (n->kind) {
    case RE_N_EMPTY:
        return pc;
    case RE_N_CHAR:
        prog[pc].op = RE_OP_CHAR;
        prog[pc].a = n->a;
        return pc + 1;
    case RE_N_ANY:
        prog[pc].op = RE_OP_ANY;
        return pc + 1;
    case RE_N_CLASS:
        prog[pc].op = RE_OP_CLASS;
        prog[pc].a = n->a;
        prog[pc].b = n->b;
        return pc + 1;
    case RE_N_BOL:
    case RE_N_EOL:
        prog[pc].op = n->kind == RE_N_BOL ? RE_OP_BOL : RE_OP_EOL;
        return pc + 1;
    case RE_N_CAT:
        for (c = n->child; c != RE_NONE; c = ps->nodes[c].next) {
            pc = re_emit(ps, c, prog, pc);
        }
        return pc;
    case RE_N_ALT:
        /* SPLIT next_alt; alt; JMP end; ... last alt. The JMPs are chained through `a` until
         * the end is known. */
        link = RE_NO_LINK;
        for (c = n->child; ps->nodes[c].next != RE_NONE; c = ps->nodes[c].next) {
            at = pc++;
            prog[at].op = RE_OP_SPLIT;
            prog[at].a = pc;
            pc = re_emit(ps, c, prog, pc);
            prog[pc].op = RE_OP_JMP;
            prog[pc].a = link;
            link = pc++;
            prog[at].b = pc;
        }
        pc = re_emit(ps, c, prog, pc);
        while (link != RE_NO_LINK) {
            uint32_t prev = prog[link].a;
            prog[link].a = pc;
            link = prev;
        }
        return pc;
    default: /* RE_N_REPEAT */
        if (n->b == RE_INF) {
            if (n->a == 0) {
                at = pc++;
                prog[at].op = RE_OP_SPLIT;
                prog[at].a = pc;
                pc = re_emit(ps, n->child, prog, pc);
                prog[pc].op = RE_OP_JMP;
                prog[pc].a = at;
                pc++;
                prog[at].b = pc;
                return pc;
            }
            for (i = 1; i < n->a; i++) {
                pc = re_emit(ps, n->child, prog, pc);
            }
            at = pc;
            pc = re_emit(ps, n->child, prog, pc);
            prog[pc].op = RE_OP_SPLIT;
            prog[pc].a = at;
            prog[pc].b = pc + 1;
            return pc + 1;
        }
        for (i = 0; i < n->a; i++) {
            pc = re_emit(ps, n->child, prog, pc);
        }
        /* Optional copies nest: each SPLIT either enters one more copy or leaves for the end,
         * chained through `b` until the end is known. */
        link = RE_NO_LINK;
        for (i = n->a; i < n->b; i++) {
            at = pc++;
            prog[at].op = RE_OP_SPLIT;
            prog[at].a = pc;
            prog[at].b = link;
            link = at;
            pc = re_emit(ps, n->child, prog, pc);
        }
        while (link != RE_NO_LINK) {
            uint32_t prev = prog[link].b;
            prog[link].b = pc;
            link = prev;
        }
        return pc;
    }
}

static int re_is_anchored(const re_parser *ps, int32_t root)
{
    const re_node *n = &ps->nodes[root];
    if (n->kind == RE_N_CAT) {
        n = &ps->nodes[n->child];
    }
    return n->kind == RE_N_BOL;
}

/* Emits the program for a parsed pattern into prog (root size + 1 instructions). */
static void re_build(const re_parser *ps, int32_t root, re_inst *prog)
{
    uint32_t end = re_emit(ps, root, prog, 0);
    prog[end].op = RE_OP_MATCH;
    prog[end].a = 0;
    prog[end].b = 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Matcher                                                                                    */

typedef struct re_vm {
    const re_inst *prog;
    const re_range *ranges;
    uint16_t *sparse;
    size_t len;
} re_vm;

typedef struct re_list {
    uint16_t *dense;
    uint32_t n;
} re_list;

/* Sparse-set membership; `sparse` is shared by both lists because only the list being built is
 * ever queried, and a stale index can only point at a slot that really holds pc. */
static void re_list_add(const re_vm *vm, re_list *l, uint32_t pc)
{
    uint32_t at = vm->sparse[pc];
    if (at < l->n && l->dense[at] == pc) {
        return;
    }
    vm->sparse[pc] = (uint16_t)l->n;
    l->dense[l->n++] = (uint16_t)pc;
}

/* Adds pc and everything reachable from it without consuming input at subject offset pos.
 * The list doubles as the work queue. Returns 1 when MATCH is reachable. */
static int re_closure(const re_vm *vm, re_list *l, uint32_t pc, size_t pos)
{
    uint32_t i = l->n;

    re_list_add(vm, l, pc);
    for (; i < l->n; i++) {
        const re_inst *in = &vm->prog[l->dense[i]];
        switch (in->op) {
        case RE_OP_JMP:
            re_list_add(vm, l, in->a);
            break;
        case RE_OP_SPLIT:
            re_list_add(vm, l, in->a);
            re_list_add(vm, l, in->b);
            break;
        case RE_OP_BOL:
            if (pos == 0) {
                re_list_add(vm, l, l->dense[i] + 1u);
            }
            break;
        case RE_OP_EOL:
            if (pos == vm->len) {
                re_list_add(vm, l, l->dense[i] + 1u);
            }
            break;
        case RE_OP_MATCH:
            return 1;
        default:
            break;
        }
    }
    return 0;
}

static int re_in_class(const re_range *r, uint32_t n, uint32_t cp)
{
    uint32_t lo = 0, hi = n;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (cp < r[mid].lo) {
            hi = mid;
        } else if (cp > r[mid].hi) {
            lo = mid + 1;
        } else {
            return 1;
        }
    }
    return 0;
}

static int re_consumes(const re_vm *vm, const re_inst *in, uint32_t cp)
{
    switch (in->op) {
    case RE_OP_CHAR:
        return cp == in->a;
    case RE_OP_ANY:
        return cp != 0x0A && cp != 0x0D && cp != 0x2028 && cp != 0x2029;
    case RE_OP_CLASS:
        /* An empty class ([]) may have no range table at all. */
        return in->b != 0 && re_in_class(vm->ranges + in->a, in->b, cp);
    default:
        return 0;
    }
}

/* Runs the program over the subject. scratch holds 3 * ninst uint16_t. */
static int re_run(const re_inst *prog, const re_range *ranges, uint32_t ninst, int anchored,
                  const char *subject, size_t len, uint16_t *scratch)
{
    re_vm vm;
    re_list cur, nxt, tmp;
    size_t pos = 0;
    uint32_t i;

    vm.prog = prog;
    vm.ranges = ranges;
    vm.sparse = scratch;
    vm.len = len;
    /* Not needed for correctness, but keeps memory checkers from flagging the reads of
     * never-written sparse slots. */
    memset(scratch, 0, ninst * sizeof(uint16_t));
    cur.dense = scratch + ninst;
    cur.n = 0;
    nxt.dense = scratch + 2 * (size_t)ninst;
    nxt.n = 0;
    if (re_closure(&vm, &cur, 0, 0)) {
        return 1;
    }
    while (pos < len) {
        const unsigned char *s = (const unsigned char *)subject + pos;
        uint32_t cp;
        size_t next;

        if (s[0] < 0x80) {
            cp = s[0];
            next = pos + 1;
        } else {
            int n = eventc_utf8_decode((const char *)s, len - pos, &cp);
            if (n <= 0) {
                return 0;
            }
            next = pos + (size_t)n;
        }
        nxt.n = 0;
        for (i = 0; i < cur.n; i++) {
            uint32_t pc = cur.dense[i];
            if (re_consumes(&vm, &prog[pc], cp) && re_closure(&vm, &nxt, pc + 1, next)) {
                return 1;
            }
        }
        if (!anchored) {
            /* Search semantics: a match may start at every position. */
            if (re_closure(&vm, &nxt, 0, next)) {
                return 1;
            }
        } else if (nxt.n == 0) {
            return 0;
        }
        tmp = cur;
        cur = nxt;
        nxt = tmp;
        pos = next;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Public API                                                                                 */

/* Stack space for parsing in eventc_regex_check and eventc_regex_compile. */
#define RE_PARSE_STACK 2048
/* Stack space for eventc_regex_search: parse tree, program and matcher scratch together. */
#define RE_SEARCH_STACK 6144

eventc_status eventc_regex_check(const char *pattern, size_t len, eventc_error *err)
{
    re_align stack[RE_PARSE_STACK / sizeof(re_align)];
    re_mem mem;
    re_parser ps;

    if (pattern == NULL && len > 0) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "pattern is NULL");
    }
    re_mem_init(&mem, stack, sizeof stack, NULL);
    re_parse(&ps, pattern, len, &mem, err);
    re_mem_release(&mem);
    return ps.status;
}

eventc_status eventc_regex_compile(const char *pattern, size_t len, const eventc_allocator *alloc,
                                   eventc_regex **out, eventc_error *err)
{
    re_align stack[RE_PARSE_STACK / sizeof(re_align)];
    re_mem mem;
    re_parser ps;
    int32_t root;
    eventc_regex *re;
    size_t head, prog_bytes, range_bytes, total;
    uint32_t ninst;
    re_inst *prog;

    if (out == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "out is NULL");
    }
    *out = NULL;
    if (pattern == NULL && len > 0) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "pattern is NULL");
    }
    re_mem_init(&mem, stack, sizeof stack, alloc);
    root = re_parse(&ps, pattern, len, &mem, err);
    if (root == RE_NONE) {
        re_mem_release(&mem);
        return ps.status;
    }
    ninst = ps.nodes[root].size + 1;
    head = (sizeof(eventc_regex) + sizeof(re_align) - 1) / sizeof(re_align) * sizeof(re_align);
    prog_bytes = ninst * sizeof(re_inst);
    range_bytes = ps.nranges * sizeof(re_range);
    total = head + prog_bytes + range_bytes;
    re = eventc_alloc(alloc, total);
    if (re == NULL) {
        re_mem_release(&mem);
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory compiling a pattern");
    }
    memset(re, 0, sizeof *re);
    if (alloc != NULL) {
        re->alloc = *alloc;
        re->has_alloc = 1;
    }
    re->block_size = total;
    re->ninst = ninst;
    re->anchored = re_is_anchored(&ps, root);
    prog = (re_inst *)(void *)((unsigned char *)re + head);
    re_build(&ps, root, prog);
    if (range_bytes > 0) {
        memcpy((unsigned char *)re + head + prog_bytes, ps.ranges, range_bytes);
    }
    re->prog = prog;
    re->ranges = (const re_range *)(const void *)((unsigned char *)re + head + prog_bytes);
    re_mem_release(&mem);
    *out = re;
    return EVENTC_OK;
}

void eventc_regex_free(eventc_regex *re)
{
    if (re == NULL) {
        return;
    }
    eventc_free(re->has_alloc ? &re->alloc : NULL, re, re->block_size);
}

int eventc_regex_test(const eventc_regex *re, const char *subject, size_t len)
{
    uint16_t stack[3 * EVENTC_REGEX_STACK_PROGRAM];
    uint16_t *scratch = stack;
    const eventc_allocator *alloc;
    size_t bytes;
    int result;

    if (re == NULL || (subject == NULL && len > 0)) {
        return -(int)EVENTC_E_INVALID_ARGUMENT;
    }
    if (re->ninst <= EVENTC_REGEX_STACK_PROGRAM) {
        return re_run(re->prog, re->ranges, re->ninst, re->anchored, subject, len, stack);
    }
    alloc = re->has_alloc ? &re->alloc : NULL;
    bytes = 3 * (size_t)re->ninst * sizeof(uint16_t);
    scratch = eventc_alloc(alloc, bytes);
    if (scratch == NULL) {
        return -(int)EVENTC_E_NOMEM;
    }
    result = re_run(re->prog, re->ranges, re->ninst, re->anchored, subject, len, scratch);
    eventc_free(alloc, scratch, bytes);
    return result;
}

int eventc_regex_search(const char *pattern, size_t plen, const char *subject, size_t slen)
{
    re_align stack[RE_SEARCH_STACK / sizeof(re_align)];
    re_mem mem;
    re_parser ps;
    int32_t root;
    uint32_t ninst;
    re_inst *prog;
    uint16_t *scratch;
    int result;

    if ((pattern == NULL && plen > 0) || (subject == NULL && slen > 0)) {
        return -(int)EVENTC_E_INVALID_ARGUMENT;
    }
    re_mem_init(&mem, stack, sizeof stack, NULL);
    root = re_parse(&ps, pattern, plen, &mem, NULL);
    if (root == RE_NONE) {
        re_mem_release(&mem);
        return -(int)ps.status;
    }
    ninst = ps.nodes[root].size + 1;
    prog = re_mem_alloc(&mem, ninst * sizeof(re_inst));
    scratch = re_mem_alloc(&mem, 3 * (size_t)ninst * sizeof(uint16_t));
    if (prog == NULL || scratch == NULL) {
        re_mem_release(&mem);
        return -(int)EVENTC_E_NOMEM;
    }
    re_build(&ps, root, prog);
    result = re_run(prog, ps.ranges, ninst, re_is_anchored(&ps, root), subject, slen, scratch);
    re_mem_release(&mem);
    return result;
}

/* ---------------------------------------------------------------------------------------- */
/* DFA over ASCII                                                                             */

/* Builds a deterministic automaton for the pattern's search semantics over ASCII subjects, by
 * subset construction on the compiled program. A state is a set of consuming instructions (plus
 * pending end-of-input assertions), so BOL is resolved at the start and EOL is resolved by the
 * per-state "accepts at end" flag. Non-ASCII subjects are left to the program (the caller falls
 * back), which keeps the tables small and the semantics exact. */

#define RE_DFA_MAX_INST 256

typedef struct re_dset {
    uint32_t n;
    uint16_t pcs[RE_DFA_MAX_INST];
    int matched;
} re_dset;

/* Closure of pc into set s at a position that is the start (bol) or not; EOL never passes here
 * (it is only resolved at the end). */
static void re_dfa_close(const re_inst *prog, re_dset *s, unsigned char *seen, uint32_t pc, int bol)
{
    uint32_t stack[RE_DFA_MAX_INST * 2];
    uint32_t sp = 0;
    stack[sp++] = pc;
    while (sp > 0) {
        uint32_t p = stack[--sp];
        if (seen[p])
            continue;
        seen[p] = 1;
        const re_inst *in = &prog[p];
        switch (in->op) {
        case RE_OP_JMP:
            stack[sp++] = in->a;
            break;
        case RE_OP_SPLIT:
            stack[sp++] = in->b;
            stack[sp++] = in->a;
            break;
        case RE_OP_BOL:
            if (bol)
                stack[sp++] = p + 1;
            break;
        case RE_OP_MATCH:
            s->matched = 1;
            break;
        default: /* consuming instructions and EOL stay in the set */
            s->pcs[s->n++] = (uint16_t)p;
            break;
        }
    }
}

static int re_dset_cmp(const void *x, const void *y)
{
    return (int)*(const uint16_t *)x - (int)*(const uint16_t *)y;
}

/* Whether the set reaches MATCH when the end of input has come (EOL now passes; BOL too when
 * the end is also the start, i.e. for an empty subject). */
static int re_dfa_accepts_at_end(const re_inst *prog, const re_dset *s, uint32_t ninst, int bol)
{
    unsigned char seen[RE_DFA_MAX_INST];
    uint32_t stack[RE_DFA_MAX_INST * 2];
    uint32_t sp = 0;
    memset(seen, 0, ninst);
    for (uint32_t i = 0; i < s->n; i++)
        if (prog[s->pcs[i]].op == RE_OP_EOL)
            stack[sp++] = s->pcs[i] + 1u;
    while (sp > 0) {
        uint32_t p = stack[--sp];
        if (seen[p])
            continue;
        seen[p] = 1;
        const re_inst *in = &prog[p];
        if (in->op == RE_OP_MATCH)
            return 1;
        if (in->op == RE_OP_JMP)
            stack[sp++] = in->a;
        else if (in->op == RE_OP_SPLIT)
            stack[sp++] = in->a, stack[sp++] = in->b;
        else if (in->op == RE_OP_EOL || (in->op == RE_OP_BOL && bol))
            stack[sp++] = p + 1;
    }
    return 0;
}

eventc_status eventc_regex_dfa_build(const char *pattern, size_t len, eventc_regex_dfa_storage *out)
{
    memset(out, 0, sizeof(*out));
    eventc_regex *re = NULL;
    eventc_status st = eventc_regex_compile(pattern, len, NULL, &re, NULL);
    if (st != EVENTC_OK)
        return st;
    uint32_t ninst = re->ninst;
    if (ninst > RE_DFA_MAX_INST) {
        eventc_regex_free(re);
        return EVENTC_E_UNSUPPORTED;
    }
    const re_inst *prog = re->prog;
    re_vm vm = {prog, re->ranges, NULL, 0};

    /* Byte classes: ASCII bytes that every consuming instruction treats alike. */
    uint64_t sig[128][RE_DFA_MAX_INST / 64];
    memset(sig, 0, sizeof(sig));
    for (uint32_t c = 0; c < 128; c++)
        for (uint32_t p = 0; p < ninst; p++)
            if (re_consumes(&vm, &prog[p], c))
                sig[c][p / 64] |= (uint64_t)1 << (p % 64);
    unsigned nclasses = 0;
    unsigned char rep[128];
    for (uint32_t c = 0; c < 128; c++) {
        unsigned k;
        for (k = 0; k < nclasses; k++)
            if (memcmp(sig[rep[k]], sig[c], sizeof(sig[c])) == 0)
                break;
        if (k == nclasses)
            rep[nclasses++] = (unsigned char)c;
        out->classes[c] = (unsigned char)k;
    }
    if (nclasses > EVENTC_REGEX_DFA_MAX_CLASSES) {
        eventc_regex_free(re);
        memset(out, 0, sizeof(*out));
        return EVENTC_E_UNSUPPORTED;
    }
    unsigned char next_raw[EVENTC_REGEX_DFA_MAX_STATES * EVENTC_REGEX_DFA_MAX_CLASSES];

    /* Subset construction. State 0 is the start (BOL holds); every later position adds the
     * restart set (BOL fails) unless the pattern is anchored. */
    re_dset *sets = malloc(EVENTC_REGEX_DFA_MAX_STATES * sizeof(*sets));
    if (!sets) {
        eventc_regex_free(re);
        return EVENTC_E_NOMEM;
    }
    unsigned char seen[RE_DFA_MAX_INST];
    uint32_t nstates = 1;
    memset(&sets[0], 0, sizeof(sets[0]));
    memset(seen, 0, ninst);
    re_dfa_close(prog, &sets[0], seen, 0, 1);
    qsort(sets[0].pcs, sets[0].n, sizeof(uint16_t), re_dset_cmp);
    st = EVENTC_OK;
    for (uint32_t s = 0; s < nstates && st == EVENTC_OK; s++) {
        const re_dset *cur = &sets[s];
        out->flags[s] = (unsigned char)((cur->matched ? EVENTC_REGEX_DFA_MATCHED : 0) |
                                        (re_dfa_accepts_at_end(prog, cur, ninst, 0)
                                             ? EVENTC_REGEX_DFA_ACCEPT_AT_END
                                             : 0));
        if (s == 0 && re_dfa_accepts_at_end(prog, cur, ninst, 1))
            out->flags[s] |= EVENTC_REGEX_DFA_ACCEPT_EMPTY;
        for (unsigned k = 0; k < nclasses; k++) {
            re_dset next;
            next.n = 0;
            next.matched = 0;
            memset(seen, 0, ninst);
            if (cur->matched) {
                next.matched = 1; /* a match found stays found */
            } else {
                for (uint32_t i = 0; i < cur->n; i++) {
                    uint32_t pc = cur->pcs[i];
                    if (re_consumes(&vm, &prog[pc], rep[k]))
                        re_dfa_close(prog, &next, seen, pc + 1, 0);
                }
                if (!re->anchored)
                    re_dfa_close(prog, &next, seen, 0, 0);
                qsort(next.pcs, next.n, sizeof(uint16_t), re_dset_cmp);
            }
            uint32_t t;
            for (t = 0; t < nstates; t++)
                if (sets[t].matched == next.matched && sets[t].n == next.n &&
                    memcmp(sets[t].pcs, next.pcs, next.n * sizeof(uint16_t)) == 0)
                    break;
            if (t == nstates) {
                if (nstates == EVENTC_REGEX_DFA_MAX_STATES) {
                    st = EVENTC_E_UNSUPPORTED;
                    break;
                }
                sets[nstates++] = next;
            }
            next_raw[s * EVENTC_REGEX_DFA_MAX_CLASSES + k] = (unsigned char)t;
        }
    }
    /* States that can neither match now, later, nor at the end are dead: stop early there. */
    for (uint32_t s = 0; s < nstates && st == EVENTC_OK; s++)
        if (sets[s].n == 0 && !sets[s].matched && re->anchored)
            out->flags[s] |= EVENTC_REGEX_DFA_DEAD;
    free(sets);
    eventc_regex_free(re);
    if (st != EVENTC_OK) {
        memset(out, 0, sizeof(*out));
        return st;
    }
    /* Pack the rows to nclasses columns. */
    for (uint32_t s = 0; s < nstates; s++)
        memcpy(out->next + s * nclasses, next_raw + s * EVENTC_REGEX_DFA_MAX_CLASSES, nclasses);
    out->dfa.nstates = nstates;
    out->dfa.nclasses = nclasses;
    out->dfa.classes = out->classes;
    out->dfa.next = out->next;
    out->dfa.flags = out->flags;
    return EVENTC_OK;
}

int eventc_regex_dfa_test(const eventc_regex_dfa *dfa, const char *subject, size_t len)
{
    const unsigned char *s = (const unsigned char *)subject;
    const unsigned char *classes = dfa->classes, *next = dfa->next;
    unsigned nclasses = dfa->nclasses;
    unsigned state = 0;
    if (len == 0)
        return (dfa->flags[0] & (EVENTC_REGEX_DFA_MATCHED | EVENTC_REGEX_DFA_ACCEPT_EMPTY)) != 0;
    /* Matched and dead states are absorbing, so the flags are only read at the end (or when a
     * non-ASCII byte stops the walk). */
    for (size_t i = 0; i < len; i++) {
        if (s[i] >= 0x80) {
            unsigned char flags = dfa->flags[state];
            if (flags & EVENTC_REGEX_DFA_MATCHED)
                return 1;
            if (flags & EVENTC_REGEX_DFA_DEAD)
                return 0;
            return -1;
        }
        state = next[state * nclasses + classes[s[i]]];
    }
    return (dfa->flags[state] & (EVENTC_REGEX_DFA_MATCHED | EVENTC_REGEX_DFA_ACCEPT_AT_END)) != 0;
}
