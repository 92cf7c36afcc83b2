import ControllerRuntime
import Foundation
import KubernetesClient
import KubernetesCore
import Synchronization

/// One Lease in memory with the API server's compare-and-swap rules, shared by the locks of
/// several electors; it records every write.
final class FakeLeaseStore: Sendable {
    private struct State {
        var lease: Lease?
        var version = 0
        var writes: [Lease] = []
    }

    private let state = Mutex(State())

    var lease: Lease? { state.withLock { $0.lease } }
    var writes: [Lease] { state.withLock { $0.writes } }

    func get() -> Lease? { lease }

    func create(_ spec: Lease.Spec) throws(KubernetesError) -> Lease {
        try state.withLock { (state) throws(KubernetesError) -> Lease in
            guard state.lease == nil else { throw Self.error(409, .alreadyExists) }
            state.version += 1
            let lease = Lease(
                metadata: ObjectMeta(name: "lock", namespace: "test", resourceVersion: "\(state.version)"), spec: spec)
            state.lease = lease
            state.writes.append(lease)
            return lease
        }
    }

    func update(_ lease: Lease) throws(KubernetesError) -> Lease {
        try state.withLock { (state) throws(KubernetesError) -> Lease in
            guard let current = state.lease else { throw Self.error(404, .notFound) }
            guard lease.metadata.resourceVersion == current.metadata.resourceVersion else {
                throw Self.error(409, .conflict)
            }
            state.version += 1
            var stored = lease
            stored.metadata.resourceVersion = "\(state.version)"
            state.lease = stored
            state.writes.append(stored)
            return stored
        }
    }

    func delete() {
        state.withLock { $0.lease = nil }
    }

    static func error(_ code: Int, _ reason: StatusReason) -> KubernetesError {
        KubernetesError(.api(code: code, status: Status(reason: reason, code: code)), request: "fake lease")
    }
}

/// One elector's view of a ``FakeLeaseStore``, with faults: its requests can fail (a network
/// partition) or hang until cancelled (a stalled API server).
final class FakeLeaseLock: LeaseLock {
    enum Fault: Sendable {
        case healthy, fail, hang
    }

    let name = "lock"
    let store: FakeLeaseStore
    private let faultState = Mutex(Fault.healthy)

    init(store: FakeLeaseStore) {
        self.store = store
    }

    var fault: Fault {
        get { faultState.withLock { $0 } }
        set { faultState.withLock { $0 = newValue } }
    }

    func get() async throws(KubernetesError) -> Lease? {
        try await applyFault()
        return store.get()
    }

    func create(_ spec: Lease.Spec) async throws(KubernetesError) -> Lease {
        try await applyFault()
        return try store.create(spec)
    }

    func update(_ lease: Lease) async throws(KubernetesError) -> Lease {
        try await applyFault()
        return try store.update(lease)
    }

    private func applyFault() async throws(KubernetesError) {
        switch fault {
        case .healthy:
            return
        case .fail:
            throw FakeLeaseStore.error(503, .serviceUnavailable)
        case .hang:
            // Until cancelled (real time, far beyond any test).
            try? await Task.sleep(for: .seconds(3600))
            throw KubernetesError(.transport(TransportError("cancelled", requestNotSent: false)), request: "fake lease")
        }
    }
}
