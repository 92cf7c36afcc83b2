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
