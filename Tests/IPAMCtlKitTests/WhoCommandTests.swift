import Foundation
@testable import IPAMCtlKit
import Testing

@Suite struct WhoCommandTests {
    @Test func showsPoolLeaseClaimAndPodOfAnAddress() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedHealthy()
            let run = await cluster.ipamctl("who", "10.10.0.3")
            #expect(run.code == 0, "\(run)")
            let rows = run.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ") }
            #expect(rows.first == "ADDRESS POOL LEASE STATE SINCE CLAIM POD")
            #expect(rows.dropFirst().first?.hasPrefix("10.10.0.3 blue (10.10.0.0/24) 10.10.0.3 Active 2023-11-14T22:13:20Z (") == true, "\(run)")
            #expect(rows.dropFirst().first?.hasSuffix(" shop/pod-a shop/pod-a") == true, "\(run)")
        }
    }

    @Test func aLeaseOfAGoneClaimAndAGonePodSaySo() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedBroken()
            let orphan = await cluster.ipamctl("who", "10.10.0.9", "-o", "json")
            #expect(orphan.code == 0, "\(orphan)")
            let report = try JSONDecoder.iso8601.decode(AddressReport.self, from: Data(orphan.output.utf8))
            #expect(report.holders.count == 1)
            #expect(report.holders.first?.claim?.exists == false)
            #expect(report.holders.first?.lease?.since == TestCluster.created)
            let podGone = await cluster.ipamctl("who", "10.10.0.6")
            #expect(podGone.output.contains("shop/pod-b   shop/pod-b (gone)"), "\(podGone)")
            // Two leases for one address: both are listed.
            let duplicate = await cluster.ipamctl("who", "10.10.0.2")
            #expect(lines(duplicate.output, containing: "10.10.0.2 ").count == 2, "\(duplicate)")
            #expect(duplicate.output.contains("10.10.0.77"))
        }
    }

    @Test func freeAddressesAndAddressesInNoPool() async throws {
        try await TestCluster.with { cluster in
            try await cluster.seedHealthy()
            let free = await cluster.ipamctl("who", "10.10.0.100")
            #expect(free.code == 0)
            #expect(free.output.contains("Free"), "\(free)")
            let gateway = await cluster.ipamctl("who", "10.10.0.1")
            #expect(gateway.output.contains("blue (10.10.0.0/24, the pool's gateway)"), "\(gateway)")
            #expect(gateway.output.contains("NotAllocatable"), "\(gateway)")
            let nowhere = await cluster.ipamctl("who", "192.168.7.7")
            #expect(nowhere.code == 1)
            #expect(nowhere.error.contains("192.168.7.7 is in no IPPool and held by no IPLease or IPClaim"), "\(nowhere)")
        }
    }

    @Test func anInvalidAddressIsAUsageError() async {
        let run = await runIPAMCtl(["who", "10.10.0.256"])
        #expect(run.code == 2, "\(run)")
        #expect(run.error.contains("ADDRESS \"10.10.0.256\" is not an IP address"), "\(run)")
    }
}

extension JSONDecoder {
    static var iso8601: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
