/// Which addresses a pool may hand out, per family.
///
/// allocatable = cidrs − exclude − gateways − reserved, where reserved is the
/// network and broadcast address of every IPv4 prefix of /30 or wider and the
/// all-zeros (subnet-router anycast) address of every IPv6 prefix of /126 or
/// wider. /31, /32, /127 and /128 keep every address (RFC 3021, RFC 6164).
///
/// A layout is a pure value: it is computed once per pool spec and shared by
/// every allocation against that spec.
public struct PoolLayout: Hashable, Sendable {
    /// The pool's prefixes, sorted.
    public let cidrs: [IPPrefix]
    /// Addresses never handed out because the spec excludes them, per family.
    public let excluded: [IPAddress.Family: IntervalSet]
    /// The pool's gateways, in spec order.
    public let gateways: [IPAddress]
    /// The allocatable addresses of each family present in `cidrs`.
    public let spaces: [IPAddress.Family: AddressSpace]

    /// Builds the layout of a pool spec.
    ///
    /// - Throws: ``PoolLayoutError`` when there is no prefix or two prefixes overlap.
    ///   Exclusions and gateways outside every prefix are allowed (a gateway is
    ///   often outside a pool carved from a larger subnet) and simply remove nothing.
    public init(cidrs: [IPPrefix], exclude: [IPRange] = [], gateways: [IPAddress] = []) throws(PoolLayoutError) {
        guard !cidrs.isEmpty else { throw .noCIDRs }
        let sorted = cidrs.sorted()
        for (a, b) in zip(sorted, sorted.dropFirst()) where a.overlaps(b) {
            throw .overlappingCIDRs(a, b)
        }
        self.cidrs = sorted
        self.gateways = gateways
        var spaces: [IPAddress.Family: AddressSpace] = [:]
        var excluded: [IPAddress.Family: IntervalSet] = [:]
        for family in IPAddress.Family.allCases {
            let familyCIDRs = sorted.filter { $0.family == family }
            guard !familyCIDRs.isEmpty else { continue }
            let all = IntervalSet(familyCIDRs.map { $0.range.values })
            let excludedHere = IntervalSet(exclude.filter { $0.family == family }.map(\.values))
            excluded[family] = excludedHere
            let removed = excludedHere
                .union(IntervalSet(gateways.filter { $0.family == family }.map { $0.value...$0.value }))
                .union(IntervalSet(familyCIDRs.flatMap(Self.reservedValues)))
            spaces[family] = AddressSpace(family: family, values: all.subtracting(removed))
        }
        self.excluded = excluded
        self.spaces = spaces
    }

    /// The families this pool has prefixes for, IPv4 first.
    public var families: [IPAddress.Family] {
        IPAddress.Family.allCases.filter { spaces[$0] != nil }
    }

    /// The prefix of the pool that contains `address`, if any.
    public func prefix(containing address: IPAddress) -> IPPrefix? {
        cidrs.first { $0.contains(address) }
    }

    /// The gateway to hand out with `address`: the first gateway of its family
    /// inside the same prefix, else the first gateway of its family.
    public func gateway(for address: IPAddress) -> IPAddress? {
        // Called for every allocation: plain searches, no intermediate arrays.
        if let prefix = prefix(containing: address), let inside = gateways.first(where: prefix.contains) {
            return inside
        }
        return gateways.first { $0.family == address.family }
    }

    /// `address` as handed to a claim: with its prefix length and gateway.
    public func allocatedAddress(_ address: IPAddress) -> AllocatedAddress {
        AllocatedAddress(
            address: address,
            prefixLength: prefix(containing: address)?.length ?? address.family.bitWidth,
            gateway: gateway(for: address))
    }

    /// The allocation error for an address that has no index in this pool:
    /// `notInPool` outside every prefix, `excluded` (with the reason) inside.
    func notAllocatableError(_ address: IPAddress) -> AllocationError {
        let why = unavailability(of: address) ?? .outsidePool
        if why == .outsidePool { return .notInPool(address.family, address: address) }
        return .excluded(address, why)
    }

    /// Why `address` is not allocatable in this pool, or `nil` when it is.
    public func unavailability(of address: IPAddress) -> AddressUnavailability? {
        guard let prefix = prefix(containing: address) else { return .outsidePool }
        if gateways.contains(address) { return .gateway }
        if excluded[address.family]?.contains(address.value) == true { return .excluded }
        if Self.reservedValues(of: prefix).contains(where: { $0.contains(address.value) }) {
            return prefix.family == .ipv4 ? .networkOrBroadcast : .subnetRouterAnycast
        }
        return nil
    }

    /// The addresses of `prefix` that are never allocated.
    static func reservedValues(of prefix: IPPrefix) -> [ClosedRange<UInt128>] {
        let first = prefix.address.value
        let last = prefix.lastAddress.value
        switch prefix.family {
        case .ipv4 where prefix.length <= 30: return [first...first, last...last]
        case .ipv6 where prefix.length <= 126: return [first...first]
        default: return []
        }
    }
}

/// Why an address inside or near a pool cannot be allocated.
public enum AddressUnavailability: String, Hashable, Sendable, CustomStringConvertible {
    case outsidePool = "outside every CIDR of the pool"
    case excluded = "excluded by the pool"
    case gateway = "the pool's gateway"
    case networkOrBroadcast = "the network or broadcast address of its prefix"
    case subnetRouterAnycast = "the subnet-router anycast (all-zeros) address of its prefix"

    public var description: String { rawValue }
}

/// Why a pool spec has no valid layout.
public enum PoolLayoutError: Error, Hashable, Sendable, CustomStringConvertible {
    case noCIDRs
    case overlappingCIDRs(IPPrefix, IPPrefix)

    public var description: String {
        switch self {
        case .noCIDRs: "the pool has no CIDR"
        case .overlappingCIDRs(let a, let b): "CIDRs \(a) and \(b) overlap"
        }
    }
}
