/* Which vector instructions the JSON reader and writer use. Every hot loop exists once per level,
 * from one template, so the levels cannot drift apart: the portable scalar one, SSE2 (the x86-64
 * baseline), AVX2 (chosen at run time when the CPU has it) and NEON (arm64). Building with
 * EVENTC_SCALAR (CMake option EVENTC_SCALAR=ON) forces the scalar level everywhere; the
 * differential fuzzer (fuzz/fuzz_simd.c) checks that every level gives the same answers. */
#ifndef EVENTC_JSON_SIMD_H
#define EVENTC_JSON_SIMD_H

#include <stddef.h>

/* Which vector code this build has: x86-64 (SSE2, and AVX2 chosen at run time) with GCC or
 * Clang, or arm64 with NEON; neither with EVENTC_SCALAR. */
#if !defined(EVENTC_SCALAR) && defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define JSON_SIMD_X86 1
#elif !defined(EVENTC_SCALAR) && defined(__aarch64__) && defined(__ARM_NEON)
#define JSON_SIMD_ARM 1
#endif

typedef enum json_simd {
    JSON_SIMD_SCALAR = 0,
    JSON_SIMD_SSE2,
    JSON_SIMD_AVX2,
    JSON_SIMD_NEON
} json_simd;

/* The best level this build runs on this CPU. */
json_simd json_simd_detect(void);

/* Whether this build has code for @p level and this CPU runs it. */
int json_simd_available(json_simd level);

/* "scalar", "sse2", "avx2", "neon". */
const char *json_simd_name(json_simd level);

/* The first byte of [p, e) that is '"', '\\', below 0x20 or above 0x7F, or e: where a plain run
 * of JSON string text ends, for the reader and the writer alike. One per level. */
const char *json_find_special_scalar(const char *p, const char *e);
const char *json_find_special_sse2(const char *p, const char *e);
const char *json_find_special_avx2(const char *p, const char *e);
const char *json_find_special_neon(const char *p, const char *e);

static inline const char *json_find_special(json_simd level, const char *p, const char *e)
{
#if defined(JSON_SIMD_X86)
    if (level == JSON_SIMD_AVX2)
        return json_find_special_avx2(p, e);
    if (level == JSON_SIMD_SSE2)
        return json_find_special_sse2(p, e);
#elif defined(JSON_SIMD_ARM)
    if (level == JSON_SIMD_NEON)
        return json_find_special_neon(p, e);
#endif
    (void)level;
    return json_find_special_scalar(p, e);
}

#endif
