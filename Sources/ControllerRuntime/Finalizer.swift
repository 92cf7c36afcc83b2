public import KubernetesClient
public import KubernetesCore

/// What a reconciler behind ``Finalizer/reconcile(_:finalizer:client:afterAdding:isolation:_:)`` is asked to do.
///
/// Both must be idempotent: either may run again after a restart, a failed reconcile, a
/// conflict, or a change to the object.
public enum FinalizerEvent<R: Resource>: Sendable {
    /// The object is live and carries the finalizer: make the world match it.
    case apply(R)
    /// The object is being deleted: release what it holds. Must tolerate `apply` never having
    /// run (or never having succeeded).
    case cleanup(R)
}

/// What ``Finalizer/reconcile(_:finalizer:client:afterAdding:isolation:_:)`` does once it has
/// added the finalizer to a live object.
public enum FinalizerContinuation: Sendable {
    /// End there (``FinalizerOutcome/finalizerAdded``); the watch event of that change brings
    /// the object back for `apply`, as kube-rs does. Two reconciles, each with one kind of write.
    case awaitChange
    /// Run `apply` at once with the object the patch returned (which carries the finalizer and
    /// the new resourceVersion). One reconcile instead of two: the object is served a watch
    /// round trip and a queue pass sooner. The later watch event still requeues it, so `apply`
    /// must find nothing left to do then.
    case apply
}

/// What ``Finalizer/reconcile(_:finalizer:client:afterAdding:isolation:_:)`` did.
public enum FinalizerOutcome<Output> {
    /// The finalizer was added and the body did not run (``FinalizerContinuation/awaitChange``);
    /// the watch event of that change brings the object back for `apply`.
    case finalizerAdded
    /// The body handled ``FinalizerEvent/apply(_:)`` and returned this.
    case applied(Output)
    /// The body handled ``FinalizerEvent/cleanup(_:)`` and returned this, then the finalizer was
    /// removed (or the object was already gone).
    case finalized(Output)
    /// The object is being deleted and no longer carries the finalizer: nothing to do.
    case alreadyFinalized
}

extension FinalizerOutcome: Sendable where Output: Sendable {}
extension FinalizerOutcome: Equatable where Output: Equatable {}

/// Reconciling an object that needs cleanup before it may be deleted, by holding a
/// `metadata.finalizers` entry on it.
///
/// Use it as the whole of a reconcile: read the object, call
/// ``reconcile(_:finalizer:client:afterAdding:isolation:_:)`` with it, turn the outcome into an action.
///
/// Flow:
/// ```
///   deletionTimestamp   has `name`   does
///   ─────────────────   ──────────   ────────────────────────────────────────────────
///   no                  no           add `name`          → .finalizerAdded (body not run), or
///                                    with `afterAdding: .apply`, body(.apply) of the patched object → .applied
///   no                  yes          body(.apply)        → .applied
///   yes                 yes          body(.cleanup), then remove `name` → .finalized
///   yes                 no           nothing             → .alreadyFinalized
/// ```
/// Adding and removing are JSON merge patches of the whole `metadata.finalizers` list that carry
/// the `metadata.resourceVersion` of the object given, which the API server treats as a
/// precondition (409 Conflict when the object changed since).
///
/// Guarantees:
/// - Once `apply` may have run, the object is not deleted before a `cleanup` has succeeded.
/// - The finalizer is never removed when `cleanup` throws.
/// - Other finalizers are never removed or added: the list sent is the one read, minus or plus
///   `name`, and a concurrent change of the object makes the patch fail with a conflict
///   (``FinalizerError/addFailed(_:)`` / ``FinalizerError/removeFailed(_:)``) instead of
///   overwriting it. Requeue; the next reconcile sees the fresh object.
/// - A 404 when removing means the object is already gone: success.
/// - The helper never deletes the object; a user or owner does.
///
/// Caveats:
/// - `cleanup` runs at least once before the finalizer is removed and may run more than once
///   (removal failed, the controller restarted, a conflict): it must be idempotent.
/// - A conflict is likelier on busy objects (any write bumps the resourceVersion, status writes
///   included); it costs a requeue, not correctness.
/// - Deletion is stuck while the controller is not running or `cleanup` keeps failing.
/// - `name` must be unique among the controllers of the object, and the body should use the
///   object in the event, not one read earlier.
/// - Not guaranteed: that `apply` ever ran before `cleanup` (an object deleted right after
///   creation goes straight to cleanup once the finalizer is on it).
public enum Finalizer {
    /// Runs `body` for `object` according to the flow above, adding or removing `name` through
    /// `client`.
    ///
    /// - Parameters:
    ///   - object: the object as last read (from the API server or a cache); its
    ///     `resourceVersion` guards the patches.
    ///   - name: the finalizer, a qualified name such as `ipam.example.com/release`.
    ///   - client: writes the object's `metadata.finalizers`; needs RBAC `patch`.
    ///   - afterAdding: whether a just-added finalizer ends the reconcile or `apply` follows.
    ///   - body: the reconciler; its errors are wrapped as ``FinalizerError/applyFailed(_:)`` or
    ///     ``FinalizerError/cleanupFailed(_:)``.
    public static func reconcile<R: Resource, Output>(
        _ object: R,
        finalizer name: String,
        client: ResourceClient<R>,
        afterAdding continuation: FinalizerContinuation = .awaitChange,
        isolation: isolated (any Actor)? = #isolation,
        _ body: (FinalizerEvent<R>) async throws -> Output
    ) async throws(FinalizerError) -> FinalizerOutcome<Output> {
        let metadata = object.metadata
        let finalizers = metadata.finalizers ?? []
        let deleting = metadata.deletionTimestamp != nil
        switch (deleting, finalizers.contains(name)) {
        case (false, false):
            let target = try target(of: object)
            let patched: R
            do {
                patched = try await setFinalizers(finalizers + [name], on: target, client: client)
            } catch {
                throw .addFailed(error)
            }
            guard case .apply = continuation else { return .finalizerAdded }
            do {
                return .applied(try await body(.apply(patched)))
            } catch {
                throw .applyFailed(error)
            }
        case (false, true):
            do {
                return .applied(try await body(.apply(object)))
            } catch {
                throw .applyFailed(error)
            }
        case (true, true):
            let target = try target(of: object)
            let output: Output
            do {
                output = try await body(.cleanup(object))
            } catch {
                throw .cleanupFailed(error)
            }
            do {
                try await setFinalizers(finalizers.filter { $0 != name }, on: target, client: client)
            } catch {
                // 404: gone already; someone else removed the last finalizer after our read.
                guard error.isNotFound else { throw .removeFailed(error) }
            }
            return .finalized(output)
        case (true, false):
            return .alreadyFinalized
        }
    }

    /// The name and resourceVersion a patch needs.
    private static func target(of object: some Resource) throws(FinalizerError) -> (name: String, version: String) {
        guard let name = object.metadata.name, !name.isEmpty else { throw .incompleteObject(missing: "name") }
        guard let version = object.metadata.resourceVersion, !version.isEmpty else {
            throw .incompleteObject(missing: "resourceVersion")
        }
        return (name, version)
    }

    /// Patches `{"metadata":{"resourceVersion":…,"finalizers":[…]}}`. An empty list is sent as
    /// `[]`, which leaves the object without finalizers, so the server completes a pending deletion.
    /// Returns the object as patched.
    @discardableResult
    private static func setFinalizers<R: Resource>(
        _ finalizers: [String], on target: (name: String, version: String), client: ResourceClient<R>
    ) async throws(KubernetesError) -> R {
        let body: JSONBody
        do {
            body = try JSONBody(encoding: FinalizersPatch(resourceVersion: target.version, finalizers: finalizers))
        } catch {
            throw KubernetesError(.invalidRequest(.encodingFailed("\(error)")), request: "PATCH \(R.plural)")
        }
        return try await client.patch(target.name, .merge(body))
    }
}

/// The body of a finalizer patch.
private struct FinalizersPatch: Encodable {
    struct Metadata: Encodable {
        var resourceVersion: String
        var finalizers: [String]
    }

    var metadata: Metadata

    init(resourceVersion: String, finalizers: [String]) {
        metadata = Metadata(resourceVersion: resourceVersion, finalizers: finalizers)
    }
}
