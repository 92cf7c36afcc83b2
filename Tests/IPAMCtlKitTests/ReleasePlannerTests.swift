import Foundation
@testable import IPAMCtlKit
import IPAMModel
import KubernetesCore
import Testing

@Suite struct ReleasePlannerTests {
    let server = "https://k8s.example:6443"

    func report(at time: Date, _ findings: [Finding], id: String? = nil) -> CheckReport {
        CheckReport(
            time: time, cluster: .init(server: server, id: id), consistency: .exact, resourceVersions: [:], findings: findings)
    }

    func orphan(_ name: String, uid: String, version: String, claimUID: String = "claim-uid") -> Finding {
        Finding(
            kind: .orphanedLease,
            object: .init(kind: "IPLease", name: name, uid: uid, resourceVersion: version), address: name,
            claimUID: claimUID, reason: "gone")
    }

    @Test func candidatesAreTheOrphansOfBothReportsWithTheSameUID() {
        let older = report(at: t0, [orphan("10.0.0.1", uid: "a", version: "1"), orphan("10.0.0.2", uid: "b", version: "2")])
        let newer = report(at: t0 + 600, [
            orphan("10.0.0.1", uid: "a", version: "5"),  // same object, changed between reports: fine
            orphan("10.0.0.2", uid: "b2", version: "6"),  // re-created in between: another object
            orphan("10.0.0.3", uid: "c", version: "7"),  // seen once only
            Finding(kind: .duplicateAddress, object: .init(kind: "IPLease", name: "10.0.0.4", uid: "d", resourceVersion: "8"), reason: "x"),
        ])
        let candidates = ReleasePlanner.candidates(older: older, newer: newer)
        #expect(candidates.map(\.object.name) == ["10.0.0.1"])
        #expect(candidates.first?.object.resourceVersion == "5")
        #expect(candidates.first?.claimUID == "claim-uid")
    }

    @Test func aLeaseOrphanedFromAnotherClaimInEachReportIsNoCandidate() {
        // Released, re-taken by a re-created claim (new UID), orphaned again: each claim was seen
        // missing once only.
        let older = report(at: t0, [orphan("10.0.0.1", uid: "a", version: "1", claimUID: "claim-1")])
        let newer = report(at: t0 + 600, [orphan("10.0.0.1", uid: "a", version: "9", claimUID: "claim-2")])
        #expect(ReleasePlanner.candidates(older: older, newer: newer).isEmpty)
        // A report without the claim's UID (written by an older ipamctl) never leads to a delete.
        var unknown = orphan("10.0.0.1", uid: "a", version: "9")
        unknown.claimUID = nil
        #expect(ReleasePlanner.candidates(older: report(at: t0, [unknown]), newer: report(at: t0 + 600, [unknown])).isEmpty)
    }

    @Test func otherFindingKindsAreNeverCandidates() {
        let findings = Finding.Kind.allCases.filter { $0 != .orphanedLease }.map { kind in
            Finding(kind: kind, object: .init(kind: "IPLease", name: "x", uid: "u", resourceVersion: "1"), reason: "")
        }
        #expect(ReleasePlanner.candidates(older: report(at: t0, findings), newer: report(at: t0 + 600, findings)).isEmpty)
    }

    @Test func theReportsAreOrderedByTimeWhateverTheirOrderOnTheCommandLine() throws {
        let (older, newer) = (report(at: t0, []), report(at: t0 + 400, []))
        let pair = try ReleasePlanner.pair(
            [("b", newer), ("a", older)], now: t0 + 500, server: server, clusterID: nil, rules: .init())
        #expect(pair.older.time == t0)
    }

    @Test func refusals() {
        let rules = ReleasePlanner.Rules()
        func refusal(_ reports: [(String, CheckReport)], now: Date = t0 + 700, id: String? = nil) -> ReleasePlanner.Refusal? {
            do {
                _ = try ReleasePlanner.pair(reports.map { (name: $0.0, report: $0.1) }, now: now, server: server, clusterID: id, rules: rules)
                return nil
            } catch { return error }
        }
        let a = report(at: t0, [], id: "cluster-1")
        let b = report(at: t0 + 600, [], id: "cluster-1")
        #expect(refusal([("a", a)]) == .needsTwoReports(count: 1))
        #expect(refusal([("a", a), ("b", b), ("a", a)]) == .needsTwoReports(count: 3))
        #expect(refusal([("a", a), ("b", b)]) == nil)
        #expect(refusal([("a", a), ("b", b)], id: "cluster-2") == .otherClusterID(report: "a", id: "cluster-1", expected: "cluster-2"))
        #expect(refusal([("a", a), ("b", report(at: t0 + 299, []))]) == .tooClose(apart: 299, gracePeriod: 300))
        #expect(refusal([("a", a), ("b", b)], now: t0 + 3601) == .stale(report: "a", age: 3601, maximum: 3600), "the older one too")
        #expect(
            refusal([("a", a), ("b", report(at: t0 + 600, [], id: "cluster-2"))]) == .otherClusterID(report: "b", id: "cluster-2", expected: "cluster-1"),
            "two reports of two clusters, even when the cluster's id cannot be read now")
        // One file given twice is one observation, whatever the grace period.
        var noGrace = rules
        noGrace.gracePeriod = 0
        #expect(throws: ReleasePlanner.Refusal.tooClose(apart: 0, gracePeriod: 0)) {
            try ReleasePlanner.pair([(name: "a", report: a), (name: "a", report: a)], now: t0 + 10, server: server, clusterID: nil, rules: noGrace)
        }
        #expect(refusal([("a", a), ("b", b)], now: t0 + 600 + 3601) == .stale(report: "a", age: 4201, maximum: 3600))
        #expect(refusal([("a", a), ("b", b)], now: t0 + 500) == .fromTheFuture(report: "b", ahead: 100))
        var other = b
        other.cluster.server = "https://elsewhere:6443"
        #expect(refusal([("a", a), ("b", other)]) == .otherCluster(report: "b", server: "https://elsewhere:6443", expected: server))
        var future = b
        future.format = "v0"
        #expect(refusal([("a", a), ("b", future)]) == .unknownFormat(report: "b", format: "v0"))
    }

    @Test func decideDeletesOnlyAnUnchangedStillOrphanedLease() {
        let candidate = ReleasePlanner.Candidate(
            object: .init(kind: "IPLease", name: "10.0.0.1", uid: "lease-uid", resourceVersion: "7"), address: "10.0.0.1",
            claimUID: "claim-uid", reason: "")
        var lease = IPLease(
            metadata: ObjectMeta(name: "10.0.0.1", uid: "lease-uid", resourceVersion: "7"),
            spec: IPLeaseSpec(address: "10.0.0.1", pool: "blue", claimRef: ClaimReference(namespace: "ns", name: "c", uid: "claim-uid")))
        func decide(_ lease: IPLease?, claim: IPClaim? = nil, cooldown: Int64? = 30) -> ReleasePlanner.Decision {
            ReleasePlanner.decide(candidate, lease: lease, claim: claim, poolCooldownSeconds: cooldown, olderReportTime: t0, now: t0 + 600)
        }
        #expect(decide(lease) == .delete(uid: "lease-uid", resourceVersion: "7"))
        #expect(decide(nil) == .skip("IPLease 10.0.0.1 is gone already"))
        #expect(decide(lease, cooldown: 3600) != .delete(uid: "lease-uid", resourceVersion: "7"))
        let back = IPClaim(metadata: ObjectMeta(name: "c", namespace: "ns", uid: "claim-uid"), spec: IPClaimSpec(pool: "blue"))
        #expect(decide(lease, claim: back) != .delete(uid: "lease-uid", resourceVersion: "7"))
        let other = IPClaim(metadata: ObjectMeta(name: "c", namespace: "ns", uid: "new-uid"), spec: IPClaimSpec(pool: "blue"))
        #expect(decide(lease, claim: other) == .delete(uid: "lease-uid", resourceVersion: "7"))
        var handedOver = lease
        handedOver.spec.claimRef.uid = "new-uid"
        #expect(
            decide(handedOver) == .skip("IPLease 10.0.0.1 now names claim uid new-uid, not the claim-uid both reports found missing"))
        var changed = lease
        changed.metadata.resourceVersion = "8"
        #expect(decide(changed) != .delete(uid: "lease-uid", resourceVersion: "7"))
        var recreated = lease
        recreated.metadata.uid = "another"
        #expect(decide(recreated) != .delete(uid: "lease-uid", resourceVersion: "7"))
        lease.status = IPLeaseStatus(releasedAt: t0)
        #expect(decide(lease) != .delete(uid: "lease-uid", resourceVersion: "7"))
    }
}
