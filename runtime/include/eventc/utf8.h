/**
 * @file utf8.h
 * @brief Strict UTF-8 (RFC 3629): validation, code point counting, encoding and decoding.
 *
 * Strict means: no overlong forms, no surrogates (U+D800..U+DFFF), nothing above U+10FFFF,
 * no truncated sequences. All functions are pure and thread-safe.
 */
#ifndef EVENTC_UTF8_H
#define EVENTC_UTF8_H

#include "eventc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Checks that the @p n bytes at @p s are valid UTF-8.
 * @param bad_offset when not NULL and the text is invalid, receives the offset of the first
 *        byte of the first invalid (or truncated) sequence; untouched when valid.
 * @return true when valid (an empty string is valid).
 */
EVENTC_API bool eventc_utf8_check(const char *s, size_t n, size_t *bad_offset);

/**
 * Counts the code points of @p n bytes of valid UTF-8: the length JSON Schema minLength and
 * maxLength use. On invalid input the result is the number of non-continuation bytes.
 */
EVENTC_API size_t eventc_utf8_count(const char *s, size_t n);

/**
 * Encodes code point @p cp into @p out.
 * @return the number of bytes written (1 to 4), or 0 when @p cp is a surrogate or above
 *         U+10FFFF (nothing written).
 */
EVENTC_API size_t eventc_utf8_encode(uint32_t cp, char out[4]);

/**
 * Decodes the sequence at the start of @p s (at most @p n bytes are read).
 * @param cp receives the code point on success (may be NULL).
 * @return the number of bytes consumed (1 to 4), or -1 when the sequence is invalid,
 *         truncated, or @p n is 0.
 */
EVENTC_API int eventc_utf8_decode(const char *s, size_t n, uint32_t *cp);

#ifdef __cplusplus
}
#endif

#endif
