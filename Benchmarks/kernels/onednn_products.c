// oneDNN's matmul (libdnnl 2.6, the library PyTorch uses on CPUs) against OpenBLAS's sgemm and ldb's packed
// products at the Stable Diffusion 1.5 UNet's shapes, one thread, in GFLOP/s: the measurement behind the choice
// of issue 13 (BENCHMARKS.md, "oneDNN"). Built and run by run.sh --onednn:
//
//     Benchmarks/kernels/run.sh --onednn [--repeat K]
//
// oneDNN gets its best case: the weights reordered once into the layout its matmul asks for (format "any"),
// outside the timed region, as a packed-once weight would be; bfloat16 runs with bf16 activations and weights
// and a float32 result. Each figure is the fastest of K runs (default 5).
#include <cblas.h>
#include <oneapi/dnnl/dnnl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "CTensorKernels.h"
#include "unet_products.h"

#define CHECK(call)                                                                   \
    do {                                                                              \
        dnnl_status_t status_ = (call);                                               \
        if (status_ != dnnl_success) {                                                \
            fprintf(stderr, "%s:%d: %s failed: %d\n", __FILE__, __LINE__, #call, status_); \
            exit(1);                                                                  \
        }                                                                             \
    } while (0)

static double now(void) {
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return time.tv_sec + time.tv_nsec * 1e-9;
}

static dnnl_engine_t engine;
static dnnl_stream_t stream;

/// A oneDNN matmul C[m, n] = A[m, k] · W[n, k]ᵀ in `type` (f32 or bf16), its weights reordered once.
struct onednn_product {
    dnnl_primitive_t matmul;
    dnnl_memory_t a, weights, c;
    char implementation[128];
};

static dnnl_memory_t memory_from_floats(const dnnl_memory_desc_t *desc, const float *values, long count) {
    dnnl_memory_t memory;
    CHECK(dnnl_memory_create(&memory, desc, engine, DNNL_MEMORY_ALLOCATE));
    void *handle;
    CHECK(dnnl_memory_get_data_handle(memory, &handle));
    if (desc->data_type == dnnl_f32) {
        memcpy(handle, values, sizeof(float) * count);
    } else {
        uint16_t *bits = handle;
        for (long i = 0; i < count; i++) {
            float rounded = ldb_round_to_bfloat16(values[i]);
            uint32_t word;
            memcpy(&word, &rounded, 4);
            bits[i] = (uint16_t)(word >> 16);
        }
    }
    return memory;
}

static int onednn_product_make(struct onednn_product *product, int m, int k, int n, const float *a, const float *w,
                               dnnl_data_type_t type) {
    dnnl_memory_desc_t a_desc, w_any, w_plain, c_desc;
    CHECK(dnnl_memory_desc_init_by_tag(&a_desc, 2, (dnnl_dims_t){m, k}, type, dnnl_ab));
    CHECK(dnnl_memory_desc_init_by_tag(&w_any, 2, (dnnl_dims_t){k, n}, type, dnnl_format_tag_any));
    CHECK(dnnl_memory_desc_init_by_tag(&w_plain, 2, (dnnl_dims_t){k, n}, type, dnnl_ba));  // W stored [n][k]
    CHECK(dnnl_memory_desc_init_by_tag(&c_desc, 2, (dnnl_dims_t){m, n}, dnnl_f32, dnnl_ab));
    dnnl_matmul_desc_t desc;
    CHECK(dnnl_matmul_desc_init(&desc, &a_desc, &w_any, NULL, &c_desc));
    dnnl_primitive_desc_t pd;
    if (dnnl_primitive_desc_create(&pd, &desc, NULL, engine, NULL) != dnnl_success) return 0;
    const char *name;
    CHECK(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, &name));
    snprintf(product->implementation, sizeof product->implementation, "%s", name);
    CHECK(dnnl_primitive_create(&product->matmul, pd));
    const dnnl_memory_desc_t *w_chosen = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
    dnnl_memory_t plain = memory_from_floats(&w_plain, w, (long)n * k);
    CHECK(dnnl_memory_create(&product->weights, w_chosen, engine, DNNL_MEMORY_ALLOCATE));
    dnnl_primitive_desc_t reorder_pd;
    CHECK(dnnl_reorder_primitive_desc_create(&reorder_pd, &w_plain, engine, w_chosen, engine, NULL));
    dnnl_primitive_t reorder;
    CHECK(dnnl_primitive_create(&reorder, reorder_pd));
    dnnl_exec_arg_t reorder_args[] = {{DNNL_ARG_FROM, plain}, {DNNL_ARG_TO, product->weights}};
    CHECK(dnnl_primitive_execute(reorder, stream, 2, reorder_args));
    CHECK(dnnl_stream_wait(stream));
    dnnl_primitive_destroy(reorder), dnnl_primitive_desc_destroy(reorder_pd), dnnl_memory_destroy(plain);
    product->a = memory_from_floats(&a_desc, a, (long)m * k);
    CHECK(dnnl_memory_create(&product->c, &c_desc, engine, DNNL_MEMORY_ALLOCATE));
    dnnl_primitive_desc_destroy(pd);
    return 1;
}

static void onednn_product_run(struct onednn_product *product) {
    dnnl_exec_arg_t args[] = {{DNNL_ARG_SRC, product->a}, {DNNL_ARG_WEIGHTS, product->weights},
                              {DNNL_ARG_DST, product->c}};
    CHECK(dnnl_primitive_execute(product->matmul, stream, 3, args));
    CHECK(dnnl_stream_wait(stream));
}

static void onednn_product_free(struct onednn_product *product) {
    dnnl_primitive_destroy(product->matmul);
    dnnl_memory_destroy(product->a), dnnl_memory_destroy(product->weights), dnnl_memory_destroy(product->c);
}

/// The largest |x - y| over `count` values, relative to the largest |y|.
static double relative_difference(const float *x, const float *y, long count) {
    double difference = 0, largest = 0;
    for (long i = 0; i < count; i++) {
        double d = x[i] > y[i] ? x[i] - y[i] : y[i] - x[i], magnitude = y[i] < 0 ? -y[i] : y[i];
        if (d > difference) difference = d;
        if (magnitude > largest) largest = magnitude;
    }
    return largest > 0 ? difference / largest : difference;
}

int main(int argc, char **argv) {
    int repeat = argc > 1 ? atoi(argv[1]) : 5;
    openblas_set_num_threads(1);
    CHECK(dnnl_engine_create(&engine, dnnl_cpu, 0));
    CHECK(dnnl_stream_create(&stream, engine, dnnl_stream_default_flags));
    const dnnl_version_t *version = dnnl_version();
    printf("oneDNN %d.%d.%d, effective ISA %d (see dnnl_cpu_isa_t); ldb kernels in use: %s\n", version->major,
           version->minor, version->patch, (int)dnnl_get_effective_cpu_isa(), ldb_kernels_in_use()->instruction_set);

    char implementations[2][128] = {"", ""};
    printf("| rows x depth x columns | OpenBLAS sgemm | oneDNN fp32 | ldb packed fp32 | oneDNN bf16 | ldb packed bf16 |\n");
    printf("|---|---|---|---|---|---|\n");
    for (size_t s = 0; s < UNET_PRODUCT_COUNT; s++) {
        int m = unet_products[s][0], k = unet_products[s][1], n = unet_products[s][2];
        float *a = random_floats((long)m * k), *w = random_floats((long)n * k), *c = malloc(sizeof(float) * m * n);
        float *packed32 = aligned_alloc(64, sizeof(float) * ldb_packed_weight_count(n, k, 0));
        uint16_t *packed16 = aligned_alloc(64, 2 * ldb_packed_weight_count(n, k, 1));
        ldb_pack_weight_float32(w, n, k, packed32);
        ldb_pack_weight_bfloat16(w, n, k, packed16);
        struct onednn_product onednn[2];
        int available[2];
        for (int bf16 = 0; bf16 < 2; bf16++) {
            available[bf16] = onednn_product_make(&onednn[bf16], m, k, n, a, w, bf16 ? dnnl_bf16 : dnnl_f32);
            if (available[bf16]) snprintf(implementations[bf16], sizeof implementations[bf16], "%s", onednn[bf16].implementation);
        }
        // 0 OpenBLAS, 1 oneDNN fp32, 2 ldb fp32, 3 oneDNN bf16, 4 ldb bf16
        double times[5] = {1e9, 1e9, 1e9, 1e9, 1e9};
        for (int r = 0; r < repeat; r++) {
            double start = now();
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1, a, k, w, k, 0, c, n);
            double t = now() - start;
            if (t < times[0]) times[0] = t;
            for (int bf16 = 0; bf16 < 2; bf16++) {
                if (available[bf16]) {
                    start = now();
                    onednn_product_run(&onednn[bf16]);
                    t = now() - start;
                    if (t < times[1 + 2 * bf16]) times[1 + 2 * bf16] = t;
                }
                struct ldb_product product = {m, k, n, a, k, 1, bf16 ? (void *)packed16 : (void *)packed32, bf16,
                                              c, n, 1, 0};
                start = now();
                ldb_packed_product(&product, 0, n);
                t = now() - start;
                if (t < times[2 + 2 * bf16]) times[2 + 2 * bf16] = t;
            }
        }
        // The oneDNN fp32 result against OpenBLAS's: both float32, so they should agree to rounding.
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, n, k, 1, a, k, w, k, 0, c, n);
        if (available[0]) {
            void *handle;
            CHECK(dnnl_memory_get_data_handle(onednn[0].c, &handle));
            double difference = relative_difference(handle, c, (long)m * n);
            if (difference > 1e-5) fprintf(stderr, "oneDNN fp32 differs from OpenBLAS by %.2g\n", difference);
        }
        double flops = 2.0 * m * n * k;
        printf("| %d x %d x %d | %.1f | %.1f | %.1f |", m, k, n, flops / times[0] / 1e9, flops / times[1] / 1e9,
               flops / times[2] / 1e9);
        if (available[1]) printf(" %.1f |", flops / times[3] / 1e9); else printf(" unavailable |");
        printf(" %.1f |\n", flops / times[4] / 1e9);
        for (int bf16 = 0; bf16 < 2; bf16++) if (available[bf16]) onednn_product_free(&onednn[bf16]);
        free(a), free(w), free(c), free(packed32), free(packed16);
    }
    printf("\noneDNN implementations: fp32 \"%s\", bf16 \"%s\"\n", implementations[0],
           implementations[1][0] ? implementations[1] : "none (no bf16 matmul for this CPU)");
    return 0;
}
