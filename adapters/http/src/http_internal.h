/* Helpers shared by the HTTP publisher and receiver (adapters/http/src/). */
#ifndef EVENTC_HTTP_INTERNAL_H
#define EVENTC_HTTP_INTERNAL_H

#include "eventc/http.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Milliseconds on CLOCK_MONOTONIC. */
int64_t http_mono_ms(void);

/* A condition variable waiting on CLOCK_MONOTONIC. Returns 0 or an errno value. */
int http_cond_init(pthread_cond_t *c);

/* Waits on `c` until the monotonic time `until_ms` (negative: no limit). */
void http_cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m, int64_t until_ms);

/* A copy of `s` (NULL for NULL); NULL when out of memory. */
char *http_strdup(const char *s);

/* Copies `src` (may be NULL) into *dst; false when out of memory. */
bool http_copy_config_string(char **dst, const char *src);

/* The status whose rule code is `rule` ("timestamp" -> EVENTC_E_TIMESTAMP), or `fallback`. */
eventc_status http_status_from_rule(const char *rule, eventc_status fallback);

/*
 * Copies the top-level string member `name` of the JSON object in `json` (`len` bytes),
 * unescaped, into `out` (`n` bytes, truncated, NUL-terminated). Tolerant of anything else in
 * the document: for reading the problem details a server sends. Returns false when there is no
 * such string member (or the text is no JSON object).
 */
bool http_json_string_member(const char *json, size_t len, const char *name, char *out, size_t n);

/* Appends `s` percent-encoded for a URL path segment: RFC 3986 unreserved characters stay,
 * every other byte becomes %XX. */
eventc_status http_url_encode(eventc_buf *out, const char *s);

/* Compares two byte strings in time that depends on their lengths only. */
bool http_equal_ct(const char *a, size_t a_len, const char *b, size_t b_len);

#endif
