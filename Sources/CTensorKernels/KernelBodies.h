// The bodies of the kernels declared in CTensorKernels.h, included once per instruction set by the
// Kernels+*.c files, which define LANES, KERNEL(name) (the name with the instruction set's suffix), the
// table's name KERNEL_TABLE and INSTRUCTION_SET before including this file.

#include <math.h>

#include "CTensorKernels.h"
#include "VectorMath.h"

// Each function maps `count` values sixteen at a time, then the tail through padded partial vectors.
#define MAP_ELEMENTS(source, destination, count, operation)                          \
    do {                                                                             \
        size_t index = 0;                                                            \
        for (; index + LANES <= (count); index += LANES)                             \
            store((destination) + index, operation(load((source) + index)));         \
        if (index < (count))                                                         \
            store_partial((destination) + index,                                     \
                          operation(load_partial((source) + index, (count) - index, 0)), \
                          (count) - index);                                          \
    } while (0)

LDB_INLINE vfloat vquick_gelu(vfloat x) { return x / (1.0f + vexp(x * -1.702f)); }

static void KERNEL(exp)(const float *source, float *destination, size_t count) {
    MAP_ELEMENTS(source, destination, count, vexp);
}

static void KERNEL(silu)(const float *source, float *destination, size_t count) {
    MAP_ELEMENTS(source, destination, count, vsilu);
}

static void KERNEL(quick_gelu)(const float *source, float *destination, size_t count) {
    MAP_ELEMENTS(source, destination, count, vquick_gelu);
}

static void KERNEL(gelu)(const float *source, float *destination, size_t count) {
    MAP_ELEMENTS(source, destination, count, vgelu);
}

static void KERNEL(geglu)(const float *hidden, const float *gate, float *destination, size_t count) {
    size_t index = 0;
    for (; index + LANES <= count; index += LANES)
        store(destination + index, load(hidden + index) * vgelu(load(gate + index)));
    if (index < count) {
        size_t rest = count - index;
        store_partial(destination + index,
                      load_partial(hidden + index, rest, 0) * vgelu(load_partial(gate + index, rest, 0)), rest);
    }
}

static void KERNEL(softmax_row)(float *row, size_t count) {
    const float negative_infinity = -__builtin_inff();
    size_t full = count - count % LANES, rest = count - full;
    vfloat maxima = splat(negative_infinity);
    for (size_t index = 0; index < full; index += LANES) {
        vfloat values = load(row + index);
        maxima = select(values > maxima, values, maxima);
    }
    if (rest) {
        vfloat values = load_partial(row + full, rest, negative_infinity);
        maxima = select(values > maxima, values, maxima);
    }
    float maximum = horizontal_max(maxima);
    if (!(maximum > negative_infinity)) {
        memset(row, 0, count * sizeof(float));
        return;
    }
    vfloat sums = splat(0);
    for (size_t index = 0; index < full; index += LANES) {
        vfloat values = vexp(load(row + index) - maximum);
        store(row + index, values);
        sums += values;
    }
    if (rest) {
        // Padding lanes hold -inf, whose exponential is 0, so they add nothing to the sum.
        vfloat values = vexp(load_partial(row + full, rest, negative_infinity) - maximum);
        store_partial(row + full, values, rest);
        sums += values;
    }
    float reciprocal = (float)(1.0 / horizontal_sum(sums));
    for (size_t index = 0; index < full; index += LANES) store(row + index, load(row + index) * reciprocal);
    for (size_t index = full; index < count; index++) row[index] *= reciprocal;
}

// Partial sums run in float over blocks this long, then are added up in double: accurate for the millions of
// values of one group of a 512x512 VAE activation, at vector speed.
enum { BLOCK = 4096 };

/// The sum of `(values[i] - center)^2` when `squares`, else of `values[i] - center`.
LDB_INLINE double centered_sum(const float *values, size_t count, float center, int squares) {
    double total = 0;
    for (size_t start = 0; start < count; start += BLOCK) {
        size_t end = start + BLOCK < count ? start + BLOCK : count;
        vfloat sums = splat(0);
        size_t index = start;
        for (; index + LANES <= end; index += LANES) {
            vfloat deviation = load(values + index) - center;
            sums += squares ? deviation * deviation : deviation;
        }
        double tail = 0;
        for (; index < end; index++) {
            double deviation = (double)values[index] - center;
            tail += squares ? deviation * deviation : deviation;
        }
        total += horizontal_sum(sums) + tail;
    }
    return total;
}

static void KERNEL(moments)(const float *values, size_t count, float epsilon, float *mean, float *inverse_deviation) {
    double average = centered_sum(values, count, 0, 0) / (double)count;
    // Squares of deviations from the mean rounded to float; E[(x - c)^2] - (mean - c)^2 is the variance exactly.
    float center = (float)average;
    double offset = average - (double)center;
    double variance = centered_sum(values, count, center, 1) / (double)count - offset * offset;
    *mean = center;
    *inverse_deviation = (float)(1.0 / sqrt(variance + (double)epsilon));
}

static void KERNEL(normalize)(const float *source, float *destination, size_t count, float center, float scale,
                             float shift, int silu) {
    size_t index = 0;
    if (silu) {
        for (; index + LANES <= count; index += LANES)
            store(destination + index, vsilu((load(source + index) - center) * scale + shift));
    } else {
        for (; index + LANES <= count; index += LANES)
            store(destination + index, (load(source + index) - center) * scale + shift);
    }
    if (index < count) {
        size_t rest = count - index;
        vfloat values = (load_partial(source + index, rest, 0) - center) * scale + shift;
        store_partial(destination + index, silu ? vsilu(values) : values, rest);
    }
}

// Winograd F(2x2, 3x3) (Lavin and Gray, 2016) for 3x3 convolutions at stride 1 with padding 1: each 2x2 block
// of outputs ("tile") comes from a 4x4 input patch d and the 3x3 kernel g as A^T [(G g G^T) * (B^T d B)] A, so
// the 36 multiplications of a tile per channel pair become 16. Transformed values are laid out
// [16][channels][tiles], one matrix per position of the 4x4 transform, so the products are 16 plain GEMMs.

static void KERNEL(winograd_weights)(const float *weight, size_t out_channels, size_t in_channels,
                                     size_t out_begin, size_t out_end, float *transformed) {
    size_t plane = out_channels * in_channels;
    for (size_t out = out_begin; out < out_end; out++) {
        for (size_t in = 0; in < in_channels; in++) {
            const float *g = weight + (out * in_channels + in) * 9;
            float rows[4][3];  // G g
            for (int column = 0; column < 3; column++) {
                float g0 = g[column], g1 = g[3 + column], g2 = g[6 + column];
                rows[0][column] = g0;
                rows[1][column] = 0.5f * (g0 + g1 + g2);
                rows[2][column] = 0.5f * (g0 - g1 + g2);
                rows[3][column] = g2;
            }
            float *destination = transformed + out * in_channels + in;
            for (int row = 0; row < 4; row++) {  // (G g) G^T
                float r0 = rows[row][0], r1 = rows[row][1], r2 = rows[row][2];
                destination[(row * 4 + 0) * plane] = r0;
                destination[(row * 4 + 1) * plane] = 0.5f * (r0 + r1 + r2);
                destination[(row * 4 + 2) * plane] = 0.5f * (r0 - r1 + r2);
                destination[(row * 4 + 3) * plane] = r2;
            }
        }
    }
}

static void KERNEL(winograd_input)(const float *image, size_t channels, size_t height, size_t width,
                                   size_t channel_begin, size_t channel_end, size_t first_tile_row, size_t tile_rows,
                                   float *transformed, float *scratch) {
    size_t across = (width + 1) / 2, tiles = tile_rows * across;
    size_t padded = 2 * across + 2;  // input columns -1 ... 2 * across
    float *d[4], *t[4];
    for (int row = 0; row < 4; row++) {
        d[row] = scratch + row * padded;
        t[row] = scratch + (4 + row) * padded;
    }
    for (size_t channel = channel_begin; channel < channel_end; channel++) {
        const float *plane = image + channel * height * width;
        for (size_t tile_row = 0; tile_row < tile_rows; tile_row++) {
            long top = 2 * (long)(first_tile_row + tile_row) - 1;
            for (int row = 0; row < 4; row++) {
                long y = top + row;
                memset(d[row], 0, padded * sizeof(float));
                if (y >= 0 && y < (long)height) memcpy(d[row] + 1, plane + y * width, width * sizeof(float));
            }
            for (size_t x = 0; x < padded; x++) {  // B^T d, a whole row of tiles at once
                t[0][x] = d[0][x] - d[2][x];
                t[1][x] = d[1][x] + d[2][x];
                t[2][x] = d[2][x] - d[1][x];
                t[3][x] = d[1][x] - d[3][x];
            }
            float *base = transformed + channel * tiles + tile_row * across;
            size_t stride = channels * tiles;
            for (int row = 0; row < 4; row++) {  // (B^T d) B
                const float *r = t[row];
                float *v0 = base + (row * 4 + 0) * stride, *v1 = base + (row * 4 + 1) * stride;
                float *v2 = base + (row * 4 + 2) * stride, *v3 = base + (row * 4 + 3) * stride;
                for (size_t tile = 0; tile < across; tile++) {
                    float a = r[2 * tile], b = r[2 * tile + 1], c = r[2 * tile + 2], e = r[2 * tile + 3];
                    v0[tile] = a - c;
                    v1[tile] = b + c;
                    v2[tile] = c - b;
                    v3[tile] = b - e;
                }
            }
        }
    }
}

static void KERNEL(winograd_output)(const float *products, size_t out_channels, size_t out_begin, size_t out_end,
                                    size_t first_tile_row, size_t tile_rows, const float *bias, float *output,
                                    size_t height, size_t width) {
    size_t across = (width + 1) / 2, tiles = tile_rows * across, stride = out_channels * tiles;
    for (size_t out = out_begin; out < out_end; out++) {
        float shift = bias ? bias[out] : 0;
        float *plane = output + out * height * width;
        for (size_t tile_row = 0; tile_row < tile_rows; tile_row++) {
            const float *m = products + out * tiles + tile_row * across;
            size_t y = 2 * (first_tile_row + tile_row);
            float *top = plane + y * width, *bottom = y + 1 < height ? top + width : NULL;
            for (size_t tile = 0; tile < across; tile++) {
                float s[2][4];  // A^T m
                for (int j = 0; j < 4; j++) {
                    float m0 = m[(0 + j) * stride + tile], m1 = m[(4 + j) * stride + tile];
                    float m2 = m[(8 + j) * stride + tile], m3 = m[(12 + j) * stride + tile];
                    s[0][j] = m0 + m1 + m2;
                    s[1][j] = m1 - m2 - m3;
                }
                size_t x = 2 * tile;
                top[x] = s[0][0] + s[0][1] + s[0][2] + shift;
                if (x + 1 < width) top[x + 1] = s[0][1] - s[0][2] - s[0][3] + shift;
                if (bottom) {
                    bottom[x] = s[1][0] + s[1][1] + s[1][2] + shift;
                    if (x + 1 < width) bottom[x + 1] = s[1][1] - s[1][2] - s[1][3] + shift;
                }
            }
        }
    }
}

#include "PackedProductBodies.h"
#include "AttentionBodies.h"

const struct ldb_kernels KERNEL_TABLE = {
    .instruction_set = INSTRUCTION_SET,
    .exp = KERNEL(exp),
    .softmax_row = KERNEL(softmax_row),
    .silu = KERNEL(silu),
    .quick_gelu = KERNEL(quick_gelu),
    .gelu = KERNEL(gelu),
    .geglu = KERNEL(geglu),
    .moments = KERNEL(moments),
    .normalize = KERNEL(normalize),
    .winograd_weights = KERNEL(winograd_weights),
    .winograd_input = KERNEL(winograd_input),
    .winograd_output = KERNEL(winograd_output),
    .packed_product = KERNEL(packed_product),
    .packed_product_scratch = PACKED_PRODUCT_SCRATCH,
    .attention = KERNEL(attention),
    .tile_rows = ROWS,
};
