/// What an API request addresses: a registered kind, a namespace and name (either may be
/// absent), a subresource, and the Kubernetes verb.
struct RequestTarget: Sendable {
    var registration: ResourceRegistration
    var namespace: String?
    var name: String?
    var subresource: String?
    var verb: APIVerb

    var resource: ResourceKey { registration.key }
    var key: ObjectKey { ObjectKey(namespace: registration.isNamespaced ? (namespace ?? "") : "", name: name ?? "") }
    var isStatus: Bool { subresource == "status" }
}
