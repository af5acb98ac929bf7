/**
 * @file buf.h
 * @brief Growable output buffer with JSON text primitives (strings, integers, doubles).
 *
 * Allocation failures are sticky: once an allocation fails, @c failed is set and every later
 * append returns EVENTC_E_NOMEM without writing, so an encoder may append a whole document and
 * check the status once at the end (eventc_buf_reset clears the flag). The content is always
 * what was appended before the failure. Other errors (invalid UTF-8, a non-finite double) leave
 * the buffer exactly as it was before the call and are not sticky.
 *
 * A zero-filled eventc_buf is a valid empty buffer using malloc. Not thread-safe.
 */
#ifndef EVENTC_BUF_H
#define EVENTC_BUF_H

#include "eventc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** An output buffer. @c data holds @c len bytes; @c cap is the allocated size. */
typedef struct eventc_buf {
    /** The bytes written so far; NULL until the first allocation. Owned by the buffer. */
    char *data;
    /** Number of bytes written. */
    size_t len;
    /** Allocated size of @c data (always room for a NUL after @c len when non-zero). */
    size_t cap;
    /** Memory hooks (NULL: malloc); borrowed. */
    const eventc_allocator *alloc;
    /** Non-zero after an allocation failure. */
    int failed;
} eventc_buf;

/** Prepares an empty buffer; never allocates. @p alloc is borrowed (NULL: malloc). */
EVENTC_API void eventc_buf_init(eventc_buf *buf, const eventc_allocator *alloc);

/** Releases the memory and leaves an empty buffer with the same allocator. Accepts NULL. */
EVENTC_API void eventc_buf_free(eventc_buf *buf);

/** Empties the buffer and clears @c failed, keeping the memory for reuse. */
EVENTC_API void eventc_buf_reset(eventc_buf *buf);

/**
 * Makes room for @p extra more bytes (plus a terminating NUL) so the next appends of that
 * size cannot fail. Grows geometrically.
 * @return EVENTC_OK, or EVENTC_E_NOMEM (sticky) on failure or size overflow.
 */
EVENTC_API eventc_status eventc_buf_reserve(eventc_buf *buf, size_t extra);

/** Appends @p n bytes of @p s (NUL bytes included). @return EVENTC_OK or EVENTC_E_NOMEM. */
EVENTC_API eventc_status eventc_buf_append(eventc_buf *buf, const char *s, size_t n);

/** Appends the NUL-terminated string @p s. @return EVENTC_OK or EVENTC_E_NOMEM. */
EVENTC_API eventc_status eventc_buf_append_str(eventc_buf *buf, const char *s);

/** Appends one byte. @return EVENTC_OK or EVENTC_E_NOMEM. */
EVENTC_API eventc_status eventc_buf_putc(eventc_buf *buf, char c);

/**
 * Appends @p s (@p n bytes of UTF-8) as a quoted JSON string. Escapes `"` and `\`, the
 * control characters U+0000..U+001F (as \b \f \n \r \t, the others as \u00XX, lowercase hex)
 * and U+2028/U+2029 (as \u2028 and \u2029, so the output is also valid JavaScript). Everything
 * else, `/` and DEL included, is copied as is.
 * @return EVENTC_OK; EVENTC_E_UTF8 when @p s is not valid UTF-8 (nothing appended);
 *         EVENTC_E_NOMEM.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_buf_append_json_string(eventc_buf *buf,
                                                                        const char *s, size_t n);

/** Appends @p v in decimal. @return EVENTC_OK or EVENTC_E_NOMEM. */
EVENTC_API eventc_status eventc_buf_append_int64(eventc_buf *buf, int64_t v);

/** Appends @p v in decimal. @return EVENTC_OK or EVENTC_E_NOMEM. */
EVENTC_API eventc_status eventc_buf_append_uint64(eventc_buf *buf, uint64_t v);

/**
 * Appends @p v as a JSON number, exactly as JavaScript's Number.prototype.toString (and so
 * JSON.stringify) writes it: the shortest digit string that reads back as the same double
 * (among several, the one closest to the exact value), in plain notation for
 * 1e-6 <= |v| < 1e21 (`123456789012345680000`, `0.000001`) and as `<d>[.<ddd>]e<sign><exp>`
 * outside (`1e+21`, `1.5e-7`, `5e-324`). Negative zero is written `0`, as JavaScript does.
 * Assumes the default floating-point rounding mode (round to nearest).
 * @return EVENTC_OK; EVENTC_E_INVALID_ARGUMENT for infinities and NaN (not representable in
 *         JSON; nothing appended); EVENTC_E_NOMEM.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_buf_append_double(eventc_buf *buf, double v);

/**
 * Terminates the content with a NUL (not counted in @c len) and returns it. The pointer is
 * valid until the next change to the buffer. Returns "" for an empty buffer, and the content
 * written before the failure (or "") when the terminator could not be allocated.
 */
EVENTC_API const char *eventc_buf_cstr(eventc_buf *buf);

/**
 * Hands the content over to the caller as a NUL-terminated block of exactly len + 1 bytes,
 * and leaves the buffer empty (same allocator, @c failed cleared).
 * @param len_out receives the content length (may be NULL).
 * @return the block, which the caller releases with eventc_free(buf->alloc, p, len + 1);
 *         NULL when the buffer has failed or on allocation failure (the buffer then keeps
 *         its content and becomes failed).
 */
EVENTC_API EVENTC_NODISCARD char *eventc_buf_detach(eventc_buf *buf, size_t *len_out);

#ifdef __cplusplus
}
#endif

#endif
