/* Mustache renderer. A template is first parsed into a flat node list (sections know where their
 * body ends), so every syntax error is reported before any output exists. Rendering then walks the
 * list with an explicit frame stack instead of recursion: deep data or long partial chains cost
 * heap, never C stack, and the only limits are the documented depth limits. */
#include "render.h"
#include "base/lazy_list.h"

#include <float.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NPOS ((size_t)-1)

enum node_kind {
    NODE_TEXT,
    NODE_ESCAPED,
    NODE_RAW,
    NODE_SECTION,
    NODE_INVERTED,
    NODE_PARTIAL,
};

struct tmpl;

struct node {
    enum node_kind kind;
    unsigned line;
    unsigned col;
    /* NODE_TEXT: the text; NODE_PARTIAL: the indentation of a standalone tag (else empty). */
    const char *text;
    size_t len;
    /* Variables and sections: the dotted name with every '.' replaced by a NUL, `parts` pieces
     * (0 for the implicit iterator). NODE_PARTIAL: the partial's name. */
    const char *name;
    unsigned parts;
    /* Sections: the name as written, to match the end tag, and the index after the body. */
    const char *raw;
    size_t raw_len;
    size_t end;
    /* NODE_PARTIAL: the parsed partial, looked up on first use. */
    struct tmpl *partial;
};

struct tmpl {
    struct node *nodes;
    size_t count;
    size_t cap;
    /* Names copied out of tags. Sized once so node pointers into it stay valid. */
    char *names;
    size_t names_len;
    size_t names_cap;
    /* The indented copy of a partial's text, when one was needed. */
    char *owned_src;
};

static void set_error(char *buf, size_t len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void set_error(char *buf, size_t len, const char *fmt, ...)
{
    if (buf == NULL || len == 0) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, len, fmt, ap);
    va_end(ap);
}

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

/* First occurrence of needle in s[from, to), or NPOS. */
static size_t find(const char *s, size_t from, size_t to, const char *needle, size_t nlen)
{
    if (nlen == 0 || to < nlen) {
        return NPOS;
    }
    size_t last = to - nlen;
    size_t i = from;
    while (i <= last) {
        const char *hit = memchr(s + i, needle[0], last - i + 1);
        if (hit == NULL) {
            return NPOS;
        }
        i = (size_t)(hit - s);
        if (memcmp(s + i, needle, nlen) == 0) {
            return i;
        }
        i++;
    }
    return NPOS;
}

static struct tmpl *tmpl_new(size_t src_len)
{
    struct tmpl *t = calloc(1, sizeof *t);
    if (t == NULL) {
        return NULL;
    }
    /* Every name copy (plus its NUL) is shorter than the tag it came from, delimiters included,
     * so the template's length bounds the total. */
    t->names_cap = src_len + 1;
    t->names = malloc(t->names_cap);
    if (t->names == NULL) {
        free(t);
        return NULL;
    }
    return t;
}

static void tmpl_free(struct tmpl *t)
{
    if (t == NULL) {
        return;
    }
    free(t->nodes);
    free(t->names);
    free(t->owned_src);
    free(t);
}

/* ---- parsing ---- */

struct parser {
    const char *src;
    size_t len;
    const char *open;
    size_t open_len;
    const char *close;
    size_t close_len;
    /* A cursor that only moves forward and keeps the line, the column (in characters) and
     * whether the current line holds only blanks so far: all per-tag questions in O(1). */
    size_t cur;
    unsigned line;
    unsigned col;
    size_t line_start;
    bool blank_line;
    /* Columns to subtract, for a partial indented before parsing. */
    size_t col_shift;
    struct tmpl *t;
    size_t sections[GEN_RENDER_MAX_SECTION_DEPTH];
    unsigned depth;
    char *err;
    size_t errlen;
};

static void cursor_to(struct parser *ps, size_t p)
{
    for (size_t i = ps->cur; i < p; i++) {
        unsigned char c = (unsigned char)ps->src[i];
        if (c == '\n') {
            ps->line++;
            ps->col = 0;
            ps->line_start = i + 1;
            ps->blank_line = true;
            continue;
        }
        if ((c & 0xC0) != 0x80) {
            ps->col++;
        }
        if (c != ' ' && c != '\t') {
            ps->blank_line = false;
        }
    }
    ps->cur = p;
}

static unsigned cursor_col(const struct parser *ps)
{
    size_t col = (size_t)ps->col + 1;
    if (col > ps->col_shift) {
        col -= ps->col_shift;
    }
    return (unsigned)col;
}

static void parse_error(struct parser *ps, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void parse_error(struct parser *ps, unsigned line, unsigned col, const char *fmt, ...)
{
    if (ps->err == NULL || ps->errlen == 0) {
        return;
    }
    int n = snprintf(ps->err, ps->errlen, "%u:%u: ", line, col);
    if (n < 0 || (size_t)n >= ps->errlen) {
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ps->err + n, ps->errlen - (size_t)n, fmt, ap);
    va_end(ap);
}

static struct node *add_node(struct parser *ps, enum node_kind kind, unsigned line, unsigned col)
{
    struct tmpl *t = ps->t;
    if (t->count == t->cap) {
        size_t cap = t->cap ? t->cap * 2 : 16;
        struct node *nodes = realloc(t->nodes, cap * sizeof *nodes);
        if (nodes == NULL) {
            set_error(ps->err, ps->errlen, "out of memory");
            return NULL;
        }
        t->nodes = nodes;
        t->cap = cap;
    }
    struct node *nd = &t->nodes[t->count++];
    memset(nd, 0, sizeof *nd);
    nd->kind = kind;
    nd->line = line;
    nd->col = col;
    return nd;
}

static bool add_text(struct parser *ps, size_t from, size_t to)
{
    if (to <= from) {
        return true;
    }
    struct node *nd = add_node(ps, NODE_TEXT, 0, 0);
    if (nd == NULL) {
        return false;
    }
    nd->text = ps->src + from;
    nd->len = to - from;
    return true;
}

static char *copy_name(struct parser *ps, const char *s, size_t n)
{
    struct tmpl *t = ps->t;
    if (t->names_cap - t->names_len < n + 1) {
        set_error(ps->err, ps->errlen, "internal error: name table overflow");
        return NULL;
    }
    char *dst = t->names + t->names_len;
    memcpy(dst, s, n);
    dst[n] = '\0';
    t->names_len += n + 1;
    return dst;
}

static void trim(const char *s, size_t *from, size_t *to)
{
    while (*from < *to && is_space(s[*from])) {
        (*from)++;
    }
    while (*to > *from && is_space(s[*to - 1])) {
        (*to)--;
    }
}

/* Checks and stores the name in s[from, to) of a variable or section tag. */
static bool parse_name(struct parser *ps, size_t from, size_t to, unsigned line, unsigned col,
                       struct node *nd)
{
    const char *s = ps->src;
    trim(s, &from, &to);
    size_t n = to - from;
    if (n == 0) {
        parse_error(ps, line, col, "empty tag name");
        return false;
    }
    nd->raw = s + from;
    nd->raw_len = n;
    if (n == 1 && s[from] == '.') {
        nd->name = "";
        nd->parts = 0;
        return true;
    }
    unsigned parts = 1;
    bool empty_part = s[from] == '.' || s[to - 1] == '.';
    for (size_t i = from; i < to; i++) {
        if (is_space(s[i])) {
            parse_error(ps, line, col, "invalid name '%.*s': names contain no blanks", (int)n,
                        s + from);
            return false;
        }
        if (s[i] == '.') {
            parts++;
            if (i + 1 < to && s[i + 1] == '.') {
                empty_part = true;
            }
        }
    }
    if (empty_part) {
        parse_error(ps, line, col, "invalid name '%.*s': empty part in a dotted name", (int)n,
                    s + from);
        return false;
    }
    char *copy = copy_name(ps, s + from, n);
    if (copy == NULL) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (copy[i] == '.') {
            copy[i] = '\0';
        }
    }
    nd->name = copy;
    nd->parts = parts;
    return true;
}

static bool set_delimiters(struct parser *ps, size_t from, size_t to, unsigned line, unsigned col)
{
    const char *s = ps->src;
    trim(s, &from, &to);
    size_t a = from;
    size_t a_end = a;
    while (a_end < to && !is_space(s[a_end])) {
        a_end++;
    }
    size_t b = a_end;
    while (b < to && is_space(s[b])) {
        b++;
    }
    bool ok = a_end > a && b < to;
    for (size_t i = b; ok && i < to; i++) {
        ok = !is_space(s[i]);
    }
    for (size_t i = from; ok && i < to; i++) {
        ok = s[i] != '=';
    }
    if (!ok) {
        parse_error(ps, line, col,
                    "invalid delimiters '%.*s': expected two delimiters without blanks or '='",
                    (int)(to - from), s + from);
        return false;
    }
    ps->open = s + a;
    ps->open_len = a_end - a;
    ps->close = s + b;
    ps->close_len = to - b;
    return true;
}

/* Where the content of the tag starting at `from` ends: before the close delimiter, or for
 * `{{{x}}}` and `{{=a b=}}` before the '}' or '=' that precedes it. NPOS when unclosed. */
static size_t find_close(const struct parser *ps, size_t from, char before)
{
    size_t at = from;
    for (;;) {
        size_t i = find(ps->src, at, ps->len, ps->close, ps->close_len);
        if (i == NPOS || before == '\0') {
            return i;
        }
        if (i > from && ps->src[i - 1] == before) {
            return i - 1;
        }
        at = i + 1;
    }
}

static bool handle_tag(struct parser *ps, char type, size_t from, size_t to, unsigned line,
                       unsigned col, const char *indent, size_t indent_len)
{
    struct node *nd;
    switch (type) {
    case '!':
        return true;
    case '=':
        return set_delimiters(ps, from, to, line, col);
    case '#':
    case '^':
        if (ps->depth == GEN_RENDER_MAX_SECTION_DEPTH) {
            parse_error(ps, line, col, "sections nested more than %d deep",
                        GEN_RENDER_MAX_SECTION_DEPTH);
            return false;
        }
        nd = add_node(ps, type == '#' ? NODE_SECTION : NODE_INVERTED, line, col);
        if (nd == NULL || !parse_name(ps, from, to, line, col, nd)) {
            return false;
        }
        ps->sections[ps->depth++] = ps->t->count - 1;
        return true;
    case '/': {
        trim(ps->src, &from, &to);
        if (to == from) {
            parse_error(ps, line, col, "empty tag name");
            return false;
        }
        if (ps->depth == 0) {
            parse_error(ps, line, col, "section end '%.*s' without a matching section start",
                        (int)(to - from), ps->src + from);
            return false;
        }
        struct node *start = &ps->t->nodes[ps->sections[ps->depth - 1]];
        if (start->raw_len != to - from || memcmp(start->raw, ps->src + from, to - from) != 0) {
            parse_error(ps, line, col,
                        "section end '%.*s' does not match section '%.*s' opened at %u:%u",
                        (int)(to - from), ps->src + from, (int)start->raw_len, start->raw,
                        start->line, start->col);
            return false;
        }
        start->end = ps->t->count;
        ps->depth--;
        return true;
    }
    case '>': {
        trim(ps->src, &from, &to);
        for (size_t i = from; i < to; i++) {
            if (is_space(ps->src[i])) {
                parse_error(ps, line, col, "invalid partial name '%.*s': names contain no blanks",
                            (int)(to - from), ps->src + from);
                return false;
            }
        }
        if (to == from) {
            parse_error(ps, line, col, "empty partial name");
            return false;
        }
        nd = add_node(ps, NODE_PARTIAL, line, col);
        if (nd == NULL) {
            return false;
        }
        nd->name = copy_name(ps, ps->src + from, to - from);
        nd->text = indent;
        nd->len = indent_len;
        return nd->name != NULL;
    }
    default:
        nd = add_node(ps, type == '\0' ? NODE_ESCAPED : NODE_RAW, line, col);
        return nd != NULL && parse_name(ps, from, to, line, col, nd);
    }
}

static bool parse(struct parser *ps)
{
    const char *s = ps->src;
    size_t len = ps->len;
    size_t pos = 0;
    size_t text_start = 0;
    for (;;) {
        size_t tag = find(s, pos, len, ps->open, ps->open_len);
        if (tag == NPOS) {
            if (!add_text(ps, text_start, len)) {
                return false;
            }
            break;
        }
        cursor_to(ps, tag);
        bool blank_before = ps->blank_line;
        size_t line_start = ps->line_start;
        unsigned line = ps->line;
        unsigned col = cursor_col(ps);

        size_t from = tag + ps->open_len;
        char type = from < len ? s[from] : '\0';
        if (type != '\0' && strchr("#^/!>=&{", type) != NULL) {
            from++;
        } else {
            type = '\0';
        }
        char before = type == '{' ? '}' : type == '=' ? '=' : '\0';
        size_t to = find_close(ps, from, before);
        if (to == NPOS) {
            parse_error(ps, line, col, "unclosed tag: no '%s%.*s' follows",
                        before == '}'   ? "}"
                        : before == '=' ? "="
                                        : "",
                        (int)ps->close_len, ps->close);
            return false;
        }
        if (type != '!' && type != '=' && find(s, from, to, ps->open, ps->open_len) != NPOS) {
            parse_error(ps, line, col, "unclosed tag: '%.*s' found before '%.*s'",
                        (int)ps->open_len, ps->open, (int)ps->close_len, ps->close);
            return false;
        }
        size_t tag_end = to + (before != '\0') + ps->close_len;

        /* A block tag alone on its line (blanks aside) takes the whole line with it. */
        size_t next = tag_end;
        bool standalone = false;
        if (blank_before && type != '\0' && type != '&' && type != '{') {
            size_t e = tag_end;
            while (e < len && (s[e] == ' ' || s[e] == '\t')) {
                e++;
            }
            if (e == len) {
                standalone = true;
                next = e;
            } else if (s[e] == '\n') {
                standalone = true;
                next = e + 1;
            } else if (s[e] == '\r' && e + 1 < len && s[e + 1] == '\n') {
                standalone = true;
                next = e + 2;
            }
        }
        if (!add_text(ps, text_start, standalone ? line_start : tag)) {
            return false;
        }
        if (!handle_tag(ps, type, from, to, line, col, s + line_start,
                        standalone ? tag - line_start : 0)) {
            return false;
        }
        pos = text_start = next;
    }
    if (ps->depth > 0) {
        const struct node *open = &ps->t->nodes[ps->sections[ps->depth - 1]];
        parse_error(ps, open->line, open->col, "unclosed section '%.*s'", (int)open->raw_len,
                    open->raw);
        return false;
    }
    return true;
}

/* Parses src; on failure returns NULL with "line:col: message" in err. */
static struct tmpl *compile(const char *src, size_t len, size_t col_shift, char *err, size_t errlen)
{
    struct tmpl *t = tmpl_new(len);
    if (t == NULL) {
        set_error(err, errlen, "out of memory");
        return NULL;
    }
    struct parser *ps = calloc(1, sizeof *ps);
    if (ps == NULL) {
        tmpl_free(t);
        set_error(err, errlen, "out of memory");
        return NULL;
    }
    ps->src = src;
    ps->len = len;
    ps->open = "{{";
    ps->open_len = 2;
    ps->close = "}}";
    ps->close_len = 2;
    ps->line = 1;
    ps->blank_line = true;
    ps->col_shift = col_shift;
    ps->t = t;
    ps->err = err;
    ps->errlen = errlen;
    bool ok = parse(ps);
    free(ps);
    if (!ok) {
        tmpl_free(t);
        return NULL;
    }
    return t;
}

/* ---- rendering ---- */

/* How much text gen_render_to gathers before handing it on. */
#define OUT_PIECE 65536

struct out {
    char *buf;
    size_t len;
    size_t cap;
    bool oom;
    /* gen_render_to: where the text goes, and whether that refused it. */
    gen_render_write_fn write;
    void *wctx;
    bool stopped;
};

static void out_flush(struct out *o)
{
    if (o->len > 0 && !o->oom && !o->stopped && o->write(o->wctx, o->buf, o->len) != 0) {
        o->stopped = true;
    }
    o->len = 0;
}

static void out_put(struct out *o, const char *s, size_t n)
{
    if (o->oom || o->stopped || n == 0) {
        return;
    }
    if (o->write != NULL && o->len + n > OUT_PIECE) {
        out_flush(o);
        if (n >= OUT_PIECE) {
            if (!o->stopped && o->write(o->wctx, s, n) != 0) {
                o->stopped = true;
            }
            return;
        }
    }
    if (o->cap - o->len <= n) {
        size_t cap = o->cap ? o->cap : 256;
        while (cap - o->len <= n) {
            if (cap > SIZE_MAX / 2) {
                o->oom = true;
                return;
            }
            cap *= 2;
        }
        char *buf = realloc(o->buf, cap);
        if (buf == NULL) {
            o->oom = true;
            return;
        }
        o->buf = buf;
        o->cap = cap;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
}

static void out_escaped(struct out *o, const char *s, size_t n)
{
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep;
        switch (s[i]) {
        case '&':
            rep = "&amp;";
            break;
        case '"':
            rep = "&quot;";
            break;
        case '<':
            rep = "&lt;";
            break;
        case '>':
            rep = "&gt;";
            break;
        default:
            continue;
        }
        out_put(o, s + run, i - run);
        out_put(o, rep, strlen(rep));
        run = i + 1;
    }
    out_put(o, s + run, n - run);
}

/* The shortest decimal form that reads back as the same double, as JSON writers print it. */
static void format_double(double d, char *buf, size_t size)
{
    if (d != d) {
        snprintf(buf, size, "NaN");
        return;
    }
    if (d > DBL_MAX || d < -DBL_MAX) {
        snprintf(buf, size, "%s", d > 0 ? "Infinity" : "-Infinity");
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, d);
        if (strtod(buf, NULL) == d) {
            return;
        }
    }
}

static void out_value(struct out *o, struct json_object *v, bool escape)
{
    char num[64];
    const char *s;
    size_t n;
    switch (json_object_get_type(v)) {
    case json_type_null:
        return;
    case json_type_boolean:
        s = json_object_get_boolean(v) ? "true" : "false";
        n = strlen(s);
        break;
    case json_type_int: {
        int64_t i = json_object_get_int64(v);
        if (i == INT64_MAX) {
            snprintf(num, sizeof num, "%" PRIu64, json_object_get_uint64(v));
        } else {
            snprintf(num, sizeof num, "%" PRId64, i);
        }
        s = num;
        n = strlen(s);
        break;
    }
    case json_type_double:
        format_double(json_object_get_double(v), num, sizeof num);
        s = num;
        n = strlen(s);
        break;
    case json_type_string:
        s = json_object_get_string(v);
        n = (size_t)json_object_get_string_len(v);
        break;
    default:
        s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
        if (s == NULL) {
            o->oom = true;
            return;
        }
        n = strlen(s);
        break;
    }
    if (escape) {
        out_escaped(o, s, n);
    } else {
        out_put(o, s, n);
    }
}

static bool truthy(struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_null:
        return false;
    case json_type_boolean:
        return json_object_get_boolean(v) != 0;
    case json_type_int:
        return json_object_get_int64(v) != 0;
    case json_type_double:
        return json_object_get_double(v) != 0.0;
    case json_type_string:
        return json_object_get_string_len(v) > 0;
    case json_type_array: {
        const gen_lazy_list *l = gen_lazy_list_of(v);
        return l != NULL ? l->count > 0 : json_object_array_length(v) > 0;
    }
    default:
        return true;
    }
}

struct frame {
    struct tmpl *t;
    size_t pc;
    size_t body;
    size_t end;
    /* A section over a list: the list, the current element and the element count. */
    struct json_object *list;
    /* Over a lazy list instead: the list and the item built for the current element. */
    const gen_lazy_list *lazy;
    struct json_object *item;
    size_t idx;
    size_t count;
    bool pushed_ctx;
    bool is_partial;
    /* Inside a partial, errors point at the tag in the root template that led here. */
    bool in_partial;
    unsigned origin_line;
    unsigned origin_col;
};

struct partial_entry {
    const char *name;
    const char *indent;
    size_t indent_len;
    struct tmpl *t;
    struct partial_entry *next;
};

struct renderer {
    gen_partial_fn partials;
    void *ctx;
    struct partial_entry *cache;
    struct json_object **stack;
    size_t depth;
    size_t stack_cap;
    struct frame *frames;
    size_t nframes;
    size_t frames_cap;
    unsigned partial_depth;
    struct out out;
    char *err;
    size_t errlen;
};

static bool grow(void **items, size_t *cap, size_t size)
{
    size_t n = *cap ? *cap * 2 : 32;
    void *p = realloc(*items, n * size);
    if (p == NULL) {
        return false;
    }
    *items = p;
    *cap = n;
    return true;
}

static bool push_ctx(struct renderer *r, struct json_object *v)
{
    if (r->depth == r->stack_cap && !grow((void **)&r->stack, &r->stack_cap, sizeof *r->stack)) {
        return false;
    }
    r->stack[r->depth++] = v;
    return true;
}

static bool push_frame(struct renderer *r, const struct frame *f)
{
    if (r->nframes == r->frames_cap &&
        !grow((void **)&r->frames, &r->frames_cap, sizeof *r->frames)) {
        return false;
    }
    r->frames[r->nframes++] = *f;
    return true;
}

/* Resolves a name against the context stack: the first part in the innermost context that has
 * it, every further part strictly inside the value found. Returns false on a miss. */
static bool lookup(const struct renderer *r, const struct node *nd, struct json_object **out)
{
    if (nd->parts == 0) {
        *out = r->depth ? r->stack[r->depth - 1] : NULL;
        return r->depth > 0;
    }
    const char *part = nd->name;
    struct json_object *v = NULL;
    size_t i = r->depth;
    for (;;) {
        if (i == 0) {
            return false;
        }
        struct json_object *c = r->stack[--i];
        if (json_object_is_type(c, json_type_object) && json_object_object_get_ex(c, part, &v)) {
            break;
        }
    }
    for (unsigned p = 1; p < nd->parts; p++) {
        part += strlen(part) + 1;
        if (!json_object_is_type(v, json_type_object) || !json_object_object_get_ex(v, part, &v)) {
            return false;
        }
    }
    *out = v;
    return true;
}

/* Inserts `indent` at the start of every line of text except an empty last one. */
static char *indent_text(const char *text, size_t len, const char *indent, size_t indent_len,
                         size_t *out_len)
{
    size_t lines = 1;
    for (size_t i = 0; i + 1 < len; i++) {
        lines += text[i] == '\n';
    }
    if (indent_len != 0 && lines > (SIZE_MAX - len - 1) / indent_len) {
        return NULL;
    }
    size_t n = len + lines * indent_len;
    char *buf = malloc(n + 1);
    if (buf == NULL) {
        return NULL;
    }
    size_t o = 0;
    bool line_start = true;
    for (size_t i = 0; i < len; i++) {
        if (line_start) {
            memcpy(buf + o, indent, indent_len);
            o += indent_len;
            line_start = false;
        }
        buf[o++] = text[i];
        line_start = text[i] == '\n';
    }
    buf[o] = '\0';
    *out_len = o;
    return buf;
}

/* Returns the parsed partial for a partial tag (an empty template when the partial does not
 * exist), or NULL on an error already reported. */
static struct tmpl *resolve_partial(struct renderer *r, struct node *nd, unsigned line,
                                    unsigned col)
{
    if (nd->partial != NULL) {
        return nd->partial;
    }
    for (struct partial_entry *e = r->cache; e != NULL; e = e->next) {
        if (strcmp(e->name, nd->name) == 0 && e->indent_len == nd->len &&
            memcmp(e->indent, nd->text, nd->len) == 0) {
            nd->partial = e->t;
            return e->t;
        }
    }
    struct partial_entry *e = calloc(1, sizeof *e);
    if (e == NULL) {
        set_error(r->err, r->errlen, "out of memory");
        return NULL;
    }
    size_t len = 0;
    const char *text = r->partials ? r->partials(r->ctx, nd->name, &len) : NULL;
    char msg[400] = "out of memory";
    struct tmpl *t;
    if (text == NULL) {
        t = tmpl_new(0);
    } else if (nd->len > 0 && len > 0) {
        size_t ilen = 0;
        char *itext = indent_text(text, len, nd->text, nd->len, &ilen);
        t = itext ? compile(itext, ilen, nd->len, msg, sizeof msg) : NULL;
        if (t != NULL) {
            t->owned_src = itext;
        } else {
            free(itext);
        }
    } else {
        t = compile(text, len, 0, msg, sizeof msg);
    }
    if (t == NULL) {
        free(e);
        set_error(r->err, r->errlen, "%u:%u: in partial '%s': %s", line, col, nd->name, msg);
        return NULL;
    }
    e->name = nd->name;
    e->indent = nd->text;
    e->indent_len = nd->len;
    e->t = t;
    e->next = r->cache;
    r->cache = e;
    nd->partial = t;
    return t;
}

static bool oom(struct renderer *r)
{
    set_error(r->err, r->errlen, "out of memory");
    return false;
}

static bool enter_section(struct renderer *r, const struct frame *f, size_t at,
                          struct json_object *v)
{
    const struct node *nd = &f->t->nodes[at];
    struct frame sub = {
        .t = f->t,
        .pc = at + 1,
        .body = at + 1,
        .end = nd->end,
        .in_partial = f->in_partial,
        .origin_line = f->origin_line,
        .origin_col = f->origin_col,
    };
    if (nd->kind == NODE_SECTION) {
        struct json_object *first = v;
        const gen_lazy_list *lazy = gen_lazy_list_of(v);
        if (lazy != NULL) {
            first = lazy->item(lazy->ctx, 0);
            if (first == NULL) {
                return false;
            }
            sub.lazy = lazy;
            sub.item = first;
            sub.count = lazy->count;
        } else if (json_object_is_type(v, json_type_array)) {
            sub.list = v;
            sub.count = json_object_array_length(v);
            first = json_object_array_get_idx(v, 0);
        }
        if (!push_ctx(r, first)) {
            json_object_put(sub.item);
            return false;
        }
        sub.pushed_ctx = true;
    }
    if (!push_frame(r, &sub)) {
        json_object_put(sub.item);
        return false;
    }
    return true;
}

static bool run(struct renderer *r, struct tmpl *root, struct json_object *data)
{
    struct frame top = {.t = root, .end = root->count};
    if (!push_ctx(r, data) || !push_frame(r, &top)) {
        return oom(r);
    }
    while (r->nframes > 0) {
        struct frame *f = &r->frames[r->nframes - 1];
        if (f->pc >= f->end) {
            if (f->pushed_ctx) {
                r->depth--;
            }
            if (f->lazy != NULL) {
                json_object_put(f->item);
                f->item = NULL;
                if (++f->idx < f->count) {
                    f->item = f->lazy->item(f->lazy->ctx, f->idx);
                    if (f->item == NULL) {
                        return oom(r);
                    }
                    r->stack[r->depth++] = f->item;
                    f->pc = f->body;
                    continue;
                }
            } else if (f->list != NULL && ++f->idx < f->count) {
                /* The slot just freed is reused, so this push cannot fail. */
                r->stack[r->depth++] = json_object_array_get_idx(f->list, f->idx);
                f->pc = f->body;
                continue;
            }
            if (f->is_partial) {
                r->partial_depth--;
            }
            r->nframes--;
            continue;
        }
        size_t at = f->pc;
        struct node *nd = &f->t->nodes[at];
        struct json_object *v = NULL;
        switch (nd->kind) {
        case NODE_TEXT:
            out_put(&r->out, nd->text, nd->len);
            f->pc++;
            break;
        case NODE_ESCAPED:
        case NODE_RAW:
            if (lookup(r, nd, &v)) {
                out_value(&r->out, v, nd->kind == NODE_ESCAPED);
            }
            f->pc++;
            break;
        case NODE_SECTION:
        case NODE_INVERTED: {
            bool on = lookup(r, nd, &v) && truthy(v);
            f->pc = nd->end;
            if (on == (nd->kind == NODE_SECTION) && nd->end > at + 1 &&
                !enter_section(r, f, at, v)) {
                return oom(r);
            }
            break;
        }
        case NODE_PARTIAL: {
            unsigned line = f->in_partial ? f->origin_line : nd->line;
            unsigned col = f->in_partial ? f->origin_col : nd->col;
            f->pc++;
            if (r->partial_depth >= GEN_RENDER_MAX_PARTIAL_DEPTH) {
                set_error(r->err, r->errlen,
                          "%u:%u: partials nested more than %d deep (does partial '%s' include "
                          "itself?)",
                          line, col, GEN_RENDER_MAX_PARTIAL_DEPTH, nd->name);
                return false;
            }
            struct tmpl *p = resolve_partial(r, nd, line, col);
            if (p == NULL) {
                return false;
            }
            if (p->count == 0) {
                break;
            }
            struct frame sub = {
                .t = p,
                .end = p->count,
                .is_partial = true,
                .in_partial = true,
                .origin_line = line,
                .origin_col = col,
            };
            if (!push_frame(r, &sub)) {
                return oom(r);
            }
            r->partial_depth++;
            break;
        }
        }
        if (r->out.oom) {
            return oom(r);
        }
        if (r->out.stopped) {
            set_error(r->err, r->errlen, "%s", "");
            return false;
        }
    }
    return true;
}

/* Renders into r->out (set up by the caller); frees everything but the output buffer. */
static bool render(struct renderer *r, const char *tmpl, size_t len, struct json_object *data)
{
    if (tmpl == NULL) {
        len = 0;
        tmpl = "";
    }
    struct tmpl *root = compile(tmpl, len, 0, r->err, r->errlen);
    if (root == NULL) {
        return false;
    }
    /* Generated files come out about as long as their templates; start there. */
    r->out.cap = len + 1;
    if (r->out.write != NULL && r->out.cap > OUT_PIECE) {
        r->out.cap = OUT_PIECE;
    }
    r->out.buf = malloc(r->out.cap);
    if (r->out.buf == NULL) {
        r->out.cap = 0;
        r->out.oom = true;
    }
    bool ok = !r->out.oom ? run(r, root, data) : oom(r);
    /* A failed run leaves frames, and maybe the items they built. */
    for (size_t i = 0; i < r->nframes; i++) {
        json_object_put(r->frames[i].item);
    }
    while (r->cache != NULL) {
        struct partial_entry *next = r->cache->next;
        tmpl_free(r->cache->t);
        free(r->cache);
        r->cache = next;
    }
    free(r->stack);
    free(r->frames);
    tmpl_free(root);
    return ok;
}

char *gen_render(const char *tmpl, size_t len, struct json_object *data, gen_partial_fn partials,
                 void *ctx, size_t *out_len, char *errbuf, size_t errlen)
{
    if (out_len != NULL) {
        *out_len = 0;
    }
    struct renderer r = {
        .partials = partials,
        .ctx = ctx,
        .err = errbuf,
        .errlen = errlen,
    };
    if (!render(&r, tmpl, len, data)) {
        free(r.out.buf);
        return NULL;
    }
    /* out_put always leaves room for one more byte. */
    r.out.buf[r.out.len] = '\0';
    if (out_len != NULL) {
        *out_len = r.out.len;
    }
    return r.out.buf;
}

int gen_render_to(const char *tmpl, size_t len, struct json_object *data, gen_partial_fn partials,
                  void *ctx, gen_render_write_fn write, void *wctx, char *errbuf, size_t errlen)
{
    struct renderer r = {
        .partials = partials,
        .ctx = ctx,
        .err = errbuf,
        .errlen = errlen,
        .out = {.write = write, .wctx = wctx},
    };
    bool ok = render(&r, tmpl, len, data);
    if (ok) {
        out_flush(&r.out);
        if (r.out.stopped) {
            set_error(errbuf, errlen, "%s", "");
            ok = false;
        }
    }
    free(r.out.buf);
    return ok ? 0 : -1;
}
