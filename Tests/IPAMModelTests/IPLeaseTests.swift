import Foundation
@testable import IPAMModel
import KubernetesCore
import Testing

@Suite struct IPLeaseTests {
    static let json = """
        {
          "apiVersion": "ipam.swift-ipam.io/v1alpha1", "kind": "IPLease",
          "metadata": {"name": "fd00-0010-0000-0000-0000-0000-0000-0002",
                       "labels": {"ipam.swift-ipam.io/pool": "blue"}},
          "spec": {"address": "fd00:10::2", "pool": "blue",
                   "claimRef": {"namespace": "shop", "name": "web-0", "uid": "c-1"}},
          "status": {"releasedAt": "2024-01-02T03:04:05Z"}
        }
        """

    @Test func typeInformation() {
        #expect(IPLease.apiVersion == "ipam.swift-ipam.io/v1alpha1")
        #expect(IPLease.kind == "IPLease")
        #expect(IPLease.plural == "ipleases")
        #expect(!IPLease.isNamespaced)
    }

    @Test func decodesTheDesignShape() throws {
        let lease = try decode(IPLease.self, from: Self.json)
        #expect(lease.metadata.labels == [IPAMAPI.poolLabel: "blue"])
        #expect(lease.spec == IPLeaseSpec(
            address: "fd00:10::2", pool: "blue", claimRef: ClaimReference(namespace: "shop", name: "web-0", uid: "c-1")))
        #expect(lease.status?.releasedAt == Date(timeIntervalSince1970: 1_704_164_645))
        #expect(lease.isReleased)
    }

    @Test func anActiveLeaseHasNoReleasedAt() throws {
        let lease = try decode(IPLease.self, from: """
            {"metadata": {"name": "10.0.0.1"},
             "spec": {"address": "10.0.0.1", "pool": "p", "claimRef": {"namespace": "n", "name": "c"}},
             "status": {"releasedAt": null}}
            """)
        #expect(lease.status?.releasedAt == nil)
        #expect(!lease.isReleased)
        #expect(lease.spec.claimRef.uid == nil)
    }

    @Test(arguments: ["2024-01-02", "yesterday", "", "2024-01-02 03:04:05Z"])
    func releasedAtMustBeRFC3339(text: String) {
        #expect(throws: DecodingError.self) {
            try decode(IPLeaseStatus.self, from: #"{"releasedAt": "\#(text)"}"#)
        }
    }

    @Test func releasedAtIsWrittenAsRFC3339() throws {
        let status = IPLeaseStatus(releasedAt: Date(timeIntervalSince1970: 1_704_164_645.75))
        #expect(try encodedJSON(status) == #"{"releasedAt":"2024-01-02T03:04:05Z"}"#)
        #expect(try encodedJSON(IPLeaseStatus()) == "{}")
    }

    @Test func encodesTypeMetaAndOmitsNilFields() throws {
        let lease = IPLease(
            metadata: ObjectMeta(name: "10.0.0.1"),
            spec: IPLeaseSpec(address: "10.0.0.1", pool: "p", claimRef: ClaimReference(namespace: "n", name: "c")))
        let expected = try canonicalJSON("""
            {"apiVersion": "ipam.swift-ipam.io/v1alpha1", "kind": "IPLease", "metadata": {"name": "10.0.0.1"},
             "spec": {"address": "10.0.0.1", "pool": "p", "claimRef": {"namespace": "n", "name": "c"}}}
            """)
        #expect(try encodedJSON(lease) == expected)
    }

    @Test func specIsRequired() {
        #expect(throws: DecodingError.self) { try decode(IPLease.self, from: #"{"metadata": {"name": "x"}}"#) }
    }

    @Test func roundTrips() throws {
        let lease = try decode(IPLease.self, from: Self.json)
        #expect(try decode(IPLease.self, from: encodedJSON(lease)) == lease)
    }
}
