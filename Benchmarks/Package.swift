// swift-tools-version:6.1

import PackageDescription

/// The same compiler settings as the root package's targets.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// A micro-benchmark target: its sources in `Benchmarks/<name>/`, run by `swift package benchmark`.
func benchmark(_ name: String, _ dependencies: [Target.Dependency]) -> Target {
    .executableTarget(
        name: name,
        dependencies: [.product(name: "Benchmark", package: "benchmark")] + dependencies,
        path: "Benchmarks/\(name)",
        swiftSettings: swiftSettings,
        plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    )
}

let package = Package(
    name: "flowbatch-benchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bare-ahc-loop", targets: ["bare-ahc-loop"])
    ],
    dependencies: [
        // The product itself; named, so that its products are found whatever the checkout's folder is called.
        .package(name: "flowbatch", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // The floor AsyncHTTPClient allows for `POST /connections`: scripts/bench's peer beside flowbatch.
        .executableTarget(
            name: "bare-ahc-loop",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                // Only for `EventLoops`: the same event loops as flowbatch's transport.
                .product(name: "FlowServiceAPI", package: "flowbatch"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                // Only for the trust roots of `SSL_CERT_FILE` (scripts/bench's TLS rows).
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        // Each pair (hand-written against the library it stands in for) in one target, so one run gives the ratio.
        benchmark("CSVReading", [.product(name: "FlowBatchIngest", package: "flowbatch")]),
        benchmark(
            "RequestBody",
            [
                .product(name: "FlowBatchModel", package: "flowbatch"),
                .product(name: "FlowServiceAPI", package: "flowbatch"),
            ]
        ),
        benchmark("JournalLine", [.product(name: "FlowBatchReport", package: "flowbatch")]),
        benchmark("MockJSONParsing", [.product(name: "FlowServiceMock", package: "flowbatch")]),
    ]
)
