import CTensorKernels

/// The ways `conv2d` can compute a convolution.
enum ConvolutionAlgorithm {
    /// Unfold the input (im2col) and multiply by the weight matrix: any kernel, stride and padding.
    case im2col
    /// Winograd F(2×2, 3×3): 3×3 kernels at stride 1 with padding 1 only; 2.25× fewer multiplications.
    case winograd
}

extension Tensor {
    /// The fewest output positions per image for which `conv2d` picks Winograd over im2col. Below it the weight
    /// transform, which costs the same at any image size, and the narrow products outweigh the saving
    /// (kernel-benchmark: 1.1–1.6x faster for the VAE's convolutions from 64×64 up, even for the UNet's 320
    /// channels at 64×64 and 640 at 32×32, 4x slower at 16×16 with 1280 channels).
    static let winogradMinimumPlane = 64 * 64

    /// The most floats the transformed inputs and products of one band of tiles may hold (32 MiB).
    static let winogradBudget = 1 << 23

    /// Whether Winograd F(2×2, 3×3) can compute this convolution.
    static func winogradApplies(_ geometry: ConvolutionGeometry) -> Bool {
        geometry.kernelHeight == 3 && geometry.kernelWidth == 3 && geometry.stride == 1 && geometry.padding == Padding2D(1)
    }

    /// A 3×3, stride-1, padding-1 convolution by Winograd F(2×2, 3×3) (Lavin & Gray, 2016): the weights are
    /// transformed once per call, then each band of 2×2 output tiles is transformed, multiplied as 16 matrix
    /// products `[O × I] · [I × tiles]`, and transformed back with the bias added.
    func winogradConv2d(weight: Tensor, bias: Tensor?, geometry: ConvolutionGeometry, into output: UnsafeMutablePointer<Float>) {
        let (batch, inChannels, height, width) = (shape[0], shape[1], shape[2], shape[3])
        let outChannels = weight.shape[0]
        let across = (width + 1) / 2, tileRowCount = (height + 1) / 2
        // Bands of equal height: a short last band would be a narrow, slow matrix product.
        let widestBand = max(1, min(tileRowCount, Self.winogradBudget / (16 * (inChannels + outChannels) * across)))
        let bandCount = (tileRowCount + widestBand - 1) / widestBand
        let bandRows = (tileRowCount + bandCount - 1) / bandCount
        let bandTiles = bandRows * across
        let transformedWeights = UnsafeMutablePointer<Float>.allocate(capacity: 16 * outChannels * inChannels)
        let transformedInput = UnsafeMutablePointer<Float>.allocate(capacity: 16 * inChannels * bandTiles)
        let products = UnsafeMutablePointer<Float>.allocate(capacity: 16 * outChannels * bandTiles)
        let scratchSize = 8 * (2 * across + 2)
        let scratch = UnsafeMutablePointer<Float>.allocate(capacity: Parallel.workerCount * scratchSize)
        defer {
            transformedWeights.deallocate(); transformedInput.deallocate(); products.deallocate(); scratch.deallocate()
        }
        weight.scalars.withUnsafeBufferPointer { weight in
            Parallel.forEachChunk(of: outChannels, minimumChunk: 16) { range in
                ldb_winograd_weights(weight.baseAddress!, outChannels, inChannels, range.lowerBound, range.upperBound,
                                     transformedWeights)
            }
        }
        if let bias {
            bias.scalars.withUnsafeBufferPointer { bias in
                transformBands(bias.baseAddress)
            }
        } else {
            transformBands(nil)
        }

        func transformBands(_ bias: UnsafePointer<Float>?) {
            scalars.withUnsafeBufferPointer { input in
                for item in 0..<batch {
                    let image = input.baseAddress! + item * inChannels * height * width
                    let outputImage = output + item * outChannels * height * width
                    for firstRow in stride(from: 0, to: tileRowCount, by: bandRows) {
                        let rows = min(bandRows, tileRowCount - firstRow)
                        let tiles = rows * across
                        let workers = min(Parallel.workerCount, inChannels)
                        Parallel.forEachTask(count: workers) { worker, task in
                            ldb_winograd_input(image, inChannels, height, width, inChannels * task / workers,
                                               inChannels * (task + 1) / workers, firstRow, rows, transformedInput,
                                               scratch + worker * scratchSize)
                        }
                        // The 16 products are independent: one per task, each on one core.
                        Parallel.forEachTask(count: 16) { _, position in
                            sgemm(m: outChannels, n: tiles, k: inChannels,
                                  a: transformedWeights + position * outChannels * inChannels, lda: inChannels,
                                  b: transformedInput + position * inChannels * tiles, ldb: tiles,
                                  c: products + position * outChannels * tiles, ldc: tiles, splitAcrossCores: false)
                        }
                        Parallel.forEachChunk(of: outChannels, minimumChunk: 8) { range in
                            ldb_winograd_output(products, outChannels, range.lowerBound, range.upperBound, firstRow,
                                                rows, bias, outputImage, height, width)
                        }
                    }
                }
            }
        }
    }
}
