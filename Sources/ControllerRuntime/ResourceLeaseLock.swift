public import KubernetesClient
public import KubernetesCore

/// A ``LeaseLock`` on a Lease in the API server, through ``ResourceClient``.
///
/// Updates are full replacements (PUT) carrying the resourceVersion that was read, so the API
/// server's optimistic concurrency makes concurrent candidates conflict instead of overwriting
/// one another. Needs RBAC `get`, `create`, `update` on `leases` in `coordination.k8s.io`.
public struct ResourceLeaseLock: LeaseLock {
    public let name: String
    public let namespace: String
    private let leases: ResourceClient<Lease>

    /// The Lease `namespace/name`, accessed through `client`.
    public init(client: KubernetesClient, namespace: String, name: String) {
        self.name = name
        self.namespace = namespace
        self.leases = client.resource(Lease.self, namespace: namespace)
    }

    public func get() async throws(KubernetesError) -> Lease? {
        do {
            return try await leases.get(name)
        } catch {
            guard error.isNotFound else { throw error }
            return nil
        }
    }

    public func create(_ spec: Lease.Spec) async throws(KubernetesError) -> Lease {
        try await leases.create(Lease(metadata: ObjectMeta(name: name, namespace: namespace), spec: spec))
    }

    public func update(_ lease: Lease) async throws(KubernetesError) -> Lease {
        var lease = lease
        lease.metadata.name = name
        lease.metadata.namespace = namespace
        return try await leases.update(lease)
    }
}
