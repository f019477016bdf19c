/// Multi-head scaled dot-product attention, `softmax(q kᵀ / √d) v` per head, as
/// `torch.nn.functional.scaled_dot_product_attention` applied after diffusers splits the heads.
///
/// The inputs keep the heads side by side in their last dimension (`[B, L, heads · d]`, the layout of the
/// `to_q`/`to_k`/`to_v` projections), and each head is read in place through BLAS leading dimensions, so no
/// transposes are made. The work is split into tasks of one head and `queryChunkSize` query rows each; the
/// workers take the tasks in turn, each with its own block of scores and single-threaded matrix products, so
/// a 4096-token self-attention never materialises 4096×4096 scores.
///
/// - Parameters:
///   - query: `[B, Lq, heads · d]`.
///   - key: `[B, Lk, heads · d]`.
///   - value: `[B, Lk, heads · dv]`.
///   - heads: the number of heads the channels split into.
///   - causal: when `true`, query `i` attends only to keys `0...i` (CLIP's text encoder), as
///     `is_causal=True`.
///   - queryChunkSize: the number of query rows whose scores are computed together; by default as many as
///     keep one block of scores within `attentionScoreBudget` floats.
/// - Returns: `[B, Lq, heads · dv]`, heads side by side again, ready for `to_out`.
public func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, causal: Bool = false,
                      queryChunkSize: Int? = nil) -> Tensor {
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
    var result = Tensor.uninitializedScalars(count: batch * queryLength * valueChannels)
    let chunkSize = min(queryLength, queryChunkSize ?? max(1, attentionScoreBudget / keyLength))
    let chunksPerHead = (queryLength + chunkSize - 1) / chunkSize
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: Parallel.workerCount * chunkSize * keyLength)
    defer { scores.deallocate() }
    query.scalars.withUnsafeBufferPointer { query in
        key.scalars.withUnsafeBufferPointer { key in
            value.scalars.withUnsafeBufferPointer { value in
                result.withUnsafeMutableBufferPointer { output in
                    let query = query.baseAddress!, key = key.baseAddress!, value = value.baseAddress!
                    nonisolated(unsafe) let output = output.baseAddress!
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
        }
    }
    return Tensor(shape: [batch, queryLength, valueChannels], scalars: result)
}

/// The most attention scores one worker holds at once by default (4 MiB: 256 query rows of a 4096-token
/// self-attention). Measured at SD 1.5's shapes (kernel-benchmark), 64 rows, which fit the L2 cache, were slower:
/// OpenBLAS repacks a head's keys and values for every block, and larger blocks pay that less often.
public let attentionScoreBudget = 1 << 20
