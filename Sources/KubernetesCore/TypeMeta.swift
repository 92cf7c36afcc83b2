/// The `apiVersion` and `kind` fields that identify an object's schema (`metav1.TypeMeta`).
///
/// Resource types do not store these: they are static (see ``Resource``). A conformer's
/// `encode(to:)` writes them first with `try Self.typeMeta.encode(to: encoder)` and then its own
/// fields into a keyed container of the same encoder, so request bodies carry them.
public struct TypeMeta: Codable, Hashable, Sendable {
    /// `group/version`, or just `version` for the core group (`v1`).
    public var apiVersion: String
    /// The kind, e.g. `Pod` or `PodList`.
    public var kind: String

    /// Creates type metadata.
    public init(apiVersion: String, kind: String) {
        self.apiVersion = apiVersion
        self.kind = kind
    }
}
