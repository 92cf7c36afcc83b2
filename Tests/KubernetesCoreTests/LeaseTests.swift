import Foundation
import KubernetesCore
import Testing

@Suite struct LeaseTests {
    /// A Lease as the API server returns it, with `managedFields`, which this model ignores.
    static let json = """
        {
          "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
          "metadata": {
            "name": "swift-ipam-controller", "namespace": "kube-system",
            "uid": "0b3e5f0c-6a51-4d1e-9f5a-3f8c2d1e4b7a", "resourceVersion": "98765",
            "creationTimestamp": "2024-05-01T09:00:00Z",
            "managedFields": [{"manager": "swift-ipam", "operation": "Update", "apiVersion": "coordination.k8s.io/v1",
                               "time": "2024-05-01T10:00:12Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:spec": {}}}]
          },
          "spec": {
            "holderIdentity": "swift-ipam-controller-7d9f8b6c5-x2k4q_3c1e",
            "leaseDurationSeconds": 15,
            "acquireTime": "2024-05-01T10:00:00.123456Z",
            "renewTime": "2024-05-01T10:00:12.654321Z",
            "leaseTransitions": 4
          }
        }
        """

    /// `2024-05-01T10:00:00Z`.
    static let tenOClock = Date(timeIntervalSince1970: 1_714_557_600)

    @Test func staticTypeInformation() {
        #expect(Lease.apiVersion == "coordination.k8s.io/v1")
        #expect(Lease.group == "coordination.k8s.io")
        #expect(Lease.kind == "Lease")
        #expect(Lease.plural == "leases")
        #expect(Lease.isNamespaced)
    }

    @Test func decodesMicrosecondTimes() throws {
        let lease = try decode(Lease.self, from: Self.json)
        let spec = try #require(lease.spec)
        #expect(lease.metadata.name == "swift-ipam-controller")
        #expect(lease.metadata.namespace == "kube-system")
        #expect(spec.holderIdentity == "swift-ipam-controller-7d9f8b6c5-x2k4q_3c1e")
        #expect(spec.leaseDurationSeconds == 15)
        #expect(spec.leaseTransitions == 4)
        let acquireTime = try #require(spec.acquireTime)
        let renewTime = try #require(spec.renewTime)
        #expect(abs(acquireTime.timeIntervalSince(Self.tenOClock) - 0.123456) < 1e-6)
        #expect(abs(renewTime.timeIntervalSince(Self.tenOClock) - 12.654321) < 1e-6)
        #expect(spec.strategy == nil)
        #expect(spec.preferredHolder == nil)
    }

    @Test func encodesExactlyTheModelledFieldsWithMicroseconds() throws {
        let lease = try decode(Lease.self, from: Self.json)
        let expected = """
            {"apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
             "metadata": {"name": "swift-ipam-controller", "namespace": "kube-system",
                          "uid": "0b3e5f0c-6a51-4d1e-9f5a-3f8c2d1e4b7a", "resourceVersion": "98765",
                          "creationTimestamp": "2024-05-01T09:00:00Z"},
             "spec": {"holderIdentity": "swift-ipam-controller-7d9f8b6c5-x2k4q_3c1e", "leaseDurationSeconds": 15,
                      "acquireTime": "2024-05-01T10:00:00.123456Z", "renewTime": "2024-05-01T10:00:12.654321Z",
                      "leaseTransitions": 4}}
            """
        #expect(try encodedJSON(lease) == canonicalJSON(expected))
        #expect(try decode(Lease.self, from: encodedJSON(lease)) == lease)
    }

    @Test func secondPrecisionInputIsWrittenAsMicroTime() throws {
        let spec = try decode(Lease.Spec.self, from: #"{"renewTime": "2024-05-01T10:00:00Z"}"#)
        #expect(spec.renewTime == Self.tenOClock)
        #expect(try encodedJSON(spec) == #"{"renewTime":"2024-05-01T10:00:00.000000Z"}"#)
    }

    @Test func coordinatedElectionFieldsRoundTrip() throws {
        let json = #"{"holderIdentity":"a","preferredHolder":"b","strategy":"OldestEmulationVersion"}"#
        let spec = try decode(Lease.Spec.self, from: json)
        #expect(spec == Lease.Spec(holderIdentity: "a", strategy: "OldestEmulationVersion", preferredHolder: "b"))
        #expect(try encodedJSON(spec) == json)
    }

    @Test func encodesTypeMetaAndOmitsNils() throws {
        let bare = Lease(metadata: ObjectMeta(name: "l", namespace: "n"))
        #expect(
            try encodedJSON(bare)
                == #"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"l","namespace":"n"}}"#)
        let released = Lease(metadata: ObjectMeta(name: "l"), spec: Lease.Spec())
        #expect(
            try encodedJSON(released)
                == #"{"apiVersion":"coordination.k8s.io/v1","kind":"Lease","metadata":{"name":"l"},"spec":{}}"#)
    }

    @Test func nullTimesDecodeAsNil() throws {
        let spec = try decode(Lease.Spec.self, from: #"{"holderIdentity": null, "acquireTime": null, "renewTime": null}"#)
        #expect(spec == Lease.Spec())
    }

    @Test(arguments: [
        #"{"renewTime": "2024-05-01 10:00:00Z"}"#,
        #"{"acquireTime": ""}"#,
        #"{"leaseDurationSeconds": 2147483648}"#,
        #"{"leaseTransitions": -2147483649}"#,
        #"{"leaseDurationSeconds": "15"}"#,
    ])
    func rejectsMalformedSpecs(json: String) {
        #expect(throws: DecodingError.self) { try decode(Lease.Spec.self, from: json) }
    }

    @Test func int32BoundsAreAccepted() throws {
        let json = #"{"leaseDurationSeconds":2147483647,"leaseTransitions":-2147483648}"#
        let spec = try decode(Lease.Spec.self, from: json)
        #expect(spec.leaseDurationSeconds == .max)
        #expect(spec.leaseTransitions == .min)
        #expect(try encodedJSON(spec) == json)
    }
}
