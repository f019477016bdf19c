import CTensorKernels

/// The arithmetic of attention's two matrix products.
public enum AttentionPrecision: Sendable {
    /// float32 throughout, matched to PyTorch's float32 attention.
    case float32
    /// The bfloat16 compute mode: queries, keys, values and the softmax probabilities rounded to bfloat16 where
    /// they enter a product; products accumulated, scores and the softmax computed in float32.
    case bfloat16
}

/// Multi-head scaled dot-product attention, `softmax(q kᵀ / √d) v` per head, as
/// `torch.nn.functional.scaled_dot_product_attention` applied after diffusers splits the heads.
///
/// The inputs keep the heads side by side in their last dimension (`[B, L, heads · d]`, the layout of the
/// `to_q`/`to_k`/`to_v` projections), and each head is read in place, so no transposes are made. Each head's keys
/// and values are packed once (in parallel over heads), then the work is split into tasks of one head and
/// `queryChunkSize` query rows, which the workers take in turn through the fused kernel (`ldb_attention`): blocks of
/// queries against blocks of keys with a running softmax, so no more than a block of scores ever exists. float32
/// shapes where the fused kernel measured slower (`fusedAttentionIsFaster`) take the score-block path instead:
/// per task, the scores by one sgemm, a softmax per row, and the product with the values by another. See
/// docs/algorithm.md, "Attention".
///
/// - Parameters:
///   - query: `[B, Lq, heads · d]`.
///   - key: `[B, Lk, heads · d]`.
///   - value: `[B, Lk, heads · dv]`.
///   - heads: the number of heads the channels split into.
///   - causal: when `true`, query `i` attends only to keys `0...i` (CLIP's text encoder), as
///     `is_causal=True`.
///   - precision: float32 (the default), or the bfloat16 compute mode's arithmetic.
///   - queryChunkSize: the number of query rows of one task; by default two of the fused kernel's query blocks,
///     or on the score-block path as many as keep one block of scores within `attentionScoreBudget` floats.
/// - Returns: `[B, Lq, heads · dv]`, heads side by side again, ready for `to_out`.
public func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, causal: Bool = false,
                      precision: AttentionPrecision = .float32, queryChunkSize: Int? = nil) -> Tensor {
    precondition(query.rank == 3 && key.rank == 3 && value.rank == 3,
                 "attention: query \(query.shape), key \(key.shape) and value \(value.shape) must be [B, L, C]")
    let (batch, queryLength, channels) = (query.shape[0], query.shape[1], query.shape[2])
    let (keyLength, valueChannels) = (key.shape[1], value.shape[2])
    precondition(key.shape[0] == batch && value.shape[0] == batch && key.shape[2] == channels && value.shape[1] == keyLength,
                 "attention: query \(query.shape), key \(key.shape) and value \(value.shape) do not match")
    precondition(heads > 0 && channels > 0 && channels % heads == 0 && valueChannels % heads == 0,
                 "attention: \(heads) heads do not divide \(channels) query or \(valueChannels) value channels")
    precondition(queryChunkSize.map { $0 > 0 } ?? true, "attention: query chunk size \(queryChunkSize ?? 0) must be positive")
    let headSize = channels / heads, valueHeadSize = valueChannels / heads
    let scale = 1 / Float(headSize).squareRoot()

    guard batch * queryLength * valueChannels > 0, keyLength > 0 else {
        return Tensor(shape: [batch, queryLength, valueChannels])
    }
    if precision == .float32 && !fusedAttentionIsFaster(queryLength: queryLength, headSize: headSize) {
        return attentionByScoreBlocks(query: query, key: key, value: value, heads: heads, causal: causal,
                                      queryChunkSize: queryChunkSize)
    }
    let bfloat16: Int32 = precision == .bfloat16 ? 1 : 0
    let tileRows = ldb_kernels_in_use().pointee.tile_rows
    let keyElements = ldb_tiled_count(keyLength, headSize, tileRows, bfloat16)
    let headElements = keyElements + ldb_tiled_count(valueHeadSize, keyLength, tileRows, bfloat16)
    let packed = UnsafeMutablePointer<Float>.allocate(capacity: batch * heads * headElements)
    defer { packed.deallocate() }
    let scratchCount = ldb_attention_scratch_count(headSize, valueHeadSize)
    let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Parallel.workerCount * scratchCount)
    defer { scratch.deallocate() }
    let chunkSize = min(queryLength, queryChunkSize ?? 2 * Int(LDB_ATTENTION_QUERY_ROWS))
    let chunksPerHead = (queryLength + chunkSize - 1) / chunkSize
    return attentionResult(query: query, key: key, value: value) { query, key, value, output in
        nonisolated(unsafe) let output = output
        // A head's keys, keyLength rows of headSize, and its values transposed, valueHeadSize rows of
        // keyLength, in the micro-kernels' tiles.
        Parallel.forEachTask(count: batch * heads) { _, itemHead in
            let (item, head) = itemHead.quotientAndRemainder(dividingBy: heads)
            let packedKeys = packed + itemHead * headElements
            ldb_pack_tiles(key + item * keyLength * channels + head * headSize, keyLength, headSize,
                           channels, 1, tileRows, bfloat16, packedKeys)
            ldb_pack_tiles(value + item * keyLength * valueChannels + head * valueHeadSize, valueHeadSize,
                           keyLength, 1, valueChannels, tileRows, bfloat16, packedKeys + keyElements)
        }
        Parallel.forEachTask(count: batch * heads * chunksPerHead) { worker, task in
            let (itemHead, chunk) = task.quotientAndRemainder(dividingBy: chunksPerHead)
            let (item, head) = itemHead.quotientAndRemainder(dividingBy: heads)
            let packedKeys = packed + itemHead * headElements
            var description = ldb_attention_head(
                query_length: queryLength, key_length: keyLength, head_size: headSize,
                value_size: valueHeadSize,
                query: query + item * queryLength * channels + head * headSize, query_row_stride: channels,
                keys: packedKeys, values: packedKeys + keyElements, bfloat16: bfloat16,
                scale: scale, causal: causal ? 1 : 0,
                output: output + item * queryLength * valueChannels + head * valueHeadSize,
                output_row_stride: valueChannels)
            let firstRow = chunk * chunkSize
            ldb_attention(&description, firstRow, min(queryLength, firstRow + chunkSize),
                          scratch + worker * scratchCount)
        }
    }
}

/// Whether the fused kernel beats the score-block path for float32 attention of this shape. Measured at SD 1.5's
/// shapes (Benchmarks/kernels/run.sh, BENCHMARKS.md "Fused attention"): faster with heads of 40 and 80 channels
/// from 256 queries up; slower with heads of 160 (the UNet's deepest level) and 512 (the VAE's single head), and
/// with CLIP's 77 queries, less than one of the kernel's query blocks.
func fusedAttentionIsFaster(queryLength: Int, headSize: Int) -> Bool {
    headSize <= 80 && queryLength >= Int(LDB_ATTENTION_QUERY_ROWS)
}

/// float32 attention by blocks of scores: per head and chunk of query rows, the scores by one sgemm, a softmax per
/// row, and the product with the values by another, each worker holding one block of `queryChunkSize` x keys
/// scores (by default as many rows as keep `attentionScoreBudget` floats).
func attentionByScoreBlocks(query: Tensor, key: Tensor, value: Tensor, heads: Int, causal: Bool,
                            queryChunkSize: Int?) -> Tensor {
    let (batch, queryLength, channels) = (query.shape[0], query.shape[1], query.shape[2])
    let (keyLength, valueChannels) = (key.shape[1], value.shape[2])
    let headSize = channels / heads, valueHeadSize = valueChannels / heads
    let scale = 1 / Float(headSize).squareRoot()
    let chunkSize = min(queryLength, queryChunkSize ?? max(1, attentionScoreBudget / keyLength))
    let chunksPerHead = (queryLength + chunkSize - 1) / chunkSize
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: Parallel.workerCount * chunkSize * keyLength)
    defer { scores.deallocate() }
    return attentionResult(query: query, key: key, value: value) { query, key, value, output in
        nonisolated(unsafe) let output = output
        Parallel.forEachTask(count: batch * heads * chunksPerHead) { worker, task in
            let (itemHead, chunk) = task.quotientAndRemainder(dividingBy: chunksPerHead)
            let (item, head) = itemHead.quotientAndRemainder(dividingBy: heads)
            let firstRow = chunk * chunkSize
            let rows = min(chunkSize, queryLength - firstRow)
            // Under a causal mask no row of this chunk sees a key past its last row.
            let keys = causal ? min(keyLength, firstRow + rows) : keyLength
            let queryHead = query + item * queryLength * channels + head * headSize
            let keyHead = key + item * keyLength * channels + head * headSize
            let valueHead = value + item * keyLength * valueChannels + head * valueHeadSize
            let outputHead = output + item * queryLength * valueChannels + head * valueHeadSize
            let chunkScores = scores + worker * chunkSize * keyLength
            sgemm(transposeB: true, m: rows, n: keys, k: headSize, alpha: scale,
                  a: queryHead + firstRow * channels, lda: channels,
                  b: keyHead, ldb: channels, c: chunkScores, ldc: keys, splitAcrossCores: false)
            for row in 0..<rows {
                let scoreRow = chunkScores + row * keys
                if causal {
                    let visible = min(keys, firstRow + row + 1)
                    (scoreRow + visible).update(repeating: -.infinity, count: keys - visible)
                }
                Tensor.softmaxInPlace(scoreRow, count: keys)
            }
            sgemm(m: rows, n: valueHeadSize, k: keys,
                  a: chunkScores, lda: keys, b: valueHead, ldb: valueChannels,
                  c: outputHead + firstRow * valueChannels, ldc: valueChannels, splitAcrossCores: false)
        }
    }
}

/// The most attention scores one worker of the score-block path holds at once by default (4 MiB: 256 query rows
/// of a 4096-token self-attention). Measured at SD 1.5's shapes (kernel-benchmark), 64 rows, which fit the L2 cache,
/// were slower: OpenBLAS repacks a head's keys and values for every block, and larger blocks pay that less often.
let attentionScoreBudget = 1 << 20

/// At most the bytes `attention` allocates besides its result for keys and values of `[batch, keyLength, channels]`
/// split into `heads` heads, whatever the query length and the path: the fused kernel's packed keys and values
/// and one block of scratch per worker, or the score-block path's blocks.
public func attentionWorkspaceBytes(batch: Int, keyLength: Int, channels: Int, heads: Int) -> Int {
    let headSize = channels / max(1, heads)
    let tileRows = ldb_kernels_in_use().pointee.tile_rows
    let packed = batch * heads * (ldb_tiled_count(keyLength, headSize, tileRows, 0) + ldb_tiled_count(headSize, keyLength, tileRows, 0))
    let fused = packed + Parallel.workerCount * ldb_attention_scratch_count(headSize, headSize)
    let scoreBlocks = Parallel.workerCount * max(attentionScoreBudget, keyLength)
    return max(fused, scoreBlocks) * MemoryLayout<Float>.stride
}

/// A `[batch, queryLength, valueChannels]` attention result, every element written by `body`, which is given the
/// base addresses of the query, key and value scalars and of the result's.
private func attentionResult(
    query: Tensor, key: Tensor, value: Tensor,
    _ body: (UnsafePointer<Float>, UnsafePointer<Float>, UnsafePointer<Float>, UnsafeMutablePointer<Float>) -> Void
) -> Tensor {
    let shape = [query.shape[0], query.shape[1], value.shape[2]]
    var result = Tensor.uninitializedScalars(count: shape.reduce(1, *))
    query.scalars.withUnsafeBufferPointer { query in
        key.scalars.withUnsafeBufferPointer { key in
            value.scalars.withUnsafeBufferPointer { value in
                result.withUnsafeMutableBufferPointer { output in
                    body(query.baseAddress!, key.baseAddress!, value.baseAddress!, output.baseAddress!)
                }
            }
        }
    }
    return Tensor(shape: shape, scalars: result)
}
