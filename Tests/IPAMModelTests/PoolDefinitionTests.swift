import Foundation
import IPAM
@testable import IPAMModel
import KubernetesCore
import Testing

@Suite struct PoolDefinitionTests {
    /// The problems of `pool`, or `[]` when it is valid.
    func problems(_ pool: IPPool) -> [ValidationProblem] {
        failure { () throws(ValidationFailure) in try PoolDefinition(validating: pool) }?.problems ?? []
    }

    @Test func defaults() throws {
        let pool = try PoolDefinition(validating: makePool("blue", cidrs: ["10.10.0.0/24"]))
        #expect(pool.name == "blue")
        #expect(pool.strategy == .sequential)
        #expect(pool.priority == 0)
        #expect(pool.reuseCooldownSeconds == 30)
        #expect(pool.reuseCooldownSeconds == IPAMAPI.defaultReuseCooldownSeconds)
        #expect(!pool.paused)
        #expect(!pool.isDeleting)
        #expect(pool.namespaceSelector == nil)
        #expect(pool.labels == [:])
        #expect(pool.creationTimestamp == nil)
    }

    @Test func everyFieldIsTaken() throws {
        let pool = try PoolDefinition(validating: makePool(
            "dual", cidrs: ["fd00:20::/64", "10.20.0.0/24"], exclude: ["10.20.0.2-10.20.0.9", "10.20.0.64/28", "10.20.0.100"],
            gateways: ["10.20.0.1", "fd00:20::1"], strategy: "Hashed", namespaceSelector: selector(["team": "infra"]),
            priority: -5, paused: true, cooldown: 0, labels: ["tier": "core"], created: t0, deleting: true))
        #expect(pool.strategy == .hashed)
        #expect(pool.priority == -5)
        #expect(pool.paused)
        #expect(pool.isDeleting)
        #expect(pool.reuseCooldownSeconds == 0)
        #expect(pool.labels == ["tier": "core"])
        #expect(pool.creationTimestamp == t0)
        #expect(pool.namespaceSelector == selector(["team": "infra"]))
        #expect(pool.layout.cidrs == [prefix("10.20.0.0/24"), prefix("fd00:20::/64")])
        #expect(pool.layout.gateways == [addr("10.20.0.1"), addr("fd00:20::1")])
        // 256 - network - broadcast - gateway - 8 - 16 - 1
        #expect(pool.layout.spaces[.ipv4]?.size == 228)
        #expect(pool.offers([.ipv4, .ipv6]))
        #expect(pool.permits(namespaceLabels: ["team": "infra"]))
        #expect(!pool.permits(namespaceLabels: ["team": "web"]))
    }

    @Test func offersOnlyItsFamilies() {
        let pool = definition(makePool("v4", cidrs: ["10.0.0.0/24"]))
        #expect(pool.offers([.ipv4]))
        #expect(!pool.offers([.ipv6]))
        #expect(!pool.offers([.ipv4, .ipv6]))
        #expect(pool.permits(namespaceLabels: [:]), "no namespaceSelector admits every namespace")
    }

    @Test func aHostBitsPrefixSuggestsTheNetwork() throws {
        let found = problems(makePool("p", cidrs: ["10.10.0.0/24", "10.20.0.7/24"]))
        #expect(found.count == 1)
        let problem = try #require(found.first)
        #expect(problem.field == "spec.cidrs[1]")
        #expect(problem.message.contains("did you mean 10.20.0.0/24?"), "\(problem.message)")
    }

    @Test func aHostBitsIPv6PrefixSuggestsTheNetwork() throws {
        let problem = try #require(problems(makePool("p", cidrs: ["fd00:10::5/120"])).first)
        #expect(problem.field == "spec.cidrs[0]")
        #expect(problem.message.contains("did you mean fd00:10::/120?"), "\(problem.message)")
    }

    @Test(arguments: [
        (["10.0.0.0/24", "10.0.0.128/25"], "spec.cidrs[1]", "overlaps spec.cidrs[0] (10.0.0.0/24)"),
        (["10.0.1.0/24", "10.0.0.0/16"], "spec.cidrs[1]", "overlaps spec.cidrs[0] (10.0.1.0/24)"),
        (["10.9.0.0/24", "fd00::/64", "fd00::/120"], "spec.cidrs[2]", "overlaps spec.cidrs[1] (fd00::/64)"),
        (["10.0.0.0/24", "10.0.0.0/24"], "spec.cidrs[1]", "overlaps spec.cidrs[0]"),
    ])
    func overlappingCIDRsWithinAPool(cidrs: [String], field: String, message: String) throws {
        let found = problems(makePool("p", cidrs: cidrs))
        #expect(found.count == 1)
        let problem = try #require(found.first)
        #expect(problem.field == field)
        #expect(problem.message.contains(message), "\(problem.message)")
    }

    @Test func disjointCIDRsOfBothFamiliesAreFine() {
        #expect(problems(makePool("p", cidrs: ["10.0.0.0/24", "10.0.1.0/24", "fd00::/64", "fd00:0:0:1::/64"])).isEmpty)
    }

    @Test(arguments: [
        (["10.0.0.300"], "spec.exclude[0]"),
        (["10.0.0.1", "10.0.0.9-10.0.0.2"], "spec.exclude[1]"),
        (["10.0.0.1-fd00::1"], "spec.exclude[0]"),
        (["10.0.0.0/24", "10.0.0.3/24"], "spec.exclude[1]"),
        (["nonsense"], "spec.exclude[0]"),
    ])
    func badExclude(exclude: [String], field: String) throws {
        let found = problems(makePool("p", cidrs: ["10.0.0.0/24"], exclude: exclude))
        #expect(found.map(\.field) == [field])
    }

    @Test(arguments: [
        (["10.0.0.1", "10.0.0.0/24"], "spec.gateways[1]"),
        (["010.0.0.1"], "spec.gateways[0]"),
        (["fe80::1%eth0"], "spec.gateways[0]"),
    ])
    func badGateway(gateways: [String], field: String) throws {
        let found = problems(makePool("p", cidrs: ["10.0.0.0/24"], gateways: gateways))
        #expect(found.map(\.field) == [field])
    }

    @Test(arguments: ["sequential", "Random", "", "HASHED"])
    func badStrategy(strategy: String) throws {
        let problem = try #require(problems(makePool("p", cidrs: ["10.0.0.0/24"], strategy: strategy)).first)
        #expect(problem.field == "spec.strategy")
        #expect(problem.message.contains("Sequential or Hashed"))
        #expect(problem.message.contains(String(reflecting: strategy)))
    }

    @Test(arguments: [Int64(-1), .min])
    func negativeCooldown(cooldown: Int64) {
        #expect(problems(makePool("p", cidrs: ["10.0.0.0/24"], cooldown: cooldown)).map(\.field)
            == ["spec.reuseCooldownSeconds"])
    }

    @Test func zeroCooldownIsAllowed() {
        #expect(problems(makePool("p", cidrs: ["10.0.0.0/24"], cooldown: 0)).isEmpty)
    }

    @Test(arguments: ["", "Blue", "blue_pool", "-blue", "blue.example", String(repeating: "a", count: 64)])
    func invalidName(name: String) {
        #expect(problems(makePool(name, cidrs: ["10.0.0.0/24"])).map(\.field) == ["metadata.name"])
    }

    @Test(arguments: ["a", "blue", "web-a", "0pool", String(repeating: "a", count: 63)])
    func validName(name: String) {
        #expect(problems(makePool(name, cidrs: ["10.0.0.0/24"])).isEmpty)
    }

    @Test func emptyCIDRs() throws {
        let problem = try #require(problems(makePool("p", cidrs: [])).first)
        #expect(problem.field == "spec.cidrs")
        #expect(problem.message == "at least one CIDR is required")
    }

    @Test func badNamespaceSelector() {
        let bad = LabelSelector(matchExpressions: [LabelSelectorRequirement(key: "team", operator: .in)])
        #expect(problems(makePool("p", cidrs: ["10.0.0.0/24"], namespaceSelector: bad)).map(\.field)
            == ["spec.namespaceSelector.matchExpressions[0].values"])
    }

    @Test func everyProblemIsCollectedInOneGo() {
        let found = problems(makePool(
            "Bad_Name", cidrs: ["10.0.0.0/24", "10.0.0.7/24", "10.1.0.0/33"], exclude: ["10.0.0.1", "x"],
            gateways: ["10.0.0.256"], strategy: "Random", cooldown: -3))
        #expect(found.map(\.field) == [
            "metadata.name", "spec.cidrs[1]", "spec.cidrs[2]", "spec.exclude[1]", "spec.gateways[0]",
            "spec.strategy", "spec.reuseCooldownSeconds",
        ])
    }

    @Test func failureDescriptionJoinsTheProblems() throws {
        let error = try #require(failure { () throws(ValidationFailure) in
            try PoolDefinition(validating: makePool("p", cidrs: [], strategy: "x"))
        })
        #expect(error.description == "spec.cidrs: at least one CIDR is required; spec.strategy: must be Sequential or Hashed, not \"x\"")
    }

    @Test func anExclusionOrGatewayOutsideTheCIDRsRemovesNothing() throws {
        // A gateway is often outside a pool carved from a larger subnet.
        let pool = try PoolDefinition(validating: makePool(
            "p", cidrs: ["10.0.0.0/29"], exclude: ["10.9.0.0/24"], gateways: ["10.0.1.1"]))
        #expect(pool.layout.spaces[.ipv4]?.size == 6)
    }

    @Test(arguments: [
        // (a created, b created, a older than b) — a is named "a", b "b".
        (Optional(at(0)), Optional(at(1)), true),
        (Optional(at(1)), Optional(at(0)), false),
        (Optional(at(0)), Optional(at(0)), true),  // same time: by name
        (Optional(at(0)), nil, true),  // a manifest not yet applied counts as newer
        (nil, Optional(at(0)), false),
        (nil, nil, true),
    ])
    func isOlder(a: Date?, b: Date?, aIsOlder: Bool) {
        let poolA = definition(makePool("a", cidrs: ["10.0.0.0/24"], created: a))
        let poolB = definition(makePool("b", cidrs: ["10.0.1.0/24"], created: b))
        #expect(poolA.isOlder(than: poolB) == aIsOlder)
        #expect(poolB.isOlder(than: poolA) == !aIsOlder)
    }

    @Test func makeAllocatorUsesTheStrategy() {
        let allocator = definition(makePool("p", cidrs: ["10.0.0.0/24"], strategy: "Hashed")).makeAllocator()
        #expect(allocator.strategy == .hashed)
        #expect(allocator.usage(of: .ipv4)?.allocated == 0)
    }
}
