public import KubernetesCore

/// A namespaced request for addresses (`ipclaims.ipam.swift-ipam.io`).
///
/// The spec is immutable once created, like a PersistentVolumeClaim's.
/// ``ClaimDefinition`` is its validated form.
public struct IPClaim: Resource, Hashable {
    public static let group = IPAMAPI.group
    public static let version = IPAMAPI.version
    public static let kind = "IPClaim"
    public static let plural = "ipclaims"
    public static let isNamespaced = true

    public var metadata: ObjectMeta
    public var spec: IPClaimSpec
    public var status: IPClaimStatus?

    public init(metadata: ObjectMeta, spec: IPClaimSpec, status: IPClaimStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey { case metadata, spec, status }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decodeIfPresent(IPClaimSpec.self, forKey: .spec) ?? IPClaimSpec()
        status = try container.decodeIfPresent(IPClaimStatus.self, forKey: .status)
    }

    public func encode(to encoder: any Encoder) throws {
        try Self.typeMeta.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(spec, forKey: .spec)
        try container.encodeIfPresent(status, forKey: .status)
    }
}

/// What a workload asks for.
public struct IPClaimSpec: Codable, Hashable, Sendable {
    /// The pool to allocate from; exactly one of `pool` and `poolSelector`.
    public var pool: String?
    /// Labels choosing candidate pools, tried by priority then name.
    public var poolSelector: LabelSelector?
    /// `IPv4` and/or `IPv6`, primary first. Default `[IPv4]`, or the
    /// families of `addresses` when those are given.
    public var ipFamilies: [String]?
    /// Exact addresses wanted, at most one per family.
    public var addresses: [String]?

    public init(
        pool: String? = nil,
        poolSelector: LabelSelector? = nil,
        ipFamilies: [String]? = nil,
        addresses: [String]? = nil
    ) {
        self.pool = pool
        self.poolSelector = poolSelector
        self.ipFamilies = ipFamilies
        self.addresses = addresses
    }
}

/// What the controller allocated for a claim.
public struct IPClaimStatus: Codable, Hashable, Sendable {
    public var observedGeneration: Int64?
    /// The pool the addresses came from.
    public var pool: String?
    /// The addresses, in the order of the claim's families.
    public var addresses: [ClaimAddress]?
    public var conditions: [Condition]?

    public init(
        observedGeneration: Int64? = nil,
        pool: String? = nil,
        addresses: [ClaimAddress]? = nil,
        conditions: [Condition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.pool = pool
        self.addresses = addresses
        self.conditions = conditions
    }
}

/// One allocated address as written to a claim's status.
public struct ClaimAddress: Codable, Hashable, Sendable {
    public var address: String
    public var prefixLength: Int
    public var gateway: String?

    public init(address: String, prefixLength: Int, gateway: String? = nil) {
        self.address = address
        self.prefixLength = prefixLength
        self.gateway = gateway
    }
}

extension IPClaim: JSONReadable {
    /// Reads the same fields as `init(from:)`: missing or `null` metadata and spec read as empty.
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        let members = try KindMembers<IPClaimSpec, IPClaimStatus>(json: &reader)
        self.init(metadata: members.metadata, spec: members.spec ?? IPClaimSpec(), status: members.status)
    }
}

extension IPClaimSpec: JSONReadable {
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self.init()
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "pool": pool = try String?(json: &reader)
            case "poolSelector": poolSelector = try LabelSelector?(json: &reader)
            case "ipFamilies": ipFamilies = try [String]?(json: &reader)
            case "addresses": addresses = try [String]?(json: &reader)
            default: try reader.skipValue()
            }
        }
    }
}

extension IPClaimStatus: JSONReadable {
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self.init()
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "observedGeneration": observedGeneration = try Int64?(json: &reader)
            case "pool": pool = try String?(json: &reader)
            case "addresses": addresses = try [ClaimAddress]?(json: &reader)
            case "conditions": conditions = try [Condition]?(json: &reader)
            default: try reader.skipValue()
            }
        }
    }
}

extension ClaimAddress: JSONReadable {
    /// `address` and `prefixLength` are required.
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        var address: String?
        var prefixLength: Int?
        var gateway: String?
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "address": address = try String(json: &reader)
            case "prefixLength": prefixLength = try Int(json: &reader)
            case "gateway": gateway = try String?(json: &reader)
            default: try reader.skipValue()
            }
        }
        guard let address, let prefixLength else { throw reader.failure("a claim address needs address and prefixLength") }
        self.init(address: address, prefixLength: prefixLength, gateway: gateway)
    }
}
