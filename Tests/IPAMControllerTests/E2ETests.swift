import ControllerRuntime
import Foundation
import IPAM
import IPAMController
import IPAMModel
import KubernetesClient
import KubernetesClientTestKit
import KubernetesCore
import MetricsTestKit
import Testing

/// The IPAM controller end to end: against the in-process stand-in under `swift test`, or
/// against a real cluster with `IPAM_E2E_KUBECONFIG` (see ``E2EEnvironment``). Every scenario ends
/// by checking DESIGN.md's invariants through the API.
@Suite("E2E", .timeLimit(.minutes(3)), .serialized)
struct E2ETests {
    @Test("claims are bound: leases named by address with the claim's UID, status, pool counts, finalizers")
    func bindsClaims() async throws {
        try await ControllerHarness.with { harness in
            try await harness.pool("blue", ["10.10.0.0/24"], gateways: ["10.10.0.1"])
            for name in ["a", "b", "c"] { try await harness.claim(name, pool: "blue") }
            try await harness.running { _ in
                try await harness.eventually("all bound") {
                    try await ["a", "b", "c"].asyncAllSatisfy { try await harness.boundAddresses($0) != nil }
                }
                let addresses = try await ["a", "b", "c"].asyncMap { try await harness.boundAddresses($0) ?? [] }
                #expect(Set(addresses.flatMap { $0 }) == ["10.10.0.2", "10.10.0.3", "10.10.0.4"])
                let status = try #require(try await harness.claimStatus("a"))
                #expect(status.pool == "blue")
                #expect(status.addresses?.first?.prefixLength == 24)
                #expect(status.addresses?.first?.gateway == "10.10.0.1")

                let claim = try await harness.client.resource(IPClaim.self, namespace: harness.namespace).get("a")
                #expect(claim.metadata.finalizers == [IPAMAPI.finalizer])
                try await harness.eventually("pool status counts") {
                    let pool = try await harness.client.resource(IPPool.self).get("blue")
                    return pool.status?.ipv4?.allocated == 3 && pool.status?.ipv4?.free == "250"
                        && pool.status?.conditions?.isTrue(IPAMAPI.ConditionType.ready) == true
                }
                try await harness.expectInvariants()
            }
        }
    }

    @Test("static, dual-stack, selector with priority, namespace selector and invalid claims")
    func claimShapes() async throws {
        try await ControllerHarness.with { harness in
            try await harness.pool("low", ["10.20.0.0/24"], labels: ["tier": "web"], priority: 1)
            try await harness.pool("high", ["10.30.0.0/24", "fd00:30::/120"], labels: ["tier": "web"], priority: 10)
            try await harness.claim("static", pool: "low", addresses: ["10.20.0.77"])
            try await harness.claim("dual", pool: "high", families: ["IPv6", "IPv4"])
            try await harness.claim("selected", selector: LabelSelector(matchLabels: ["tier": "web"]))
            try await harness.claim("nowhere", pool: "missing")
            try await harness.claim("outside", pool: "low", addresses: ["10.99.0.1"])
            try await harness.running { _ in
                try await harness.eventually("bound") {
                    try await ["static", "dual", "selected"].asyncAllSatisfy { try await harness.boundAddresses($0) != nil }
                }
                #expect(try await harness.boundAddresses("static") == ["10.20.0.77"])
                let dual = try await harness.boundAddresses("dual") ?? []
                #expect(dual.count == 2)
                #expect(dual.first?.contains(":") == true, "primary family first")
                let selected = try await harness.boundAddresses("selected") ?? []
                #expect(selected.first?.hasPrefix("10.30.") == true, "the higher priority pool wins")
                try await harness.eventually("failures reported") {
                    let nowhere = try await harness.waitingReason("nowhere")
                    let outside = try await harness.waitingReason("outside")
                    return nowhere == IPAMAPI.Reason.poolNotFound && outside == IPAMAPI.Reason.addressUnavailable
                }
                try await harness.expectInvariants()
            }
        }
    }

    @Test("an exhausted pool makes claims wait; deleting a bound claim frees its address for them")
    func exhaustionThenRecovery() async throws {
        try await ControllerHarness.with { harness in
            try await harness.pool("tiny", ["10.40.0.0/30"])  // two usable addresses
            for name in ["a", "b", "c"] { try await harness.claim(name, pool: "tiny") }
            try await harness.running { _ in
                try await harness.eventually("two bound, one exhausted") {
                    let bound = try await ["a", "b", "c"].asyncFilter { try await harness.boundAddresses($0) != nil }
                    let waiting = try await ["a", "b", "c"].asyncFilter {
                        try await harness.waitingReason($0) == IPAMAPI.Reason.poolExhausted
                    }
                    return bound.count == 2 && waiting.count == 1
                }
                try await harness.eventually("pool says exhausted") {
                    try await harness.client.resource(IPPool.self).get("tiny").status?.conditions?
                        .isTrue(IPAMAPI.ConditionType.exhausted) == true
                }
                let waiting = try #require(try await ["a", "b", "c"].asyncFilter { try await harness.boundAddresses($0) == nil }.first)
                let victim = try #require(try await ["a", "b", "c"].asyncFilter { try await harness.boundAddresses($0) != nil }.first)
                let freed = try await harness.boundAddresses(victim)
                try await harness.deleteClaim(victim)
                try await harness.eventually("the waiting claim takes the freed address") {
                    try await harness.boundAddresses(waiting) == freed
                }
                try await harness.eventually("the deleted claim is gone (finalizer removed)") {
                    try await harness.claims().count == 2
                }
                try await harness.expectInvariants()
            }
        }
    }

    @Test("an overlapping newer pool is refused: Ready=False Overlapping, and its claims wait")
    func overlappingPool() async throws {
        try await ControllerHarness.with { harness in
            try await harness.pool("first", ["10.50.0.0/24"])
            try await Task.sleep(for: .milliseconds(1100))  // creationTimestamp has second precision
            try await harness.pool("second", ["10.50.0.128/25"])
            try await harness.claim("late", pool: "second")
            try await harness.running { _ in
                try await harness.eventually("second is refused") {
                    let condition = try await harness.client.resource(IPPool.self).get("second").status?.conditions?
                        .condition(ofType: IPAMAPI.ConditionType.ready)
                    return condition?.status == .false && condition?.reason == IPAMAPI.Reason.overlapping
                }
                try await harness.eventually("its claim waits") {
                    try await harness.waitingReason("late") == IPAMAPI.Reason.poolNotReady
                }
                #expect(try await harness.leases().isEmpty)
            }
        }
    }

    @Test("the cooldown keeps a released address from other claims, but its own claim gets it back")
    func cooldown() async throws {
        try await ControllerHarness.with { harness in
            try await harness.pool("cool", ["10.60.0.0/29"], strategy: "Hashed", cooldown: 3600)
            try await harness.claim("web", pool: "cool")
            try await harness.running { _ in
                try await harness.eventually("bound") { try await harness.boundAddresses("web") != nil }
                let original = try await harness.boundAddresses("web")
                try await harness.deleteClaim("web")
                try await harness.eventually("released, cooling") {
                    try await harness.leases().contains { $0.isReleased && [$0.spec.address] == original }
                }
                try await harness.claim("other", pool: "cool")
                try await harness.eventually("other bound") { try await harness.boundAddresses("other") != nil }
                #expect(try await harness.boundAddresses("other") != original)
                try await harness.claim("web", pool: "cool")
                try await harness.eventually("web is back on its address") {
                    try await harness.boundAddresses("web") == original
                }
                try await harness.expectInvariants()
            }
        }
    }

    @Test("annotated Pods get a claim and the allocated annotation; deleting the Pod releases it")
    func pods() async throws {
        try await ControllerHarness.with { harness in
            try await harness.pool("pods", ["10.70.0.0/24"])
            let pods = harness.client.resource(Pod.self, namespace: harness.namespace)
            _ = try await pods.create(harness.pod("web-0", annotations: [IPAMAPI.PodAnnotation.pool: "pods"]))
            _ = try await pods.create(harness.pod("plain"))
            try await harness.running { _ in
                try await harness.eventually("the Pod is annotated with its address") {
                    try await pods.get("web-0").metadata.annotations?[IPAMAPI.PodAnnotation.allocated] == "10.70.0.1/24"
                }
                #expect(try await harness.claims().map(\.metadata.name) == ["web-0"])
                let claim = try await harness.client.resource(IPClaim.self, namespace: harness.namespace).get("web-0")
                #expect(claim.metadata.ownerReferences?.first?.kind == "Pod")

                await harness.server?.setGarbageCollectorEnabled(false)  // the controller must not rely on it
                try await pods.delete("web-0")
                try await harness.eventually("claim deleted and lease released") {
                    let claims = try await harness.claims()
                    let leases = try await harness.leases()
                    return claims.isEmpty && leases.allSatisfy(\.isReleased)
                }
                try await harness.eventually("released lease deleted after the cooldown") {
                    try await harness.leases().isEmpty
                }
            }
        }
    }

    @Test("a Pod deleted while no controller ran: its claim is released after two observations", .enabled(if: E2EEnvironment.controlsController))
    func podDeletedWhileDown() async throws {
        try await ControllerHarness.with { harness in
            try await harness.pool("pods", ["10.71.0.0/24"])
            await harness.server?.setGarbageCollectorEnabled(false)
            let pods = harness.client.resource(Pod.self, namespace: harness.namespace)
            _ = try await pods.create(harness.pod("job", annotations: [IPAMAPI.PodAnnotation.pool: "pods"]))
            try await harness.running { _ in
                try await harness.eventually("bound") { try await harness.boundAddresses("job") != nil }
            }
            // The controller is down; the Pod goes.
            try await pods.delete("job")
            #expect(try await harness.claims().count == 1)
            try await harness.running(configuration: ControllerHarness.configuration(grace: .milliseconds(500))) { _ in
                try await harness.eventually("claim released") { try await harness.claims().isEmpty }
                try await harness.eventually("lease gone") { try await harness.leases().isEmpty }
            }
        }
    }

    @Test("a lease whose claim vanished (finalizer removed by hand) is released and deleted", .enabled(if: E2EEnvironment.controlsController))
    func orphanedLease() async throws {
        try await ControllerHarness.with { harness in
            try await harness.pool("blue", ["10.80.0.0/24"])
            _ = try await harness.client.resource(IPLease.self).create(IPLease(
                metadata: ObjectMeta(name: "10.80.0.9", labels: [IPAMAPI.poolLabel: "blue"]),
                spec: IPLeaseSpec(
                    address: "10.80.0.9", pool: "blue",
                    claimRef: ClaimReference(namespace: harness.namespace, name: "ghost", uid: "no-such-uid"))))
            let metrics = TestMetrics()
            try await harness.running(metrics: metrics) { _ in
                try await harness.eventually("orphan released and deleted") { try await harness.leases().isEmpty }
                let released = try metrics.expectCounter("ipam_leases_released_total", [("reason", "orphaned")])
                #expect(released.totalValue == 1)
            }
        }
    }

    @Test("a Bound claim whose lease was deleted gets its lease back on the same address", .enabled(if: E2EEnvironment.controlsController))
    func repairsMissingLease() async throws {
        try await ControllerHarness.with { harness in
            try await harness.pool("blue", ["10.81.0.0/24"])
            try await harness.claim("a", pool: "blue")
            try await harness.running { _ in
                try await harness.eventually("bound") { try await harness.boundAddresses("a") != nil }
            }
            let address = try #require(try await harness.boundAddresses("a")?.first)
            try await harness.client.resource(IPLease.self).delete(try IPAddress(address).leaseName)
            try await harness.running { _ in
                try await harness.eventually("lease restored") {
                    try await harness.leases().contains { $0.spec.address == address && !$0.isReleased }
                }
                #expect(try await harness.boundAddresses("a") == [address])
                try await harness.expectInvariants()
            }
        }
    }

    @Test("restart: a new replica keeps every address and binds the claims created meanwhile", .enabled(if: E2EEnvironment.controlsController))
    func restart() async throws {
        try await ControllerHarness.with { harness in
            try await harness.pool("blue", ["10.90.0.0/24"], strategy: "Hashed")
            for index in 0..<10 { try await harness.claim("early-\(index)", pool: "blue") }
            var before: [String: [String]] = [:]
            try await harness.running { _ in
                try await harness.eventually("early bound") {
                    try await (0..<10).asyncAllSatisfy { try await harness.boundAddresses("early-\($0)") != nil }
                }
                for index in 0..<10 { before["early-\(index)"] = try await harness.boundAddresses("early-\(index)") }
            }
            for index in 0..<10 { try await harness.claim("late-\(index)", pool: "blue") }
            try await harness.running { _ in
                try await harness.eventually("late bound") {
                    try await (0..<10).asyncAllSatisfy { try await harness.boundAddresses("late-\($0)") != nil }
                }
                for (name, addresses) in before { #expect(try await harness.boundAddresses(name) == addresses) }
                #expect(try await harness.leases().count == 20)
                try await harness.expectInvariants()
            }
        }
    }

    @Test(
        "two replicas at once without leader election: every claim bound once, no duplicate",
        .enabled(if: E2EEnvironment.controlsController))
    func twoReplicas() async throws {
        try await ControllerHarness.with { harness in
            try await harness.pool("shared", ["10.100.0.0/26"])  // 62 addresses
            for index in 0..<40 { try await harness.claim("c-\(index)", pool: "shared") }
            let metrics = TestMetrics()
            try await harness.running(replicas: 2, metrics: metrics) { _ in
                try await harness.eventually("all bound") {
                    try await (0..<40).asyncAllSatisfy { try await harness.boundAddresses("c-\($0)") != nil }
                }
                // Leases the losing replica may have created for a claim the winner bound are
                // tolerated only as the claim's own (same UID): count live leases per claim.
                try await harness.eventually("one live lease per claim") {
                    try await harness.leases().filter { !$0.isReleased }.count == 40
                }
                try await harness.expectInvariants()
            }
        }
    }

    @Test("faults: 5xx, 429, 409 on writes, dropped watches and compacted history — still converges", .enabled(if: E2EEnvironment.isStandIn))
    func faults() async throws {
        try await ControllerHarness.with { harness in
            try await harness.pool("blue", ["10.110.0.0/24"])
            let server = try #require(harness.server)
            try await harness.running { _ in
                server.failNextRequests(3, matching: RequestMatcher(verb: .create, resource: "ipleases"), with: .serviceUnavailable)
                server.failNextRequests(
                    2, matching: RequestMatcher(verb: .update, resource: "ipclaims", subresource: "status"),
                    with: InjectedFailure(statusCode: 409, reason: .conflict, message: "injected conflict"))
                server.failNextRequests(2, matching: RequestMatcher(verb: .list), with: .tooManyRequests(retryAfterSeconds: 0))
                for index in 0..<15 { try await harness.claim("f-\(index)", pool: "blue") }
                _ = await server.dropWatches()
                await server.compactHistory()
                for index in 15..<25 { try await harness.claim("f-\(index)", pool: "blue") }
                _ = await server.dropWatches()
                try await harness.eventually("all bound") {
                    try await (0..<25).asyncAllSatisfy { try await harness.boundAddresses("f-\($0)") != nil }
                }
                try await harness.eventually("one lease per claim") {
                    try await harness.leases().filter { !$0.isReleased }.count == 25
                }
                try await harness.expectInvariants()
            }
        }
    }
}

extension Sequence where Element: Sendable {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }

    func asyncFilter(_ include: (Element) async throws -> Bool) async rethrows -> [Element] {
        var result: [Element] = []
        for element in self where try await include(element) { result.append(element) }
        return result
    }

    func asyncAllSatisfy(_ predicate: (Element) async throws -> Bool) async rethrows -> Bool {
        for element in self where !(try await predicate(element)) { return false }
        return true
    }
}
