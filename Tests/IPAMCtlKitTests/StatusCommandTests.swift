import Foundation
@testable import IPAMCtlKit
import IPAMModel
import KubernetesCore
import Synchronization
import Testing

@Suite struct StatusCommandTests {
    @Test func oneRowPerPoolAndFamilyWithExactIPv6Sizes() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedHealthy()
            try await cluster.pool(
                "dual", cidrs: ["10.20.0.0/30", "fd00:20::/48"],
                conditions: [
                    Condition(type: "Ready", status: .true, lastTransitionTime: TestCluster.created, reason: "Valid", message: ""),
                    Condition(type: "LowCapacity", status: .true, lastTransitionTime: TestCluster.created, reason: "BelowThreshold", message: ""),
                ])
            try await cluster.lease("10.10.0.4", pool: "blue", claim: "shop/old", released: TestCluster.created)
            try await cluster.claim("shop", "waiting", pool: "blue")
            try await cluster.claim("shop", "waiting-dual", pool: "dual", families: ["IPv4", "IPv6"])
            let run = await cluster.ipamctl("status")
            #expect(run.code == 0, "\(run)")
            let table = run.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
            #expect(table == [
                "POOL FAMILY SIZE ALLOCATED COOLING FREE WAITING CONDITIONS",
                // 256 less network, broadcast and the gateway; .2 and .3 allocated, .4 cooling.
                "blue IPv4 253 2 1 250 1 -",
                // A /30 loses network and broadcast; a /48 loses its all-zeros address: 2^80 - 1.
                "dual IPv4 2 0 0 2 1 Ready,LowCapacity",
                "dual IPv6 1208925819614629174706175 0 0 1208925819614629174706175 1 Ready,LowCapacity",
                // 2^64 - 1: past Int64 and exact.
                "v6 IPv6 18446744073709551615 0 0 18446744073709551615 0 -",
            ])
        }
    }

    @Test func jsonKeepsSizesAsDecimalStrings() async throws {
        try await TestCluster.with { cluster in
            try await cluster.pool("v6", cidrs: ["fd00::/8"])
            try await cluster.pool("broken", cidrs: ["not-a-cidr"])
            let run = await cluster.ipamctl("status", "-o", "json")
            #expect(run.code == 0, "\(run)")
            let report = try JSONDecoder().decode(PoolUsageReport.self, from: Data(run.output.utf8))
            #expect(report.pools.map(\.name) == ["broken", "v6"])
            #expect(report.pools[0].families.isEmpty)
            #expect(report.pools[0].invalid?.contains("spec.cidrs[0]") == true)
            // 2^120 - 1.
            #expect(report.pools[1].families.first?.size == "1329227995784915872903807060280344575")
        }
    }

    @Test(.timeLimit(.minutes(1))) func watchRedrawsOnEveryChange() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedHealthy()
            let frames = TextBuffer()
            let count = FrameCounter()
            // A long interval: the second frame can only come from the watch seeing the new lease.
            let watch = StatusWatch(client: cluster.client, interval: .seconds(30), format: .table)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await watch.run(frames: 2) { frame in
                        frames.append(frame)
                        count.increment()
                    }
                }
                while count.value < 1 { try await Task.sleep(for: .milliseconds(20)) }
                try await cluster.lease("10.10.0.10", pool: "blue", claim: "shop/web-0")
                try await group.waitForAll()
            }
            let drawn = frames.value.components(separatedBy: "\u{1B}[H\u{1B}[2J").filter { !$0.isEmpty }
                .map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
            #expect(drawn.count == 2)
            #expect(drawn.allSatisfy { $0.hasPrefix("Every 30s (and on every change): ipamctl status") })
            #expect(drawn.first?.contains("blue IPv4 253 2 ") == true, "\(drawn)")
            #expect(drawn.last?.contains("blue IPv4 253 3 ") == true, "\(drawn)")
        }
    }

    @Test(.timeLimit(.minutes(1))) func watchRedrawsEveryIntervalWithoutChanges() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedHealthy()
            let count = FrameCounter()
            let watch = StatusWatch(client: cluster.client, interval: .milliseconds(50), format: .table)
            try await watch.run(frames: 3) { _ in count.increment() }
            #expect(count.value == 3)
        }
    }
}

final class FrameCounter: Sendable {
    private let count = Synchronization.Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
