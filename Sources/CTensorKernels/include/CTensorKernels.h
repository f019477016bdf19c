#ifndef C_TENSOR_KERNELS_H
#define C_TENSOR_KERNELS_H

#include <stddef.h>
#include <stdint.h>

// The element-wise hot loops of LDBTensor, in C so that each can be compiled for the vector units the CPU has.
// On x86-64 every kernel exists for AVX-512 with BF16 (whose bfloat16 products use `vdpbf16ps`), AVX-512, AVX2 +
// FMA and baseline SSE2, and the widest set the CPU supports is picked at load; elsewhere one portable version
// is built.
// All counts are element counts; source and destination may be the same buffer.

/// `exp` of each element: Cephes' single-precision method, within 2 ulp of `expf` over the float range
/// (results below the smallest normal are 0).
void ldb_exp(const float *source, float *destination, size_t count);

/// Replaces `count` contiguous values with their softmax (the maximum is subtracted before `exp`).
/// A row whose values are all -inf becomes zeros rather than NaN.
void ldb_softmax_row(float *row, size_t count);

/// SiLU, `x / (1 + exp(-x))`.
void ldb_silu(const float *source, float *destination, size_t count);

/// CLIP's quick GELU, `x / (1 + exp(-1.702 x))`.
void ldb_quick_gelu(const float *source, float *destination, size_t count);

/// Exact GELU, `x/2 (1 + erf(x / sqrt 2))`; `erf` to within 1.5e-7 absolute (Abramowitz and Stegun 7.1.26,
/// the method of PyTorch's vectorised CPU kernel).
void ldb_gelu(const float *source, float *destination, size_t count);

/// GEGLU's gating: `hidden[i] * gelu(gate[i])`.
void ldb_geglu(const float *hidden, const float *gate, float *destination, size_t count);

/// The mean of `count` values and `1 / sqrt(variance + epsilon)` (biased variance, two passes; partial sums
/// of at most 4096 values are added up in double precision).
void ldb_moments(const float *values, size_t count, float epsilon, float *mean, float *inverse_deviation);

/// `destination[i] = (source[i] - center) * scale + shift`, followed by SiLU when `silu` is non-zero.
/// (Subtracting the mean first keeps a constant input exactly at `shift`.)
void ldb_normalize(const float *source, float *destination, size_t count, float center, float scale, float shift,
                   int silu);

/// Winograd F(2x2, 3x3) weight transform of output channels [out_begin, out_end) of a [O, I, 3, 3] kernel into
/// `transformed`, laid out [16][O][I].
void ldb_winograd_weights(const float *weight, size_t out_channels, size_t in_channels, size_t out_begin,
                          size_t out_end, float *transformed);

/// Winograd F(2x2, 3x3) input transform (padding 1) of channels [channel_begin, channel_end) of one
/// [channels, height, width] image, for `tile_rows` rows of 2x2 output tiles from `first_tile_row`, into
/// `transformed`, laid out [16][channels][tile_rows * ceil(width / 2)]. `scratch` holds 8 * (ceil(width / 2) * 2 + 2)
/// floats, one per concurrent caller.
void ldb_winograd_input(const float *image, size_t channels, size_t height, size_t width, size_t channel_begin,
                        size_t channel_end, size_t first_tile_row, size_t tile_rows, float *transformed, float *scratch);

/// Winograd F(2x2, 3x3) output transform: from the products [16][out_channels][tile_rows * ceil(width / 2)], writes
/// output channels [out_begin, out_end) of those tile rows of the [out_channels, height, width] output, plus
/// `bias[channel]` when `bias` is not NULL.
void ldb_winograd_output(const float *products, size_t out_channels, size_t out_begin, size_t out_end,
                         size_t first_tile_row, size_t tile_rows, const float *bias, float *output, size_t height,
                         size_t width);

/// The width, in columns, of one panel of a packed weight: the register tile of every packed product.
#define LDB_PANEL_WIDTH 16

/// `value` rounded to the nearest bfloat16 (ties to even), returned as the float32 of equal value; NaN stays NaN.
static inline float ldb_round_to_bfloat16(float value) {
    union { float f; unsigned int u; } bits = {value};
    if ((bits.u & 0x7F800000u) == 0x7F800000u && (bits.u & 0x007FFFFFu)) {
        bits.u |= 0x00400000u;  // quiet NaN, kept NaN by the truncation below
    } else {
        bits.u += 0x7FFFu + ((bits.u >> 16) & 1u);
    }
    bits.u &= 0xFFFF0000u;
    return bits.f;
}

/// The elements (floats for float32, 16-bit values for bfloat16) of a packed `[columns, depth]` weight.
size_t ldb_packed_weight_count(size_t columns, size_t depth, int bfloat16);

/// Packs a weight for `ldb_packed_product`: `weight` holds `columns` rows of `depth` values (a linear layer's
/// `[out, in]`, a convolution's `[out, in * kh * kw]`), the matrix B of `C = A · B` transposed. The packed form
/// is panels of LDB_PANEL_WIDTH columns, `[panel][depth][LDB_PANEL_WIDTH]`, zero past the last column.
void ldb_pack_weight_float32(const float *weight, size_t columns, size_t depth, float *packed);

/// As `ldb_pack_weight_float32`, each value rounded to bfloat16 (ties to even), the depth padded to even and
/// laid out in pairs, `[panel][depth / 2][LDB_PANEL_WIDTH][2]`, the layout AVX-512 BF16's `vdpbf16ps` reads.
void ldb_pack_weight_bfloat16(const float *weight, size_t columns, size_t depth, uint16_t *packed);

/// One matrix product `C (+)= A · B` with B a packed weight. Element (i, p) of A is
/// `a[i * a_row_stride + p * a_depth_stride]` and element (i, j) of C is `c[i * c_row_stride + j * c_column_stride]`,
/// so A and C may be read and written transposed (a convolution's `[channels, positions]` planes).
struct ldb_product {
    size_t rows, depth, columns;
    const float *a;
    ptrdiff_t a_row_stride, a_depth_stride;
    /// From `ldb_pack_weight_float32`, or `ldb_pack_weight_bfloat16` when `weight_is_bfloat16`; a bfloat16
    /// product rounds each value of A to bfloat16 too, and accumulates in float32.
    const void *weight;
    int weight_is_bfloat16;
    float *c;
    ptrdiff_t c_row_stride, c_column_stride;
    /// Adds to C instead of overwriting it.
    int accumulate;
};

/// Computes columns `[column_begin, column_end)` of `product` (`column_begin` a multiple of LDB_PANEL_WIDTH), so
/// callers can split one product across threads by panels, or across rows by offsetting `a` and `c`.
void ldb_packed_product(const struct ldb_product *product, size_t column_begin, size_t column_end);

/// The elements (floats) of a matrix of `rows` rows packed by `ldb_pack_tiles`.
size_t ldb_tiled_count(size_t rows, size_t depth, size_t tile_rows, int bfloat16);

/// Packs a matrix as the left operand of the register-tile micro-kernels: tiles of `tile_rows` rows (the kernels'
/// `tile_rows`), `[tile][depth][tile_rows]`, zero past the last row; element (row, p) is
/// `matrix[row * row_stride + p * depth_stride]`. With `bfloat16`, each value is rounded to bfloat16 and the depth
/// padded to even. (Attention's keys, and its values transposed, one head at a time.)
void ldb_pack_tiles(const float *matrix, size_t rows, size_t depth, ptrdiff_t row_stride, ptrdiff_t depth_stride,
                    size_t tile_rows, int bfloat16, float *packed);

/// The query rows and keys of one block of `ldb_attention`: the scores it holds at once are
/// LDB_ATTENTION_QUERY_ROWS x LDB_ATTENTION_KEY_BLOCK, whatever the sequence lengths.
#define LDB_ATTENTION_QUERY_ROWS 96
#define LDB_ATTENTION_KEY_BLOCK 240

/// One head of scaled dot-product attention, `softmax(scale · q kᵀ) v`, with the keys and values packed once.
struct ldb_attention_head {
    size_t query_length, key_length, head_size, value_size;
    /// Row i of the queries is `query[i * query_row_stride ...]`, `head_size` contiguous values.
    const float *query;
    ptrdiff_t query_row_stride;
    /// The keys (`key_length` rows of `head_size`) and the values transposed (`value_size` rows of `key_length`),
    /// each packed by `ldb_pack_tiles` with the tile rows of the kernels that run, and with `bfloat16` when
    /// `bfloat16`: then the queries and the probabilities are rounded to bfloat16 too where they enter a product,
    /// and the products, scores, softmax and sums stay float32.
    const float *keys, *values;
    int bfloat16;
    float scale;
    /// Query i attends only to keys 0...i (`is_causal=True`).
    int causal;
    /// Row i of the result is written to `output[i * output_row_stride ...]`, `value_size` contiguous values.
    float *output;
    ptrdiff_t output_row_stride;
};

/// The floats of scratch `ldb_attention` needs for one call (one per concurrent caller).
static inline size_t ldb_attention_scratch_count(size_t head_size, size_t value_size) {
    size_t padded_head = (head_size + 1) & ~(size_t)1;
    return LDB_ATTENTION_QUERY_ROWS * (padded_head + 2 * LDB_ATTENTION_KEY_BLOCK + value_size + LDB_PANEL_WIDTH + 2);
}

/// Computes query rows `[row_begin, row_end)` of `attention` in the flash-attention manner: for each block of
/// LDB_ATTENTION_QUERY_ROWS queries, the keys are visited in blocks of LDB_ATTENTION_KEY_BLOCK with a running
/// maximum and sum per query (the online softmax), so no more than one block of scores ever exists.
/// `scratch` holds `ldb_attention_scratch_count(head_size, value_size)` floats.
void ldb_attention(const struct ldb_attention_head *attention, size_t row_begin, size_t row_end, float *scratch);

/// One implementation of every kernel above, for one instruction set.
struct ldb_kernels {
    /// "avx512bf16", "avx512", "avx2" or "baseline".
    const char *instruction_set;
    void (*exp)(const float *source, float *destination, size_t count);
    void (*softmax_row)(float *row, size_t count);
    void (*silu)(const float *source, float *destination, size_t count);
    void (*quick_gelu)(const float *source, float *destination, size_t count);
    void (*gelu)(const float *source, float *destination, size_t count);
    void (*geglu)(const float *hidden, const float *gate, float *destination, size_t count);
    void (*moments)(const float *values, size_t count, float epsilon, float *mean, float *inverse_deviation);
    void (*normalize)(const float *source, float *destination, size_t count, float center, float scale, float shift,
                      int silu);
    void (*winograd_weights)(const float *weight, size_t out_channels, size_t in_channels, size_t out_begin,
                             size_t out_end, float *transformed);
    void (*winograd_input)(const float *image, size_t channels, size_t height, size_t width, size_t channel_begin,
                           size_t channel_end, size_t first_tile_row, size_t tile_rows, float *transformed,
                           float *scratch);
    void (*winograd_output)(const float *products, size_t out_channels, size_t out_begin, size_t out_end,
                            size_t first_tile_row, size_t tile_rows, const float *bias, float *output, size_t height,
                            size_t width);
    /// `scratch` holds `packed_product_scratch` floats.
    void (*packed_product)(const struct ldb_product *product, size_t column_begin, size_t column_end, float *scratch);
    size_t packed_product_scratch;
    void (*attention)(const struct ldb_attention_head *attention, size_t row_begin, size_t row_end, float *scratch);
    /// The rows of the micro-kernels' register tile, for `ldb_pack_tiles`.
    size_t tile_rows;
};

/// `ldb_packed_product` with the given kernels (tests run each instruction set the machine has).
void ldb_packed_product_using(const struct ldb_kernels *kernels, const struct ldb_product *product, size_t column_begin,
                              size_t column_end);

/// `ldb_attention` with the given kernels.
void ldb_attention_using(const struct ldb_kernels *kernels, const struct ldb_attention_head *attention, size_t row_begin,
                         size_t row_end, float *scratch);

/// The kernels the functions above call: the widest instruction set this CPU supports.
const struct ldb_kernels *ldb_kernels_in_use(void);

/// The kernels for `instruction_set` ("avx512bf16", "avx512", "avx2" or "baseline"), or NULL when this build or this CPU
/// lacks it; for tests that check every version the machine can run.
const struct ldb_kernels *ldb_kernels_named(const char *instruction_set);

#endif
