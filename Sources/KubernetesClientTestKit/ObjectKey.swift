/// An object's place within its resource: namespace (empty for cluster-scoped kinds) and name.
///
/// Ordered by namespace, then name: the order of etcd keys (`/registry/pods/NS/NAME`), hence of
/// every list the stand-in returns.
struct ObjectKey: Hashable, Sendable, Comparable, CustomStringConvertible {
    var namespace: String
    var name: String

    static func < (lhs: ObjectKey, rhs: ObjectKey) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }

    var description: String { namespace.isEmpty ? name : "\(namespace)/\(name)" }
}
