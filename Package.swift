// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Chargeplex",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "chargeplex", targets: ["chargeplex"]),
        .library(name: "OCPP16", targets: ["OCPP16"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // The protocol as data: frames, messages, validation. No I/O, no clock.
        .target(
            name: "OCPP16",
            swiftSettings: [
                // The codec is pure value code with no shared mutable state;
                // run-time exclusivity checks on every buffer append cost a
                // third of its time.
                .unsafeFlags(["-enforce-exclusivity=unchecked"])
            ],
            linkerSettings: [.linkedLibrary("m")]),

        // System libraries, found through pkg-config.
        .systemLibrary(
            name: "COpenSSL", pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]),
        .systemLibrary(
            name: "CGPIOD", pkgConfig: "libgpiod",
            providers: [.apt(["libgpiod-dev"])]),
        .systemLibrary(
            name: "CSQLite", pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]),
        .systemLibrary(
            name: "CModbus", pkgConfig: "libmodbus",
            providers: [.apt(["libmodbus-dev"])]),

        // Certificates, keys and signatures through the system OpenSSL.
        .target(name: "Security", dependencies: ["COpenSSL", "OCPP16"]),

        // Durable state: SQLite with crash-safe writes.
        .target(
            name: "Store",
            dependencies: [
                "CSQLite",
                .product(name: "Logging", package: "swift-log"),
            ]),
        // Crash-safety probe, killed with SIGKILL by StoreTests.
        .executableTarget(name: "chargeplex-store-probe", dependencies: ["Store"]),

        // One OCPP-J WebSocket connection to one Central System.
        .target(
            name: "Link",
            dependencies: [
                "OCPP16", "COpenSSL", "Store", "Security",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // The hardware as events and commands; SimBoard and GPIOBoard.
        .target(name: "Board", dependencies: ["CGPIOD", "CModbus"]),
        // Drives a GPIOBoard from stdin and prints its events; run on real
        // kernel GPIO by scripts/gpio-vm-test.
        .executableTarget(name: "chargeplex-gpio-probe", dependencies: ["Board"]),

        // The OCPP configuration keys the charge point knows, in one table: name,
        // default, type and range, read-only, who may change them.
        .target(name: "OCPPKeys"),

        // The agent's configuration file: a TOML reader with line-exact errors.
        .target(name: "Configuration", dependencies: ["OCPPKeys", "OCPP16"]),

        // One operator's worth of OCPP charge point behaviour.
        .target(
            name: "ChargePoint",
            dependencies: [
                "OCPP16", "OCPPKeys", "Store", "Board", "Security",
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Several Central Systems at once, one billing authority.
        .target(
            name: "Operators",
            dependencies: [
                "OCPP16", "OCPPKeys", "ChargePoint", "Link", "Store", "Configuration", "Security",
                .product(name: "Logging", package: "swift-log"),
            ]),

        .executableTarget(
            name: "chargeplex",
            dependencies: [
                "OCPP16", "Link", "Store", "Board", "Configuration", "ChargePoint", "Operators", "Security",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]),

        // Benchmarks: figures, not tests.
        .target(name: "CAllocCounter"),
        .executableTarget(
            name: "chargeplex-bench",
            dependencies: [
                "OCPP16", "CAllocCounter", "Link", "ChargePoint", "Operators", "Board", "Configuration", "Store", "Security",
            ]),

        .testTarget(name: "OCPP16Tests", dependencies: ["OCPP16"]),
        .testTarget(
            name: "SystemLibraryTests",
            dependencies: ["COpenSSL", "CGPIOD", "CSQLite", "CModbus"]),
        .testTarget(name: "StoreTests", dependencies: ["Store"]),
        .testTarget(name: "SecurityTests", dependencies: ["Security", "OCPP16"]),
        .testTarget(
            name: "LinkTests",
            dependencies: [
                "Link", "OCPP16",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ]),
        // CModbus for the Modbus peer the meter tests poll (libmodbus's own server side).
        .testTarget(name: "BoardTests", dependencies: ["Board", "CModbus"]),
        .testTarget(name: "ConfigurationTests", dependencies: ["Configuration", "OCPPKeys", "OCPP16"]),
        .testTarget(name: "ChargePointTests", dependencies: ["ChargePoint", "OCPP16", "OCPPKeys", "Board", "Store"]),
        .testTarget(name: "OperatorsTests", dependencies: ["Operators", "ChargePoint", "Configuration", "OCPP16", "OCPPKeys", "Board", "Store", "Link", "Security"]),
        .testTarget(
            name: "ChargeplexTests",
            dependencies: ["chargeplex", "ChargePoint", "OCPP16", .product(name: "Logging", package: "swift-log")]),
    ]
)
