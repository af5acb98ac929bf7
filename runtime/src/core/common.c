/* Status tables, the error record and the allocator hook. */
#include "eventc/common.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVENTC_STATUS_CODE_(name, code, desc) code,
#define EVENTC_STATUS_DESC_(name, code, desc) desc,
static const char *const status_codes[] = {EVENTC_STATUS_MAP(EVENTC_STATUS_CODE_)};
static const char *const status_descs[] = {EVENTC_STATUS_MAP(EVENTC_STATUS_DESC_)};
#undef EVENTC_STATUS_CODE_
#undef EVENTC_STATUS_DESC_

const char *eventc_status_code(eventc_status s)
{
    /* Compare as unsigned so a negative value forged by a cast lands in "unknown" too. */
    if ((unsigned)s >= (unsigned)EVENTC_STATUS_COUNT) {
        return "unknown";
    }
    return status_codes[s];
}

const char *eventc_strerror(eventc_status s)
{
    if ((unsigned)s >= (unsigned)EVENTC_STATUS_COUNT) {
        return "unknown";
    }
    return status_descs[s];
}

/* Cuts a NUL-terminated string of length len back so that it does not end in the middle of a
 * UTF-8 sequence. Used after truncation: error messages often quote user input, and a cut
 * sequence would make the message invalid UTF-8 (and so unprintable as JSON). */
static void trim_partial_utf8(char *s, size_t len)
{
    size_t start = len;
    size_t need;
    unsigned char lead;

    /* Walk back over continuation bytes (at most 3) to the lead byte of the last sequence. */
    while (start > 0 && len - start < 3 && ((unsigned char)s[start - 1] & 0xC0) == 0x80) {
        start--;
    }
    if (start == 0) {
        return;
    }
    lead = (unsigned char)s[start - 1];
    if (lead < 0x80) {
        return;
    }
    if (lead >= 0xF0) {
        need = 4;
    } else if (lead >= 0xE0) {
        need = 3;
    } else if (lead >= 0xC0) {
        need = 2;
    } else {
        return;
    }
    if (len - (start - 1) < need) {
        s[start - 1] = '\0';
    }
}

void eventc_error_clear(eventc_error *err)
{
    if (err == NULL) {
        return;
    }
    err->code = EVENTC_OK;
    err->offset = 0;
    err->path[0] = '\0';
    err->message[0] = '\0';
}

eventc_status eventc_error_set(eventc_error *err, eventc_status code, const char *path,
                               const char *fmt, ...)
{
    char message[EVENTC_ERROR_MESSAGE_MAX];
    size_t len = 0;

    if (err == NULL) {
        return code;
    }
    /* The message is formatted into a local buffer and the path moved with memmove, so callers
     * may pass err->path, or err->message as a format argument, to rewrite an error (for
     * instance to prefix the path of a nested value). */
    message[0] = '\0';
    if (fmt != NULL) {
        va_list ap;
        int n;
        va_start(ap, fmt);
        n = vsnprintf(message, sizeof message, fmt, ap);
        va_end(ap);
        if (n < 0) {
            message[0] = '\0';
        } else if ((size_t)n >= sizeof message) {
            trim_partial_utf8(message, sizeof message - 1);
        }
    }
    if (path != NULL) {
        len = strlen(path);
        if (len >= sizeof err->path) {
            len = sizeof err->path - 1;
        }
        memmove(err->path, path, len);
    }
    err->path[len] = '\0';
    trim_partial_utf8(err->path, len);
    memcpy(err->message, message, sizeof message);
    err->code = code;
    err->offset = 0;
    return code;
}

/* Appends src to the snprintf-style output (buf, n), tracking the full length in *total. */
static void format_put(char *buf, size_t n, size_t *total, const char *src)
{
    size_t len = strlen(src);
    if (*total < n) {
        size_t room = n - 1 - *total;
        size_t take = len < room ? len : room;
        memcpy(buf + *total, src, take);
        buf[*total + take] = '\0';
    }
    *total += len;
}

size_t eventc_error_format(const eventc_error *err, char *buf, size_t n)
{
    size_t total = 0;
    eventc_status code = err != NULL ? err->code : EVENTC_OK;
    const char *message = err != NULL ? err->message : "";

    if (buf == NULL) {
        n = 0;
    }
    if (n > 0) {
        buf[0] = '\0';
    }
    if (err != NULL && err->path[0] != '\0') {
        format_put(buf, n, &total, err->path);
        format_put(buf, n, &total, ": ");
    }
    format_put(buf, n, &total, message[0] != '\0' ? message : eventc_strerror(code));
    format_put(buf, n, &total, " [");
    format_put(buf, n, &total, eventc_status_code(code));
    format_put(buf, n, &total, "]");
    if (n > 0 && total >= n) {
        trim_partial_utf8(buf, n - 1);
    }
    return total;
}

void *eventc_alloc(const eventc_allocator *a, size_t size)
{
    if (size == 0) {
        size = 1;
    }
    if (a == NULL) {
        return malloc(size);
    }
    return a->alloc(a->ctx, size);
}

void *eventc_realloc(const eventc_allocator *a, void *p, size_t old_size, size_t new_size)
{
    void *q;

    if (p == NULL) {
        return eventc_alloc(a, new_size);
    }
    if (new_size == 0) {
        new_size = 1;
    }
    if (old_size == 0) {
        /* eventc_alloc turned a zero-byte request into one byte; keep sizes consistent. */
        old_size = 1;
    }
    if (a == NULL) {
        return realloc(p, new_size);
    }
    if (a->realloc != NULL) {
        return a->realloc(a->ctx, p, old_size, new_size);
    }
    q = a->alloc(a->ctx, new_size);
    if (q == NULL) {
        return NULL;
    }
    memcpy(q, p, old_size < new_size ? old_size : new_size);
    a->free(a->ctx, p, old_size);
    return q;
}

void eventc_free(const eventc_allocator *a, void *p, size_t size)
{
    if (p == NULL) {
        return;
    }
    if (size == 0) {
        size = 1;
    }
    if (a == NULL) {
        free(p);
        return;
    }
    a->free(a->ctx, p, size);
}

eventc_limits eventc_limits_default(void)
{
    eventc_limits lim = EVENTC_LIMITS_DEFAULT;
    return lim;
}
