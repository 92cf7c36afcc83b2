public import KubernetesCore

/// Direct access to the store, bypassing HTTP, authentication and faults: seed a cluster's state
/// before a test, inspect it after.
///
/// Seeding is a write like any other (new resourceVersion, watch events) but skips the
/// checks a client cannot skip: it replaces an existing object regardless of its
/// resourceVersion, keeps a given `uid`, `creationTimestamp` and `generation`, and keeps `status`.
extension FakeAPIServer {
    /// Creates or replaces an object given as JSON with `apiVersion`, `kind` and `metadata`.
    ///
    /// - Returns: the stored object, with its resourceVersion.
    /// - Throws: ``FakeAPIError`` when the kind is not registered or the metadata is invalid.
    @discardableResult
    public func seed(_ object: JSONValue) async throws(FakeAPIError) -> JSONValue {
        try await store.seed(object)
    }

    /// Creates or replaces a typed object; see ``seed(_:)-(JSONValue)``.
    @discardableResult
    public func seed<R: Resource>(_ object: R) async throws -> R {
        var json = try JSONValue(encoding: object)
        // Conformers should encode apiVersion and kind; fill them in if one does not.
        json["apiVersion"] = json["apiVersion"] ?? .string(R.apiVersion)
        json["kind"] = json["kind"] ?? .string(R.kind)
        return try await seed(json).decode(as: R.self)
    }

    /// Every stored object of a kind, ordered by namespace and name.
    public func objects(group: String, plural: String) async throws(FakeAPIError) -> [JSONValue] {
        try await store.objects(ResourceKey(group: group, plural: plural))
    }

    /// Every stored object of a kind, decoded.
    public func objects<R: Resource>(_ type: R.Type) async throws -> [R] {
        try await objects(group: R.group, plural: R.plural).map { try $0.decode(as: R.self) }
    }

    /// One stored object, or `nil`.
    public func object(group: String, plural: String, namespace: String? = nil, name: String) async -> JSONValue? {
        try? await store.get(ResourceKey(group: group, plural: plural), ObjectKey(namespace: namespace ?? "", name: name))
    }

    /// One stored object, decoded, or `nil` when there is none.
    public func object<R: Resource>(_ type: R.Type, namespace: String? = nil, name: String) async throws -> R? {
        try await object(group: R.group, plural: R.plural, namespace: R.isNamespaced ? namespace : nil, name: name)?
            .decode(as: R.self)
    }

    /// The current global resourceVersion (of the last write).
    public var resourceVersion: String {
        get async { String(await store.resourceVersion) }
    }
}
