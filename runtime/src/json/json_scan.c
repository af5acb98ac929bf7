/* The string scanner of the JSON reader, once per vector level (json_simd.h): plain runs are
 * skipped a vector at a time (16 bytes with SSE2 or NEON, 32 with AVX2, 8 with the portable
 * scalar code), then the byte that ended the run is handled: the closing quote, an escape
 * (checked, its decoded size counted), a UTF-8 sequence (validated without decoding it), or an
 * error. The logic around the loop is one template (json_scan_tmpl.h) for every level. */
#include "json/json_reader.h"
#include "json/json_simd.h"
#include "core/text_internal.h"

#include <string.h>

#if defined(JSON_SIMD_X86)
#define JSON_X86 1
#include <immintrin.h>
#elif defined(JSON_SIMD_ARM)
#define JSON_NEON 1
#include <arm_neon.h>
#endif

/* ---- levels ---- */

json_simd json_simd_detect(void)
{
#if defined(JSON_X86)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") ? JSON_SIMD_AVX2 : JSON_SIMD_SSE2;
#elif defined(JSON_NEON)
    return JSON_SIMD_NEON;
#else
    return JSON_SIMD_SCALAR;
#endif
}

int json_simd_available(json_simd level)
{
    switch (level) {
    case JSON_SIMD_SCALAR:
        return 1;
#if defined(JSON_X86)
    case JSON_SIMD_SSE2:
        return 1;
    case JSON_SIMD_AVX2:
        __builtin_cpu_init();
        return __builtin_cpu_supports("avx2") != 0;
#endif
#if defined(JSON_NEON)
    case JSON_SIMD_NEON:
        return 1;
#endif
    default:
        return 0;
    }
}

const char *json_simd_name(json_simd level)
{
    static const char *const names[] = {"scalar", "sse2", "avx2", "neon"};
    return (unsigned)level < 4 ? names[level] : "?";
}

/* ---- pieces every level shares ---- */

static inline bool simple_escape(char x)
{
    return x == '"' || x == '\\' || x == '/' || x == 'b' || x == 'f' || x == 'n' || x == 'r' ||
           x == 't';
}

/* The value of the 4 hex digits at p, or -1. */
static inline int32_t hex4(const char *p, const char *e)
{
    if (e - p < 4)
        return -1;
    int a = text_hex_digit(p[0]), b = text_hex_digit(p[1]), c = text_hex_digit(p[2]),
        d = text_hex_digit(p[3]);
    if ((a | b | c | d) < 0)
        return -1;
    return (int32_t)(a << 12 | b << 8 | c << 4 | d);
}

/* ---- finding the end of a plain run, per level ---- */

/* Whether any of 8 bytes is '"', '\\', below 0x20 or above 0x7F. False positives (from the
 * borrow of the subtraction) only cost speed; there are no false negatives. */
static inline int has_special8(uint64_t x)
{
    const uint64_t ones = 0x0101010101010101u, high = 0x8080808080808080u;
    uint64_t quote = x ^ (ones * '"'), bslash = x ^ (ones * '\\');
    uint64_t ctrl = (x - ones * 0x20) & ~x;
    return ((x | ctrl | ((quote - ones) & ~quote) | ((bslash - ones) & ~bslash)) & high) != 0;
}

static inline bool is_special(unsigned char c)
{
    return c < 0x20 || c == '"' || c == '\\' || c >= 0x80;
}

static inline const char *find_scalar(const char *p, const char *e)
{
    while (e - p >= 8) {
        uint64_t w;
        memcpy(&w, p, 8);
        if (has_special8(w))
            break;
        p += 8;
    }
    while (p < e && !is_special((unsigned char)*p))
        p++;
    return p;
}

const char *json_find_special_scalar(const char *p, const char *e)
{
    return find_scalar(p, e);
}

#define JSON_TMPL(name) name##_scalar
#define JSON_TMPL_ATTR
#define JSON_TMPL_FIND find_scalar
#define JSON_TMPL_WIDTH 0
#include "json/json_scan_tmpl.h"
#undef JSON_TMPL
#undef JSON_TMPL_ATTR
#undef JSON_TMPL_FIND
#undef JSON_TMPL_WIDTH

#if defined(JSON_X86)
/* A byte is special when it is '"' or '\\', or below 0x20 as a signed byte: that is 0x00-0x1F
 * and 0x80-0xFF at once. One bit per byte of the 16 at p. */
static inline uint64_t mask_sse2(const char *p)
{
    const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'),
                  space = _mm_set1_epi8(0x20);
    __m128i v = _mm_loadu_si128((const __m128i *)(const void *)p);
    __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                             _mm_cmpgt_epi8(space, v));
    return (unsigned)_mm_movemask_epi8(m);
}

static inline const char *find_sse2(const char *p, const char *e)
{
    while (e - p >= 16) {
        uint64_t bits = mask_sse2(p);
        if (bits)
            return p + __builtin_ctzll(bits);
        p += 16;
    }
    return find_scalar(p, e);
}

/* The same for the 32 bytes at p. */
__attribute__((target("avx2"))) static inline uint64_t mask_avx2(const char *p)
{
    const __m256i quote = _mm256_set1_epi8('"'), bslash = _mm256_set1_epi8('\\'),
                  space = _mm256_set1_epi8(0x20);
    __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)p);
    __m256i m =
        _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, quote), _mm256_cmpeq_epi8(v, bslash)),
                        _mm256_cmpgt_epi8(space, v));
    return (unsigned)_mm256_movemask_epi8(m);
}

__attribute__((target("avx2"))) static inline const char *find_avx2(const char *p, const char *e)
{
    while (e - p >= 32) {
        uint64_t bits = mask_avx2(p);
        if (bits)
            return p + __builtin_ctzll(bits);
        p += 32;
    }
    return find_sse2(p, e);
}

const char *json_find_special_sse2(const char *p, const char *e)
{
    return find_sse2(p, e);
}

__attribute__((target("avx2"))) const char *json_find_special_avx2(const char *p, const char *e)
{
    return find_avx2(p, e);
}

#define JSON_TMPL(name) name##_sse2
#define JSON_TMPL_ATTR
#define JSON_TMPL_FIND find_sse2
#define JSON_TMPL_WIDTH 16
#define JSON_TMPL_MASK mask_sse2
#define JSON_TMPL_BPB 1
#include "json/json_scan_tmpl.h"
#undef JSON_TMPL
#undef JSON_TMPL_ATTR
#undef JSON_TMPL_FIND
#undef JSON_TMPL_WIDTH
#undef JSON_TMPL_MASK
#undef JSON_TMPL_BPB

#define JSON_TMPL(name) name##_avx2
#define JSON_TMPL_ATTR __attribute__((target("avx2")))
#define JSON_TMPL_FIND find_avx2
#define JSON_TMPL_WIDTH 32
#define JSON_TMPL_MASK mask_avx2
#define JSON_TMPL_BPB 1
#include "json/json_scan_tmpl.h"
#undef JSON_TMPL
#undef JSON_TMPL_ATTR
#undef JSON_TMPL_FIND
#undef JSON_TMPL_WIDTH
#undef JSON_TMPL_MASK
#undef JSON_TMPL_BPB
#endif

#if defined(JSON_NEON)
/* Four bits per byte of the 16 at p: the narrowing shift packs the 16 comparison bytes in 64
 * bits. */
static inline uint64_t mask_neon(const char *p)
{
    const uint8x16_t quote = vdupq_n_u8('"'), bslash = vdupq_n_u8('\\'), space = vdupq_n_u8(0x20),
                     high = vdupq_n_u8(0x80);
    uint8x16_t v = vld1q_u8((const uint8_t *)p);
    uint8x16_t m = vorrq_u8(vorrq_u8(vceqq_u8(v, quote), vceqq_u8(v, bslash)),
                            vorrq_u8(vcltq_u8(v, space), vcgeq_u8(v, high)));
    return vget_lane_u64(vreinterpret_u64_u8(vshrn_n_u16(vreinterpretq_u16_u8(m), 4)), 0);
}

static inline const char *find_neon(const char *p, const char *e)
{
    while (e - p >= 16) {
        uint64_t bits = mask_neon(p);
        if (bits)
            return p + (__builtin_ctzll(bits) >> 2);
        p += 16;
    }
    return find_scalar(p, e);
}

const char *json_find_special_neon(const char *p, const char *e)
{
    return find_neon(p, e);
}

#define JSON_TMPL(name) name##_neon
#define JSON_TMPL_ATTR
#define JSON_TMPL_FIND find_neon
#define JSON_TMPL_WIDTH 16
#define JSON_TMPL_MASK mask_neon
#define JSON_TMPL_BPB 4
#include "json/json_scan_tmpl.h"
#undef JSON_TMPL
#undef JSON_TMPL_ATTR
#undef JSON_TMPL_FIND
#undef JSON_TMPL_WIDTH
#undef JSON_TMPL_MASK
#undef JSON_TMPL_BPB
#endif
