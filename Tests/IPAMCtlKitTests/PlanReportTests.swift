import Foundation
@testable import IPAMCtlKit
import IPAMModel
import KubernetesCore
import Testing

@Suite struct PlanReportTests {
    /// A plan with every kind of outcome: bound, existing, failed, invalid and overlapping pools, notes.
    static func mixedPlan(now: Date = t0) -> Plan {
        let yaml = """
            apiVersion: ipam.swift-ipam.io/v1alpha1
            kind: IPPool
            metadata: {name: tiny}
            spec: {cidrs: [10.0.0.0/30]}
            ---
            apiVersion: ipam.swift-ipam.io/v1alpha1
            kind: IPPool
            metadata: {name: shadow, creationTimestamp: "2024-01-02T03:04:05Z"}
            spec: {cidrs: [10.9.0.0/24]}
            ---
            apiVersion: ipam.swift-ipam.io/v1alpha1
            kind: IPPool
            metadata: {name: zz-shadowed}
            spec: {cidrs: [10.9.0.0/25]}
            ---
            apiVersion: ipam.swift-ipam.io/v1alpha1
            kind: IPPool
            metadata: {name: broken}
            spec: {cidrs: [10.8.0.1/24]}
            ---
            apiVersion: ipam.swift-ipam.io/v1alpha1
            kind: IPLease
            metadata: {name: 10.0.0.1}
            spec: {address: 10.0.0.1, pool: tiny, claimRef: {namespace: n, name: kept}}
            ---
            apiVersion: ipam.swift-ipam.io/v1alpha1
            kind: IPLease
            metadata: {name: 10.7.0.1}
            spec: {address: 10.7.0.1, pool: gone, claimRef: {namespace: n, name: x}}
            """
        var input = PlanInput()
        for object in objects(yaml) {
            switch object.content {
            case .pool(let pool): input.pools.append(pool)
            case .lease(let lease): input.leases.append(lease)
            default: break
            }
        }
        input.claims = ["kept", "a", "b"].map {
            IPClaim(metadata: ObjectMeta(name: $0, namespace: "n"), spec: IPClaimSpec(pool: "tiny"))
        }
        return AllocationPlanner.plan(input, now: now)
    }

    @Test func claimsAndPools() throws {
        let report = PlanReport(Self.mixedPlan())
        let claims = claimsByKey(report)
        let kept = try #require(claims["n/kept"])
        #expect(kept.bound && kept.existing)
        #expect(kept.addresses == [ClaimAddress(address: "10.0.0.1", prefixLength: 30)])
        #expect(kept.source == "IPClaim")
        let a = try #require(claims["n/a"])
        #expect(a.bound && !a.existing && a.pool == "tiny" && a.addresses?.map(\.address) == ["10.0.0.2"])
        let b = try #require(claims["n/b"])
        #expect(!b.bound && b.pool == nil && b.addresses == nil)
        #expect(b.reason == "PoolExhausted")
        #expect(b.message == "pool tiny: no free IPv4 address in the pool")

        let pools = Dictionary(uniqueKeysWithValues: report.pools.map { ($0.name, $0) })
        #expect(report.pools.map(\.name) == ["broken", "shadow", "tiny", "zz-shadowed"])
        #expect(pools["tiny"]?.ready == true && pools["tiny"]?.message == nil)
        #expect(pools["tiny"]?.exhausted == true && pools["tiny"]?.lowCapacity == true)
        #expect(pools["broken"]?.ready == false && pools["broken"]?.reason == "Invalid")
        #expect(pools["broken"]?.ipv4 == nil)
        #expect(pools["zz-shadowed"]?.reason == "Overlapping")
        #expect(pools["zz-shadowed"]?.message?.contains("overlaps the older pool shadow") == true)
        #expect(report.notes?.count == 1)
        #expect(report.notes?.first?.contains("pool gone is not a valid pool") == true)
    }

    @Test func jsonRoundTrips() throws {
        let report = PlanReport(Self.mixedPlan())
        let json = try OutputFormat.encode(report, as: .json)
        #expect(try JSONDecoder().decode(PlanReport.self, from: Data(json.utf8)) == report)
    }

    @Test func theSamplesRoundTripToo() throws {
        let report = SamplesTests.report
        let json = try OutputFormat.encode(report, as: .json)
        #expect(try JSONDecoder().decode(PlanReport.self, from: Data(json.utf8)) == report)
    }

    @Test func twoRunsEncodeIdenticalBytes() throws {
        // Different clocks too: the report carries no timestamp.
        let first = try OutputFormat.encode(PlanReport(Self.mixedPlan(now: t0)), as: .json)
        let second = try OutputFormat.encode(PlanReport(Self.mixedPlan(now: t0.addingTimeInterval(86_400))), as: .json)
        #expect(first == second)
        let samples = { () throws -> String in
            let input = ManifestInput.load([samplesPath])
            return try OutputFormat.encode(PlanReport(AllocationPlanner.plan(input.planInput, now: Date())), as: .yaml)
        }
        #expect(try samples() == samples())
    }

    @Test func absentFieldsAreOmitted() throws {
        let json = try OutputFormat.encode(SamplesTests.report, as: .json)
        #expect(!json.contains("\"notes\""), "no notes")
        #expect(!json.contains("\"reason\" : \"Pool"), "no failures")
        #expect(!json.contains("\"message\""), "bound claims and ready pools have no message")
        #expect(!json.contains("null"))
    }
}
