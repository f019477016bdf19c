// The packed matrix products of CTensorKernels against OpenBLAS's sgemm at the Stable Diffusion 1.5 UNet's
// shapes, one thread, and the machine's peak multiply-add rate, all in GFLOP/s. Built and run by run.sh:
//
//     Benchmarks/kernels/run.sh [--repeat K]
//
// Each figure is the fastest of K runs (default 5): on a shared machine the least disturbed one.
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "CTensorKernels.h"
#include "unet_products.h"

static double now(void) {
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return time.tv_sec + time.tv_nsec * 1e-9;
}

typedef float v8 __attribute__((vector_size(32)));

// 12 independent chains of 8-lane multiply-adds: enough to cover the FMA latency on two pipes.
__attribute__((target("avx2,fma"), noinline)) static float peak_fma(long iterations) {
    v8 sums[12], x = {1.0001f, 1.0001f, 1.0001f, 1.0001f, 1.0001f, 1.0001f, 1.0001f, 1.0001f}, y = x * 0.9999f;
    for (int i = 0; i < 12; i++) sums[i] = x * (float)i;
    for (long n = 0; n < iterations; n++)
        for (int i = 0; i < 12; i++) sums[i] = sums[i] * x + y;
    float total = 0;
    for (int i = 0; i < 12; i++) total += sums[i][0];
    return total;
}

int main(int argc, char **argv) {
    int repeat = argc > 1 ? atoi(argv[1]) : 5;
    openblas_set_num_threads(1);
    const struct ldb_kernels *kernels = ldb_kernels_in_use();
    printf("kernels in use: %s; vdpbf16ps available: %s\n", kernels->instruction_set,
           ldb_kernels_named("avx512bf16") ? "yes" : "no (AVX-512 BF16 path not measured on this machine)");

    long iterations = 100000000;
    double best = 1e9;
    for (int r = 0; r < repeat; r++) {
        double start = now();
        volatile float sink = peak_fma(iterations);
        (void)sink;
        double seconds = now() - start;
        if (seconds < best) best = seconds;
    }
    printf("peak fp32 FMA (8 lanes, one thread): %.1f GFLOP/s\n\n", 2.0 * 8 * 12 * iterations / best / 1e9);

    printf("| rows x depth x columns | OpenBLAS sgemm | packed fp32 | packed bf16 |\n|---|---|---|---|\n");
    for (size_t s = 0; s < UNET_PRODUCT_COUNT; s++) {
        int m = unet_products[s][0], k = unet_products[s][1], n = unet_products[s][2];
        float *a = random_floats((long)m * k), *w = random_floats((long)n * k), *c = malloc(sizeof(float) * m * n);
        float *packed32 = aligned_alloc(64, sizeof(float) * ldb_packed_weight_count(n, k, 0));
        uint16_t *packed16 = aligned_alloc(64, 2 * ldb_packed_weight_count(n, k, 1));
        ldb_pack_weight_float32(w, n, k, packed32);
        ldb_pack_weight_bfloat16(w, n, k, packed16);
        double times[3] = {1e9, 1e9, 1e9};
        for (int r = 0; r < repeat; r++) {
            double start = now();
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1, a, k, w, k, 0, c, n);
            double t = now() - start;
            if (t < times[0]) times[0] = t;
            for (int bfloat16 = 0; bfloat16 < 2; bfloat16++) {
                struct ldb_product product = {m, k, n, a, k, 1, bfloat16 ? (void *)packed16 : (void *)packed32, bfloat16,
                                              c, n, 1, 0};
                start = now();
                ldb_packed_product(&product, 0, n);
                t = now() - start;
                if (t < times[1 + bfloat16]) times[1 + bfloat16] = t;
            }
        }
        double flops = 2.0 * m * n * k;
        printf("| %d x %d x %d | %.1f | %.1f | %.1f |\n", m, k, n, flops / times[0] / 1e9, flops / times[1] / 1e9,
               flops / times[2] / 1e9);
        free(a), free(w), free(c), free(packed32), free(packed16);
    }
    return 0;
}
