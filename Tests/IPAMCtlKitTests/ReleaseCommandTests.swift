import Foundation
@testable import IPAMCtlKit
import IPAMModel
import KubernetesClientTestKit
import KubernetesCore
import Testing

/// `release` end to end: two `check` reports written to files (the older one's time moved back
/// to stand for a report taken earlier), then `release` against the same stand-in.
@Suite struct ReleaseCommandTests {
    /// Two reports of the broken cluster, the first moved `apart` seconds into the past.
    func twoReports(_ cluster: TestCluster, apart: TimeInterval = 600) async throws -> (String, String) {
        let (a, b) = (cluster.path("a.json"), cluster.path("b.json"))
        #expect(await cluster.ipamctl("check", "--report", a).code == 1)
        try rewriteReport(a, shiftedBy: -apart)
        #expect(await cluster.ipamctl("check", "--report", b).code == 1)
        return (a, b)
    }

    @Test func releasesTheOrphanBothReportsFoundAndNothingElse() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedBroken()
            let (a, b) = try await twoReports(cluster)
            let before = try await cluster.server.objects(IPLease.self).count
            let run = await cluster.ipamctl("release", "--report", a, "--report", b)
            #expect(run.code == 0, "\(run)")
            #expect(run.output.hasPrefix("deleted IPLease 10.10.0.9 (uid uid-lease-10.10.0.9, resourceVersion "), "\(run)")
            #expect(lines(run.output, containing: "IPLease").count == 1)
            #expect(try await cluster.server.object(IPLease.self, name: "10.10.0.9") == nil)
            #expect(try await cluster.server.objects(IPLease.self).count == before - 1)
            // The delete carried a body (DeleteOptions with the preconditions; the request log
            // keeps no bodies, the precondition test below shows the server enforcing them).
            let delete = try #require(cluster.server.requests.first { $0.method == "DELETE" })
            #expect(delete.path.hasSuffix("/ipleases/10.10.0.9"))
            #expect(delete.contentType == "application/json")
            // Afterwards, check no longer finds the orphan.
            let after = await cluster.ipamctl("check", "-o", "json")
            let report = try CheckReport.decode(Data(after.output.utf8))
            #expect(!report.findings.contains { $0.kind == .orphanedLease })
        }
    }

    @Test func dryRunPrintsAndDeletesNothing() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedBroken()
            let (a, b) = try await twoReports(cluster)
            let run = await cluster.ipamctl("release", "--report", a, "--report", b, "--dry-run")
            #expect(run.code == 0, "\(run)")
            #expect(run.output.hasPrefix("would delete IPLease 10.10.0.9 "), "\(run)")
            #expect(try await cluster.server.object(IPLease.self, name: "10.10.0.9") != nil)
            #expect(!cluster.server.requests.contains { $0.method == "DELETE" })
        }
    }

    @Test func refusesASingleReport() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedBroken()
            let (a, _) = try await twoReports(cluster)
            let run = await cluster.ipamctl("release", "--report", a)
            #expect(run.code == 2, "a usage error")
            #expect(run.error.contains("give exactly two reports"), "\(run)")
            let same = await cluster.ipamctl("release", "--report", a, "--report", a)
            #expect(same.code == 1, "one report given twice is one observation")
            #expect(same.error.contains("less than the grace period"), "\(same)")
            #expect(try await cluster.server.object(IPLease.self, name: "10.10.0.9") != nil)
        }
    }

    @Test func refusesAReportFromAnotherCluster() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedBroken()
            let (a, b) = try await twoReports(cluster)
            try rewriteReport(a, server: "https://other.example:6443")
            let run = await cluster.ipamctl("release", "--report", a, "--report", b)
            #expect(run.code == 1)
            #expect(run.error.contains("\(a): cluster.server is https://other.example:6443, but \(cluster.server.baseURL.absoluteString) is the cluster"), "\(run)")
            #expect(try await cluster.server.object(IPLease.self, name: "10.10.0.9") != nil)
        }
    }

    @Test func refusesReportsTooCloseTogether() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedBroken()
            let (a, b) = try await twoReports(cluster, apart: 0)
            let run = await cluster.ipamctl("release", "--report", a, "--report", b)
            #expect(run.code == 1)
            #expect(run.error.contains("less than the grace period of 300s"), "\(run)")
            // A grace period under the controller's own 30 s is refused as a usage error.
            let none = await cluster.ipamctl("release", "--report", a, "--report", b, "--grace-period", "0s", "--dry-run")
            #expect(none.code == 2, "\(none)")
            #expect(none.error.contains("shorter than 30s"), "\(none)")
        }
    }

    @Test func aShorterGracePeriodAcceptsReportsThatFarApart() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedBroken()
            let (a, b) = try await twoReports(cluster, apart: 45)
            let run = await cluster.ipamctl("release", "--report", a, "--report", b, "--grace-period", "30s", "--dry-run")
            #expect(run.code == 0, "\(run)")
            #expect(run.output.hasPrefix("would delete IPLease 10.10.0.9 "), "\(run)")
        }
    }

    @Test func refusesStaleReports() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedBroken()
            let (a, b) = try await twoReports(cluster)
            try rewriteReport(a, shiftedBy: -7200)
            try rewriteReport(b, shiftedBy: -7200)
            let run = await cluster.ipamctl("release", "--report", a, "--report", b)
            #expect(run.code == 1)
            #expect(run.error.contains("more than --max-report-age 3600s; take fresh reports"), "\(run)")
        }
    }

    @Test func leavesALeaseThatChangedAfterTheNewerReport() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedBroken()
            let (a, b) = try await twoReports(cluster)
            // Someone touches the lease: a new resourceVersion.
            var lease = try #require(try await cluster.server.object(IPLease.self, name: "10.10.0.9"))
            lease.metadata.labels?["touched"] = "yes"
            try await cluster.server.seed(lease)
            let run = await cluster.ipamctl("release", "--report", a, "--report", b)
            #expect(run.code == 0, "\(run)")
            #expect(run.output.contains("skipped IPLease 10.10.0.9: IPLease 10.10.0.9 changed since the newer report"), "\(run)")
            #expect(try await cluster.server.object(IPLease.self, name: "10.10.0.9") != nil)
            #expect(!cluster.server.requests.contains { $0.method == "DELETE" })
        }
    }

    @Test func leavesALeaseThatChangedHandsBetweenTheReports() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedBroken()
            let a = cluster.path("a.json")
            #expect(await cluster.ipamctl("check", "--report", a).code == 1)
            try rewriteReport(a, shiftedBy: -600)
            // Meanwhile the lease went to a re-created claim of that name (another UID), which is
            // gone again by the newer report: each claim was seen missing once only.
            var lease = try #require(try await cluster.server.object(IPLease.self, name: "10.10.0.9"))
            lease.spec.claimRef.uid = "uid-claim-gone-again"
            try await cluster.server.seed(lease)
            let b = cluster.path("b.json")
            #expect(await cluster.ipamctl("check", "--report", b).code == 1)
            let run = await cluster.ipamctl("release", "--report", a, "--report", b)
            #expect(run.code == 0, "\(run)")
            #expect(run.output.contains("Nothing to release"), "\(run)")
            #expect(try await cluster.server.object(IPLease.self, name: "10.10.0.9") != nil)
        }
    }

    @Test func aConflictOnTheDeleteLeavesTheLease() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedBroken()
            let (a, b) = try await twoReports(cluster)
            // The lease changes between the re-read and the delete: the preconditions refuse it.
            cluster.server.failNextRequests(
                1, matching: RequestMatcher(verb: .delete, resource: "ipleases"),
                with: InjectedFailure(statusCode: 409, reason: .conflict, message: "precondition failed"))
            let run = await cluster.ipamctl("release", "--report", a, "--report", b)
            #expect(run.code == 0, "\(run)")
            #expect(run.output.contains("skipped IPLease 10.10.0.9: changed just before the delete"), "\(run)")
            #expect(try await cluster.server.object(IPLease.self, name: "10.10.0.9") != nil)
        }
    }

    @Test func leavesALeaseWhoseClaimCameBack() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedBroken()
            let (a, b) = try await twoReports(cluster)
            try await cluster.claim("shop", "gone", pool: "blue", addresses: ["10.10.0.9"])
            let run = await cluster.ipamctl("release", "--report", a, "--report", b)
            #expect(run.output.contains("claim shop/gone (uid uid-claim-gone) exists again"), "\(run)")
            #expect(try await cluster.server.object(IPLease.self, name: "10.10.0.9") != nil)
        }
    }

    @Test func anUnreadableReportNamesTheFileAndField() async throws {
        try await TestCluster.with { cluster in
            let path = cluster.path("bad.json")
            try #"{"format": "x", "time": "yesterday"}"#.write(toFile: path, atomically: true, encoding: .utf8)
            let run = await cluster.ipamctl("release", "--report", path, "--report", path)
            #expect(run.code == 1)
            #expect(run.error.contains("\(path): time: \"yesterday\" is not an RFC 3339 time"), "\(run)")
        }
    }
}
