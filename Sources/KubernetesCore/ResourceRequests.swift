import Foundation

/// Builds the requests for one resource kind, in one namespace or cluster-wide.
///
/// Pure: it never sends anything, so URLs, queries and bodies are checked in
/// unit tests. Paths follow the API conventions:
///
/// ```
/// core, namespaced:      /api/v1/namespaces/{ns}/pods/{name}
/// group, cluster-scoped: /apis/{group}/{version}/{plural}/{name}
/// status subresource:    …/{name}/status
/// ```
///
/// A namespaced kind with `namespace == nil` (or empty, as in client-go)
/// addresses all namespaces (list and watch only); writes need a namespace
/// and throw ``RequestBuildError/namespaceRequired`` without one.
///
/// Names and namespaces are single path segments: `.`, `..` and anything
/// containing `/` or `%` is refused (``RequestBuildError/invalidName(_:)``,
/// ``RequestBuildError/invalidNamespace(_:)``), as client-go's
/// `IsValidPathSegmentName` does, so that a name can never address another
/// object, a subresource or the collection. Not checked here: the kind's own
/// naming rules (DNS subdomain, length); the server enforces those.
public struct ResourceRequests<R: Resource>: Sendable {
    /// The namespace requests are scoped to; `nil` for cluster-scoped kinds or all namespaces.
    public let namespace: String?

    public init(namespace: String? = nil) {
        self.namespace = R.isNamespaced && namespace?.isEmpty == false ? namespace : nil
    }

    /// `/api/v1` or `/apis/{group}/{version}`.
    public static var groupVersionPath: String {
        R.group.isEmpty ? "/api/\(R.version)" : "/apis/\(R.group)/\(R.version)"
    }

    /// The collection path in this request's namespace (or all namespaces).
    public var collectionPath: String {
        if let namespace { return "\(Self.groupVersionPath)/namespaces/\(namespace)/\(R.plural)" }
        return "\(Self.groupVersionPath)/\(R.plural)"
    }

    /// The path of object `name`, in `namespace` when it is set and non-empty, else in this
    /// builder's namespace.
    private func objectPath(_ name: String, namespace: String?) throws(RequestBuildError) -> String {
        guard !name.isEmpty else { throw .nameRequired }
        guard Self.isPathSegment(name) else { throw .invalidName(name) }
        guard R.isNamespaced else { return "\(Self.groupVersionPath)/\(R.plural)/\(name)" }
        return try namespacedCollectionPath(namespace) + "/" + name
    }

    /// `…/namespaces/{ns}/{plural}` for `namespace`, or this builder's when it is `nil` or empty.
    private func namespacedCollectionPath(_ namespace: String?) throws(RequestBuildError) -> String {
        guard let namespace = namespace?.isEmpty == false ? namespace : self.namespace else {
            throw .namespaceRequired
        }
        guard Self.isPathSegment(namespace) else { throw .invalidNamespace(namespace) }
        return "\(Self.groupVersionPath)/namespaces/\(namespace)/\(R.plural)"
    }

    /// Whether `text` stays one path segment: client-go's `IsValidPathSegmentName`.
    private static func isPathSegment(_ text: String) -> Bool {
        text != "." && text != ".." && !text.contains("/") && !text.contains("%")
    }

    /// GET one object.
    public func get(_ name: String) throws(RequestBuildError) -> APIRequest {
        APIRequest(method: .get, path: try objectPath(name, namespace: nil))
    }

    /// GET a page of the collection.
    public func list(_ options: ListOptions = ListOptions()) -> APIRequest {
        APIRequest(method: .get, path: collectionPath, query: options.queryItems)
    }

    /// GET the collection as a stream of watch events.
    public func watch(_ options: WatchOptions) -> APIRequest {
        APIRequest(method: .get, path: collectionPath, query: options.queryItems, isWatch: true)
    }

    /// POST a new object (into its own namespace, or this builder's).
    public func create(_ object: R, options: WriteOptions = WriteOptions()) throws(RequestBuildError) -> APIRequest {
        let path = R.isNamespaced ? try namespacedCollectionPath(object.metadata.namespace) : collectionPath
        return APIRequest(
            method: .post, path: path, query: options.queryItems, contentType: "application/json",
            body: try Self.encode(object))
    }

    /// PUT the whole object; the server refuses it (409) when
    /// `metadata.resourceVersion` is stale. Status changes are ignored by servers
    /// whose kind has a status subresource (use ``updateStatus(_:options:)``).
    public func update(_ object: R, options: WriteOptions = WriteOptions()) throws(RequestBuildError) -> APIRequest {
        let path = try objectPath(object.metadata.name ?? "", namespace: object.metadata.namespace)
        return APIRequest(
            method: .put, path: path, query: options.queryItems, contentType: "application/json",
            body: try Self.encode(object))
    }

    /// PUT the status subresource: only `status` changes.
    public func updateStatus(_ object: R, options: WriteOptions = WriteOptions()) throws(RequestBuildError) -> APIRequest {
        let path = try objectPath(object.metadata.name ?? "", namespace: object.metadata.namespace) + "/status"
        return APIRequest(
            method: .put, path: path, query: options.queryItems, contentType: "application/json",
            body: try Self.encode(object))
    }

    /// PATCH an object, or its status subresource when `status` is true.
    ///
    /// Server-side apply needs a field manager: ``WriteOptions/fieldManager``
    /// must be set, or this throws ``RequestBuildError/fieldManagerRequired``.
    public func patch(
        _ name: String, _ patch: Patch, status: Bool = false, options: WriteOptions = WriteOptions()
    ) throws(RequestBuildError) -> APIRequest {
        var path = try objectPath(name, namespace: nil)
        if status { path += "/status" }
        var query = options.queryItems
        let body: JSONBody
        switch patch {
        case .merge(let json):
            body = json
        case .apply(let json, let force):
            guard options.fieldManager != nil else { throw .fieldManagerRequired }
            body = json
            if force { query.append(.init("force", "true")) }
        }
        return APIRequest(method: .patch, path: path, query: query, contentType: patch.contentType, body: body.data)
    }

    /// DELETE an object, with preconditions and a propagation policy when given.
    public func delete(_ name: String, options: DeleteOptions = DeleteOptions()) throws(RequestBuildError) -> APIRequest {
        let path = try objectPath(name, namespace: nil)
        guard options != DeleteOptions() else { return APIRequest(method: .delete, path: path) }
        return APIRequest(
            method: .delete, path: path, contentType: "application/json", body: try Self.encode(options))
    }

    private static func encode(_ value: some Encodable) throws(RequestBuildError) -> Data {
        do {
            return try KubernetesJSON.encoder().encode(value)
        } catch {
            throw .encodingFailed(String(describing: error))
        }
    }
}

/// Why a request could not be built.
public enum RequestBuildError: Error, Hashable, Sendable, CustomStringConvertible {
    case nameRequired
    case namespaceRequired
    /// The name is `.`, `..`, or contains `/` or `%`: it would not address one object.
    case invalidName(String)
    /// The namespace is `.`, `..`, or contains `/` or `%`.
    case invalidNamespace(String)
    case fieldManagerRequired
    case encodingFailed(String)

    public var description: String {
        switch self {
        case .nameRequired: "the object has no name"
        case .namespaceRequired: "a namespaced object needs a namespace"
        case .invalidName(let name): "invalid name \"\(name)\": may not be '.' or '..' or contain '/' or '%'"
        case .invalidNamespace(let namespace):
            "invalid namespace \"\(namespace)\": may not be '.' or '..' or contain '/' or '%'"
        case .fieldManagerRequired: "server-side apply needs a field manager"
        case .encodingFailed(let why): "the object could not be encoded as JSON: \(why)"
        }
    }
}
