// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "license-bus",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "LicenseClient", targets: ["LicenseClient"]),
        .executable(name: "license-tool", targets: ["license-tool"]),
        .executable(name: "license-bench", targets: ["license-bench"]),
        .executable(name: "license-server", targets: ["license-server"]),
        .executable(name: "license-client", targets: ["license-client"]),
    ],
    targets: [
        .systemLibrary(
            name: "CLicenseBusOpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"]), .brew(["openssl@3"])]
        ),
        .target(name: "LicenseBusSync"),
        .target(name: "LicenseBusCrypto", dependencies: ["CLicenseBusOpenSSL", "LicenseBusSync"]),
        .target(name: "LicenseBusJSON"),
        .target(name: "LicenseBusNATS", dependencies: ["LicenseBusJSON", "LicenseBusCrypto", "LicenseBusSync"]),
        .target(name: "LicenseBusCore", dependencies: ["LicenseBusCrypto", "LicenseBusJSON"]),
        .target(name: "LicenseBusLog", dependencies: ["LicenseBusSync"]),
        .target(
            name: "LicenseClient",
            dependencies: ["LicenseBusCore", "LicenseBusNATS", "LicenseBusLog", "LicenseBusSync"]
        ),
        .target(
            name: "LicenseBusServer",
            dependencies: [
                "LicenseBusCore", "LicenseBusCrypto", "LicenseBusNATS", "LicenseBusLog", "LicenseBusSync",
                "LicenseClient",
            ]
        ),
        .target(
            name: "LicenseBusCLI",
            dependencies: [
                "LicenseBusCore", "LicenseBusCrypto", "LicenseBusJSON", "LicenseBusLog", "LicenseBusNATS",
                "LicenseClient",
                "LicenseBusServer",
            ]
        ),
        .executableTarget(name: "license-server", dependencies: ["LicenseBusCLI"]),
        .executableTarget(name: "license-client", dependencies: ["LicenseBusCLI"]),
        .executableTarget(
            name: "license-example-app",
            dependencies: ["LicenseClient", "LicenseBusCore", "LicenseBusLog", "LicenseBusCLI"]
        ),
        .executableTarget(name: "license-tool", dependencies: ["LicenseBusCLI"]),
        .executableTarget(
            name: "license-bench",
            dependencies: ["LicenseBusCore", "LicenseBusCrypto", "LicenseBusJSON", "LicenseBusNATS", "LicenseClient"]
        ),
        .target(
            name: "LicenseBusTestSupport",
            dependencies: ["LicenseBusCore", "LicenseBusCrypto", "LicenseBusJSON"],
            path: "Tests/LicenseBusTestSupport"
        ),
        .testTarget(name: "LicenseBusJSONTests", dependencies: ["LicenseBusJSON"]),
        .testTarget(name: "LicenseBusSyncTests", dependencies: ["LicenseBusSync"]),
        .testTarget(
            name: "LicenseBusNATSTests",
            dependencies: ["LicenseBusNATS", "LicenseBusSync", "LicenseBusTestSupport"]
        ),
        .testTarget(name: "LicenseBusCryptoTests", dependencies: ["LicenseBusCrypto", "LicenseBusTestSupport"]),
        .testTarget(
            name: "LicenseBusCoreTests",
            dependencies: ["LicenseBusCore", "LicenseBusJSON", "LicenseBusTestSupport"]
        ),
        .executableTarget(
            name: "key-file-writer",
            dependencies: ["LicenseBusCore"],
            path: "Tests/KeyFileWriterFixture"
        ),
        .testTarget(
            name: "LicenseClientTests",
            dependencies: [
                "key-file-writer", "license-client", "license-server",
                "LicenseClient", "LicenseBusServer", "LicenseBusCore", "LicenseBusCrypto", "LicenseBusJSON",
                "LicenseBusLog",
                "LicenseBusNATS", "LicenseBusSync", "LicenseBusTestSupport",
            ]
        ),
        .testTarget(name: "CLITests", dependencies: ["LicenseBusTestSupport", "license-tool"]),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.enableUpcomingFeature("InternalImportsByDefault"))
    settings.append(.enableUpcomingFeature("MemberImportVisibility"))
    target.swiftSettings = settings
}
