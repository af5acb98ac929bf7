/* Text of generated C: escaping for comments and string literals, wrapping to the column limit,
 * and the line layouts that reproduce clang-format's choices, so generated code needs no
 * formatter. Every C view writes its code through these. */
#include "c_text.h"
#include "base/util.h"

#include <eventc/utf8.h>

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- text helpers -----------------------------------------------------------------------------
 */

/* Unicode bidirectional embeddings, overrides and isolates: compilers warn about them even in
 * comments (they can make code read differently than it compiles). */
static bool is_bidi_control(uint32_t cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Decodes the next code point of NUL-terminated `s`; an invalid byte reads as U+FFFD. */
static size_t next_cp(const char *s, uint32_t *cp)
{
    size_t n = 0;
    while (n < 4 && s[n])
        n++;
    int len = eventc_utf8_decode(s, n, cp);
    if (len <= 0) {
        *cp = 0xFFFD;
        return 1;
    }
    return (size_t)len;
}

static void put_cp(gen_str *out, uint32_t cp)
{
    char buf[4];
    size_t n = eventc_utf8_encode(cp, buf);
    gen_str_append(out, buf, n);
}

static bool is_trigraph_char(char c)
{
    return c != '\0' && strchr("=/'()!<>-", c) != NULL;
}

char *gen_c_comment_escape(const char *s)
{
    gen_str out;
    gen_str_init(&out);
    for (size_t i = 0; s[i];) {
        char c = s[i];
        char last = out.len ? out.data[out.len - 1] : '\0';
        if (c == '\r') {
            gen_str_putc(&out, '\n');
            i += s[i + 1] == '\n' ? 2 : 1;
            continue;
        }
        if (c == '\n') {
            gen_str_putc(&out, '\n');
            i++;
            continue;
        }
        if ((unsigned char)c < 0x20 || c == 0x7f) {
            gen_str_putc(&out, ' ');
            i++;
            continue;
        }
        if ((c == '/' && last == '*') || (c == '*' && last == '/') ||
            (c == '?' && last == '?' && is_trigraph_char(s[i + 1])))
            gen_str_putc(&out, '\\');
        if ((unsigned char)c < 0x80) {
            gen_str_putc(&out, c);
            i++;
            continue;
        }
        uint32_t cp;
        i += next_cp(s + i, &cp);
        if (is_bidi_control(cp))
            gen_str_printf(&out, "<U+%04" PRIX32 ">", cp);
        else
            put_cp(&out, cp);
    }
    return gen_str_detach(&out);
}

/* Columns a code point takes, counted on the safe side: wide and emoji characters as 2. */
static unsigned cp_width(uint32_t cp)
{
    if (cp >= 0x300 && cp <= 0x36F)
        return 0;
    return cp >= 0x1100 ? 2 : 1;
}

static unsigned text_width(const char *s, size_t n)
{
    unsigned w = 0;
    for (size_t i = 0; i < n && s[i];) {
        uint32_t cp;
        i += next_cp(s + i, &cp);
        w += cp_width(cp);
    }
    return w;
}

static bool starts_list_item(const char *line)
{
    /* Doxygen commands (@param, @brief) start lines of their own too. */
    if (line[0] == '@')
        return true;
    if ((line[0] == '-' || line[0] == '*' || line[0] == '+') && line[1] == ' ')
        return true;
    size_t d = 0;
    while (line[d] >= '0' && line[d] <= '9')
        d++;
    return d > 0 && (line[d] == '.' || line[d] == ')') && line[d + 1] == ' ';
}

/* Word-wraps one logical line into `out`. `col` is the column where text continues on the current
 * output line; `prefix` starts every new output line. Returns the column after the text. */
static unsigned wrap_line(gen_str *out, const char *line, size_t len, unsigned col,
                          const char *prefix, unsigned prefix_width, bool at_line_start)
{
    size_t i = 0;
    /* Leading blanks of an indented line are kept: they carry structure (code, nested lists). */
    while (i < len && line[i] == ' ') {
        gen_str_putc(out, ' ');
        col++;
        i++;
    }
    bool first = at_line_start;
    while (i < len) {
        while (i < len && line[i] == ' ')
            i++;
        if (i >= len)
            break;
        size_t start = i;
        while (i < len && line[i] != ' ')
            i++;
        unsigned w = text_width(line + start, i - start);
        if (!first && col + 1 + w > GEN_C_COMMENT_COLUMNS) {
            gen_str_putc(out, '\n');
            gen_str_puts(out, prefix);
            col = prefix_width;
            first = true;
        }
        if (!first) {
            gen_str_putc(out, ' ');
            col++;
        }
        gen_str_append(out, line + start, i - start);
        col += w;
        first = false;
    }
    return col;
}

char *gen_c_comment_wrap(const char *s, unsigned indent, unsigned first_col)
{
    char *esc = gen_c_comment_escape(s ? s : "");
    char *prefix = gen_format("%*s * ", (int)indent, "");
    unsigned prefix_width = indent + 3;
    gen_str out;
    gen_str_init(&out);
    unsigned col = first_col;
    bool line_start = true; /* nothing written on the current output line yet */
    bool pending_blank = false;
    const char *p = esc;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        while (len > 0 && p[len - 1] == ' ')
            len--;
        if (len == 0) {
            pending_blank = out.len > 0;
        } else {
            bool new_line = pending_blank || p[0] == ' ' || starts_list_item(p);
            if (out.len > 0 && pending_blank) {
                gen_str_printf(&out, "\n%*s *", (int)indent, "");
            }
            if (out.len > 0 && new_line) {
                gen_str_putc(&out, '\n');
                gen_str_puts(&out, prefix);
                col = prefix_width;
                line_start = true;
            }
            col = wrap_line(&out, p, len, col, prefix, prefix_width, line_start);
            line_start = false;
            pending_blank = false;
        }
        if (!eol)
            break;
        p = eol + 1;
    }
    free(prefix);
    free(esc);
    return gen_str_detach(&out);
}

char *gen_c_doc_comment(const char *s, unsigned indent)
{
    if (!s || !*s)
        return gen_xstrdup("");
    char *one = gen_c_comment_wrap(s, indent, indent + 4);
    if (!strchr(one, '\n') &&
        indent + 4 + text_width(one, strlen(one)) + 3 <= GEN_C_COMMENT_COLUMNS) {
        char *r = gen_format("/** %s */", one);
        free(one);
        return r;
    }
    free(one);
    char *body = gen_c_comment_wrap(s, indent, indent + 3);
    char *r = gen_format("/**\n%*s * %s\n%*s */", (int)indent, "", body, (int)indent, "");
    free(body);
    return r;
}

char *gen_c_string_escape(const char *s, size_t n)
{
    gen_str out;
    gen_str_init(&out);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
        case '\\':
            gen_str_puts(&out, "\\\\");
            break;
        case '"':
            gen_str_puts(&out, "\\\"");
            break;
        case '?':
            gen_str_puts(&out, "\\?");
            break;
        case '\n':
            gen_str_puts(&out, "\\n");
            break;
        case '\r':
            gen_str_puts(&out, "\\r");
            break;
        case '\t':
            gen_str_puts(&out, "\\t");
            break;
        default:
            if (c < 0x20 || c >= 0x7f)
                gen_str_printf(&out, "\\%03o", c);
            else
                gen_str_putc(&out, (char)c);
        }
    }
    return gen_str_detach(&out);
}

/* Length of the escape sequence or character at `s` in escaped literal text. */
static size_t escaped_unit(const char *s)
{
    if (s[0] != '\\')
        return 1;
    if (s[1] >= '0' && s[1] <= '7')
        return 4;
    return 2;
}

/* Splits escaped text into adjacent literals (see gen_c_string_literal); `text` prefers cuts after
 * newlines and blanks, which mean nothing in binary data. */
static char *split_literal(char *esc, unsigned col, unsigned tail, bool text)
{
    size_t len = strlen(esc);
    /* Room for the text of one piece: the quotes take 2 columns; the last piece also needs the
     * tail. */
    size_t room = GEN_C_COLUMNS > col + 2 + 8 ? GEN_C_COLUMNS - col - 2 : 8;
    gen_str out;
    gen_str_init(&out);
    size_t i = 0;
    for (;;) {
        if (i > 0)
            gen_str_printf(&out, "\n%*s", (int)col, "");
        if (len - i + tail <= room) {
            gen_str_printf(&out, "\"%s\"", esc + i);
            break;
        }
        /* The longest piece that fits, at unit boundaries, leaving something for the last piece;
         * a cut right after an escaped newline or a blank reads better when there is one. */
        size_t end = i, newline = 0, blank = 0;
        while (end < len) {
            size_t u = escaped_unit(esc + end);
            if (end + u - i > room || end + u >= len)
                break;
            end += u;
            if (!text)
                continue;
            if (u == 2 && esc[end - 1] == 'n' && !newline)
                newline = end;
            else if (esc[end - 1] == ' ')
                blank = end;
        }
        size_t cut = newline > i ? newline : blank > i + room / 2 ? blank : end;
        if (cut == i)
            cut = i + escaped_unit(esc + i);
        gen_str_putc(&out, '"');
        gen_str_append(&out, esc + i, cut - i);
        gen_str_putc(&out, '"');
        i = cut;
    }
    free(esc);
    return gen_str_detach(&out);
}

char *gen_c_string_literal(const char *s, unsigned col, unsigned tail)
{
    return split_literal(gen_c_string_escape(s, strlen(s)), col, tail, true);
}

char *gen_c_bytes_literal(const unsigned char *data, size_t n, unsigned col, unsigned tail)
{
    return split_literal(gen_c_string_escape((const char *)data, n), col, tail, false);
}

/* ---- layouts -----------------------------------------------------------------------------------
 */

/* Penalties of clang-format's line breaking for the constructs the templates print, measured
 * against clang-format with the project's .clang-format over thousands of random declarations and
 * calls (see tests/unit/gen/test_viewmodel.c for the pinned cases): a break before a function name
 * (return type on its own line), after the open parenthesis of a declaration, after a comma inside
 * parentheses, after the open parenthesis of a call, after an assignment. */
enum {
    PEN_RETURN_TYPE = 80,
    PEN_RETURN_TYPE_AFTER_MACRO = 130,
    PEN_DECL_PAREN = 140,
    PEN_COMMA = 40,
    PEN_CALL_PAREN = 59,
    PEN_ASSIGN = 22,
    PEN_DECLARATOR = 240,
    PEN_EXCESS = 1000000
};

typedef struct layout {
    gen_str text;
    unsigned long penalty;
    unsigned col; /* column of the current line's end */
    unsigned line_start;
} layout;

static void lay_init(layout *l, unsigned indent)
{
    gen_str_init(&l->text);
    l->penalty = 0;
    l->col = indent;
    l->line_start = 0;
}

static void lay_end_line(layout *l)
{
    if (l->col > GEN_C_COLUMNS)
        l->penalty += (unsigned long)PEN_EXCESS * (l->col - GEN_C_COLUMNS);
}

static void lay_put(layout *l, const char *s)
{
    gen_str_puts(&l->text, s);
    l->col += (unsigned)strlen(s);
}

static void lay_newline(layout *l, unsigned col)
{
    lay_end_line(l);
    gen_str_printf(&l->text, "\n%*s", (int)col, "");
    l->col = col;
}

/* Bin-packs `items` (each followed by ", " or by `close`) with continuation lines at `col`. */
/* Where the declarator of parameter declaration `p` starts (`*name`, `name`, `name[...]`), or 0
 * when it has no type part to break after. */
static size_t declarator_start(const char *p)
{
    size_t end = strcspn(p, "[");
    while (end > 0 && p[end - 1] == ' ')
        end--;
    size_t i = end;
    while (i > 0 && (p[i - 1] == '_' || (p[i - 1] >= 'a' && p[i - 1] <= 'z') ||
                     (p[i - 1] >= 'A' && p[i - 1] <= 'Z') || (p[i - 1] >= '0' && p[i - 1] <= '9')))
        i--;
    while (i > 0 && p[i - 1] == '*')
        i--;
    size_t type_end = i;
    while (type_end > 0 && p[type_end - 1] == ' ')
        type_end--;
    return type_end > 0 ? i : 0;
}

/* Bin-packs `items` (each followed by ", " or by `close`) with continuation lines at `col`. With
 * `split_decls`, an item too long for a line of its own is broken before its declarator, which
 * then goes 4 columns further right (as clang-format does with a long parameter). */
static void lay_pack(layout *l, const char *const *items, size_t n, const char *close, unsigned col,
                     bool split_decls)
{
    if (n == 0) {
        lay_put(l, close);
        return;
    }
    bool after_split = false;
    for (size_t i = 0; i < n; i++) {
        const char *end = i + 1 < n ? "," : close;
        unsigned w = (unsigned)(strlen(items[i]) + strlen(end));
        size_t d = split_decls ? declarator_start(items[i]) : 0;
        size_t type_end = d;
        while (type_end > 0 && items[i][type_end - 1] == ' ')
            type_end--;
        if (i > 0) {
            if (!after_split && l->col + 1 + w <= GEN_C_COLUMNS) {
                lay_put(l, " ");
            } else if (n == 2 && d > 0 && col + w > GEN_C_COLUMNS &&
                       l->col + 1 + type_end <= GEN_C_COLUMNS) {
                /* Measured: the second of two parameters, too long for a line of its own, is
                 * broken before its declarator in place rather than after the comma. */
                lay_put(l, " ");
            } else {
                l->penalty += PEN_COMMA;
                lay_newline(l, col);
            }
        }
        after_split = false;
        if (d > 0 && l->col + w > GEN_C_COLUMNS) {
            unsigned item_col = l->col;
            gen_str_append(&l->text, items[i], type_end);
            l->col += (unsigned)type_end;
            l->penalty += PEN_DECLARATOR;
            lay_newline(l, item_col + 4);
            lay_put(l, items[i] + d);
            after_split = true;
        } else {
            lay_put(l, items[i]);
        }
        lay_put(l, end);
    }
}

static char *lay_pick(layout *cands, size_t n)
{
    size_t best = n;
    for (size_t i = 0; i < n; i++) {
        if (cands[i].text.data == NULL)
            continue;
        if (best == n || cands[i].penalty < cands[best].penalty)
            best = i;
    }
    char *r = gen_str_detach(&cands[best].text);
    for (size_t i = 0; i < n; i++)
        gen_str_free(&cands[i].text);
    return r;
}

char *gen_c_layout_function(unsigned indent, const char *ret, const char *name,
                            const char *const *params, size_t n_params, const char *tail)
{
    static const char void_param[] = "void";
    const char *const void_list[] = {void_param};
    if (n_params == 0) {
        params = void_list;
        n_params = 1;
    }
    char *close = gen_format(")%s", tail);
    size_t ret_len = strlen(ret);
    size_t trimmed = ret_len;
    while (trimmed > 0 && ret[trimmed - 1] == ' ')
        trimmed--;
    bool macro = strncmp(ret, "EVENTC_NODISCARD ", 17) == 0;
    layout cands[4];
    memset(cands, 0, sizeof cands);
    for (int c = 0; c < 4; c++) {
        bool brk_name = c & 2, brk_paren = c & 1;
        /* clang-format never breaks after a return type shorter than 6 columns (`int`, `void`). */
        if (brk_name && indent + ret_len < 6)
            continue;
        layout *l = &cands[c];
        lay_init(l, indent);
        if (brk_name) {
            gen_str_append(&l->text, ret, trimmed);
            l->col += (unsigned)trimmed;
            l->penalty += macro ? PEN_RETURN_TYPE_AFTER_MACRO : PEN_RETURN_TYPE;
            lay_newline(l, indent);
        } else {
            lay_put(l, ret);
        }
        lay_put(l, name);
        lay_put(l, "(");
        unsigned col = l->col;
        if (brk_paren) {
            l->penalty += PEN_DECL_PAREN;
            col = indent + 4;
            lay_newline(l, col);
        }
        lay_pack(l, params, n_params, close, col, true);
        lay_end_line(l);
    }
    free(close);
    return lay_pick(cands, 4);
}

char *gen_c_layout_call(unsigned indent, const char *lhs, const char *fn, const char *const *args,
                        size_t n_args, const char *tail)
{
    char *close = gen_format(")%s", tail);
    size_t lhs_len = strlen(lhs);
    bool assign = lhs_len >= 2 && strcmp(lhs + lhs_len - 2, "= ") == 0;
    layout cands[4];
    memset(cands, 0, sizeof cands);
    for (int c = 0; c < 4; c++) {
        bool brk_assign = c & 2, brk_paren = c & 1;
        if (brk_assign && !assign)
            continue;
        layout *l = &cands[c];
        lay_init(l, indent);
        unsigned base = indent;
        if (brk_assign) {
            gen_str_append(&l->text, lhs, lhs_len - 1);
            l->col += (unsigned)(lhs_len - 1);
            l->penalty += PEN_ASSIGN;
            base = indent + 4;
            lay_newline(l, base);
        } else {
            lay_put(l, lhs);
        }
        lay_put(l, fn);
        lay_put(l, "(");
        unsigned col = l->col;
        if (brk_paren) {
            l->penalty += PEN_CALL_PAREN;
            col = base + 4;
            lay_newline(l, col);
        }
        lay_pack(l, args, n_args, close, col, false);
        lay_end_line(l);
    }
    free(close);
    return lay_pick(cands, 4);
}

char *gen_c_layout_split(unsigned indent, const char *left, const char *sep, const char *right)
{
    size_t one = indent + strlen(left) + strlen(sep) + strlen(right);
    if (one <= GEN_C_COLUMNS)
        return gen_format("%s%s%s", left, sep, right);
    size_t sep_len = strlen(sep);
    while (sep_len > 0 && sep[sep_len - 1] == ' ')
        sep_len--;
    return gen_format("%s%.*s\n%*s%s", left, (int)sep_len, sep, (int)(indent + 4), "", right);
}

char *gen_c_double_literal(double v)
{
    char buf[64];
    if (v == floor(v) && fabs(v) < 1e15) {
        snprintf(buf, sizeof buf, "%.1f", v);
        return gen_xstrdup(buf);
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    if (!strpbrk(buf, ".eEn"))
        strcat(buf, ".0");
    return gen_xstrdup(buf);
}

char *gen_c_int64_literal(int64_t v)
{
    if (v == INT64_MIN)
        return gen_xstrdup("INT64_MIN");
    if (v == INT64_MAX)
        return gen_xstrdup("INT64_MAX");
    if (v >= INT32_MIN && v <= INT32_MAX)
        return gen_format("%" PRId64, v);
    return gen_format("INT64_C(%" PRId64 ")", v);
}

char *gen_c_layout_member(unsigned indent, const char *type, const char *name)
{
    /* Broken before the declarator: clang-format keeps a pointer's stars with the name. */
    size_t n = strlen(type);
    size_t stars = 0;
    while (stars < n && type[n - 1 - stars] == '*')
        stars++;
    size_t base = n - stars;
    while (base > 0 && type[base - 1] == ' ')
        base--;
    char *left = gen_xstrndup(type, base);
    char *right = gen_format("%.*s%s;", (int)stars, "**********", name);
    char *one = gen_format("%s%s", type, stars ? "" : " ");
    char *r;
    if (indent + strlen(one) + strlen(name) + 1 <= GEN_C_COLUMNS)
        r = gen_format("%s%s;", one, name);
    else
        r = gen_format("%s\n%*s%s", left, (int)(indent + 4), "", right);
    free(left);
    free(right);
    free(one);
    return r;
}

char *gen_c_declaration(const char *type, const char *name)
{
    size_t n = strlen(type);
    return gen_format("%s%s%s", type, n && type[n - 1] == '*' ? "" : " ", name);
}
