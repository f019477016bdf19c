// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "ldb",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ldb", targets: ["ldb"]),
        .library(name: "LDBDocument", targets: ["LDBDocument"]),
        .library(name: "LDBImage", targets: ["LDBImage"]),
        .library(name: "LDBTensor", targets: ["LDBTensor"]),
        .library(name: "LDBDiffusion", targets: ["LDBDiffusion"]),
        .library(name: "LDBEngine", targets: ["LDBEngine"]),
        .library(name: "LDBHub", targets: ["LDBHub"]),
        .library(name: "LDBEditing", targets: ["LDBEditing"]),
        .library(name: "LDBServer", targets: ["LDBServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
    ],
    targets: [
        // System C libraries, each behind a small shim.
        .systemLibrary(name: "CPNG", pkgConfig: "libpng", providers: [.apt(["libpng-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),

        // LDBTensor's element-wise kernels in C, compiled for each vector width and chosen at load time.
        .target(
            name: "CTensorKernels",
            // Optimised in every configuration, for the reason given for LDBTensor below.
            cSettings: [.unsafeFlags(["-O3"])]
        ),

        .target(
            name: "LDBTensor",
            dependencies: ["COpenBLAS", "CTensorKernels"],
            // The numeric kernels (SIMD exp, norms, im2col) are 10-50x slower unoptimised, which would make debug
            // builds, the tests and the demo crawl; this module is optimised in every configuration.
            swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        .target(name: "LDBImage", dependencies: ["CPNG", "CZlib"]),
        .target(
            name: "LDBDocument",
            dependencies: [
                "CZlib",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.copy("Schemas")]
        ),
        .target(
            name: "LDBDiffusion",
            dependencies: ["LDBTensor", "CZlib"],
            resources: [.copy("Resources/bpe_simple_vocab_16e6.txt.gz")]
        ),
        .target(
            name: "LDBEngine",
            dependencies: [
                "LDBDocument", "LDBDiffusion", "LDBImage", "LDBTensor",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "LDBHub",
            dependencies: ["LDBDiffusion", .product(name: "Crypto", package: "swift-crypto")]
        ),
        .target(name: "LDBEditing", dependencies: ["LDBDocument", "LDBDiffusion"]),
        .target(
            name: "LDBServer",
            dependencies: [
                "LDBDocument", "LDBEditing", "LDBEngine", "LDBImage", "LDBDiffusion",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ],
            resources: [.copy("Page"), .copy("openapi.json")]
        ),
        .executableTarget(
            name: "ldb",
            dependencies: [
                "LDBEditing", "LDBDocument", "LDBImage", "LDBTensor", "LDBDiffusion", "LDBEngine", "LDBHub", "LDBServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // `ldb demo`'s model and picture, found next to the binary from any folder.
            resources: [.copy("Resources/shapes"), .copy("Resources/shapes-picture.png")]
        ),

        .testTarget(name: "CTensorKernelsTests", dependencies: ["CTensorKernels"]),
        .testTarget(name: "LDBTensorTests", dependencies: ["LDBTensor"]),
        .testTarget(name: "LDBImageTests", dependencies: ["LDBImage"]),
        .testTarget(name: "LDBDocumentTests", dependencies: ["LDBDocument"]),
        .testTarget(name: "LDBEngineTests", dependencies: ["LDBEngine", "LDBDocument", "LDBDiffusion", "LDBImage", "LDBTensor"]),
        .testTarget(name: "LDBEditingTests", dependencies: ["LDBEditing", "LDBDocument", "LDBDiffusion", "LDBImage"]),
        .testTarget(name: "LDBDiffusionTests", dependencies: ["LDBDiffusion", "LDBImage"]),
        .testTarget(
            name: "LDBHubTests",
            dependencies: [
                "LDBHub", "LDBDiffusion",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "LDBServerTests",
            dependencies: ["LDBServer", "LDBDocument", "LDBEditing", "LDBEngine", "LDBDiffusion", "LDBImage"]
        ),
        .testTarget(
            name: "LDBCommandLineTests",
            dependencies: [
                "ldb", "LDBDocument", "LDBImage", "LDBTensor",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
    ]
)
