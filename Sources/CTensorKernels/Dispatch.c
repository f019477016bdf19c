#include <stdlib.h>
#include <string.h>

#include "CTensorKernels.h"

extern const struct ldb_kernels ldb_kernels_baseline;
#if defined(__x86_64__)
extern const struct ldb_kernels ldb_kernels_avx2;
extern const struct ldb_kernels ldb_kernels_avx512;
extern const struct ldb_kernels ldb_kernels_avx512bf16;
#endif

const struct ldb_kernels *ldb_kernels_named(const char *instruction_set) {
    if (strcmp(instruction_set, "baseline") == 0) return &ldb_kernels_baseline;
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (strcmp(instruction_set, "avx2") == 0)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") ? &ldb_kernels_avx2 : NULL;
    if (strcmp(instruction_set, "avx512") == 0)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx2")
                       && __builtin_cpu_supports("fma")
                   ? &ldb_kernels_avx512
                   : NULL;
    if (strcmp(instruction_set, "avx512bf16") == 0)
        return ldb_kernels_named("avx512") && __builtin_cpu_supports("avx512bf16") ? &ldb_kernels_avx512bf16 : NULL;
#endif
    return NULL;
}

static const struct ldb_kernels *chosen;

// Runs before main (and before any Swift code), so `chosen` is set once, before any thread reads it.
__attribute__((constructor)) static void choose_kernels(void) {
    const char *widest_first[] = {"avx512bf16", "avx512", "avx2", "baseline"};
    for (size_t index = 0; !chosen; index++) chosen = ldb_kernels_named(widest_first[index]);
}

const struct ldb_kernels *ldb_kernels_in_use(void) { return chosen; }

void ldb_exp(const float *source, float *destination, size_t count) { chosen->exp(source, destination, count); }

void ldb_softmax_row(float *row, size_t count) { chosen->softmax_row(row, count); }

void ldb_silu(const float *source, float *destination, size_t count) { chosen->silu(source, destination, count); }

void ldb_quick_gelu(const float *source, float *destination, size_t count) {
    chosen->quick_gelu(source, destination, count);
}

void ldb_gelu(const float *source, float *destination, size_t count) { chosen->gelu(source, destination, count); }

void ldb_geglu(const float *hidden, const float *gate, float *destination, size_t count) {
    chosen->geglu(hidden, gate, destination, count);
}

void ldb_moments(const float *values, size_t count, float epsilon, float *mean, float *inverse_deviation) {
    chosen->moments(values, count, epsilon, mean, inverse_deviation);
}

void ldb_normalize(const float *source, float *destination, size_t count, float center, float scale, float shift,
                   int silu) {
    chosen->normalize(source, destination, count, center, scale, shift, silu);
}

void ldb_winograd_weights(const float *weight, size_t out_channels, size_t in_channels, size_t out_begin,
                          size_t out_end, float *transformed) {
    chosen->winograd_weights(weight, out_channels, in_channels, out_begin, out_end, transformed);
}

void ldb_winograd_input(const float *image, size_t channels, size_t height, size_t width, size_t channel_begin,
                        size_t channel_end, size_t first_tile_row, size_t tile_rows, float *transformed, float *scratch) {
    chosen->winograd_input(image, channels, height, width, channel_begin, channel_end, first_tile_row, tile_rows,
                           transformed, scratch);
}

void ldb_winograd_output(const float *products, size_t out_channels, size_t out_begin, size_t out_end,
                         size_t first_tile_row, size_t tile_rows, const float *bias, float *output, size_t height,
                         size_t width) {
    chosen->winograd_output(products, out_channels, out_begin, out_end, first_tile_row, tile_rows, bias, output,
                            height, width);
}

void ldb_packed_product(const struct ldb_product *product, size_t column_begin, size_t column_end) {
    ldb_packed_product_using(chosen, product, column_begin, column_end);
}

void ldb_packed_product_using(const struct ldb_kernels *kernels, const struct ldb_product *product, size_t column_begin,
                              size_t column_end) {
    float *scratch = aligned_alloc(64, kernels->packed_product_scratch * sizeof(float));
    kernels->packed_product(product, column_begin, column_end, scratch);
    free(scratch);
}

void ldb_attention(const struct ldb_attention_head *attention, size_t row_begin, size_t row_end, float *scratch) {
    chosen->attention(attention, row_begin, row_end, scratch);
}

void ldb_attention_using(const struct ldb_kernels *kernels, const struct ldb_attention_head *attention, size_t row_begin,
                         size_t row_end, float *scratch) {
    kernels->attention(attention, row_begin, row_end, scratch);
}
