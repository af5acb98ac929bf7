/* Differential fuzzing of the vector code paths: on any bytes, every vector level this machine
 * runs (json_simd.h: SSE2 and AVX2 on x86-64, NEON on arm64) must give exactly the answers of
 * the portable scalar code, in the JSON reader (status, error offset and message, where it
 * stops, what a string scan measures) and in the codec built on it (decoding into each event of
 * the messaging catalog: status, error path, offset and message, the decoded value; and the
 * encoder, writing what decoded at the scalar level and at the vector one, byte for byte). */
#include "messaging.h"
#include "codec/codec_internal.h"
#include "json/json_reader.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const json_simd levels[] = {JSON_SIMD_SSE2, JSON_SIMD_AVX2, JSON_SIMD_NEON};

typedef struct outcome {
    eventc_status st;
    eventc_error err;
    size_t stop; /* where the reader stopped */
    json_string s;
} outcome;

static void same_error(const outcome *a, const outcome *b)
{
    if (a->st != b->st || a->err.offset != b->err.offset ||
        strcmp(a->err.message, b->err.message) != 0 || strcmp(a->err.path, b->err.path) != 0)
        abort();
}

/* The reader alone: one value, with limits small enough to be reached. */
static outcome read_value(const char *s, size_t n, json_simd level)
{
    outcome o;
    json_reader r;
    eventc_limits lim = EVENTC_LIMITS_DEFAULT;
    lim.max_depth = 12;
    lim.max_string = 300;
    lim.max_items = 64;
    memset(&o, 0, sizeof o);
    eventc_error_clear(&o.err);
    json_reader_init(&r, s, n, &lim, NULL, &o.err);
    r.simd = level;
    json_skip_ws(&r);
    if (r.p < r.end && *r.p == '"') {
        o.st = json_scan_string(&r, lim.max_string, &o.s);
        if (o.st == EVENTC_OK)
            o.s.raw = NULL; /* compared by length, the text is the input's */
    } else {
        o.st = json_skip_value(&r);
    }
    o.stop = (size_t)(r.p - r.start);
    json_reader_free(&r);
    return o;
}

static void check_reader(const char *s, size_t n, json_simd level, const outcome *ref)
{
    outcome o = read_value(s, n, level);
    same_error(ref, &o);
    if (o.stop != ref->stop || o.s.raw_len != ref->s.raw_len || o.s.len != ref->s.len ||
        o.s.chars != ref->s.chars || o.s.escaped != ref->s.escaped || o.s.nul != ref->s.nul)
        abort();
}

/* The codec: the same bytes as one event of the catalog. */
static void check_codec(const char *s, size_t n, const eventc_type_desc *desc, json_simd level)
{
    msg_event a, b;
    outcome ra, rb;
    eventc_decode_options opts = eventc_decode_options_default();
    opts.limits.max_depth = 12;
    memset(&a, 0, sizeof a);
    memset(&b, 0, sizeof b);
    eventc_error_clear(&ra.err);
    eventc_error_clear(&rb.err);
    ra.st = codec_decode_at(desc, &a.as, s, n, &opts, JSON_SIMD_SCALAR, &ra.err);
    rb.st = codec_decode_at(desc, &b.as, s, n, &opts, level, &rb.err);
    same_error(&ra, &rb);
    if (ra.st == EVENTC_OK) {
        if (!eventc_equal(desc, &a.as, &b.as))
            abort();
        eventc_buf x, y;
        eventc_buf_init(&x, NULL);
        eventc_buf_init(&y, NULL);
        eventc_status ex = codec_encode_at(desc, &a.as, &x, 0, JSON_SIMD_SCALAR, &ra.err);
        eventc_status ey = codec_encode_at(desc, &b.as, &y, 0, level, &rb.err);
        if (ex != ey || x.len != y.len || (x.len && memcmp(x.data, y.data, x.len) != 0))
            abort();
        eventc_buf_free(&x);
        eventc_buf_free(&y);
    }
    eventc_clear(desc, &a.as);
    eventc_clear(desc, &b.as);
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *s = (const char *)data;
    outcome ref = read_value(s, size, JSON_SIMD_SCALAR);
    const eventc_type_desc *desc =
        msg_event_types[size ? data[size - 1] % MSG_EVENT_TYPE_COUNT : 0].desc;
    for (size_t i = 0; i < sizeof levels / sizeof levels[0]; i++) {
        if (!json_simd_available(levels[i]))
            continue;
        check_reader(s, size, levels[i], &ref);
        check_codec(s, size, desc, levels[i]);
    }
    return 0;
}
