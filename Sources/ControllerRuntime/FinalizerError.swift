public import KubernetesClient

/// Why ``Finalizer/reconcile(_:finalizer:client:isolation:_:)`` failed.
///
/// The reconciler's own errors and the API server's are kept apart: `applyFailed` and
/// `cleanupFailed` wrap what the body threw, `addFailed` and `removeFailed` what the patch of
/// `metadata.finalizers` got back. All of them call for a requeue with backoff; a conflict
/// (``kubernetesError``'s `isConflict`) means the object changed since it was read, and the next
/// reconcile of the fresh object usually succeeds.
public enum FinalizerError: Error, CustomStringConvertible {
    /// Adding the finalizer failed (409 when the object changed since it was read).
    case addFailed(KubernetesError)
    /// Cleanup succeeded but removing the finalizer failed; cleanup will run again.
    case removeFailed(KubernetesError)
    /// The body threw while handling ``FinalizerEvent/apply(_:)``.
    case applyFailed(any Error)
    /// The body threw while handling ``FinalizerEvent/cleanup(_:)``; the finalizer was kept.
    case cleanupFailed(any Error)
    /// The object lacks `metadata.name` or `metadata.resourceVersion`, so it cannot be patched
    /// safely; it was not read from the API server.
    case incompleteObject(missing: String)

    /// The API server's error, for `addFailed` and `removeFailed`.
    public var kubernetesError: KubernetesError? {
        switch self {
        case .addFailed(let error), .removeFailed(let error): error
        case .applyFailed, .cleanupFailed, .incompleteObject: nil
        }
    }

    public var description: String {
        switch self {
        case .addFailed(let error): "failed to add finalizer: \(error)"
        case .removeFailed(let error): "failed to remove finalizer: \(error)"
        case .applyFailed(let error): "failed to apply object: \(error)"
        case .cleanupFailed(let error): "failed to clean up object: \(error)"
        case .incompleteObject(let field): "object has no metadata.\(field)"
        }
    }
}
