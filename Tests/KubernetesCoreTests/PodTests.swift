import KubernetesCore
import Testing

@Suite struct PodTests {
    /// A Pod as the API server returns it, trimmed but with many fields this model ignores.
    static let json = """
        {
          "apiVersion": "v1", "kind": "Pod",
          "metadata": {
            "name": "web-0", "namespace": "shop", "uid": "6f1c2a8e-3b0d-4c55-9a8e-2f1d3c4b5a69",
            "resourceVersion": "4711", "creationTimestamp": "2024-01-02T03:04:05Z",
            "annotations": {"ipam.swift-ipam.io/pool": "blue"}
          },
          "spec": {
            "nodeName": "node-a",
            "containers": [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]}],
            "restartPolicy": "Always", "serviceAccountName": "default"
          },
          "status": {
            "phase": "Running", "podIP": "10.244.1.7",
            "podIPs": [{"ip": "10.244.1.7"}, {"ip": "fd00:244::7"}],
            "conditions": [{"type": "Ready", "status": "True", "lastTransitionTime": "2024-01-02T03:04:09Z"}],
            "qosClass": "BestEffort", "startTime": "2024-01-02T03:04:05Z"
          }
        }
        """

    @Test func staticTypeInformation() {
        #expect(Pod.apiVersion == "v1")
        #expect(Pod.group == "")
        #expect(Pod.kind == "Pod")
        #expect(Pod.plural == "pods")
        #expect(Pod.isNamespaced)
    }

    @Test func decodesTheModelledSubsetAndIgnoresTheRest() throws {
        let pod = try decode(Pod.self, from: Self.json)
        #expect(pod.metadata.name == "web-0")
        #expect(pod.metadata.annotations?["ipam.swift-ipam.io/pool"] == "blue")
        #expect(pod.spec == Pod.Spec(nodeName: "node-a", containers: [Pod.Container(name: "web", image: "nginx:1.27")]))
        #expect(pod.status?.phase == .running)
        #expect(pod.status?.podIPs == [Pod.PodIP(ip: "10.244.1.7"), Pod.PodIP(ip: "fd00:244::7")])
    }

    @Test func encodesTypeMetaAndOmitsNils() throws {
        let pod = Pod(metadata: ObjectMeta(name: "p", namespace: "n"))
        #expect(try encodedJSON(pod) == #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n"}}"#)
        let pending = Pod(metadata: ObjectMeta(name: "p"), spec: Pod.Spec(), status: Pod.Status(phase: .pending))
        #expect(
            try encodedJSON(pending)
                == #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{},"status":{"phase":"Pending"}}"#)
    }

    @Test func roundTrips() throws {
        let pod = try decode(Pod.self, from: Self.json)
        #expect(try decode(Pod.self, from: encodedJSON(pod)) == pod)
    }

    @Test(arguments: ["Pending", "Running", "Succeeded", "Failed", "Unknown", "SomethingNew"])
    func phasesAreAnOpenSet(phase: String) throws {
        let status = try decode(Pod.Status.self, from: #"{"phase": "\#(phase)"}"#)
        #expect(status.phase == Pod.Phase(rawValue: phase))
        #expect(try encodedJSON(status) == #"{"phase":"\#(phase)"}"#)
    }
}
