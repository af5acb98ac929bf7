/* CESQL internals shared by the parser (parse.c), the LIKE matcher (like.c), the evaluator
 * (eval.c), the built-in functions (functions.c) and the Unicode tables (case_table.c). */
#ifndef EVENTC_CESQL_INTERNAL_H
#define EVENTC_CESQL_INTERNAL_H

#include <eventc/cesql.h>

#include <stdarg.h>

/* ---- the syntax tree ---- */

typedef enum cesql_kind {
    CESQL_LITERAL,   /* lit */
    CESQL_ATTRIBUTE, /* name, attr */
    CESQL_EXISTS,    /* name, attr */
    CESQL_NOT,       /* kids[0] */
    CESQL_NEGATE,    /* kids[0] */
    CESQL_CHAIN,     /* kids[0] ops[0] kids[1] ops[1] kids[2] ..., folded left to right */
    CESQL_LIKE,      /* kids[0], like, negated */
    CESQL_IN,        /* kids[0] IN (kids[1..]), negated */
    CESQL_CALL       /* fn, kids = arguments */
} cesql_kind;

/* Binary operators, grouped by precedence level (cesql_op_level). */
typedef enum cesql_op {
    CESQL_OP_AND,
    CESQL_OP_OR,
    CESQL_OP_XOR,
    CESQL_OP_EQ,
    CESQL_OP_NE,
    CESQL_OP_LT,
    CESQL_OP_LE,
    CESQL_OP_GT,
    CESQL_OP_GE,
    CESQL_OP_ADD,
    CESQL_OP_SUB,
    CESQL_OP_MUL,
    CESQL_OP_DIV,
    CESQL_OP_MOD
} cesql_op;

/* The context attributes an identifier can name; anything else is an extension. */
typedef enum cesql_attr {
    CESQL_ATTR_EXTENSION,
    CESQL_ATTR_SPECVERSION,
    CESQL_ATTR_ID,
    CESQL_ATTR_SOURCE,
    CESQL_ATTR_TYPE,
    CESQL_ATTR_DATACONTENTTYPE,
    CESQL_ATTR_DATASCHEMA,
    CESQL_ATTR_SUBJECT,
    CESQL_ATTR_TIME,
    CESQL_ATTR_DATA /* never present: CESQL does not address the data */
} cesql_attr;

/* A LIKE pattern. Split at its unescaped `%` into segments; a segment is a run of parts, each
 * either literal bytes or a number of `_` (one code point each). Segment 0 is anchored at the
 * start of the subject and the last segment at its end (one segment: both); the ones between
 * are found greedily, leftmost first, which is exact for patterns made of `%` and `_`. */
typedef struct cesql_like_part {
    const char *lit; /* NULL for a run of `_` */
    uint32_t len;    /* bytes of lit, or number of `_` */
} cesql_like_part;

typedef struct cesql_like_seg {
    cesql_like_part *parts;
    uint32_t n_parts;
    uint32_t n_chars; /* code points the segment matches */
    /* For a segment of literal bytes only: the bytes and their KMP failure table, so that
     * finding it costs O(subject + segment). */
    const char *lit;
    uint32_t lit_len;
    uint32_t *fail;
} cesql_like_seg;

typedef struct cesql_like {
    cesql_like_seg *segs;
    uint32_t n_segs; /* number of `%` + 1 */
} cesql_like;

typedef struct cesql_node cesql_node;
struct cesql_node {
    uint8_t kind;    /* cesql_kind */
    uint8_t negated; /* NOT LIKE, NOT IN */
    uint8_t attr;    /* cesql_attr */
    uint8_t fn;      /* index in cesql_functions */
    uint16_t depth;  /* levels below and including this node */
    uint32_t offset; /* byte offset of the node's operator, function or token */
    uint32_t n_kids;
    cesql_node **kids;
    uint8_t *ops;         /* CHAIN: n_kids - 1 cesql_op */
    uint32_t *op_offsets; /* CHAIN: where each operator is */
    eventc_cesql_value lit;
    const char *name; /* ATTRIBUTE, EXISTS: lower-case, NUL-terminated */
    size_t name_len;
    cesql_like like;
};

struct eventc_cesql {
    eventc_arena arena; /* everything below lives in it */
    cesql_node *root;
    const eventc_allocator *alloc;
};

/* ---- evaluation ---- */

typedef struct cesql_eval {
    const eventc_ce_event *ev;
    eventc_arena *scratch;
    size_t scratch_left; /* budget: EVENTC_CESQL_MAX_SCRATCH - used */
    bool nomem;
    bool messages; /* format error messages (eventc_cesql_eval) or only the kind (matches) */
    eventc_cesql_result *res;
} cesql_eval;

/* Records the first error of an evaluation (later ones are dropped); always returns false so
 * a caller can `return cesql_raise(...)`. */
bool cesql_raise(cesql_eval *c, eventc_cesql_error_kind kind, uint32_t offset, const char *fmt, ...)
    EVENTC_PRINTF(4, 5);

/* Allocates @p n bytes of scratch within the evaluation's budget; NULL (with a generic error
 * recorded) when the budget or the arena is exhausted. */
char *cesql_scratch(cesql_eval *c, uint32_t offset, size_t n);

/* Evaluates @p n into @p out. @return false when the value carries an error (an operand of
 * the caller must then make the caller return its zero value). */
bool cesql_eval_node(cesql_eval *c, const cesql_node *n, eventc_cesql_value *out);

/* Implicit (@p explicit_cast false) or explicit cast of @p v to @p to in place. On failure the
 * value becomes the zero value of @p to, a cast error is raised at @p offset, and the result
 * is false. */
bool cesql_cast(cesql_eval *c, eventc_cesql_value *v, eventc_cesql_type to, bool explicit_cast,
                uint32_t offset);

/* String -> Integer as the specification's cast table defines it. */
bool cesql_parse_int(const char *s, size_t n, int32_t *out);
/* String -> Boolean: "true" / "false" in any case. */
bool cesql_parse_bool(const char *s, size_t n, bool *out);

void cesql_zero(eventc_cesql_value *v, eventc_cesql_type t);

/* ---- functions ---- */

typedef bool (*cesql_fn_impl)(cesql_eval *c, const cesql_node *call, eventc_cesql_value *args,
                              size_t n_args, eventc_cesql_value *out);

typedef struct cesql_function {
    const char *name;   /* upper case */
    uint8_t min_args;   /* fewest arguments */
    uint8_t max_args;   /* most arguments; CESQL_VARIADIC for no limit */
    const char *params; /* per argument: 'S' String, 'I' Integer, '*' any; the last letter
                           repeats for variadic functions */
    eventc_cesql_type result;
    cesql_fn_impl impl;
} cesql_function;

#define CESQL_VARIADIC 255

extern const cesql_function cesql_functions[];
extern const size_t cesql_n_functions;

/* @return the index of function @p name (@p len bytes, any case) in cesql_functions, or -1. */
int cesql_function_find(const char *name, size_t len);

/* ---- LIKE ---- */

/* Compiles the pattern value @p s (@p n bytes of UTF-8, escapes `\%`, `\_`, `\\` still in
 * it) into @p out, allocating from @p arena. @return false when out of memory. */
bool cesql_like_compile(eventc_arena *arena, const char *s, size_t n, cesql_like *out);

/* @return whether @p s (@p n bytes of valid UTF-8) matches @p p. When @p steps is not NULL,
 * the number of elementary steps taken is added to it (tests bound the work with it). */
bool cesql_like_match(const cesql_like *p, const char *s, size_t n, size_t *steps);

/* ---- Unicode ---- */

typedef struct cesql_case_run {
    uint32_t first;
    uint16_t count;
    uint8_t stride;
    int32_t delta;
} cesql_case_run;

typedef struct cesql_case_multi {
    uint32_t cp;
    uint32_t out[3];
} cesql_case_multi;

typedef struct cesql_case_table {
    const cesql_case_run *runs;
    size_t n_runs;
    const cesql_case_multi *multi;
    size_t n_multi;
} cesql_case_table;

extern const cesql_case_table cesql_lower_table;
extern const cesql_case_table cesql_upper_table;
extern const char cesql_unicode_version[];

/* Maps @p cp through @p t into @p out. @return the number of code points written (1 to 3). */
size_t cesql_case_map(const cesql_case_table *t, uint32_t cp, uint32_t out[3]);

/* @return whether @p cp has the Unicode White_Space property. */
bool cesql_is_space(uint32_t cp);

#endif
