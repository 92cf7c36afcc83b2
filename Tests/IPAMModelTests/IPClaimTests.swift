import Foundation
@testable import IPAMModel
import KubernetesCore
import Testing

@Suite struct IPClaimTests {
    /// The DESIGN.md example, as the API server returns it.
    static let json = """
        {
          "apiVersion": "ipam.swift-ipam.io/v1alpha1", "kind": "IPClaim",
          "metadata": {"name": "web-0", "namespace": "shop", "uid": "c-1", "generation": 1},
          "spec": {"pool": "blue", "ipFamilies": ["IPv4", "IPv6"], "addresses": ["10.10.0.42"]},
          "status": {
            "observedGeneration": 1,
            "pool": "blue",
            "addresses": [
              {"address": "10.10.0.42", "prefixLength": 24, "gateway": "10.10.0.1"},
              {"address": "fd00:10::2", "prefixLength": 120}
            ],
            "conditions": [{"type": "Bound", "status": "True", "lastTransitionTime": "2024-01-02T03:04:05Z",
                            "reason": "Bound", "message": "bound"}]
          }
        }
        """

    @Test func typeInformation() {
        #expect(IPClaim.apiVersion == "ipam.swift-ipam.io/v1alpha1")
        #expect(IPClaim.kind == "IPClaim")
        #expect(IPClaim.plural == "ipclaims")
        #expect(IPClaim.isNamespaced)
    }

    @Test func decodesTheDesignShape() throws {
        let claim = try decode(IPClaim.self, from: Self.json)
        #expect(claim.metadata.namespace == "shop")
        #expect(claim.spec == IPClaimSpec(pool: "blue", ipFamilies: ["IPv4", "IPv6"], addresses: ["10.10.0.42"]))
        let status = try #require(claim.status)
        #expect(status.observedGeneration == 1)
        #expect(status.pool == "blue")
        #expect(status.addresses == [
            ClaimAddress(address: "10.10.0.42", prefixLength: 24, gateway: "10.10.0.1"),
            ClaimAddress(address: "fd00:10::2", prefixLength: 120),
        ])
        #expect(status.conditions?.first?.reason == "Bound")
    }

    @Test func decodesAPoolSelector() throws {
        let claim = try decode(IPClaim.self, from: """
            {"metadata": {"name": "c", "namespace": "n"},
             "spec": {"poolSelector": {"matchLabels": {"tier": "web"},
                      "matchExpressions": [{"key": "zone", "operator": "In", "values": ["a", "b"]}]}}}
            """)
        #expect(claim.spec.pool == nil)
        #expect(claim.spec.poolSelector?.matchLabels == ["tier": "web"])
        #expect(claim.spec.poolSelector?.matchExpressions?.first?.values == ["a", "b"])
    }

    @Test func missingSpecDecodesAsEmpty() throws {
        let claim = try decode(IPClaim.self, from: #"{"metadata": {"name": "c"}}"#)
        #expect(claim.spec == IPClaimSpec())
    }

    @Test func encodesTypeMetaAndOmitsNilFields() throws {
        let claim = IPClaim(metadata: ObjectMeta(name: "c", namespace: "n"), spec: IPClaimSpec(pool: "blue"))
        let expected = try canonicalJSON("""
            {"apiVersion": "ipam.swift-ipam.io/v1alpha1", "kind": "IPClaim",
             "metadata": {"name": "c", "namespace": "n"}, "spec": {"pool": "blue"}}
            """)
        #expect(try encodedJSON(claim) == expected)
        #expect(try encodedJSON(ClaimAddress(address: "fd00:10::2", prefixLength: 120))
            == #"{"address":"fd00:10::2","prefixLength":120}"#)
    }

    @Test func roundTrips() throws {
        let claim = try decode(IPClaim.self, from: Self.json)
        #expect(try decode(IPClaim.self, from: encodedJSON(claim)) == claim)
    }
}
