import Testing

@testable import IPAM

@Suite("PoolLayout")
struct PoolLayoutTests {
    static func layout(
        _ cidrs: [String], exclude: [String] = [], gateways: [String] = []
    ) throws(PoolLayoutError) -> PoolLayout {
        try PoolLayout(cidrs: cidrs.map(prefix), exclude: exclude.map(range), gateways: gateways.map(addr))
    }

    /// The pool of DESIGN.md.
    static func designPool() throws(PoolLayoutError) -> PoolLayout {
        try layout(
            ["10.10.0.0/24", "fd00:10::/120"],
            exclude: ["10.10.0.1", "10.10.0.200-10.10.0.254", "10.10.0.64/28"],
            gateways: ["10.10.0.1"]
        )
    }

    static let sizeCases: [([String], UInt128?, UInt128?)] = [
        (["10.10.0.0/24"], 254, nil),
        (["10.10.0.0/31"], 2, nil),
        (["10.10.0.1/32"], 1, nil),
        (["10.10.0.0/30"], 2, nil),
        (["10.10.0.0/29"], 6, nil),
        (["10.0.0.0/8"], (1 << 24) - 2, nil),
        (["0.0.0.0/0"], (1 << 32) - 2, nil),
        (["10.10.0.0/25", "10.10.0.128/25"], 252, nil),
        (["10.10.0.0/31", "10.10.0.2/31"], 4, nil),
        (["fd00:10::/120"], nil, 255),
        (["fd00::/126"], nil, 3),
        (["fd00::/127"], nil, 2),
        (["fd00::1/128"], nil, 1),
        (["fd00::/64"], nil, (1 << 64) - 1),
        (["::/0"], nil, .max),  // 2^128 - 1
        (["10.10.0.0/24", "fd00:10::/120"], 254, 255),
        (["fd00::/127", "10.0.0.0/32"], 1, 2),
    ]

    @Test(arguments: sizeCases)
    func sizes(cidrs: [String], ipv4: UInt128?, ipv6: UInt128?) throws {
        let layout = try Self.layout(cidrs)
        #expect(layout.spaces[.ipv4]?.size == ipv4)
        #expect(layout.spaces[.ipv6]?.size == ipv6)
        #expect(layout.families == [ipv4.map { _ in .ipv4 }, ipv6.map { _ in .ipv6 }].compactMap { $0 })
    }

    @Test func designExampleHas182IPv4Addresses() throws {
        let layout = try Self.designPool()
        let space = try #require(layout.spaces[.ipv4])
        // 256 − network − broadcast − .1 − .200…254 (55) − .64/28 (16)
        #expect(space.size == 182)
        #expect(layout.spaces[.ipv6]?.size == 255)
        let expected = (2...254).filter { !(64...79).contains($0) && !(200...254).contains($0) }
            .map { IPAddress(ipv4: 0x0a0a_0000 | UInt32($0)) }
        #expect(expected.count == 182)
        #expect((0..<182).map { space.address(at: UInt128($0)) } == expected)
        #expect(
            layout.excluded[.ipv4]
                == IntervalSet([
                    0x0a0a_0001...0x0a0a_0001, 0x0a0a_00c8...0x0a0a_00fe,
                    0x0a0a_0040...0x0a0a_004f,
                ]))
        #expect(layout.excluded[.ipv6] == IntervalSet())
        #expect(layout.cidrs == [prefix("10.10.0.0/24"), prefix("fd00:10::/120")])
        #expect(layout.gateways == [addr("10.10.0.1")])
    }

    @Test(arguments: [
        (["10.0.0.0/8", "10.1.0.0/16"], "10.0.0.0/8", "10.1.0.0/16"),
        (["10.1.0.0/16", "10.0.0.0/8"], "10.0.0.0/8", "10.1.0.0/16"),
        (["10.0.0.0/24", "10.0.0.0/24"], "10.0.0.0/24", "10.0.0.0/24"),
        (["10.0.0.0/24", "10.0.0.128/25"], "10.0.0.0/24", "10.0.0.128/25"),
        (["10.0.0.0/31", "10.0.0.1/32"], "10.0.0.0/31", "10.0.0.1/32"),
        (["fd00::/64", "fd00::5/128"], "fd00::/64", "fd00::5/128"),
        (["fd00::/120", "10.0.0.0/24", "fd00::80/121"], "fd00::/120", "fd00::80/121"),
        // The overlap is between the first and the last once sorted, with a prefix between them.
        (["10.0.0.0/16", "10.0.1.0/24", "10.0.0.0/24"], "10.0.0.0/16", "10.0.0.0/24"),
        (["0.0.0.0/0", "192.168.0.0/16"], "0.0.0.0/0", "192.168.0.0/16"),
    ])
    func overlappingCIDRsRejected(cidrs: [String], a: String, b: String) {
        let error = failure { () throws(PoolLayoutError) in try Self.layout(cidrs) }
        #expect(error == .overlappingCIDRs(prefix(a), prefix(b)))
    }

    @Test func noCIDRsRejected() {
        #expect(failure { () throws(PoolLayoutError) in try Self.layout([]) } == .noCIDRs)
        #expect(PoolLayoutError.noCIDRs.description == "the pool has no CIDR")
        #expect(
            PoolLayoutError.overlappingCIDRs(prefix("10.0.0.0/8"), prefix("10.1.0.0/16")).description
                == "CIDRs 10.0.0.0/8 and 10.1.0.0/16 overlap")
    }

    @Test func disjointAndAdjacentCIDRsAccepted() throws {
        #expect(try Self.layout(["10.0.0.0/24", "10.0.1.0/24"]).cidrs.count == 2)
        #expect(try Self.layout(["0.0.0.0/0", "::/0"]).families == [.ipv4, .ipv6])
        // An IPv4 prefix and the IPv4-mapped IPv6 prefix do not overlap: different families.
        #expect(try Self.layout(["10.0.0.0/8", "::ffff:10.0.0.0/104"]).families == [.ipv4, .ipv6])
    }

    @Test func excludesAndGatewaysOutsideThePoolRemoveNothing() throws {
        let layout = try Self.layout(
            ["10.0.0.0/29"],
            exclude: ["192.168.0.0/16", "fd00::/64", "10.0.0.8-10.0.0.20"],
            gateways: ["10.0.0.9", "fd00::1"]
        )
        #expect(layout.spaces[.ipv4]?.size == 6)
        #expect(layout.spaces[.ipv6] == nil)
        #expect(layout.excluded[.ipv6] == nil)
    }

    @Test func exclusionsOverlappingReservedAddressesCountOnce() throws {
        // Network, broadcast, gateway and exclusions overlap each other.
        let layout = try Self.layout(
            ["10.0.0.0/28"],
            exclude: ["10.0.0.0-10.0.0.2", "10.0.0.14/31", "10.0.0.2"],
            gateways: ["10.0.0.0", "10.0.0.2", "10.0.0.3"]
        )
        let space = try #require(layout.spaces[.ipv4])
        #expect((0..<space.size).map { space.address(at: $0) } == (4...13).map { addr("10.0.0.\($0)") })
    }

    @Test func everythingExcludedLeavesAnEmptySpace() throws {
        let layout = try Self.layout(["10.0.0.0/30", "fd00::/127"], exclude: ["10.0.0.0/30", "fd00::/127"])
        #expect(layout.spaces[.ipv4]?.size == 0)
        #expect(layout.spaces[.ipv6]?.size == 0)
        #expect(layout.families == [.ipv4, .ipv6])
    }

    static let unavailabilityCases: [(String, AddressUnavailability?)] = [
        ("10.10.0.0", .networkOrBroadcast),
        ("10.10.0.255", .networkOrBroadcast),
        ("10.10.0.1", .gateway),  // also excluded: the gateway reason wins
        ("10.10.0.200", .excluded),
        ("10.10.0.254", .excluded),
        ("10.10.0.64", .excluded),
        ("10.10.0.79", .excluded),
        ("10.10.0.2", nil),
        ("10.10.0.63", nil),
        ("10.10.0.80", nil),
        ("10.10.0.199", nil),
        ("10.10.1.0", .outsidePool),
        ("10.9.255.255", .outsidePool),
        ("::ffff:10.10.0.5", .outsidePool),
        ("fd00:10::", .subnetRouterAnycast),
        ("fd00:10::1", nil),
        ("fd00:10::ff", nil),
        ("fd00:10::100", .outsidePool),
        ("fd00:f::ff", .outsidePool),
    ]

    @Test(arguments: unavailabilityCases)
    func unavailability(address: String, reason: AddressUnavailability?) throws {
        let layout = try Self.designPool()
        #expect(layout.unavailability(of: addr(address)) == reason)
        let family = addr(address).family
        #expect((layout.spaces[family]?.index(of: addr(address)) != nil) == (reason == nil))
    }

    @Test(arguments: [
        ("10.0.0.2/31", "10.0.0.2", nil as AddressUnavailability?),
        ("10.0.0.2/31", "10.0.0.3", nil),
        ("10.0.0.2/32", "10.0.0.2", nil),
        ("10.0.0.0/30", "10.0.0.0", .networkOrBroadcast),
        ("10.0.0.0/30", "10.0.0.3", .networkOrBroadcast),
        ("fd00::/127", "fd00::", nil),
        ("fd00::/128", "fd00::", nil),
        ("fd00::/126", "fd00::", .subnetRouterAnycast),
        ("fd00::/126", "fd00::3", nil),
        ("0.0.0.0/0", "0.0.0.0", .networkOrBroadcast),
        ("0.0.0.0/0", "255.255.255.255", .networkOrBroadcast),
        ("::/0", "::", .subnetRouterAnycast),
        ("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", nil),
    ])
    func reservedAddressesByPrefixLength(cidr: String, address: String, reason: AddressUnavailability?) throws {
        let layout = try Self.layout([cidr])
        #expect(layout.unavailability(of: addr(address)) == reason)
        #expect((layout.spaces[addr(address).family]?.index(of: addr(address)) != nil) == (reason == nil))
    }

    /// A gateway that is also the network address is reported as a gateway.
    @Test func gatewayReasonWinsOverReserved() throws {
        let layout = try Self.layout(["10.0.0.0/24"], gateways: ["10.0.0.0"])
        #expect(layout.unavailability(of: addr("10.0.0.0")) == .gateway)
    }

    /// `unavailability(of:)` is nil exactly for the addresses the space numbers, over whole random small pools.
    @Test func unavailabilityAgreesWithSpaces() throws {
        for seed in UInt64(1)...60 {
            var random = SplitMix64(seed: seed)
            let lengths = [24, 26, 28, 29, 30, 31, 32]
            let cidr = IPPrefix(
                containing: IPAddress(ipv4: 0x0a00_0000 | UInt32(random.int(0..<256))),
                length: random.pick(lengths))
            let cidr6 = IPPrefix(
                containing: IPAddress(ipv6: UInt128(0xfd) << 120 | UInt128(random.int(0..<256))),
                length: random.pick(lengths) + 96)
            let exclude = (0..<random.int(0...3)).map { _ in
                IPRange(IPAddress(ipv4: 0x0a00_0000 | UInt32(random.int(0..<256))))
            }
            let gateways = [
                IPAddress(ipv4: 0x0a00_0000 | UInt32(random.int(0..<256))),
                IPAddress(ipv6: UInt128(0xfd) << 120 | UInt128(random.int(0..<256))),
            ]
            let layout = try PoolLayout(cidrs: [cidr, cidr6], exclude: exclude, gateways: gateways)
            for low in 0..<260 {
                for address in [
                    IPAddress(ipv4: 0x0a00_0000 | UInt32(low)),
                    IPAddress(ipv6: UInt128(0xfd) << 120 | UInt128(low)),
                ] {
                    let numbered = layout.spaces[address.family]?.index(of: address) != nil
                    #expect(numbered == (layout.unavailability(of: address) == nil), "seed \(seed) \(address)")
                }
            }
        }
    }

    @Test func gatewayForAddress() throws {
        let layout = try Self.layout(
            ["10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24", "fd00::/120"],
            gateways: ["192.168.0.1", "10.0.1.1", "10.0.0.1", "fd00::1"]
        )
        #expect(layout.gateway(for: addr("10.0.0.5")) == addr("10.0.0.1"))
        #expect(layout.gateway(for: addr("10.0.1.5")) == addr("10.0.1.1"))
        // No gateway inside 10.0.2.0/24: the first IPv4 gateway.
        #expect(layout.gateway(for: addr("10.0.2.5")) == addr("192.168.0.1"))
        #expect(layout.gateway(for: addr("fd00::5")) == addr("fd00::1"))
        #expect(layout.gateway(for: addr("172.16.0.1")) == addr("192.168.0.1"))

        let noIPv6 = try Self.layout(["10.0.0.0/24", "fd00::/120"], gateways: ["10.0.0.1"])
        #expect(noIPv6.gateway(for: addr("fd00::5")) == nil)
        #expect(noIPv6.gateway(for: addr("10.0.0.5")) == addr("10.0.0.1"))
    }

    @Test func prefixContaining() throws {
        let layout = try Self.layout(["10.0.1.0/24", "10.0.0.0/25", "fd00::/120"])
        #expect(layout.prefix(containing: addr("10.0.0.5")) == prefix("10.0.0.0/25"))
        #expect(layout.prefix(containing: addr("10.0.0.128")) == nil)
        #expect(layout.prefix(containing: addr("10.0.1.255")) == prefix("10.0.1.0/24"))
        #expect(layout.prefix(containing: addr("fd00::ff")) == prefix("fd00::/120"))
        #expect(layout.cidrs == [prefix("10.0.0.0/25"), prefix("10.0.1.0/24"), prefix("fd00::/120")])
    }

    @Test func unavailabilityDescriptions() {
        #expect(AddressUnavailability.gateway.description == "the pool's gateway")
        #expect(Set(AddressUnavailability.allCasesForTest.map(\.description)).count == 5)
    }
}

extension AddressUnavailability {
    static let allCasesForTest: [AddressUnavailability] = [
        .outsidePool, .excluded, .gateway, .networkOrBroadcast, .subnetRouterAnycast,
    ]
}
