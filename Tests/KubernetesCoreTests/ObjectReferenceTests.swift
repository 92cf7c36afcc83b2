import KubernetesCore
import Testing

@Suite struct ObjectReferenceTests {
    @Test func referenceToANamespacedCoreObject() {
        let pod = Pod(
            metadata: ObjectMeta(name: "web-0", namespace: "shop", uid: "uid-1", resourceVersion: "4711"))
        #expect(
            ObjectReference(pod)
                == ObjectReference(
                    apiVersion: "v1", kind: "Pod", namespace: "shop", name: "web-0", uid: "uid-1",
                    resourceVersion: "4711"))
        #expect(ObjectReference(pod, fieldPath: "spec.containers{web}").fieldPath == "spec.containers{web}")
    }

    @Test func referenceToAClusterScopedObjectOfAGroup() {
        let pool = TestIPPool(metadata: ObjectMeta(name: "blue", uid: "uid-2"))
        #expect(
            ObjectReference(pool)
                == ObjectReference(apiVersion: "ipam.swift-ipam.io/v1alpha1", kind: "IPPool", name: "blue", uid: "uid-2"))
    }

    @Test func referenceToAnUnsavedObjectHasOnlyItsType() {
        #expect(ObjectReference(Namespace(metadata: ObjectMeta())) == ObjectReference(apiVersion: "v1", kind: "Namespace"))
    }

    @Test func codesKubernetesFieldNamesAndOmitsNils() throws {
        let json = """
            {"apiVersion":"coordination.k8s.io/v1","fieldPath":"spec.holderIdentity","kind":"Lease",\
            "name":"l","namespace":"kube-system","resourceVersion":"7","uid":"u"}
            """
        let reference = try decode(ObjectReference.self, from: json)
        #expect(
            reference
                == ObjectReference(
                    apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace: "kube-system", name: "l", uid: "u",
                    resourceVersion: "7", fieldPath: "spec.holderIdentity"))
        #expect(try encodedJSON(reference) == json)
        #expect(try encodedJSON(ObjectReference(kind: "Pod")) == #"{"kind":"Pod"}"#)
        #expect(try decode(ObjectReference.self, from: #"{"kind": "Pod", "unknown": 1}"#) == ObjectReference(kind: "Pod"))
    }
}
