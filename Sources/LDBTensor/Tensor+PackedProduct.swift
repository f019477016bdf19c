import CTensorKernels

extension Tensor {
    /// `linear(weight:bias:)` with a packed bfloat16 weight: the input rounded to bfloat16, the products
    /// accumulated in float32, the bias added in float32.
    public func linear(weight: PackedWeight, bias: Tensor? = nil) -> Tensor {
        precondition(rank >= 1 && weight.shape.count == 2 && weight.depth == shape[rank - 1],
                     "linear: input \(shape) does not fit weight \(weight.shape) ([out, in])")
        let inFeatures = weight.depth, outFeatures = weight.columns
        return linearResult(outFeatures: outFeatures, bias: bias) { input, output, rows, accumulate in
            packedProduct(rows: rows, a: input, aRowStride: inFeatures, aDepthStride: 1, weight: weight,
                          c: output, cRowStride: outFeatures, cColumnStride: 1, accumulate: accumulate)
        }
    }

    /// `conv2d(weight:bias:stride:padding:)` with a packed bfloat16 weight, by im2col: each band of unfolded
    /// input (rounded to bfloat16 as it is read) is multiplied by the packed weight, accumulated in float32.
    public func conv2d(weight: PackedWeight, bias: Tensor? = nil, stride: Int = 1, padding: Padding2D = 0) -> Tensor {
        precondition(rank == 4 && weight.shape.count == 4 && weight.shape[1] == shape[1],
                     "conv2d: input \(shape) ([N, I, H, W]) does not fit weight \(weight.shape) ([O, I, kh, kw])")
        let geometry = ConvolutionGeometry(input: shape, weight: weight.shape, stride: stride, padding: padding)
        let (batch, inChannels, outChannels) = (shape[0], shape[1], weight.shape[0])
        precondition(bias.map { $0.shape == [outChannels] } ?? true,
                     "conv2d: bias \(bias?.shape ?? []) is not [\(outChannels)]")
        let outPlane = geometry.outHeight * geometry.outWidth, inPlane = shape[2] * shape[3]
        var result = Self.uninitializedScalars(count: batch * outChannels * outPlane)
        scalars.withUnsafeBufferPointer { input in
            result.withUnsafeMutableBufferPointer { output in
                guard let input = input.baseAddress, let output = output.baseAddress else { return }
                if let bias {
                    for plane in 0..<(batch * outChannels) {
                        (output + plane * outPlane).update(repeating: bias.scalars[plane % outChannels], count: outPlane)
                    }
                }
                // Positions are the product's rows and channels its columns, so both A and C are read transposed.
                if geometry.isPointwise {
                    for item in 0..<batch {
                        packedProduct(rows: inPlane, a: input + item * inChannels * inPlane, aRowStride: 1,
                                      aDepthStride: inPlane, weight: weight,
                                      c: output + item * outChannels * outPlane, cRowStride: 1, cColumnStride: outPlane,
                                      accumulate: bias != nil)
                    }
                    return
                }
                geometry.forEachUnfoldedBand(of: input, batch: batch, budget: Self.im2colBudget) { item, rows, columns in
                    let bandWidth = rows.count * geometry.outWidth
                    packedProduct(rows: bandWidth, a: columns, aRowStride: 1, aDepthStride: bandWidth, weight: weight,
                                  c: output + item * outChannels * outPlane + rows.lowerBound * geometry.outWidth,
                                  cRowStride: 1, cColumnStride: outPlane, accumulate: bias != nil)
                }
            }
        }
        return Tensor(shape: [batch, outChannels, geometry.outHeight, geometry.outWidth], scalars: result)
    }
}

/// `C (+)= A · weight`, A being `rows × weight.depth` and C `rows × weight.columns`, each element at the given
/// strides; split across the workers by rows, or by column panels when there are few rows.
func packedProduct(rows: Int, a: UnsafePointer<Float>, aRowStride: Int, aDepthStride: Int, weight: PackedWeight,
                   c: UnsafeMutablePointer<Float>, cRowStride: Int, cColumnStride: Int, accumulate: Bool) {
    let columns = weight.columns, depth = weight.depth
    guard rows > 0, columns > 0 else { return }
    let panelWidth = Int(LDB_PANEL_WIDTH)
    let panels = (columns + panelWidth - 1) / panelWidth
    let enoughWork = rows * columns * depth >= BLASThreads.splitThreshold
    let splitRows = rows >= 16 * Parallel.workerCount
    let parts = enoughWork ? min(Parallel.workerCount, splitRows ? rows / 16 : panels) : 1
    weight.bits.withUnsafeBufferPointer { bits in
        let packed = UnsafeRawPointer(bits.baseAddress!)
        nonisolated(unsafe) let c = c
        Parallel.forEachTask(count: parts) { _, part in
            if splitRows {
                let first = rows * part / parts, end = rows * (part + 1) / parts
                var product = ldb_product(
                    rows: end - first, depth: depth, columns: columns, a: a + first * aRowStride,
                    a_row_stride: aRowStride, a_depth_stride: aDepthStride, weight: packed, weight_is_bfloat16: 1,
                    c: c + first * cRowStride, c_row_stride: cRowStride, c_column_stride: cColumnStride,
                    accumulate: accumulate ? 1 : 0)
                ldb_packed_product(&product, 0, columns)
            } else {
                let first = panels * part / parts * panelWidth
                let end = min(columns, panels * (part + 1) / parts * panelWidth)
                var product = ldb_product(
                    rows: rows, depth: depth, columns: columns, a: a, a_row_stride: aRowStride,
                    a_depth_stride: aDepthStride, weight: packed, weight_is_bfloat16: 1, c: c, c_row_stride: cRowStride,
                    c_column_stride: cColumnStride, accumulate: accumulate ? 1 : 0)
                if first < end { ldb_packed_product(&product, first, end) }
            }
        }
    }
}
