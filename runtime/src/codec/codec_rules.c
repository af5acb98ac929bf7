/* The rules every value is judged by, whether it was decoded from JSON or built in C. */
#include "codec_internal.h"
#include "core/number_internal.h"
#include "eventc/regex.h"
#include "eventc/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

eventc_status codec_fail(const json_path *p, eventc_error *err, size_t offset, eventc_status code,
                         const char *fmt, ...)
{
    if (!err)
        return code;
    char path[EVENTC_ERROR_PATH_MAX];
    json_path_format(p, path, sizeof(path));
    char msg[EVENTC_ERROR_MESSAGE_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    eventc_error_set(err, code, path, "%s", msg);
    err->offset = offset;
    return code;
}

eventc_status codec_check_string(const eventc_value_desc *v, const char *s, size_t len,
                                 size_t chars, const json_path *p, eventc_error *err, size_t offset)
{
    if (v->const_value) {
        /* No strlen: equal iff the first len bytes match and the constant ends there. */
        if (memchr(v->const_value, '\0', len) != NULL || memcmp(v->const_value, s, len) != 0 ||
            v->const_value[len] != '\0')
            return codec_fail(p, err, offset, EVENTC_E_CONST, "\"%.*s\" is not \"%s\"",
                              (int)(len > 64 ? 64 : len), s, v->const_value);
    }
    /* `chars` may be SIZE_MAX (not counted): count only when the byte length cannot decide,
     * knowing that a string of n bytes holds between n / 4 and n code points. */
    if (chars == SIZE_MAX && (v->flags & (EVENTC_VF_MIN_LENGTH | EVENTC_VF_MAX_LENGTH))) {
        int need = 0;
        if ((v->flags & EVENTC_VF_MIN_LENGTH) && len / 4 < v->min_length)
            need = 1; /* short enough to fail, or ambiguous */
        if ((v->flags & EVENTC_VF_MAX_LENGTH) && len > v->max_length)
            need = 1;
        chars = need ? eventc_utf8_count(s, len) : len;
    }
    if ((v->flags & EVENTC_VF_MIN_LENGTH) && chars < v->min_length)
        return codec_fail(p, err, offset, EVENTC_E_MIN_LENGTH,
                          "string of %zu characters is shorter than %zu", chars, v->min_length);
    if ((v->flags & EVENTC_VF_MAX_LENGTH) && chars > v->max_length)
        return codec_fail(p, err, offset, EVENTC_E_MAX_LENGTH,
                          "string of %zu characters is longer than %zu", chars, v->max_length);
    if (v->pattern) {
        /* The automaton answers for ASCII strings with one table lookup per byte; the program
         * decides the rest. Both implement the same semantics (tests/unit/runtime). */
        int m = v->pattern_dfa ? eventc_regex_dfa_test(v->pattern_dfa, s, len) : -1;
        if (m < 0)
            m = eventc_regex_search(v->pattern, strlen(v->pattern), s, len);
        if (m < 0)
            return codec_fail(p, err, offset, (eventc_status)-m, "pattern cannot be evaluated");
        if (m == 0)
            return codec_fail(p, err, offset, EVENTC_E_PATTERN, "does not match the pattern %s",
                              v->pattern);
    }
    return EVENTC_OK;
}

eventc_status codec_check_int(const eventc_value_desc *v, int64_t x, const json_path *p,
                              eventc_error *err, size_t offset)
{
    if ((v->flags & EVENTC_VF_MINIMUM) && x < v->imin)
        return codec_fail(p, err, offset, EVENTC_E_MINIMUM, "%lld is less than the minimum %lld",
                          (long long)x, (long long)v->imin);
    if ((v->flags & EVENTC_VF_MAXIMUM) && x > v->imax)
        return codec_fail(p, err, offset, EVENTC_E_MAXIMUM, "%lld is greater than the maximum %lld",
                          (long long)x, (long long)v->imax);
    return EVENTC_OK;
}

eventc_status codec_check_double(const eventc_value_desc *v, double x, const json_path *p,
                                 eventc_error *err, size_t offset)
{
    /* Numbers in messages are spelled as in JSON, whatever the locale. */
    char a[NUM_DOUBLE_MAX], b[NUM_DOUBLE_MAX];
    if ((v->flags & EVENTC_VF_MINIMUM) && x < v->nmin)
        return codec_fail(p, err, offset, EVENTC_E_MINIMUM, "%s is less than the minimum %s",
                          (num_format_double(x, a), a), (num_format_double(v->nmin, b), b));
    if ((v->flags & EVENTC_VF_MAXIMUM) && x > v->nmax)
        return codec_fail(p, err, offset, EVENTC_E_MAXIMUM, "%s is greater than the maximum %s",
                          (num_format_double(x, a), a), (num_format_double(v->nmax, b), b));
    if ((v->flags & EVENTC_VF_EXCLUSIVE_MINIMUM) && x <= v->nexmin)
        return codec_fail(p, err, offset, EVENTC_E_EXCLUSIVE_MINIMUM, "%s is not greater than %s",
                          (num_format_double(x, a), a), (num_format_double(v->nexmin, b), b));
    if ((v->flags & EVENTC_VF_EXCLUSIVE_MAXIMUM) && x >= v->nexmax)
        return codec_fail(p, err, offset, EVENTC_E_EXCLUSIVE_MAXIMUM, "%s is not less than %s",
                          (num_format_double(x, a), a), (num_format_double(v->nexmax, b), b));
    return EVENTC_OK;
}

static uint64_t hash_item(const eventc_value_desc *v, const void *item)
{
    uint64_t h = 1469598103934665603u;
    switch (v->type) {
    case EVENTC_FT_STRING: {
        /* Eight bytes at a time, the length mixed in: equal strings hash alike, and a string
         * costs a few instructions per word rather than per byte. */
        const char *c = *(const char *const *)item;
        size_t n = strlen(c);
        uint64_t w;
        h ^= n;
        for (; n >= 8; c += 8, n -= 8) {
            memcpy(&w, c, 8);
            h = (h ^ w) * 0x9e3779b97f4a7c15u;
            h ^= h >> 29;
        }
        if (n) {
            w = 0;
            for (size_t i = 0; i < n; i++)
                w |= (uint64_t)(unsigned char)c[i] << (8 * i);
            h = (h ^ w) * 0x9e3779b97f4a7c15u;
        }
        break;
    }
    case EVENTC_FT_INT64:
        h = (uint64_t) * (const int64_t *)item;
        break;
    case EVENTC_FT_ENUM:
        h = (uint64_t)(unsigned)*(const int *)item;
        break;
    case EVENTC_FT_BOOL:
        h = *(const bool *)item;
        break;
    default:
        return 0;
    }
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdu;
    return h ^ (h >> 33);
}

/* Finds the first item equal to an earlier one with a hash table: 1 found (*dup, *first),
 * 0 none, -1 not applicable (item type or memory): the caller compares pairwise. */
static int find_duplicate_hashed(const eventc_value_desc *v, const unsigned char *base, size_t n,
                                 size_t *dup, size_t *first)
{
    const eventc_value_desc *iv = v->items;
    if (iv->type != EVENTC_FT_STRING && iv->type != EVENTC_FT_INT64 && iv->type != EVENTC_FT_ENUM &&
        iv->type != EVENTC_FT_BOOL)
        return -1;
    size_t cap = 16;
    while (cap < n * 2)
        cap *= 2;
    uint32_t stack[1024];
    uint32_t *slots = cap <= 1024 ? stack : malloc(cap * sizeof(*slots));
    if (!slots)
        return -1;
    /* Slots hold index + 1; 0 is empty. */
    memset(slots, 0, cap * sizeof(*slots));
    int result = 0;
    for (size_t i = 0; i < n && !result; i++) {
        const void *item = base + i * v->item_size;
        for (size_t k = (size_t)hash_item(iv, item) & (cap - 1);; k = (k + 1) & (cap - 1)) {
            if (!slots[k]) {
                slots[k] = (uint32_t)(i + 1);
                break;
            }
            size_t j = slots[k] - 1;
            if (codec_value_equal(iv, base + j * v->item_size, item)) {
                *dup = i;
                *first = j;
                result = 1;
                break;
            }
        }
    }
    if (slots != stack)
        free(slots);
    return result;
}

eventc_status codec_check_items(const eventc_value_desc *v, const void *items, size_t n,
                                const json_path *p, eventc_error *err, size_t offset)
{
    if ((v->flags & EVENTC_VF_MIN_ITEMS) && n < v->min_items)
        return codec_fail(p, err, offset, EVENTC_E_MIN_ITEMS,
                          "array of %zu items has fewer than %zu", n, v->min_items);
    if ((v->flags & EVENTC_VF_MAX_ITEMS) && n > v->max_items)
        return codec_fail(p, err, offset, EVENTC_E_MAX_ITEMS,
                          "array of %zu items has more than %zu", n, v->max_items);
    if (v->flags & EVENTC_VF_UNIQUE) {
        const unsigned char *base = items;
        size_t sz = v->item_size;
        size_t dup, first;
        int found = n > 8 ? find_duplicate_hashed(v, base, n, &dup, &first) : -1;
        if (found == 1) {
            json_path q = *p;
            json_path_push_index(&q, dup);
            return codec_fail(&q, err, offset, EVENTC_E_UNIQUE, "duplicate of item %zu", first);
        }
        if (found == 0)
            return EVENTC_OK;
        for (size_t i = 1; i < n; i++)
            for (size_t j = 0; j < i; j++)
                if (codec_value_equal(v->items, base + i * sz, base + j * sz)) {
                    json_path q = *p;
                    json_path_push_index(&q, i);
                    return codec_fail(&q, err, offset, EVENTC_E_UNIQUE, "duplicate of item %zu", j);
                }
    }
    return EVENTC_OK;
}

static int str_equal(const char *a, const char *b)
{
    if (a == b)
        return 1;
    if (!a || !b)
        return 0;
    return strcmp(a, b) == 0;
}

static int object_equal(const eventc_type_desc *d, const void *a, const void *b);

int codec_value_equal(const eventc_value_desc *v, const void *a, const void *b)
{
    switch (v->type) {
    case EVENTC_FT_STRING:
    case EVENTC_FT_JSON:
        return str_equal(*(const char *const *)a, *(const char *const *)b);
    case EVENTC_FT_INT64:
        return *(const int64_t *)a == *(const int64_t *)b;
    case EVENTC_FT_DOUBLE:
        return *(const double *)a == *(const double *)b;
    case EVENTC_FT_BOOL:
        return *(const bool *)a == *(const bool *)b;
    case EVENTC_FT_TIMESTAMP:
        return eventc_timestamp_compare(*(const eventc_timestamp *)a,
                                        *(const eventc_timestamp *)b) == 0;
    case EVENTC_FT_ENUM:
        return *(const int *)a == *(const int *)b;
    case EVENTC_FT_OBJECT:
        return object_equal(v->object, a, b);
    case EVENTC_FT_ARRAY:
        return 0; /* arrays are compared by the field walker, which knows their counts */
    }
    return 0;
}

static int field_equal(const eventc_field_desc *f, const unsigned char *a, const unsigned char *b)
{
    const eventc_value_desc *v = f->value;
    if (v->type == EVENTC_FT_ARRAY) {
        const void *ia = *(const void *const *)(a + f->offset);
        const void *ib = *(const void *const *)(b + f->offset);
        size_t na = *(const size_t *)(a + f->aux_offset), nb = *(const size_t *)(b + f->aux_offset);
        if ((ia == NULL) != (ib == NULL) || na != nb)
            return 0;
        for (size_t i = 0; i < na; i++)
            if (!codec_value_equal(v->items, (const unsigned char *)ia + i * v->item_size,
                                   (const unsigned char *)ib + i * v->item_size))
                return 0;
        return 1;
    }
    if (f->aux_offset != SIZE_MAX) {
        bool ha = *(const bool *)(a + f->aux_offset), hb = *(const bool *)(b + f->aux_offset);
        if (ha != hb)
            return 0;
        if (!ha)
            return 1;
    }
    return codec_value_equal(v, a + f->offset, b + f->offset);
}

static int object_equal(const eventc_type_desc *d, const void *a, const void *b)
{
    for (size_t i = 0; i < d->n_fields; i++)
        if (!field_equal(&d->fields[i], a, b))
            return 0;
    return 1;
}

int eventc_equal(const eventc_type_desc *desc, const void *a, const void *b)
{
    if (a == b)
        return 1;
    if (!a || !b)
        return 0;
    return object_equal(desc, a, b);
}
