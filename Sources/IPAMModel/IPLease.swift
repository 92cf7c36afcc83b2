public import Foundation
public import KubernetesCore

/// One allocated address (`ipleases.ipam.swift-ipam.io`), cluster-scoped and
/// named by its address (see `IPAddress.leaseName`), so the API server itself
/// refuses a second lease for an address.
public struct IPLease: Resource, Hashable {
    public static let group = IPAMAPI.group
    public static let version = IPAMAPI.version
    public static let kind = "IPLease"
    public static let plural = "ipleases"
    public static let isNamespaced = false

    public var metadata: ObjectMeta
    public var spec: IPLeaseSpec
    public var status: IPLeaseStatus?

    public init(metadata: ObjectMeta, spec: IPLeaseSpec, status: IPLeaseStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    /// Whether the lease is released and cooling down.
    public var isReleased: Bool { status?.releasedAt != nil }

    private enum CodingKeys: String, CodingKey { case metadata, spec, status }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decode(IPLeaseSpec.self, forKey: .spec)
        status = try container.decodeIfPresent(IPLeaseStatus.self, forKey: .status)
    }

    public func encode(to encoder: any Encoder) throws {
        try Self.typeMeta.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(spec, forKey: .spec)
        try container.encodeIfPresent(status, forKey: .status)
    }
}

/// Which address, from which pool, for which claim.
public struct IPLeaseSpec: Codable, Hashable, Sendable {
    /// The address in canonical text.
    public var address: String
    /// The pool it was allocated from.
    public var pool: String
    /// The claim holding it, identified by UID as well as by name.
    public var claimRef: ClaimReference

    public init(address: String, pool: String, claimRef: ClaimReference) {
        self.address = address
        self.pool = pool
        self.claimRef = claimRef
    }
}

/// A reference to an IPClaim, compared by UID, never by name alone.
public struct ClaimReference: Codable, Hashable, Sendable {
    public var namespace: String
    public var name: String
    public var uid: String?

    public init(namespace: String, name: String, uid: String? = nil) {
        self.namespace = namespace
        self.name = name
        self.uid = uid
    }
}

/// A lease's release state.
public struct IPLeaseStatus: Codable, Hashable, Sendable {
    /// When the lease was released; set means it is cooling down and is
    /// deleted once the pool's cooldown has passed.
    public var releasedAt: Date?

    public init(releasedAt: Date? = nil) { self.releasedAt = releasedAt }

    private enum CodingKeys: String, CodingKey { case releasedAt }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        releasedAt = try container.decodeRFC3339IfPresent(forKey: .releasedAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeRFC3339IfPresent(releasedAt, forKey: .releasedAt)
    }
}

extension IPLease: JSONReadable {
    /// Reads the same fields as `init(from:)`: `spec` is required, missing or `null` metadata
    /// reads as empty.
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        let members = try KindMembers<IPLeaseSpec, IPLeaseStatus>(json: &reader)
        guard let spec = members.spec else { throw reader.failure("an IPLease without spec") }
        self.init(metadata: members.metadata, spec: spec, status: members.status)
    }
}

extension IPLeaseSpec: JSONReadable {
    /// `address`, `pool` and `claimRef` are required.
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        var address: String?
        var pool: String?
        var claimRef: ClaimReference?
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "address": address = try String(json: &reader)
            case "pool": pool = try String(json: &reader)
            case "claimRef": claimRef = try ClaimReference(json: &reader)
            default: try reader.skipValue()
            }
        }
        guard let address, let pool, let claimRef else {
            throw reader.failure("an IPLease spec needs address, pool and claimRef")
        }
        self.init(address: address, pool: pool, claimRef: claimRef)
    }
}

extension ClaimReference: JSONReadable {
    /// `namespace` and `name` are required.
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        var namespace: String?
        var name: String?
        var uid: String?
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "namespace": namespace = try String(json: &reader)
            case "name": name = try String(json: &reader)
            case "uid": uid = try String?(json: &reader)
            default: try reader.skipValue()
            }
        }
        guard let namespace, let name else { throw reader.failure("a claim reference needs namespace and name") }
        self.init(namespace: namespace, name: name, uid: uid)
    }
}

extension IPLeaseStatus: JSONReadable {
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self.init()
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "releasedAt": releasedAt = try reader.readRFC3339OrNull()
            default: try reader.skipValue()
            }
        }
    }
}
