public import KubernetesCore

/// Which object: its namespace (`nil` for cluster-scoped kinds) and name — the work-queue key of
/// controllers and the key of a ``Store``.
///
/// Written as `namespace/name` (or `name`), as client-go's `MetaNamespaceKeyFunc` does.
public struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// The namespace; `nil` for cluster-scoped objects.
    public var namespace: String?
    /// The name.
    public var name: String

    public init(namespace: String?, name: String) {
        self.namespace = namespace
        self.name = name
    }

    /// The key of `object`; an object without a name (never from the API server) gets `""`.
    public init(_ object: some Resource) {
        self.init(namespace: object.metadata.namespace, name: object.metadata.name ?? "")
    }

    /// `namespace/name`, or `name` for cluster-scoped objects.
    public var description: String {
        namespace.map { "\($0)/\(name)" } ?? name
    }

    /// Namespace first (cluster-scoped first), then name: the canonical batch order.
    public static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace ?? "", lhs.name) < (rhs.namespace ?? "", rhs.name)
    }
}
