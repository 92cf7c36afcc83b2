// swift-tools-version: 6.1
//
// swift-ipam: Kubernetes IP address management controller.
//
// Targets are layered as in DESIGN.md; a target may depend only on the layers
// below it. The dependency lists below are the enforcement: nothing here
// lets a lower layer import a higher one.
//
//   IPAM            addresses, prefixes, interval sets, the allocator (stdlib only)
//   KubernetesCore  API machinery types (Foundation only)
//   IPAMModel       IPPool / IPClaim / IPLease and the pure decisions (IPAM, KubernetesCore)
//   IPAMCtlKit      manifest reading and the `ipamctl` commands (IPAMModel, Yams, ArgumentParser)
//   ipamctl         the command-line entry point
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
        .library(name: "IPAMModel", targets: ["IPAMModel"]),
        .executable(name: "ipamctl", targets: ["ipamctl"]),
    ],
    dependencies: [
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .target(name: "IPAM", swiftSettings: swiftSettings),
        .target(name: "KubernetesCore", swiftSettings: swiftSettings),
        .target(
            name: "IPAMModel",
            dependencies: ["IPAM", "KubernetesCore"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "IPAMCtlKit",
            dependencies: [
                "IPAMModel",
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
            dependencies: ["KubernetesCore"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IPAMModelTests",
            dependencies: ["IPAMModel"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "IPAMCtlKitTests",
            dependencies: ["IPAMCtlKit"],
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
}
