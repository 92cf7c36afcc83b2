/// A Kubernetes object kind that clients can read and write: its type information is static, its
/// identity lives in ``ObjectMeta``.
///
/// Conformers are plain `Codable` values whose JSON is the object's. Decoding need not check the
/// payload's `apiVersion`/`kind`; encoding should write them (see ``TypeMeta``), because the API
/// server requires them in request bodies. The static members give what a request builder needs to form a URL:
/// `/api/v1/namespaces/{ns}/pods` for the core group, `/apis/{group}/{version}/{plural}` otherwise.
///
/// A kind decoded by the thousand (watched, listed) should also conform to ``JSONReadable``:
/// watch events and lists of it are then read by its hand-written reader, several times faster
/// than `JSONDecoder`, which stays the fallback.
///
/// Not guaranteed: that a conformer models every field of the server's object. A decoded value
/// that is encoded again can lose unmodelled fields, so write such types with patches.
public protocol Resource: Codable, Sendable {
    /// The API group; empty for the core group (Pods, Namespaces).
    static var group: String { get }
    /// The API version within the group, e.g. `v1` or `v1alpha1`.
    static var version: String { get }
    /// `group/version`, or `version` for the core group. Defaults to exactly that.
    static var apiVersion: String { get }
    /// The kind, e.g. `Pod`; the list kind is `kind + "List"`.
    static var kind: String { get }
    /// The lower-case plural used in URLs, e.g. `pods`.
    static var plural: String { get }
    /// Whether objects live in a namespace (`true`) or are cluster-scoped (`false`).
    static var isNamespaced: Bool { get }

    /// The object's metadata.
    var metadata: ObjectMeta { get set }
}

extension Resource {
    /// `group/version`, or just `version` when `group` is empty.
    public static var apiVersion: String { group.isEmpty ? version : "\(group)/\(version)" }

    /// This kind's `apiVersion` and `kind`, for encoding.
    public static var typeMeta: TypeMeta { TypeMeta(apiVersion: apiVersion, kind: kind) }
}
