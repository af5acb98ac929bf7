/* Walkers over values built in C: validation (the decoder's rules, applied to C storage) and
 * canonical encoding. */
#include "codec_internal.h"
#include "eventc/utf8.h"

#include <math.h>
#include <string.h>

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
                                eventc_buf *out, json_path *p, eventc_error *err, int trusted);

static eventc_status out_of_memory(const json_path *p, eventc_error *err)
{
    return codec_fail(p, err, 0, EVENTC_E_NOMEM, "out of memory");
}

/* Writes s as a JSON string straight into the buffer: one reservation for the worst case (6
 * output bytes per input byte), plain runs copied 8 bytes at a time, and the code points
 * counted on the way so the length rules need no second pass. Returns EVENTC_E_UTF8 on invalid
 * UTF-8 (with the buffer unchanged), EVENTC_E_NOMEM. */
static eventc_status put_json_string(eventc_buf *out, const char *s, size_t len, size_t *chars)
{
    static const char hex[] = "0123456789abcdef";
    if (len > (SIZE_MAX - 2) / 6 || room(out, len * 6 + 2) != EVENTC_OK)
        return EVENTC_E_NOMEM;
    const unsigned char *p = (const unsigned char *)s, *e = p + len;
    char *w = out->data + out->len;
    size_t n_chars = 0;
    *w++ = '"';
    while (p < e) {
        while (e - p >= 8) {
            uint64_t x;
            memcpy(&x, p, 8);
            const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
            uint64_t quote = x ^ (ones * '"'), bslash = x ^ (ones * '\\');
            uint64_t ctrl = (x - ones * 0x20) & ~x;
            if ((x | ctrl | ((quote - ones) & ~quote) | ((bslash - ones) & ~bslash)) & high)
                break;
            memcpy(w, p, 8);
            w += 8;
            p += 8;
            n_chars += 8;
        }
        if (p >= e)
            break;
        unsigned char c = *p;
        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
            *w++ = (char)c;
            p++;
            n_chars++;
            continue;
        }
        if (c < 0x80) {
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
        /* Two-byte sequences (Latin, Greek, Cyrillic...) are checked inline; the rest goes
         * through the full decoder. */
        if (c >= 0xC2 && c <= 0xDF && e - p >= 2 && (p[1] & 0xC0) == 0x80) {
            w[0] = (char)c;
            w[1] = (char)p[1];
            w += 2;
            p += 2;
            n_chars++;
            continue;
        }
        uint32_t cp;
        int k = eventc_utf8_decode((const char *)p, (size_t)(e - p), &cp);
        if (k <= 0)
            return EVENTC_E_UTF8; /* nothing was committed: out->len is unchanged */
        if (cp == 0x2028 || cp == 0x2029) {
            memcpy(w, cp == 0x2028 ? "\\u2028" : "\\u2029", 6);
            w += 6;
        } else {
            memcpy(w, p, (size_t)k);
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
                               json_path *p, eventc_error *err, int trusted)
{
    switch (v->type) {
    case EVENTC_FT_STRING: {
        const char *s = *(const char *const *)src;
        size_t len = strlen(s), chars = 0;
        eventc_status st = put_json_string(out, s, len, &chars);
        if (st == EVENTC_E_UTF8)
            return codec_fail(p, err, 0, EVENTC_E_UTF8, "invalid UTF-8");
        if (st)
            return out_of_memory(p, err);
        return trusted ? EVENTC_OK : codec_check_string(v, s, len, chars, p, err, 0);
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
    case EVENTC_FT_BOOL:
        if (*(const bool *)src)
            eventc_buf_append(out, "true", 4);
        else
            eventc_buf_append(out, "false", 5);
        return EVENTC_OK;
    case EVENTC_FT_TIMESTAMP: {
        const eventc_timestamp *ts = src;
        eventc_status st = check_timestamp(ts, p, err);
        if (st)
            return st;
        char buf[EVENTC_TIMESTAMP_MAX + 2];
        buf[0] = '"';
        size_t n = eventc_timestamp_format(*ts, buf + 1);
        buf[n + 1] = '"';
        eventc_buf_append(out, buf, n + 2);
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
        return enc_object(v->object, src, out, p, err, trusted);
    case EVENTC_FT_ARRAY:
        break;
    }
    return codec_fail(p, err, 0, EVENTC_E_INVALID_ARGUMENT, "invalid descriptor");
}

static eventc_status enc_array(const eventc_field_desc *f, const unsigned char *base,
                               eventc_buf *out, json_path *p, eventc_error *err, int trusted)
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
        eventc_status st = enc_value(v->items, item, out, p, err, trusted);
        if (st)
            return st;
    }
    json_path_pop(p);
    put1(out, ']');
    return trusted ? EVENTC_OK : codec_check_items(v, items, n, p, err, 0);
}

static eventc_status enc_object(const eventc_type_desc *t, const unsigned char *base,
                                eventc_buf *out, json_path *p, eventc_error *err, int trusted)
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
        memcpy(w, f->name, f->name_len);
        w += f->name_len;
        *w++ = '"';
        *w++ = ':';
        out->len = (size_t)(w - out->data);
        json_path_push_key(p, f->name, f->name_len);
        eventc_status st;
        if (!present) {
            eventc_buf_append(out, "null", 4); /* a required nullable member without value */
            st = EVENTC_OK;
        } else if (f->value->type == EVENTC_FT_ARRAY) {
            st = enc_array(f, base, out, p, err, trusted);
        } else {
            st = enc_value(f->value, base + f->offset, out, p, err, trusted);
        }
        if (st)
            return st;
        json_path_pop(p);
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
    eventc_error_clear(err);
    if (!desc || !value || !out)
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, "$", "invalid argument");
    if (out->failed)
        return eventc_error_set(err, EVENTC_E_NOMEM, "$", "output buffer failed earlier");
    size_t mark = out->len;
    json_path p;
    p.depth = 0;
    eventc_status st = enc_object(desc, value, out, &p, err, (flags & EVENTC_ENCODE_TRUSTED) != 0);
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
