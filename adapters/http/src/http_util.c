/* Helpers shared by the HTTP publisher and receiver (http_internal.h). */
#define _POSIX_C_SOURCE 200809L
#include "http_internal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t http_mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int http_cond_init(pthread_cond_t *c)
{
    pthread_condattr_t attr;
    int rc = pthread_condattr_init(&attr);
    if (rc != 0) {
        return rc;
    }
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    rc = pthread_cond_init(c, &attr);
    pthread_condattr_destroy(&attr);
    return rc;
}

void http_cond_wait_until(pthread_cond_t *c, pthread_mutex_t *m, int64_t until_ms)
{
    if (until_ms < 0) {
        pthread_cond_wait(c, m);
        return;
    }
    struct timespec ts;
    ts.tv_sec = (time_t)(until_ms / 1000);
    ts.tv_nsec = (long)(until_ms % 1000) * 1000000L;
    pthread_cond_timedwait(c, m, &ts);
}

char *http_strdup(const char *s)
{
    if (s == NULL) {
        return NULL;
    }
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p != NULL) {
        memcpy(p, s, n);
    }
    return p;
}

bool http_copy_config_string(char **dst, const char *src)
{
    *dst = http_strdup(src);
    return src == NULL || *dst != NULL;
}

eventc_status http_status_from_rule(const char *rule, eventc_status fallback)
{
    if (rule == NULL || rule[0] == '\0') {
        return fallback;
    }
    for (int s = 1; s < (int)EVENTC_STATUS_COUNT; s++) {
        if (strcmp(eventc_status_code((eventc_status)s), rule) == 0) {
            return (eventc_status)s;
        }
    }
    return fallback;
}

/* ---- a tolerant reader of one member of a JSON object ---- */

typedef struct scan {
    const char *p, *end;
} scan;

static void skip_ws(scan *s)
{
    while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' || *s->p == '\n' || *s->p == '\r')) {
        s->p++;
    }
}

static int hex(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Reads a string at s->p (which is at its quote); unescapes into out (when not NULL). */
static bool read_string(scan *s, char *out, size_t n)
{
    size_t k = 0;
    if (s->p >= s->end || *s->p != '"') {
        return false;
    }
    s->p++;
    while (s->p < s->end && *s->p != '"') {
        char c = *s->p++;
        unsigned cp = (unsigned char)c;
        if (c == '\\') {
            if (s->p >= s->end) {
                return false;
            }
            char e = *s->p++;
            switch (e) {
            case 'n':
                cp = '\n';
                break;
            case 't':
                cp = '\t';
                break;
            case 'r':
                cp = '\r';
                break;
            case 'b':
                cp = '\b';
                break;
            case 'f':
                cp = '\f';
                break;
            case 'u': {
                if (s->end - s->p < 4) {
                    return false;
                }
                cp = 0;
                for (int i = 0; i < 4; i++) {
                    int h = hex(s->p[i]);
                    if (h < 0) {
                        return false;
                    }
                    cp = cp * 16 + (unsigned)h;
                }
                s->p += 4;
                if (cp >= 0x80) {
                    cp = '?'; /* good enough for a message */
                }
                break;
            }
            default:
                cp = (unsigned char)e;
                break;
            }
        }
        if (out != NULL && k + 1 < n) {
            out[k++] = (char)cp;
        }
    }
    if (s->p >= s->end) {
        return false;
    }
    s->p++;
    if (out != NULL && n > 0) {
        out[k] = '\0';
    }
    return true;
}

/* Skips any JSON value (nesting bounded by the input). */
static bool skip_value(scan *s)
{
    skip_ws(s);
    if (s->p >= s->end) {
        return false;
    }
    if (*s->p == '"') {
        return read_string(s, NULL, 0);
    }
    if (*s->p == '{' || *s->p == '[') {
        int depth = 0;
        while (s->p < s->end) {
            char c = *s->p;
            if (c == '"') {
                if (!read_string(s, NULL, 0)) {
                    return false;
                }
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    s->p++;
                    return true;
                }
            }
            s->p++;
        }
        return false;
    }
    while (s->p < s->end && *s->p != ',' && *s->p != '}' && *s->p != ']') {
        s->p++;
    }
    return true;
}

bool http_json_string_member(const char *json, size_t len, const char *name, char *out, size_t n)
{
    scan s = {json, json + len};
    char key[64];
    skip_ws(&s);
    if (s.p >= s.end || *s.p != '{') {
        return false;
    }
    s.p++;
    for (;;) {
        skip_ws(&s);
        if (s.p >= s.end || *s.p == '}') {
            return false;
        }
        if (!read_string(&s, key, sizeof(key))) {
            return false;
        }
        skip_ws(&s);
        if (s.p >= s.end || *s.p != ':') {
            return false;
        }
        s.p++;
        skip_ws(&s);
        if (strcmp(key, name) == 0 && s.p < s.end && *s.p == '"') {
            return read_string(&s, out, n);
        }
        if (!skip_value(&s)) {
            return false;
        }
        skip_ws(&s);
        if (s.p < s.end && *s.p == ',') {
            s.p++;
        }
    }
}

eventc_status http_url_encode(eventc_buf *out, const char *s)
{
    static const char digits[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            eventc_buf_putc(out, (char)c);
        } else {
            char enc[3] = {'%', digits[c >> 4], digits[c & 15]};
            eventc_buf_append(out, enc, 3);
        }
    }
    return out->failed ? EVENTC_E_NOMEM : EVENTC_OK;
}

bool http_equal_ct(const char *a, size_t a_len, const char *b, size_t b_len)
{
    /* Every byte of `a` is compared against a byte of `b` (cycled), so the time depends on the
     * lengths only, never on where the first difference is. */
    volatile unsigned char diff = (unsigned char)(a_len != b_len);
    if (b_len == 0) {
        return a_len == 0;
    }
    for (size_t i = 0; i < a_len; i++) {
        diff |= (unsigned char)(a[i] ^ b[i % b_len]);
    }
    return diff == 0;
}
