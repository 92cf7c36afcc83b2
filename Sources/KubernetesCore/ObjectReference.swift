/// A reference to any object (core `v1.ObjectReference`), e.g. the object an ``Event`` is about.
///
/// Every field is optional, as in Kubernetes. Unlike ``OwnerReference`` it carries a namespace
/// and may name an object that no longer exists; `uid` and `resourceVersion` say which
/// incarnation and which version of it was meant. `fieldPath` points inside the object, e.g.
/// `spec.containers{web}`. Unknown fields are ignored; `nil` fields are omitted when encoding.
///
/// Not guaranteed: that the referenced object exists, or that it still has this UID.
public struct ObjectReference: Codable, Hashable, Sendable {
    /// The object's API version, e.g. `v1` or `ipam.swift-ipam.io/v1alpha1`.
    public var apiVersion: String?
    /// The object's kind, e.g. `Pod`.
    public var kind: String?
    /// The object's namespace; `nil` for cluster-scoped objects.
    public var namespace: String?
    /// The object's name.
    public var name: String?
    /// The object's UID.
    public var uid: String?
    /// The object's resource version when the reference was made.
    public var resourceVersion: String?
    /// A part of the object, e.g. `spec.containers{web}`; `nil` for the whole object.
    public var fieldPath: String?

    /// Creates a reference from its fields; every field defaults to `nil`.
    public init(
        apiVersion: String? = nil,
        kind: String? = nil,
        namespace: String? = nil,
        name: String? = nil,
        uid: String? = nil,
        resourceVersion: String? = nil,
        fieldPath: String? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.namespace = namespace
        self.name = name
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.fieldPath = fieldPath
    }

    /// A reference to `object`, as client-go's `reference.GetReference` makes it: `apiVersion`
    /// and `kind` from its type, `namespace`, `name`, `uid` and `resourceVersion` from its
    /// metadata (`nil` where the metadata has none, e.g. an object not yet created).
    public init<R: Resource>(_ object: R, fieldPath: String? = nil) {
        self.init(
            apiVersion: R.apiVersion, kind: R.kind, namespace: object.metadata.namespace,
            name: object.metadata.name, uid: object.metadata.uid,
            resourceVersion: object.metadata.resourceVersion, fieldPath: fieldPath)
    }
}
