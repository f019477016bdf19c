// The body of the fused attention declared in CTensorKernels.h (ldb_attention), included once per instruction set
// after PackedProductBodies.h, whose register-tile micro-kernels (tile_float32, tile_bfloat16) it reuses: the keys
// and the transposed values are packed like weights, and a block of queries, then a block of probabilities, plays
// the part of the product's A. See docs/algorithm.md, "Attention".

#define HEAD_DEPTH_BLOCK 256

_Static_assert(LDB_ATTENTION_QUERY_ROWS % ROWS == 0, "a query block is whole register tiles");
_Static_assert(LDB_ATTENTION_KEY_BLOCK % (2 * LDB_PANEL_WIDTH) == 0, "a key block is whole panels, even keys");

/// `tile` (ROWS x LDB_PANEL_WIDTH) = one tile of A, `[depth][ROWS]`, times the packed panel at `b`.
LDB_INLINE void attention_tile(int bfloat16, size_t depth, const float *a, const void *b, float *tile) {
    if (bfloat16)
        KERNEL(tile_bfloat16)(depth, a, (const uint16_t *)b, tile);
    else
        KERNEL(tile_float32)(depth, a, (const float *)b, tile);
}

/// Each lane rounded to the nearest bfloat16 (ties to even), as ldb_round_to_bfloat16; NaN stays NaN.
LDB_INLINE vfloat round_to_bfloat16(vfloat x) {
    vuint bits = (vuint)x;
    vfloat rounded = (vfloat)((bits + 0x7FFFu + ((bits >> 16) & 1u)) & 0xFFFF0000u);
    return select(x != x, x, rounded);
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
    const size_t value_panels = (value_size + LDB_PANEL_WIDTH - 1) / LDB_PANEL_WIDTH;
    const size_t padded_value = value_panels * LDB_PANEL_WIDTH;
    const size_t tiles = (rows + ROWS - 1) / ROWS;
    // Scratch, as ldb_attention_scratch_count sizes it.
    float *queries = scratch;                                                   // [tile][head_depth][ROWS]
    float *scores = queries + LDB_ATTENTION_QUERY_ROWS * padded_head;           // [row][LDB_ATTENTION_KEY_BLOCK]
    float *probabilities = scores + LDB_ATTENTION_QUERY_ROWS * LDB_ATTENTION_KEY_BLOCK;  // [tile][keys][ROWS]
    float *sums = probabilities + LDB_ATTENTION_QUERY_ROWS * LDB_ATTENTION_KEY_BLOCK;    // [row][padded_value]
    float *maxima = sums + LDB_ATTENTION_QUERY_ROWS * padded_value;
    float *totals = maxima + LDB_ATTENTION_QUERY_ROWS;
    float tile[ROWS * LDB_PANEL_WIDTH] __attribute__((aligned(64)));

    for (size_t t = 0; t < tiles; t++)
        for (size_t p = 0; p < head_depth; p++)
            for (size_t r = 0; r < ROWS; r++) {
                size_t row = t * ROWS + r;
                float value = row < rows && p < head_size
                                  ? attention->query[(ptrdiff_t)(first_row + row) * attention->query_row_stride + (ptrdiff_t)p]
                                  : 0;
                queries[(t * head_depth + p) * ROWS + r] = bfloat16 ? ldb_round_to_bfloat16(value) : value;
            }
    memset(sums, 0, tiles * ROWS * padded_value * sizeof(float));
    for (size_t row = 0; row < tiles * ROWS; row++) {
        maxima[row] = negative_infinity;
        totals[row] = 0;
    }

    // Under a causal mask no row of this block sees a key past its last row.
    const size_t visible_keys = attention->causal && first_row + rows < key_length ? first_row + rows : key_length;
    for (size_t first_key = 0; first_key < visible_keys; first_key += LDB_ATTENTION_KEY_BLOCK) {
        const size_t keys = visible_keys - first_key < LDB_ATTENTION_KEY_BLOCK ? visible_keys - first_key
                                                                               : LDB_ATTENTION_KEY_BLOCK;
        const size_t key_panels = (keys + LDB_PANEL_WIDTH - 1) / LDB_PANEL_WIDTH;
        // The depth of this block's probabilities in the product with the values: even for bfloat16 pairs
        // (the extra key, if any, has probability 0 and a zero value).
        const size_t value_depth = bfloat16 ? (keys + 1) & ~(size_t)1 : keys;

        // The scores, unscaled: the queries times the key panels of this block, in slices of at most
        // HEAD_DEPTH_BLOCK of the head so that a panel's slice stays in the L1 cache while the query tiles pass.
        for (size_t panel = 0; panel < key_panels; panel++) {
            const size_t global_panel = first_key / LDB_PANEL_WIDTH + panel;
            for (size_t first_depth = 0; first_depth < head_depth; first_depth += HEAD_DEPTH_BLOCK) {
                const size_t depth = head_depth - first_depth < HEAD_DEPTH_BLOCK ? head_depth - first_depth : HEAD_DEPTH_BLOCK;
                const size_t offset = (global_panel * head_depth + first_depth) * LDB_PANEL_WIDTH;
                const void *key_panel = bfloat16 ? (const void *)((const uint16_t *)attention->keys + offset)
                                                 : (const void *)((const float *)attention->keys + offset);
                for (size_t t = 0; t < tiles; t++) {
                    attention_tile(bfloat16, depth, queries + (t * head_depth + first_depth) * ROWS, key_panel, tile);
                    for (size_t r = 0; r < ROWS; r++) {
                        float *score = scores + (t * ROWS + r) * LDB_ATTENTION_KEY_BLOCK + panel * LDB_PANEL_WIDTH;
                        for (int v = 0; v < VECTORS_PER_PANEL; v++) {
                            vfloat product = load(tile + r * LDB_PANEL_WIDTH + v * LANES);
                            store(score + v * LANES, first_depth ? load(score + v * LANES) + product : product);
                        }
                    }
                }
            }
        }

        // The online softmax: each row's running maximum and total, its sums rescaled when the maximum grows.
        for (size_t row = 0; row < tiles * ROWS; row++) {
            float *line = scores + row * LDB_ATTENTION_KEY_BLOCK;
            // Keys past the block's end, or past the row under a causal mask, get no weight.
            size_t seen = keys;
            if (attention->causal) {
                size_t last = first_row + row;  // the row's own key is its last
                seen = last < first_key ? 0 : last - first_key + 1 < keys ? last - first_key + 1 : keys;
            }
            if (row >= rows) seen = 0;
            // The maximum of the unscaled scores (the scale is positive, so scaling keeps it the maximum): the
            // exponentials below scale as they read, with no scaled copy written.
            vfloat running = splat(negative_infinity);
            size_t full = seen - seen % LANES;
            for (size_t k = 0; k < full; k += LANES) {
                vfloat values = load(line + k);
                running = select(values > running, values, running);
            }
            for (size_t k = full; k < seen; k++) running[0] = line[k] > running[0] ? line[k] : running[0];
            float block_maximum = horizontal_max(running) * attention->scale;
            float maximum = block_maximum > maxima[row] ? block_maximum : maxima[row];
            float *probability = probabilities + (row / ROWS) * value_depth * ROWS + row % ROWS;
            if (!(maximum > negative_infinity)) {  // nothing seen yet
                for (size_t k = 0; k < value_depth; k++) probability[k * ROWS] = 0;
                continue;
            }
            if (maximum > maxima[row]) {
                float factor = maxima[row] > negative_infinity ? expf(maxima[row] - maximum) : 0;
                totals[row] *= factor;
                float *sum = sums + row * padded_value;
                for (size_t c = 0; c < padded_value; c += LANES) store(sum + c, load(sum + c) * factor);
                maxima[row] = maximum;
            }
            vfloat total = splat(0), shift = splat(maximum), scale = splat(attention->scale);
            for (size_t k = 0; k < full; k += LANES) {
                vfloat values = vexp(load(line + k) * scale - shift);
                total += values;
                if (bfloat16) values = round_to_bfloat16(values);
                for (int lane = 0; lane < LANES; lane++) probability[(k + lane) * ROWS] = values[lane];
            }
            if (full < seen) {
                vfloat values = vexp(load_partial(line + full, seen - full, negative_infinity) * scale - shift);
                total += values;
                if (bfloat16) values = round_to_bfloat16(values);
                for (size_t k = full; k < seen; k++) probability[k * ROWS] = values[k - full];
            }
            for (size_t k = seen; k < value_depth; k++) probability[k * ROWS] = 0;
            totals[row] += (float)horizontal_sum(total);
        }

        // sums += probabilities · values of this block: the block is the depth range [first_key, first_key + keys)
        // of every value panel.
        for (size_t panel = 0; panel < value_panels; panel++) {
            const size_t offset = (panel * key_depth + first_key) * LDB_PANEL_WIDTH;
            const void *value_panel = bfloat16 ? (const void *)((const uint16_t *)attention->values + offset)
                                               : (const void *)((const float *)attention->values + offset);
            for (size_t t = 0; t < tiles; t++) {
                attention_tile(bfloat16, value_depth, probabilities + t * value_depth * ROWS, value_panel, tile);
                for (size_t r = 0; r < ROWS; r++) {
                    float *sum = sums + (t * ROWS + r) * padded_value + panel * LDB_PANEL_WIDTH;
                    for (int v = 0; v < VECTORS_PER_PANEL; v++)
                        store(sum + v * LANES, load(sum + v * LANES) + load(tile + r * LDB_PANEL_WIDTH + v * LANES));
                }
            }
        }
    }

    for (size_t row = 0; row < rows; row++) {
        float *target = attention->output + (ptrdiff_t)(first_row + row) * attention->output_row_stride;
        float reciprocal = totals[row] > 0 ? 1 / totals[row] : 0;
        const float *sum = sums + row * padded_value;
        for (size_t c = 0; c < value_size; c++) target[c] = sum[c] * reciprocal;
    }
}

static void KERNEL(attention)(const struct ldb_attention_head *attention, size_t row_begin, size_t row_end, float *scratch) {
    for (size_t first = row_begin; first < row_end; first += LDB_ATTENTION_QUERY_ROWS) {
        size_t rows = row_end - first < LDB_ATTENTION_QUERY_ROWS ? row_end - first : LDB_ATTENTION_QUERY_ROWS;
        KERNEL(attention_block)(attention, first, rows, scratch);
    }
}
