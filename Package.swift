// swift-tools-version: 6.1
//
// swift-ipam: Kubernetes IP address management controller.
//
// Targets are layered as in DESIGN.md; a target may depend only on the layers
// below it. The dependency lists below are the enforcement: nothing here
// lets a lower layer import a higher one.
//
//   IPAM            addresses, prefixes, interval sets, the allocator (stdlib only)
//   KubernetesCore  API machinery types and request building (Foundation only)
//   KubernetesClient             transport, config, auth, typed access (AsyncHTTPClient, NIOSSL, Yams, swift-log)
//   HTTPServerSupport            the accept loop of our small NIO HTTP/1.1 servers (the stand-in, /metrics)
//   KubernetesClientTestKit      in-process API stand-in over HTTP(S) with fault injection (NIO, NIOSSL, X509)
//   ControllerRuntime            watcher, store, work queue, controller, leader election, events, metrics
//   IPAMModel       IPPool / IPClaim / IPLease and the pure decisions (IPAM, KubernetesCore)
//   IPAMController  the reconcilers (pools, claims, leases, Pods) on ControllerRuntime; no main
//   CommandLineSupport     what both executables' command lines share (durations)
//   IPAMControllerCommand  flags, logging/metrics bootstrap, /metrics, /healthz, /readyz, ServiceGroup
//   ipam-controller the controller's entry point
//   IPAMCtlKit      manifest reading and the `ipamctl` commands (IPAMModel, KubernetesClient, Yams, ArgumentParser)
//   ipamctl         the command-line entry point
//   JSONReaderTesting  test support: checks a JSONReadable reader against JSONDecoder (KubernetesCore)
//
// The benchmarks (Benchmarks/, ordo-one/benchmark) are part of the package
// only when IPAM_BENCHMARKS is set, so that `swift test` and CI never build
// the benchmark harness and its dependencies:
//
//   IPAM_BENCHMARKS=1 swift package --disable-sandbox benchmark
import PackageDescription

import class Foundation.ProcessInfo

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "swift-ipam",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "IPAM", targets: ["IPAM"]),
        .library(name: "KubernetesCore", targets: ["KubernetesCore"]),
        .library(name: "KubernetesClient", targets: ["KubernetesClient"]),
        .library(name: "KubernetesClientTestKit", targets: ["KubernetesClientTestKit"]),
        .library(name: "ControllerRuntime", targets: ["ControllerRuntime"]),
        .library(name: "IPAMModel", targets: ["IPAMModel"]),
        .library(name: "IPAMController", targets: ["IPAMController"]),
        .executable(name: "ipamctl", targets: ["ipamctl"]),
        .executable(name: "ipam-controller", targets: ["ipam-controller"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.24.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", "3.12.0"..<"5.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
    ],
    targets: [
        .target(name: "IPAM", swiftSettings: swiftSettings),
        .target(name: "KubernetesCore", swiftSettings: swiftSettings),
        .target(
            name: "KubernetesClient",
            dependencies: [
                "KubernetesCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "HTTPServerSupport",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "KubernetesClientTestKit",
            dependencies: [
                "KubernetesCore",
                "HTTPServerSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "ControllerRuntime",
            dependencies: [
                "KubernetesClient",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "IPAMModel",
            dependencies: ["IPAM", "KubernetesCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "IPAMController",
            dependencies: [
                "IPAMModel",
                "ControllerRuntime",
                "KubernetesClient",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "IPAMControllerCommand",
            dependencies: [
                "CommandLineSupport",
                "IPAMController",
                "HTTPServerSupport",
                "ControllerRuntime",
                "KubernetesClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "JSONReaderTesting",
            dependencies: ["KubernetesCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "IPAMTestSupport",
            dependencies: ["IPAMModel", "KubernetesClientTestKit"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ipam-controller",
            dependencies: ["IPAMControllerCommand"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CommandLineSupport",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "IPAMCtlKit",
            dependencies: [
                "CommandLineSupport",
                "IPAMModel",
                "KubernetesCore",
                "KubernetesClient",
                .product(name: "Yams", package: "Yams"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ipamctl",
            dependencies: ["IPAMCtlKit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "IPAMTests", dependencies: ["IPAM"], swiftSettings: swiftSettings),
        .testTarget(
            name: "KubernetesCoreTests",
            dependencies: ["KubernetesCore", "JSONReaderTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KubernetesClientTests",
            dependencies: ["KubernetesClient", "KubernetesClientTestKit"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HTTPServerSupportTests",
            dependencies: [
                "HTTPServerSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "KubernetesClientTestKitTests",
            dependencies: [
                "KubernetesClientTestKit",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ControllerRuntimeTests",
            dependencies: [
                "ControllerRuntime",
                "KubernetesClientTestKit",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IPAMControllerTests",
            dependencies: [
                "IPAMController",
                "KubernetesClientTestKit",
                "IPAMTestSupport",
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IPAMControllerCommandTests",
            dependencies: [
                "IPAMControllerCommand",
                "CommandLineSupport",
                "KubernetesClientTestKit",
                "IPAMTestSupport",
                .product(name: "Yams", package: "Yams"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IPAMModelTests",
            dependencies: ["IPAMModel", "JSONReaderTesting"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IPAMCtlKitTests",
            dependencies: [
                "IPAMCtlKit",
                "KubernetesClient",
                "KubernetesClientTestKit",
                "IPAMTestSupport",
                .product(name: "Yams", package: "Yams"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)

if ProcessInfo.processInfo.environment["IPAM_BENCHMARKS"] != nil {
    package.dependencies.append(
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.0", traits: ["MallocInterposer"])
    )
    package.targets.append(
        .executableTarget(
            name: "AllocatorBenchmarks",
            dependencies: [
                "IPAM",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/AllocatorBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    )
    package.targets.append(
        .executableTarget(
            name: "ClientBenchmarks",
            dependencies: [
                "IPAMModel",
                "KubernetesClient",
                "KubernetesClientTestKit",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ClientBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    )
    package.targets.append(
        .executableTarget(
            name: "ControllerRuntimeBenchmarks",
            dependencies: [
                "ControllerRuntime",
                "KubernetesClient",
                "KubernetesClientTestKit",
                "IPAMModel",
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/ControllerRuntimeBenchmarks",
            swiftSettings: swiftSettings,
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    )
    // A plain executable (not the Benchmark harness): one-shot end-to-end scenarios with their
    // own figures and an RSS reading the malloc interposer would skew; see its header.
    //   .build-bench/release/IPAMControllerBenchmarks [bind1k|bind10k|restart|standin] [--runs N] [--qps Q]
    //   .build-bench/release/IPAMControllerBenchmarks memory      # alone: it reads the process RSS
    package.targets.append(
        .executableTarget(
            name: "IPAMControllerBenchmarks",
            dependencies: [
                "IPAM",
                "KubernetesCore",
                "KubernetesClient",
                "KubernetesClientTestKit",
                "ControllerRuntime",
                "IPAMModel",
                "IPAMController",
                "IPAMTestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
            ],
            path: "Benchmarks/IPAMControllerBenchmarks",
            swiftSettings: swiftSettings
        )
    )
}
