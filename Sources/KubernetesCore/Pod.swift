/// A read model of the core `v1` Pod: its metadata and the few spec and status fields this
/// project reads.
///
/// Decoding ignores every other field. Encoding writes `apiVersion`, `kind` and the modelled
/// fields only, so a decoded Pod must never be written back with a full update (PUT): that would
/// drop the containers. Change Pods with patches (for example of `metadata.annotations`).
public struct Pod: Resource, Hashable {
    /// The core group (empty).
    public static let group = ""
    /// `v1`.
    public static let version = "v1"
    /// `Pod`.
    public static let kind = "Pod"
    /// `pods`.
    public static let plural = "pods"
    /// Pods are namespaced.
    public static let isNamespaced = true

    /// The Pod's metadata.
    public var metadata: ObjectMeta
    /// The subset of `spec` modelled here.
    public var spec: Spec?
    /// The subset of `status` modelled here.
    public var status: Status?

    /// Creates a Pod value.
    public init(metadata: ObjectMeta, spec: Spec? = nil, status: Status? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// The modelled subset of `PodSpec`.
    public struct Spec: Codable, Hashable, Sendable {
        /// The node the Pod is bound to; `nil` until the scheduler binds it.
        public var nodeName: String?
        /// The containers: name and image only, enough to create a Pod (end-to-end tests do).
        public var containers: [Container]?

        /// Creates a spec.
        public init(nodeName: String? = nil, containers: [Container]? = nil) {
            self.nodeName = nodeName
            self.containers = containers
        }
    }

    /// The modelled subset of a container: its name and image.
    public struct Container: Codable, Hashable, Sendable {
        public var name: String
        public var image: String?

        public init(name: String, image: String? = nil) {
            self.name = name
            self.image = image
        }
    }

    /// The modelled subset of `PodStatus`.
    public struct Status: Codable, Hashable, Sendable {
        /// The Pod's lifecycle phase; a summary, not a state machine to reason from.
        public var phase: Phase?
        /// The addresses the cluster network assigned, primary first; at most one per family.
        public var podIPs: [PodIP]?

        /// Creates a status.
        public init(phase: Phase? = nil, podIPs: [PodIP]? = nil) {
            self.phase = phase
            self.podIPs = podIPs
        }
    }

    /// A Pod phase. An open set: values the server adds later decode as themselves.
    public struct Phase: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
        /// Accepted, but not all containers are running yet.
        public static let pending = Phase(rawValue: "Pending")
        /// Bound to a node, all containers created, at least one running.
        public static let running = Phase(rawValue: "Running")
        /// All containers terminated successfully and will not restart.
        public static let succeeded = Phase(rawValue: "Succeeded")
        /// All containers terminated, at least one in failure.
        public static let failed = Phase(rawValue: "Failed")
        /// The state could not be obtained (usually a node communication problem).
        public static let unknown = Phase(rawValue: "Unknown")

        /// The phase as Kubernetes spells it.
        public var rawValue: String

        /// Wraps any phase string.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The phase as Kubernetes spells it.
        public var description: String { rawValue }
    }

    /// One entry of `status.podIPs`.
    public struct PodIP: Codable, Hashable, Sendable {
        /// The address in text form, as the network plugin reported it (not re-validated here).
        public var ip: String

        /// Creates an entry.
        public init(ip: String) {
            self.ip = ip
        }
    }

    private enum CodingKeys: String, CodingKey {
        case metadata, spec, status
    }

    /// Encodes `apiVersion`, `kind` and the modelled fields; `nil` fields are omitted.
    public func encode(to encoder: any Encoder) throws {
        try Self.typeMeta.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metadata, forKey: .metadata)
        try container.encodeIfPresent(spec, forKey: .spec)
        try container.encodeIfPresent(status, forKey: .status)
    }
}

extension Pod: JSONReadable {
    /// Reads the same fields as the synthesized `init(from:)`: `metadata` is required.
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        var metadata: ObjectMeta?
        var spec: Spec?
        var status: Status?
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "metadata": metadata = try ObjectMeta(json: &reader)
            case "spec": spec = try Spec?(json: &reader)
            case "status": status = try Status?(json: &reader)
            default: try reader.skipValue()
            }
        }
        guard let metadata else { throw reader.failure("a Pod without metadata") }
        self.init(metadata: metadata, spec: spec, status: status)
    }
}

extension Pod.Spec: JSONReadable {
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self.init()
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "nodeName": nodeName = try String?(json: &reader)
            case "containers": containers = try [Pod.Container]?(json: &reader)
            default: try reader.skipValue()
            }
        }
    }
}

extension Pod.Container: JSONReadable {
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        var name: String?
        var image: String?
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "name": name = try String(json: &reader)
            case "image": image = try String?(json: &reader)
            default: try reader.skipValue()
            }
        }
        guard let name else { throw reader.failure("a container without a name") }
        self.init(name: name, image: image)
    }
}

extension Pod.Status: JSONReadable {
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self.init()
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "phase": phase = reader.consumeNull() ? nil : try reader.readRawValue(Pod.Phase.self)
            case "podIPs": podIPs = try [Pod.PodIP]?(json: &reader)
            default: try reader.skipValue()
            }
        }
    }
}

extension Pod.PodIP: JSONReadable {
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        var ip: String?
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "ip": ip = try String(json: &reader)
            default: try reader.skipValue()
            }
        }
        guard let ip else { throw reader.failure("a Pod IP without ip") }
        self.init(ip: ip)
    }
}
