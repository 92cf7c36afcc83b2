import Testing

@testable import IPAM

@Suite("ClaimIdentity")
struct ClaimIdentityTests {
    @Test func keyAndDescription() {
        let claim = ClaimIdentity(namespace: "shop", name: "web-0")
        #expect(claim.key == "shop/web-0")
        #expect(claim.description == "shop/web-0")
        #expect(claim.namespace == "shop")
        #expect(claim.name == "web-0")
    }

    /// Canonical batch order: by namespace, then name (not by the joined key).
    @Test func orderedByNamespaceThenName() {
        let claims = [
            ClaimIdentity(namespace: "b", name: "a"),
            ClaimIdentity(namespace: "a-b", name: "a"),
            ClaimIdentity(namespace: "a", name: "z"),
            ClaimIdentity(namespace: "a", name: "b"),
            ClaimIdentity(namespace: "a", name: "a"),
        ]
        #expect(claims.sorted().map(\.key) == ["a/a", "a/b", "a/z", "a-b/a", "b/a"])
        // By key, "a-b/a" < "a/a" ('-' < '/'); the canonical order is not that.
        #expect(ClaimIdentity(namespace: "a", name: "z") < ClaimIdentity(namespace: "a-b", name: "a"))
        #expect(!(ClaimIdentity(namespace: "a", name: "a") < ClaimIdentity(namespace: "a", name: "a")))
    }

    /// The hash computed once at init is FNV-1a 64 of `namespace/name`.
    @Test(arguments: [("shop", "web-0"), ("", ""), ("a/b", "c"), ("a", "b/c"), ("é", "日本"), ("kube-system", "coredns")])
    func placementHashIsFNVOfKey(namespace: String, name: String) {
        let claim = ClaimIdentity(namespace: namespace, name: name)
        #expect(claim.placementHash == FNV1a64.hash(claim.key))
        #expect(claim.placementHash == FNV1a64.hash(Array("\(namespace)/\(name)".utf8)))
    }

    @Test func equality() {
        #expect(ClaimIdentity(namespace: "a", name: "b") == ClaimIdentity(namespace: "a", name: "b"))
        #expect(ClaimIdentity(namespace: "a", name: "b") != ClaimIdentity(namespace: "b", name: "a"))
    }

    @Test func strategyNames() {
        #expect(AllocationStrategy.allCases == [.sequential, .hashed])
        #expect(AllocationStrategy(rawValue: "Sequential") == .sequential)
        #expect(AllocationStrategy(rawValue: "Hashed") == .hashed)
        #expect(AllocationStrategy(rawValue: "hashed") == nil)
        #expect(AllocationStrategy(rawValue: "Random") == nil)
    }
}
