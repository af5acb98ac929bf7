/**
 * @file cesql.h
 * @brief CloudEvents SQL (CESQL v1.0): compile an expression once, evaluate it against many
 *        events. The filter dialect of subscriptions: `type LIKE 'com.example.%' AND EXISTS
 *        subject`.
 *
 * **Language.** Everything CESQL v1.0 defines: integer, boolean and string literals; attribute
 * identifiers (any context attribute or extension, case-insensitive); `NOT`, unary `-`, `*`,
 * `/`, `%`, `+`, `-`, `=`, `!=`, `<>`, `<`, `<=`, `>`, `>=`, `AND`, `OR`, `XOR`,
 * `[NOT] LIKE`, `[NOT] IN`, `EXISTS`, with the specification's precedence and left-to-right
 * evaluation of equal precedence (so `AND`, `OR` and `XOR` have one precedence: write
 * parentheses); the built-in functions LENGTH, CONCAT, CONCAT_WS, LOWER, UPPER, TRIM, LEFT,
 * RIGHT, SUBSTRING, ABS and the casting functions INT, BOOL, STRING, IS_INT, IS_BOOL; implicit
 * casts. Strings are Unicode: LENGTH, LEFT, RIGHT, SUBSTRING and LIKE's `_` count code points;
 * LOWER and UPPER apply Unicode's full case mappings. docs/cesql.md has the details.
 *
 * **Errors** follow the specification: evaluation always yields a value and, when something
 * went wrong, the kind of the first error (eventc_cesql_error_kind). The operator or function
 * that raises an error still returns its defined result (`ABS(-2147483648)` is 2147483647 with
 * a math error); every enclosing operator then returns the zero value of its type (false, 0,
 * ""), so `true AND (1 != 1 / 0)` is false with a math error, and `missing = 2` is false with a
 * missingAttribute error. Syntax errors and calls to functions that do not exist are found by
 * eventc_cesql_compile.
 *
 * **Attributes.** specversion, id, source, type, datacontenttype, dataschema, subject and time
 * evaluate as strings (time in the canonical UTC form the runtime holds it in); extensions of
 * type Integer and Boolean keep their type, every other extension type (URI, URI-reference,
 * Timestamp, Binary as Base64) is a string. Extensions that arrived in binary mode are strings;
 * the implicit casts make `sequence = 5` work either way. `data` is never an attribute.
 *
 * **Threads.** A compiled expression is immutable: any number of threads may evaluate it at
 * once, each with its own scratch arena. Nothing here keeps global state, allocates outside
 * the expression and the caller's arena, or does I/O.
 */
#ifndef EVENTC_CESQL_H
#define EVENTC_CESQL_H

#include "eventc/arena.h"
#include "eventc/cloudevents.h"
#include "eventc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Longest accepted expression, in bytes. */
#define EVENTC_CESQL_MAX_LENGTH ((size_t)64 << 10)
/** Deepest accepted syntax tree: operators and function calls put their operands one level down
 *  (a run of binary operators such as `a OR b OR c` is one level); the parser also allows twice
 *  as many nested parentheses and operators. */
#define EVENTC_CESQL_MAX_DEPTH 64
/** Longest string one operator or function may produce, in bytes; a longer result is a
 *  functionEvaluation error. */
#define EVENTC_CESQL_MAX_STRING ((size_t)1 << 20)
/** Most scratch memory one evaluation may use, in bytes; beyond it the evaluation stops with a
 *  generic error. */
#define EVENTC_CESQL_MAX_SCRATCH ((size_t)16 << 20)

/** A compiled expression. Immutable; evaluate it from any number of threads at once. */
typedef struct eventc_cesql eventc_cesql;

/** The three CESQL types. */
typedef enum eventc_cesql_type {
    EVENTC_CESQL_BOOLEAN,
    EVENTC_CESQL_INTEGER,
    EVENTC_CESQL_STRING
} eventc_cesql_type;

/**
 * A CESQL value. @c boolean is meaningful for BOOLEAN, @c integer for INTEGER, @c str and
 * @c len (UTF-8; a NUL follows the @c len bytes) for STRING.
 */
typedef struct eventc_cesql_value {
    eventc_cesql_type type;
    bool boolean;
    int32_t integer;
    const char *str;
    size_t len;
} eventc_cesql_value;

/** The error kinds of the specification (section 3.3), in the TCK's spelling. */
typedef enum eventc_cesql_error_kind {
    EVENTC_CESQL_NO_ERROR,            /**< ""; no error */
    EVENTC_CESQL_PARSE,               /**< "parse": the expression is not valid CESQL */
    EVENTC_CESQL_MATH,                /**< "math": division by zero, integer overflow */
    EVENTC_CESQL_CAST,                /**< "cast": a value that cannot take the needed type */
    EVENTC_CESQL_MISSING_ATTRIBUTE,   /**< "missingAttribute": the event lacks an attribute */
    EVENTC_CESQL_MISSING_FUNCTION,    /**< "missingFunction": no function of that name and
                                           number of arguments */
    EVENTC_CESQL_FUNCTION_EVALUATION, /**< "functionEvaluation": a function refused its
                                           arguments */
    EVENTC_CESQL_GENERIC              /**< "generic": anything else (out of memory, limits) */
} eventc_cesql_error_kind;

/** @return the TCK's name of @p k ("parse", "missingAttribute", ...; "" for NO_ERROR). */
EVENTC_API const char *eventc_cesql_error_name(eventc_cesql_error_kind k);

/**
 * Compiles @p len bytes of @p expr (UTF-8, not necessarily NUL-terminated).
 *
 * @param out receives the compiled expression, owned by the caller (eventc_cesql_free); NULL
 *        on error.
 * @param err may be NULL; on error receives the status, the byte offset in @p expr of the
 *        problem and a message such as "expected ')' to close the arguments of ABS".
 * @return EVENTC_OK; EVENTC_E_SYNTAX for an expression that does not parse (a parse error);
 *         EVENTC_E_UNSUPPORTED for a call to a function that does not exist with that number
 *         of arguments (a missingFunction error); EVENTC_E_LIMIT for an expression longer than
 *         EVENTC_CESQL_MAX_LENGTH or nested deeper than EVENTC_CESQL_MAX_DEPTH;
 *         EVENTC_E_INVALID_ARGUMENT for NULL @p expr or @p out; EVENTC_E_NOMEM.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_cesql_compile(const char *expr, size_t len,
                                                               eventc_cesql **out,
                                                               eventc_error *err);

/**
 * eventc_cesql_compile with memory hooks: the expression and everything it holds are allocated
 * through @p alloc (NULL: malloc), which is borrowed and must outlive the expression.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_cesql_compile_alloc(const char *expr, size_t len,
                                                                     const eventc_allocator *alloc,
                                                                     eventc_cesql **out,
                                                                     eventc_error *err);

/** @return the CESQL error kind a failed eventc_cesql_compile stands for: PARSE for
 *          EVENTC_E_SYNTAX and EVENTC_E_LIMIT, MISSING_FUNCTION for EVENTC_E_UNSUPPORTED,
 *          GENERIC for anything else but EVENTC_OK (NO_ERROR). */
EVENTC_API eventc_cesql_error_kind eventc_cesql_compile_error_kind(eventc_status s);

/** Releases @p q. NULL-safe. */
EVENTC_API void eventc_cesql_free(eventc_cesql *q);

/**
 * @return the static type of @p q's result: the type of its outermost operator or function,
 *         BOOLEAN for a lone attribute (whose type depends on the event). A filter can refuse
 *         expressions that are not BOOLEAN when a subscription is made.
 */
EVENTC_API eventc_cesql_type eventc_cesql_result_type(const eventc_cesql *q);

/** What an evaluation produced. */
typedef struct eventc_cesql_result {
    /** The value; strings point into the expression, the event or the scratch arena. */
    eventc_cesql_value value;
    /** The kind of the first error raised, or EVENTC_CESQL_NO_ERROR. */
    eventc_cesql_error_kind error;
    /** Byte offset in the expression of the operator, function or attribute that raised it. */
    size_t error_offset;
    /** What went wrong, in English; empty when there is no error. */
    char error_message[EVENTC_ERROR_MESSAGE_MAX];
} eventc_cesql_result;

/**
 * Evaluates @p q against @p ev (which is only read), in the specification's fail-fast manner
 * (see the file comment).
 *
 * @param scratch where computed strings are allocated; they stay valid until the caller resets
 *        or frees the arena (this function never does). Use one arena per thread.
 * @param out receives the value and the error, if any.
 * @return EVENTC_OK whenever a result was produced, including results with a CESQL error;
 *         EVENTC_E_INVALID_ARGUMENT for a NULL argument; EVENTC_E_NOMEM when the arena could
 *         not grow (@p out then holds the zero value and a generic error).
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_cesql_eval(const eventc_cesql *q,
                                                            const eventc_ce_event *ev,
                                                            eventc_arena *scratch,
                                                            eventc_cesql_result *out);

/**
 * The filter rule of the specification (section 1.2): evaluates @p q against @p ev and
 * @return true only when the result is the Boolean true and no error was raised (a
 * non-Boolean result, any error, or a NULL argument gives false). Uses a private arena with
 * some inline space, so a typical filter does not allocate.
 */
EVENTC_API bool eventc_cesql_matches(const eventc_cesql *q, const eventc_ce_event *ev);

#ifdef __cplusplus
}
#endif

#endif
