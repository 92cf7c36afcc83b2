import Foundation
import KubernetesCore
import Testing

@Suite struct ObjectMetaTests {
    /// Metadata of a Pod as `kubectl get pod -o json` prints it, including fields not modelled.
    static let podMetadataJSON = """
        {
          "name": "web-0",
          "generateName": "web-",
          "namespace": "shop",
          "uid": "6f1c2a8e-3b0d-4c55-9a8e-2f1d3c4b5a69",
          "resourceVersion": "123456",
          "generation": 3,
          "creationTimestamp": "2024-01-02T03:04:05Z",
          "deletionTimestamp": "2024-01-02T04:00:00Z",
          "deletionGracePeriodSeconds": 30,
          "labels": {"app": "web", "statefulset.kubernetes.io/pod-name": "web-0"},
          "annotations": {"ipam.swift-ipam.io/pool": "blue"},
          "ownerReferences": [{
            "apiVersion": "apps/v1", "kind": "StatefulSet", "name": "web",
            "uid": "0b9d8f2e-1111-4c55-9a8e-2f1d3c4b5a69", "controller": true, "blockOwnerDeletion": true
          }],
          "finalizers": ["ipam.swift-ipam.io/release"],
          "managedFields": [{
            "manager": "kube-controller-manager", "operation": "Update", "apiVersion": "v1",
            "time": "2024-01-02T03:04:05Z", "fieldsType": "FieldsV1", "fieldsV1": {"f:metadata": {}}
          }]
        }
        """

    @Test func decodesKubernetesJSON() throws {
        let meta = try decode(ObjectMeta.self, from: Self.podMetadataJSON)
        #expect(meta.name == "web-0")
        #expect(meta.generateName == "web-")
        #expect(meta.namespace == "shop")
        #expect(meta.uid == "6f1c2a8e-3b0d-4c55-9a8e-2f1d3c4b5a69")
        #expect(meta.resourceVersion == "123456")
        #expect(meta.generation == 3)
        #expect(meta.creationTimestamp == Date(timeIntervalSince1970: 1_704_164_645))
        #expect(meta.deletionTimestamp == Date(timeIntervalSince1970: 1_704_168_000))
        #expect(meta.labels == ["app": "web", "statefulset.kubernetes.io/pod-name": "web-0"])
        #expect(meta.annotations == ["ipam.swift-ipam.io/pool": "blue"])
        #expect(meta.finalizers == ["ipam.swift-ipam.io/release"])
        #expect(
            meta.ownerReferences == [
                OwnerReference(
                    apiVersion: "apps/v1", kind: "StatefulSet", name: "web",
                    uid: "0b9d8f2e-1111-4c55-9a8e-2f1d3c4b5a69", controller: true, blockOwnerDeletion: true)
            ])
    }

    @Test func encodesModelledFieldsWithKubernetesNames() throws {
        let meta = try decode(ObjectMeta.self, from: Self.podMetadataJSON)
        let expected = """
            {"annotations":{"ipam.swift-ipam.io/pool":"blue"},"creationTimestamp":"2024-01-02T03:04:05Z",\
            "deletionTimestamp":"2024-01-02T04:00:00Z","finalizers":["ipam.swift-ipam.io/release"],\
            "generateName":"web-","generation":3,"labels":{"app":"web","statefulset.kubernetes.io/pod-name":"web-0"},\
            "name":"web-0","namespace":"shop","ownerReferences":[{"apiVersion":"apps/v1","blockOwnerDeletion":true,\
            "controller":true,"kind":"StatefulSet","name":"web","uid":"0b9d8f2e-1111-4c55-9a8e-2f1d3c4b5a69"}],\
            "resourceVersion":"123456","uid":"6f1c2a8e-3b0d-4c55-9a8e-2f1d3c4b5a69"}
            """
        #expect(try encodedJSON(meta) == expected)
        #expect(try decode(ObjectMeta.self, from: encodedJSON(meta)) == meta)
    }

    @Test(arguments: [
        (ObjectMeta(), "{}"),
        (ObjectMeta(name: "blue"), #"{"name":"blue"}"#),
        (ObjectMeta(generateName: "web-", namespace: "shop"), #"{"generateName":"web-","namespace":"shop"}"#),
        (ObjectMeta(name: "a", labels: [:], finalizers: []), #"{"finalizers":[],"labels":{},"name":"a"}"#),
    ])
    func omitsNilFields(meta: ObjectMeta, json: String) throws {
        #expect(try encodedJSON(meta) == json)
    }

    @Test func nullTimestampDecodesAsNil() throws {
        // What `kubectl create --dry-run=client -o json` prints for a new object.
        let meta = try decode(ObjectMeta.self, from: #"{"name": "x", "creationTimestamp": null}"#)
        #expect(meta.creationTimestamp == nil)
    }

    @Test func acceptsFractionalAndOffsetTimestamps() throws {
        let meta = try decode(
            ObjectMeta.self,
            from:
                #"{"creationTimestamp": "2024-01-02T03:04:05.750Z", "deletionTimestamp": "2024-01-02T05:04:05+02:00"}"#)
        #expect(meta.creationTimestamp == Date(timeIntervalSince1970: 1_704_164_645.75))
        #expect(meta.deletionTimestamp == Date(timeIntervalSince1970: 1_704_164_645))
    }

    @Test(arguments: [#""yesterday""#, #""""#, "1704164645", #""2024-01-02T03:04:05""#])
    func rejectsMalformedTimestamps(value: String) {
        #expect(throws: DecodingError.self) {
            try decode(ObjectMeta.self, from: #"{"creationTimestamp": \#(value)}"#)
        }
    }

    @Test func ignoresTheDecodersDateStrategy() throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .secondsSince1970
        let meta = try decoder.decode(
            ObjectMeta.self, from: Data(#"{"creationTimestamp":"1970-01-01T00:01:00Z"}"#.utf8))
        #expect(meta.creationTimestamp == Date(timeIntervalSince1970: 60))
    }

    @Test func controllerReferenceIsTheOneMarkedController() {
        let owner = OwnerReference(apiVersion: "v1", kind: "Pod", name: "web-0", uid: "u2", controller: true)
        var meta = ObjectMeta(ownerReferences: [
            OwnerReference(apiVersion: "v1", kind: "ConfigMap", name: "c", uid: "u1"),
            OwnerReference(apiVersion: "v1", kind: "Secret", name: "s", uid: "u3", controller: false),
            owner,
        ])
        #expect(meta.controllerReference == owner)
        meta.ownerReferences?.removeLast()
        #expect(meta.controllerReference == nil)
        #expect(ObjectMeta().controllerReference == nil)
    }
}
