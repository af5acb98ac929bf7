/* Walkers over values built in C: validation (the decoder's rules, applied to C storage) and
 * canonical encoding. */
#include "codec_internal.h"
#include "core/text_internal.h"
#include "eventc/utf8.h"

#include <math.h>
#include <string.h>

#if defined(JSON_SIMD_X86)
#include <emmintrin.h>
#endif

/* ---- validation ------------------------------------------------------------------------------ */

static eventc_status check_timestamp(const eventc_timestamp *ts, const json_path *p,
                                     eventc_error *err)
{
    if (ts->seconds < EVENTC_TIMESTAMP_MIN_SECONDS || ts->seconds > EVENTC_TIMESTAMP_MAX_SECONDS ||
        ts->nanos > 999999999u)
        return codec_fail(p, err, 0, EVENTC_E_TIMESTAMP,
                          "timestamp outside years 0000-9999 or nanoseconds out of range");
    return EVENTC_OK;
}

static eventc_status validate_object(const eventc_type_desc *t, const unsigned char *base,
                                     json_path *p, eventc_error *err);

static eventc_status validate_value(const eventc_value_desc *v, const void *src, json_path *p,
                                    eventc_error *err)
{
    switch (v->type) {
    case EVENTC_FT_STRING: {
        const char *s = *(const char *const *)src;
        size_t len = strlen(s), bad;
        if (!eventc_utf8_check(s, len, &bad))
            return codec_fail(p, err, 0, EVENTC_E_UTF8, "invalid UTF-8 at byte %zu", bad);
        return codec_check_string(v, s, len, SIZE_MAX, p, err, 0);
    }
    case EVENTC_FT_JSON: {
        /* The text must be one valid JSON value: checked by decoding it as a free value. */
        const char *s = *(const char *const *)src;
        size_t len = strlen(s), bad;
        if (!eventc_utf8_check(s, len, &bad))
            return codec_fail(p, err, 0, EVENTC_E_UTF8, "invalid UTF-8 at byte %zu", bad);
        if (eventc_json_check(s, len) != EVENTC_OK)
            return codec_fail(p, err, 0, EVENTC_E_SYNTAX, "not a single valid JSON value");
        return EVENTC_OK;
    }
    case EVENTC_FT_INT64:
        return codec_check_int(v, *(const int64_t *)src, p, err, 0);
    case EVENTC_FT_DOUBLE: {
        double x = *(const double *)src;
        if (!isfinite(x))
            return codec_fail(p, err, 0, EVENTC_E_TYPE, "not a finite number");
        return codec_check_double(v, x, p, err, 0);
    }
    case EVENTC_FT_BOOL:
        return EVENTC_OK;
    case EVENTC_FT_TIMESTAMP:
        return check_timestamp((const eventc_timestamp *)src, p, err);
    case EVENTC_FT_ENUM: {
        int x = *(const int *)src;
        if (x < 0 || (unsigned)x >= v->enum_desc->count)
            return codec_fail(p, err, 0, EVENTC_E_ENUM, "%d is not a value of %s", x,
                              v->enum_desc->name);
        return EVENTC_OK;
    }
    case EVENTC_FT_OBJECT:
        return validate_object(v->object, src, p, err);
    case EVENTC_FT_ARRAY:
        break;
    }
    return codec_fail(p, err, 0, EVENTC_E_INVALID_ARGUMENT, "invalid descriptor");
}

/* Whether a member holds a value (absent optionals and null nullables hold none). */
static int field_present(const eventc_field_desc *f, const unsigned char *base)
{
    switch (f->value->type) {
    case EVENTC_FT_STRING:
    case EVENTC_FT_JSON:
    case EVENTC_FT_ARRAY:
        return *(const void *const *)(base + f->offset) != NULL;
    default:
        return f->aux_offset == SIZE_MAX || *(const bool *)(base + f->aux_offset);
    }
}

static eventc_status validate_object(const eventc_type_desc *t, const unsigned char *base,
                                     json_path *p, eventc_error *err)
{
    for (size_t i = 0; i < t->n_fields; i++) {
        const eventc_field_desc *f = &t->fields[i];
        json_path_push_key(p, f->name, f->name_len);
        eventc_status st = EVENTC_OK;
        if (!field_present(f, base)) {
            if (!(f->flags & (EVENTC_FF_OPTIONAL | EVENTC_FF_NULLABLE)))
                st = codec_fail(p, err, 0, EVENTC_E_REQUIRED, "required member is missing");
        } else if (f->value->type == EVENTC_FT_ARRAY) {
            const unsigned char *items = *(const unsigned char *const *)(base + f->offset);
            size_t n = *(const size_t *)(base + f->aux_offset);
            const eventc_value_desc *v = f->value;
            json_path_push_index(p, 0);
            for (size_t k = 0; k < n && !st; k++) {
                json_path_set_index(p, k);
                if ((v->items->type == EVENTC_FT_STRING || v->items->type == EVENTC_FT_JSON) &&
                    !*(const char *const *)(items + k * v->item_size))
                    st = codec_fail(p, err, 0, EVENTC_E_NULL_VALUE, "NULL item");
                else
                    st = validate_value(v->items, items + k * v->item_size, p, err);
            }
            json_path_pop(p);
            if (!st)
                st = codec_check_items(v, items, n, p, err, 0);
        } else {
            st = validate_value(f->value, base + f->offset, p, err);
        }
        json_path_pop(p);
        if (st)
            return st;
    }
    return EVENTC_OK;
}

eventc_status eventc_validate(const eventc_type_desc *desc, const void *value, eventc_error *err)
{
    eventc_error_clear(err);
    if (!desc || !value)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "$", "invalid argument");
    json_path p;
    p.depth = 0;
    return validate_object(desc, value, &p, err);
}

/* Capacity check without a call in the common case. */
static inline eventc_status room(eventc_buf *out, size_t n)
{
    return out->cap - out->len > n ? EVENTC_OK : eventc_buf_reserve(out, n + 1);
}

static inline void put1(eventc_buf *out, char c)
{
    if (room(out, 1) == EVENTC_OK)
        out->data[out->len++] = c; /* else out->failed is set, and checked at the end */
}

/* ---- encoding: one pass that checks each value as it writes it ------------------------------ */

static eventc_status enc_object(const eventc_type_desc *t, const unsigned char *base,
                                eventc_buf *out, json_path *p, eventc_error *err, int trusted,
                                json_simd simd);

static eventc_status out_of_memory(const json_path *p, eventc_error *err)
{
    return codec_fail(p, err, 0, EVENTC_E_NOMEM, "out of memory");
}

/* Copies the n bytes at s to w while testing that they are printable ASCII with nothing to
 * escape, 8 bytes at a time with loads and stores inside [s, s+n) and [w, w+n) (the last ones
 * overlap). No false answers for such text: the borrow that can flag a clean byte needs a byte
 * below 0x20 or equal to '"' or '\\'. On false, w holds garbage the caller overwrites. */
static inline bool copy_plain(char *w, const char *s, size_t n)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t x, acc = 0;
    if (n < 8) {
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c < 0x20 || c >= 0x80 || c == '"' || c == '\\')
                return false;
            w[i] = (char)c;
        }
        return true;
    }
    for (size_t i = 0;; i += 8) {
        if (i + 8 > n)
            i = n - 8;
        memcpy(&x, s + i, 8);
        memcpy(w + i, &x, 8);
        uint64_t quote = x ^ (ones * '"'), bslash = x ^ (ones * '\\');
        acc |=
            x | ((x - ones * 0x20) & ~x) | ((quote - ones) & ~quote) | ((bslash - ones) & ~bslash);
        if (i + 8 == n)
            break;
    }
    return (acc & high) == 0;
}

#if defined(JSON_SIMD_X86)
/* copy_plain with SSE2 (the x86-64 baseline) for 16 to 64 bytes: 16-byte loads and stores inside
 * the bounds, the last one overlapping; a byte is special when it is '"' or '\\', or below 0x20
 * as a signed byte (0x00-0x1F and 0x80-0xFF at once). */
static inline bool copy_plain_sse2(char *w, const char *s, size_t n)
{
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                  space = _mm_set1_epi8(0x20);
    __m128i acc = _mm_setzero_si128();
    for (size_t i = 0;; i += 16) {
        if (i + 16 > n)
            i = n - 16;
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        _mm_storeu_si128((__m128i *)(void *)(w + i), v);
        acc = _mm_or_si128(
            acc, _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                              _mm_cmpgt_epi8(space, v)));
        if (i + 16 == n)
            break;
    }
    return _mm_movemask_epi8(acc) == 0;
}
#endif

/* Writes s as a JSON string straight into the buffer: one reservation for the worst case (6
 * output bytes per input byte); short plain text in one copy; otherwise plain runs found a
 * vector at a time (json_find_special) and copied at once, escapes written, UTF-8 checked; the
 * code points counted on the way so the length rules need no second pass. Returns
 * EVENTC_E_UTF8 on invalid UTF-8 (with the buffer unchanged), EVENTC_E_NOMEM. */
static eventc_status put_json_string(eventc_buf *out, const char *s, size_t len, size_t *chars,
                                     json_simd simd)
{
    static const char hex[] = "0123456789abcdef";
    if (len > (SIZE_MAX - 2) / 6 || room(out, len * 6 + 2) != EVENTC_OK)
        return EVENTC_E_NOMEM;
    char *w = out->data + out->len;
    *w++ = '"';
#if defined(JSON_SIMD_X86)
    bool plain = len >= 16 && len <= 64 && simd != JSON_SIMD_SCALAR ? copy_plain_sse2(w, s, len)
                 : len <= 64                                        ? copy_plain(w, s, len)
                                                                    : false;
#else
    bool plain = len <= 64 && copy_plain(w, s, len);
#endif
    if (plain) {
        w[len] = '"';
        out->len += len + 2;
        *chars = len;
        return EVENTC_OK;
    }
    const char *p = s, *e = s + len;
    size_t n_chars = 0;
    for (;;) {
        const char *stop = json_find_special(simd, p, e);
        memcpy(w, p, (size_t)(stop - p));
        w += stop - p;
        n_chars += (size_t)(stop - p);
        p = stop;
        if (p >= e)
            break;
        unsigned char c = (unsigned char)*p;
        if (c < 0x80) { /* '"', '\\' or a control character */
            *w++ = '\\';
            switch (c) {
            case '"':
                *w++ = '"';
                break;
            case '\\':
                *w++ = '\\';
                break;
            case '\b':
                *w++ = 'b';
                break;
            case '\f':
                *w++ = 'f';
                break;
            case '\n':
                *w++ = 'n';
                break;
            case '\r':
                *w++ = 'r';
                break;
            case '\t':
                *w++ = 't';
                break;
            default:
                *w++ = 'u';
                *w++ = '0';
                *w++ = '0';
                *w++ = hex[c >> 4];
                *w++ = hex[c & 0xF];
            }
            p++;
            n_chars++;
            continue;
        }
        /* Validated inline, as the reader does; U+2028 and U+2029 (E2 80 A8/A9) are escaped
         * for JavaScript readers. */
        int k = text_utf8_sequence(p, e);
        if (k <= 0)
            return EVENTC_E_UTF8; /* nothing was committed: out->len is unchanged */
        if (k == 3 && c == 0xE2 && (unsigned char)p[1] == 0x80 &&
            ((unsigned char)p[2] == 0xA8 || (unsigned char)p[2] == 0xA9)) {
            memcpy(w, p[2] == (char)0xA8 ? "\\u2028" : "\\u2029", 6);
            w += 6;
        } else {
            w[0] = p[0];
            w[1] = p[1];
            if (k > 2)
                w[2] = p[2];
            if (k > 3)
                w[3] = p[3];
            w += k;
        }
        p += k;
        n_chars++;
    }
    *w++ = '"';
    out->len = (size_t)(w - out->data);
    *chars = n_chars;
    return EVENTC_OK;
}

static eventc_status enc_value(const eventc_value_desc *v, const void *src, eventc_buf *out,
                               json_path *p, eventc_error *err, int trusted, json_simd simd)
{
    switch (v->type) {
    case EVENTC_FT_STRING: {
        const char *s = *(const char *const *)src;
        size_t len = strlen(s), chars = 0;
        eventc_status st = put_json_string(out, s, len, &chars, simd);
        if (st == EVENTC_E_UTF8)
            return codec_fail(p, err, 0, EVENTC_E_UTF8, "invalid UTF-8");
        if (st)
            return out_of_memory(p, err);
        /* Strings with no rule but lengths are settled by the count, and so is the constant
         * itself (a member that points at it, as the decoder leaves it); the rest, and every
         * failure, go to the one place every rule lives. */
        if (trusted || ((!v->const_value || s == v->const_value) && !v->pattern &&
                        (!(v->flags & EVENTC_VF_MIN_LENGTH) || chars >= v->min_length) &&
                        (!(v->flags & EVENTC_VF_MAX_LENGTH) || chars <= v->max_length)))
            return EVENTC_OK;
        return codec_check_string(v, s, len, chars, p, err, 0);
    }
    case EVENTC_FT_JSON: {
        const char *s = *(const char *const *)src;
        size_t len = strlen(s);
        if (!trusted && eventc_json_check(s, len) != EVENTC_OK)
            return codec_fail(p, err, 0, EVENTC_E_SYNTAX, "not a single valid JSON value");
        eventc_buf_append(out, s, len);
        return EVENTC_OK;
    }
    case EVENTC_FT_INT64: {
        int64_t x = *(const int64_t *)src;
        eventc_buf_append_int64(out, x);
        return trusted ? EVENTC_OK : codec_check_int(v, x, p, err, 0);
    }
    case EVENTC_FT_DOUBLE: {
        double x = *(const double *)src;
        if (!isfinite(x))
            return codec_fail(p, err, 0, EVENTC_E_TYPE, "not a finite number");
        if (eventc_buf_append_double(out, x) != EVENTC_OK)
            return out_of_memory(p, err);
        return trusted ? EVENTC_OK : codec_check_double(v, x, p, err, 0);
    }
    case EVENTC_FT_BOOL: {
        bool b = *(const bool *)src;
        if (room(out, 5) != EVENTC_OK)
            return out_of_memory(p, err);
        memcpy(out->data + out->len, b ? "true" : "false", 5);
        out->len += b ? 4 : 5;
        return EVENTC_OK;
    }
    case EVENTC_FT_TIMESTAMP: {
        const eventc_timestamp *ts = src;
        eventc_status st = check_timestamp(ts, p, err);
        if (st)
            return st;
        /* Formatted in place: the quotes around, its terminating NUL overwritten. */
        if (room(out, EVENTC_TIMESTAMP_MAX + 2) != EVENTC_OK)
            return out_of_memory(p, err);
        char *w = out->data + out->len;
        w[0] = '"';
        size_t n = eventc_timestamp_format(*ts, w + 1);
        w[n + 1] = '"';
        out->len += n + 2;
        return EVENTC_OK;
    }
    case EVENTC_FT_ENUM: {
        int x = *(const int *)src;
        if (x < 0 || (unsigned)x >= v->enum_desc->count)
            return codec_fail(p, err, 0, EVENTC_E_ENUM, "%d is not a value of %s", x,
                              v->enum_desc->name);
        if (room(out, (size_t)v->enum_desc->lens[x] + 2) != EVENTC_OK)
            return out_of_memory(p, err);
        out->data[out->len++] = '"';
        memcpy(out->data + out->len, v->enum_desc->names[x], v->enum_desc->lens[x]);
        out->len += v->enum_desc->lens[x];
        out->data[out->len++] = '"';
        return EVENTC_OK;
    }
    case EVENTC_FT_OBJECT:
        return enc_object(v->object, src, out, p, err, trusted, simd);
    case EVENTC_FT_ARRAY:
        break;
    }
    return codec_fail(p, err, 0, EVENTC_E_INVALID_ARGUMENT, "invalid descriptor");
}

static eventc_status enc_array(const eventc_field_desc *f, const unsigned char *base,
                               eventc_buf *out, json_path *p, eventc_error *err, int trusted,
                               json_simd simd)
{
    const eventc_value_desc *v = f->value;
    const unsigned char *items = *(const unsigned char *const *)(base + f->offset);
    size_t n = *(const size_t *)(base + f->aux_offset);
    int pointers = v->items->type == EVENTC_FT_STRING || v->items->type == EVENTC_FT_JSON;
    put1(out, '[');
    json_path_push_index(p, 0);
    for (size_t k = 0; k < n; k++) {
        json_path_set_index(p, k);
        if (k)
            put1(out, ',');
        const unsigned char *item = items + k * v->item_size;
        if (pointers && !*(const char *const *)item)
            return codec_fail(p, err, 0, EVENTC_E_NULL_VALUE, "NULL item");
        eventc_status st = enc_value(v->items, item, out, p, err, trusted, simd);
        if (st)
            return st;
    }
    json_path_pop(p);
    put1(out, ']');
    return trusted ? EVENTC_OK : codec_check_items(v, items, n, p, err, 0);
}

static eventc_status enc_object(const eventc_type_desc *t, const unsigned char *base,
                                eventc_buf *out, json_path *p, eventc_error *err, int trusted,
                                json_simd simd)
{
    put1(out, '{');
    int first = 1;
    for (size_t i = 0; i < t->n_fields; i++) {
        const eventc_field_desc *f = &t->fields[i];
        int present = field_present(f, base);
        if (!present) {
            if (f->flags & EVENTC_FF_OPTIONAL)
                continue;
            if (!(f->flags & EVENTC_FF_NULLABLE)) {
                json_path_push_key(p, f->name, f->name_len);
                return codec_fail(p, err, 0, EVENTC_E_REQUIRED, "required member is missing");
            }
        }
        /* `,"name":` in one step; member names are plain snake_case. */
        if (room(out, f->name_len + 4) != EVENTC_OK)
            return out_of_memory(p, err);
        char *w = out->data + out->len;
        if (!first)
            *w++ = ',';
        first = 0;
        *w++ = '"';
        codec_copy(w, f->name, f->name_len);
        w += f->name_len;
        *w++ = '"';
        *w++ = ':';
        out->len = (size_t)(w - out->data);
        if (!present) {
            eventc_buf_append(out, "null", 4); /* a required nullable member without value */
            continue;
        }
        eventc_status st;
        if (f->value->type == EVENTC_FT_ARRAY || f->value->type == EVENTC_FT_OBJECT) {
            json_path_push_key(p, f->name, f->name_len);
            st = f->value->type == EVENTC_FT_ARRAY
                     ? enc_array(f, base, out, p, err, trusted, simd)
                     : enc_value(f->value, base + f->offset, out, p, err, trusted, simd);
            if (st)
                return st;
            json_path_pop(p);
        } else if (enc_value(f->value, base + f->offset, out, p, NULL, trusted, simd) !=
                   EVENTC_OK) {
            /* The path of a plain value is built only on error: the value is written again,
             * under its member name, to report it (the output is discarded on error). */
            json_path_push_key(p, f->name, f->name_len);
            return enc_value(f->value, base + f->offset, out, p, err, trusted, simd);
        }
    }
    put1(out, '}');
    return EVENTC_OK;
}

eventc_status eventc_encode(const eventc_type_desc *desc, const void *value, eventc_buf *out,
                            eventc_error *err)
{
    return eventc_encode_ex(desc, value, out, 0, err);
}

eventc_status eventc_encode_ex(const eventc_type_desc *desc, const void *value, eventc_buf *out,
                               unsigned flags, eventc_error *err)
{
    return codec_encode_at(desc, value, out, flags, json_simd_detect(), err);
}

eventc_status codec_encode_at(const eventc_type_desc *desc, const void *value, eventc_buf *out,
                              unsigned flags, json_simd simd, eventc_error *err)
{
    eventc_error_clear(err);
    if (!desc || !value || !out)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "$", "invalid argument");
    if (out->failed)
        return eventc_error_set(err, EVENTC_E_NOMEM, "$", "output buffer failed earlier");
    size_t mark = out->len;
    json_path p;
    p.depth = 0;
    eventc_status st =
        enc_object(desc, value, out, &p, err, (flags & EVENTC_ENCODE_TRUSTED) != 0, simd);
    if (!st && out->failed)
        st = eventc_error_set(err, EVENTC_E_NOMEM, "$", "out of memory");
    if (st) {
        /* Leave the buffer as it was: nothing appended on error. */
        out->len = mark;
        out->failed = 0;
        if (out->data && out->cap > mark)
            out->data[mark] = '\0';
    }
    return st;
}
