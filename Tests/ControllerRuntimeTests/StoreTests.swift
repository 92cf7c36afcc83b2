import KubernetesCore
import Testing

@testable import ControllerRuntime

/// ``Store``: applying watcher events, the changes reported, indexes and the synced signal.
@Suite("Store")
struct StoreTests {
    let byPool = StoreIndex<TestClaim>(name: "spec.pool") { [$0.spec.pool] }

    func claim(_ name: String, pool: String = "blue", version: Int, namespace: String = "default") -> TestClaim {
        TestClaim(namespace: namespace, name: name, pool: pool).stored(version: version)
    }

    func describe(_ changes: [StoreChange<TestClaim>]) -> [String] {
        changes.map { change in
            switch change {
            case .added(let object): "added \(ObjectKey(object))@\(object.metadata.resourceVersion ?? "")"
            case .updated(let old, let new):
                "updated \(ObjectKey(new))@\(old.metadata.resourceVersion ?? "")→\(new.metadata.resourceVersion ?? "")"
            case .deleted(let object): "deleted \(ObjectKey(object))@\(object.metadata.resourceVersion ?? "")"
            }
        }.sorted()
    }

    @Test("the first listing fills the store and marks it synced")
    func initialListing() async {
        let store = Store<TestClaim>(indexes: [byPool])
        #expect(!store.hasSynced)
        let changes = store.apply(.relisted([claim("a", version: 1), claim("b", pool: "red", version: 2)]))
        #expect(describe(changes) == ["added default/a@1", "added default/b@2"])
        #expect(store.hasSynced)
        #expect(await store.waitUntilSynced())
        #expect(store.count == 2)
        #expect(store.get(namespace: "default", name: "a")?.spec.pool == "blue")
        #expect(store.objects(in: "spec.pool", value: "red").map(\.metadata.name) == ["b"])
    }

    @Test("a relisting reports exactly the differences: changed, new and vanished objects")
    func relistDiff() {
        let store = Store<TestClaim>(indexes: [byPool])
        _ = store.apply(.relisted([claim("a", version: 1), claim("b", version: 2), claim("c", version: 3)]))
        let changes = store.apply(.relisted([claim("a", version: 1), claim("b", pool: "red", version: 7), claim("d", version: 8)]))
        #expect(describe(changes) == ["added default/d@8", "deleted default/c@3", "updated default/b@2→7"])
        #expect(Set(store.keys().map(\.description)) == ["default/a", "default/b", "default/d"])
        #expect(store.objects(in: "spec.pool", value: "blue").compactMap(\.metadata.name).sorted() == ["a", "d"])
        #expect(store.keys(in: "spec.pool", value: "red") == [ObjectKey(namespace: "default", name: "b")])
    }

    @Test("repeated events change nothing and report nothing")
    func idempotent() {
        let store = Store<TestClaim>()
        _ = store.apply(.relisted([]))
        #expect(describe(store.apply(.applied(claim("a", version: 1)))) == ["added default/a@1"])
        #expect(store.apply(.applied(claim("a", version: 1))).isEmpty)
        #expect(describe(store.apply(.deleted(claim("a", version: 2)))) == ["deleted default/a@2"])
        #expect(store.apply(.deleted(claim("a", version: 2))).isEmpty)
        #expect(store.count == 0)
    }

    @Test("a re-created object (same name, new uid) is an update even at an equal resourceVersion")
    func recreated() {
        let store = Store<TestClaim>()
        _ = store.apply(.relisted([TestClaim(name: "a", pool: "blue").stored(version: 5, uid: "one")]))
        let changes = store.apply(.applied(TestClaim(name: "a", pool: "blue").stored(version: 5, uid: "two")))
        #expect(changes.count == 1)
        #expect(store.get(namespace: "default", name: "a")?.metadata.uid == "two")
    }

    @Test("indexes follow updates and deletions; built-in namespace, label and owner indexes")
    func indexes() {
        var owned = claim("a", version: 1, namespace: "team-a")
        owned.metadata.labels = ["tier": "web"]
        owned.metadata.ownerReferences = [
            OwnerReference(apiVersion: "v1", kind: "Pod", name: "a", uid: "pod-uid")
        ]
        let store = Store<TestClaim>(indexes: [byPool, .namespace, .label("tier"), .ownerUID, byPool])
        _ = store.apply(.relisted([owned, claim("b", version: 2)]))
        #expect(store.keys(in: "metadata.namespace", value: "team-a") == [ObjectKey(namespace: "team-a", name: "a")])
        #expect(store.keys(in: "label:tier", value: "web").count == 1)
        #expect(store.keys(in: "metadata.ownerReferences.uid", value: "pod-uid").count == 1)
        #expect(store.keys(in: "spec.pool", value: "blue").count == 2)

        var moved = owned
        moved.spec.pool = "red"
        moved.metadata.resourceVersion = "3"
        moved.metadata.labels = nil
        _ = store.apply(.applied(moved))
        #expect(store.keys(in: "spec.pool", value: "blue").count == 1)
        #expect(store.keys(in: "spec.pool", value: "red").count == 1)
        #expect(store.keys(in: "label:tier", value: "web").isEmpty)

        _ = store.apply(.deleted(moved))
        #expect(store.keys(in: "spec.pool", value: "red").isEmpty)
        #expect(store.keys(in: "metadata.ownerReferences.uid", value: "pod-uid").isEmpty)
        #expect(store.objects(in: "no-such-index", value: "x").isEmpty)
    }

    @Test("waitUntilSynced returns false when cancelled before the first listing")
    func cancelledWait() async {
        let store = Store<TestClaim>()
        let result = await withTaskGroup(of: Bool.self) { group in
            group.addTask { await store.waitUntilSynced() }
            group.cancelAll()
            return await group.next() ?? true
        }
        #expect(result == false)
        #expect(!store.hasSynced)
    }
}
