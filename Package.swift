// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "vitals",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "vitals", targets: ["vitals"]),
        .library(name: "VitalsCore", targets: ["VitalsCore"]),
        .library(name: "VitalsFormats", targets: ["VitalsFormats"]),
        .library(name: "VitalsStore", targets: ["VitalsStore"]),
        .library(name: "VitalsConnectors", targets: ["VitalsConnectors"]),
        .library(name: "VitalsApp", targets: ["VitalsApp"]),
        .library(name: "VitalsServer", targets: ["VitalsServer"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.5.0"),
        .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.0.0"..<"5.0.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
    ],
    targets: [
        // Pure domain: types and every KPI computation. No I/O, no clock, no globals.
        .target(name: "VitalsCore", swiftSettings: strict),
        // Seeded, deterministic generator of realistic datasets (demo data and benchmarks).
        .target(name: "VitalsGenerator", dependencies: ["VitalsCore"], swiftSettings: strict),
        // Every way records come in or go out as text: the canonical CSV/JSON readers (their fast paths in
        // Reading/FastPaths), vendor formats, exporters and JSON writers, configuration files.
        .target(
            name: "VitalsFormats",
            dependencies: [
                "VitalsCore", .product(name: "TOMLKit", package: "TOMLKit"), .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The databases: records, workspaces, people, keys, goals, health history, alerts, tasks and the snapshot.
        .target(
            name: "VitalsStore",
            dependencies: [
                "VitalsCore", "VitalsFormats", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // Data in from vendors' live interfaces: Stripe (webhooks, backfill, exports) and Segment/PostHog tracking.
        .target(
            name: "VitalsConnectors",
            dependencies: [
                "VitalsCore", "VitalsFormats", "VitalsStore", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict
        ),
        // The running application without HTTP: the workspace cache, the append journal, the ingest writer, the
        // health, alert and webhook services.
        .target(
            name: "VitalsApp",
            dependencies: [
                "VitalsCore", "VitalsFormats", "VitalsStore", "VitalsConnectors",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: strict
        ),
        // The HTTP server (Hummingbird 2): one routes table, API controllers, web pages.
        .target(
            name: "VitalsServer",
            dependencies: [
                "VitalsCore", "VitalsFormats", "VitalsStore", "VitalsConnectors", "VitalsApp",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "HummingbirdAuth", package: "hummingbird-auth"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ],
            swiftSettings: strict
        ),
        // The thin command-line front end.
        .executableTarget(
            name: "vitals",
            dependencies: [
                "VitalsCore", "VitalsFormats", "VitalsStore", "VitalsConnectors", "VitalsApp", "VitalsServer",
                "VitalsGenerator", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strict
        ),
        // A bounded, seeded fuzzer of the parsers that take untrusted text (scripts/fuzz).
        .executableTarget(
            name: "vitals-fuzz", dependencies: ["VitalsCore", "VitalsFormats"], path: "Sources/vitals-fuzz",
            swiftSettings: strict),
        .testTarget(name: "VitalsCoreTests", dependencies: ["VitalsCore"], swiftSettings: strict),
        .testTarget(name: "VitalsFormatsTests", dependencies: ["VitalsFormats", "VitalsGenerator"], swiftSettings: strict),
        .testTarget(
            name: "VitalsStoreTests", dependencies: ["VitalsStore", "VitalsFormats", "VitalsGenerator"], swiftSettings: strict),
        .testTarget(
            name: "VitalsConnectorsTests", dependencies: ["VitalsConnectors", "VitalsFormats", "VitalsStore"],
            swiftSettings: strict),
        .testTarget(
            name: "VitalsGeneratorTests", dependencies: ["VitalsGenerator", "VitalsFormats", "VitalsStore"],
            swiftSettings: strict),
        .testTarget(
            name: "VitalsServerTests",
            dependencies: [
                "VitalsServer", "VitalsApp", "VitalsConnectors", "VitalsFormats", "VitalsStore",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "CompressNIO", package: "compress-nio"),
            ],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
