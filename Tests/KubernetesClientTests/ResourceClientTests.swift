import Foundation
import KubernetesClientTestKit
import KubernetesCore
import Testing

@testable import KubernetesClient

/// Every typed call over real HTTP against the stand-in.
@Suite("ResourceClient against the stand-in")
struct ResourceClientTests {
    @Test("create, get, update with optimistic concurrency, status subresource")
    func crud() async throws {
        try await withStandIn { _, client in
            let widgets = client.resource(Widget.self)
            let created = try await widgets.create(Widget(name: "w1", size: 1))
            #expect(created.metadata.uid != nil)
            #expect(created.metadata.generation == 1)

            var changed = created
            changed.spec.size = 2
            let updated = try await widgets.update(changed)
            #expect(updated.metadata.generation == 2)

            // The stale copy loses: 409 Conflict, not AlreadyExists.
            do {
                _ = try await widgets.update(created)
                Issue.record("a stale update must fail")
            } catch let error as KubernetesError {
                #expect(error.isConflict)
                #expect(!error.isAlreadyExists)
            }
            // A second create of the name: AlreadyExists.
            do {
                _ = try await widgets.create(Widget(name: "w1", size: 9))
                Issue.record("a duplicate create must fail")
            } catch let error as KubernetesError {
                #expect(error.isAlreadyExists)
            }

            var withStatus = updated
            withStatus.status = Widget.Status(phase: "Ready")
            let statusWritten = try await widgets.updateStatus(withStatus)
            #expect(statusWritten.status?.phase == "Ready")
            #expect(statusWritten.metadata.generation == 2, "status writes do not bump generation")

            // PUT of the object ignores status changes.
            var sneaky = statusWritten
            sneaky.status = Widget.Status(phase: "Hacked")
            sneaky.spec.color = "red"
            let afterPut = try await widgets.update(sneaky)
            #expect(afterPut.status?.phase == "Ready")
            #expect(afterPut.spec.color == "red")

            #expect(try await widgets.get("w1").spec.color == "red")
            do {
                _ = try await widgets.get("missing")
                Issue.record("expected 404")
            } catch let error as KubernetesError {
                #expect(error.isNotFound)
            }
        }
    }

    @Test("namespaced objects: create in a namespace, list across namespaces")
    func namespaced() async throws {
        try await withStandIn { _, client in
            _ = try await client.resource(Gadget.self, namespace: "a").create(Gadget(namespace: "a", name: "g", size: 1))
            _ = try await client.resource(Gadget.self, namespace: "b").create(Gadget(namespace: "b", name: "g", size: 2))
            let inA = try await client.resource(Gadget.self, namespace: "a").list()
            #expect(inA.items.map(\.spec.size) == [1])
            let all = try await client.resource(Gadget.self).list()
            #expect(all.items.count == 2)
            #expect(try await client.resource(Gadget.self, namespace: "b").get("g").spec.size == 2)
        }
    }

    @Test("label and field selectors; listAll pages through everything")
    func listing() async throws {
        try await withStandIn { _, client in
            let widgets = client.resource(Widget.self)
            for index in 0..<7 {
                var widget = Widget(name: "w\(index)", size: index, labels: ["parity": index % 2 == 0 ? "even" : "odd"])
                widget.spec.color = index < 3 ? "red" : "blue"
                _ = try await widgets.create(widget)
            }
            let even = try await widgets.list(ListOptions(labelSelector: "parity=even"))
            #expect(even.items.map(\.metadata.name) == ["w0", "w2", "w4", "w6"])
            let red = try await widgets.list(ListOptions(fieldSelector: "spec.color=red"))
            #expect(red.items.count == 3)
            let page = try await widgets.list(ListOptions(limit: 3))
            #expect(page.items.count == 3)
            #expect(page.metadata.continue != nil)
            let (all, version) = try await widgets.listAll(pageSize: 2)
            #expect(all.map(\.metadata.name) == (0..<7).map { "w\($0)" })
            #expect(!version.isEmpty)
        }
    }

    @Test("merge patch, server-side apply, status patch")
    func patches() async throws {
        try await withStandIn { _, client in
            let widgets = client.resource(Widget.self)
            _ = try await widgets.create(Widget(name: "p", size: 1))
            let merged = try await widgets.patch("p", .merge(JSONBody(data: Data(#"{"spec":{"color":"green"}}"#.utf8))))
            #expect(merged.spec.color == "green")
            #expect(merged.spec.size == 1)
            let statusPatched = try await widgets.patch(
                "p", .merge(JSONBody(data: Data(#"{"status":{"phase":"Bound"}}"#.utf8))), status: true)
            #expect(statusPatched.status?.phase == "Bound")

            var applied = Widget(name: "q", size: 5)
            applied.spec.color = "black"
            let created = try await widgets.apply(applied, fieldManager: "tests")
            #expect(created.spec.size == 5)
            applied.spec.size = 6
            #expect(try await widgets.apply(applied, fieldManager: "tests").spec.size == 6)
        }
    }

    @Test("delete: preconditions, finalizers hold the object, then it goes")
    func deletion() async throws {
        try await withStandIn { _, client in
            let widgets = client.resource(Widget.self)
            var widget = Widget(name: "d", size: 1)
            widget.metadata.finalizers = ["test.swift-ipam.io/hold"]
            let created = try await widgets.create(widget)

            do {
                try await widgets.delete("d", options: DeleteOptions(preconditions: .init(uid: "not-the-uid")))
                Issue.record("a mismatched precondition must fail")
            } catch let error as KubernetesError {
                #expect(error.isConflict)
            }
            let held = try await widgets.delete(
                "d", options: DeleteOptions(preconditions: .init(uid: created.metadata.uid)))
            #expect(held?.metadata.deletionTimestamp != nil)

            var release = try #require(held)
            release.metadata.finalizers = []
            _ = try await widgets.update(release)
            do {
                _ = try await widgets.get("d")
                Issue.record("the object must be gone once its last finalizer is removed")
            } catch let error as KubernetesError {
                #expect(error.isNotFound)
            }
            do {
                try await widgets.delete("never-existed")
                Issue.record("deleting a missing object is a 404")
            } catch let error as KubernetesError {
                #expect(error.isNotFound)
            }
            // Without finalizers the object goes at once and the server answers with a Status.
            _ = try await widgets.create(Widget(name: "plain", size: 1))
            #expect(try await widgets.delete("plain") == nil)
        }
    }
}
