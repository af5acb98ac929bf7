/* CESQL parser: a hand-written lexer and a precedence-climbing parser that build the syntax tree
 * of cesql_internal.h in the expression's arena.
 *
 * Precedence, loosest first (specification section 3.6): AND OR XOR; = != <> < <= > >=; + -;
 * * / %; IN; LIKE; unary -; NOT; function calls, parentheses, literals and attributes. Binary
 * operators of equal precedence associate to the left ("evaluated left to right"). A run of
 * binary operators becomes one CHAIN node that the evaluator folds from the left, so a long
 * `a OR b OR c ...` does not make the tree deep; everything else that nests adds a level, and
 * both the parser's recursion and the tree are limited to EVENTC_CESQL_MAX_DEPTH levels (the
 * parser allows twice that for redundant parentheses), so no input can exhaust the stack. */
#include "cesql_internal.h"

#include <eventc/utf8.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum tok_kind {
    T_EOF,
    T_LPAREN,
    T_RPAREN,
    T_COMMA,
    T_STAR,
    T_SLASH,
    T_PERCENT,
    T_PLUS,
    T_MINUS,
    T_EQ,
    T_NE,
    T_LT,
    T_LE,
    T_GT,
    T_GE,
    T_INT,
    T_STRING,
    T_WORD,
    T_AND,
    T_OR,
    T_XOR,
    T_NOT,
    T_LIKE,
    T_EXISTS,
    T_IN,
    T_TRUE,
    T_FALSE
} tok_kind;

typedef struct token {
    tok_kind kind;
    uint32_t start, end; /* byte offsets in the source */
    uint32_t int_value;  /* T_INT: the digits' value, saturated at 2^31 + 1 */
    char *str;           /* T_STRING: the unescaped value, NUL-terminated, in the arena */
    size_t str_len;
} token;

/* Precedence levels of the operators that follow an operand. */
enum {
    LEVEL_LOGIC = 1,
    LEVEL_COMPARE = 2,
    LEVEL_ADD = 3,
    LEVEL_MUL = 4,
    LEVEL_IN = 5,
    LEVEL_LIKE = 7,
    LEVEL_NEGATE = 8,
    LEVEL_NOT = 9
};

typedef struct parser {
    const char *src;
    size_t len;
    size_t pos;
    token tok;
    eventc_arena *arena;
    eventc_error *err;
    eventc_status status; /* the first syntax, limit or memory error */
    /* The first call to a function that does not exist; reported only when the expression
     * has no syntax error, which would be the better diagnosis. */
    bool missing_fn;
    uint32_t missing_offset;
    char missing_message[EVENTC_ERROR_MESSAGE_MAX];
    unsigned frames;
} parser;

static const uint32_t INT_LIMIT = UINT32_C(2147483648); /* |INT32_MIN| */

static bool fail(parser *p, eventc_status st, size_t offset, const char *fmt, ...)
    EVENTC_PRINTF(4, 5);

static bool fail(parser *p, eventc_status st, size_t offset, const char *fmt, ...)
{
    if (p->status == EVENTC_OK) {
        char msg[EVENTC_ERROR_MESSAGE_MAX];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof(msg), fmt, ap);
        va_end(ap);
        p->status = st;
        if (p->err) {
            eventc_error_set(p->err, st, NULL, "%s", msg);
            p->err->offset = offset;
        }
    }
    return false;
}

static bool nomem(parser *p)
{
    return fail(p, EVENTC_E_NOMEM, p->tok.start, "out of memory");
}

/* Describes the current token for a message: its text, cut after 24 bytes. */
static void describe(const parser *p, char *out, size_t n)
{
    const token *t = &p->tok;
    size_t len = t->end - t->start;
    if (t->kind == T_EOF) {
        snprintf(out, n, "the end of the expression");
        return;
    }
    if (len > 24) {
        len = 24;
        while (len > 0 && ((unsigned char)p->src[t->start + len] & 0xC0) == 0x80) {
            len--;
        }
        snprintf(out, n, "'%.*s...'", (int)len, p->src + t->start);
        return;
    }
    snprintf(out, n, "'%.*s'", (int)len, p->src + t->start);
}

static bool unexpected(parser *p, const char *wanted)
{
    char what[40];
    describe(p, what, sizeof(what));
    return fail(p, EVENTC_E_SYNTAX, p->tok.start, "expected %s, found %s", wanted, what);
}

/* ---- lexer ---- */

static bool is_word_char(char ch)
{
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           ch == '_';
}

static bool is_space(char ch)
{
    return ch == ' ' || ch == '\t' || ch == '\r' || ch == '\n';
}

static bool word_is(const char *s, size_t n, const char *kw)
{
    size_t i;
    for (i = 0; i < n; i++) {
        char ch = s[i];
        if (ch >= 'a' && ch <= 'z') {
            ch = (char)(ch - 'a' + 'A');
        }
        if (kw[i] == '\0' || kw[i] != ch) {
            return false;
        }
    }
    return kw[n] == '\0';
}

static const struct keyword {
    const char *text;
    tok_kind kind;
} keywords[] = {{"AND", T_AND},   {"OR", T_OR},       {"XOR", T_XOR},
                {"NOT", T_NOT},   {"LIKE", T_LIKE},   {"IN", T_IN},
                {"TRUE", T_TRUE}, {"FALSE", T_FALSE}, {"EXISTS", T_EXISTS}};

/* Reads a string literal delimited by q starting at p->pos (on the opening quote). Inside,
 * `\q` and `qq` stand for q and `\\` for one backslash; any other backslash is kept with the
 * character after it, so that LIKE patterns keep their `\%` and `\_`. The first pass finds
 * the end and the length of the value, the second writes it. */
static bool lex_string(parser *p)
{
    const char *s = p->src;
    char q = s[p->pos], *out = NULL;
    size_t i, o;
    for (int pass = 0; pass < 2; pass++) {
        for (i = p->pos + 1, o = 0;;) {
            char ch;
            size_t step = 1;
            if (i >= p->len) {
                return fail(p, EVENTC_E_SYNTAX, p->pos, "unterminated string literal");
            }
            ch = s[i];
            if (ch == '\\' && i + 1 < p->len) {
                step = 2;
                if (s[i + 1] == q || s[i + 1] == '\\') {
                    ch = s[i + 1];
                } else if (out != NULL) {
                    out[o++] = ch;
                    ch = s[i + 1];
                } else {
                    o++;
                }
            } else if (ch == q && i + 1 < p->len && s[i + 1] == q) {
                step = 2;
            } else if (ch == q) {
                i++;
                break;
            }
            if (out != NULL) {
                out[o] = ch;
            }
            o++;
            i += step;
        }
        if (pass == 0) {
            out = eventc_arena_alloc(p->arena, o + 1);
            if (out == NULL) {
                return nomem(p);
            }
        }
    }
    out[o] = '\0';
    p->tok.kind = T_STRING;
    p->tok.str = out;
    p->tok.str_len = o;
    p->pos = i;
    return true;
}

/* Moves to the next token. */
static bool next(parser *p)
{
    const char *s = p->src;
    token *t = &p->tok;
    while (p->pos < p->len && is_space(s[p->pos])) {
        p->pos++;
    }
    t->start = (uint32_t)p->pos;
    t->str = NULL;
    if (p->pos >= p->len) {
        t->kind = T_EOF;
        t->end = t->start;
        return true;
    }
    switch (s[p->pos]) {
    case '(':
        t->kind = T_LPAREN;
        break;
    case ')':
        t->kind = T_RPAREN;
        break;
    case ',':
        t->kind = T_COMMA;
        break;
    case '*':
        t->kind = T_STAR;
        break;
    case '/':
        t->kind = T_SLASH;
        break;
    case '%':
        t->kind = T_PERCENT;
        break;
    case '+':
        t->kind = T_PLUS;
        break;
    case '-':
        t->kind = T_MINUS;
        break;
    case '=':
        t->kind = T_EQ;
        break;
    case '!':
        if (p->pos + 1 < p->len && s[p->pos + 1] == '=') {
            t->kind = T_NE;
            p->pos++;
            break;
        }
        return fail(p, EVENTC_E_SYNTAX, p->pos, "expected '=' after '!'");
    case '<':
        t->kind = T_LT;
        if (p->pos + 1 < p->len && (s[p->pos + 1] == '=' || s[p->pos + 1] == '>')) {
            t->kind = s[p->pos + 1] == '=' ? T_LE : T_NE;
            p->pos++;
        }
        break;
    case '>':
        t->kind = T_GT;
        if (p->pos + 1 < p->len && s[p->pos + 1] == '=') {
            t->kind = T_GE;
            p->pos++;
        }
        break;
    case '\'':
    case '"':
        if (!lex_string(p)) {
            return false;
        }
        t->end = (uint32_t)p->pos;
        return true;
    default:
        if (is_word_char(s[p->pos])) {
            size_t i = p->pos;
            bool digits = true;
            uint64_t v = 0;
            while (i < p->len && is_word_char(s[i])) {
                if (s[i] >= '0' && s[i] <= '9') {
                    if (v <= INT_LIMIT) {
                        v = v * 10 + (uint64_t)(s[i] - '0');
                    }
                } else {
                    digits = false;
                }
                i++;
            }
            t->kind = digits ? T_INT : T_WORD;
            t->int_value = (uint32_t)(v > INT_LIMIT ? INT_LIMIT + 1 : v);
            if (!digits) {
                for (size_t k = 0; k < sizeof(keywords) / sizeof(keywords[0]); k++) {
                    if (word_is(s + p->pos, i - p->pos, keywords[k].text)) {
                        t->kind = keywords[k].kind;
                        break;
                    }
                }
            }
            p->pos = i;
            t->end = (uint32_t)i;
            return true;
        } else {
            uint32_t cp = 0;
            if (eventc_utf8_decode(s + p->pos, p->len - p->pos, &cp) > 1) {
                return fail(p, EVENTC_E_SYNTAX, p->pos, "unexpected character U+%04X",
                            (unsigned)cp);
            }
            return fail(p, EVENTC_E_SYNTAX, p->pos, "unexpected character '%c'", s[p->pos]);
        }
    }
    p->pos++;
    t->end = (uint32_t)p->pos;
    return true;
}

/* @return whether the next character after the current token, spaces skipped, is '('. */
static bool followed_by_paren(const parser *p)
{
    size_t i = p->pos;
    while (i < p->len && is_space(p->src[i])) {
        i++;
    }
    return i < p->len && p->src[i] == '(';
}

/* ---- nodes ---- */

static cesql_node *node_new(parser *p, cesql_kind kind, uint32_t offset, uint32_t n_kids)
{
    cesql_node *n = eventc_arena_alloc(p->arena, sizeof(*n));
    if (n == NULL) {
        nomem(p);
        return NULL;
    }
    memset(n, 0, sizeof(*n));
    n->kind = (uint8_t)kind;
    n->offset = offset;
    n->depth = 1;
    if (n_kids > 0) {
        n->kids = eventc_arena_alloc(p->arena, n_kids * sizeof(*n->kids));
        if (n->kids == NULL) {
            nomem(p);
            return NULL;
        }
    }
    n->n_kids = n_kids;
    return n;
}

/* Records that @p n has @p kid below it; false when the tree gets too deep. */
static bool deepen(parser *p, cesql_node *n, const cesql_node *kid)
{
    if (kid->depth + 1 > n->depth) {
        n->depth = (uint16_t)(kid->depth + 1);
    }
    if (n->depth > EVENTC_CESQL_MAX_DEPTH) {
        return fail(p, EVENTC_E_LIMIT, n->offset,
                    "expression nested too deeply (more than %d levels)", EVENTC_CESQL_MAX_DEPTH);
    }
    return true;
}

static cesql_node *unary(parser *p, cesql_kind kind, uint32_t offset, cesql_node *operand)
{
    cesql_node *n = node_new(p, kind, offset, 1);
    if (n == NULL) {
        return NULL;
    }
    n->kids[0] = operand;
    return deepen(p, n, operand) ? n : NULL;
}

static bool is_pow2(uint32_t v)
{
    return (v & (v - 1)) == 0;
}

/* left op right: appended to left when it is already a chain (folding from the left gives the
 * same result as nesting), else a new chain of two. */
static cesql_node *chain(parser *p, cesql_node *left, cesql_op op, uint32_t offset,
                         cesql_node *right)
{
    cesql_node *n = left;
    if (left->kind != CESQL_CHAIN) {
        n = node_new(p, CESQL_CHAIN, offset, 2);
        if (n == NULL) {
            return NULL;
        }
        n->ops = eventc_arena_alloc(p->arena, 1);
        n->op_offsets = eventc_arena_alloc(p->arena, sizeof(uint32_t));
        if (n->ops == NULL || n->op_offsets == NULL) {
            nomem(p);
            return NULL;
        }
        n->kids[0] = left;
        n->n_kids = 1;
        if (!deepen(p, n, left)) {
            return NULL;
        }
    } else if (is_pow2(n->n_kids)) {
        /* Capacity is the next power of two of n_kids: full, so double it. */
        uint32_t cap = n->n_kids * 2;
        cesql_node **kids = eventc_arena_alloc(p->arena, cap * sizeof(*kids));
        uint8_t *ops = eventc_arena_alloc(p->arena, cap);
        uint32_t *offs = eventc_arena_alloc(p->arena, cap * sizeof(*offs));
        if (kids == NULL || ops == NULL || offs == NULL) {
            nomem(p);
            return NULL;
        }
        memcpy(kids, n->kids, n->n_kids * sizeof(*kids));
        memcpy(ops, n->ops, n->n_kids - 1);
        memcpy(offs, n->op_offsets, (n->n_kids - 1) * sizeof(*offs));
        n->kids = kids;
        n->ops = ops;
        n->op_offsets = offs;
    }
    n->ops[n->n_kids - 1] = (uint8_t)op;
    n->op_offsets[n->n_kids - 1] = offset;
    n->kids[n->n_kids++] = right;
    return deepen(p, n, right) ? n : NULL;
}

/* ---- grammar ---- */

static cesql_node *parse_expr(parser *p, int min_level);

static cesql_node *literal(parser *p, eventc_cesql_type type, uint32_t offset)
{
    cesql_node *n = node_new(p, CESQL_LITERAL, offset, 0);
    if (n != NULL) {
        cesql_zero(&n->lit, type);
    }
    return n;
}

static cesql_node *integer_literal(parser *p, uint32_t offset, bool negative)
{
    cesql_node *n;
    uint32_t v = p->tok.int_value;
    if (v > (negative ? INT_LIMIT : INT_LIMIT - 1)) {
        fail(p, EVENTC_E_SYNTAX, offset, "integer literal out of the 32-bit range");
        return NULL;
    }
    n = literal(p, EVENTC_CESQL_INTEGER, offset);
    if (n == NULL) {
        return NULL;
    }
    /* Two's complement: -2147483648 is representable, its magnitude is not. */
    n->lit.integer = negative ? (int32_t)(0 - (int64_t)v) : (int32_t)v;
    return next(p) ? n : NULL;
}

static const struct attribute_name {
    const char *name;
    cesql_attr attr;
} attribute_names[] = {{"specversion", CESQL_ATTR_SPECVERSION},
                       {"id", CESQL_ATTR_ID},
                       {"source", CESQL_ATTR_SOURCE},
                       {"type", CESQL_ATTR_TYPE},
                       {"datacontenttype", CESQL_ATTR_DATACONTENTTYPE},
                       {"dataschema", CESQL_ATTR_DATASCHEMA},
                       {"subject", CESQL_ATTR_SUBJECT},
                       {"time", CESQL_ATTR_TIME},
                       {"data", CESQL_ATTR_DATA}};

/* An attribute identifier (the current T_WORD token) into @p n: lower-cased, resolved. */
static bool identifier(parser *p, cesql_node *n)
{
    const token *t = &p->tok;
    size_t len = t->end - t->start;
    char *name;
    if (t->kind != T_WORD) {
        return unexpected(p, "an attribute name");
    }
    name = eventc_arena_strndup(p->arena, p->src + t->start, len);
    if (name == NULL) {
        return nomem(p);
    }
    for (size_t i = 0; i < len; i++) {
        if (name[i] == '_') {
            return fail(p, EVENTC_E_SYNTAX, t->start + i,
                        "'_' is not allowed in an attribute name (only a-z and 0-9)");
        }
        if (name[i] >= 'A' && name[i] <= 'Z') {
            name[i] = (char)(name[i] - 'A' + 'a');
        }
    }
    n->name = name;
    n->name_len = len;
    n->attr = CESQL_ATTR_EXTENSION;
    for (size_t i = 0; i < sizeof(attribute_names) / sizeof(attribute_names[0]); i++) {
        if (strcmp(attribute_names[i].name, name) == 0) {
            n->attr = (uint8_t)attribute_names[i].attr;
        }
    }
    return next(p);
}

/* NAME ( [expr {, expr}] ) with the current token on NAME. */
static cesql_node *call(parser *p)
{
    uint32_t offset = p->tok.start, name_len = p->tok.end - p->tok.start;
    const char *name = p->src + offset;
    cesql_node *n, **args = NULL;
    uint32_t n_args = 0, cap = 0;
    int fn;
    for (uint32_t i = 0; i < name_len; i++) {
        char ch = name[i];
        bool letter = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z');
        if (!letter && (i == 0 || ch != '_')) {
            fail(p, EVENTC_E_SYNTAX, offset + i,
                 "a function name is made of letters and '_' and starts with a letter");
            return NULL;
        }
    }
    if (!next(p) || !next(p)) { /* the name, then '(' */
        return NULL;
    }
    if (p->tok.kind != T_RPAREN) {
        for (;;) {
            cesql_node *arg = parse_expr(p, 0);
            if (arg == NULL) {
                return NULL;
            }
            if (n_args == cap) {
                cesql_node **grown;
                cap = cap ? cap * 2 : 4;
                grown = eventc_arena_alloc(p->arena, cap * sizeof(*grown));
                if (grown == NULL) {
                    nomem(p);
                    return NULL;
                }
                if (n_args > 0) {
                    memcpy(grown, args, n_args * sizeof(*grown));
                }
                args = grown;
            }
            args[n_args++] = arg;
            if (p->tok.kind != T_COMMA) {
                break;
            }
            if (!next(p)) {
                return NULL;
            }
        }
    }
    if (p->tok.kind != T_RPAREN) {
        char wanted[64];
        snprintf(wanted, sizeof(wanted), "',' or ')' in the arguments of %.*s", (int)name_len,
                 name);
        unexpected(p, wanted);
        return NULL;
    }
    if (!next(p)) {
        return NULL;
    }
    n = node_new(p, CESQL_CALL, offset, 0);
    if (n == NULL) {
        return NULL;
    }
    n->kids = args;
    n->n_kids = n_args;
    for (uint32_t i = 0; i < n_args; i++) {
        if (!deepen(p, n, args[i])) {
            return NULL;
        }
    }
    fn = cesql_function_find(name, name_len);
    if (fn >= 0 && n_args >= cesql_functions[fn].min_args &&
        (cesql_functions[fn].max_args == CESQL_VARIADIC ||
         n_args <= cesql_functions[fn].max_args)) {
        n->fn = (uint8_t)fn;
        return n;
    }
    if (!p->missing_fn) {
        p->missing_fn = true;
        p->missing_offset = offset;
        if (fn < 0) {
            snprintf(p->missing_message, sizeof(p->missing_message), "unknown function %.*s",
                     (int)name_len, name);
        } else {
            snprintf(p->missing_message, sizeof(p->missing_message),
                     "no function %s takes %u argument%s", cesql_functions[fn].name,
                     (unsigned)n_args, n_args == 1 ? "" : "s");
        }
    }
    return n;
}

static cesql_node *prefix(parser *p)
{
    token t = p->tok;
    cesql_node *n, *operand;
    switch (t.kind) {
    case T_NOT:
    case T_MINUS:
        if (!next(p)) {
            return NULL;
        }
        if (t.kind == T_MINUS && p->tok.kind == T_INT) {
            /* A negative literal, so that -2147483648 is one. */
            return integer_literal(p, t.start, true);
        }
        operand = parse_expr(p, t.kind == T_NOT ? LEVEL_NOT : LEVEL_NEGATE);
        if (operand == NULL) {
            return NULL;
        }
        return unary(p, t.kind == T_NOT ? CESQL_NOT : CESQL_NEGATE, t.start, operand);
    case T_PLUS:
        /* Only as the sign of an integer literal: "+5". */
        if (!next(p)) {
            return NULL;
        }
        if (p->tok.kind != T_INT || p->tok.start != t.end) {
            fail(p, EVENTC_E_SYNTAX, t.start, "'+' is only allowed as the sign of an integer");
            return NULL;
        }
        return integer_literal(p, t.start, false);
    case T_INT:
        return integer_literal(p, t.start, false);
    case T_STRING:
        n = literal(p, EVENTC_CESQL_STRING, t.start);
        if (n == NULL) {
            return NULL;
        }
        n->lit.str = t.str;
        n->lit.len = t.str_len;
        return next(p) ? n : NULL;
    case T_TRUE:
    case T_FALSE:
        n = literal(p, EVENTC_CESQL_BOOLEAN, t.start);
        if (n == NULL) {
            return NULL;
        }
        n->lit.boolean = t.kind == T_TRUE;
        return next(p) ? n : NULL;
    case T_EXISTS:
        n = node_new(p, CESQL_EXISTS, t.start, 0);
        if (n == NULL || !next(p) || !identifier(p, n)) {
            return NULL;
        }
        return n;
    case T_LPAREN:
        if (!next(p)) {
            return NULL;
        }
        n = parse_expr(p, 0);
        if (n == NULL) {
            return NULL;
        }
        if (p->tok.kind != T_RPAREN) {
            unexpected(p, "')'");
            return NULL;
        }
        return next(p) ? n : NULL;
    case T_WORD:
        if (followed_by_paren(p)) {
            return call(p);
        }
        n = node_new(p, CESQL_ATTRIBUTE, t.start, 0);
        if (n == NULL || !identifier(p, n)) {
            return NULL;
        }
        return n;
    default:
        unexpected(p, "a value, an attribute, a function call, NOT, '-', EXISTS or '('");
        return NULL;
    }
}

/* x [NOT] IN (e1, e2, ...) with the current token on '(' */
static cesql_node *in_set(parser *p, cesql_node *left, uint32_t offset, bool negated)
{
    cesql_node *n;
    cesql_node **items = NULL;
    uint32_t n_items = 1, cap = 1; /* items[0] is the left operand */
    if (p->tok.kind != T_LPAREN) {
        unexpected(p, "'(' to start the set of IN");
        return NULL;
    }
    do {
        cesql_node *item;
        if (!next(p)) {
            return NULL;
        }
        item = parse_expr(p, 0);
        if (item == NULL) {
            return NULL;
        }
        if (n_items == cap) {
            cesql_node **grown;
            cap = cap ? cap * 2 : 8;
            grown = eventc_arena_alloc(p->arena, cap * sizeof(*grown));
            if (grown == NULL) {
                nomem(p);
                return NULL;
            }
            if (items != NULL) {
                memcpy(grown, items, n_items * sizeof(*grown));
            }
            items = grown;
            items[0] = left;
        }
        items[n_items++] = item;
    } while (p->tok.kind == T_COMMA);
    if (p->tok.kind != T_RPAREN) {
        unexpected(p, "',' or ')' in the set of IN");
        return NULL;
    }
    if (!next(p)) {
        return NULL;
    }
    n = node_new(p, CESQL_IN, offset, 0);
    if (n == NULL) {
        return NULL;
    }
    n->kids = items;
    n->n_kids = n_items;
    n->negated = negated;
    for (uint32_t i = 0; i < n_items; i++) {
        if (!deepen(p, n, items[i])) {
            return NULL;
        }
    }
    return n;
}

static cesql_node *like(parser *p, cesql_node *left, uint32_t offset, bool negated)
{
    cesql_node *n;
    if (p->tok.kind != T_STRING) {
        unexpected(p, "a string literal as the pattern of LIKE");
        return NULL;
    }
    n = unary(p, CESQL_LIKE, offset, left);
    if (n == NULL) {
        return NULL;
    }
    n->negated = negated;
    if (!cesql_like_compile(p->arena, p->tok.str, p->tok.str_len, &n->like)) {
        nomem(p);
        return NULL;
    }
    return next(p) ? n : NULL;
}

static bool binary_op(tok_kind k, cesql_op *op, int *level)
{
    static const struct {
        tok_kind tok;
        cesql_op op;
        int level;
    } table[] = {{T_AND, CESQL_OP_AND, LEVEL_LOGIC}, {T_OR, CESQL_OP_OR, LEVEL_LOGIC},
                 {T_XOR, CESQL_OP_XOR, LEVEL_LOGIC}, {T_EQ, CESQL_OP_EQ, LEVEL_COMPARE},
                 {T_NE, CESQL_OP_NE, LEVEL_COMPARE}, {T_LT, CESQL_OP_LT, LEVEL_COMPARE},
                 {T_LE, CESQL_OP_LE, LEVEL_COMPARE}, {T_GT, CESQL_OP_GT, LEVEL_COMPARE},
                 {T_GE, CESQL_OP_GE, LEVEL_COMPARE}, {T_PLUS, CESQL_OP_ADD, LEVEL_ADD},
                 {T_MINUS, CESQL_OP_SUB, LEVEL_ADD}, {T_STAR, CESQL_OP_MUL, LEVEL_MUL},
                 {T_SLASH, CESQL_OP_DIV, LEVEL_MUL}, {T_PERCENT, CESQL_OP_MOD, LEVEL_MUL}};
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
        if (table[i].tok == k) {
            *op = table[i].op;
            *level = table[i].level;
            return true;
        }
    }
    return false;
}

static cesql_node *parse_expr(parser *p, int min_level)
{
    cesql_node *left;
    if (++p->frames > 2 * EVENTC_CESQL_MAX_DEPTH) {
        fail(p, EVENTC_E_LIMIT, p->tok.start, "expression nested too deeply (more than %d levels)",
             EVENTC_CESQL_MAX_DEPTH);
        return NULL;
    }
    left = prefix(p);
    while (left != NULL) {
        token t = p->tok;
        cesql_op op;
        int level;
        if (t.kind == T_NOT && min_level <= LEVEL_IN) {
            /* NOT LIKE / NOT IN; LIKE binds tighter than IN. */
            if (!next(p)) {
                return NULL;
            }
            if (p->tok.kind == T_LIKE && min_level <= LEVEL_LIKE) {
                left = next(p) ? like(p, left, t.start, true) : NULL;
            } else if (p->tok.kind == T_IN) {
                left = next(p) ? in_set(p, left, t.start, true) : NULL;
            } else {
                unexpected(p, "LIKE or IN after NOT");
                return NULL;
            }
        } else if (t.kind == T_LIKE && min_level <= LEVEL_LIKE) {
            left = next(p) ? like(p, left, t.start, false) : NULL;
        } else if (t.kind == T_IN && min_level <= LEVEL_IN) {
            left = next(p) ? in_set(p, left, t.start, false) : NULL;
        } else if (binary_op(t.kind, &op, &level) && level >= min_level) {
            cesql_node *right;
            if (!next(p)) {
                return NULL;
            }
            right = parse_expr(p, level + 1);
            left = right ? chain(p, left, op, t.start, right) : NULL;
        } else {
            break;
        }
    }
    p->frames--;
    return left;
}

/* ---- API ---- */

eventc_status eventc_cesql_compile(const char *expr, size_t len, eventc_cesql **out,
                                   eventc_error *err)
{
    return eventc_cesql_compile_alloc(expr, len, NULL, out, err);
}

eventc_status eventc_cesql_compile_alloc(const char *expr, size_t len,
                                         const eventc_allocator *alloc, eventc_cesql **out,
                                         eventc_error *err)
{
    parser p;
    eventc_cesql *q;
    size_t bad = 0;
    eventc_error_clear(err);
    if (out == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no output pointer");
    }
    *out = NULL;
    if (expr == NULL && len > 0) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "no expression");
    }
    if (len > EVENTC_CESQL_MAX_LENGTH) {
        return eventc_error_set(err, EVENTC_E_LIMIT, NULL, "expression longer than %zu bytes",
                                EVENTC_CESQL_MAX_LENGTH);
    }
    if (!eventc_utf8_check(expr, len, &bad)) {
        eventc_error_set(err, EVENTC_E_SYNTAX, NULL, "invalid UTF-8");
        if (err) {
            err->offset = bad;
        }
        return EVENTC_E_SYNTAX;
    }
    if (len > 0 && memchr(expr, '\0', len) != NULL) {
        eventc_error_set(err, EVENTC_E_SYNTAX, NULL, "NUL character in the expression");
        if (err) {
            err->offset = (size_t)((const char *)memchr(expr, '\0', len) - expr);
        }
        return EVENTC_E_SYNTAX;
    }
    q = eventc_alloc(alloc, sizeof(*q));
    if (q == NULL) {
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    q->alloc = alloc;
    eventc_arena_init(&q->arena, alloc);
    memset(&p, 0, sizeof(p));
    p.src = len > 0 ? expr : "";
    p.len = len;
    p.arena = &q->arena;
    p.err = err;
    if (next(&p)) {
        q->root = parse_expr(&p, 0);
        if (q->root != NULL && p.tok.kind != T_EOF) {
            unexpected(&p, "an operator or the end of the expression");
        }
    }
    if (p.status == EVENTC_OK && p.missing_fn) {
        fail(&p, EVENTC_E_UNSUPPORTED, p.missing_offset, "%s", p.missing_message);
    }
    if (p.status != EVENTC_OK) {
        eventc_cesql_free(q);
        return p.status;
    }
    *out = q;
    return EVENTC_OK;
}

void eventc_cesql_free(eventc_cesql *q)
{
    if (q != NULL) {
        eventc_arena_free(&q->arena);
        eventc_free(q->alloc, q, sizeof(*q));
    }
}

eventc_cesql_error_kind eventc_cesql_compile_error_kind(eventc_status s)
{
    switch (s) {
    case EVENTC_OK:
        return EVENTC_CESQL_NO_ERROR;
    case EVENTC_E_SYNTAX:
    case EVENTC_E_LIMIT:
        return EVENTC_CESQL_PARSE;
    case EVENTC_E_UNSUPPORTED:
        return EVENTC_CESQL_MISSING_FUNCTION;
    default:
        return EVENTC_CESQL_GENERIC;
    }
}
