/* CESQL values: the zero values, the casts of section 3.7, and the evaluation's error record and
 * scratch memory, shared by the operators (eval.c) and the functions (functions.c). */
#include "cesql_internal.h"

#include <stdio.h>
#include <string.h>

bool cesql_raise(cesql_eval *c, eventc_cesql_error_kind kind, uint32_t offset, const char *fmt, ...)
{
    eventc_cesql_result *r = c->res;
    if (r->error != EVENTC_CESQL_NO_ERROR) {
        return false;
    }
    r->error = kind;
    r->error_offset = offset;
    if (c->messages) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(r->error_message, sizeof(r->error_message), fmt, ap);
        va_end(ap);
    }
    return false;
}

char *cesql_scratch(cesql_eval *c, uint32_t offset, size_t n)
{
    char *p;
    if (n > c->scratch_left) {
        cesql_raise(c, EVENTC_CESQL_GENERIC, offset,
                    "the evaluation needs more than %zu bytes of scratch memory",
                    EVENTC_CESQL_MAX_SCRATCH);
        return NULL;
    }
    p = eventc_arena_alloc(c->scratch, n);
    if (p == NULL) {
        c->nomem = true;
        cesql_raise(c, EVENTC_CESQL_GENERIC, offset, "out of memory");
        return NULL;
    }
    c->scratch_left -= n;
    return p;
}

void cesql_zero(eventc_cesql_value *v, eventc_cesql_type t)
{
    memset(v, 0, sizeof(*v));
    v->type = t;
    if (t == EVENTC_CESQL_STRING) {
        v->str = "";
    }
}

/* How much of @p s (@p n bytes of UTF-8) to quote in a message: at most 40 bytes, whole
 * characters. */
static int excerpt(const char *s, size_t n)
{
    if (n <= 40) {
        return (int)n;
    }
    n = 40;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80) {
        n--;
    }
    return (int)n;
}

/* ---- casts (section 3.7) ---- */

bool cesql_parse_int(const char *s, size_t n, int32_t *out)
{
    size_t i = 0;
    bool negative = false;
    int64_t v = 0;
    if (n > 0 && (s[0] == '+' || s[0] == '-')) {
        negative = s[0] == '-';
        i = 1;
    }
    if (i == n) {
        return false;
    }
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
        v = v * 10 + (s[i] - '0');
        if (v > INT64_C(2147483648)) {
            return false;
        }
    }
    if (negative) {
        v = -v;
    }
    if (v > INT32_MAX) {
        return false;
    }
    *out = (int32_t)v;
    return true;
}

static bool ascii_case_equal(const char *s, size_t n, const char *lower)
{
    size_t i;
    for (i = 0; i < n && lower[i] != '\0'; i++) {
        char ch = s[i];
        if (ch >= 'A' && ch <= 'Z') {
            ch = (char)(ch - 'A' + 'a');
        }
        if (ch != lower[i]) {
            return false;
        }
    }
    return i == n && lower[i] == '\0';
}

bool cesql_parse_bool(const char *s, size_t n, bool *out)
{
    /* No character outside ASCII lower-cases into "true" or "false", so comparing ASCII case
     * insensitively is exactly "the lower case representation is true or false". */
    if (ascii_case_equal(s, n, "true")) {
        *out = true;
        return true;
    }
    if (ascii_case_equal(s, n, "false")) {
        *out = false;
        return true;
    }
    return false;
}

bool cesql_cast(cesql_eval *c, eventc_cesql_value *v, eventc_cesql_type to, bool explicit_cast,
                uint32_t offset)
{
    eventc_cesql_value r;
    if (v->type == to) {
        return true;
    }
    cesql_zero(&r, to);
    switch (to) {
    case EVENTC_CESQL_STRING:
        if (v->type == EVENTC_CESQL_BOOLEAN) {
            r.str = v->boolean ? "true" : "false";
            r.len = v->boolean ? 4 : 5;
        } else {
            char *buf = cesql_scratch(c, offset, 12);
            if (buf == NULL) {
                *v = r;
                return false;
            }
            r.len = (size_t)snprintf(buf, 12, "%ld", (long)v->integer);
            r.str = buf;
        }
        break;
    case EVENTC_CESQL_INTEGER:
        if (v->type == EVENTC_CESQL_BOOLEAN) {
            r.integer = v->boolean ? 1 : 0;
        } else if (!cesql_parse_int(v->str, v->len, &r.integer)) {
            cesql_raise(c, EVENTC_CESQL_CAST, offset, "cannot cast '%.*s' to Integer",
                        excerpt(v->str, v->len), v->str);
            *v = r;
            return false;
        }
        break;
    case EVENTC_CESQL_BOOLEAN:
        if (v->type == EVENTC_CESQL_INTEGER) {
            /* The TCK's `NOT 10` wants a cast error from the implicit cast; BOOL(10) is the
             * explicit one of section 3.7. */
            if (!explicit_cast) {
                *v = r;
                return cesql_raise(c, EVENTC_CESQL_CAST, offset,
                                   "an Integer is not implicitly a Boolean (use BOOL(x))");
            }
            r.boolean = v->integer != 0;
        } else if (!cesql_parse_bool(v->str, v->len, &r.boolean)) {
            cesql_raise(c, EVENTC_CESQL_CAST, offset, "cannot cast '%.*s' to Boolean",
                        excerpt(v->str, v->len), v->str);
            *v = r;
            return false;
        }
        break;
    }
    *v = r;
    return true;
}
