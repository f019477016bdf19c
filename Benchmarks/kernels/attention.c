// The fused attention of CTensorKernels (ldb_attention), float32 and bfloat16, against the attention it replaced
// (per head and block of 256 query rows: OpenBLAS sgemm for the scores, a softmax per row, sgemm again), at the
// Stable Diffusion 1.5 shapes, on 2 threads taking (item, head, query block) tasks in turn, as LDBTensor does.
// Built and run by run.sh:
//
//     Benchmarks/kernels/run.sh [--repeat K]
//
// Each figure is the median of K runs (default 5), the three methods alternated within each run; the fused
// figures include packing the keys and values.
#include <cblas.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "CTensorKernels.h"

#define THREADS 2

static double now(void) {
    struct timespec time;
    clock_gettime(CLOCK_MONOTONIC, &time);
    return time.tv_sec + time.tv_nsec * 1e-9;
}

struct shape {
    const char *name;
    int queries, keys, heads, head_size, causal;
};

enum method { SGEMM, FUSED_FLOAT32, FUSED_BFLOAT16 };

struct job {
    const struct shape *shape;
    enum method method;
    const float *query, *key, *value;
    float *output;
    float *packed_keys, *packed_values;
    size_t packed_key_count, packed_value_count;
    int chunk, tasks;
    atomic_int next_head, packed_heads, next_task;
};

static void pack_head(struct job *job, int head) {
    const struct shape *s = job->shape;
    int channels = s->heads * s->head_size, bfloat16 = job->method == FUSED_BFLOAT16;
    size_t rows = ldb_kernels_in_use()->tile_rows;
    ldb_pack_tiles(job->key + head * s->head_size, s->keys, s->head_size, channels, 1, rows, bfloat16,
                   job->packed_keys + head * job->packed_key_count);
    ldb_pack_tiles(job->value + head * s->head_size, s->head_size, s->keys, 1, channels, rows, bfloat16,
                   job->packed_values + head * job->packed_value_count);
}

static void run_task(struct job *job, int task, float *scratch) {
    const struct shape *s = job->shape;
    int channels = s->heads * s->head_size, chunks = (s->queries + job->chunk - 1) / job->chunk;
    int head = task / chunks, first = task % chunks * job->chunk;
    int rows = s->queries - first < job->chunk ? s->queries - first : job->chunk;
    const float *query = job->query + head * s->head_size;
    float *output = job->output + head * s->head_size;
    if (job->method == SGEMM) {
        int keys = s->causal && first + rows < s->keys ? first + rows : s->keys;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, keys, s->head_size, 1 / sqrtf(s->head_size),
                    query + first * channels, channels, job->key + head * s->head_size, channels, 0, scratch, keys);
        for (int row = 0; row < rows; row++) {
            float *line = scratch + row * keys;
            if (s->causal) {
                int visible = first + row + 1 < keys ? first + row + 1 : keys;
                for (int k = visible; k < keys; k++) line[k] = -INFINITY;
            }
            ldb_softmax_row(line, keys);
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, s->head_size, keys, 1, scratch, keys,
                    job->value + head * s->head_size, channels, 0, output + first * channels, channels);
    } else {
        struct ldb_attention_head attention = {
            s->queries, s->keys, s->head_size, s->head_size, query, channels,
            job->packed_keys + head * job->packed_key_count, job->packed_values + head * job->packed_value_count,
            job->method == FUSED_BFLOAT16, 1 / sqrtf(s->head_size), s->causal, output, channels};
        ldb_attention(&attention, first, first + rows, scratch);
    }
}

// One thread's share: for the fused methods, pack heads until none is left and wait until every head is
// packed; then take tasks until none is left.
static void *worker(void *argument) {
    struct job *job = argument;
    const struct shape *s = job->shape;
    if (job->method != SGEMM) {
        for (int head; (head = atomic_fetch_add(&job->next_head, 1)) < s->heads;) {
            pack_head(job, head);
            atomic_fetch_add(&job->packed_heads, 1);
        }
        while (atomic_load(&job->packed_heads) < s->heads) sched_yield();
    }
    size_t scratch_count = job->method == SGEMM ? (size_t)job->chunk * s->keys
                                                : ldb_attention_scratch_count(s->head_size, s->head_size);
    float *scratch = aligned_alloc(64, (scratch_count * sizeof(float) + 63) / 64 * 64);
    for (int task; (task = atomic_fetch_add(&job->next_task, 1)) < job->tasks;) run_task(job, task, scratch);
    free(scratch);
    return NULL;
}

static double seconds(struct job *job) {
    pthread_t threads[THREADS];
    double start = now();
    for (int t = 0; t < THREADS; t++) pthread_create(&threads[t], NULL, worker, job);
    for (int t = 0; t < THREADS; t++) pthread_join(threads[t], NULL);
    return now() - start;
}

static int by_value(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int repeat = argc > 1 ? atoi(argv[1]) : 5;
    openblas_set_num_threads(1);
    printf("attention, %d threads, kernels in use: %s; median of %d runs, milliseconds (fused / sgemm in brackets)\n\n",
           THREADS, ldb_kernels_in_use()->instruction_set, repeat);
    const struct shape shapes[] = {
        {"self 4096 tokens, 8 heads x 40", 4096, 4096, 8, 40, 0},
        {"self 1024 tokens, 8 heads x 80", 1024, 1024, 8, 80, 0},
        {"self 256 tokens, 8 heads x 160", 256, 256, 8, 160, 0},
        {"cross 4096 x 77, 8 heads x 40", 4096, 77, 8, 40, 0},
        {"cross 1024 x 77, 8 heads x 80", 1024, 77, 8, 80, 0},
        {"cross 256 x 77, 8 heads x 160", 256, 77, 8, 160, 0},
        {"VAE self 4096 tokens, 1 head x 512", 4096, 4096, 1, 512, 0},
        {"CLIP causal 77 tokens, 12 heads x 64", 77, 77, 12, 64, 1},
    };
    printf("| shape | previous (sgemm) | fused fp32 | fused bf16 |\n|---|---|---|---|\n");
    for (size_t index = 0; index < sizeof shapes / sizeof shapes[0]; index++) {
        const struct shape *s = &shapes[index];
        int channels = s->heads * s->head_size;
        float *query = malloc(sizeof(float) * s->queries * channels), *key = malloc(sizeof(float) * s->keys * channels);
        float *value = malloc(sizeof(float) * s->keys * channels), *output = malloc(sizeof(float) * s->queries * channels);
        for (long i = 0; i < (long)s->queries * channels; i++) query[i] = (rand() % 2001 - 1000) / 1000.0f;
        for (long i = 0; i < (long)s->keys * channels; i++) key[i] = (rand() % 2001 - 1000) / 1000.0f;
        for (long i = 0; i < (long)s->keys * channels; i++) value[i] = (rand() % 2001 - 1000) / 1000.0f;
        size_t rows = ldb_kernels_in_use()->tile_rows;
        size_t key_count = ldb_tiled_count(s->keys, s->head_size, rows, 1);
        size_t value_count = ldb_tiled_count(s->head_size, s->keys, rows, 1);
        float *packed_keys = malloc(sizeof(float) * key_count * s->heads);
        float *packed_values = malloc(sizeof(float) * value_count * s->heads);
        double *times[3];
        for (int m = 0; m < 3; m++) times[m] = malloc(sizeof(double) * repeat);
        for (int r = 0; r < repeat; r++) {
            for (int m = 0; m < 3; m++) {
                // The previous path's rows per task: as many as keep 2^20 scores; the fused path's: 2 blocks.
                int chunk = m == SGEMM ? ((1 << 20) / s->keys < s->queries ? (1 << 20) / s->keys : s->queries)
                                       : 2 * LDB_ATTENTION_QUERY_ROWS;
                struct job job = {s, (enum method)m, query, key, value, output, packed_keys, packed_values,
                                  key_count, value_count,
                                  chunk, s->heads * ((s->queries + chunk - 1) / chunk), 0, 0, 0};
                times[m][r] = seconds(&job);
            }
        }
        printf("| %s |", s->name);
        double previous = 0;
        for (int m = 0; m < 3; m++) {
            qsort(times[m], repeat, sizeof(double), by_value);
            double median = times[m][repeat / 2] * 1e3;
            if (m == SGEMM) {
                previous = median;
                printf(" %.2f |", median);
            } else {
                printf(" %.2f (%.2fx) |", median, median / previous);
            }
        }
        printf("\n");
        for (int m = 0; m < 3; m++) free(times[m]);
        free(query), free(key), free(value), free(output), free(packed_keys), free(packed_values);
    }
    return 0;
}
