/// What a reconcile asks of its controller afterwards.
public enum ReconcileAction: Hashable, Sendable {
    /// Nothing more: the object is where it should be. The next change or resync reconciles it.
    case done
    /// Reconcile again after `delay` (polling something no watch reports, or a known deadline
    /// such as a cooldown's end). The key's error backoff is reset.
    case requeue(after: Duration)
}

/// Brings one object's world in line with its spec — controller-runtime's `Reconciler`.
///
/// ## Contract
/// - Level-based: `reconcile` receives only a key, reads the current state (usually from a
///   ``Store``), and acts on it. It must not rely on which event triggered it, and must be
///   idempotent: it can run again for the same state at any time (resync, restart, requeue).
/// - The ``Controller`` never runs two reconciles of one key at once; different keys run
///   concurrently on its workers.
/// - A thrown error requeues the key with per-key exponential backoff; a ``TerminalError`` is
///   logged and counted but not retried (the next change to the object triggers it again).
/// - Cancellation means shutdown: return or throw promptly.
public protocol Reconciler: Sendable {
    /// Reconciles the object named `key`, which may no longer exist.
    func reconcile(_ key: ObjectKey) async throws -> ReconcileAction
}

/// An error that retrying cannot fix (an invalid spec, a forbidden request): the controller
/// records it and does not requeue the key.
public struct TerminalError: Error, CustomStringConvertible {
    /// What went wrong.
    public let underlying: any Error

    public init(_ underlying: any Error) {
        self.underlying = underlying
    }

    public var description: String { "terminal: \(underlying)" }
}
