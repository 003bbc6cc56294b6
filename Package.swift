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
        // Service stack (CAS, agent, runtime). The engine targets above never import these.
        .package(url: "https://github.com/apple/swift-certificates.git", exact: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", exact: "1.7.4"),
        .package(url: "https://github.com/jpsim/Yams.git", exact: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", exact: "2.28.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", exact: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", exact: "1.37.0"),
        .package(url: "https://github.com/apple/swift-log.git", exact: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", exact: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", exact: "2.37.6"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", exact: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", exact: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", exact: "2.4.1"),
    ],
    targets: [
        // Package-internal pieces several modules need (the coded error, hex, base64url, the
        // bounds-checked byte reader, secret files); the bottom layer.
        .target(name: "Support", swiftSettings: strictSwift6),
        .target(name: "Columnar", swiftSettings: strictSwift6),
        .target(name: "SQLParser", swiftSettings: strictSwift6),
        // Locates ../shared/vectors for the test targets (no product depends on it).
        .target(name: "SharedVectors", swiftSettings: strictSwift6),
        // The strict YAML node walker (paths, lines, no aliases or guessing) of policies and deploy.yaml.
        .target(name: "StrictYAML", dependencies: [.product(name: "Yams", package: "Yams")], swiftSettings: strictSwift6),
        // OpenSSL's EVP for the bulk AES-GCM / AES-CTR of Parquet pages: it works in caller
        // buffers, where swift-crypto's API copies every page several times.
        .systemLibrary(name: "COpenSSL", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
        .target(
            name: "StrongroomCrypto",
            dependencies: [
                "COpenSSL", "Support",
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
            dependencies: ["CSnappy", "CZstd", "CLZ4", "CZlib", "CBrotli", "Support"],
            swiftSettings: fast),
        .target(
            name: "Parquet",
            dependencies: ["Columnar", "StrongroomCrypto", "ParquetCodecs", "CZlib", "Support"],
            swiftSettings: fast),
        .target(name: "QueryKernels", dependencies: ["Columnar", "StrongroomCrypto", "Support"], swiftSettings: fast),
        .target(
            name: "Query",
            dependencies: ["Parquet", "Columnar", "QueryKernels", "SQLParser", "Support"],
            swiftSettings: fast),
        // SQL Server Always Encrypted cell format and keys (issue 6); no I/O.
        .target(
            name: "AlwaysEncrypted",
            dependencies: [
                "StrongroomCrypto", "Support",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSwift6),
        // SQL connections shared by the CAS store and the Always Encrypted tables: SQLite
        // connection, PostgreSQL URL and connection, with their own error type.
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        .target(
            name: "SQLStorage",
            dependencies: [
                "Support", "CSQLite",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6),
        // Always Encrypted tables in PostgreSQL and SQLite as query sources and sinks (issue 6).
        .target(
            name: "EncryptedTables",
            dependencies: [
                "AlwaysEncrypted", "Columnar", "Query", "QueryKernels", "Parquet", "StrongroomCrypto", "SQLStorage", "Support",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6),
        // ── Service stack (ARCHITECTURE.md: Attestation → Policy → CAS → Agent/Runtime) ──
        .target(
            name: "Attestation",
            dependencies: [
                "StrongroomCrypto", "Support",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ],
            swiftSettings: strictSwift6),
        .target(
            name: "Policy",
            dependencies: [
                "Attestation", "StrictYAML", "Support",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: strictSwift6),
        .target(
            name: "CASCore",
            dependencies: [
                "Attestation", "Policy", "StrongroomCrypto", "Support",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6),
        .target(
            name: "CASStorage",
            dependencies: [
                "CASCore", "SQLStorage",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6),
        .target(
            name: "CASServer",
            dependencies: [
                "CASCore", "CASStorage", "Attestation", "Policy", "StrongroomCrypto", "Support",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: strictSwift6),
        .target(
            name: "CASClient",
            dependencies: [
                "CASCore", "Policy",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "X509", package: "swift-certificates"),
            ],
            swiftSettings: strictSwift6),
        .target(
            name: "Agent",
            dependencies: [
                "Attestation", "Support",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: strictSwift6),
        // fork + PR_SET_PDEATHSIG + exec for workloads, PR_SET_DUMPABLE (issue 13).
        .target(name: "CStrongroomProcess"),
        .target(
            name: "Runtime",
            dependencies: [
                "CASClient", "CASCore", "Attestation", "Agent", "CStrongroomProcess", "StrongroomCrypto", "Support",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strictSwift6),
        // `strongroom k8s render`: deploy.yaml → Kubernetes manifests (issue 7); no I/O.
        .target(name: "Kubernetes", dependencies: ["StrictYAML", .product(name: "Yams", package: "Yams")], swiftSettings: strictSwift6),
        // Rows as text: JSON lines and CSV in the cell forms of the `parquet cat` contract.
        .target(name: "RowText", dependencies: ["Columnar"], swiftSettings: strictSwift6),
        .target(
            name: "StrongroomCLI",
            dependencies: [
                "RowText", "Parquet", "Columnar", "StrongroomCrypto", "Query", "SQLParser",
                "Attestation", "Policy", "CASCore", "CASStorage", "CASServer", "CASClient", "Agent", "Runtime",
                "AlwaysEncrypted", "EncryptedTables", "Kubernetes", "QueryKernels", "Support", "Session", "Spark",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6),
        // The attested Spark launch (installation, spark-submit options, executor attestation
        // environment) and the driver's watch for refused executors.
        .target(name: "Spark", dependencies: ["Runtime", "CASClient", "CASCore", "Support"], swiftSettings: strictSwift6),
        // A query's session as a library (catalog, key sources, results): the CLI, the benchmarks
        // and the Python package call it.
        .target(
            name: "Session",
            dependencies: ["Query", "QueryKernels", "Parquet", "Columnar", "EncryptedTables", "AlwaysEncrypted", "Runtime", "CASClient", "StrongroomCrypto", "Support"],
            swiftSettings: strictSwift6),
        .executableTarget(name: "strongroom", dependencies: ["StrongroomCLI"], swiftSettings: strictSwift6),
        // The benchmarks, outside the production binary (bench/*.py drive them beside peers).
        .executableTarget(
            name: "strongroom-bench",
            dependencies: [
                "StrongroomCLI", "RowText", "Session", "Parquet", "Query", "QueryKernels", "Attestation", "CASClient", "CASCore", "CASServer", "CASStorage",
                "Policy", "StrongroomCrypto", "Support",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6),
        // Every parser of untrusted bytes as a fuzz target; scripts/fuzz.sh builds strongroom-fuzz
        // under libFuzzer, an ordinary build replays inputs.
        .target(
            name: "FuzzTargets", dependencies: ["Attestation", "Parquet", "SQLParser", "Policy"],
            swiftSettings: strictSwift6),
        .executableTarget(name: "strongroom-fuzz", dependencies: ["FuzzTargets"], swiftSettings: strictSwift6),
        .testTarget(
            name: "SessionTests", dependencies: ["Session", "Query", "Parquet", "Columnar", "EncryptedTables"],
            swiftSettings: strictSwift6),
        .testTarget(name: "FuzzRegressionTests", dependencies: ["FuzzTargets"], swiftSettings: strictSwift6),
        .testTarget(name: "SupportTests", dependencies: ["Support"], swiftSettings: strictSwift6),
        .testTarget(name: "ColumnarTests", dependencies: ["Columnar"], swiftSettings: strictSwift6),
        .testTarget(name: "SQLParserTests", dependencies: ["SQLParser"], swiftSettings: strictSwift6),
        .testTarget(name: "StrongroomCryptoTests", dependencies: ["StrongroomCrypto"], swiftSettings: strictSwift6),
        .testTarget(name: "ParquetCodecsTests", dependencies: ["ParquetCodecs"], swiftSettings: strictSwift6),
        .testTarget(name: "ParquetTests", dependencies: ["Parquet", "Columnar", "StrongroomCrypto", "SharedVectors"], swiftSettings: strictSwift6),
        .testTarget(name: "QueryKernelsTests", dependencies: ["QueryKernels", "Columnar"], swiftSettings: strictSwift6),
        .testTarget(
            name: "QueryTests",
            dependencies: ["Query", "Parquet", "Columnar", "RowText", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["SQLLogic"], swiftSettings: strictSwift6),
        .testTarget(name: "AttestationTests", dependencies: ["Support", "Attestation", "SharedVectors"], swiftSettings: strictSwift6),
        .testTarget(name: "PolicyTests", dependencies: ["Support", "Policy", "Attestation"], swiftSettings: strictSwift6),
        .testTarget(name: "CASCoreTests", dependencies: ["Support", "CASCore", "Policy", "Attestation"], swiftSettings: strictSwift6),
        .testTarget(
            name: "SQLStorageTests",
            dependencies: ["SQLStorage", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSwift6),
        .testTarget(name: "CASStorageTests", dependencies: ["Support", "CASStorage", "SQLStorage", "CASCore", "Attestation", "Policy"], swiftSettings: strictSwift6),
        .testTarget(
            name: "CASServerTests",
            dependencies: ["Support",
                "CASServer", "CASClient", "CASCore", "CASStorage", "Agent", "Runtime", "Policy",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strictSwift6),
        .testTarget(
            name: "RuntimeTests",
            dependencies: ["Parquet", "Support", "Runtime", "CASServer", "CASStorage", "Session", "Query", "Columnar", "StrongroomCrypto"],
            swiftSettings: strictSwift6),
        .testTarget(name: "AlwaysEncryptedTests", dependencies: ["AlwaysEncrypted", "SharedVectors"], swiftSettings: strictSwift6),
        .testTarget(
            name: "AgentTests",
            dependencies: [
                "Support", "Agent", "Attestation",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSwift6),
        .testTarget(
            name: "EncryptedTablesTests",
            dependencies: ["EncryptedTables", "AlwaysEncrypted", "Query", "Columnar", "Parquet", "StrongroomCrypto"],
            swiftSettings: strictSwift6),
        .testTarget(name: "KubernetesTests", dependencies: ["Kubernetes", .product(name: "Yams", package: "Yams")], swiftSettings: strictSwift6),
        .testTarget(name: "CLITests", dependencies: ["StrongroomCLI", "RowText", "Spark", "strongroom"], swiftSettings: strictSwift6),
    ]
)
