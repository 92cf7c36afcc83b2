/// Identifies a registered resource across versions: API group and plural.
struct ResourceKey: Hashable, Sendable, CustomStringConvertible {
    var group: String
    var plural: String

    /// `plural.group`, as Kubernetes names a group resource (`leases.coordination.k8s.io`).
    var description: String { group.isEmpty ? plural : "\(plural).\(group)" }
}
