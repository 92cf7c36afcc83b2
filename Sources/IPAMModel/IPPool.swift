public import KubernetesCore

/// A cluster-scoped pool of addresses (`ippools.ipam.swift-ipam.io`).
///
/// The spec is kept as written (strings, optional fields) so that a bad value
/// becomes a validation problem naming its field rather than a decoding
/// failure; ``PoolDefinition`` is the validated form.
public struct IPPool: Resource, Hashable {
    public static let group = IPAMAPI.group
    public static let version = IPAMAPI.version
    public static let kind = "IPPool"
    public static let plural = "ippools"
    public static let isNamespaced = false

    public var metadata: ObjectMeta
    public var spec: IPPoolSpec
    public var status: IPPoolStatus?

    public init(metadata: ObjectMeta, spec: IPPoolSpec, status: IPPoolStatus? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    private enum CodingKeys: String, CodingKey { case metadata, spec, status }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decodeIfPresent(ObjectMeta.self, forKey: .metadata) ?? ObjectMeta()
        spec = try container.decode(IPPoolSpec.self, forKey: .spec)
        status = try container.decodeIfPresent(IPPoolStatus.self, forKey: .status)
    }

    public func encode(to encoder: any Encoder) throws {
        try Self.typeMeta.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(spec, forKey: .spec)
        try container.encodeIfPresent(status, forKey: .status)
    }
}

/// What an operator declares about a pool.
public struct IPPoolSpec: Codable, Hashable, Sendable {
    /// IPv4 and/or IPv6 prefixes, e.g. `10.10.0.0/24`, `fd00:10::/120`.
    public var cidrs: [String]
    /// Addresses never handed out: single addresses, `FIRST-LAST` ranges or prefixes.
    public var exclude: [String]?
    /// Gateways returned with each address; never handed out.
    public var gateways: [String]?
    /// `Sequential` (default) or `Hashed`.
    public var strategy: String?
    /// Which namespaces may claim from this pool; absent means all.
    public var namespaceSelector: LabelSelector?
    /// Higher is preferred when a claim selects pools by label. Default 0.
    public var priority: Int32?
    /// When true, no new allocations; existing ones are kept.
    public var paused: Bool?
    /// How long a released address is kept for its previous claim. Default 30.
    public var reuseCooldownSeconds: Int64?

    public init(
        cidrs: [String],
        exclude: [String]? = nil,
        gateways: [String]? = nil,
        strategy: String? = nil,
        namespaceSelector: LabelSelector? = nil,
        priority: Int32? = nil,
        paused: Bool? = nil,
        reuseCooldownSeconds: Int64? = nil
    ) {
        self.cidrs = cidrs
        self.exclude = exclude
        self.gateways = gateways
        self.strategy = strategy
        self.namespaceSelector = namespaceSelector
        self.priority = priority
        self.paused = paused
        self.reuseCooldownSeconds = reuseCooldownSeconds
    }
}

/// What the controller observed about a pool.
public struct IPPoolStatus: Codable, Hashable, Sendable {
    public var observedGeneration: Int64?
    public var ipv4: FamilyStatus?
    public var ipv6: FamilyStatus?
    public var conditions: [Condition]?

    public init(
        observedGeneration: Int64? = nil,
        ipv4: FamilyStatus? = nil,
        ipv6: FamilyStatus? = nil,
        conditions: [Condition]? = nil
    ) {
        self.observedGeneration = observedGeneration
        self.ipv4 = ipv4
        self.ipv6 = ipv6
        self.conditions = conditions
    }
}

/// Address counts of one family. `size` and `free` are decimal strings
/// because IPv6 sizes exceed 64 bits; `allocated` and `cooling` count lease
/// objects and always fit.
public struct FamilyStatus: Codable, Hashable, Sendable {
    public var size: String
    public var allocated: Int64
    public var cooling: Int64?
    public var free: String

    public init(size: String, allocated: Int64, cooling: Int64? = nil, free: String) {
        self.size = size
        self.allocated = allocated
        self.cooling = cooling
        self.free = free
    }
}

extension IPPool: JSONReadable {
    /// Reads the same fields as `init(from:)`: `spec` is required, missing or `null` metadata
    /// reads as empty.
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        let members = try KindMembers<IPPoolSpec, IPPoolStatus>(json: &reader)
        guard let spec = members.spec else { throw reader.failure("an IPPool without spec") }
        self.init(metadata: members.metadata, spec: spec, status: members.status)
    }
}

extension IPPoolSpec: JSONReadable {
    /// `cidrs` is required.
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        var cidrs: [String]?
        self.init(cidrs: [])
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "cidrs": cidrs = try [String](json: &reader)
            case "exclude": exclude = try [String]?(json: &reader)
            case "gateways": gateways = try [String]?(json: &reader)
            case "strategy": strategy = try String?(json: &reader)
            case "namespaceSelector": namespaceSelector = try LabelSelector?(json: &reader)
            case "priority": priority = try Int32?(json: &reader)
            case "paused": paused = try Bool?(json: &reader)
            case "reuseCooldownSeconds": reuseCooldownSeconds = try Int64?(json: &reader)
            default: try reader.skipValue()
            }
        }
        guard let cidrs else { throw reader.failure("an IPPool spec without cidrs") }
        self.cidrs = cidrs
    }
}

extension IPPoolStatus: JSONReadable {
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self.init()
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "observedGeneration": observedGeneration = try Int64?(json: &reader)
            case "ipv4": ipv4 = try FamilyStatus?(json: &reader)
            case "ipv6": ipv6 = try FamilyStatus?(json: &reader)
            case "conditions": conditions = try [Condition]?(json: &reader)
            default: try reader.skipValue()
            }
        }
    }
}

extension FamilyStatus: JSONReadable {
    /// `size`, `allocated` and `free` are required.
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        var size: String?
        var allocated: Int64?
        var cooling: Int64?
        var free: String?
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "size": size = try String(json: &reader)
            case "allocated": allocated = try Int64(json: &reader)
            case "cooling": cooling = try Int64?(json: &reader)
            case "free": free = try String(json: &reader)
            default: try reader.skipValue()
            }
        }
        guard let size, let allocated, let free else {
            throw reader.failure("a family status needs size, allocated and free")
        }
        self.init(size: size, allocated: allocated, cooling: cooling, free: free)
    }
}
