// Allocator benchmarks (issue: allocator core).
//
//   IPAM_BENCHMARKS=1 swift package --disable-sandbox benchmark
//
// Each allocation benchmark performs `scalingFactor` allocations per
// iteration against an allocator prepared outside the measured region, so
// throughput is allocations per second. Pools: an IPv4 /8 and an IPv6 /64.
// "filled" variants start with 1,000,000 addresses in use: for Sequential the
// lowest 1,000,000 (what a Sequential pool looks like), for Hashed 1,000,000
// hashed claims (scattered over the whole pool).
import Benchmark
import IPAM

let prefilled = 1_000_000

/// Claim identities made before measuring, so string building is not timed.
func identities(_ count: Int, prefix: String) -> [ClaimIdentity] {
    (0..<count).map { ClaimIdentity(namespace: "bench", name: "\(prefix)-\($0)") }
}

func pool(_ cidr: String, _ strategy: AllocationStrategy) -> PoolAllocator {
    let layout = try! PoolLayout(cidrs: [try! IPPrefix(cidr)])
    return PoolAllocator(layout: layout, strategy: strategy)
}

/// An allocator with `claims.count` addresses in use, placed as its strategy would place them.
func filledPool(_ cidr: String, _ strategy: AllocationStrategy, claims: [ClaimIdentity]) -> PoolAllocator {
    var allocator = pool(cidr, strategy)
    let family: IPAddress.Family = cidr.contains(":") ? .ipv6 : .ipv4
    let request = try! AllocationRequest(families: [family])
    for claim in claims { _ = try! allocator.allocate(for: claim, request) }
    return allocator
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock, .mallocCountTotal],
        scalingFactor: .mega,
        maxDuration: .seconds(20),
        maxIterations: 10
    )

    // One allocation per scaled iteration: throughput is allocations per second.
    let newClaims = identities(1_000_000, prefix: "new")
    let existingClaims = identities(prefilled, prefix: "existing")
    for (cidr, familyName) in [("10.0.0.0/8", "IPv4 /8"), ("fd00:1::/64", "IPv6 /64")] {
        let family: IPAddress.Family = cidr.contains(":") ? .ipv6 : .ipv4
        let request = try! AllocationRequest(families: [family])
        for strategy in AllocationStrategy.allCases {
            for filled in [false, true] {
                let name = "allocate \(strategy.rawValue) \(familyName) \(filled ? "1M in use" : "empty")"
                Benchmark(name) { benchmark in
                    // Prepared outside the measured region, fresh for every iteration.
                    var allocator = filled ? filledPool(cidr, strategy, claims: existingClaims) : pool(cidr, strategy)
                    benchmark.startMeasurement()
                    for index in benchmark.scaledIterations {
                        blackHole(try! allocator.allocate(for: newClaims[index], request))
                    }
                    benchmark.stopMeasurement()
                }
            }
        }
    }

    // Memory per allocated address: 1,000,000 Hashed allocations in an IPv6
    // /64 (each in its own 64-address block). Reported two ways: the net bytes
    // malloc still holds afterwards (memoryLeakedBytes, divide by 1,000,000),
    // and the allocator's own estimate of its storage per address.
    Benchmark(
        "memory Hashed IPv6 /64 1M scattered",
        configuration: .init(
            metrics: [.memoryLeakedBytes, .mallocCountTotal, .custom("bytes per address", useScalingFactor: false)],
            scalingFactor: .one,
            maxIterations: 3)
    ) { benchmark in
        let request = try! AllocationRequest(families: [.ipv6])
        benchmark.startMeasurement()
        var allocator = pool("fd00:1::/64", .hashed)
        for claim in existingClaims { _ = try! allocator.allocate(for: claim, request) }
        benchmark.stopMeasurement()
        benchmark.measurement(
            .custom("bytes per address", useScalingFactor: false), allocator.approximateMemoryBytes / prefilled)
        blackHole(allocator)
    }

    // Rebuilding allocator state from 1,000,000 existing leases (scattered
    // addresses of an IPv4 /8, in lease-name order), as the controller does at start-up.
    let existing: [IPAddress] = {
        let source = filledPool("10.0.0.0/8", .hashed, claims: existingClaims)
        var addresses: [IPAddress] = []
        addresses.reserveCapacity(prefilled)
        var value: UInt128 = 0x0a00_0000
        while addresses.count < prefilled, value <= 0x0aff_ffff {
            let address = IPAddress(family: .ipv4, value: value)
            if source.state(of: address) == .allocated { addresses.append(address) }
            value += 1
        }
        return addresses
    }()
    Benchmark(
        "rebuild IPv4 /8 from 1M leases",
        configuration: .init(metrics: [.wallClock, .mallocCountTotal], scalingFactor: .one, maxIterations: 10)
    ) { benchmark in
        benchmark.startMeasurement()
        var allocator = pool("10.0.0.0/8", .hashed)
        for address in existing { try! allocator.markAllocated(address) }
        benchmark.stopMeasurement()
        blackHole(allocator)
    }
}
