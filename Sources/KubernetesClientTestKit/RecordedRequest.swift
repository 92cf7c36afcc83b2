/// One request the stand-in answered, for tests that assert which calls a client made.
public struct RecordedRequest: Sendable, Hashable {
    /// The HTTP method, e.g. `PATCH`.
    public var method: String
    /// The path without the query, percent-decoded.
    public var path: String
    /// The query parameters (the last value of a repeated name).
    public var query: [String: String]
    /// The Kubernetes verb, when the path is an API resource path.
    public var verb: APIVerb?
    /// The resource plural, when the path is an API resource path.
    public var resource: String?
    public var namespace: String?
    public var name: String?
    public var subresource: String?
    /// The HTTP status the stand-in answered (200 for a watch that started streaming).
    public var statusCode: Int
    /// Who the request authenticated as: the token's user, the client certificate's common name,
    /// or `nil` for an anonymous request.
    public var user: String?
    /// The `Content-Type` of the request body, when there was one.
    public var contentType: String?

    public init(
        method: String, path: String, query: [String: String] = [:], verb: APIVerb? = nil, resource: String? = nil,
        namespace: String? = nil, name: String? = nil, subresource: String? = nil, statusCode: Int = 0,
        user: String? = nil, contentType: String? = nil
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.verb = verb
        self.resource = resource
        self.namespace = namespace
        self.name = name
        self.subresource = subresource
        self.statusCode = statusCode
        self.user = user
        self.contentType = contentType
    }
}
