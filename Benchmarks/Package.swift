// swift-tools-version:6.1

import PackageDescription

/// The same compiler settings as the root package's targets.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "flowbatch-benchmarks",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "bare-ahc-loop", targets: ["bare-ahc-loop"])
    ],
    dependencies: [
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // The floor AsyncHTTPClient allows for `POST /connections`: scripts/bench's peer beside flowbatch.
        .executableTarget(
            name: "bare-ahc-loop",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        )
    ]
)
