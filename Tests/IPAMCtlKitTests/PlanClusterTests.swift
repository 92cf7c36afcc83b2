import Foundation
@testable import IPAMCtlKit
import Testing

@Suite struct PlanClusterTests {
    @Test func plansManifestsOnTopOfTheClustersLeases() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedHealthy()
            let manifest = cluster.path("new.yaml")
            try """
                apiVersion: ipam.swift-ipam.io/v1alpha1
                kind: IPClaim
                metadata: {name: api, namespace: shop}
                spec: {pool: blue}
                """.write(toFile: manifest, atomically: true, encoding: .utf8)
            // Offline, the pool is unknown.
            let offline = await runIPAMCtl(["plan", manifest])
            #expect(offline.code == 1)
            #expect(offline.error.contains("pool blue is not defined in the input"), "\(offline)")
            // On the cluster: .2 and .3 are leased, so the claim gets .4; only its row is shown.
            let run = await cluster.ipamctl("plan", "--cluster", "-o", "json", manifest)
            #expect(run.code == 0, "\(run)")
            let report = try JSONDecoder().decode(PlanReport.self, from: Data(run.output.utf8))
            #expect(report.claims.map { "\($0.namespace)/\($0.name)" } == ["shop/api"])
            #expect(report.claims.first?.addresses?.map(\.address) == ["10.10.0.4"])
            let blue = try #require(report.pools.first { $0.name == "blue" })
            #expect(blue.ipv4?.allocated == 3)
        }
    }

    @Test func aManifestPoolOverlappingALivePoolIsRefused() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedHealthy()
            let manifest = cluster.path("pool.yaml")
            try """
                apiVersion: ipam.swift-ipam.io/v1alpha1
                kind: IPPool
                metadata: {name: green}
                spec: {cidrs: [10.10.0.0/16]}
                """.write(toFile: manifest, atomically: true, encoding: .utf8)
            let run = await cluster.ipamctl("plan", "--cluster", manifest)
            #expect(run.code == 1, "\(run)")
            #expect(run.error.contains("IPPool green: spec.cidrs[0]: 10.10.0.0/16 overlaps pool blue, which is older"), "\(run)")
        }
    }

    @Test func aManifestReplacesTheLivePoolOfTheSameName() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedHealthy()
            let manifest = cluster.path("pool.yaml")
            // Growing blue to a /23 keeps its leases and its age.
            try """
                apiVersion: ipam.swift-ipam.io/v1alpha1
                kind: IPPool
                metadata: {name: blue}
                spec: {cidrs: [10.10.0.0/23], gateways: [10.10.0.1]}
                """.write(toFile: manifest, atomically: true, encoding: .utf8)
            let run = await cluster.ipamctl("plan", "--cluster", manifest)
            #expect(run.code == 0, "\(run)")
            let row = lines(run.output, containing: "blue").first?.split(separator: " ", omittingEmptySubsequences: true)
            #expect(row.map { Array($0.prefix(7)) } == ["blue", "True", "IPv4", "509", "2", "0", "507"], "\(run)")
        }
    }
}
