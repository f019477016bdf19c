// swift-tools-version:6.1
import PackageDescription

// Benchmarks live in their own package so that the main package's tests never build them.
// Run from the repository root: swift run -c release --package-path Benchmarks document-benchmark
let package = Package(
    name: "ldb-benchmarks",
    platforms: [.macOS(.v14)],
    dependencies: [
        .package(name: "ldb", path: ".."),
    ],
    targets: [
        .executableTarget(
            name: "document-benchmark",
            dependencies: [.product(name: "LDBDocument", package: "ldb")],
            path: "Sources/DocumentBenchmark"
        ),
        .executableTarget(
            name: "kernel-benchmark",
            dependencies: [.product(name: "LDBTensor", package: "ldb")],
            path: "Sources/KernelBenchmark"
        ),
        .executableTarget(
            name: "engine-benchmark",
            dependencies: [
                .product(name: "LDBEngine", package: "ldb"),
                .product(name: "LDBDocument", package: "ldb"),
                .product(name: "LDBDiffusion", package: "ldb"),
                .product(name: "LDBImage", package: "ldb"),
                .product(name: "LDBTensor", package: "ldb"),
            ],
            path: "Sources/EngineBenchmark"
        ),
        .executableTarget(
            name: "region-benchmark",
            dependencies: [
                .product(name: "LDBEngine", package: "ldb"),
                .product(name: "LDBDocument", package: "ldb"),
                .product(name: "LDBDiffusion", package: "ldb"),
            ],
            path: "Sources/RegionBenchmark"
        ),
    ]
)
