// Packing weights for ldb_packed_product, and attention's keys and values for ldb_attention: done once per weight or per
// head, so written plainly rather than per instruction set.

#include "CTensorKernels.h"

static size_t panel_count(size_t columns) { return (columns + LDB_PANEL_WIDTH - 1) / LDB_PANEL_WIDTH; }

size_t ldb_packed_weight_count(size_t columns, size_t depth, int bfloat16) {
    size_t padded_depth = bfloat16 ? (depth + 1) & ~(size_t)1 : depth;
    return panel_count(columns) * padded_depth * LDB_PANEL_WIDTH;
}

void ldb_pack_weight_float32(const float *weight, size_t columns, size_t depth, float *packed) {
    for (size_t panel = 0; panel < panel_count(columns); panel++)
        for (size_t p = 0; p < depth; p++)
            for (size_t j = 0; j < LDB_PANEL_WIDTH; j++) {
                size_t column = panel * LDB_PANEL_WIDTH + j;
                *packed++ = column < columns ? weight[column * depth + p] : 0;
            }
}

static uint16_t bfloat16_bits(float value) {
    union { float f; uint32_t u; } bits = {ldb_round_to_bfloat16(value)};
    return (uint16_t)(bits.u >> 16);
}

void ldb_pack_weight_bfloat16(const float *weight, size_t columns, size_t depth, uint16_t *packed) {
    size_t padded_depth = (depth + 1) & ~(size_t)1;
    for (size_t panel = 0; panel < panel_count(columns); panel++)
        for (size_t p = 0; p < padded_depth; p += 2)
            for (size_t j = 0; j < LDB_PANEL_WIDTH; j++) {
                size_t column = panel * LDB_PANEL_WIDTH + j;
                for (size_t q = p; q < p + 2; q++)
                    *packed++ = column < columns && q < depth ? bfloat16_bits(weight[column * depth + q]) : 0;
            }
}

size_t ldb_tiled_count(size_t rows, size_t depth, size_t tile_rows, int bfloat16) {
    size_t padded_depth = bfloat16 ? (depth + 1) & ~(size_t)1 : depth;
    return (rows + tile_rows - 1) / tile_rows * tile_rows * padded_depth;
}

void ldb_pack_tiles(const float *matrix, size_t rows, size_t depth, ptrdiff_t row_stride, ptrdiff_t depth_stride,
                    size_t tile_rows, int bfloat16, float *packed) {
    size_t padded_depth = bfloat16 ? (depth + 1) & ~(size_t)1 : depth;
    for (size_t tile = 0; tile < (rows + tile_rows - 1) / tile_rows; tile++)
        for (size_t p = 0; p < padded_depth; p++)
            for (size_t r = 0; r < tile_rows; r++) {
                size_t row = tile * tile_rows + r;
                float value = row < rows && p < depth ? matrix[(ptrdiff_t)row * row_stride + (ptrdiff_t)p * depth_stride] : 0;
                *packed++ = bfloat16 ? ldb_round_to_bfloat16(value) : value;
            }
}
