// swift-tools-version:6.0
import PackageDescription

// Layers (ARCHITECTURE.md): Columnar → StrongroomCrypto → ParquetCodecs → Parquet → StrongroomCLI → strongroom.
// Dependencies point down only; the engine never imports the service stack.
let strictSwift6: [SwiftSetting] = [.swiftLanguageMode(.v6)]
let fast: [SwiftSetting] = strictSwift6

let package = Package(
    name: "Strongroom",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "strongroom", targets: ["strongroom"]),
        .library(name: "Parquet", targets: ["Parquet"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", exact: "1.8.2"),
    ],
    targets: [
        .target(name: "Columnar", swiftSettings: strictSwift6),
        .target(name: "SQLParser", swiftSettings: strictSwift6),
        // OpenSSL's EVP for the bulk AES-GCM / AES-CTR of Parquet pages: it works in caller
        // buffers, where swift-crypto's API copies every page several times.
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(
            name: "StrongroomCrypto",
            dependencies: [
                "COpenSSL",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift6),
        .systemLibrary(name: "CSnappy", pkgConfig: "snappy", providers: [.apt(["libsnappy-dev"])]),
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CLZ4", pkgConfig: "liblz4", providers: [.apt(["liblz4-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CBrotli", pkgConfig: "libbrotlidec libbrotlienc", providers: [.apt(["libbrotli-dev"])]),
        .target(
            name: "ParquetCodecs",
            dependencies: ["CSnappy", "CZstd", "CLZ4", "CZlib", "CBrotli"],
            swiftSettings: fast),
        .target(
            name: "Parquet",
            dependencies: ["Columnar", "StrongroomCrypto", "ParquetCodecs"],
            swiftSettings: fast),
        .target(name: "QueryKernels", dependencies: ["Columnar"], swiftSettings: fast),
        .target(
            name: "Query",
            dependencies: ["Parquet", "Columnar", "QueryKernels", "SQLParser"],
            swiftSettings: fast),
        .target(
            name: "StrongroomCLI",
            dependencies: [
                "Parquet", "Columnar", "StrongroomCrypto", "Query", "SQLParser",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSwift6),
        .executableTarget(name: "strongroom", dependencies: ["StrongroomCLI"], swiftSettings: strictSwift6),
        .testTarget(name: "ColumnarTests", dependencies: ["Columnar"], swiftSettings: strictSwift6),
        .testTarget(name: "SQLParserTests", dependencies: ["SQLParser"], swiftSettings: strictSwift6),
        .testTarget(name: "StrongroomCryptoTests", dependencies: ["StrongroomCrypto"], swiftSettings: strictSwift6),
        .testTarget(name: "ParquetCodecsTests", dependencies: ["ParquetCodecs"], swiftSettings: strictSwift6),
        .testTarget(name: "ParquetTests", dependencies: ["Parquet", "Columnar", "StrongroomCrypto"], swiftSettings: strictSwift6),
        .testTarget(name: "QueryKernelsTests", dependencies: ["QueryKernels", "Columnar"], swiftSettings: strictSwift6),
        .testTarget(name: "QueryTests", dependencies: ["Query", "Parquet", "Columnar"], swiftSettings: strictSwift6),
        .testTarget(name: "CLITests", dependencies: ["StrongroomCLI", "strongroom"], swiftSettings: strictSwift6),
    ]
)
