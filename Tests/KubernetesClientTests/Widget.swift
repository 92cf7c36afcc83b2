import KubernetesCore

/// A custom resource for tests: cluster-scoped `widgets.test.swift-ipam.io` or,
/// as ``Gadget``, namespaced — the two shapes our CRDs have.
struct Widget: Resource, Hashable {
    static let group = "test.swift-ipam.io"
    static let version = "v1"
    static let kind = "Widget"
    static let plural = "widgets"
    static let isNamespaced = false

    struct Spec: Codable, Hashable, Sendable {
        var size: Int
        var color: String?
    }

    struct Status: Codable, Hashable, Sendable {
        var phase: String?
    }

    var metadata: ObjectMeta
    var spec: Spec
    var status: Status?

    init(name: String, size: Int, labels: [String: String]? = nil) {
        metadata = ObjectMeta(name: name, labels: labels)
        spec = Spec(size: size)
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
}

/// The namespaced twin of ``Widget``.
struct Gadget: Resource, Hashable {
    static let group = "test.swift-ipam.io"
    static let version = "v1"
    static let kind = "Gadget"
    static let plural = "gadgets"
    static let isNamespaced = true

    var metadata: ObjectMeta
    var spec: Widget.Spec

    init(namespace: String, name: String, size: Int) {
        metadata = ObjectMeta(name: name, namespace: namespace)
        spec = Widget.Spec(size: size)
    }

    private enum CodingKeys: String, CodingKey { case metadata, spec }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decode(ObjectMeta.self, forKey: .metadata)
        spec = try container.decode(Widget.Spec.self, forKey: .spec)
    }

    func encode(to encoder: any Encoder) throws {
        try Self.typeMeta.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(spec, forKey: .spec)
    }
}
