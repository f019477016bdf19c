extension Tensor {
    /// The most floats the im2col buffer of one convolution may hold (16 MiB); larger outputs are computed
    /// in bands of output rows so memory stays bounded whatever the image size.
    static let im2colBudget = 1 << 22

    /// A 2-D convolution (cross-correlation, groups = 1) of a `[N, I, H, W]` tensor, as
    /// `torch.nn.functional.conv2d`.
    ///
    /// A 1×1 kernel with stride 1 and no padding is a single matrix product per batch item. A 3×3 kernel at
    /// stride 1 with padding 1 on an image of at least `winogradMinimumPlane` positions uses Winograd
    /// F(2×2, 3×3), which needs 2.25× fewer multiplications. Any other kernel unfolds the input (im2col) one band
    /// of output rows at a time and multiplies each band by the weight matrix with OpenBLAS.
    ///
    /// - Parameters:
    ///   - weight: `[O, I, kh, kw]`, PyTorch's layout.
    ///   - bias: `[O]`, or `nil` for none.
    ///   - stride: the step between output positions, the same along height and width.
    ///   - padding: zeros added around the input; an integer pads every side equally.
    /// - Returns: `[N, O, Ho, Wo]` with `Ho = (H + top + bottom - kh) / stride + 1` and likewise `Wo`.
    public func conv2d(weight: Tensor, bias: Tensor? = nil, stride: Int = 1, padding: Padding2D = 0) -> Tensor {
        conv2d(weight: weight, bias: bias, stride: stride, padding: padding, columnBudget: Self.im2colBudget)
    }

    /// `conv2d` with an explicit bound on the im2col buffer, in floats (tests force narrow bands with it), and
    /// optionally a forced algorithm.
    func conv2d(weight: Tensor, bias: Tensor?, stride: Int, padding: Padding2D, columnBudget: Int,
                algorithm: ConvolutionAlgorithm? = nil) -> Tensor {
        precondition(rank == 4 && weight.rank == 4 && weight.shape[1] == shape[1],
                     "conv2d: input \(shape) ([N, I, H, W]) does not fit weight \(weight.shape) ([O, I, kh, kw])")
        let geometry = ConvolutionGeometry(input: shape, weight: weight.shape, stride: stride, padding: padding)
        let (batch, inChannels, height, width) = (shape[0], shape[1], shape[2], shape[3])
        let (outChannels, kernelHeight, kernelWidth) = (weight.shape[0], weight.shape[2], weight.shape[3])
        precondition(bias.map { $0.shape == [outChannels] } ?? true,
                     "conv2d: bias \(bias?.shape ?? []) is not [\(outChannels)]")
        let outPlane = geometry.outHeight * geometry.outWidth
        let inPlane = height * width
        let reduction = inChannels * kernelHeight * kernelWidth

        let chosen = algorithm ?? (Self.winogradApplies(geometry) && outPlane >= Self.winogradMinimumPlane ? .winograd : .im2col)
        precondition(chosen == .im2col || Self.winogradApplies(geometry), "conv2d: Winograd needs 3×3, stride 1, padding 1")
        var result = Self.uninitializedScalars(count: batch * outChannels * outPlane)
        if chosen == .winograd {
            result.withUnsafeMutableBufferPointer { output in
                guard let output = output.baseAddress else { return }
                winogradConv2d(weight: weight, bias: bias, geometry: geometry, into: output)
            }
            return Tensor(shape: [batch, outChannels, geometry.outHeight, geometry.outWidth], scalars: result)
        }

        let beta: Float = bias == nil ? 0 : 1
        scalars.withUnsafeBufferPointer { input in
            weight.scalars.withUnsafeBufferPointer { weight in
                result.withUnsafeMutableBufferPointer { output in
                    guard let output = output.baseAddress else { return }
                    if let bias {
                        for plane in 0..<(batch * outChannels) {
                            (output + plane * outPlane).update(repeating: bias.scalars[plane % outChannels], count: outPlane)
                        }
                    }
                    guard let input = input.baseAddress, let weight = weight.baseAddress else { return }
                    if geometry.isPointwise {
                        for item in 0..<batch {
                            sgemm(m: outChannels, n: inPlane, k: inChannels, a: weight, lda: inChannels,
                                  b: input + item * inChannels * inPlane, ldb: inPlane,
                                  beta: beta, c: output + item * outChannels * outPlane, ldc: outPlane)
                        }
                        return
                    }
                    geometry.forEachUnfoldedBand(of: input, batch: batch, budget: columnBudget) { item, rows, columns in
                        let bandWidth = rows.count * geometry.outWidth
                        sgemm(m: outChannels, n: bandWidth, k: reduction, a: weight, lda: reduction,
                              b: columns, ldb: bandWidth, beta: beta,
                              c: output + item * outChannels * outPlane + rows.lowerBound * geometry.outWidth,
                              ldc: outPlane)
                    }
                }
            }
        }
        return Tensor(shape: [batch, outChannels, geometry.outHeight, geometry.outWidth], scalars: result)
    }
}

/// The sizes of one convolution, and the im2col unfolding they define.
struct ConvolutionGeometry {
    var inChannels, height, width: Int
    var kernelHeight, kernelWidth, stride: Int
    var padding: Padding2D
    var outHeight, outWidth: Int

    init(inChannels: Int, height: Int, width: Int, kernelHeight: Int, kernelWidth: Int, stride: Int,
         padding: Padding2D, outHeight: Int, outWidth: Int) {
        (self.inChannels, self.height, self.width) = (inChannels, height, width)
        (self.kernelHeight, self.kernelWidth, self.stride, self.padding) = (kernelHeight, kernelWidth, stride, padding)
        (self.outHeight, self.outWidth) = (outHeight, outWidth)
    }

    /// The geometry of a convolution of an `[N, I, H, W]` input by an `[O, I, kh, kw]` weight, checked.
    init(input: [Int], weight: [Int], stride: Int, padding: Padding2D) {
        precondition(stride >= 1, "conv2d: stride \(stride) must be positive")
        let (height, width, kernelHeight, kernelWidth) = (input[2], input[3], weight[2], weight[3])
        let paddedHeight = height + padding.top + padding.bottom
        let paddedWidth = width + padding.left + padding.right
        precondition(kernelHeight >= 1 && kernelWidth >= 1 && paddedHeight >= kernelHeight && paddedWidth >= kernelWidth,
                     "conv2d: kernel \(kernelHeight)×\(kernelWidth) is larger than the padded input \(paddedHeight)×\(paddedWidth)")
        self.init(inChannels: input[1], height: height, width: width, kernelHeight: kernelHeight,
                  kernelWidth: kernelWidth, stride: stride, padding: padding,
                  outHeight: (paddedHeight - kernelHeight) / stride + 1,
                  outWidth: (paddedWidth - kernelWidth) / stride + 1)
    }

    /// Unfolds each of the `batch` `[I, H, W]` images of `input` in bands of whole output rows, as many as
    /// `budget` floats of im2col columns hold (at least one), and hands each band to `body` with its image's
    /// index, its output rows and its columns (`[I·kh·kw, rows·Wo]`, see `unfold`).
    func forEachUnfoldedBand(of input: UnsafePointer<Float>, batch: Int, budget: Int,
                             _ body: (_ item: Int, _ rows: Range<Int>, _ columns: UnsafePointer<Float>) -> Void) {
        let reduction = inChannels * kernelHeight * kernelWidth
        let bandRows = max(1, min(outHeight, budget / (reduction * outWidth)))
        let columns = UnsafeMutablePointer<Float>.allocate(capacity: reduction * bandRows * outWidth)
        defer { columns.deallocate() }
        for item in 0..<batch {
            let image = input + item * inChannels * height * width
            for firstRow in Swift.stride(from: 0, to: outHeight, by: bandRows) {
                let rows = firstRow ..< min(firstRow + bandRows, outHeight)
                unfold(image, outputRows: rows, into: columns)
                body(item, rows, columns)
            }
        }
    }

    /// A 1×1 kernel at stride 1 without padding reads the input as it is: no unfolding needed.
    var isPointwise: Bool {
        kernelHeight == 1 && kernelWidth == 1 && stride == 1 && padding == Padding2D(0)
    }

    /// Writes the im2col matrix of `outputRows` of one `[I, H, W]` image into `columns`, laid out
    /// `[I·kh·kw, rows·Wo]` (row `(c, ki, kj)`, column `(oy, ox)`), zeros where the kernel overlaps padding.
    func unfold(_ image: UnsafePointer<Float>, outputRows: Range<Int>, into columns: UnsafeMutablePointer<Float>) {
        let kernelArea = kernelHeight * kernelWidth
        let bandWidth = outputRows.count * outWidth
        Parallel.forEachChunk(of: inChannels * kernelArea, minimumChunk: max(1, Tensor.elementwiseGrain / bandWidth)) { reductionRows in
            for reductionRow in reductionRows {
                let channel = reductionRow / kernelArea
                let kernelRow = reductionRow % kernelArea / kernelWidth
                let kernelColumn = reductionRow % kernelWidth
                let columnOffset = kernelColumn - padding.left
                // Output columns whose input column `ox * stride + columnOffset` lies inside the image.
                let firstInside = min(outWidth, max(0, ceilDivide(-columnOffset, stride)))
                let endInside = max(firstInside, min(outWidth, floorDivide(width - 1 - columnOffset, stride) + 1))
                var destination = columns + reductionRow * bandWidth
                for outRow in outputRows {
                    let inRow = outRow * stride + kernelRow - padding.top
                    guard inRow >= 0 && inRow < height else {
                        destination.update(repeating: 0, count: outWidth)
                        destination += outWidth
                        continue
                    }
                    let source = image + (channel * height + inRow) * width
                    destination.update(repeating: 0, count: firstInside)
                    if stride == 1 {
                        (destination + firstInside).update(from: source + firstInside + columnOffset, count: endInside - firstInside)
                    } else {
                        for outColumn in firstInside..<endInside {
                            destination[outColumn] = source[outColumn * stride + columnOffset]
                        }
                    }
                    (destination + endInside).update(repeating: 0, count: outWidth - endInside)
                    destination += outWidth
                }
            }
        }
    }
}

private func floorDivide(_ a: Int, _ b: Int) -> Int {
    let quotient = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? quotient - 1 : quotient
}

private func ceilDivide(_ a: Int, _ b: Int) -> Int {
    -floorDivide(-a, b)
}
