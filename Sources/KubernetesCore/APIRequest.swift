public import Foundation

/// One HTTP request to the Kubernetes API, built but not sent.
///
/// The request builder (``ResourceRequests``) makes these; a transport in
/// `KubernetesClient` sends them. Keeping the two apart means every URL,
/// query and body is tested without a network, as kube-rs does with
/// `kube-core`'s `Request`.
public struct APIRequest: Hashable, Sendable {
    /// The HTTP methods the Kubernetes API uses.
    public enum Method: String, Hashable, Sendable {
        case get = "GET"
        case post = "POST"
        case put = "PUT"
        case patch = "PATCH"
        case delete = "DELETE"
    }

    /// A query parameter; order is kept, names may repeat.
    public struct QueryItem: Hashable, Sendable {
        public var name: String
        public var value: String

        public init(_ name: String, _ value: String) {
            self.name = name
            self.value = value
        }
    }

    public var method: Method
    /// The absolute path, e.g. `/apis/ipam.swift-ipam.io/v1alpha1/ippools/blue`.
    public var path: String
    public var query: [QueryItem]
    /// The `Content-Type` of ``body``, when there is one.
    public var contentType: String?
    public var body: Data?
    /// Whether the response is a stream of watch events rather than one document.
    public var isWatch: Bool

    public init(
        method: Method, path: String, query: [QueryItem] = [], contentType: String? = nil, body: Data? = nil,
        isWatch: Bool = false
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.contentType = contentType
        self.body = body
        self.isWatch = isWatch
    }

    /// Whether repeating the request cannot change the outcome (GET, PUT with
    /// a resourceVersion, DELETE): such requests may be retried after a
    /// connection error or a 5xx. POST and PATCH are not retried blindly.
    public var isIdempotent: Bool {
        switch method {
        case .get, .put, .delete: true
        case .post, .patch: false
        }
    }

    /// The path and query, percent-encoded, e.g. `/api/v1/pods?labelSelector=app%3Dweb`.
    public var pathAndQuery: String {
        guard !query.isEmpty else { return Self.encode(path, allowed: .pathAllowed) }
        let encodedQuery = query.map {
            "\(Self.encode($0.name, allowed: .queryValueAllowed))=\(Self.encode($0.value, allowed: .queryValueAllowed))"
        }.joined(separator: "&")
        return Self.encode(path, allowed: .pathAllowed) + "?" + encodedQuery
    }

    /// The full URL against the API server's base URL (which may carry a path prefix, as behind a proxy).
    public func url(relativeTo base: URL) -> URL? {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return URL(string: text + pathAndQuery)
    }

    private static func encode(_ text: String, allowed: CharacterSet) -> String {
        text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }
}

extension CharacterSet {
    /// Unreserved characters: everything else in a query name or value is escaped,
    /// including `=`, `&`, `+` and `,` (so `a=b,c!=d` survives intact).
    fileprivate static let queryValueAllowed = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
    /// Path characters, with `/` kept as the separator.
    fileprivate static let pathAllowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#%;"))
}
