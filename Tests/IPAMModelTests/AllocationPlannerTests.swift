import Foundation
import IPAM
@testable import IPAMModel
import KubernetesCore
import Testing

@Suite struct AllocationPlannerTests {
    typealias Key = IPAMAPI.PodAnnotation

    func plan(_ input: PlanInput) -> Plan { AllocationPlanner.plan(input, now: t0) }

    /// `namespace/name → ADDRESS/LENGTH,…` for bound claims, `namespace/name → Reason` otherwise.
    func summary(_ plan: Plan) -> [String: String] {
        Dictionary(uniqueKeysWithValues: plan.claims.map { outcome in
            switch outcome.result {
            case .success(let binding): (outcome.identity.key, binding.addresses.map(\.description).joined(separator: ","))
            case .failure(let failure): (outcome.identity.key, failure.reason)
            }
        })
    }

    func outcome(_ plan: Plan, _ namespace: String, _ name: String) throws -> ClaimOutcome {
        try #require(plan.claims.first { $0.identity == identity(namespace, name) })
    }

    func pool(_ plan: Plan, _ name: String) throws -> PoolOutcome {
        try #require(plan.pools.first { $0.name == name })
    }

    // MARK: Order and determinism

    @Test func sequentialResultsFollowTheCanonicalOrder() throws {
        let result = plan(PlanInput(
            pools: [makePool("p", cidrs: ["10.0.0.0/24"])],
            claims: [
                makeClaim("zed", "a", pool: "p"), makeClaim("alpha", "z", pool: "p"),
                makeClaim("alpha", "b", pool: "p"), makeClaim("mid", "m", pool: "p"),
            ]))
        #expect(result.claims.map(\.identity.key) == ["alpha/b", "alpha/z", "mid/m", "zed/a"])
        #expect(result.claims.map { texts($0.result) } == [["10.0.0.1/24"], ["10.0.0.2/24"], ["10.0.0.3/24"], ["10.0.0.4/24"]])
        #expect(result.claims.allSatisfy { !$0.isExisting && $0.source == .claim })
    }

    @Test func staticClaimsAreAllocatedBeforeDynamicOnes() throws {
        // In (namespace, name) order "a" comes first and would take 10.0.0.1, which "z" pins.
        let result = plan(PlanInput(
            pools: [makePool("p", cidrs: ["10.0.0.0/24"])],
            claims: [makeClaim("n", "a", pool: "p"), makeClaim("n", "z", pool: "p", addresses: ["10.0.0.1"])]))
        #expect(summary(result) == ["n/a": "10.0.0.2/24", "n/z": "10.0.0.1/24"])
        #expect(result.claims.map(\.identity.name) == ["a", "z"], "outcomes are still reported in canonical order")
    }

    static let mixedInput = PlanInput(
        pools: [
            makePool("seq", cidrs: ["10.0.0.0/28", "fd00::/124"], gateways: ["10.0.0.1"], labels: ["tier": "web"], created: at(1)),
            makePool("hash", cidrs: ["10.1.0.0/24"], strategy: "Hashed", priority: 5, labels: ["tier": "web"]),
            makePool("fenced", cidrs: ["10.2.0.0/24"], namespaceSelector: selector(["team": "web"]), priority: 9, labels: ["tier": "web"]),
            makePool("loser", cidrs: ["10.0.0.0/24"], created: at(2)),
            makePool("broken", cidrs: ["10.3.0.1/24"]),
        ],
        claims: [
            makeClaim("web", "a", selector: selector(["tier": "web"])),
            makeClaim("web", "b", pool: "seq", families: ["IPv6", "IPv4"]),
            makeClaim("shop", "c", selector: selector(["tier": "web"])),
            makeClaim("shop", "d", pool: "hash"),
            makeClaim("shop", "e", pool: "seq", addresses: ["10.0.0.9"]),
            makeClaim("shop", "f", pool: "loser"),
            makeClaim("shop", "g", pool: "seq"),
            makeClaim("shop", "kept", pool: "seq"),
            makeClaim("shop", "back", pool: "seq"),
        ],
        pods: [
            makePod("web", "p-0", uid: "u0", annotations: [Key.pool: "seq"]),
            makePod("web", "p-1", uid: "u1"),
            makePod("shop", "p-2", uid: "u2", annotations: [Key.poolSelector: "tier=web", Key.ipFamilies: "IPv4"]),
            // Both have the name of a written claim, which wins.
            makePod("web", "a", uid: "u3", annotations: [Key.pool: "seq", Key.addresses: "bad"]),
            makePod("shop", "e", uid: "u4", annotations: [Key.pool: "seq"]),
        ],
        leases: [
            makeLease("10.0.0.2", pool: "seq", claim: ("shop", "kept")),
            makeLease("10.0.0.3", pool: "seq", claim: ("shop", "back"), releasedAt: at(-5)),
            makeLease("10.0.0.4", pool: "seq", claim: ("shop", "gone")),
        ],
        namespaces: [makeNamespace("web", labels: ["team": "web"]), makeNamespace("shop", labels: ["team": "shop"])])

    @Test(arguments: 1...12)
    func theSamePlanForAnyInputOrder(seed: Int) {
        let input = Self.mixedInput
        let reference = plan(input)
        var shuffled = input
        shuffled.pools = input.pools.shuffled(seed: UInt64(seed))
        shuffled.claims = input.claims.shuffled(seed: UInt64(seed) + 100)
        shuffled.pods = input.pods.shuffled(seed: UInt64(seed) + 200)
        shuffled.leases = input.leases.shuffled(seed: UInt64(seed) + 300)
        shuffled.namespaces = input.namespaces.shuffled(seed: UInt64(seed) + 400)
        let other = plan(shuffled)
        #expect(other.claims == reference.claims)
        #expect(other.pools == reference.pools)
        #expect(other.notes == reference.notes)
    }

    @Test func theMixedPlan() throws {
        let result = plan(Self.mixedInput)
        let summary = summary(result)
        #expect(summary["web/a"] == "10.2.0.1/24", "fenced has the highest priority and admits web")
        #expect(summary["web/b"] == "fd00::1/124,10.0.0.6/28")
        #expect(summary["shop/e"] == "10.0.0.9/28")
        #expect(summary["shop/f"] == "PoolNotReady")
        #expect(summary["shop/kept"] == "10.0.0.2/28")
        #expect(summary["shop/back"] == "10.0.0.3/28", "the holder of a cooling address gets it back")
        #expect(summary["shop/g"] == "10.0.0.5/28", ".2 kept, .3 cooling, .4 held by a lease without claim")
        #expect(summary["web/p-0"] == "10.0.0.7/28")
        #expect(summary["web/p-1"] == nil, "a Pod without annotations has no claim")
        let hashed = try outcome(result, "shop", "d").result.get()
        let expected = PoolAllocator.preferredIndex(for: identity("shop", "d"), size: 254)
        #expect(hashed.addresses.first?.address == addr("10.1.0.1").advanced(by: expected), "shop/c, earlier in hash, prefers another offset")
        #expect(try outcome(result, "shop", "c").result.get().pool == "hash", "fenced does not admit shop")
        #expect(try outcome(result, "shop", "p-2").result.get().pool == "hash")
        #expect(try outcome(result, "shop", "p-2").source == .pod)
        #expect(try outcome(result, "shop", "kept").isExisting)
        #expect(try !outcome(result, "shop", "back").isExisting)
        #expect(result.claims.count == 11, "9 written claims and 2 Pod claims, one outcome each")
        #expect(try outcome(result, "web", "a").source == .claim)
        #expect(result.notes == [
            "Pod shop/e: an IPClaim of that name already exists and is not owned by the Pod; it is left alone",
            "Pod web/a: an IPClaim of that name already exists and is not owned by the Pod; it is left alone",
        ])
        #expect(result.pools.map(\.name) == ["broken", "fenced", "hash", "loser", "seq"])
        #expect(try pool(result, "broken").usage.isEmpty)
        #expect(try pool(result, "loser").readiness == .overlapping(winner: "seq", cidr: prefix("10.0.0.0/24")))
    }

    // MARK: Existing leases

    @Test func aClaimWithAnActiveLeaseKeepsExactlyThatAddress() throws {
        let result = plan(PlanInput(
            pools: [makePool("p", cidrs: ["10.0.0.0/24"], gateways: ["10.0.0.1"])],
            claims: [makeClaim("n", "a", pool: "p"), makeClaim("n", "keep", pool: "p")],
            leases: [makeLease("10.0.0.2", pool: "p", claim: ("n", "keep")), makeLease("10.0.0.3", pool: "p", claim: ("n", "x"))]))
        let kept = try outcome(result, "n", "keep")
        #expect(kept.isExisting)
        #expect(try kept.result.get() == ClaimBinding(pool: "p", addresses: [
            AllocatedAddress(address: addr("10.0.0.2"), prefixLength: 24, gateway: addr("10.0.0.1")),
        ]))
        #expect(texts(try outcome(result, "n", "a").result) == ["10.0.0.4/24"], "leased addresses are in use for others")
        #expect(try pool(result, "p").usage[.ipv4]?.allocated == 3)
    }

    @Test func anExistingLeaseIsKeptEvenWhenTheClaimIsStaticElsewhere() throws {
        // Nothing is re-allocated: the lease decides, not the (immutable) spec.
        let result = plan(PlanInput(
            pools: [makePool("p", cidrs: ["10.0.0.0/24"])],
            claims: [makeClaim("n", "a", pool: "p", addresses: ["10.0.0.50"])],
            leases: [makeLease("10.0.0.7", pool: "p", claim: ("n", "a"))]))
        #expect(summary(result) == ["n/a": "10.0.0.7/24"])
        #expect(try pool(result, "p").usage[.ipv4]?.allocated == 1)
    }

    @Test func anExistingDualStackBindingIsInTheClaimsFamilyOrder() throws {
        let result = plan(PlanInput(
            pools: [makePool("dual", cidrs: ["10.20.0.0/24", "fd00:20::/64"])],
            claims: [makeClaim("infra", "monitoring", pool: "dual", families: ["IPv6", "IPv4"])],
            leases: [
                makeLease("10.20.0.11", pool: "dual", claim: ("infra", "monitoring")),
                makeLease("fd00:20::12", pool: "dual", claim: ("infra", "monitoring")),
            ]))
        let kept = try outcome(result, "infra", "monitoring")
        #expect(kept.isExisting)
        #expect(texts(kept.result) == ["fd00:20::12/64", "10.20.0.11/24"])
    }

    @Test func aReleasedLeaseIsCoolingForEveryoneButItsHolder() throws {
        let result = plan(PlanInput(
            pools: [makePool("p", cidrs: ["10.0.0.0/29"])],
            claims: [makeClaim("n", "a", pool: "p"), makeClaim("n", "b", pool: "p", addresses: ["10.0.0.1"]), makeClaim("n", "old", pool: "p")],
            leases: [makeLease("10.0.0.1", pool: "p", claim: ("n", "old"), releasedAt: at(-10))]))
        #expect(summary(result) == ["n/a": "10.0.0.2/29", "n/b": "AddressUnavailable", "n/old": "10.0.0.1/29"])
        let failure = try #require(failureOf(try outcome(result, "n", "b").result))
        #expect(failure.message.contains("cooling"))
        #expect(try !outcome(result, "n", "old").isExisting, "taking a cooling address back is a new binding")
    }

    @Test func aCoolingAddressNobodyTakesBackCountsAsCooling() throws {
        let result = plan(PlanInput(
            pools: [makePool("p", cidrs: ["10.0.0.0/29"])],
            claims: [makeClaim("n", "a", pool: "p")],
            leases: [makeLease("10.0.0.1", pool: "p", claim: ("n", "old"), releasedAt: at(-10))]))
        #expect(summary(result) == ["n/a": "10.0.0.2/29"])
        let usage = try #require(try pool(result, "p").usage[.ipv4])
        #expect(usage == FamilyUsage(size: 6, allocated: 1, cooling: 1))
        #expect(try pool(result, "p").status.ipv4 == FamilyStatus(size: "6", allocated: 1, cooling: 1, free: "4"))
    }

    @Test func leasesThatCannotBeRecordedBecomeNotes() {
        let result = plan(PlanInput(
            pools: [makePool("p", cidrs: ["10.0.0.0/24"])],
            leases: [
                makeLease("not-an-address", pool: "p", claim: ("n", "a")),
                makeLease("10.0.0.5", pool: "missing", claim: ("n", "b")),
                makeLease("10.9.0.5", pool: "p", claim: ("n", "c")),
                makeLease("10.0.0.0", pool: "p", claim: ("n", "d")),
            ]))
        #expect(result.notes.count == 4)
        #expect(result.notes.contains { $0.contains("not-an-address") && $0.contains("is not an address") })
        #expect(result.notes.contains { $0.contains("pool missing is not a valid pool") })
        #expect(result.notes.contains { $0.contains("10.9.0.5") })
        #expect(result.notes.contains { $0.contains("10.0.0.0") })
    }

    // MARK: Pods

    @Test func annotatedPodsGetClaims() throws {
        let result = plan(PlanInput(
            pools: [makePool("p", cidrs: ["10.0.0.0/24", "fd00::/120"])],
            pods: [
                makePod("n", "router-0", uid: "u", annotations: [Key.pool: "p", Key.ipFamilies: "IPv4,IPv6"]),
                makePod("n", "plain", uid: "v", annotations: ["app": "x"]),
                makePod("n", "bad", uid: "w", annotations: [Key.pool: "p", Key.ipFamilies: "IPv9"]),
            ]))
        #expect(result.claims.map(\.identity.name) == ["bad", "router-0"])
        #expect(result.claims.allSatisfy { $0.source == .pod })
        #expect(texts(try outcome(result, "n", "router-0").result) == ["10.0.0.1/24", "fd00::1/120"])
        let bad = try #require(failureOf(try outcome(result, "n", "bad").result))
        #expect(bad.reason == "Invalid")
        #expect(bad.message.contains("metadata.annotations[ipam.swift-ipam.io/ip-families]"))
    }

    @Test func aWrittenClaimOfThePodsNameWins() throws {
        let result = plan(PlanInput(
            pools: [makePool("p", cidrs: ["10.0.0.0/24"]), makePool("q", cidrs: ["10.1.0.0/24"])],
            claims: [makeClaim("n", "web-0", pool: "q")],
            pods: [makePod("n", "web-0", uid: "u", annotations: [Key.pool: "p"])]))
        #expect(result.claims.count == 1)
        let claim = try outcome(result, "n", "web-0")
        #expect(claim.source == .claim)
        #expect(try claim.result.get().pool == "q")
        #expect(result.notes == ["Pod n/web-0: an IPClaim of that name already exists and is not owned by the Pod; it is left alone"])
    }

    @Test func aWrittenClaimOfThePodsNameWinsEvenOverBadAnnotations() throws {
        let result = plan(PlanInput(
            pools: [makePool("q", cidrs: ["10.1.0.0/24"])],
            claims: [makeClaim("n", "web-0", pool: "q")],
            pods: [makePod("n", "web-0", uid: "u", annotations: [Key.pool: "q", Key.addresses: "nonsense"])]))
        #expect(result.claims.count == 1, "one outcome per identity")
        #expect(try outcome(result, "n", "web-0").source == .claim)
        #expect(texts(try outcome(result, "n", "web-0").result) == ["10.1.0.1/24"])
        #expect(result.notes.count == 1)
    }

    // MARK: Failures and capacity

    @Test func dualStackIsAllOrNothingAcrossABatch() throws {
        // IPv6 /127 holds two addresses, IPv4 /29 six: the third dual-stack claim gets nothing.
        let result = plan(PlanInput(
            pools: [makePool("p", cidrs: ["10.0.0.0/29", "fd00::/127"])],
            claims: [
                makeClaim("n", "d1", pool: "p", families: ["IPv4", "IPv6"]),
                makeClaim("n", "d2", pool: "p", families: ["IPv4", "IPv6"]),
                makeClaim("n", "d3", pool: "p", families: ["IPv4", "IPv6"]),
                makeClaim("n", "v4", pool: "p"),
            ]))
        #expect(summary(result) == [
            "n/d1": "10.0.0.1/29,fd00::/127", "n/d2": "10.0.0.2/29,fd00::1/127",
            "n/d3": "PoolExhausted", "n/v4": "10.0.0.3/29",
        ])
        let pool = try pool(result, "p")
        #expect(pool.usage[.ipv4] == FamilyUsage(size: 6, allocated: 3, cooling: 0), "no half-bound claim")
        #expect(pool.usage[.ipv6] == FamilyUsage(size: 2, allocated: 2, cooling: 0))
        #expect(pool.status.conditions?.isTrue("Exhausted") == true)
        #expect(pool.status.conditions?.condition(ofType: "Exhausted")?.message == "no free IPv6 address")
    }

    @Test func exhaustionFailsTheClaimsThatDoNotFit() throws {
        let result = plan(PlanInput(
            pools: [makePool("p", cidrs: ["10.0.0.0/30"])],
            claims: ["d", "c", "b", "a"].map { makeClaim("n", $0, pool: "p") }))
        #expect(summary(result) == ["n/a": "10.0.0.1/30", "n/b": "10.0.0.2/30", "n/c": "PoolExhausted", "n/d": "PoolExhausted"])
        let failure = try #require(failureOf(try outcome(result, "n", "c").result))
        #expect(failure.message == "pool p: no free IPv4 address in the pool")
        let status = try pool(result, "p").status
        #expect(status.ipv4 == FamilyStatus(size: "2", allocated: 2, cooling: 0, free: "0"))
        #expect(status.conditions?.isTrue("Exhausted") == true)
        #expect(status.conditions?.isTrue("LowCapacity") == true)
    }

    @Test func poolUsageAfterTheBatch() throws {
        let result = plan(PlanInput(
            pools: [makePool("blue", cidrs: ["10.10.0.0/24"], exclude: ["10.10.0.200-10.10.0.254"], gateways: ["10.10.0.1"], generation: 3)],
            claims: (0..<3).map { makeClaim("n", "c\($0)", pool: "blue") }))
        let blue = try pool(result, "blue")
        #expect(blue.readiness == .ready)
        #expect(blue.status.observedGeneration == 3)
        #expect(blue.status.ipv4 == FamilyStatus(size: "198", allocated: 3, cooling: 0, free: "195"))
        #expect(blue.status.ipv6 == nil)
        #expect(blue.status.conditions?.condition(ofType: "Ready")?.lastTransitionTime == t0)
    }

    @Test func invalidClaimsAreReportedAsInvalid() throws {
        let result = plan(PlanInput(
            pools: [makePool("p", cidrs: ["10.0.0.0/24"])],
            claims: [makeClaim("n", "both", pool: "p", selector: selector(["a": "b"]))]))
        let failure = try #require(failureOf(try outcome(result, "n", "both").result))
        #expect(failure.reason == "Invalid")
        #expect(failure.message.hasPrefix("spec: "))
    }

    @Test func namespaceLabelsComeFromTheNamespaces() {
        let pools = [makePool("p", cidrs: ["10.0.0.0/24"], namespaceSelector: selector(["team": "web"]))]
        let claims = [makeClaim("web", "a", pool: "p"), makeClaim("shop", "b", pool: "p"), makeClaim("other", "c", pool: "p")]
        let result = plan(PlanInput(
            pools: pools, claims: claims,
            namespaces: [makeNamespace("web", labels: ["team": "web"]), makeNamespace("shop", labels: ["team": "shop"])]))
        #expect(summary(result) == ["web/a": "10.0.0.1/24", "shop/b": "NotPermitted", "other/c": "NotPermitted"])
    }

    @Test func anEmptyInputGivesAnEmptyPlan() {
        let result = plan(PlanInput())
        #expect(result.claims.isEmpty && result.pools.isEmpty && result.notes.isEmpty)
    }
}
