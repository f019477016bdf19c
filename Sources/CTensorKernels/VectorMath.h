#ifndef C_TENSOR_KERNELS_VECTOR_MATH_H
#define C_TENSOR_KERNELS_VECTOR_MATH_H

// Float arithmetic on LANES-wide vectors in clang's vector extension, so each kernel is written once and
// compiled at the native width of each instruction set (Kernels+AVX512.c: 16 lanes, Kernels+AVX2.c: 8,
// Kernels+Baseline.c: 4). The including file defines LANES first.

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifndef LANES
#error "define LANES (the vector width in floats) before including VectorMath.h"
#endif

#define LDB_INLINE static inline __attribute__((always_inline))

typedef float vfloat __attribute__((vector_size(LANES * 4)));
typedef int32_t vint __attribute__((vector_size(LANES * 4)));

/// `value` in every lane. (Subtracting +0 keeps every value as it is, -0 included; adding +0 would not.)
LDB_INLINE vfloat splat(float value) { return value - (vfloat){0}; }

LDB_INLINE vfloat load(const float *source) {
    vfloat vector;
    memcpy(&vector, source, sizeof vector);
    return vector;
}

LDB_INLINE void store(float *destination, vfloat vector) { memcpy(destination, &vector, sizeof vector); }

/// The first `count` (< LANES) values, the other lanes `padding`.
LDB_INLINE vfloat load_partial(const float *source, size_t count, float padding) {
    float lanes[LANES];
    for (size_t lane = 0; lane < LANES; lane++) lanes[lane] = lane < count ? source[lane] : padding;
    return load(lanes);
}

LDB_INLINE void store_partial(float *destination, vfloat vector, size_t count) {
    float lanes[LANES];
    store(lanes, vector);
    memcpy(destination, lanes, count * sizeof(float));
}

/// `mask ? a : b` lane by lane; `mask` lanes are all ones or all zeros, as comparisons give them.
LDB_INLINE vfloat select(vint mask, vfloat a, vfloat b) {
    return (vfloat)(((vint)a & mask) | ((vint)b & ~mask));
}

LDB_INLINE float horizontal_max(vfloat vector) {
    float result = vector[0];
    for (int lane = 1; lane < LANES; lane++) result = vector[lane] > result ? vector[lane] : result;
    return result;
}

LDB_INLINE double horizontal_sum(vfloat vector) {
    double result = 0;
    for (int lane = 0; lane < LANES; lane++) result += vector[lane];
    return result;
}

/// `exp(x) = 2^n exp(r)`, `n = round(x / ln 2)`, `|r| <= ln 2 / 2`, `exp(r)` from Cephes' degree-5 polynomial,
/// `2^n` written into the exponent bits. NaN stays NaN (the clamps are selects, which keep it).
LDB_INLINE vfloat vexp(vfloat x) {
    const float lowest = -87.33654f, highest = 88.37626f;
    const float shifter = 12582912.0f;  // 1.5 * 2^23: adding it rounds to an integer held in the low mantissa bits.
    vfloat clamped = select(x > splat(highest), splat(highest), x);
    clamped = select(clamped < splat(lowest), splat(lowest), clamped);
    vfloat shifted = clamped * 1.44269504f + shifter;
    vfloat n = shifted - shifter;
    // r = x - n ln 2, with ln 2 split in two so the product is exact.
    vfloat r = clamped - n * 0.693359375f + n * 2.12194440e-4f;
    vfloat polynomial = r * 1.9875691500e-4f + 1.3981999507e-3f;
    polynomial = polynomial * r + 8.3334519073e-3f;
    polynomial = polynomial * r + 4.1665795894e-2f;
    polynomial = polynomial * r + 1.6666665459e-1f;
    polynomial = polynomial * r + 5.0000001201e-1f;
    vfloat exp_r = polynomial * (r * r) + r + 1.0f;
    vint exponent = (((vint)shifted - 0x4B400000) + 127) << 23;
    vfloat result = exp_r * (vfloat)exponent;
    return select(x < splat(lowest), splat(0), result);
}

/// `erf` by Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7), odd in x.
LDB_INLINE vfloat verf(vfloat x) {
    vint sign = (vint)x & (vint)splat(-0.0f);
    vfloat magnitude = (vfloat)((vint)x & ~(vint)splat(-0.0f));
    vfloat t = 1.0f / (magnitude * 0.3275911f + 1.0f);
    vfloat polynomial = t * 1.061405429f - 1.453152027f;
    polynomial = polynomial * t + 1.421413741f;
    polynomial = polynomial * t - 0.284496736f;
    polynomial = polynomial * t + 0.254829592f;
    polynomial = polynomial * t;
    vfloat result = 1.0f - polynomial * vexp(-(magnitude * magnitude));
    return (vfloat)((vint)result | sign);
}

LDB_INLINE vfloat vsilu(vfloat x) { return x / (1.0f + vexp(-x)); }

LDB_INLINE vfloat vgelu(vfloat x) { return 0.5f * x * (1.0f + verf(x * 0.70710678118654752f)); }

#endif
