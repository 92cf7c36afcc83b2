import Foundation
import IPAMModel
import JSONReaderTesting
import KubernetesCore
import Testing

/// The IPAM kinds' readers agree with their `Decodable` conformances (see `JSONReaderAgreement`).
@Suite struct IPAMJSONReadableTests {
    private func expectAgreement<T: JSONReadable & Codable & Equatable>(
        _ type: T.Type, seed: UInt64, count: Int = 60, make: (inout RandomSamples) -> T
    ) {
        let report = JSONReaderAgreement<T>.check(count: count, seed: seed, make: make)
        #expect(report.passed, "\(report)")
    }

    @Test func claims() {
        expectAgreement(IPClaim.self, seed: 11) { samples in
            IPClaim(
                metadata: samples.objectMeta(),
                spec: IPClaimSpec(
                    pool: samples.maybe { $0.string() },
                    poolSelector: samples.maybe { $0.labelSelector() },
                    ipFamilies: samples.maybe { $0.strings() },
                    addresses: samples.maybe { $0.strings() }),
                status: samples.maybe { samples in
                    IPClaimStatus(
                        observedGeneration: samples.maybe { $0.integer() },
                        pool: samples.maybe { $0.string() },
                        addresses: samples.maybe { samples in
                            (0..<samples.random.next(below: 3)).map { _ in
                                ClaimAddress(
                                    address: samples.string(), prefixLength: samples.integer(),
                                    gateway: samples.maybe { $0.string() })
                            }
                        },
                        conditions: samples.maybe { $0.conditions() })
                })
        }
    }

    @Test func leases() {
        expectAgreement(IPLease.self, seed: 12) { samples in
            IPLease(
                metadata: samples.objectMeta(),
                spec: IPLeaseSpec(
                    address: samples.string(), pool: samples.string(),
                    claimRef: ClaimReference(
                        namespace: samples.string(), name: samples.string(), uid: samples.maybe { $0.string() })),
                status: samples.maybe { IPLeaseStatus(releasedAt: $0.maybe { $0.date() }) })
        }
    }

    @Test func pools() {
        expectAgreement(IPPool.self, seed: 13) { samples in
            let family = { (samples: inout RandomSamples) in
                FamilyStatus(
                    size: samples.string(), allocated: samples.integer(), cooling: samples.maybe { $0.integer() },
                    free: samples.string())
            }
            return IPPool(
                metadata: samples.objectMeta(),
                spec: IPPoolSpec(
                    cidrs: samples.strings(),
                    exclude: samples.maybe { $0.strings() },
                    gateways: samples.maybe { $0.strings() },
                    strategy: samples.maybe { $0.string() },
                    namespaceSelector: samples.maybe { $0.labelSelector() },
                    priority: samples.maybe { $0.integer() },
                    paused: samples.maybe { $0.chance(2) },
                    reuseCooldownSeconds: samples.maybe { $0.integer() }),
                status: samples.maybe { samples in
                    IPPoolStatus(
                        observedGeneration: samples.maybe { $0.integer() },
                        ipv4: samples.maybe(family), ipv6: samples.maybe(family),
                        conditions: samples.maybe { $0.conditions() })
                })
        }
    }

    /// A bound claim as a real API server writes it (managedFields and all) reads without the
    /// fallback, and the same as JSONDecoder reads it.
    @Test func claimAsTheAPIServerWritesIt() throws {
        let json = #"""
            {"apiVersion":"ipam.swift-ipam.io/v1alpha1","kind":"IPClaim","metadata":{"creationTimestamp":"2026-11-27T10:00:00Z",
            "finalizers":["ipam.swift-ipam.io/release"],"generation":1,"managedFields":[{"apiVersion":"ipam.swift-ipam.io/v1alpha1",
            "fieldsType":"FieldsV1","fieldsV1":{"f:status":{".":{},"f:addresses":{},"f:conditions":{}}},"manager":"ipam-controller",
            "operation":"Update","subresource":"status","time":"2026-11-27T10:00:01Z"}],"name":"web-0","namespace":"default",
            "resourceVersion":"4711","uid":"1f0c8a52-8d0e-4a57-9a44-6d1bb0c6d7a1"},"spec":{"ipFamilies":["IPv4"],"pool":"blue"},
            "status":{"addresses":[{"address":"10.0.0.7","gateway":"10.0.0.1","prefixLength":16}],"conditions":[{
            "lastTransitionTime":"2026-11-27T10:00:01Z","message":"bound","observedGeneration":1,"reason":"Bound",
            "status":"True","type":"Ready"}],"observedGeneration":1,"pool":"blue"}}
            """#
        let bytes = Array(json.utf8)
        let read = try bytes.withUnsafeBytes { try JSONReader.read(IPClaim.self, from: $0) }
        #expect(read == (try JSONDecoder().decode(IPClaim.self, from: Data(bytes))))
        #expect(read.status?.addresses?.first?.address == "10.0.0.7")
        #expect(read.metadata.finalizers == ["ipam.swift-ipam.io/release"])
    }
}
