import ControllerRuntime
import IPAMModel
import KubernetesClient
import KubernetesCore

/// The controller's use of ``Finalizer``: its finalizer name, and errors unwrapped so that the
/// controller sees the reconciler's own (a ``TerminalError`` stays terminal).
enum Finalizers {
    /// Runs `body` under the IPAM finalizer. With `.awaitChange`, adding the finalizer ends the
    /// reconcile (`.done`) and the watch event of that change brings the object back; with
    /// `.apply`, `body` runs at once on the patched object.
    static func run<R: Resource>(
        _ object: R, client: ResourceClient<R>, afterAdding continuation: FinalizerContinuation = .awaitChange,
        _ body: (FinalizerEvent<R>) async throws -> ReconcileAction
    ) async throws -> ReconcileAction {
        do {
            switch try await Finalizer.reconcile(
                object, finalizer: IPAMAPI.finalizer, client: client, afterAdding: continuation, body)
            {
            case .finalizerAdded, .alreadyFinalized: return .done
            case .applied(let action), .finalized(let action): return action
            }
        } catch {
            switch error {
            case .applyFailed(let underlying), .cleanupFailed(let underlying): throw underlying
            default: throw error
            }
        }
    }
}

/// Status comparison that ignores condition transition times, so that an unchanged status is
/// never written again (a write per reconcile would feed the watch and loop).
enum StatusComparison {
    static func same(_ old: IPClaimStatus?, _ new: IPClaimStatus) -> Bool {
        guard let old else { return false }
        return old.observedGeneration == new.observedGeneration && old.pool == new.pool
            && (old.addresses ?? []) == (new.addresses ?? [])
            && sameConditions(old.conditions, new.conditions)
    }

    static func same(_ old: IPPoolStatus?, _ new: IPPoolStatus) -> Bool {
        guard let old else { return false }
        return old.observedGeneration == new.observedGeneration && old.ipv4 == new.ipv4 && old.ipv6 == new.ipv6
            && sameConditions(old.conditions, new.conditions)
    }

    static func sameConditions(_ old: [Condition]?, _ new: [Condition]?) -> Bool {
        func key(_ conditions: [Condition]?) -> [String] {
            (conditions ?? []).map {
                "\($0.type)|\($0.status)|\($0.reason)|\($0.message)|\($0.observedGeneration.map(String.init) ?? "")"
            }.sorted()
        }
        return key(old) == key(new)
    }
}
