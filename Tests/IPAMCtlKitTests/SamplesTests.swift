import Foundation
import IPAM
@testable import IPAMCtlKit
import IPAMModel
import Testing

/// config/samples must validate cleanly, and its plan must be the one config/samples/README.md
/// promises.
@Suite struct SamplesTests {
    static let report: PlanReport = {
        let input = ManifestInput.load([samplesPath])
        return PlanReport(AllocationPlanner.plan(input.planInput, now: t0))
    }()

    @Test func theSamplesHaveNoProblems() {
        let input = ManifestInput.load([samplesPath])
        #expect(input.problems.isEmpty, "\(input.problems.map(\.description))")
        let plan = input.planInput
        #expect(plan.pools.count == 5)
        #expect(plan.claims.count == 11)
        #expect(plan.pods.count == 4)
        #expect(plan.namespaces.count == 3)
        #expect(plan.leases.isEmpty)
    }

    /// The README's table, in its (processing) order; `nil` addresses are Hashed ones checked below.
    static let expected: [(claim: String, source: String, pool: String, addresses: [String]?)] = [
        ("infra/bgp-peer-v6", "IPClaim", "dual", ["fd00:20::10/64"]),
        ("infra/dns", "IPClaim", "dual", ["10.20.0.10/24", "fd00:20::11/64"]),
        ("infra/monitoring", "IPClaim", "dual", ["fd00:20::12/64", "10.20.0.11/24"]),
        ("infra/ns1", "IPClaim", "dual", ["10.20.0.53/24", "fd00:20::53/64"]),
        ("infra/router-0", "Pod", "dual", ["10.20.0.12/24", "fd00:20::13/64"]),
        ("shop/cart-db", "IPClaim", "blue", ["10.10.0.2/24"]),
        ("shop/checkout", "IPClaim", "blue", ["10.10.0.42/24"]),
        ("shop/ledger-0", "Pod", "blue", ["10.10.0.150/24"]),
        ("shop/payments", "IPClaim", "blue", ["10.10.0.3/24"]),
        ("shop/search", "IPClaim", "blue", ["10.10.0.4/24"]),
        ("shop/storefront", "IPClaim", "web-b", nil),
        ("shop/worker-0", "Pod", "blue", ["10.10.0.6/24"]),
        ("web/frontend", "IPClaim", "web-a", ["10.30.0.2/26"]),
        ("web/frontend-dual", "IPClaim", "web-b", nil),
        ("web/nginx-0", "Pod", "web-a", ["10.30.0.3/26"]),
    ]

    @Test func everyClaimBindsAsTheReadmeSays() {
        let report = Self.report
        #expect(report.claims.map { "\($0.namespace)/\($0.name)" } == Self.expected.map(\.claim))
        #expect(report.claims.allSatisfy { $0.bound && !$0.existing && $0.reason == nil })
        for (claim, expected) in zip(report.claims, Self.expected) {
            #expect(claim.source == expected.source, "\(expected.claim)")
            #expect(claim.pool == expected.pool, "\(expected.claim)")
            if let addresses = expected.addresses {
                #expect(claim.addresses?.map { "\($0.address)/\($0.prefixLength)" } == addresses, "\(expected.claim)")
            }
        }
        #expect(report.notes == nil)
    }

    @Test func gatewaysPerFamily() throws {
        let claims = claimsByKey(Self.report)
        #expect(claims["shop/cart-db"]?.addresses?.map(\.gateway) == ["10.10.0.1"])
        #expect(claims["infra/monitoring"]?.addresses?.map(\.gateway) == ["fd00:20::1", "10.20.0.1"])
        #expect(claims["web/frontend"]?.addresses?.map(\.gateway) == ["10.30.0.1"])
        #expect(claims["web/frontend-dual"]?.addresses?.map(\.gateway) == ["10.30.1.1", "fd00:30::1"])
    }

    /// Hashed: the first free address at or after FNV-1a-64("namespace/name") % size.
    /// web-b's IPv4 space is 10.30.1.2-10.30.1.254 (253), its IPv6 space fd00:30::2-fd00:30::ff (254).
    @Test func hashedClaimsTakeTheirPreferredAddress() throws {
        let claims = claimsByKey(Self.report)
        func expected(_ key: String, first: String, size: UInt128) throws -> String {
            let parts = key.split(separator: "/").map(String.init)
            let offset = PoolAllocator.preferredIndex(for: ClaimIdentity(namespace: parts[0], name: parts[1]), size: size)
            return try #require(IPAddress(first).advanced(by: offset)).description
        }
        let storefront = try #require(claims["shop/storefront"]?.addresses)
        #expect(storefront.map(\.address) == [try expected("shop/storefront", first: "10.30.1.2", size: 253)])
        #expect(storefront.map(\.prefixLength) == [24])
        let dual = try #require(claims["web/frontend-dual"]?.addresses)
        #expect(dual.map(\.address) == [
            try expected("web/frontend-dual", first: "10.30.1.2", size: 253),
            try expected("web/frontend-dual", first: "fd00:30::2", size: 254),
        ])
        #expect(dual.map(\.prefixLength) == [24, 120])
    }

    @Test func routerZerosAllocatedAnnotation() throws {
        let router = try #require(claimsByKey(Self.report)["infra/router-0"])
        #expect(PodClaim.allocatedAnnotation(for: IPClaimStatus(addresses: router.addresses)) == "10.20.0.12/24,fd00:20::13/64")
    }

    @Test func poolsAndTheirAllocatableSizes() throws {
        let pools = Dictionary(uniqueKeysWithValues: Self.report.pools.map { ($0.name, $0) })
        #expect(Self.report.pools.map(\.name) == ["blue", "dual", "web-a", "web-b", "web-c"])
        #expect(Self.report.pools.allSatisfy { $0.ready && !$0.exhausted && !$0.lowCapacity && $0.reason == "Valid" })
        #expect(pools["blue"]?.ipv4 == FamilyStatus(size: "181", allocated: 6, cooling: 0, free: "175"))
        #expect(pools["blue"]?.ipv6 == nil)
        #expect(pools["dual"]?.ipv4 == FamilyStatus(size: "245", allocated: 4, cooling: 0, free: "241"))
        #expect(pools["dual"]?.ipv6 == FamilyStatus(
            size: "18446744073709551600", allocated: 5, cooling: 0, free: "18446744073709551595"))
        #expect(pools["web-a"]?.ipv4 == FamilyStatus(size: "61", allocated: 2, cooling: 0, free: "59"))
        #expect(pools["web-b"]?.ipv4 == FamilyStatus(size: "253", allocated: 2, cooling: 0, free: "251"))
        #expect(pools["web-b"]?.ipv6 == FamilyStatus(size: "254", allocated: 1, cooling: 0, free: "253"))
        #expect(pools["web-c"]?.ipv4 == FamilyStatus(size: "125", allocated: 0, cooling: 0, free: "125"), "web-c stays empty")
    }
}
