import KubernetesCore

/// A namespaced custom resource shaped like an IPClaim (`testclaims.test.swift-ipam.io`), for the
/// watcher, store and controller tests.
struct TestClaim: Resource, Hashable {
    static let group = "test.swift-ipam.io"
    static let version = "v1"
    static let kind = "TestClaim"
    static let plural = "testclaims"
    static let isNamespaced = true

    struct Spec: Codable, Hashable, Sendable {
        var pool: String
        var families: [String]?
    }

    struct Status: Codable, Hashable, Sendable {
        var addresses: [String]?
        var phase: String?
    }

    var metadata: ObjectMeta
    var spec: Spec
    var status: Status?

    init(namespace: String = "default", name: String, pool: String, labels: [String: String]? = nil) {
        metadata = ObjectMeta(name: name, namespace: namespace, labels: labels)
        spec = Spec(pool: pool, families: ["IPv4"])
    }

    private enum CodingKeys: String, CodingKey { case metadata, spec, status }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decode(ObjectMeta.self, forKey: .metadata)
        spec = try container.decode(Spec.self, forKey: .spec)
        status = try container.decodeIfPresent(Status.self, forKey: .status)
    }

    func encode(to encoder: any Encoder) throws {
        try Self.typeMeta.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(spec, forKey: .spec)
        try container.encodeIfPresent(status, forKey: .status)
    }

    /// A copy with `resourceVersion` and `uid` set, as if it came from the server.
    func stored(version: Int, uid: String? = nil) -> TestClaim {
        var copy = self
        copy.metadata.resourceVersion = String(version)
        copy.metadata.uid = uid ?? "uid-\(metadata.namespace ?? "")-\(metadata.name ?? "")"
        return copy
    }
}

/// A cluster-scoped custom resource shaped like an IPPool (`testpools.test.swift-ipam.io`): the
/// related resource of the controller tests.
struct TestPool: Resource, Hashable {
    static let group = "test.swift-ipam.io"
    static let version = "v1"
    static let kind = "TestPool"
    static let plural = "testpools"
    static let isNamespaced = false

    struct Spec: Codable, Hashable, Sendable {
        var cidr: String
    }

    var metadata: ObjectMeta
    var spec: Spec

    init(name: String, cidr: String) {
        metadata = ObjectMeta(name: name)
        spec = Spec(cidr: cidr)
    }

    private enum CodingKeys: String, CodingKey { case metadata, spec }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decode(ObjectMeta.self, forKey: .metadata)
        spec = try container.decode(Spec.self, forKey: .spec)
    }

    func encode(to encoder: any Encoder) throws {
        try Self.typeMeta.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(spec, forKey: .spec)
    }
}
