import Testing

@testable import IPAM

/// The fast allocator against ``ReferenceAllocator`` on random pools and random histories.
@Suite("PoolAllocator against the reference allocator")
struct PoolAllocatorReferenceTests {
    static let claims = [
        ClaimIdentity(namespace: "shop", name: "web-0"),
        ClaimIdentity(namespace: "shop", name: "web-1"),
        ClaimIdentity(namespace: "db", name: "pg-0"),
        ClaimIdentity(namespace: "kube-system", name: "coredns"),
        ClaimIdentity(namespace: "a", name: "b"),
    ]

    /// A random pool spec: prefixes inside one 4096-address block per family.
    struct Spec: CustomStringConvertible {
        var cidrs: [IPPrefix] = []
        var exclude: [IPRange] = []
        var gateways: [IPAddress] = []
        var strategy: AllocationStrategy = .sequential
        var blocks: [IPAddress.Family: UInt128] = [:]

        var description: String {
            "cidrs \(cidrs) exclude \(exclude) gateways \(gateways) \(strategy)"
        }

        /// An address of `family` in or near the pool's block (or anywhere, rarely).
        func randomAddress(_ family: IPAddress.Family, _ random: inout SplitMix64) -> IPAddress {
            guard let base = blocks[family], !random.chance(3) else {
                return IPAddress(family: family, value: random.next128() & family.maxValue)
            }
            return IPAddress(family: family, value: base + random.below(4096))
        }
    }

    static func randomBlock(_ family: IPAddress.Family, _ random: inout SplitMix64) -> UInt128 {
        switch (family, random.int(0..<5)) {
        case (.ipv4, 0): return 0  // 0.0.0.0/20: the bottom of the space
        case (.ipv4, 1): return 0xffff_f000  // the top of the space
        case (.ipv4, _): return 0x0a00_0000 | UInt128(random.int(0..<4096)) << 12
        case (.ipv6, 0): return 0
        case (.ipv6, 1): return UInt128.max & ~0xfff
        case (.ipv6, _):
            return UInt128(0xfd00) << 112 | UInt128(random.int(0..<65536)) << 96 | UInt128(random.int(0..<16)) << 12
        }
    }

    static func randomSpec(_ random: inout SplitMix64) -> Spec {
        var spec = Spec()
        let families: [IPAddress.Family] = random.pick([[.ipv4], [.ipv4], [.ipv6], [.ipv4, .ipv6], [.ipv4, .ipv6]])
        for family in families {
            let block = randomBlock(family, &random)
            spec.blocks[family] = block
            let lengths =
                family == .ipv4
                ? [22, 24, 26, 27, 28, 29, 30, 30, 31, 31, 32, 32]
                : [118, 120, 122, 123, 124, 125, 126, 126, 127, 127, 128, 128]
            for _ in 0..<random.int(1...3) {
                let address = IPAddress(family: family, value: block + random.below(4096))
                spec.cidrs.append(IPPrefix(containing: address, length: random.pick(lengths)))
            }
        }
        // Excludes in their three text forms, parsed as a pool spec would be.
        for _ in 0..<random.int(0...4) {
            let family = random.chance(85) ? random.pick(families) : random.pick(IPAddress.Family.allCases)
            let address = spec.randomAddress(family, &random)
            let text: String
            switch random.int(0..<3) {
            case 0:
                text = address.description
            case 1:
                let last = address.advanced(by: UInt128(random.pick([0, 1, 3, 10, 40, 200]))) ?? address
                text = "\(address)-\(last)"
            default:
                let length = family.bitWidth - random.int(0...6)
                text = IPPrefix(containing: address, length: length).description
            }
            spec.exclude.append(range(text))
        }
        for _ in 0..<random.int(0...2) {
            let family = random.chance(85) ? random.pick(families) : random.pick(IPAddress.Family.allCases)
            spec.gateways.append(spec.randomAddress(family, &random))
        }
        spec.strategy = random.pick(AllocationStrategy.allCases)
        return spec
    }

    /// The layout's numbering is exactly the reference's list of allocatable addresses.
    static func checkLayout(_ layout: PoolLayout, _ reference: ReferenceAllocator, _ comment: Comment) -> Bool {
        var ok = true
        for family in IPAddress.Family.allCases {
            let expected = reference.allocatable[family]
            let space = layout.spaces[family]
            #expect((space == nil) == (expected == nil), comment)
            guard let space, let expected else { continue }
            let actual = (0..<space.size).map { space.address(at: $0) }
            #expect(actual == expected, "\(family) space; \(comment)")
            ok = ok && actual == expected
            for (index, address) in expected.enumerated() where space.index(of: address) != UInt128(index) {
                Issue.record("index(of: \(address)) != \(index); \(comment)")
                ok = false
            }
        }
        return ok
    }

    /// 300 seeded scenarios: a random pool (1–3 IPv4 prefixes /22–/32 and/or IPv6
    /// /118–/128, excludes in all three forms, gateways, either strategy) and a
    /// random history of allocate / release / markCooling / markAllocated. Every
    /// result, error and usage count is compared after every step.
    ///
    /// A failure names its seed; to replay it alone, narrow the loop to `seed...seed`.
    @Test func randomHistoriesMatchTheReference() throws {
        var overlapsChecked = 0
        var outcomes: [String: Int] = [:]
        for seed in UInt64(1)...300 {
            var random = SplitMix64(seed: seed &* 0x9e37_79b9)
            // Draw specs until one is valid; every invalid one must be rejected the same way.
            var spec = Self.randomSpec(&random)
            while let (a, b) = ReferenceAllocator.overlap(in: spec.cidrs) {
                let error = failure { () throws(PoolLayoutError) in
                    try PoolLayout(cidrs: spec.cidrs, exclude: spec.exclude, gateways: spec.gateways)
                }
                guard case .overlappingCIDRs(let x, let y)? = error else {
                    Issue.record("seed \(seed): \(spec) overlaps (\(a), \(b)) but got \(String(describing: error))")
                    return
                }
                #expect(x.overlaps(y), "seed \(seed)")
                #expect(spec.cidrs.contains(x) && spec.cidrs.contains(y), "seed \(seed)")
                overlapsChecked += 1
                spec = Self.randomSpec(&random)
            }
            let comment: Comment = "seed \(seed): \(spec)"
            let layout = try PoolLayout(cidrs: spec.cidrs, exclude: spec.exclude, gateways: spec.gateways)
            var reference = try #require(
                ReferenceAllocator(
                    cidrs: spec.cidrs, exclude: spec.exclude, gateways: spec.gateways, strategy: spec.strategy),
                comment
            )
            guard Self.checkLayout(layout, reference, comment) else { continue }
            var allocator = PoolAllocator(layout: layout, strategy: spec.strategy)
            _ = Self.run(seed: seed, spec: spec, &allocator, &reference, &random, &outcomes)
        }
        // The generator must reach every outcome, or this test proves less than it claims.
        #expect(overlapsChecked > 10)
        for outcome in [
            "success", "exhausted", "notInPool-family", "notInPool-address", "excluded", "inUse",
            "coolingDown", "cooling-reclaimed", "release-true", "release-false", "markAllocated-inUse",
            "hashed-wrapped", "hashed-moved-on",
        ] {
            #expect(
                outcomes[outcome, default: 0] > 5, "outcome \(outcome) too rare: \(outcomes.sorted { $0.key < $1.key })"
            )
        }
    }

    /// One random history; returns false after the first disagreement (recorded as an issue).
    static func run(
        seed: UInt64,
        spec: Spec,
        _ allocator: inout PoolAllocator,
        _ reference: inout ReferenceAllocator,
        _ random: inout SplitMix64,
        _ outcomes: inout [String: Int]
    ) -> Bool {
        let families = spec.cidrs.map(\.family)
        var log: [String] = []
        func agree<T: Equatable>(
            _ actual: T, _ expected: T, _ what: @autoclosure () -> String, logged: Bool = true
        ) -> Bool {
            if logged { log.append(what()) }
            guard actual == expected else {
                Issue.record(
                    """
                    seed \(seed): \(what())
                      actual:   \(actual)
                      expected: \(expected)
                      pool: \(spec)
                      history: \(log.suffix(40).joined(separator: "; "))
                    """)
                return false
            }
            return true
        }
        /// An address to aim at: allocated, cooling, allocatable or anywhere near the pool.
        func target() -> IPAddress {
            let family = random.chance(90) ? random.pick(families) : random.pick(IPAddress.Family.allCases)
            switch random.int(0..<12) {
            case 0...2 where !reference.allocated.isEmpty:
                return reference.allocated.sorted()[random.int(0..<reference.allocated.count)]
            case 3...4 where !reference.cooling.isEmpty:
                return reference.cooling.keys.sorted()[random.int(0..<reference.cooling.count)]
            case 5...7:
                if let list = reference.allocatable[family], !list.isEmpty { return random.pick(list) }
                return spec.randomAddress(family, &random)
            case 8...9:
                // Inside a prefix: often its network, broadcast or anycast address, a gateway or an exclusion.
                let inside = spec.cidrs.filter { $0.family == family }
                guard !inside.isEmpty else { return spec.randomAddress(family, &random) }
                let cidr = random.pick(inside)
                let size = cidr.lastAddress.value - cidr.address.value + 1
                let special =
                    [cidr.address, cidr.lastAddress] + spec.gateways.filter(cidr.contains)
                    + spec.exclude.flatMap { [$0.first, $0.last] }.filter(cidr.contains)
                if random.chance(50) { return random.pick(special) }
                return IPAddress(family: family, value: cidr.address.value + random.below(size))
            default:
                return spec.randomAddress(family, &random)
            }
        }
        for step in 0..<random.int(20...120) {
            let claim = random.pick(claims)
            switch random.int(0..<100) {
            case 0..<50:
                var wanted = IPAddress.Family.allCases.filter { families.contains($0) || random.chance(15) }
                wanted.shuffle(using: &random)
                if wanted.count > 1, random.chance(40) { wanted.removeLast() }
                if wanted.isEmpty { wanted = [random.pick(families)] }
                var statics: [IPAddress] = []
                for family in wanted where random.chance(30) {
                    var address = target()
                    if address.family != family { address = spec.randomAddress(family, &random) }
                    statics.append(address)
                }
                guard let request = try? AllocationRequest(families: wanted, staticAddresses: statics) else {
                    Issue.record("seed \(seed): test bug, invalid request \(wanted) \(statics)")
                    return false
                }
                let actual = Result { () throws(AllocationError) in try allocator.allocate(for: claim, request) }
                let coolingBefore = reference.cooling
                let expected = reference.allocate(for: claim, request)
                guard agree(actual, expected, "step \(step): allocate(for: \(claim), \(wanted) static \(statics))")
                else { return false }
                switch expected {
                case .success(let addresses):
                    outcomes["success", default: 0] += 1
                    for allocated in addresses
                    where spec.strategy == .hashed
                        && request.staticAddress(for: allocated.address.family) == nil
                        && coolingBefore[allocated.address] != claim
                    {
                        let list = reference.allocatable[allocated.address.family]!
                        let preferred = Int(ReferenceAllocator.fnv1a64(claim.key) % UInt64(list.count))
                        let position = list.firstIndex(of: allocated.address)!
                        if position < preferred { outcomes["hashed-wrapped", default: 0] += 1 }
                        if position > preferred { outcomes["hashed-moved-on", default: 0] += 1 }
                    }
                    if addresses.contains(where: { coolingBefore[$0.address] == claim }) {
                        outcomes["cooling-reclaimed", default: 0] += 1
                    }
                case .failure(.notInPool(_, nil)): outcomes["notInPool-family", default: 0] += 1
                case .failure(.notInPool(_, _?)): outcomes["notInPool-address", default: 0] += 1
                case .failure(.exhausted): outcomes["exhausted", default: 0] += 1
                case .failure(.excluded): outcomes["excluded", default: 0] += 1
                case .failure(.inUse): outcomes["inUse", default: 0] += 1
                case .failure(.coolingDown): outcomes["coolingDown", default: 0] += 1
                case .failure(.invalidRequest): break
                }
            case 50..<65:
                let address = target()
                let actual = allocator.release(address)
                let expected = reference.release(address)
                guard agree(actual, expected, "step \(step): release(\(address))") else { return false }
                outcomes["release-\(expected)", default: 0] += 1
            case 65..<85:
                let address = target()
                let releasedBy = random.chance(20) ? random.pick(claims) : claim
                let actual = Result { () throws(AllocationError) in
                    try allocator.markCooling(address, releasedBy: releasedBy)
                }
                let expected = reference.markCooling(address, releasedBy: releasedBy)
                guard
                    agree(
                        actual.mapToVoidEquatable, expected.mapToVoidEquatable,
                        "step \(step): markCooling(\(address), releasedBy: \(releasedBy))")
                else { return false }
            default:
                let address = target()
                let actual = Result { () throws(AllocationError) in try allocator.markAllocated(address) }
                let expected = reference.markAllocated(address)
                guard
                    agree(
                        actual.mapToVoidEquatable, expected.mapToVoidEquatable,
                        "step \(step): markAllocated(\(address))")
                else { return false }
                if case .failure(.inUse) = expected { outcomes["markAllocated-inUse", default: 0] += 1 }
            }
            for family in IPAddress.Family.allCases {
                guard
                    agree(
                        allocator.usage(of: family), reference.usage(of: family), "step \(step): usage(of: \(family))",
                        logged: false)
                else { return false }
            }
            let probe = target()
            guard
                agree(
                    allocator.state(of: probe), reference.state(of: probe), "step \(step): state(of: \(probe))",
                    logged: false)
            else { return false }
        }
        // Finally every address of every prefix, and each prefix's neighbours.
        for cidr in spec.cidrs {
            var value = cidr.address.value
            while true {
                let address = IPAddress(family: cidr.family, value: value)
                guard
                    agree(
                        allocator.state(of: address), reference.state(of: address), "final state(of: \(address))",
                        logged: false)
                else { return false }
                if value == cidr.lastAddress.value { break }
                value += 1
            }
            for neighbour in [cidr.address.value &- 1, cidr.lastAddress.value &+ 1]
            where neighbour <= cidr.family.maxValue {
                let address = IPAddress(family: cidr.family, value: neighbour)
                guard
                    agree(
                        allocator.state(of: address), reference.state(of: address), "final state(of: \(address))",
                        logged: false)
                else { return false }
            }
        }
        return true
    }
}

/// `Result<Void, E>` is not `Equatable`; this is, for comparing outcomes.
enum VoidOutcome: Equatable {
    case success
    case failure(AllocationError)
}

extension Result where Success == Void, Failure == AllocationError {
    var mapToVoidEquatable: VoidOutcome {
        switch self {
        case .success: .success
        case .failure(let error): .failure(error)
        }
    }
}
