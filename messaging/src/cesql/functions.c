/* The built-in functions (specification section 3.5, plus the casting functions INT, BOOL,
 * STRING, IS_INT and IS_BOOL the TCK uses), and the Unicode helpers they need.
 *
 * Strings are sequences of code points: LENGTH counts them, LEFT, RIGHT and SUBSTRING cut at
 * them, LOWER and UPPER map each one through Unicode's full case mappings (so UPPER('ß') is
 * 'SS'), TRIM removes White_Space code points. Substrings point into their argument; new
 * strings are allocated from the evaluation's scratch arena. */
#include "cesql_internal.h"

#include <eventc/utf8.h>

#include <string.h>

/* ---- Unicode ---- */

size_t cesql_case_map(const cesql_case_table *t, uint32_t cp, uint32_t out[3])
{
    size_t lo = 0, hi = t->n_multi;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->multi[mid].cp == cp) {
            size_t n = 0;
            while (n < 3 && t->multi[mid].out[n] != 0) {
                out[n] = t->multi[mid].out[n];
                n++;
            }
            return n;
        }
        if (t->multi[mid].cp < cp) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    /* The last run starting at or before cp. */
    lo = 0;
    hi = t->n_runs;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (t->runs[mid].first <= cp) {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    out[0] = cp;
    if (lo > 0) {
        const cesql_case_run *r = &t->runs[lo - 1];
        uint32_t k = cp - r->first;
        if (k % r->stride == 0 && k / r->stride < r->count) {
            out[0] = (uint32_t)((int32_t)cp + r->delta);
        }
    }
    return 1;
}

bool cesql_is_space(uint32_t cp)
{
    /* PropList.txt, White_Space. */
    return (cp >= 0x09 && cp <= 0x0D) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
           (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
           cp == 0x205F || cp == 0x3000;
}

/* Decodes the code point at @p s (valid UTF-8, @p n > 0 bytes left). @return its length. */
static size_t decode(const char *s, size_t n, uint32_t *cp)
{
    int k = eventc_utf8_decode(s, n, cp);
    if (k < 1) { /* not reached on valid input; step one byte */
        *cp = 0xFFFD;
        return 1;
    }
    return (size_t)k;
}

/* Byte offset of code point number @p k of @p s (or @p n when there are fewer). */
static size_t skip_chars(const char *s, size_t n, size_t k)
{
    size_t i = 0;
    while (k > 0 && i < n) {
        uint32_t cp;
        i += decode(s + i, n - i, &cp);
        k--;
    }
    return i;
}

/* ---- helpers ---- */

static bool string_result(eventc_cesql_value *out, const char *s, size_t n)
{
    cesql_zero(out, EVENTC_CESQL_STRING);
    out->str = s;
    out->len = n;
    return true;
}

/* Scratch for a new string of @p n bytes (plus its NUL), or NULL with an error raised. */
static char *new_string(cesql_eval *c, const cesql_node *call, size_t n)
{
    if (n > EVENTC_CESQL_MAX_STRING) {
        cesql_raise(c, EVENTC_CESQL_FUNCTION_EVALUATION, call->offset,
                    "%s would return more than %zu bytes", cesql_functions[call->fn].name,
                    EVENTC_CESQL_MAX_STRING);
        return NULL;
    }
    return cesql_scratch(c, call->offset, n + 1);
}

static bool integer_result(eventc_cesql_value *out, int32_t v)
{
    cesql_zero(out, EVENTC_CESQL_INTEGER);
    out->integer = v;
    return true;
}

static bool boolean_result(eventc_cesql_value *out, bool v)
{
    cesql_zero(out, EVENTC_CESQL_BOOLEAN);
    out->boolean = v;
    return true;
}

/* ---- string functions ---- */

static bool fn_length(cesql_eval *c, const cesql_node *call, eventc_cesql_value *a, size_t n,
                      eventc_cesql_value *out)
{
    (void)c;
    (void)call;
    (void)n;
    return integer_result(out, (int32_t)eventc_utf8_count(a[0].str, a[0].len));
}

/* CONCAT (no delimiter) and CONCAT_WS (a[0] is the delimiter). */
static bool concat(cesql_eval *c, const cesql_node *call, const eventc_cesql_value *delim,
                   const eventc_cesql_value *a, size_t n, eventc_cesql_value *out)
{
    size_t total = 0, d = delim ? delim->len : 0;
    char *buf, *w;
    for (size_t i = 0; i < n; i++) {
        total += a[i].len + (i > 0 ? d : 0);
        if (total > EVENTC_CESQL_MAX_STRING) {
            break;
        }
    }
    cesql_zero(out, EVENTC_CESQL_STRING);
    buf = w = new_string(c, call, total);
    if (buf == NULL) {
        return false;
    }
    for (size_t i = 0; i < n; i++) {
        if (i > 0 && d > 0) {
            memcpy(w, delim->str, d);
            w += d;
        }
        if (a[i].len > 0) {
            memcpy(w, a[i].str, a[i].len);
            w += a[i].len;
        }
    }
    *w = '\0';
    return string_result(out, buf, total);
}

static bool fn_concat(cesql_eval *c, const cesql_node *call, eventc_cesql_value *a, size_t n,
                      eventc_cesql_value *out)
{
    return concat(c, call, NULL, a, n, out);
}

static bool fn_concat_ws(cesql_eval *c, const cesql_node *call, eventc_cesql_value *a, size_t n,
                         eventc_cesql_value *out)
{
    return concat(c, call, &a[0], a + 1, n - 1, out);
}

static bool convert_case(cesql_eval *c, const cesql_node *call, const cesql_case_table *t,
                         const eventc_cesql_value *x, eventc_cesql_value *out)
{
    size_t size = 0;
    char *buf = NULL;
    cesql_zero(out, EVENTC_CESQL_STRING);
    /* Pass 0 measures, pass 1 writes. */
    for (int pass = 0; pass < 2; pass++) {
        size_t o = 0;
        for (size_t i = 0; i < x->len;) {
            unsigned char b = (unsigned char)x->str[i];
            uint32_t cp, mapped[3];
            size_t k;
            if (b < 0x80) {
                char ch = (char)b;
                if (t == &cesql_upper_table && ch >= 'a' && ch <= 'z') {
                    ch = (char)(ch - 'a' + 'A');
                } else if (t == &cesql_lower_table && ch >= 'A' && ch <= 'Z') {
                    ch = (char)(ch - 'A' + 'a');
                }
                if (buf != NULL) {
                    buf[o] = ch;
                }
                o++;
                i++;
                continue;
            }
            i += decode(x->str + i, x->len - i, &cp);
            k = cesql_case_map(t, cp, mapped);
            for (size_t j = 0; j < k; j++) {
                char enc[4];
                size_t e = eventc_utf8_encode(mapped[j], enc);
                if (buf != NULL) {
                    memcpy(buf + o, enc, e);
                }
                o += e;
            }
        }
        if (pass == 0) {
            size = o;
            buf = new_string(c, call, size);
            if (buf == NULL) {
                return false;
            }
        }
    }
    buf[size] = '\0';
    return string_result(out, buf, size);
}

static bool fn_lower(cesql_eval *c, const cesql_node *call, eventc_cesql_value *a, size_t n,
                     eventc_cesql_value *out)
{
    (void)n;
    return convert_case(c, call, &cesql_lower_table, &a[0], out);
}

static bool fn_upper(cesql_eval *c, const cesql_node *call, eventc_cesql_value *a, size_t n,
                     eventc_cesql_value *out)
{
    (void)n;
    return convert_case(c, call, &cesql_upper_table, &a[0], out);
}

static bool fn_trim(cesql_eval *c, const cesql_node *call, eventc_cesql_value *a, size_t n,
                    eventc_cesql_value *out)
{
    const char *s = a[0].str;
    size_t start = 0, end = 0, i = 0, len = a[0].len;
    bool seen = false;
    (void)c;
    (void)call;
    (void)n;
    while (i < len) {
        uint32_t cp;
        size_t k = decode(s + i, len - i, &cp);
        if (!cesql_is_space(cp)) {
            if (!seen) {
                start = i;
                seen = true;
            }
            end = i + k;
        }
        i += k;
    }
    return string_result(out, s + start, seen ? end - start : 0);
}

static bool fn_left(cesql_eval *c, const cesql_node *call, eventc_cesql_value *a, size_t n,
                    eventc_cesql_value *out)
{
    (void)n;
    string_result(out, a[0].str, a[0].len);
    if (a[1].integer < 0) {
        return cesql_raise(c, EVENTC_CESQL_FUNCTION_EVALUATION, call->offset,
                           "LEFT of a negative number (%ld) of characters", (long)a[1].integer);
    }
    out->len = skip_chars(a[0].str, a[0].len, (size_t)a[1].integer);
    return true;
}

static bool fn_right(cesql_eval *c, const cesql_node *call, eventc_cesql_value *a, size_t n,
                     eventc_cesql_value *out)
{
    size_t chars;
    (void)n;
    string_result(out, a[0].str, a[0].len);
    if (a[1].integer < 0) {
        return cesql_raise(c, EVENTC_CESQL_FUNCTION_EVALUATION, call->offset,
                           "RIGHT of a negative number (%ld) of characters", (long)a[1].integer);
    }
    chars = eventc_utf8_count(a[0].str, a[0].len);
    if ((size_t)a[1].integer < chars) {
        size_t skip = skip_chars(a[0].str, a[0].len, chars - (size_t)a[1].integer);
        string_result(out, a[0].str + skip, a[0].len - skip);
    }
    return true;
}

static bool fn_substring(cesql_eval *c, const cesql_node *call, eventc_cesql_value *a, size_t n,
                         eventc_cesql_value *out)
{
    const char *s = a[0].str;
    int64_t chars = (int64_t)eventc_utf8_count(s, a[0].len), pos = a[1].integer;
    size_t from, to;
    cesql_zero(out, EVENTC_CESQL_STRING);
    if (pos > chars || pos < -chars) {
        return cesql_raise(c, EVENTC_CESQL_FUNCTION_EVALUATION, call->offset,
                           "SUBSTRING position %lld outside a string of %lld characters",
                           (long long)pos, (long long)chars);
    }
    if (n == 3 && a[2].integer < 0) {
        return cesql_raise(c, EVENTC_CESQL_FUNCTION_EVALUATION, call->offset,
                           "SUBSTRING of a negative length (%ld)", (long)a[2].integer);
    }
    if (pos == 0) {
        return true;
    }
    /* 1-based from the start, or counted back from the end when negative. */
    from = skip_chars(s, a[0].len, (size_t)(pos > 0 ? pos - 1 : chars + pos));
    to = n == 3 ? from + skip_chars(s + from, a[0].len - from, (size_t)a[2].integer) : a[0].len;
    return string_result(out, s + from, to - from);
}

/* ---- math ---- */

static bool fn_abs(cesql_eval *c, const cesql_node *call, eventc_cesql_value *a, size_t n,
                   eventc_cesql_value *out)
{
    (void)n;
    if (a[0].integer == INT32_MIN) {
        integer_result(out, INT32_MAX);
        return cesql_raise(c, EVENTC_CESQL_MATH, call->offset,
                           "ABS(-2147483648) does not fit in 32 bits");
    }
    return integer_result(out, a[0].integer < 0 ? -a[0].integer : a[0].integer);
}

/* ---- casting functions ---- */

static bool explicit_cast(cesql_eval *c, const cesql_node *call, eventc_cesql_value *a,
                          eventc_cesql_type to, eventc_cesql_value *out)
{
    bool ok = cesql_cast(c, &a[0], to, true, call->offset);
    *out = a[0];
    return ok;
}

static bool fn_int(cesql_eval *c, const cesql_node *call, eventc_cesql_value *a, size_t n,
                   eventc_cesql_value *out)
{
    (void)n;
    return explicit_cast(c, call, a, EVENTC_CESQL_INTEGER, out);
}

static bool fn_bool(cesql_eval *c, const cesql_node *call, eventc_cesql_value *a, size_t n,
                    eventc_cesql_value *out)
{
    (void)n;
    return explicit_cast(c, call, a, EVENTC_CESQL_BOOLEAN, out);
}

static bool fn_string(cesql_eval *c, const cesql_node *call, eventc_cesql_value *a, size_t n,
                      eventc_cesql_value *out)
{
    (void)n;
    return explicit_cast(c, call, a, EVENTC_CESQL_STRING, out);
}

/* IS_INT and IS_BOOL: whether INT(x) and BOOL(x) would succeed. */
static bool fn_is_int(cesql_eval *c, const cesql_node *call, eventc_cesql_value *a, size_t n,
                      eventc_cesql_value *out)
{
    int32_t v;
    (void)c;
    (void)call;
    (void)n;
    return boolean_result(out, a[0].type != EVENTC_CESQL_STRING ||
                                   cesql_parse_int(a[0].str, a[0].len, &v));
}

static bool fn_is_bool(cesql_eval *c, const cesql_node *call, eventc_cesql_value *a, size_t n,
                       eventc_cesql_value *out)
{
    bool v;
    (void)c;
    (void)call;
    (void)n;
    return boolean_result(out, a[0].type != EVENTC_CESQL_STRING ||
                                   cesql_parse_bool(a[0].str, a[0].len, &v));
}

/* ---- the table ---- */

const cesql_function cesql_functions[] = {
    {"ABS", 1, 1, "I", EVENTC_CESQL_INTEGER, fn_abs},
    {"BOOL", 1, 1, "*", EVENTC_CESQL_BOOLEAN, fn_bool},
    {"CONCAT", 0, CESQL_VARIADIC, "S", EVENTC_CESQL_STRING, fn_concat},
    {"CONCAT_WS", 1, CESQL_VARIADIC, "S", EVENTC_CESQL_STRING, fn_concat_ws},
    {"INT", 1, 1, "*", EVENTC_CESQL_INTEGER, fn_int},
    {"IS_BOOL", 1, 1, "*", EVENTC_CESQL_BOOLEAN, fn_is_bool},
    {"IS_INT", 1, 1, "*", EVENTC_CESQL_BOOLEAN, fn_is_int},
    {"LEFT", 2, 2, "SI", EVENTC_CESQL_STRING, fn_left},
    {"LENGTH", 1, 1, "S", EVENTC_CESQL_INTEGER, fn_length},
    {"LOWER", 1, 1, "S", EVENTC_CESQL_STRING, fn_lower},
    {"RIGHT", 2, 2, "SI", EVENTC_CESQL_STRING, fn_right},
    {"STRING", 1, 1, "*", EVENTC_CESQL_STRING, fn_string},
    {"SUBSTRING", 2, 3, "SII", EVENTC_CESQL_STRING, fn_substring},
    {"TRIM", 1, 1, "S", EVENTC_CESQL_STRING, fn_trim},
    {"UPPER", 1, 1, "S", EVENTC_CESQL_STRING, fn_upper},
};

const size_t cesql_n_functions = sizeof(cesql_functions) / sizeof(cesql_functions[0]);

int cesql_function_find(const char *name, size_t len)
{
    for (size_t i = 0; i < cesql_n_functions; i++) {
        const char *f = cesql_functions[i].name;
        size_t k = 0;
        for (; k < len && f[k] != '\0'; k++) {
            char ch = name[k];
            if (ch >= 'a' && ch <= 'z') {
                ch = (char)(ch - 'a' + 'A');
            }
            if (ch != f[k]) {
                break;
            }
        }
        if (k == len && f[k] == '\0') {
            return (int)i;
        }
    }
    return -1;
}
