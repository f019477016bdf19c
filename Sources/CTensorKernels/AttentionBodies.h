// The body of the fused attention declared in CTensorKernels.h (ldb_attention), included once per instruction set
// after PackedProductBodies.h, whose register-tile micro-kernels (tile_float32, tile_bfloat16) it reuses. It works
// on transposed blocks: the keys (and the values transposed) are the products' left operand, packed once in tiles
// of ROWS, and each block of queries (then of probabilities) is packed as a weight panel of 16 queries, so a tile
// of scores is ROWS keys x 16 queries and the softmax runs along contiguous rows of 16 queries. See
// docs/algorithm.md, "Attention".

#define HEAD_DEPTH_BLOCK 256
#define QUERY_PANELS (LDB_ATTENTION_QUERY_ROWS / LDB_PANEL_WIDTH)

_Static_assert(LDB_ATTENTION_QUERY_ROWS % LDB_PANEL_WIDTH == 0, "a query block is whole panels");
_Static_assert(LDB_ATTENTION_KEY_BLOCK % ROWS == 0 && LDB_ATTENTION_KEY_BLOCK % 2 == 0,
               "a key block is whole tiles, an even number of keys");

/// `tile` (ROWS x LDB_PANEL_WIDTH) = one tile of A, `[depth][ROWS]`, times the panel at `b` (float32, or bfloat16
/// pairs).
LDB_INLINE void attention_tile(int bfloat16, size_t depth, const float *a, const void *b, float *tile) {
    if (bfloat16)
        KERNEL(tile_bfloat16)(depth, a, (const uint16_t *)b, tile);
    else
        KERNEL(tile_float32)(depth, a, (const float *)b, tile);
}

/// The bfloat16 bits of each lane, rounded to nearest (ties to even) as ldb_round_to_bfloat16, in the low halves.
LDB_INLINE vuint bfloat16_bits(vfloat x) {
    vuint bits = (vuint)x;
    vuint rounded = ((bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16);
    vuint quiet = (bits >> 16) | 0x0040u;  // NaN stays NaN
    return (vuint)select(x != x, (vfloat)quiet, (vfloat)rounded);
}

/// One block of query rows `[first_row, first_row + rows)`, `rows` <= LDB_ATTENTION_QUERY_ROWS.
static void KERNEL(attention_block)(const struct ldb_attention_head *attention, size_t first_row, size_t rows,
                                    float *scratch) {
    const int bfloat16 = attention->bfloat16;
    const float negative_infinity = -__builtin_inff();
    const size_t key_length = attention->key_length, head_size = attention->head_size;
    const size_t value_size = attention->value_size;
    // Packed depths: bfloat16 pairs pad the reduction to even.
    const size_t head_depth = bfloat16 ? (head_size + 1) & ~(size_t)1 : head_size;
    const size_t key_depth = bfloat16 ? (key_length + 1) & ~(size_t)1 : key_length;
    const size_t padded_head = (head_size + 1) & ~(size_t)1;
    const size_t value_rows = (value_size + ROWS - 1) / ROWS * ROWS;
    const size_t panels = (rows + LDB_PANEL_WIDTH - 1) / LDB_PANEL_WIDTH;
    // Scratch, as ldb_attention_scratch_count sizes it. Each query panel's rows are 16 queries wide.
    float *queries = scratch;                                               // [panel][head_depth][16], or pairs
    float *scores = queries + LDB_ATTENTION_QUERY_ROWS * padded_head;       // [panel][key][16]
    uint16_t *pairs = (uint16_t *)(scores + LDB_ATTENTION_QUERY_ROWS * LDB_ATTENTION_KEY_BLOCK);  // [panel][key / 2][16][2]
    float *sums = scores + 2 * LDB_ATTENTION_QUERY_ROWS * LDB_ATTENTION_KEY_BLOCK;  // [panel][value_rows][16]
    float *maxima = sums + LDB_ATTENTION_QUERY_ROWS * (value_size + LDB_PANEL_WIDTH);
    float *totals = maxima + LDB_ATTENTION_QUERY_ROWS;
    float tile[ROWS * LDB_PANEL_WIDTH] __attribute__((aligned(64)));

    // The queries as weight panels: query j of a panel is column j, the head's channels the reduction.
    for (size_t panel = 0; panel < panels; panel++)
        for (size_t p = 0; p < head_depth; p++)
            for (size_t j = 0; j < LDB_PANEL_WIDTH; j++) {
                size_t row = panel * LDB_PANEL_WIDTH + j;
                float value = row < rows && p < head_size
                                  ? attention->query[(ptrdiff_t)(first_row + row) * attention->query_row_stride + (ptrdiff_t)p]
                                  : 0;
                if (bfloat16) {
                    union { float f; uint32_t u; } bits = {ldb_round_to_bfloat16(value)};
                    ((uint16_t *)queries)[((panel * head_depth + (p & ~(size_t)1)) * LDB_PANEL_WIDTH + 2 * j) + (p & 1)] =
                        (uint16_t)(bits.u >> 16);
                } else {
                    queries[(panel * head_depth + p) * LDB_PANEL_WIDTH + j] = value;
                }
            }
    memset(sums, 0, panels * value_rows * LDB_PANEL_WIDTH * sizeof(float));
    for (size_t row = 0; row < panels * LDB_PANEL_WIDTH; row++) {
        maxima[row] = negative_infinity;
        totals[row] = 0;
    }

    // Under a causal mask no row of this block sees a key past its last row.
    const size_t visible_keys = attention->causal && first_row + rows < key_length ? first_row + rows : key_length;
    for (size_t first_key = 0; first_key < visible_keys; first_key += LDB_ATTENTION_KEY_BLOCK) {
        const size_t keys = visible_keys - first_key < LDB_ATTENTION_KEY_BLOCK ? visible_keys - first_key
                                                                               : LDB_ATTENTION_KEY_BLOCK;
        const size_t key_tiles = (keys + ROWS - 1) / ROWS;
        // The depth of this block's probabilities in the product with the values: even for bfloat16 pairs
        // (the extra key, if any, has probability 0 and a zero value).
        const size_t value_depth = bfloat16 ? (keys + 1) & ~(size_t)1 : keys;

        // The scores, unscaled and transposed: each tile of keys times each query panel, the head's channels in
        // slices of at most HEAD_DEPTH_BLOCK so that a panel's slice stays in the L1 cache.
        for (size_t key_tile = 0; key_tile < key_tiles; key_tile++) {
            const float *keys_tile = attention->keys + (first_key / ROWS + key_tile) * head_depth * ROWS;
            const size_t tile_keys = keys - key_tile * ROWS < ROWS ? keys - key_tile * ROWS : ROWS;
            for (size_t first_depth = 0; first_depth < head_depth; first_depth += HEAD_DEPTH_BLOCK) {
                const size_t depth = head_depth - first_depth < HEAD_DEPTH_BLOCK ? head_depth - first_depth : HEAD_DEPTH_BLOCK;
                for (size_t panel = 0; panel < panels; panel++) {
                    const void *query_panel = bfloat16
                        ? (const void *)((const uint16_t *)queries + (panel * head_depth + first_depth) * LDB_PANEL_WIDTH)
                        : (const void *)(queries + (panel * head_depth + first_depth) * LDB_PANEL_WIDTH);
                    attention_tile(bfloat16, depth, keys_tile + first_depth * ROWS, query_panel, tile);
                    float *score = scores + (panel * LDB_ATTENTION_KEY_BLOCK + key_tile * ROWS) * LDB_PANEL_WIDTH;
                    for (size_t r = 0; r < tile_keys; r++)
                        for (int v = 0; v < VECTORS_PER_PANEL; v++) {
                            float *target = score + r * LDB_PANEL_WIDTH + v * LANES;
                            vfloat product = load(tile + r * LDB_PANEL_WIDTH + v * LANES);
                            store(target, first_depth ? load(target) + product : product);
                        }
                }
            }
        }

        // The online softmax, 16 queries at a time: each query's running maximum and total, its sums rescaled
        // when the maximum grows. The maximum is of the unscaled scores (the scale is positive, so scaling keeps
        // it the maximum); the exponentials scale as they read.
        const vfloat scale = splat(attention->scale);
        for (size_t panel = 0; panel < panels; panel++) {
            float *score = scores + panel * LDB_ATTENTION_KEY_BLOCK * LDB_PANEL_WIDTH;
            for (int v = 0; v < VECTORS_PER_PANEL; v++) {
                const size_t lane0 = panel * LDB_PANEL_WIDTH + v * LANES;
                vfloat running = splat(negative_infinity);
                vint query_index;
                for (int lane = 0; lane < LANES; lane++) query_index[lane] = (int32_t)(first_row + lane0 + lane);
                for (size_t k = 0; k < keys; k++) {
                    vfloat values = load(score + k * LDB_PANEL_WIDTH + v * LANES);
                    if (attention->causal) {
                        // Keys past a query get no weight.
                        values = select((vint){0} + (int32_t)(first_key + k) > query_index, splat(negative_infinity), values);
                        store(score + k * LDB_PANEL_WIDTH + v * LANES, values);
                    }
                    running = select(values > running, values, running);
                }
                vfloat previous = load(maxima + lane0);
                vfloat block_maximum = running * scale;
                vfloat maximum = select(block_maximum > previous, block_maximum, previous);
                // A query that has seen no key yet keeps -inf; its exponentials are taken against 0 (giving 0).
                vfloat shift = select(maximum == splat(negative_infinity), splat(0), maximum);
                vfloat factor = select(previous == maximum, splat(1), vexp(previous - shift));
                store(maxima + lane0, maximum);
                vfloat total = load(totals + lane0) * factor;
                for (size_t c = 0; c < value_rows; c++) {
                    float *sum = sums + (panel * value_rows + c) * LDB_PANEL_WIDTH + v * LANES;
                    store(sum, load(sum) * factor);
                }
                for (size_t k = 0; k < keys; k++) {
                    vfloat probability = vexp(load(score + k * LDB_PANEL_WIDTH + v * LANES) * scale - shift);
                    total += probability;
                    if (bfloat16) {
                        vuint bits = bfloat16_bits(probability);
                        uint16_t *pair = pairs + ((panel * LDB_ATTENTION_KEY_BLOCK + (k & ~(size_t)1)) * LDB_PANEL_WIDTH
                                                  + 2 * (size_t)v * LANES) + (k & 1);
                        for (int lane = 0; lane < LANES; lane++) pair[2 * lane] = (uint16_t)bits[lane];
                    } else {
                        store(score + k * LDB_PANEL_WIDTH + v * LANES, probability);
                    }
                }
                if (bfloat16 && keys % 2) {
                    uint16_t *pair = pairs + ((panel * LDB_ATTENTION_KEY_BLOCK + keys - 1) * LDB_PANEL_WIDTH
                                              + 2 * (size_t)v * LANES) + 1;
                    for (int lane = 0; lane < LANES; lane++) pair[2 * lane] = 0;
                }
                store(totals + lane0, total);
            }
        }

        // sums += values (transposed) · probabilities of this block: the block is the depth range
        // [first_key, first_key + keys) of every tile of value channels. Each tile of values stays in the L1 cache
        // while the query panels pass.
        for (size_t value_tile = 0; value_tile < value_rows / ROWS; value_tile++) {
            const float *values_tile = attention->values + (value_tile * key_depth + first_key) * ROWS;
            for (size_t panel = 0; panel < panels; panel++) {
                const void *probabilities = bfloat16
                    ? (const void *)(pairs + panel * LDB_ATTENTION_KEY_BLOCK * LDB_PANEL_WIDTH)
                    : (const void *)(scores + panel * LDB_ATTENTION_KEY_BLOCK * LDB_PANEL_WIDTH);
                attention_tile(bfloat16, value_depth, values_tile, probabilities, tile);
                float *sum = sums + (panel * value_rows + value_tile * ROWS) * LDB_PANEL_WIDTH;
                for (size_t r = 0; r < ROWS; r++)
                    for (int v = 0; v < VECTORS_PER_PANEL; v++)
                        store(sum + r * LDB_PANEL_WIDTH + v * LANES,
                              load(sum + r * LDB_PANEL_WIDTH + v * LANES) + load(tile + r * LDB_PANEL_WIDTH + v * LANES));
            }
        }
    }

    for (size_t row = 0; row < rows; row++) {
        float *target = attention->output + (ptrdiff_t)(first_row + row) * attention->output_row_stride;
        float reciprocal = totals[row] > 0 ? 1 / totals[row] : 0;
        const float *sum = sums + ((row / LDB_PANEL_WIDTH) * value_rows) * LDB_PANEL_WIDTH + row % LDB_PANEL_WIDTH;
        for (size_t c = 0; c < value_size; c++) target[c] = sum[c * LDB_PANEL_WIDTH] * reciprocal;
    }
}

static void KERNEL(attention)(const struct ldb_attention_head *attention, size_t row_begin, size_t row_end,
                              float *scratch) {
    for (size_t first = row_begin; first < row_end; first += LDB_ATTENTION_QUERY_ROWS) {
        size_t rows = row_end - first < LDB_ATTENTION_QUERY_ROWS ? row_end - first : LDB_ATTENTION_QUERY_ROWS;
        KERNEL(attention_block)(attention, first, rows, scratch);
    }
}
