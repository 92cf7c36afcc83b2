import KubernetesCore
import Testing

@Suite struct OwnerReferenceTests {
    let pod = Pod(metadata: ObjectMeta(name: "web-0", namespace: "shop", uid: "uid-1"))

    @Test func controllerReferenceOfAResource() throws {
        let reference = try #require(OwnerReference(controllerOf: pod))
        #expect(
            reference
                == OwnerReference(
                    apiVersion: "v1", kind: "Pod", name: "web-0", uid: "uid-1", controller: true,
                    blockOwnerDeletion: true))
        #expect(OwnerReference(controllerOf: pod, blockOwnerDeletion: false)?.blockOwnerDeletion == false)
    }

    @Test func noReferenceToAnOwnerNotYetPersisted() {
        #expect(OwnerReference(controllerOf: Pod(metadata: ObjectMeta(name: "web-0"))) == nil)
        #expect(OwnerReference(controllerOf: Pod(metadata: ObjectMeta(uid: "uid-1"))) == nil)
    }

    @Test(arguments: [
        (OwnerReference(apiVersion: "v1", kind: "Pod", name: "web-0", uid: "uid-1"), true),
        (OwnerReference(apiVersion: "v2", kind: "Pod", name: "web-0", uid: "uid-1"), true),
        (OwnerReference(apiVersion: "v1", kind: "Pod", name: "web-0", uid: "uid-2"), false),
        (OwnerReference(apiVersion: "v1", kind: "Pod", name: "web-1", uid: "uid-1"), false),
        (OwnerReference(apiVersion: "v1", kind: "Namespace", name: "web-0", uid: "uid-1"), false),
        (OwnerReference(apiVersion: "example.com/v1", kind: "Pod", name: "web-0", uid: "uid-1"), false),
    ])
    func refersToComparesGroupKindNameAndUID(reference: OwnerReference, expected: Bool) {
        #expect(reference.refers(to: pod) == expected)
    }

    @Test func omitsNilFlags() throws {
        let reference = OwnerReference(apiVersion: "v1", kind: "Pod", name: "p", uid: "u")
        #expect(try encodedJSON(reference) == #"{"apiVersion":"v1","kind":"Pod","name":"p","uid":"u"}"#)
    }
}
