/// Which requests a fault applies to. Every `nil` field matches anything; ``any`` matches all
/// API requests.
public struct RequestMatcher: Sendable, Hashable {
    /// The Kubernetes verb, e.g. `.create`.
    public var verb: APIVerb?
    /// The resource plural, e.g. `ipleases`.
    public var resource: String?
    /// The subresource, e.g. `status`; `nil` matches requests with and without one.
    public var subresource: String?
    /// The namespace of the request path.
    public var namespace: String?
    /// The object name of the request path.
    public var name: String?

    public init(
        verb: APIVerb? = nil, resource: String? = nil, subresource: String? = nil, namespace: String? = nil,
        name: String? = nil
    ) {
        self.verb = verb
        self.resource = resource
        self.subresource = subresource
        self.namespace = namespace
        self.name = name
    }

    /// Matches every request.
    public static let any = RequestMatcher()

    func matches(_ request: RecordedRequest) -> Bool {
        (verb == nil || verb == request.verb) && (resource == nil || resource == request.resource)
            && (subresource == nil || subresource == request.subresource)
            && (namespace == nil || namespace == request.namespace) && (name == nil || name == request.name)
    }
}
