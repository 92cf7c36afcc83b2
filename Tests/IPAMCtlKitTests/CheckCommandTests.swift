import Foundation
@testable import IPAMCtlKit
import IPAMModel
import KubernetesCore
import Testing

@Suite struct CheckCommandTests {
    @Test func aHealthyClusterHasNoFindingsAndExitsZero() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedHealthy()
            let report = cluster.path("healthy.json")
            let run = await cluster.ipamctl("check", "--report", report)
            #expect(run.code == 0, "\(run)")
            #expect(run.output.hasPrefix("No findings (one snapshot at resourceVersion "), "\(run)")
            #expect(run.error.contains("report written to \(report)"))
            let written = try CheckReport.decode(Data(contentsOf: URL(fileURLWithPath: report)))
            #expect(written.findings.isEmpty)
            #expect(written.format == CheckReport.currentFormat)
            #expect(written.cluster.server == cluster.server.baseURL.absoluteString)
            #expect(written.consistency == .exact)
            #expect(Set(written.resourceVersions.keys) == ["ippools", "ipclaims", "ipleases", "pods", "namespaces"])
            // Every list is served at the first one's resourceVersion, requested with Exact.
            let version = await cluster.server.resourceVersion
            #expect(Set(written.resourceVersions.values) == [version])
            let lists = cluster.server.requests.filter { $0.path.hasSuffix("/ipclaims") || $0.path.hasSuffix("/ipleases") }
            #expect(!lists.isEmpty)
            for list in lists {
                #expect(list.query["resourceVersionMatch"] == "Exact", "\(list.path)")
                #expect(list.query["resourceVersion"] == version)
            }
        }
    }

    @Test func aBrokenClusterReportsEachProblemAndExitsOne() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedBroken()
            let path = cluster.path("broken.json")
            let run = await cluster.ipamctl("check", "--report", path)
            #expect(run.code == 1, "\(run)")
            let report = try CheckReport.decode(Data(contentsOf: URL(fileURLWithPath: path)))
            let found = report.findings.map { "\($0.kind.rawValue) \($0.object)" }
            #expect(found == [
                "OrphanedLease IPLease 10.10.0.9",
                "InvalidLease IPLease 10.10.0.77",
                "BoundClaimWithoutLease IPClaim shop/dup-b",
                "DuplicateAddress IPClaim shop/dup-a",
                "DuplicateAddress IPClaim shop/dup-b",
                "DuplicateAddress IPLease 10.10.0.2",
                "DuplicateAddress IPLease 10.10.0.77",
                "AddressOutsidePool IPClaim shop/gw",
                "AddressOutsidePool IPLease 10.10.0.1",
                "PodClaimWithoutPod IPClaim shop/pod-b",
                "OverlappingPool IPPool red",
            ])
            // Findings name the object as read, and why.
            let orphan = try #require(report.findings.first)
            #expect(orphan.object.uid == "uid-lease-10.10.0.9")
            #expect(orphan.object.resourceVersion != nil)
            #expect(orphan.address == "10.10.0.9")
            #expect(orphan.reason == "spec.claimRef names claim shop/gone (uid uid-claim-gone), which does not exist")
            // The table: one row per finding and a count.
            let rows = run.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
            #expect(rows.first == "FINDING OBJECT ADDRESS REASON")
            #expect(rows.contains("OrphanedLease IPLease 10.10.0.9 10.10.0.9 spec.claimRef names claim shop/gone (uid uid-claim-gone), which does not exist"), "\(run)")
            #expect(rows.contains("AddressOutsidePool IPLease 10.10.0.1 10.10.0.1 spec.address 10.10.0.1 is not allocatable in pool blue: the pool's gateway"), "\(run)")
            #expect(run.output.hasSuffix("\n11 findings\n"))
        }
    }

    @Test func aClaimOfTheSameNameWithAnotherUIDLeavesTheLeaseOrphaned() async throws {
        try await TestCluster.with { cluster in
            try await cluster.pool("blue", cidrs: ["10.10.0.0/24"])
            try await cluster.lease("10.10.0.2", pool: "blue", claim: "shop/web-0")
            var claim = try await cluster.claim("shop", "web-0", pool: "blue")
            claim.metadata.uid = "uid-of-a-new-claim"
            claim.metadata.resourceVersion = nil
            try await cluster.server.seed(claim)
            let report = try await CheckCommand.check(client: cluster.client, reportPath: nil, output: .json, now: Date())
            #expect(report.findings.map(\.kind) == [.orphanedLease])
            #expect(report.findings.first?.reason.contains("exists with uid uid-of-a-new-claim, not uid-claim-web-0") == true)
        }
    }

    @Test func releasedLeasesOutliveTheirClaimsWithoutAFinding() async throws {
        try await TestCluster.with { cluster in
            try await cluster.pool("blue", cidrs: ["10.10.0.0/24"])
            try await cluster.lease("10.10.0.2", pool: "blue", claim: "shop/gone", released: TestCluster.created)
            let run = await cluster.ipamctl("check", "-o", "json")
            #expect(run.code == 0, "\(run)")
            let report = try CheckReport.decode(Data(run.output.utf8))
            #expect(report.findings.isEmpty)
        }
    }

    @Test func anUnreachableClusterIsAFailureNamingTheRequest() async throws {
        let run = await runIPAMCtl(["check", "--kubeconfig", "/nonexistent/kubeconfig"])
        #expect(run.code == 1)
        #expect(run.error.contains("/nonexistent/kubeconfig"), "\(run)")
    }
}
