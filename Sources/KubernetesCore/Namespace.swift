/// A read model of the core `v1` Namespace: metadata (its labels are what namespace selectors
/// match) and `status.phase`.
///
/// Decoding ignores `spec` (the `kubernetes` finalizer) and other status fields; do not write a
/// decoded Namespace back with a full update.
public struct Namespace: Resource, Hashable {
    /// The core group (empty).
    public static let group = ""
    /// `v1`.
    public static let version = "v1"
    /// `Namespace`.
    public static let kind = "Namespace"
    /// `namespaces`.
    public static let plural = "namespaces"
    /// Namespaces are cluster-scoped.
    public static let isNamespaced = false

    /// The Namespace's metadata.
    public var metadata: ObjectMeta
    /// The modelled subset of `status`.
    public var status: Status?

    /// Creates a Namespace value.
    public init(metadata: ObjectMeta, status: Status? = nil) {
        self.metadata = metadata
        self.status = status
    }

    /// The modelled subset of `NamespaceStatus`.
    public struct Status: Codable, Hashable, Sendable {
        /// `Active`, or `Terminating` once deletion has started.
        public var phase: Phase?

        /// Creates a status.
        public init(phase: Phase? = nil) {
            self.phase = phase
        }
    }

    /// A Namespace phase. An open set: unknown values decode as themselves.
    public struct Phase: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
        /// The namespace is in use.
        public static let active = Phase(rawValue: "Active")
        /// The namespace is being deleted; the server refuses new objects in it.
        public static let terminating = Phase(rawValue: "Terminating")

        /// The phase as Kubernetes spells it.
        public var rawValue: String

        /// Wraps any phase string.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The phase as Kubernetes spells it.
        public var description: String { rawValue }
    }

    private enum CodingKeys: String, CodingKey {
        case metadata, status
    }

    /// Encodes `apiVersion`, `kind` and the modelled fields; `nil` fields are omitted.
    public func encode(to encoder: any Encoder) throws {
        try Self.typeMeta.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metadata, forKey: .metadata)
        try container.encodeIfPresent(status, forKey: .status)
    }
}

extension Namespace: JSONReadable {
    /// Reads the same fields as the synthesized `init(from:)`: `metadata` is required.
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        var metadata: ObjectMeta?
        var status: Status?
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "metadata": metadata = try ObjectMeta(json: &reader)
            case "status": status = try Status?(json: &reader)
            default: try reader.skipValue()
            }
        }
        guard let metadata else { throw reader.failure("a Namespace without metadata") }
        self.init(metadata: metadata, status: status)
    }
}

extension Namespace.Status: JSONReadable {
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self.init()
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "phase": phase = reader.consumeNull() ? nil : try reader.readRawValue(Namespace.Phase.self)
            default: try reader.skipValue()
            }
        }
    }
}
