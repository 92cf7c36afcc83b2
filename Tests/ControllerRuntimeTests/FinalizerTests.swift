import KubernetesClient
import KubernetesClientTestKit
import KubernetesCore
import Testing

@testable import ControllerRuntime

/// ``Finalizer`` against the in-process API stand-in, over HTTP, with Leases as the objects.
@Suite("Finalizer", .timeLimit(.minutes(1)))
struct FinalizerTests {
    static let ours = "ipam.example.com/release"
    static let other = "other.example.com/keep"
    let namespace = "ipam-system"
    let name = "claim"

    /// Records the events the body was given; cleanup throws `cleanupError` when set.
    final class Journal {
        var events: [String] = []
        var cleanupError: (any Error)?

        func body(_ event: FinalizerEvent<Lease>) throws -> String {
            switch event {
            case .apply(let lease):
                events.append("apply")
                return "applied \(lease.metadata.name ?? "")"
            case .cleanup(let lease):
                events.append("cleanup")
                if let cleanupError { throw cleanupError }
                return "cleaned \(lease.metadata.name ?? "")"
            }
        }
    }

    struct CleanupRefused: Error {}

    func withClient(
        _ body: (FakeAPIServer, ResourceClient<Lease>) async throws -> Void
    ) async throws {
        try await FakeAPIServer.withRunning { server in
            try await KubernetesClient.withClient(
                configuration: ClientConfiguration(server: server.baseURL),
                options: .init(qps: nil, retry: .none, requestTimeout: .seconds(10))
            ) { client in
                try await body(server, client.resource(Lease.self, namespace: namespace))
            }
        }
    }

    func create(_ leases: ResourceClient<Lease>, finalizers: [String]? = nil) async throws -> Lease {
        try await leases.create(Lease(metadata: ObjectMeta(name: name, namespace: namespace, finalizers: finalizers)))
    }

    func stored(_ server: FakeAPIServer) async throws -> Lease? {
        try await server.object(Lease.self, namespace: namespace, name: name)
    }

    func reconcile(
        _ lease: Lease, _ leases: ResourceClient<Lease>, _ journal: Journal
    ) async throws(FinalizerError) -> FinalizerOutcome<String> {
        try await Finalizer.reconcile(lease, finalizer: Self.ours, client: leases) { try journal.body($0) }
    }

    /// The HTTP methods the server saw since the last `clearRequestLog()`.
    func verbs(_ server: FakeAPIServer) -> [String] {
        server.requests.map(\.method)
    }

    @Test("first reconcile adds the finalizer with one patch and does not run apply")
    func addsFinalizer() async throws {
        try await withClient { server, leases in
            let created = try await create(leases)
            let journal = Journal()
            server.clearRequestLog()
            #expect(try await reconcile(created, leases, journal) == .finalizerAdded)
            #expect(journal.events.isEmpty)
            #expect(verbs(server) == ["PATCH"])
            #expect(server.requests.first?.contentType == "application/merge-patch+json")
            #expect(try await stored(server)?.metadata.finalizers == [Self.ours])
        }
    }

    @Test("afterAdding: .apply adds the finalizer and applies the patched object in the same call")
    func addsThenApplies() async throws {
        try await withClient { server, leases in
            let created = try await create(leases)
            server.clearRequestLog()
            var applied: Lease?
            let outcome = try await Finalizer.reconcile(created, finalizer: Self.ours, client: leases, afterAdding: .apply) {
                event -> String in
                guard case .apply(let lease) = event else { return "cleanup" }
                applied = lease
                return "applied"
            }
            #expect(outcome == .applied("applied"))
            #expect(verbs(server) == ["PATCH"])
            #expect(applied?.metadata.finalizers == [Self.ours], "apply sees the finalizer")
            let stored = try await stored(server)
            #expect(applied?.metadata.resourceVersion == stored?.metadata.resourceVersion, "and the new resourceVersion")
            #expect(applied?.metadata.resourceVersion != created.metadata.resourceVersion)
        }
    }

    @Test("with the finalizer present, apply runs and its result is returned; nothing is written")
    func appliesWhenPresent() async throws {
        try await withClient { server, leases in
            let created = try await create(leases, finalizers: [Self.ours])
            let journal = Journal()
            server.clearRequestLog()
            #expect(try await reconcile(created, leases, journal) == .applied("applied claim"))
            #expect(journal.events == ["apply"])
            #expect(verbs(server).isEmpty)
        }
    }

    @Test("the flow: add, apply, delete, cleanup, finalizer removed and object gone")
    func fullLifecycle() async throws {
        try await withClient { server, leases in
            let journal = Journal()
            #expect(try await reconcile(try await create(leases), leases, journal) == .finalizerAdded)
            #expect(try await reconcile(try await leases.get(name), leases, journal) == .applied("applied claim"))

            let deleting = try #require(try await leases.delete(name))
            #expect(deleting.metadata.deletionTimestamp != nil)
            #expect(try await reconcile(deleting, leases, journal) == .finalized("cleaned claim"))
            #expect(journal.events == ["apply", "cleanup"])
            #expect(try await stored(server) == nil)
        }
    }

    @Test("cleanup that throws keeps the finalizer and the object; a later reconcile finishes")
    func cleanupFailureKeepsFinalizer() async throws {
        try await withClient { server, leases in
            _ = try await create(leases, finalizers: [Self.ours])
            let deleting = try #require(try await leases.delete(name))
            let journal = Journal()
            journal.cleanupError = CleanupRefused()
            server.clearRequestLog()
            do throws(FinalizerError) {
                _ = try await reconcile(deleting, leases, journal)
                Issue.record("expected cleanupFailed")
            } catch {
                guard case .cleanupFailed(let underlying) = error else {
                    Issue.record("expected cleanupFailed, got \(error)")
                    return
                }
                #expect(underlying is CleanupRefused)
            }
            #expect(verbs(server).isEmpty)
            let kept = try #require(try await stored(server))
            #expect(kept.metadata.finalizers == [Self.ours])
            #expect(kept.metadata.deletionTimestamp != nil)

            journal.cleanupError = nil
            #expect(try await reconcile(kept, leases, journal) == .finalized("cleaned claim"))
            #expect(journal.events == ["cleanup", "cleanup"])
            #expect(try await stored(server) == nil)
        }
    }

    @Test("other finalizers survive adding and removing ours; the object waits for them")
    func otherFinalizersSurvive() async throws {
        try await withClient { server, leases in
            let journal = Journal()
            let created = try await create(leases, finalizers: [Self.other])
            #expect(try await reconcile(created, leases, journal) == .finalizerAdded)
            #expect(try await stored(server)?.metadata.finalizers == [Self.other, Self.ours])

            let deleting = try #require(try await leases.delete(name))
            #expect(try await reconcile(deleting, leases, journal) == .finalized("cleaned claim"))
            let remaining = try #require(try await stored(server))
            #expect(remaining.metadata.finalizers == [Self.other])
            #expect(remaining.metadata.deletionTimestamp != nil)
        }
    }

    @Test("adding from a stale object is a conflict and clobbers nothing")
    func staleAddConflicts() async throws {
        try await withClient { server, leases in
            let stale = try await create(leases)
            // Another controller adds its finalizer after our read.
            let body = try JSONBody(encoding: ["metadata": ["finalizers": [Self.other]]])
            _ = try await leases.patch(name, .merge(body))
            let journal = Journal()
            do throws(FinalizerError) {
                _ = try await reconcile(stale, leases, journal)
                Issue.record("expected addFailed")
            } catch {
                guard case .addFailed(let api) = error else {
                    Issue.record("expected addFailed, got \(error)")
                    return
                }
                #expect(api.isConflict)
                #expect(error.kubernetesError?.isConflict == true)
            }
            #expect(journal.events.isEmpty)
            #expect(try await stored(server)?.metadata.finalizers == [Self.other])

            // The next reconcile, of the fresh object, succeeds.
            #expect(try await reconcile(try await leases.get(name), leases, journal) == .finalizerAdded)
            #expect(try await stored(server)?.metadata.finalizers == [Self.other, Self.ours])
        }
    }

    @Test("removing from a stale object is a conflict after cleanup; both finalizers stay")
    func staleRemoveConflicts() async throws {
        try await withClient { server, leases in
            _ = try await create(leases, finalizers: [Self.ours, Self.other])
            let stale = try #require(try await leases.delete(name))
            let body = try JSONBody(encoding: ["metadata": ["labels": ["touched": "yes"]]])
            _ = try await leases.patch(name, .merge(body))
            let journal = Journal()
            do throws(FinalizerError) {
                _ = try await reconcile(stale, leases, journal)
                Issue.record("expected removeFailed")
            } catch {
                #expect(error.kubernetesError?.isConflict == true, "\(error)")
                guard case .removeFailed = error else {
                    Issue.record("expected removeFailed, got \(error)")
                    return
                }
            }
            #expect(journal.events == ["cleanup"])
            #expect(try await stored(server)?.metadata.finalizers == [Self.ours, Self.other])
        }
    }

    @Test("a 404 when removing means the object is already gone: success")
    func removalOfGoneObjectSucceeds() async throws {
        try await withClient { server, leases in
            _ = try await create(leases, finalizers: [Self.ours])
            let stale = try #require(try await leases.delete(name))
            // Someone else strips the finalizers; the deletion completes.
            let body = try JSONBody(encoding: ["metadata": ["finalizers": [String]()]])
            _ = try await leases.patch(name, .merge(body))
            #expect(try await stored(server) == nil)

            let journal = Journal()
            #expect(try await reconcile(stale, leases, journal) == .finalized("cleaned claim"))
            #expect(journal.events == ["cleanup"])
        }
    }

    @Test("an object being deleted without our finalizer is left alone")
    func deletingWithoutOurFinalizer() async throws {
        try await withClient { server, leases in
            _ = try await create(leases, finalizers: [Self.other])
            let deleting = try #require(try await leases.delete(name))
            let journal = Journal()
            server.clearRequestLog()
            #expect(try await reconcile(deleting, leases, journal) == .alreadyFinalized)
            #expect(journal.events.isEmpty)
            #expect(verbs(server).isEmpty)
            #expect(try await stored(server)?.metadata.finalizers == [Self.other])
        }
    }

    @Test("an object without resourceVersion is refused before anything is sent")
    func incompleteObject() async throws {
        try await withClient { server, leases in
            let handBuilt = Lease(metadata: ObjectMeta(name: name, namespace: namespace))
            server.clearRequestLog()
            do throws(FinalizerError) {
                _ = try await reconcile(handBuilt, leases, Journal())
                Issue.record("expected incompleteObject")
            } catch {
                guard case .incompleteObject(let field) = error else {
                    Issue.record("expected incompleteObject, got \(error)")
                    return
                }
                #expect(field == "resourceVersion")
            }
            #expect(verbs(server).isEmpty)
        }
    }

    @Test("apply errors are wrapped as applyFailed")
    func applyFailure() async throws {
        try await withClient { _, leases in
            let created = try await create(leases, finalizers: [Self.ours])
            do throws(FinalizerError) {
                _ = try await Finalizer.reconcile(created, finalizer: Self.ours, client: leases) { (_) throws -> Int in
                    throw CleanupRefused()
                }
                Issue.record("expected applyFailed")
            } catch {
                guard case .applyFailed(let underlying) = error else {
                    Issue.record("expected applyFailed, got \(error)")
                    return
                }
                #expect(underlying is CleanupRefused)
            }
        }
    }
}
