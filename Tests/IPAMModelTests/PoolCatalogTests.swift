import IPAM
@testable import IPAMModel
import KubernetesCore
import Testing

@Suite struct PoolCatalogTests {
    static let web = ["tier": "web"]

    /// Pools of every readiness, plus three selectable by `tier: web`.
    static let catalog = PoolCatalog([
        makePool("blue", cidrs: ["10.10.0.0/24"], created: at(0)),
        makePool("broken", cidrs: ["10.11.0.7/24"], labels: web),
        makePool("shadow", cidrs: ["10.10.0.128/25"], labels: web, created: at(5)),
        makePool("frozen", cidrs: ["10.12.0.0/24"], paused: true, labels: web),
        makePool("going", cidrs: ["10.13.0.0/24"], labels: web, deleting: true),
        makePool("web-a", cidrs: ["10.30.0.0/26"], namespaceSelector: selector(["team": "web"]), priority: 100, labels: web),
        makePool("web-b", cidrs: ["10.30.1.0/24", "fd00:30::/120"], priority: 50, labels: web),
        makePool("web-c", cidrs: ["10.30.2.0/25"], priority: 50, labels: web),
        makePool("web-z", cidrs: ["10.30.3.0/25"], priority: 100, labels: web),
        makePool("low", cidrs: ["10.40.0.0/24"], priority: -1, labels: web),
    ])

    func candidates(
        _ claim: IPClaim, labels: [String: String]? = ["team": "web"], in catalog: PoolCatalog = catalog
    ) -> Result<[String], BindingFailure> {
        catalog.candidates(for: definition(claim), namespaceLabels: labels).map { $0.map(\.name) }
    }

    @Test func sortsOutEveryPool() throws {
        let catalog = Self.catalog
        #expect(catalog.names == ["blue", "broken", "frozen", "going", "low", "shadow", "web-a", "web-b", "web-c", "web-z"])
        #expect(catalog.invalid.keys.sorted() == ["broken"])
        #expect(catalog.definitions["broken"] == nil)
        #expect(catalog.overlapping["shadow"]?.winner == "blue")
        #expect(catalog.readiness(of: "blue") == .ready)
        #expect(catalog.readiness(of: "frozen") == .paused)
        #expect(catalog.readiness(of: "going") == .deleting)
        #expect(catalog.readiness(of: "shadow") == .overlapping(winner: "blue", cidr: prefix("10.10.0.128/25")))
        #expect(catalog.readiness(of: "nope") == .notFound)
        guard case .invalid(let failure) = catalog.readiness(of: "broken") else {
            Issue.record("broken should be invalid")
            return
        }
        #expect(failure.problems.map(\.field) == ["spec.cidrs[0]"])
    }

    @Test func readinessReasons() throws {
        #expect(PoolReadiness.ready.reason == "Valid")
        #expect(PoolReadiness.notFound.reason == "PoolNotFound")
        #expect(PoolReadiness.invalid(ValidationFailure([])).reason == "Invalid")
        #expect(PoolReadiness.overlapping(winner: "a", cidr: prefix("10.0.0.0/8")).reason == "Overlapping")
        #expect(PoolReadiness.paused.reason == "Paused")
        #expect(PoolReadiness.deleting.reason == "Deleting")
        #expect(PoolReadiness.overlapping(winner: "a", cidr: prefix("10.0.0.0/8")).message
            .contains("10.0.0.0/8 overlaps the older pool a"))
    }

    @Test func byName() throws {
        #expect(try candidates(makeClaim("shop", "c", pool: "blue")).get() == ["blue"])
    }

    @Test func byNameNotFound() throws {
        let failure = try #require(failureOf(candidates(makeClaim("shop", "c", pool: "green"))))
        #expect(failure.reason == "PoolNotFound")
        #expect(failure.message == "pool green does not exist")
    }

    @Test(arguments: ["broken", "shadow", "frozen", "going"])
    func byNameNotReady(pool: String) throws {
        let failure = try #require(failureOf(candidates(makeClaim("shop", "c", pool: pool))))
        #expect(failure.reason == "PoolNotReady")
        #expect(failure.message.hasPrefix("pool \(pool) is not ready: "))
        #expect(failure.message.contains(Self.catalog.readiness(of: pool).message))
    }

    @Test func byNameRespectsTheNamespaceSelector() throws {
        #expect(try candidates(makeClaim("web", "c", pool: "web-a"), labels: ["team": "web"]).get() == ["web-a"])
        let denied = try #require(failureOf(candidates(makeClaim("shop", "c", pool: "web-a"), labels: ["team": "shop"])))
        #expect(denied.reason == "NotPermitted")
        #expect(denied.message == "pool web-a does not admit namespace shop by their namespaceSelector")
    }

    @Test func unknownNamespaceLabelsAreNotPermittedAndSaySo() throws {
        let failure = try #require(failureOf(candidates(makeClaim("ghost", "c", pool: "web-a"), labels: nil)))
        #expect(failure.reason == "NotPermitted")
        #expect(failure.message.contains("the labels of namespace ghost are not known"))
    }

    @Test func unknownNamespaceLabelsDoNotMatterWithoutANamespaceSelector() throws {
        #expect(try candidates(makeClaim("ghost", "c", pool: "blue"), labels: nil).get() == ["blue"])
    }

    @Test func byNameMissingFamily() throws {
        let failure = try #require(failureOf(candidates(makeClaim("shop", "c", pool: "blue", families: ["IPv4", "IPv6"]))))
        #expect(failure.reason == "AddressUnavailable")
        #expect(failure.message == "no candidate pool (blue) has CIDRs of IPv4 and IPv6")
    }

    @Test func bySelectorSortedByPriorityThenName() throws {
        // Not ready (broken, shadow, frozen, going) are left out.
        #expect(try candidates(makeClaim("web", "c", selector: selector(Self.web))).get()
            == ["web-a", "web-z", "web-b", "web-c", "low"])
    }

    @Test(arguments: 0..<10)
    func bySelectorIndependentOfPoolOrder(seed: Int) throws {
        let pools = [
            makePool("p3", cidrs: ["10.0.3.0/24"], priority: 1, labels: Self.web),
            makePool("p1", cidrs: ["10.0.1.0/24"], priority: 1, labels: Self.web),
            makePool("p2", cidrs: ["10.0.2.0/24"], priority: 2, labels: Self.web),
            makePool("p0", cidrs: ["10.0.0.0/24"], labels: Self.web),
            makePool("q9", cidrs: ["10.0.9.0/24"], priority: 9),
        ].shuffled(seed: UInt64(seed))
        let result = candidates(makeClaim("n", "c", selector: selector(Self.web)), in: PoolCatalog(pools))
        #expect(try result.get() == ["p2", "p1", "p3", "p0"])
    }

    @Test func bySelectorSkipsPoolsTheNamespaceMayNotUse() throws {
        #expect(try candidates(makeClaim("shop", "c", selector: selector(Self.web)), labels: ["team": "shop"]).get()
            == ["web-z", "web-b", "web-c", "low"])
        #expect(try candidates(makeClaim("ghost", "c", selector: selector(Self.web)), labels: nil).get()
            == ["web-z", "web-b", "web-c", "low"])
    }

    @Test func bySelectorSkipsPoolsWithoutTheFamilies() throws {
        #expect(try candidates(makeClaim("web", "c", selector: selector(Self.web), families: ["IPv6"])).get() == ["web-b"])
    }

    @Test func bySelectorMatchingNothing() throws {
        let failure = try #require(failureOf(candidates(makeClaim("web", "c", selector: selector(["tier": "db"])))))
        #expect(failure.reason == "PoolNotFound")
        #expect(failure.message.contains("tier=db"))
    }

    @Test func bySelectorNothingReady() throws {
        let catalog = PoolCatalog([makePool("frozen", cidrs: ["10.0.0.0/24"], paused: true, labels: Self.web)])
        let failure = try #require(failureOf(candidates(makeClaim("web", "c", selector: selector(Self.web)), in: catalog)))
        #expect(failure.reason == "PoolNotReady")
        #expect(failure.message.contains("frozen"))
    }

    @Test func bySelectorNothingPermitted() throws {
        let catalog = PoolCatalog([
            makePool("a", cidrs: ["10.0.0.0/24"], namespaceSelector: selector(["team": "web"]), labels: Self.web),
            makePool("b", cidrs: ["10.0.1.0/24"], namespaceSelector: selector(["team": "web"]), labels: Self.web),
        ])
        let known = try #require(failureOf(candidates(makeClaim("shop", "c", selector: selector(Self.web)), labels: [:], in: catalog)))
        #expect(known.reason == "NotPermitted")
        #expect(known.message == "pools a, b do not admit namespace shop by their namespaceSelector")
        let unknown = try #require(failureOf(candidates(makeClaim("shop", "c", selector: selector(Self.web)), labels: nil, in: catalog)))
        #expect(unknown.reason == "NotPermitted")
        #expect(unknown.message.hasSuffix("(the labels of namespace shop are not known)"))
    }

    @Test func bySelectorNoFamily() throws {
        let failure = try #require(failureOf(candidates(
            makeClaim("web", "c", selector: selector(Self.web), families: ["IPv6"]), labels: ["team": "shop"],
            in: PoolCatalog([makePool("a", cidrs: ["10.0.0.0/24"], labels: Self.web)]))))
        #expect(failure.reason == "AddressUnavailable")
        #expect(failure.message == "no candidate pool (a) has CIDRs of IPv6")
    }
}
