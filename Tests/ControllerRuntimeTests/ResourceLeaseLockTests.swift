import Foundation
import KubernetesClient
import KubernetesClientTestKit
import KubernetesCore
import MetricsTestKit
import Testing

@testable import ControllerRuntime

/// ``ResourceLeaseLock`` and two electors against the in-process API stand-in, over HTTP.
@Suite("ResourceLeaseLock", .timeLimit(.minutes(1)))
struct ResourceLeaseLockTests {
    func withClient(_ body: (FakeAPIServer, KubernetesClient) async throws -> Void) async throws {
        try await FakeAPIServer.withRunning { server in
            try await KubernetesClient.withClient(
                configuration: ClientConfiguration(server: server.baseURL),
                options: .init(qps: nil, retry: .none, requestTimeout: .seconds(10))
            ) { client in
                try await body(server, client)
            }
        }
    }

    @Test("get, create and compare-and-swap update follow the API server's rules")
    func contract() async throws {
        try await withClient { server, client in
            let lock = ResourceLeaseLock(client: client, namespace: "ipam-system", name: "ipam-controller")
            #expect(try await lock.get() == nil)

            let spec = Lease.Spec(holderIdentity: "a", leaseDurationSeconds: 15, leaseTransitions: 0)
            let created = try await lock.create(spec)
            #expect(created.metadata.name == "ipam-controller")
            #expect(created.metadata.namespace == "ipam-system")
            #expect(created.spec?.holderIdentity == "a")
            let version = try #require(created.metadata.resourceVersion)

            await #expect { _ = try await lock.create(spec) } throws: {
                ($0 as? KubernetesError)?.isAlreadyExists == true
            }

            var renewed = created
            renewed.spec?.renewTime = Date(timeIntervalSince1970: 1_700_000_000.5)
            let stored = try await lock.update(renewed)
            #expect(stored.metadata.resourceVersion != version)
            #expect(stored.spec?.renewTime == Date(timeIntervalSince1970: 1_700_000_000.5))

            // A second write from the version read before: the lost race of leader election.
            await #expect { _ = try await lock.update(renewed) } throws: {
                ($0 as? KubernetesError)?.isConflict == true
            }

            let onServer = try await server.object(Lease.self, namespace: "ipam-system", name: "ipam-controller")
            #expect(onServer?.spec == stored.spec)
            #expect(try await lock.get()?.metadata.resourceVersion == stored.metadata.resourceVersion)
        }
    }

    @Test("two electors on the stand-in: one leads, and after it releases the other takes over at its next retry")
    func twoElectors() async throws {
        try await withClient { server, client in
            let clock = ManualClock()
            let journal = Journal()
            let lock = { ResourceLeaseLock(client: client, namespace: "ipam-system", name: "ipam-controller") }
            let a = try Replica("a", lock: lock(), clock: clock, journal: journal)
            let b = try Replica("b", lock: lock(), clock: clock, journal: journal)
            let tests = LeaderElectorTests()
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await a.run() }
                await tests.settle([a])
                group.addTask { await b.run() }
                clock.advance(by: .milliseconds(500))
                await tests.settle([a, b])
                await tests.simulate([a, b], clock: clock, for: .seconds(20), step: .milliseconds(500))
                #expect(a.elector.isLeader && !b.elector.isLeader)
                #expect(b.elector.observedLeader == "a")

                a.finishWork.fire()
                await eventually("a finished") { a.finished.value }
                let releasedAt = clock.now
                let released = try? await server.object(Lease.self, namespace: "ipam-system", name: "ipam-controller")
                #expect(released?.spec?.holderIdentity == "")

                await tests.simulate([a, b], clock: clock, for: .seconds(3), step: .milliseconds(500))
                let takeover = journal.starts(of: "b").first
                #expect(takeover != nil, "b took over")
                #expect(takeover.map { releasedAt.duration(to: $0) <= .seconds(2) } == true)
                let lease = try? await server.object(Lease.self, namespace: "ipam-system", name: "ipam-controller")
                #expect(lease?.spec?.holderIdentity == "b")
                #expect(lease?.spec?.leaseTransitions == 1)
                b.stop.fire()
            }
            #expect(journal.maximumConcurrentLeaders == 1)
        }
    }
}
