import Foundation
@testable import IPAMModel
import KubernetesCore
import Testing

@Suite struct IPPoolTests {
    /// The DESIGN.md example, as the API server returns it.
    static let json = """
        {
          "apiVersion": "ipam.swift-ipam.io/v1alpha1", "kind": "IPPool",
          "metadata": {"name": "blue", "uid": "u-1", "generation": 3, "creationTimestamp": "2024-01-02T03:04:05Z"},
          "spec": {
            "cidrs": ["10.10.0.0/24", "fd00:10::/120"],
            "exclude": ["10.10.0.1", "10.10.0.200-10.10.0.254", "10.10.0.64/28"],
            "gateways": ["10.10.0.1"],
            "strategy": "Sequential",
            "namespaceSelector": {"matchLabels": {"team": "web"}},
            "priority": 0,
            "paused": false,
            "reuseCooldownSeconds": 45
          },
          "status": {
            "observedGeneration": 3,
            "ipv4": {"size": "182", "allocated": 3, "free": "179"},
            "ipv6": {"size": "255", "allocated": 1, "cooling": 2, "free": "252"},
            "conditions": [
              {"type": "Ready", "status": "True", "observedGeneration": 3,
               "lastTransitionTime": "2024-01-02T03:04:06Z", "reason": "Valid", "message": "ok"},
              {"type": "Exhausted", "status": "False",
               "lastTransitionTime": "2024-01-02T03:04:06Z", "reason": "HasFreeAddresses", "message": ""}
            ]
          }
        }
        """

    @Test func typeInformation() {
        #expect(IPPool.apiVersion == "ipam.swift-ipam.io/v1alpha1")
        #expect(IPPool.kind == "IPPool")
        #expect(IPPool.plural == "ippools")
        #expect(!IPPool.isNamespaced)
    }

    @Test func decodesTheDesignShape() throws {
        let pool = try decode(IPPool.self, from: Self.json)
        #expect(pool.metadata.name == "blue")
        #expect(pool.metadata.generation == 3)
        #expect(pool.spec.cidrs == ["10.10.0.0/24", "fd00:10::/120"])
        #expect(pool.spec.exclude == ["10.10.0.1", "10.10.0.200-10.10.0.254", "10.10.0.64/28"])
        #expect(pool.spec.gateways == ["10.10.0.1"])
        #expect(pool.spec.strategy == "Sequential")
        #expect(pool.spec.namespaceSelector == LabelSelector(matchLabels: ["team": "web"]))
        #expect(pool.spec.priority == 0)
        #expect(pool.spec.paused == false)
        #expect(pool.spec.reuseCooldownSeconds == 45)
        let status = try #require(pool.status)
        #expect(status.observedGeneration == 3)
        #expect(status.ipv4 == FamilyStatus(size: "182", allocated: 3, free: "179"))
        #expect(status.ipv6 == FamilyStatus(size: "255", allocated: 1, cooling: 2, free: "252"))
        #expect(status.conditions?.map(\.type) == ["Ready", "Exhausted"])
        #expect(status.conditions?.first?.lastTransitionTime == RFC3339.parse("2024-01-02T03:04:06Z"))
    }

    @Test func optionalSpecFieldsMayBeAbsent() throws {
        let pool = try decode(IPPool.self, from: #"{"metadata": {"name": "p"}, "spec": {"cidrs": ["10.0.0.0/24"]}}"#)
        #expect(pool.spec == IPPoolSpec(cidrs: ["10.0.0.0/24"]))
        #expect(pool.status == nil)
    }

    @Test func missingMetadataDecodesAsEmpty() throws {
        let pool = try decode(IPPool.self, from: #"{"spec": {"cidrs": []}}"#)
        #expect(pool.metadata == ObjectMeta())
    }

    @Test func specIsRequired() {
        #expect(throws: DecodingError.self) { try decode(IPPool.self, from: #"{"metadata": {"name": "p"}}"#) }
    }

    @Test func encodesTypeMetaAndOmitsNilFields() throws {
        let pool = IPPool(metadata: ObjectMeta(name: "blue"), spec: IPPoolSpec(cidrs: ["10.10.0.0/24"]))
        let expected = try canonicalJSON("""
            {"apiVersion": "ipam.swift-ipam.io/v1alpha1", "kind": "IPPool",
             "metadata": {"name": "blue"}, "spec": {"cidrs": ["10.10.0.0/24"]}}
            """)
        #expect(try encodedJSON(pool) == expected)
    }

    @Test func familyStatusOmitsCoolingWhenNil() throws {
        #expect(try encodedJSON(FamilyStatus(size: "10", allocated: 1, free: "9"))
            == #"{"allocated":1,"free":"9","size":"10"}"#)
    }

    @Test func roundTrips() throws {
        let pool = try decode(IPPool.self, from: Self.json)
        #expect(try decode(IPPool.self, from: encodedJSON(pool)) == pool)
    }
}
