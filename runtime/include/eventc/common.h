/**
 * @file common.h
 * @brief Shared definitions of libeventc: version, export macros, status codes, the error
 *        record, the allocator hook and decoding limits.
 *
 * Usable from C99 and C++. Nothing here keeps global mutable state; every function is
 * thread-safe as long as each thread works on its own objects.
 */
#ifndef EVENTC_COMMON_H
#define EVENTC_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/** Bumped whenever a public struct layout or a function signature changes incompatibly.
 *  Generated headers refuse to compile against a different value. */
#define EVENTC_ABI_VERSION 1
/** Version of the runtime library. */
#define EVENTC_VERSION_STRING "0.1.0"

/** Marks a symbol exported from libeventc (the library is built with hidden visibility). */
#if defined(_WIN32) || defined(__CYGWIN__)
#define EVENTC_API
#elif defined(__GNUC__) || defined(__clang__)
#define EVENTC_API __attribute__((visibility("default")))
#else
#define EVENTC_API
#endif

/** Warns when a caller ignores the result of a function where doing so is a bug. */
#if defined(__GNUC__) || defined(__clang__)
#define EVENTC_NODISCARD __attribute__((warn_unused_result))
#else
#define EVENTC_NODISCARD
#endif

/** printf-style format checking on a function's format argument. */
#if defined(__GNUC__) || defined(__clang__)
#define EVENTC_PRINTF(fmt_index, args_index) __attribute__((format(printf, fmt_index, args_index)))
#else
#define EVENTC_PRINTF(fmt_index, args_index)
#endif

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Every status libeventc and generated code can report, as
 * XX(NAME, "rule_code", "description"). The rule code is the stable, machine-readable name
 * (used in error messages and documentation); the description is a short English sentence.
 * The enumerator for NAME is EVENTC_E_<NAME>; success is also spelled EVENTC_OK.
 * New codes are only ever appended, so existing values never change.
 */
#define EVENTC_STATUS_MAP(XX)                                                               \
    XX(OK, "ok", "success")                                                                 \
    XX(NOMEM, "nomem", "out of memory")                                                     \
    XX(INVALID_ARGUMENT, "invalid_argument", "invalid argument")                            \
    XX(IO, "io", "input/output error")                                                      \
    XX(SYNTAX, "syntax", "malformed JSON")                                                  \
    XX(UTF8, "utf8", "invalid UTF-8")                                                       \
    XX(LIMIT, "limit", "size, depth or length limit exceeded")                              \
    XX(TYPE, "type", "value has the wrong type")                                            \
    XX(REQUIRED, "required", "required field is missing")                                   \
    XX(DUPLICATE_KEY, "duplicate_key", "duplicate object key")                              \
    XX(UNKNOWN_FIELD, "unknown_field", "unknown field")                                     \
    XX(NULL_VALUE, "null", "null is not allowed here")                                      \
    XX(MIN_LENGTH, "min_length", "string is shorter than the minimum length")               \
    XX(MAX_LENGTH, "max_length", "string is longer than the maximum length")                \
    XX(PATTERN, "pattern", "string does not match the pattern")                             \
    XX(MINIMUM, "minimum", "number is below the minimum")                                   \
    XX(MAXIMUM, "maximum", "number is above the maximum")                                   \
    XX(EXCLUSIVE_MINIMUM, "exclusive_minimum", "number is not above the exclusive minimum") \
    XX(EXCLUSIVE_MAXIMUM, "exclusive_maximum", "number is not below the exclusive maximum") \
    XX(ENUM, "enum", "value is not one of the allowed values")                              \
    XX(CONST, "const", "value differs from the required constant")                          \
    XX(TIMESTAMP, "timestamp", "invalid timestamp (want YYYY-MM-DDTHH:MM:SS[.fraction]Z)")  \
    XX(MIN_ITEMS, "min_items", "array has fewer items than the minimum")                    \
    XX(MAX_ITEMS, "max_items", "array has more items than the maximum")                     \
    XX(UNIQUE, "unique", "array items are not unique")                                      \
    XX(RANGE, "range", "integer is out of the int64 range")                                 \
    XX(STATE, "state", "illegal lifecycle transition")                                      \
    XX(CLOUDEVENTS, "cloudevents", "invalid CloudEvent")                                    \
    XX(UNSUPPORTED, "unsupported", "unsupported feature")                                   \
    XX(TIMEOUT, "timeout", "timed out")                                                     \
    XX(FULL, "full", "queue full")                                                          \
    XX(CLOSED, "closed", "closed")                                                          \
    XX(CONFLICT, "conflict", "conflicting concurrent change")                               \
    XX(UNAVAILABLE, "unavailable", "service unavailable (retryable)")                       \
    XX(SIGNATURE, "signature", "missing or invalid signature")

#define EVENTC_STATUS_ENUMERATOR_(name, code, desc) EVENTC_E_##name,

/** Result of every fallible libeventc call; 0 (EVENTC_OK) means success. */
typedef enum eventc_status {
    EVENTC_STATUS_MAP(EVENTC_STATUS_ENUMERATOR_)
    /** Number of status codes (not a status). */
    EVENTC_STATUS_COUNT,
    /** Success. Same value as EVENTC_E_OK. */
    EVENTC_OK = 0
} eventc_status;

#undef EVENTC_STATUS_ENUMERATOR_

/**
 * @return the stable rule code of @p s ("ok", "nomem", "min_length", ...), a static string;
 *         "unknown" for a value outside the enumeration.
 */
EVENTC_API const char *eventc_status_code(eventc_status s);

/**
 * @return the English description of @p s, a static string; "unknown" for a value outside
 *         the enumeration.
 */
EVENTC_API const char *eventc_strerror(eventc_status s);

/** Sizes of the fixed text fields of eventc_error, terminating NUL included. */
#define EVENTC_ERROR_PATH_MAX 160
#define EVENTC_ERROR_MESSAGE_MAX 200

/**
 * What went wrong, filled by a failing call. Fixed size, so reporting an error never
 * allocates. Text fields are always NUL-terminated; text longer than the field is cut at a
 * UTF-8 character boundary.
 */
typedef struct eventc_error {
    /** The status the failing call returned. */
    eventc_status code;
    /** Byte offset in the input when known, else 0. */
    size_t offset;
    /** Where: a JSON path such as `$.changed_fields[2]`, or a header name; may be empty. */
    char path[EVENTC_ERROR_PATH_MAX];
    /** Human-readable explanation; may be empty. */
    char message[EVENTC_ERROR_MESSAGE_MAX];
} eventc_error;

/** Resets @p err to EVENTC_OK with empty path and message. NULL is accepted and ignored. */
EVENTC_API void eventc_error_clear(eventc_error *err);

/**
 * Records an error: sets the code, copies @p path (NULL means empty) and formats the message
 * with printf rules (@p fmt NULL means empty). The offset is set to 0; assign err->offset
 * afterwards when it is known. Text that does not fit is truncated at a UTF-8 boundary.
 * @p path may be err->path and the format arguments may include err->message, so an error can
 * be rewritten in place, e.g. `eventc_error_set(err, err->code, "$.items[3]", "%s", err->message)`.
 *
 * @param err may be NULL, in which case nothing is recorded.
 * @return @p code, so callers can write `return eventc_error_set(err, ...);`.
 */
EVENTC_API eventc_status eventc_error_set(eventc_error *err, eventc_status code, const char *path,
                                          const char *fmt, ...) EVENTC_PRINTF(4, 5);

/**
 * Writes a one-line description of @p err into @p buf (at most @p n bytes, NUL included),
 * snprintf-style. The exact format is
 *
 *     <path>: <message> [<rule_code>]
 *
 * where the `<path>: ` part is left out when the path is empty and `<message>` is the
 * description of the code (eventc_strerror) when the message is empty. Example:
 * `$.changed_fields[2]: too long (12 > 8) [max_length]`. A NULL @p err formats as success.
 *
 * @return the length of the full line (excluding the NUL), even when it was truncated;
 *         @p buf may be NULL when @p n is 0 to measure it.
 */
EVENTC_API size_t eventc_error_format(const eventc_error *err, char *buf, size_t n);

/**
 * Memory hooks. All runtime and generated code allocates through these. The functions receive
 * @c ctx plus the size of the block (the size that was requested when it was allocated), so a
 * pool or arena allocator needs no header. Returned memory must be suitably aligned for any
 * type (like malloc). A NULL @c realloc member is emulated with alloc + copy + free.
 * Passing a NULL `const eventc_allocator *` anywhere means malloc/realloc/free.
 */
typedef struct eventc_allocator {
    void *(*alloc)(void *ctx, size_t size);
    void *(*realloc)(void *ctx, void *p, size_t old_size, size_t new_size);
    void (*free)(void *ctx, void *p, size_t size);
    void *ctx;
} eventc_allocator;

/**
 * Allocates @p size bytes through @p a (NULL: malloc). A zero size is treated as one byte, so
 * a non-NULL result always means success.
 * @return the block, owned by the caller (release with eventc_free and the same size), or NULL
 *         when out of memory.
 */
EVENTC_API EVENTC_NODISCARD void *eventc_alloc(const eventc_allocator *a, size_t size);

/**
 * Resizes block @p p (of @p old_size bytes; NULL allocates) to @p new_size bytes.
 * @return the new block, or NULL when out of memory, in which case @p p is left untouched and
 *         still owned by the caller.
 */
EVENTC_API EVENTC_NODISCARD void *eventc_realloc(const eventc_allocator *a, void *p,
                                                 size_t old_size, size_t new_size);

/** Releases block @p p of @p size bytes obtained from @p a. NULL @p p is ignored. */
EVENTC_API void eventc_free(const eventc_allocator *a, void *p, size_t size);

/** Default decoding limits: 1 MiB of input, nesting depth 32, 64 KiB per string (bytes),
 *  4096 items per array. */
#define EVENTC_DEFAULT_MAX_INPUT ((size_t)1 << 20)
#define EVENTC_DEFAULT_MAX_DEPTH 32u
#define EVENTC_DEFAULT_MAX_STRING ((size_t)64 << 10)
#define EVENTC_DEFAULT_MAX_ITEMS ((size_t)4096)

/** Limits a decoder enforces on untrusted input; exceeding one gives EVENTC_E_LIMIT. */
typedef struct eventc_limits {
    /** Maximum size of a whole input document, in bytes. */
    size_t max_input;
    /** Maximum nesting depth of arrays and objects (the top-level value is depth 1). */
    unsigned max_depth;
    /** Maximum length of one string, in bytes after unescaping. */
    size_t max_string;
    /** Maximum number of items in one array (and members in one object). */
    size_t max_items;
} eventc_limits;

/** Initializer with the default limits: `eventc_limits lim = EVENTC_LIMITS_DEFAULT;`. */
#define EVENTC_LIMITS_DEFAULT                                                          \
    {                                                                                  \
        EVENTC_DEFAULT_MAX_INPUT, EVENTC_DEFAULT_MAX_DEPTH, EVENTC_DEFAULT_MAX_STRING, \
            EVENTC_DEFAULT_MAX_ITEMS                                                   \
    }

/** @return the default limits (same values as EVENTC_LIMITS_DEFAULT). */
EVENTC_API eventc_limits eventc_limits_default(void);

#ifdef __cplusplus
}
#endif

#endif
