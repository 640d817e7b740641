// swift-tools-version:6.2

import PackageDescription

/// One set of compiler settings for every target, tests included.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    // The parts are modules; in a release build their generic code (the retrier, the executor, the
    // clock-generic pacing) is still specialized across them, as it was inside one module.
    .unsafeFlags(["-cross-module-optimization"], .when(configuration: .release)),
]

let package = Package(
    name: "flowbatch",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "flowbatch", targets: ["flowbatch"]),
        // For the nested Benchmarks package: the parts whose hot paths it measures.
        .library(name: "FlowBatchModel", targets: ["FlowBatchModel"]),
        .library(name: "FlowBatchIngest", targets: ["FlowBatchIngest"]),
        .library(name: "FlowBatchReport", targets: ["FlowBatchReport"]),
        .library(name: "FlowServiceAPI", targets: ["FlowServiceAPI"]),
        .library(name: "FlowServiceMock", targets: ["FlowServiceMock"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
    ],
    targets: [
        .systemLibrary(
            name: "CLibCSV",
            providers: [.apt(["libcsv-dev"])]
        ),
        // The parts of the design, one target each; an arrow not drawn here does not compile (DESIGN.md "Layout").
        .target(
            name: "FlowBatchModel",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlowBatchIngest",
            dependencies: ["FlowBatchModel", "CLibCSV"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlowServiceAPI",
            dependencies: [
                "FlowBatchModel",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlowBatchEngine",
            dependencies: ["FlowBatchModel", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlowBatchReport",
            dependencies: [
                "FlowBatchModel",
                "CLibCSV",
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlowBatch",
            dependencies: [
                "FlowBatchModel",
                "FlowBatchIngest",
                "FlowServiceAPI",
                "FlowBatchEngine",
                "FlowBatchReport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlowServiceMock",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdHTTP2", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "flowbatch",
            dependencies: [
                "FlowBatch",
                "FlowBatchModel",
                "FlowBatchIngest",
                "FlowServiceAPI",
                "FlowBatchEngine",
                "FlowBatchReport",
                "FlowServiceMock",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            // The demo's input: a link to samples/mixed.csv, embedded in the binary.
            resources: [.embedInCode("Resources/mixed.csv")],
            swiftSettings: swiftSettings
        ),
        // Fuzz target for the CSV reader and row checks; see scripts/fuzz. Built plainly, it replays inputs.
        .executableTarget(
            name: "FlowBatchFuzz",
            dependencies: ["FlowBatchModel", "FlowBatchIngest", "FlowBatchReport"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "FlowBatchTestSupport",
            path: "Tests/FlowBatchTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FlowBatchTests",
            dependencies: [
                "FlowBatch",
                "FlowBatchModel",
                "FlowBatchIngest",
                "FlowServiceAPI",
                "FlowBatchEngine",
                "FlowBatchReport",
                "FlowBatchFuzz",
                "FlowBatchTestSupport",
                "FlowServiceMock",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            exclude: ["Fuzz", "Resources"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FlowServiceMockTests",
            dependencies: [
                "FlowServiceMock",
                "FlowBatchTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["Resources"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "FlowServiceMock",
                "FlowBatchTestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            exclude: ["Resources"],
            swiftSettings: swiftSettings
        ),
    ]
)
