/* The CloudEvents type system: the rules each abstract type imposes on its canonical string
 * (String, Integer, Boolean, Binary, URI, URI-reference, Timestamp), plus the pieces of other
 * standards the spec leans on: RFC 3986 URIs, RFC 3339 date-times, RFC 2046 media types,
 * RFC 4648 Base64 and the HTTP binding's percent-encoding. */
#include "ce_types.h"
#include "core/text_internal.h"
#include "eventc/utf8.h"

#include <stdio.h>
#include <string.h>

/* ---- small helpers ---- */

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

int ce_ascii_casecmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        char x = lower(*a), y = lower(*b);
        if (x != y)
            return (unsigned char)x < (unsigned char)y ? -1 : 1;
        if (x == '\0')
            return 0;
    }
}

bool ce_ascii_prefix(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++) {
        if (lower(*s) != lower(*prefix))
            return false;
    }
    return true;
}

void ce_quote(char *out, size_t cap, const char *s, size_t n)
{
    text_quote(out, cap, s, n);
}

void ce_error_prefix(eventc_error *err, const char *prefix)
{
    char path[EVENTC_ERROR_PATH_MAX];
    size_t offset;
    if (err == NULL)
        return;
    offset = err->offset;
    snprintf(path, sizeof(path), "%s%s", prefix, err->path);
    eventc_error_set(err, err->code, path, "%s", err->message);
    err->offset = offset;
}

/* ---- names ---- */

bool eventc_ce_check_name(const char *s, size_t n)
{
    if (s == NULL || n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || is_digit(s[i])))
            return false;
    }
    return true;
}

static const char *const reserved_names[] = {
    "id",         "source",  "specversion", "type", "datacontenttype",
    "dataschema", "subject", "time",        "data", "data_base64",
};

bool eventc_ce_is_reserved_name(const char *s, size_t n)
{
    if (s == NULL)
        return false;
    for (size_t i = 0; i < sizeof(reserved_names) / sizeof(reserved_names[0]); i++) {
        if (strlen(reserved_names[i]) == n && memcmp(reserved_names[i], s, n) == 0)
            return true;
    }
    return false;
}

unsigned eventc_ce_name_warnings(const char *s, size_t n)
{
    unsigned w = 0;
    if (n > EVENTC_CE_NAME_SOFT_MAX)
        w |= EVENTC_CE_WARN_LONG_NAME;
    if (n > 0 && is_digit(s[0]))
        w |= EVENTC_CE_WARN_NAME_START;
    return w;
}

/* ---- String ---- */

eventc_status eventc_ce_check_string(const char *s, size_t n, eventc_error *err)
{
    size_t i = 0;
    if (s == NULL && n > 0)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL string");
    while (i < n) {
        uint32_t cp;
        int k = eventc_utf8_decode(s + i, n - i, &cp);
        if (k < 0) {
            eventc_error_set(err, EVENTC_E_UTF8, NULL, "invalid UTF-8 at byte %zu", i);
            if (err)
                err->offset = i;
            return EVENTC_E_UTF8;
        }
        if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f))
            return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                                    "control character U+%04X is not allowed in a String",
                                    (unsigned)cp);
        if ((cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe)
            return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                                    "noncharacter U+%04X is not allowed in a String", (unsigned)cp);
        i += (size_t)k;
    }
    return EVENTC_OK;
}

/* ---- URI (RFC 3986) ---- */

typedef struct uri_check {
    const char *start;
    char why[120];
} uri_check;

static bool is_unreserved(char c)
{
    return is_alpha(c) || is_digit(c) || c == '-' || c == '.' || c == '_' || c == '~';
}

static bool is_subdelim(char c)
{
    return c != '\0' && strchr("!$&'()*+,;=", c) != NULL;
}

static void uri_bad_char(uri_check *u, const char *p)
{
    unsigned char c = (unsigned char)*p;
    if (c >= 0x20 && c < 0x7f)
        snprintf(u->why, sizeof(u->why), "invalid character '%c' at offset %zu", c,
                 (size_t)(p - u->start));
    else
        snprintf(u->why, sizeof(u->why), "invalid byte 0x%02X at offset %zu", c,
                 (size_t)(p - u->start));
}

/* Each character of [s, e) is unreserved, a sub-delim, one of extra, or starts a %XX escape. */
static bool uri_chars(uri_check *u, const char *s, const char *e, const char *extra)
{
    for (const char *p = s; p < e; p++) {
        char c = *p;
        if (c == '%') {
            if (e - p < 3 || text_hex_digit(p[1]) < 0 || text_hex_digit(p[2]) < 0) {
                snprintf(u->why, sizeof(u->why),
                         "'%%' not followed by two hex digits at offset %zu",
                         (size_t)(p - u->start));
                return false;
            }
            p += 2;
            continue;
        }
        if (is_unreserved(c) || is_subdelim(c) || (c != '\0' && strchr(extra, c) != NULL))
            continue;
        uri_bad_char(u, p);
        return false;
    }
    return true;
}

/* dec-octet "." dec-octet "." dec-octet "." dec-octet, without leading zeros. */
static bool ipv4_ok(const char *s, const char *e)
{
    int parts = 0;
    const char *p = s;
    while (parts < 4) {
        const char *q = p;
        unsigned v = 0;
        while (q < e && is_digit(*q) && q - p < 4) {
            v = v * 10 + (unsigned)(*q - '0');
            q++;
        }
        if (q == p || q - p > 3 || v > 255 || (q - p > 1 && *p == '0'))
            return false;
        parts++;
        p = q;
        if (parts < 4) {
            if (p >= e || *p != '.')
                return false;
            p++;
        }
    }
    return p == e;
}

static bool ipv6_ok(const char *s, const char *e)
{
    int groups = 0;
    bool compressed = false;
    const char *p = s;
    if (p < e && *p == ':') {
        if (e - p < 2 || p[1] != ':')
            return false;
        compressed = true;
        p += 2;
    }
    while (p < e) {
        const char *q = p;
        while (q < e && text_hex_digit(*q) >= 0 && q - p < 5)
            q++;
        if (q < e && *q == '.') {
            if (!ipv4_ok(p, e))
                return false;
            groups += 2;
            break;
        }
        if (q == p || q - p > 4)
            return false;
        groups++;
        p = q;
        if (p == e)
            break;
        if (*p != ':')
            return false;
        p++;
        if (p < e && *p == ':') {
            if (compressed)
                return false;
            compressed = true;
            p++;
        } else if (p == e) {
            return false;
        }
    }
    return compressed ? groups <= 7 : groups == 8;
}

static bool uri_authority(uri_check *u, const char *s, const char *e)
{
    const char *at = memchr(s, '@', (size_t)(e - s));
    const char *host = s, *port = NULL;
    if (at) {
        if (!uri_chars(u, s, at, ":"))
            return false;
        host = at + 1;
    }
    if (host < e && *host == '[') {
        const char *close = memchr(host, ']', (size_t)(e - host));
        if (close == NULL) {
            snprintf(u->why, sizeof(u->why), "'[' without ']' in the host");
            return false;
        }
        const char *lit = host + 1;
        if (lit < close && (*lit == 'v' || *lit == 'V')) {
            const char *q = lit + 1, *dot;
            while (q < close && text_hex_digit(*q) >= 0)
                q++;
            dot = q;
            if (dot == lit + 1 || dot >= close || *dot != '.' || dot + 1 == close ||
                !uri_chars(u, dot + 1, close, ":")) {
                snprintf(u->why, sizeof(u->why), "invalid IPvFuture literal in the host");
                return false;
            }
        } else if (!ipv6_ok(lit, close)) {
            snprintf(u->why, sizeof(u->why), "invalid IPv6 address in the host");
            return false;
        }
        if (close + 1 < e) {
            if (close[1] != ':') {
                uri_bad_char(u, close + 1);
                return false;
            }
            port = close + 2;
        }
    } else {
        const char *colon = memchr(host, ':', (size_t)(e - host));
        if (!uri_chars(u, host, colon ? colon : e, ""))
            return false;
        if (colon)
            port = colon + 1;
    }
    if (port) {
        for (const char *p = port; p < e; p++) {
            if (!is_digit(*p)) {
                uri_bad_char(u, p);
                return false;
            }
        }
    }
    return true;
}

eventc_status eventc_ce_check_uri(const char *s, size_t n, bool absolute, eventc_error *err)
{
    uri_check u = {s, ""};
    const char *e, *p, *q;
    bool has_scheme = false;
    const char *what = absolute ? "an absolute URI" : "a URI-reference";
    if (s == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL URI");
    e = s + n;
    p = s;
    if (n > 0 && is_alpha(s[0])) {
        q = s + 1;
        while (q < e && (is_alpha(*q) || is_digit(*q) || *q == '+' || *q == '-' || *q == '.'))
            q++;
        if (q < e && *q == ':') {
            has_scheme = true;
            p = q + 1;
        }
    }
    if (absolute && !has_scheme)
        return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                                "not %s: it has no scheme (such as \"https:\")", what);
    q = p;
    while (q < e && *q != '?' && *q != '#')
        q++;
    /* [p, q) is the hier-part or relative-part. */
    if (q - p >= 2 && p[0] == '/' && p[1] == '/') {
        const char *auth_end = p + 2;
        while (auth_end < q && *auth_end != '/')
            auth_end++;
        if (!uri_authority(&u, p + 2, auth_end))
            goto bad;
        p = auth_end;
    } else if (!has_scheme) {
        const char *seg = p;
        while (seg < q && *seg != '/') {
            if (*seg == ':') {
                snprintf(u.why, sizeof(u.why),
                         "':' in the first segment of a relative reference (offset %zu)",
                         (size_t)(seg - s));
                goto bad;
            }
            seg++;
        }
    }
    if (!uri_chars(&u, p, q, ":@/"))
        goto bad;
    if (q < e && *q == '?') {
        const char *f = q + 1;
        while (f < e && *f != '#')
            f++;
        if (!uri_chars(&u, q + 1, f, ":@/?"))
            goto bad;
        q = f;
    }
    if (q < e) {
        if (absolute)
            return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                                    "not %s: it has a fragment ('#' at offset %zu)", what,
                                    (size_t)(q - s));
        if (!uri_chars(&u, q + 1, e, ":@/?"))
            goto bad;
    }
    return EVENTC_OK;
bad:
    return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL, "not %s: %s", what, u.why);
}

/* ---- Timestamp (RFC 3339) ---- */

static bool digits_at(const char *s, size_t at, size_t count, unsigned *out)
{
    unsigned v = 0;
    for (size_t i = at; i < at + count; i++) {
        if (!is_digit(s[i]))
            return false;
        v = v * 10 + (unsigned)(s[i] - '0');
    }
    *out = v;
    return true;
}

static eventc_status time_fail(eventc_error *err, const char *s, size_t n, const char *why)
{
    char q[128];
    ce_quote(q, sizeof(q), s, n);
    return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL, "invalid RFC 3339 timestamp %s: %s", q,
                            why);
}

eventc_status eventc_ce_parse_time(const char *s, size_t n, eventc_timestamp *out,
                                   eventc_error *err)
{
    static const char shape[] = "want YYYY-MM-DDTHH:MM:SS[.frac] then Z or +HH:MM or -HH:MM";
    unsigned year, month, day, hour, minute, second, oh = 0, om = 0;
    char canon[40];
    size_t p = 19, frac_start = 0, frac_len = 0;
    int sign = 0;
    eventc_timestamp ts;
    if (s == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL timestamp");
    if (n < 20 || !digits_at(s, 0, 4, &year) || s[4] != '-' || !digits_at(s, 5, 2, &month) ||
        s[7] != '-' || !digits_at(s, 8, 2, &day) || (s[10] != 'T' && s[10] != 't') ||
        !digits_at(s, 11, 2, &hour) || s[13] != ':' || !digits_at(s, 14, 2, &minute) ||
        s[16] != ':' || !digits_at(s, 17, 2, &second))
        return time_fail(err, s, n, shape);
    if (s[p] == '.') {
        frac_start = ++p;
        while (p < n && is_digit(s[p]))
            p++;
        frac_len = p - frac_start;
        if (frac_len == 0)
            return time_fail(err, s, n, "no digit after '.'");
    }
    if (p < n && (s[p] == 'Z' || s[p] == 'z')) {
        p++;
    } else if (p < n && (s[p] == '+' || s[p] == '-')) {
        sign = s[p] == '+' ? 1 : -1;
        if (n - p < 6 || !digits_at(s, p + 1, 2, &oh) || s[p + 3] != ':' ||
            !digits_at(s, p + 4, 2, &om))
            return time_fail(err, s, n, shape);
        if (oh > 23 || om > 59)
            return time_fail(err, s, n, "offset out of range");
        p += 6;
    } else {
        return time_fail(err, s, n, p < n ? shape : "missing offset (Z or +HH:MM)");
    }
    if (p != n)
        return time_fail(err, s, n, "unexpected text after the offset");
    /* Let the calendar checks of time.c judge the fields; a leap second is read as :59 and
     * moved forward afterwards. */
    snprintf(canon, sizeof(canon), "%04u-%02u-%02uT%02u:%02u:%02u", year, month, day, hour, minute,
             second == 60 ? 59u : second);
    if (frac_len > 0) {
        size_t keep = frac_len > 9 ? 9 : frac_len;
        canon[19] = '.';
        memcpy(canon + 20, s + frac_start, keep);
        canon[20 + keep] = 'Z';
        canon[21 + keep] = '\0';
    } else {
        canon[19] = 'Z';
        canon[20] = '\0';
    }
    if (second > 60 || eventc_timestamp_parse(canon, strlen(canon), &ts) != EVENTC_OK)
        return time_fail(err, s, n, "a date or time field is out of range");
    ts.seconds -= sign * (int64_t)(oh * 3600 + om * 60);
    if (second == 60) {
        int64_t day_secs = ((ts.seconds % 86400) + 86400) % 86400;
        if (day_secs != 86399)
            return time_fail(err, s, n, "a leap second must fall on 23:59:60 UTC");
        ts.seconds += 1;
    }
    if (ts.seconds < EVENTC_TIMESTAMP_MIN_SECONDS || ts.seconds > EVENTC_TIMESTAMP_MAX_SECONDS)
        return time_fail(err, s, n, "outside years 0000-9999 once converted to UTC");
    if (out)
        *out = ts;
    return EVENTC_OK;
}

/* ---- media types (RFC 2046, syntax of RFC 9110 section 8.3.1) ---- */

static bool is_tchar(char c)
{
    return is_alpha(c) || is_digit(c) || (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

static size_t token_len(const char *s, size_t i, size_t n)
{
    size_t j = i;
    while (j < n && is_tchar(s[j]))
        j++;
    return j - i;
}

eventc_status eventc_ce_check_media_type(const char *s, size_t n, eventc_error *err)
{
    size_t i = 0, t;
    const char *why;
    if (s == NULL)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL media type");
    if ((t = token_len(s, 0, n)) == 0) {
        why = "expected a type";
        goto bad;
    }
    i = t;
    if (i >= n || s[i] != '/') {
        why = "expected '/' after the type";
        goto bad;
    }
    i++;
    if ((t = token_len(s, i, n)) == 0) {
        why = "expected a subtype after '/'";
        goto bad;
    }
    i += t;
    for (;;) {
        size_t j = i;
        while (j < n && s[j] == ' ')
            j++;
        if (j == n && j == i)
            break;
        if (j >= n || s[j] != ';') {
            i = j;
            why = j >= n ? "trailing white space" : "expected ';' before a parameter";
            goto bad;
        }
        j++;
        while (j < n && s[j] == ' ')
            j++;
        i = j;
        if (i == n || s[i] == ';')
            continue; /* an empty parameter is allowed */
        if ((t = token_len(s, i, n)) == 0) {
            why = "expected a parameter name";
            goto bad;
        }
        i += t;
        if (i >= n || s[i] != '=') {
            why = "expected '=' after the parameter name";
            goto bad;
        }
        i++;
        if (i < n && s[i] == '"') {
            i++;
            for (;;) {
                if (i >= n) {
                    why = "unterminated quoted string";
                    goto bad;
                }
                unsigned char c = (unsigned char)s[i];
                if (c == '"') {
                    i++;
                    break;
                }
                if (c == '\\') {
                    if (i + 1 >= n || (unsigned char)s[i + 1] < 0x20 ||
                        (unsigned char)s[i + 1] > 0x7e) {
                        why = "invalid escape in a quoted string";
                        goto bad;
                    }
                    i += 2;
                    continue;
                }
                if (c < 0x20 || c > 0x7e) {
                    why = "invalid character in a quoted string";
                    goto bad;
                }
                i++;
            }
        } else if ((t = token_len(s, i, n)) == 0) {
            why = "expected a parameter value";
            goto bad;
        } else {
            i += t;
        }
    }
    return EVENTC_OK;
bad : {
    char q[128];
    ce_quote(q, sizeof(q), s, n);
    return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                            "not a media type (RFC 2046): %s at offset %zu in %s", why, i, q);
}
}

static bool ends_with_ci(const char *s, size_t n, const char *suffix)
{
    size_t m = strlen(suffix);
    if (n < m)
        return false;
    for (size_t i = 0; i < m; i++) {
        if (lower(s[n - m + i]) != suffix[i])
            return false;
    }
    return true;
}

eventc_ce_media_class eventc_ce_media_classify(const char *s)
{
    const char *slash, *sub, *end;
    if (s == NULL)
        return EVENTC_CE_MEDIA_OTHER;
    while (*s == ' ')
        s++;
    slash = strchr(s, '/');
    if (slash == NULL)
        return EVENTC_CE_MEDIA_OTHER;
    sub = slash + 1;
    end = sub;
    while (*end && *end != ';' && *end != ' ')
        end++;
    size_t n = (size_t)(end - sub);
    if (ends_with_ci(sub, n, "+json") || (n == 4 && ends_with_ci(sub, n, "json")))
        return EVENTC_CE_MEDIA_JSON;
    if ((slash - s == 4 && ce_ascii_prefix(s, "text")) || ends_with_ci(sub, n, "+xml") ||
        (n == 3 && ends_with_ci(sub, n, "xml")))
        return EVENTC_CE_MEDIA_TEXT;
    return EVENTC_CE_MEDIA_OTHER;
}

/* ---- Base64 (RFC 4648 section 4) ---- */

static const char b64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t eventc_ce_base64_len(size_t n)
{
    return (n + 2) / 3 * 4;
}

void eventc_ce_base64_encode(const void *p, size_t n, char *out)
{
    const unsigned char *s = p;
    size_t i = 0, o = 0;
    for (; i + 3 <= n; i += 3) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8 | s[i + 2];
        out[o++] = b64_alphabet[v >> 18];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = b64_alphabet[(v >> 6) & 63];
        out[o++] = b64_alphabet[v & 63];
    }
    if (n - i == 1) {
        uint32_t v = (uint32_t)s[i] << 16;
        out[o++] = b64_alphabet[v >> 18];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = '=';
        out[o++] = '=';
    } else if (n - i == 2) {
        uint32_t v = (uint32_t)s[i] << 16 | (uint32_t)s[i + 1] << 8;
        out[o++] = b64_alphabet[v >> 18];
        out[o++] = b64_alphabet[(v >> 12) & 63];
        out[o++] = b64_alphabet[(v >> 6) & 63];
        out[o++] = '=';
    }
    out[o] = '\0';
}

static int b64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

bool eventc_ce_base64_decode(const char *s, size_t n, void *out, size_t *out_len)
{
    unsigned char *o = out;
    size_t k = 0;
    if (n % 4 != 0)
        return false;
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        int pad = 0;
        for (int j = 0; j < 4; j++) {
            char c = s[i + (size_t)j];
            if (c == '=' && i + 4 == n && j >= 2) {
                v[j] = 0;
                pad++;
                continue;
            }
            if (pad > 0)
                return false; /* data after '=' */
            v[j] = b64_value(c);
            if (v[j] < 0)
                return false;
        }
        if (pad == 1 && s[i + 2] == '=')
            return false;
        uint32_t bits =
            (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        /* Unused bits must be zero, so every byte string has exactly one encoding. */
        if ((pad == 2 && (bits & 0xffff) != 0) || (pad == 1 && (bits & 0xff) != 0))
            return false;
        o[k++] = (unsigned char)(bits >> 16);
        if (pad < 2)
            o[k++] = (unsigned char)(bits >> 8);
        if (pad < 1)
            o[k++] = (unsigned char)bits;
    }
    *out_len = k;
    return true;
}

/* ---- percent-encoding (HTTP binding 3.1.3.2) ---- */

eventc_status eventc_ce_percent_encode(eventc_buf *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789ABCDEF";
    eventc_status st = eventc_buf_reserve(out, n);
    for (size_t i = 0; i < n && st == EVENTC_OK; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c <= 0x20 || c >= 0x7f || c == '"' || c == '%') {
            char esc[3] = {'%', hex[c >> 4], hex[c & 15]};
            st = eventc_buf_append(out, esc, 3);
        } else {
            st = eventc_buf_putc(out, (char)c);
        }
    }
    return st;
}

eventc_status eventc_ce_percent_decode(eventc_buf *out, const char *s, size_t n, eventc_error *err)
{
    size_t start = out->len;
    size_t bad;
    eventc_status st;
    eventc_buf unq = {0};
    while (n > 0 && (s[0] == ' ' || s[0] == '\t')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    if (n > 0 && s[0] == '"') {
        /* RFC 7230 quoted-string: the whole value, backslash escapes any one character. */
        unq.alloc = out->alloc;
        size_t i = 1;
        for (;;) {
            if (i >= n) {
                eventc_buf_free(&unq);
                return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                                        "unterminated quoted string");
            }
            if (s[i] == '"')
                break;
            if (s[i] == '\\') {
                if (++i >= n)
                    continue;
            }
            eventc_buf_putc(&unq, s[i]);
            i++;
        }
        if (i + 1 != n) {
            eventc_buf_free(&unq);
            return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                                    "text after the closing quote of a quoted string");
        }
        if (unq.failed) {
            eventc_buf_free(&unq);
            return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
        }
        s = unq.data ? unq.data : "";
        n = unq.len;
    }
    st = eventc_buf_reserve(out, n + 1);
    for (size_t i = 0; i < n && st == EVENTC_OK; i++) {
        if (s[i] == '%') {
            if (n - i < 3 || text_hex_digit(s[i + 1]) < 0 || text_hex_digit(s[i + 2]) < 0) {
                out->len = start;
                eventc_buf_free(&unq);
                eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                                 "bad percent-encoding: '%%' not followed by two hex digits at "
                                 "offset %zu",
                                 i);
                if (err)
                    err->offset = i;
                return EVENTC_E_CLOUDEVENTS;
            }
            st = eventc_buf_putc(out,
                                 (char)(text_hex_digit(s[i + 1]) << 4 | text_hex_digit(s[i + 2])));
            i += 2;
        } else {
            st = eventc_buf_putc(out, s[i]);
        }
    }
    eventc_buf_free(&unq);
    if (st != EVENTC_OK) {
        out->len = start;
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory");
    }
    if (!eventc_utf8_check(out->data + start, out->len - start, &bad)) {
        out->len = start;
        eventc_error_set(err, EVENTC_E_UTF8, NULL,
                         "percent-decoded value is not valid UTF-8 (byte %zu)", bad);
        if (err)
            err->offset = bad;
        return EVENTC_E_UTF8;
    }
    (void)eventc_buf_cstr(out);
    return EVENTC_OK;
}

/* ---- values ---- */

const char *eventc_ce_type_name(eventc_ce_type t)
{
    switch (t) {
    case EVENTC_CE_STRING:
        return "String";
    case EVENTC_CE_INTEGER:
        return "Integer";
    case EVENTC_CE_BOOLEAN:
        return "Boolean";
    case EVENTC_CE_BINARY:
        return "Binary";
    case EVENTC_CE_URI:
        return "URI";
    case EVENTC_CE_URI_REF:
        return "URI-reference";
    case EVENTC_CE_TIMESTAMP:
        return "Timestamp";
    }
    return "unknown";
}

/* Integer canonical string: -?(0|[1-9][0-9]*) within int32. */
static bool parse_int32(const char *s, size_t n, int32_t *out)
{
    size_t i = 0;
    int64_t v = 0;
    bool neg = false;
    if (n > 0 && s[0] == '-') {
        neg = true;
        i = 1;
    }
    if (i >= n || n - i > 10 || (s[i] == '0' && n - i > 1))
        return false;
    for (; i < n; i++) {
        if (!is_digit(s[i]))
            return false;
        v = v * 10 + (s[i] - '0');
    }
    if (neg)
        v = -v;
    if (v < INT32_MIN || v > INT32_MAX)
        return false;
    *out = (int32_t)v;
    return true;
}

eventc_status eventc_ce_value_parse(eventc_ce_type t, const char *s, size_t n, eventc_ce_value *out,
                                    eventc_error *err)
{
    eventc_ce_value v;
    eventc_status st;
    char q[128];
    memset(&v, 0, sizeof(v));
    v.type = t;
    if (s == NULL && n > 0)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "NULL value");
    if (s == NULL)
        s = "";
    switch (t) {
    case EVENTC_CE_STRING:
        if ((st = eventc_ce_check_string(s, n, err)) != EVENTC_OK)
            return st;
        v.str = s;
        v.len = n;
        break;
    case EVENTC_CE_URI:
    case EVENTC_CE_URI_REF:
        if ((st = eventc_ce_check_uri(s, n, t == EVENTC_CE_URI, err)) != EVENTC_OK)
            return st;
        v.str = s;
        v.len = n;
        break;
    case EVENTC_CE_INTEGER:
        if (!parse_int32(s, n, &v.integer)) {
            ce_quote(q, sizeof(q), s, n);
            return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                                    "not an Integer (decimal in the int32 range): %s", q);
        }
        break;
    case EVENTC_CE_BOOLEAN:
        if (n == 4 && memcmp(s, "true", 4) == 0) {
            v.boolean = true;
        } else if (n == 5 && memcmp(s, "false", 5) == 0) {
            v.boolean = false;
        } else {
            ce_quote(q, sizeof(q), s, n);
            return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                                    "not a Boolean (true or false): %s", q);
        }
        break;
    case EVENTC_CE_BINARY: {
        /* Check without a buffer: decode group by group. */
        unsigned char tmp[3];
        size_t total = 0, got = 0;
        bool ok = n % 4 == 0;
        for (size_t i = 0; ok && i < n; i += 4) {
            /* Padding is only legal in the last group, which decode() checks as a whole. */
            bool last = i + 4 == n;
            if (!last && (s[i + 2] == '=' || s[i + 3] == '='))
                ok = false;
            else
                ok = eventc_ce_base64_decode(s + i, 4, tmp, &got);
            if (ok)
                total += got;
        }
        if (!ok) {
            ce_quote(q, sizeof(q), s, n);
            return eventc_error_set(err, EVENTC_E_CLOUDEVENTS, NULL,
                                    "not Binary (strict Base64, RFC 4648): %s", q);
        }
        v.len = total;
        break;
    }
    case EVENTC_CE_TIMESTAMP:
        if ((st = eventc_ce_parse_time(s, n, &v.timestamp, err)) != EVENTC_OK)
            return st;
        break;
    default:
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "unknown attribute type");
    }
    if (out)
        *out = v;
    return EVENTC_OK;
}

eventc_status eventc_ce_value_to_string(const eventc_ce_value *v, eventc_buf *out)
{
    switch (v->type) {
    case EVENTC_CE_STRING:
    case EVENTC_CE_URI:
    case EVENTC_CE_URI_REF:
        return eventc_buf_append(out, v->str ? v->str : "", v->str ? v->len : 0);
    case EVENTC_CE_INTEGER:
        return eventc_buf_append_int64(out, v->integer);
    case EVENTC_CE_BOOLEAN:
        return eventc_buf_append_str(out, v->boolean ? "true" : "false");
    case EVENTC_CE_BINARY: {
        size_t need = eventc_ce_base64_len(v->len);
        if (eventc_buf_reserve(out, need + 1) != EVENTC_OK)
            return EVENTC_E_NOMEM;
        eventc_ce_base64_encode(v->str, v->len, out->data + out->len);
        out->len += need;
        return EVENTC_OK;
    }
    case EVENTC_CE_TIMESTAMP: {
        char buf[EVENTC_TIMESTAMP_MAX];
        size_t len = eventc_timestamp_format(v->timestamp, buf);
        if (len == 0)
            return EVENTC_E_INVALID_ARGUMENT;
        return eventc_buf_append(out, buf, len);
    }
    }
    return EVENTC_E_INVALID_ARGUMENT;
}
