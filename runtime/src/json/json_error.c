/* The JSON reader's errors (json_reader.h): the offset where the problem is, a message, and the
 * path when the reader keeps one. Apart from the reader so that its parts (json_reader.c,
 * json_scan.c) call down into this file, never into each other both ways. */
#include "json/json_reader.h"
#include "core/text_internal.h"

#include <stdarg.h>
#include <stdio.h>

static eventc_status report(json_reader *r, size_t offset, eventc_status code, const char *msg)
{
    if (r->err == NULL)
        return code;
    if (r->path != NULL) {
        char path[EVENTC_ERROR_PATH_MAX];
        json_path_format(r->path, path, sizeof(path));
        eventc_error_set(r->err, code, path, "%s", msg);
    } else {
        eventc_error_set(r->err, code, NULL, "%s", msg);
    }
    r->err->offset = offset;
    return code;
}

eventc_status json_fail(json_reader *r, eventc_status code, const char *fmt, ...)
{
    char msg[EVENTC_ERROR_MESSAGE_MAX];
    va_list ap;
    if (r->err == NULL)
        return code;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return report(r, json_offset(r), code, msg);
}

eventc_status json_syntax(json_reader *r, const char *what)
{
    if (r->p >= r->end)
        return json_fail(r, EVENTC_E_SYNTAX, "unexpected end of input, expected %s", what);
    unsigned char c = (unsigned char)*r->p;
    if (c >= 0x20 && c < 0x7f)
        return json_fail(r, EVENTC_E_SYNTAX, "unexpected '%c', expected %s", c, what);
    return json_fail(r, EVENTC_E_SYNTAX, "unexpected byte 0x%02X, expected %s", c, what);
}

eventc_status json_fail_duplicate(json_reader *r, const char *name_at, const char *name, size_t n)
{
    char q[128], msg[EVENTC_ERROR_MESSAGE_MAX];
    if (r->err == NULL)
        return EVENTC_E_DUPLICATE_KEY;
    text_quote(q, sizeof(q), name, n);
    snprintf(msg, sizeof(msg), "duplicate member %s", q);
    return report(r, (size_t)(name_at - r->start), EVENTC_E_DUPLICATE_KEY, msg);
}
