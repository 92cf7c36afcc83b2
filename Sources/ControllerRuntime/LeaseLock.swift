public import KubernetesClient
public import KubernetesCore

/// Reads and writes the one `coordination.k8s.io/v1` Lease a ``LeaderElector`` campaigns for:
/// the elector's only I/O, and the seam its tests replace.
///
/// Contract (what ``ResourceLeaseLock`` does against the API server):
/// - ``get()`` returns `nil` when the Lease does not exist.
/// - ``create(_:)`` fails with `isAlreadyExists` when another candidate created it first.
/// - ``update(_:)`` is a compare-and-swap on `metadata.resourceVersion`: it fails with
///   `isConflict` when the Lease changed since it was read, and `isNotFound` when it was deleted.
/// - Calls honour task cancellation (the elector cancels a renewal that outlives the renew
///   deadline).
public protocol LeaseLock: Sendable {
    /// The Lease's name: the `name` label of `leader_election_master_status`, and for logs.
    var name: String { get }

    /// The Lease, or `nil` when there is none.
    func get() async throws(KubernetesError) -> Lease?

    /// Creates the Lease with `spec`.
    func create(_ spec: Lease.Spec) async throws(KubernetesError) -> Lease

    /// Replaces the Lease, if its `resourceVersion` is still `lease.metadata.resourceVersion`.
    func update(_ lease: Lease) async throws(KubernetesError) -> Lease
}
