/// Multi-head scaled dot-product attention, `softmax(q kᵀ / √d) v` per head, as
/// `torch.nn.functional.scaled_dot_product_attention` applied after diffusers splits the heads.
///
/// The inputs keep the heads side by side in their last dimension (`[B, L, heads · d]`, the layout of the
/// `to_q`/`to_k`/`to_v` projections), and each head is read in place through BLAS leading dimensions, so no
/// transposes are made. Queries are processed `queryChunkSize` rows at a time, so at most
/// `queryChunkSize × Lk` scores exist at once (a 4096-token self-attention never materialises 4096×4096).
///
/// - Parameters:
///   - query: `[B, Lq, heads · d]`.
///   - key: `[B, Lk, heads · d]`.
///   - value: `[B, Lk, heads · dv]`.
///   - heads: the number of heads the channels split into.
///   - causal: when `true`, query `i` attends only to keys `0...i` (CLIP's text encoder), as
///     `is_causal=True`.
///   - queryChunkSize: the number of query rows whose scores are computed together.
/// - Returns: `[B, Lq, heads · dv]`, heads side by side again, ready for `to_out`.
public func attention(query: Tensor, key: Tensor, value: Tensor, heads: Int, causal: Bool = false,
                      queryChunkSize: Int = 1024) -> Tensor {
    precondition(query.rank == 3 && key.rank == 3 && value.rank == 3,
                 "attention: query \(query.shape), key \(key.shape) and value \(value.shape) must be [B, L, C]")
    let (batch, queryLength, channels) = (query.shape[0], query.shape[1], query.shape[2])
    let (keyLength, valueChannels) = (key.shape[1], value.shape[2])
    precondition(key.shape[0] == batch && value.shape[0] == batch && key.shape[2] == channels && value.shape[1] == keyLength,
                 "attention: query \(query.shape), key \(key.shape) and value \(value.shape) do not match")
    precondition(heads > 0 && channels > 0 && channels % heads == 0 && valueChannels % heads == 0,
                 "attention: \(heads) heads do not divide \(channels) query or \(valueChannels) value channels")
    precondition(queryChunkSize > 0, "attention: query chunk size \(queryChunkSize) must be positive")
    let headSize = channels / heads, valueHeadSize = valueChannels / heads
    let scale = 1 / Float(headSize).squareRoot()
    let chunkSize = min(queryChunkSize, queryLength)

    var result = [Float](repeating: 0, count: batch * queryLength * valueChannels)
    guard !result.isEmpty, keyLength > 0 else {
        return Tensor(shape: [batch, queryLength, valueChannels], scalars: result)
    }
    let scores = UnsafeMutablePointer<Float>.allocate(capacity: chunkSize * keyLength)
    defer { scores.deallocate() }
    query.scalars.withUnsafeBufferPointer { query in
        key.scalars.withUnsafeBufferPointer { key in
            value.scalars.withUnsafeBufferPointer { value in
                result.withUnsafeMutableBufferPointer { output in
                    let query = query.baseAddress!, key = key.baseAddress!, value = value.baseAddress!
                    let output = output.baseAddress!
                    for item in 0..<batch {
                        for head in 0..<heads {
                            let queryHead = query + item * queryLength * channels + head * headSize
                            let keyHead = key + item * keyLength * channels + head * headSize
                            let valueHead = value + item * keyLength * valueChannels + head * valueHeadSize
                            let outputHead = output + item * queryLength * valueChannels + head * valueHeadSize
                            for firstRow in stride(from: 0, to: queryLength, by: chunkSize) {
                                let rows = min(chunkSize, queryLength - firstRow)
                                // Under a causal mask no row of this chunk sees a key past its last row.
                                let keys = causal ? min(keyLength, firstRow + rows) : keyLength
                                sgemm(transposeB: true, m: rows, n: keys, k: headSize, alpha: scale,
                                      a: queryHead + firstRow * channels, lda: channels,
                                      b: keyHead, ldb: channels, c: scores, ldc: keys)
                                softmaxRows(scores, rows: rows, width: keys, causalFirstRow: causal ? firstRow : nil)
                                sgemm(m: rows, n: valueHeadSize, k: keys,
                                      a: scores, lda: keys, b: valueHead, ldb: valueChannels,
                                      c: outputHead + firstRow * valueChannels, ldc: valueChannels)
                            }
                        }
                    }
                }
            }
        }
    }
    return Tensor(shape: [batch, queryLength, valueChannels], scalars: result)
}

/// Softmax of each of `rows` rows of `width` scores, in parallel. With `causalFirstRow`, row `r` is query
/// `causalFirstRow + r` and its keys after that position are masked out first.
private func softmaxRows(_ scores: UnsafeMutablePointer<Float>, rows: Int, width: Int, causalFirstRow: Int?) {
    Parallel.forEachChunk(of: rows, minimumChunk: max(1, Tensor.elementwiseGrain / width)) { rowRange in
        for row in rowRange {
            let scoreRow = scores + row * width
            if let causalFirstRow {
                let visible = min(width, causalFirstRow + row + 1)
                (scoreRow + visible).update(repeating: -.infinity, count: width - visible)
            }
            Tensor.softmaxInPlace(scoreRow, count: width)
        }
    }
}
