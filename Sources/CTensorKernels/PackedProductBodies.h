// The bodies of the packed matrix products declared in CTensorKernels.h (ldb_packed_product), included once per
// instruction set after KernelBodies.h by the Kernels+*.c files, which also define ROWS, the rows of the register
// tile (its width is always LDB_PANEL_WIDTH columns).
//
// The product C = A · B is computed in blocks of PRODUCT_DEPTH along the reduction: each block of ROWS *
// BLOCK_TILES rows of A is copied into a contiguous, tile-interleaved buffer (and rounded to bfloat16 for a
// bfloat16 weight), then multiplied by each panel of the packed weight in turn, so the panel slice stays in the
// L1 cache while the rows of A stream from L2. See docs/algorithm.md, "Matrix products".


#define VECTORS_PER_PANEL (LDB_PANEL_WIDTH / LANES)
#define PRODUCT_DEPTH 256
#define BLOCK_TILES 16
#define PACKED_PRODUCT_SCRATCH (ROWS * BLOCK_TILES * PRODUCT_DEPTH)

typedef uint32_t vuint __attribute__((vector_size(LANES * 4)));

LDB_INLINE vuint load_words(const uint32_t *source) {
    vuint vector;
    memcpy(&vector, source, sizeof vector);
    return vector;
}

/// `tile[ROWS][LDB_PANEL_WIDTH] = a · b` over `depth` reductions; `a` is `[depth][ROWS]`, `b` `[depth][16]`.
__attribute__((noinline)) static void KERNEL(tile_float32)(size_t depth, const float *a, const float *b, float *tile) {
    vfloat sums[ROWS][VECTORS_PER_PANEL];
    for (int row = 0; row < ROWS; row++)
        for (int v = 0; v < VECTORS_PER_PANEL; v++) sums[row][v] = splat(0);
    for (size_t p = 0; p < depth; p++, a += ROWS, b += LDB_PANEL_WIDTH) {
        vfloat columns[VECTORS_PER_PANEL];
        for (int v = 0; v < VECTORS_PER_PANEL; v++) columns[v] = load(b + v * LANES);
        for (int row = 0; row < ROWS; row++) {
            vfloat value = splat(a[row]);
            for (int v = 0; v < VECTORS_PER_PANEL; v++) sums[row][v] += value * columns[v];
        }
    }
    for (int row = 0; row < ROWS; row++)
        for (int v = 0; v < VECTORS_PER_PANEL; v++) store(tile + row * LDB_PANEL_WIDTH + v * LANES, sums[row][v]);
}

#if defined(LDB_AVX512_BF16)
typedef __bf16 vbfloat16 __attribute__((vector_size(64)));

/// As `tile_float32` with a bfloat16 panel laid out in pairs along the reduction, `[depth / 2][16][2]`, by AVX-512
/// BF16's `vdpbf16ps`: each instruction adds the two products of a pair of reductions to 16 sums. The values of A
/// are bfloat16 already (the packing rounded them), so their upper halves are their bfloat16 bits. `depth` is even.
__attribute__((noinline)) static void KERNEL(tile_bfloat16)(size_t depth, const float *a, const uint16_t *b, float *tile) {
    vfloat sums[ROWS];
    for (int row = 0; row < ROWS; row++) sums[row] = splat(0);
    for (size_t p = 0; p < depth; p += 2, a += 2 * ROWS, b += 2 * LDB_PANEL_WIDTH) {
        vbfloat16 columns;
        memcpy(&columns, b, sizeof columns);
        for (int row = 0; row < ROWS; row++) {
            uint32_t first, second;
            memcpy(&first, a + row, 4);
            memcpy(&second, a + ROWS + row, 4);
            vint pair = (vint){0} + (int32_t)((first >> 16) | (second & 0xFFFF0000u));
            sums[row] = __builtin_ia32_dpbf16ps_512(sums[row], (vbfloat16)pair, columns);
        }
    }
    for (int row = 0; row < ROWS; row++) store(tile + row * LDB_PANEL_WIDTH, sums[row]);
}
#else
/// As `tile_float32` with a bfloat16 panel laid out in pairs along the reduction, `[depth / 2][16][2]` (each
/// 32-bit word holds reduction 2p in its low half and 2p + 1 in its high half); a bfloat16 widens to float32 by
/// a 16-bit shift, so the products are exact and accumulate in float32. `depth` is even.
__attribute__((noinline)) static void KERNEL(tile_bfloat16)(size_t depth, const float *a, const uint16_t *b, float *tile) {
    vfloat sums[ROWS][VECTORS_PER_PANEL];
    for (int row = 0; row < ROWS; row++)
        for (int v = 0; v < VECTORS_PER_PANEL; v++) sums[row][v] = splat(0);
    const uint32_t *pairs = (const uint32_t *)b;
    for (size_t p = 0; p < depth; p += 2, a += 2 * ROWS, pairs += LDB_PANEL_WIDTH) {
        vfloat even[VECTORS_PER_PANEL], odd[VECTORS_PER_PANEL];
        for (int v = 0; v < VECTORS_PER_PANEL; v++) {
            vuint words = load_words(pairs + v * LANES);
            even[v] = (vfloat)(words << 16);
            odd[v] = (vfloat)(words & 0xFFFF0000u);
        }
        for (int row = 0; row < ROWS; row++) {
            vfloat first = splat(a[row]), second = splat(a[ROWS + row]);
            for (int v = 0; v < VECTORS_PER_PANEL; v++) sums[row][v] += first * even[v];
            for (int v = 0; v < VECTORS_PER_PANEL; v++) sums[row][v] += second * odd[v];
        }
    }
    for (int row = 0; row < ROWS; row++)
        for (int v = 0; v < VECTORS_PER_PANEL; v++) store(tile + row * LDB_PANEL_WIDTH + v * LANES, sums[row][v]);
}
#endif

static void KERNEL(packed_product)(const struct ldb_product *product, size_t column_begin, size_t column_end,
                                   float *block) {
    const size_t m = product->rows, k = product->depth;
    const int bfloat16 = product->weight_is_bfloat16;
    const size_t padded_depth = bfloat16 ? (k + 1) & ~(size_t)1 : k;
    const size_t block_rows = ROWS * BLOCK_TILES;
    float tile[ROWS * LDB_PANEL_WIDTH] __attribute__((aligned(64)));
    const ptrdiff_t a_rows = product->a_row_stride, a_depth = product->a_depth_stride;
    const ptrdiff_t c_rows = product->c_row_stride, c_columns = product->c_column_stride;
    for (size_t first = 0; first < padded_depth; first += PRODUCT_DEPTH) {
        const size_t depth = padded_depth - first < PRODUCT_DEPTH ? padded_depth - first : PRODUCT_DEPTH;
        const int add = product->accumulate || first > 0;
        for (size_t first_row = 0; first_row < m; first_row += block_rows) {
            const size_t rows = m - first_row < block_rows ? m - first_row : block_rows;
            const size_t tiles = (rows + ROWS - 1) / ROWS;
            // The block of A, tile by tile, [tile][depth][ROWS], zero past the last row and the reduction.
            for (size_t t = 0; t < tiles; t++) {
                float *destination = block + t * depth * ROWS;
                for (size_t p = 0; p < depth; p++) {
                    for (size_t r = 0; r < ROWS; r++) {
                        size_t row = first_row + t * ROWS + r, reduction = first + p;
                        float value = row < m && reduction < k ? product->a[(ptrdiff_t)row * a_rows + (ptrdiff_t)reduction * a_depth] : 0;
                        destination[p * ROWS + r] = bfloat16 ? ldb_round_to_bfloat16(value) : value;
                    }
                }
            }
            for (size_t column = column_begin; column < column_end; column += LDB_PANEL_WIDTH) {
                const size_t panel = column / LDB_PANEL_WIDTH;
                const size_t width = column_end - column < LDB_PANEL_WIDTH ? column_end - column : LDB_PANEL_WIDTH;
                for (size_t t = 0; t < tiles; t++) {
                    if (bfloat16)
                        KERNEL(tile_bfloat16)(depth, block + t * depth * ROWS,
                                              (const uint16_t *)product->weight + (panel * padded_depth + first) * LDB_PANEL_WIDTH,
                                              tile);
                    else
                        KERNEL(tile_float32)(depth, block + t * depth * ROWS,
                                             (const float *)product->weight + (panel * padded_depth + first) * LDB_PANEL_WIDTH,
                                             tile);
                    size_t tile_rows = rows - t * ROWS < ROWS ? rows - t * ROWS : ROWS;
                    for (size_t r = 0; r < tile_rows; r++) {
                        float *target = product->c + (ptrdiff_t)(first_row + t * ROWS + r) * c_rows + (ptrdiff_t)column * c_columns;
                        if (c_columns == 1 && width == LDB_PANEL_WIDTH) {
                            for (int v = 0; v < VECTORS_PER_PANEL; v++) {
                                vfloat sum = load(tile + r * LDB_PANEL_WIDTH + v * LANES);
                                store(target + v * LANES, add ? load(target + v * LANES) + sum : sum);
                            }
                        } else {
                            for (size_t j = 0; j < width; j++) {
                                float sum = tile[r * LDB_PANEL_WIDTH + j];
                                target[(ptrdiff_t)j * c_columns] = add ? target[(ptrdiff_t)j * c_columns] + sum : sum;
                            }
                        }
                    }
                }
            }
        }
    }
}
