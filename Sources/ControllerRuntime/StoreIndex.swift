public import KubernetesCore

/// A secondary index of a ``Store``: a name and the values under which an object is found
/// (client-go's `Indexers`). An object may have no value (not indexed), one, or several.
///
/// ```swift
/// let byPool = StoreIndex<IPClaim>(name: "spec.pool") { claim in claim.spec.pool.map { [$0] } ?? [] }
/// store.objects(in: "spec.pool", value: "blue")
/// ```
///
/// The function must be pure and cheap: it runs under the store's lock on every write.
public struct StoreIndex<R: Resource>: Sendable {
    /// The index's name, used to query it.
    public let name: String
    /// The values under which `object` is indexed.
    public let values: @Sendable (R) -> [String]

    public init(name: String, values: @escaping @Sendable (R) -> [String]) {
        self.name = name
        self.values = values
    }

    /// Objects by namespace (`metadata.namespace`); cluster-scoped objects are not indexed.
    public static var namespace: StoreIndex {
        StoreIndex(name: "metadata.namespace") { object in object.metadata.namespace.map { [$0] } ?? [] }
    }

    /// Objects by the value of label `key` (named `label:KEY`); objects without it are not indexed.
    public static func label(_ key: String) -> StoreIndex {
        StoreIndex(name: "label:\(key)") { object in object.metadata.labels?[key].map { [$0] } ?? [] }
    }

    /// Objects by the UIDs of their owners (`metadata.ownerReferences[].uid`).
    public static var ownerUID: StoreIndex {
        StoreIndex(name: "metadata.ownerReferences.uid") { object in
            object.metadata.ownerReferences?.map(\.uid) ?? []
        }
    }
}
