import Foundation
import LDBTensor

// kernel-benchmark: times LDBTensor's building blocks at the shapes of one SD 1.5 UNet evaluation (64x64 latent)
// and one 512x512 VAE decode, in-process, and prints the median of R runs of each (and GFLOP/s for the matrix
// work), so a change to one kernel can be measured without running a whole network.
//
//     swift run -c release --package-path Benchmarks kernel-benchmark [--runs R] [--filter TEXT]
//
// Unlike `ldb`, this program does not restart itself with a better OpenBLAS kernel when OpenBLAS falls back to a
// generic one: set OPENBLAS_CORETYPE (SkylakeX on the machine of BENCHMARKS.md) as ldb would. PyTorch's times
// for the same blocks: Benchmarks/networks/torch_kernels.py.

struct Case {
    let name: String
    /// Floating-point operations of one run (multiply-adds count two), 0 when not meaningful.
    let flops: Double
    let run: () -> Tensor
}

func random(_ shape: [Int], seed: UInt64) -> Tensor {
    var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
    let count = shape.reduce(1, *)
    let scalars = (0..<count).map { _ -> Float in
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return Float(state >> 40) / Float(1 << 24) - 0.5
    }
    return Tensor(shape: shape, scalars: scalars)
}

func convolution(_ name: String, channels: Int, out: Int, size: Int, kernel: Int) -> Case {
    let input = random([1, channels, size, size], seed: 1)
    let weight = random([out, channels, kernel, kernel], seed: 2)
    let bias = random([out], seed: 3)
    let flops = 2.0 * Double(out * channels * kernel * kernel * size * size)
    return Case(name: name, flops: flops) { input.conv2d(weight: weight, bias: bias, padding: Padding2D(kernel / 2)) }
}

func selfAttention(_ name: String, tokens: Int, channels: Int, heads: Int, keys: Int? = nil,
                   precision: AttentionPrecision = .float32) -> Case {
    let query = random([1, tokens, channels], seed: 4)
    let key = random([1, keys ?? tokens, channels], seed: 5)
    let value = random([1, keys ?? tokens, channels], seed: 6)
    let flops = 4.0 * Double(tokens * (keys ?? tokens) * channels)
    return Case(name: name, flops: flops) {
        attention(query: query, key: key, value: value, heads: heads, precision: precision)
    }
}

func linear(_ name: String, rows: Int, input: Int, output: Int) -> Case {
    let x = random([1, rows, input], seed: 7)
    let weight = random([output, input], seed: 8)
    let bias = random([output], seed: 9)
    return Case(name: name, flops: 2.0 * Double(rows * input * output)) { x.linear(weight: weight, bias: bias) }
}

func groupNormSiLU(_ name: String, channels: Int, size: Int) -> Case {
    let x = random([1, channels, size, size], seed: 10)
    let weight = random([channels], seed: 11), bias = random([channels], seed: 12)
    return Case(name: name, flops: 0) { x.groupNorm(groups: 32, weight: weight, bias: bias, thenSiLU: true) }
}

func elementwise(_ name: String, shape: [Int], _ operation: @escaping (Tensor) -> Tensor) -> Case {
    let x = random(shape, seed: 13)
    return Case(name: name, flops: 0) { operation(x) }
}

var runs = 5
var filter: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--runs": runs = Int(arguments.popFirst() ?? "") ?? runs
    case "--filter": filter = arguments.popFirst()
    default:
        FileHandle.standardError.write(Data("usage: kernel-benchmark [--runs R] [--filter TEXT]\n".utf8))
        exit(2)
    }
}

let cases: [Case] = [
    convolution("UNet conv 3x3 320->320 @64x64", channels: 320, out: 320, size: 64, kernel: 3),
    convolution("UNet conv 3x3 640->640 @32x32", channels: 640, out: 640, size: 32, kernel: 3),
    convolution("UNet conv 3x3 1280->1280 @16x16", channels: 1280, out: 1280, size: 16, kernel: 3),
    convolution("UNet conv 1x1 320->320 @64x64", channels: 320, out: 320, size: 64, kernel: 1),
    linear("UNet linear 4096x320 -> 2560 (GEGLU in)", rows: 4096, input: 320, output: 2560),
    selfAttention("UNet self-attention 4096 tokens, 320 ch, 8 heads", tokens: 4096, channels: 320, heads: 8),
    selfAttention("UNet cross-attention 4096x77, 320 ch, 8 heads", tokens: 4096, channels: 320, heads: 8, keys: 77),
    selfAttention("UNet self-attention 4096 tokens, 320 ch, 8 heads, bf16", tokens: 4096, channels: 320, heads: 8,
                  precision: .bfloat16),
    selfAttention("UNet cross-attention 4096x77, 320 ch, 8 heads, bf16", tokens: 4096, channels: 320, heads: 8,
                  keys: 77, precision: .bfloat16),
    groupNormSiLU("UNet group norm + SiLU 320 @64x64", channels: 320, size: 64),
    elementwise("UNet GEGLU gate 4096x2560", shape: [1, 4096, 2560]) { $0.geglu() },
    convolution("VAE conv 3x3 512->512 @64x64", channels: 512, out: 512, size: 64, kernel: 3),
    convolution("VAE conv 3x3 512->512 @128x128", channels: 512, out: 512, size: 128, kernel: 3),
    convolution("VAE conv 3x3 256->256 @256x256", channels: 256, out: 256, size: 256, kernel: 3),
    convolution("VAE conv 3x3 128->128 @512x512", channels: 128, out: 128, size: 512, kernel: 3),
    selfAttention("VAE mid attention 4096 tokens, 512 ch, 1 head", tokens: 4096, channels: 512, heads: 1),
    selfAttention("VAE mid attention 4096 tokens, 512 ch, 1 head, bf16", tokens: 4096, channels: 512, heads: 1,
                  precision: .bfloat16),
    groupNormSiLU("VAE group norm + SiLU 128 @512x512", channels: 128, size: 512),
    elementwise("VAE add 128 @512x512", shape: [1, 128, 512, 512]) { $0 + $0 },
]

print("| Kernel | median ms | GFLOP/s |")
print("|---|---|---|")
for benchmark in cases where filter.map({ benchmark.name.localizedCaseInsensitiveContains($0) }) ?? true {
    _ = benchmark.run()  // warm-up: page faults, OpenBLAS buffers
    var times: [Double] = []
    for _ in 0..<runs {
        let start = DispatchTime.now().uptimeNanoseconds
        let result = benchmark.run()
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        precondition(result.count > 0)
    }
    let median = times.sorted()[times.count / 2]
    let rate = benchmark.flops > 0 ? String(format: "%.0f", benchmark.flops / median / 1e6) : "–"
    print("| \(benchmark.name) | \(String(format: "%.1f", median)) | \(rate) |")
}
