public import KubernetesCore

/// A kind the stand-in serves: where its URLs are and which server behaviours it has.
///
/// Only registered kinds have endpoints; a request for any other resource gets 404, as a real
/// server does for an unknown CRD. One version per group and plural: a second registration of
/// the same group and plural replaces the first (its objects are kept).
public struct ResourceRegistration: Sendable, Hashable {
    /// The API group; empty for the core group.
    public var group: String
    /// The version served, e.g. `v1`.
    public var version: String
    /// The kind, e.g. `Pod`; lists are `kind + "List"`.
    public var kind: String
    /// The lower-case plural used in URLs.
    public var plural: String
    /// Whether objects live in namespaces.
    public var isNamespaced: Bool
    /// Whether the kind has a `status` subresource: then `PUT …/status` changes only `status`, and
    /// writes of the main object keep the stored `status` (and `status` is dropped on create).
    public var hasStatusSubresource: Bool
    /// Field paths, besides `metadata.name` and `metadata.namespace`, that field selectors may
    /// use, e.g. `spec.pool` (CRD `selectableFields`, or the fixed set of a built-in kind).
    public var selectableFields: [String]
    /// Whether a DELETE that removes the object answers with the object (Pods do) rather than a
    /// `Status` of `Success` (custom resources and most built-in kinds do).
    public var deleteReturnsObject: Bool

    /// Registers a kind by its parts.
    public init(
        group: String, version: String, kind: String, plural: String, namespaced: Bool,
        statusSubresource: Bool = false, selectableFields: [String] = [], deleteReturnsObject: Bool = false
    ) {
        self.group = group
        self.version = version
        self.kind = kind
        self.plural = plural
        self.isNamespaced = namespaced
        self.hasStatusSubresource = statusSubresource
        self.selectableFields = selectableFields
        self.deleteReturnsObject = deleteReturnsObject
    }

    /// Registers the kind of a ``KubernetesCore/Resource`` type.
    public init<R: Resource>(
        _ type: R.Type, statusSubresource: Bool, selectableFields: [String] = [], deleteReturnsObject: Bool = false
    ) {
        self.init(
            group: R.group, version: R.version, kind: R.kind, plural: R.plural, namespaced: R.isNamespaced,
            statusSubresource: statusSubresource, selectableFields: selectableFields,
            deleteReturnsObject: deleteReturnsObject)
    }

    /// `group/version`, or `version` for the core group.
    public var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// Core `v1` Pods: namespaced, status subresource, selectable by `spec.nodeName` and
    /// `status.phase`; DELETE answers with the Pod.
    public static let pods = ResourceRegistration(
        group: "", version: "v1", kind: "Pod", plural: "pods", namespaced: true, statusSubresource: true,
        selectableFields: ["spec.nodeName", "status.phase"], deleteReturnsObject: true)

    /// Core `v1` Namespaces: cluster-scoped, status subresource. The namespace lifecycle
    /// (`Terminating`, the `kubernetes` finalizer, deleting the contents) is not modelled.
    public static let namespaces = ResourceRegistration(
        group: "", version: "v1", kind: "Namespace", plural: "namespaces", namespaced: false,
        statusSubresource: true, selectableFields: ["status.phase"], deleteReturnsObject: true)

    /// `coordination.k8s.io/v1` Leases (leader election).
    public static let leases = ResourceRegistration(
        group: "coordination.k8s.io", version: "v1", kind: "Lease", plural: "leases", namespaced: true)

    /// `events.k8s.io/v1` Events.
    public static let events = ResourceRegistration(
        group: "events.k8s.io", version: "v1", kind: "Event", plural: "events", namespaced: true,
        selectableFields: ["regarding.kind", "regarding.name", "regarding.namespace", "regarding.uid", "reason", "type"])

    /// Pods, Namespaces, Leases and Events: what a controller touches besides its own kinds.
    public static let coreKinds: [ResourceRegistration] = [.pods, .namespaces, .leases, .events]

    var key: ResourceKey { ResourceKey(group: group, plural: plural) }
}
