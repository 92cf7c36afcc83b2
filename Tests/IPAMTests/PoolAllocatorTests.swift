import Testing

@testable import IPAM

@Suite("PoolAllocator")
struct PoolAllocatorTests {
    static let webA = ClaimIdentity(namespace: "shop", name: "web-0")
    static let webB = ClaimIdentity(namespace: "shop", name: "web-1")
    static let pg = ClaimIdentity(namespace: "db", name: "pg-0")

    static func allocator(
        _ cidrs: [String],
        exclude: [String] = [],
        gateways: [String] = [],
        strategy: AllocationStrategy = .sequential
    ) throws -> PoolAllocator {
        let layout = try PoolLayout(cidrs: cidrs.map(prefix), exclude: exclude.map(range), gateways: gateways.map(addr))
        return PoolAllocator(layout: layout, strategy: strategy)
    }

    /// The pool of DESIGN.md.
    static func designPool(strategy: AllocationStrategy = .sequential) throws -> PoolAllocator {
        try allocator(
            ["10.10.0.0/24", "fd00:10::/120"],
            exclude: ["10.10.0.1", "10.10.0.200-10.10.0.254", "10.10.0.64/28"],
            gateways: ["10.10.0.1"],
            strategy: strategy
        )
    }

    static func request(_ families: [IPAddress.Family] = [.ipv4], _ statics: [String] = []) throws -> AllocationRequest
    {
        try AllocationRequest(families: families, staticAddresses: statics.map(addr))
    }

    /// Allocates and returns the addresses, or the error.
    static func take(
        _ pool: inout PoolAllocator,
        _ claim: ClaimIdentity,
        _ families: [IPAddress.Family] = [.ipv4],
        _ statics: [String] = []
    ) throws -> Result<[IPAddress], AllocationError> {
        let request = try request(families, statics)
        return Result { () throws(AllocationError) in try pool.allocate(for: claim, request) }.map { $0.map(\.address) }
    }

    static func claim(_ number: Int) -> ClaimIdentity {
        ClaimIdentity(namespace: "ns", name: "claim-\(number)")
    }

    // MARK: Sequential

    @Test func sequentialGivesLowestFreeAndSkipsUnavailable() throws {
        var pool = try Self.designPool()
        let first = try pool.allocate(for: Self.webA, Self.request())
        #expect(first == [AllocatedAddress(address: addr("10.10.0.2"), prefixLength: 24, gateway: addr("10.10.0.1"))])
        var addresses = [first[0].address]
        for number in 1..<182 {
            addresses += try pool.allocate(for: Self.claim(number), Self.request()).map(\.address)
        }
        let expected = (2...199).filter { !(64...79).contains($0) }.map { addr("10.10.0.\($0)") }
        #expect(addresses == expected)
        #expect(try Self.take(&pool, Self.claim(999)) == .failure(.exhausted(.ipv4)))
        #expect(pool.usage(of: .ipv4) == FamilyUsage(size: 182, allocated: 182, cooling: 0))
        // A freed address is the lowest free again.
        pool.release(addr("10.10.0.100"))
        pool.release(addr("10.10.0.150"))
        #expect(try Self.take(&pool, Self.claim(1000)) == .success([addr("10.10.0.100")]))
        #expect(try Self.take(&pool, Self.claim(1001)) == .success([addr("10.10.0.150")]))
    }

    @Test func sequentialAcrossSeveralPrefixes() throws {
        var pool = try Self.allocator(["10.0.1.0/30", "10.0.0.8/31", "10.0.0.0/32"])
        var got: [IPAddress] = []
        for number in 0..<5 { got += try Self.take(&pool, Self.claim(number)).get() }
        #expect(got == ["10.0.0.0", "10.0.0.8", "10.0.0.9", "10.0.1.1", "10.0.1.2"].map(addr))
        #expect(try Self.take(&pool, Self.claim(9)) == .failure(.exhausted(.ipv4)))
    }

    // MARK: Hashed

    @Test func hashedPrefersFNVOffset() throws {
        for claim in [Self.webA, Self.webB, Self.pg, Self.claim(7), ClaimIdentity(namespace: "é", name: "日本")] {
            var pool = try Self.allocator(["10.0.0.0/24"], strategy: .hashed)
            let size = UInt128(254)
            let preferred = UInt128(FNV1a64.hash("\(claim.namespace)/\(claim.name)")) % size
            #expect(PoolAllocator.preferredIndex(for: claim, size: size) == preferred)
            let got = try Self.take(&pool, claim).get()
            #expect(got == [IPAddress(ipv4: 0x0a00_0001 + UInt32(preferred))], "\(claim)")
        }
    }

    /// Fixed answers: a change here moves addresses in every existing Hashed pool.
    @Test func hashedGoldenAddresses() throws {
        var pool = try Self.allocator(["10.0.0.0/24"], strategy: .hashed)
        #expect(try Self.take(&pool, Self.webA) == .success([addr("10.0.0.30")]))  // FNV % 254 == 29
        #expect(try Self.take(&pool, Self.webB) == .success([addr("10.0.0.71")]))  // 70
        #expect(try Self.take(&pool, Self.pg) == .success([addr("10.0.0.141")]))  // 140
        #expect(PoolAllocator.preferredIndex(for: Self.webA, size: 1) == 0)
        #expect(PoolAllocator.preferredIndex(for: Self.webA, size: UInt128(1) << 64 - 1) == 5_184_521_905_152_318_753)
        #expect(PoolAllocator.preferredIndex(for: Self.webA, size: .max) == 5_184_521_905_152_318_753)
    }

    @Test func hashedTakesNextFreeAndWraps() throws {
        var pool = try Self.allocator(["10.0.0.0/24"], strategy: .hashed)
        let preferred = PoolAllocator.preferredIndex(for: Self.webA, size: 254)  // 29 → 10.0.0.30
        let space = pool.layout.spaces[.ipv4]!
        // Taken at the preferred index: the next one.
        try pool.markAllocated(space.address(at: preferred))
        try pool.markAllocated(space.address(at: preferred + 1))
        #expect(try Self.take(&pool, Self.webA) == .success([space.address(at: preferred + 2)]))
        pool.release(space.address(at: preferred + 2))
        // Everything from the preferred index to the end taken: wraps to the start.
        for index in (preferred + 2)..<254 { try pool.markAllocated(space.address(at: index)) }
        #expect(try Self.take(&pool, Self.webA) == .success([addr("10.0.0.1")]))
        try pool.markAllocated(addr("10.0.0.2"))
        try pool.markAllocated(addr("10.0.0.3"))
        #expect(try Self.take(&pool, Self.webB) == .success([addr("10.0.0.4")]))
        // Only an address just before the preferred one is left.
        for index in 4..<(preferred - 1) { try pool.markAllocated(space.address(at: index)) }
        #expect(try Self.take(&pool, Self.webA) == .success([space.address(at: preferred - 1)]))
        #expect(try Self.take(&pool, Self.webA) == .failure(.exhausted(.ipv4)))
    }

    /// A re-created claim of the same name gets its old address back when it is free.
    @Test func hashedIsStickyAcrossReleaseAndReallocation() throws {
        var pool = try Self.allocator(["fd00::/120"], strategy: .hashed)
        var first: [IPAddress: ClaimIdentity] = [:]
        for number in 0..<40 {
            let claim = Self.claim(number)
            first[try Self.take(&pool, claim, [.ipv6]).get()[0]] = claim
        }
        for address in first.keys { pool.release(address) }
        // Re-created in reverse order: each gets its old address (no collisions were moved)…
        var fresh = try Self.allocator(["fd00::/120"], strategy: .hashed)
        var second: [IPAddress: ClaimIdentity] = [:]
        for number in (0..<40).reversed() {
            let claim = Self.claim(number)
            second[try Self.take(&fresh, claim, [.ipv6]).get()[0]] = claim
        }
        // …at least for claims whose preferred address no other claim took first.
        let unmoved = first.filter { address, claim in
            fresh.layout.spaces[.ipv6]!.index(of: address) == PoolAllocator.preferredIndex(for: claim, size: 255)
        }
        #expect(unmoved.count > 30)
        for (address, claim) in unmoved { #expect(second[address] == claim) }
    }

    // MARK: Static addresses

    static let staticCases: [(String, AllocationError?)] = [
        ("10.10.0.42", nil),
        ("10.10.0.2", nil),
        ("10.10.0.199", nil),
        ("10.10.0.80", nil),
        ("fd00:10::1", nil),
        ("fd00:10::ff", nil),
        ("10.10.1.1", .notInPool(.ipv4, address: addr("10.10.1.1"))),
        ("10.9.255.255", .notInPool(.ipv4, address: addr("10.9.255.255"))),
        ("fd00:11::1", .notInPool(.ipv6, address: addr("fd00:11::1"))),
        ("fd00:10::100", .notInPool(.ipv6, address: addr("fd00:10::100"))),
        ("10.10.0.1", .excluded(addr("10.10.0.1"), .gateway)),
        ("10.10.0.70", .excluded(addr("10.10.0.70"), .excluded)),
        ("10.10.0.200", .excluded(addr("10.10.0.200"), .excluded)),
        ("10.10.0.0", .excluded(addr("10.10.0.0"), .networkOrBroadcast)),
        ("10.10.0.255", .excluded(addr("10.10.0.255"), .networkOrBroadcast)),
        ("fd00:10::", .excluded(addr("fd00:10::"), .subnetRouterAnycast)),
    ]

    @Test(arguments: staticCases)
    func staticAddress(address: String, error: AllocationError?) throws {
        var pool = try Self.designPool()
        let family = addr(address).family
        let result = try Self.take(&pool, Self.webA, [family], [address])
        if let error {
            #expect(result == .failure(error))
            #expect(pool.usage(of: family)?.allocated == 0)
        } else {
            #expect(result == .success([addr(address)]))
            #expect(pool.state(of: addr(address)) == .allocated)
        }
    }

    @Test func staticAddressInUseOrCooling() throws {
        var pool = try Self.designPool()
        #expect(try Self.take(&pool, Self.webA, [.ipv4], ["10.10.0.42"]) == .success([addr("10.10.0.42")]))
        // The allocator does not know holders: a second request is refused, whoever asks.
        #expect(try Self.take(&pool, Self.webB, [.ipv4], ["10.10.0.42"]) == .failure(.inUse(addr("10.10.0.42"))))
        #expect(try Self.take(&pool, Self.webA, [.ipv4], ["10.10.0.42"]) == .failure(.inUse(addr("10.10.0.42"))))
        try pool.markCooling(addr("10.10.0.42"), releasedBy: Self.webA)
        #expect(try Self.take(&pool, Self.webB, [.ipv4], ["10.10.0.42"]) == .failure(.coolingDown(addr("10.10.0.42"))))
        #expect(try Self.take(&pool, Self.webA, [.ipv4], ["10.10.0.42"]) == .success([addr("10.10.0.42")]))
        #expect(pool.state(of: addr("10.10.0.42")) == .allocated)
        #expect(pool.usage(of: .ipv4) == FamilyUsage(size: 182, allocated: 1, cooling: 0))
    }

    /// A static address wins over the claim's cooling address of the same family.
    @Test func staticAddressWithAnotherCoolingAddress() throws {
        var pool = try Self.designPool()
        try pool.markCooling(addr("10.10.0.9"), releasedBy: Self.webA)
        #expect(try Self.take(&pool, Self.webA, [.ipv4], ["10.10.0.50"]) == .success([addr("10.10.0.50")]))
        #expect(pool.state(of: addr("10.10.0.9")) == .cooling(releasedBy: Self.webA))
    }

    // MARK: Families

    @Test func familyNotInPool() throws {
        var pool = try Self.allocator(["10.0.0.0/24"])
        #expect(try Self.take(&pool, Self.webA, [.ipv6]) == .failure(.notInPool(.ipv6, address: nil)))
        #expect(try Self.take(&pool, Self.webA, [.ipv4, .ipv6]) == .failure(.notInPool(.ipv6, address: nil)))
        #expect(try Self.take(&pool, Self.webA, [.ipv6], ["fd00::1"]) == .failure(.notInPool(.ipv6, address: nil)))
        #expect(pool.usage(of: .ipv4) == FamilyUsage(size: 254, allocated: 0, cooling: 0))
        #expect(pool.usage(of: .ipv6) == nil)
        #expect(pool.state(of: addr("fd00::1")) == .unavailable(.outsidePool))
        var v6 = try Self.allocator(["fd00::/64"])
        #expect(try Self.take(&v6, Self.webA, [.ipv4]) == .failure(.notInPool(.ipv4, address: nil)))
    }

    @Test func dualStackIsAtomic() throws {
        var pool = try Self.allocator(["10.0.0.0/24", "fd00::/127"])
        #expect(try Self.take(&pool, Self.claim(1), [.ipv4, .ipv6]) == .success([addr("10.0.0.1"), addr("fd00::")]))
        #expect(try Self.take(&pool, Self.claim(2), [.ipv4, .ipv6]) == .success([addr("10.0.0.2"), addr("fd00::1")]))
        let before = (pool.usage(of: .ipv4), pool.usage(of: .ipv6))
        // IPv6 is exhausted: the IPv4 address that would have come first is not consumed.
        #expect(try Self.take(&pool, Self.claim(3), [.ipv4, .ipv6]) == .failure(.exhausted(.ipv6)))
        #expect(pool.usage(of: .ipv4) == before.0)
        #expect(pool.usage(of: .ipv6) == before.1)
        #expect(pool.state(of: addr("10.0.0.3")) == .free)
        #expect(try Self.take(&pool, Self.claim(3), [.ipv4]) == .success([addr("10.0.0.3")]))
        // A failing static address in the second family: the first is not consumed either.
        #expect(try Self.take(&pool, Self.claim(4), [.ipv4, .ipv6], ["fd00::1"]) == .failure(.inUse(addr("fd00::1"))))
        #expect(pool.state(of: addr("10.0.0.4")) == .free)
        // Nor is a claim's cooling address given back when the request fails.
        pool.release(addr("fd00::1"))
        try pool.markCooling(addr("10.0.0.3"), releasedBy: Self.claim(3))
        #expect(
            try Self.take(&pool, Self.claim(3), [.ipv4, .ipv6], ["fd00::9"])
                == .failure(.notInPool(.ipv6, address: addr("fd00::9"))))
        #expect(pool.state(of: addr("10.0.0.3")) == .cooling(releasedBy: Self.claim(3)))
        #expect(pool.state(of: addr("fd00::1")) == .free)
    }

    @Test func addressesFollowRequestOrder() throws {
        var pool = try Self.designPool()
        let v6First = try pool.allocate(for: Self.webA, Self.request([.ipv6, .ipv4]))
        #expect(
            v6First == [
                AllocatedAddress(address: addr("fd00:10::1"), prefixLength: 120, gateway: nil),
                AllocatedAddress(address: addr("10.10.0.2"), prefixLength: 24, gateway: addr("10.10.0.1")),
            ])
        let v4First = try pool.allocate(for: Self.webB, Self.request([.ipv4, .ipv6]))
        #expect(v4First.map(\.address) == [addr("10.10.0.3"), addr("fd00:10::2")])
    }

    @Test func gatewayAndPrefixLengthPerPrefix() throws {
        var pool = try Self.allocator(
            ["10.0.0.0/24", "10.0.1.0/25", "fd00::/120"],
            gateways: ["10.0.1.1", "10.0.0.1", "fd00::1"]
        )
        #expect(
            try pool.allocate(for: Self.webA, Self.request([.ipv4], ["10.0.1.5"]))
                == [AllocatedAddress(address: addr("10.0.1.5"), prefixLength: 25, gateway: addr("10.0.1.1"))])
        #expect(
            try pool.allocate(for: Self.webB, Self.request([.ipv4], ["10.0.0.5"]))
                == [AllocatedAddress(address: addr("10.0.0.5"), prefixLength: 24, gateway: addr("10.0.0.1"))])
        #expect(
            try pool.allocate(for: Self.pg, Self.request([.ipv6]))
                == [AllocatedAddress(address: addr("fd00::2"), prefixLength: 120, gateway: addr("fd00::1"))])
    }

    // MARK: Cooldown

    @Test func coolingAddressGoesBackToItsClaimOnly() throws {
        var pool = try Self.allocator(["10.0.0.0/24"])
        #expect(try Self.take(&pool, Self.webA) == .success([addr("10.0.0.1")]))
        #expect(try Self.take(&pool, Self.webB) == .success([addr("10.0.0.2")]))
        try pool.markCooling(addr("10.0.0.1"), releasedBy: Self.webA)
        #expect(pool.state(of: addr("10.0.0.1")) == .cooling(releasedBy: Self.webA))
        #expect(pool.usage(of: .ipv4) == FamilyUsage(size: 254, allocated: 1, cooling: 1))
        // Others: dynamic skips it, static is refused.
        #expect(try Self.take(&pool, Self.pg) == .success([addr("10.0.0.3")]))
        #expect(try Self.take(&pool, Self.claim(9), [.ipv4], ["10.0.0.1"]) == .failure(.coolingDown(addr("10.0.0.1"))))
        // Its claim takes it back.
        #expect(try Self.take(&pool, Self.webA) == .success([addr("10.0.0.1")]))
        #expect(pool.state(of: addr("10.0.0.1")) == .allocated)
        #expect(pool.usage(of: .ipv4) == FamilyUsage(size: 254, allocated: 3, cooling: 0))
    }

    @Test(arguments: AllocationStrategy.allCases)
    func coolingAddressWinsOverLowerOrPreferredFree(strategy: AllocationStrategy) throws {
        var pool = try Self.allocator(["10.0.0.0/24"], strategy: strategy)
        // Rebuilt from a Released lease at an address neither lowest nor preferred.
        try pool.markCooling(addr("10.0.0.200"), releasedBy: Self.webA)
        #expect(pool.state(of: addr("10.0.0.1")) == .free)
        #expect(try Self.take(&pool, Self.webA) == .success([addr("10.0.0.200")]))
    }

    @Test func releaseFreesForEveryone() throws {
        var pool = try Self.allocator(["10.0.0.0/29"])
        #expect(try Self.take(&pool, Self.webA) == .success([addr("10.0.0.1")]))
        try pool.markCooling(addr("10.0.0.1"), releasedBy: Self.webA)
        let released = pool.release(addr("10.0.0.1"))
        #expect(released)
        #expect(pool.state(of: addr("10.0.0.1")) == .free)
        #expect(pool.usage(of: .ipv4) == FamilyUsage(size: 6, allocated: 0, cooling: 0))
        #expect(try Self.take(&pool, Self.webB) == .success([addr("10.0.0.1")]))
        // The old claim no longer has a claim on it.
        #expect(try Self.take(&pool, Self.webA) == .success([addr("10.0.0.2")]))
        let results = ["10.0.0.2", "10.0.0.2", "10.0.0.5", "10.0.0.0", "192.168.0.1", "fd00::1"].map {
            pool.release(addr($0))
        }
        #expect(results == [true, false, false, false, false, false])
    }

    @Test func coolingByAnotherClaimMovesTheReservation() throws {
        var pool = try Self.allocator(["10.0.0.0/29"])
        try pool.markCooling(addr("10.0.0.3"), releasedBy: Self.webA)
        try pool.markCooling(addr("10.0.0.3"), releasedBy: Self.webB)
        #expect(pool.state(of: addr("10.0.0.3")) == .cooling(releasedBy: Self.webB))
        #expect(pool.usage(of: .ipv4)?.cooling == 1)
        #expect(try Self.take(&pool, Self.webA) == .success([addr("10.0.0.1")]))
        #expect(try Self.take(&pool, Self.webA, [.ipv4], ["10.0.0.3"]) == .failure(.coolingDown(addr("10.0.0.3"))))
        #expect(try Self.take(&pool, Self.webB) == .success([addr("10.0.0.3")]))
    }

    /// A claim with two cooling addresses keeps its claim on the older one
    /// when the newer one stops cooling (the cooldown of one lease ended, or
    /// the leases were replayed in another order after a restart).
    @Test func olderCoolingAddressSurvivesTheNewerOne() throws {
        var pool = try Self.allocator(["10.0.0.0/29"])
        try pool.markCooling(addr("10.0.0.5"), releasedBy: Self.webA)
        try pool.markCooling(addr("10.0.0.2"), releasedBy: Self.webA)
        pool.release(addr("10.0.0.2"))
        #expect(pool.state(of: addr("10.0.0.5")) == .cooling(releasedBy: Self.webA))
        #expect(try Self.take(&pool, Self.webA) == .success([addr("10.0.0.5")]))

        // The same when the newer one is taken by its claim.
        var other = try Self.allocator(["10.0.0.0/29"])
        try other.markCooling(addr("10.0.0.5"), releasedBy: Self.webA)
        try other.markCooling(addr("10.0.0.4"), releasedBy: Self.webA)
        #expect(try Self.take(&other, Self.webA) == .success([addr("10.0.0.4")]))  // the newest first
        #expect(try Self.take(&other, Self.webA) == .success([addr("10.0.0.5")]))
        #expect(try Self.take(&other, Self.webA) == .success([addr("10.0.0.1")]))
    }

    @Test func coolingIsPerFamily() throws {
        var pool = try Self.allocator(["10.0.0.0/29", "fd00::/125"])
        try pool.markCooling(addr("10.0.0.4"), releasedBy: Self.webA)
        #expect(try Self.take(&pool, Self.webA, [.ipv6, .ipv4]) == .success([addr("fd00::1"), addr("10.0.0.4")]))
    }

    // MARK: Rebuilding state

    @Test func markAllocated() throws {
        var pool = try Self.designPool()
        try pool.markAllocated(addr("10.10.0.2"))
        #expect(pool.state(of: addr("10.10.0.2")) == .allocated)
        #expect(try Self.take(&pool, Self.webA) == .success([addr("10.10.0.3")]))
        func error(_ text: String) -> AllocationError? {
            failure { () throws(AllocationError) in try pool.markAllocated(addr(text)) }
        }
        #expect(error("10.10.0.2") == .inUse(addr("10.10.0.2")))
        #expect(error("10.10.0.1") == .excluded(addr("10.10.0.1"), .gateway))
        #expect(error("10.10.0.66") == .excluded(addr("10.10.0.66"), .excluded))
        #expect(error("10.10.0.255") == .excluded(addr("10.10.0.255"), .networkOrBroadcast))
        #expect(error("fd00:10::") == .excluded(addr("fd00:10::"), .subnetRouterAnycast))
        #expect(error("10.11.0.1") == .notInPool(.ipv4, address: addr("10.11.0.1")))
        try pool.markCooling(addr("10.10.0.9"), releasedBy: Self.webB)
        #expect(error("10.10.0.9") == .inUse(addr("10.10.0.9")))
        #expect(pool.state(of: addr("10.10.0.9")) == .cooling(releasedBy: Self.webB))
        #expect(pool.usage(of: .ipv4) == FamilyUsage(size: 182, allocated: 2, cooling: 1))

        var v4Only = try Self.allocator(["10.0.0.0/24"])
        #expect(
            failure { () throws(AllocationError) in try v4Only.markAllocated(addr("fd00::1")) }
                == .notInPool(.ipv6, address: addr("fd00::1")))
        #expect(
            failure { () throws(AllocationError) in try v4Only.markCooling(addr("10.0.0.0"), releasedBy: Self.webA) }
                == .excluded(addr("10.0.0.0"), .networkOrBroadcast))
        #expect(v4Only.usage(of: .ipv4) == FamilyUsage(size: 254, allocated: 0, cooling: 0))
    }

    @Test func markCoolingOfAnAllocatedOrFreeAddress() throws {
        var pool = try Self.allocator(["10.0.0.0/29"])
        try pool.markAllocated(addr("10.0.0.1"))
        try pool.markCooling(addr("10.0.0.1"), releasedBy: Self.webA)
        try pool.markCooling(addr("10.0.0.2"), releasedBy: Self.webB)
        #expect(pool.usage(of: .ipv4) == FamilyUsage(size: 6, allocated: 0, cooling: 2))
        #expect(pool.usage(of: .ipv4)?.free == 4)
    }

    @Test func stateOfAddresses() throws {
        var pool = try Self.designPool()
        try pool.markAllocated(addr("10.10.0.2"))
        try pool.markCooling(addr("10.10.0.3"), releasedBy: Self.pg)
        #expect(pool.state(of: addr("10.10.0.2")) == .allocated)
        #expect(pool.state(of: addr("10.10.0.3")) == .cooling(releasedBy: Self.pg))
        #expect(pool.state(of: addr("10.10.0.4")) == .free)
        #expect(pool.state(of: addr("10.10.0.1")) == .unavailable(.gateway))
        #expect(pool.state(of: addr("10.10.0.64")) == .unavailable(.excluded))
        #expect(pool.state(of: addr("10.10.0.0")) == .unavailable(.networkOrBroadcast))
        #expect(pool.state(of: addr("fd00:10::")) == .unavailable(.subnetRouterAnycast))
        #expect(pool.state(of: addr("10.10.1.0")) == .unavailable(.outsidePool))
        #expect(pool.state(of: addr("::ffff:10.10.0.4")) == .unavailable(.outsidePool))
    }

    // MARK: Sizes and exhaustion

    @Test(arguments: [
        ("10.0.0.2/31", ["10.0.0.2", "10.0.0.3"]),
        ("10.0.0.7/32", ["10.0.0.7"]),
        ("10.0.0.4/30", ["10.0.0.5", "10.0.0.6"]),
        ("fd00::2/127", ["fd00::2", "fd00::3"]),
        ("fd00::7/128", ["fd00::7"]),
        ("fd00::4/126", ["fd00::5", "fd00::6", "fd00::7"]),
    ])
    func smallPrefixesHandOutEveryAllowedAddress(cidr: String, expected: [String]) throws {
        for strategy in AllocationStrategy.allCases {
            var pool = try Self.allocator([cidr], strategy: strategy)
            let family = prefix(cidr).family
            var got: [IPAddress] = []
            for number in 0..<expected.count { got += try Self.take(&pool, Self.claim(number), [family]).get() }
            #expect(got.sorted() == expected.map(addr), "\(strategy)")
            #expect(try Self.take(&pool, Self.claim(99), [family]) == .failure(.exhausted(family)))
            #expect(
                pool.usage(of: family)
                    == FamilyUsage(size: UInt128(expected.count), allocated: UInt128(expected.count), cooling: 0))
            #expect(pool.usage(of: family)?.free == 0)
        }
    }

    @Test(arguments: AllocationStrategy.allCases)
    func emptyPoolIsExhausted(strategy: AllocationStrategy) throws {
        var pool = try Self.allocator(
            ["10.0.0.0/30", "fd00::/127"], exclude: ["10.0.0.0/30", "fd00::/127"], strategy: strategy)
        #expect(try Self.take(&pool, Self.webA) == .failure(.exhausted(.ipv4)))
        #expect(try Self.take(&pool, Self.webA, [.ipv6]) == .failure(.exhausted(.ipv6)))
        #expect(pool.usage(of: .ipv4) == FamilyUsage(size: 0, allocated: 0, cooling: 0))
    }

    /// Cooling addresses of other claims count as taken; exhaustion says so.
    @Test func exhaustedByCoolingAddresses() throws {
        var pool = try Self.allocator(["10.0.0.0/31"])
        try pool.markCooling(addr("10.0.0.0"), releasedBy: Self.webA)
        try pool.markCooling(addr("10.0.0.1"), releasedBy: Self.webA)
        #expect(try Self.take(&pool, Self.webB) == .failure(.exhausted(.ipv4)))
        #expect(pool.usage(of: .ipv4) == FamilyUsage(size: 2, allocated: 0, cooling: 2))
        #expect(pool.usage(of: .ipv4)?.free == 0)
    }

    @Test func usageCounts() throws {
        var pool = try Self.designPool()
        #expect(pool.usage(of: .ipv4) == FamilyUsage(size: 182, allocated: 0, cooling: 0))
        #expect(pool.usage(of: .ipv6) == FamilyUsage(size: 255, allocated: 0, cooling: 0))
        _ = try pool.allocate(for: Self.webA, Self.request([.ipv4, .ipv6]))
        _ = try pool.allocate(for: Self.webB, Self.request([.ipv4]))
        _ = try pool.allocate(for: Self.pg, Self.request([.ipv4]))
        try pool.markCooling(addr("10.10.0.3"), releasedBy: Self.webB)
        let usage = try #require(pool.usage(of: .ipv4))
        #expect(usage == FamilyUsage(size: 182, allocated: 2, cooling: 1))
        #expect(usage.free == 179)
        #expect(pool.usage(of: .ipv6)?.free == 254)
        pool.release(addr("10.10.0.3"))
        #expect(pool.usage(of: .ipv4) == FamilyUsage(size: 182, allocated: 2, cooling: 0))
    }

    /// Failed calls leave the allocator exactly as it was.
    @Test func failuresChangeNothing() throws {
        var pool = try Self.designPool(strategy: .hashed)
        _ = try pool.allocate(for: Self.webA, Self.request([.ipv4, .ipv6]))
        try pool.markCooling(addr("10.10.0.150"), releasedBy: Self.pg)
        func snapshot() -> [AddressState] {
            (0...255).map { pool.state(of: addr("10.10.0.\($0)")) }
                + (0...255).map { pool.state(of: IPAddress(ipv6: prefix("fd00:10::/120").address.value + UInt128($0))) }
        }
        let before = snapshot()
        _ = try Self.take(&pool, Self.webB, [.ipv4, .ipv6], ["10.10.0.42", "fd00:10::"])
        _ = try Self.take(&pool, Self.webB, [.ipv4], ["10.10.0.150"])
        _ = try Self.take(&pool, Self.pg, [.ipv6, .ipv4], ["10.10.0.1"])
        _ = try? pool.markAllocated(addr("10.10.0.150"))
        _ = try? pool.markAllocated(addr("10.10.0.0"))
        #expect(snapshot() == before)
    }

    // MARK: Large pools

    /// Memory grows with allocations, never with the pool size: 10,000
    /// addresses may cost a few hundred bytes each (measured: about 40), not
    /// anything in proportion to 2^64 or 2^24.
    static let memoryBound = 10_000 * 256

    @Test func largeIPv6PoolSequential() throws {
        var pool = try Self.allocator(["fd00::/64"])
        for number in 1...10_000 {
            let got = try pool.allocate(for: Self.claim(number), Self.request([.ipv6]))
            #expect(got[0].address == IPAddress(ipv6: prefix("fd00::/64").address.value + UInt128(number)))
        }
        #expect(pool.usage(of: .ipv6) == FamilyUsage(size: (1 << 64) - 1, allocated: 10_000, cooling: 0))
        #expect(pool.approximateMemoryBytes < Self.memoryBound)
        #expect(pool.usage(of: .ipv6)?.free == UInt128(1) << 64 - 1 - 10_000)
    }

    @Test(arguments: [("fd00::/64", IPAddress.Family.ipv6), ("10.0.0.0/8", .ipv4), ("::/0", .ipv6)])
    func largePoolHashed(cidr: String, family: IPAddress.Family) throws {
        var pool = try Self.allocator([cidr], strategy: .hashed)
        var seen: Set<IPAddress> = []
        for number in 1...10_000 {
            let got = try pool.allocate(for: Self.claim(number), Self.request([family]))[0]
            #expect(seen.insert(got.address).inserted)
            #expect(prefix(cidr).contains(got.address))
            #expect(pool.layout.unavailability(of: got.address) == nil)
        }
        #expect(pool.usage(of: family)?.allocated == 10_000)
        #expect(pool.approximateMemoryBytes < Self.memoryBound)
    }

    @Test func largeIPv4PoolSequential() throws {
        var pool = try Self.allocator(["10.0.0.0/8"])
        var last: IPAddress?
        for number in 1...10_000 {
            last = try pool.allocate(for: Self.claim(number), Self.request()).first?.address
        }
        #expect(last == IPAddress(ipv4: 0x0a00_0000 + 10_000))
        #expect(pool.usage(of: .ipv4)?.free == UInt128((1 << 24) - 2 - 10_000))
        #expect(pool.approximateMemoryBytes < Self.memoryBound)
    }

    @Test func wholeIPv6SpaceBoundaries() throws {
        var pool = try Self.allocator(["::/0"])
        #expect(pool.usage(of: .ipv6)?.size == UInt128.max)
        #expect(try Self.take(&pool, Self.webA, [.ipv6]) == .success([addr("::1")]))
        #expect(
            try Self.take(&pool, Self.webB, [.ipv6], ["ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"])
                == .success([addr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")]))
        #expect(try Self.take(&pool, Self.pg, [.ipv6], ["::"]) == .failure(.excluded(addr("::"), .subnetRouterAnycast)))
        #expect(pool.usage(of: .ipv6)?.free == UInt128.max - 2)
    }

    // MARK: Determinism

    /// Two allocators fed the same history answer the same, whatever the order of unrelated setup.
    @Test func sameHistorySameAnswers() throws {
        var a = try Self.designPool(strategy: .hashed)
        var b = try Self.designPool(strategy: .hashed)
        try a.markAllocated(addr("10.10.0.30"))
        try a.markCooling(addr("10.10.0.31"), releasedBy: Self.pg)
        try b.markCooling(addr("10.10.0.31"), releasedBy: Self.pg)
        try b.markAllocated(addr("10.10.0.30"))
        for number in 0..<100 {
            let claim = Self.claim(number)
            #expect(try Self.take(&a, claim, [.ipv6, .ipv4]) == Self.take(&b, claim, [.ipv6, .ipv4]))
        }
    }
}
