@testable import IPAM

/// A slow, obviously correct model of ``PoolAllocator`` for small pools.
///
/// It shares no code with the allocator it checks: no `PoolLayout`,
/// `AddressSpace`, `IntervalSet` or `OccupancyBitmap`. It lists every
/// allocatable address by walking each CIDR one address at a time, keeps
/// plain sets and dictionaries, and scans lists linearly. The rules are the
/// documented ones:
///
/// - allocatable = cidrs − exclude − gateways − reserved; reserved is the first
///   and last address of an IPv4 prefix of /30 or wider and the first address of
///   an IPv6 prefix of /126 or wider (PoolLayout).
/// - An unavailable address is reported as a gateway first, then as excluded,
///   then as reserved (PoolLayout.unavailability).
/// - Sequential: the lowest free address. Hashed: FNV-1a 64 of
///   `namespace/name` modulo the number of allocatable addresses, then the
///   first free one from there, wrapping.
/// - A claim with a cooling address in a family gets it back (its most
///   recently released one still cooling) instead of a new one, whatever the strategy.
/// - A static address must be allocatable and free, or cooling for this claim.
/// - A request gets every family or none; nothing changes when it fails.
struct ReferenceAllocator {
    let cidrs: [IPPrefix]
    let exclude: [IPRange]
    let gateways: [IPAddress]
    let strategy: AllocationStrategy
    /// Every allocatable address, ascending, for each family with at least one CIDR.
    let allocatable: [IPAddress.Family: [IPAddress]]
    /// The same addresses, for membership tests.
    let allocatableSet: Set<IPAddress>

    private(set) var allocated: Set<IPAddress> = []
    private(set) var cooling: [IPAddress: ClaimIdentity] = [:]
    /// When each cooling address was (last) released, in operation counts.
    private var releasedAt: [IPAddress: Int] = [:]
    private var clock = 0

    /// Two prefixes of one family overlap when their ranges intersect.
    static func overlap(in cidrs: [IPPrefix]) -> (IPPrefix, IPPrefix)? {
        for (i, a) in cidrs.enumerated() {
            for b in cidrs[(i + 1)...] where a.family == b.family {
                if a.address.value <= b.lastAddress.value, b.address.value <= a.lastAddress.value {
                    return (a, b)
                }
            }
        }
        return nil
    }

    /// `nil` for a pool spec without a valid layout (no CIDR or overlapping CIDRs).
    init?(cidrs: [IPPrefix], exclude: [IPRange], gateways: [IPAddress], strategy: AllocationStrategy) {
        guard !cidrs.isEmpty, Self.overlap(in: cidrs) == nil else { return nil }
        self.cidrs = cidrs
        self.exclude = exclude
        self.gateways = gateways
        self.strategy = strategy
        var allocatable: [IPAddress.Family: [IPAddress]] = [:]
        for cidr in cidrs {
            var value = cidr.address.value
            let last = cidr.lastAddress.value
            var list = allocatable[cidr.family, default: []]
            while true {
                let address = IPAddress(family: cidr.family, value: value)
                if Self.unavailability(of: address, cidrs: cidrs, exclude: exclude, gateways: gateways) == nil {
                    list.append(address)
                }
                if value == last { break }
                value += 1
            }
            allocatable[cidr.family] = list
        }
        self.allocatable = allocatable.mapValues { $0.sorted() }
        self.allocatableSet = Set(allocatable.values.joined())
    }

    static func unavailability(
        of address: IPAddress,
        cidrs: [IPPrefix],
        exclude: [IPRange],
        gateways: [IPAddress]
    ) -> AddressUnavailability? {
        guard let cidr = cidrs.first(where: { $0.contains(address) }) else { return .outsidePool }
        if gateways.contains(address) { return .gateway }
        if exclude.contains(where: { $0.contains(address) }) { return .excluded }
        switch cidr.family {
        case .ipv4 where cidr.length <= 30:
            if address == cidr.address || address == cidr.lastAddress { return .networkOrBroadcast }
        case .ipv6 where cidr.length <= 126:
            if address == cidr.address { return .subnetRouterAnycast }
        default:
            break
        }
        return nil
    }

    func unavailability(of address: IPAddress) -> AddressUnavailability? {
        Self.unavailability(of: address, cidrs: cidrs, exclude: exclude, gateways: gateways)
    }

    func isAllocatable(_ address: IPAddress) -> Bool {
        allocatableSet.contains(address)
    }

    /// The error for an address that is not allocatable.
    func notAllocatableError(_ address: IPAddress) -> AllocationError {
        let why = unavailability(of: address) ?? .outsidePool
        return why == .outsidePool ? .notInPool(address.family, address: address) : .excluded(address, why)
    }

    static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
        }
        return hash
    }

    func isFree(_ address: IPAddress) -> Bool {
        !allocated.contains(address) && cooling[address] == nil
    }

    /// The address a dynamic request of `family` by `claim` gets, if any.
    func dynamicChoice(for claim: ClaimIdentity, family: IPAddress.Family) -> IPAddress? {
        let mine = cooling.filter { $0.key.family == family && $0.value == claim }.keys
        if let newest = mine.max(by: { releasedAt[$0]! < releasedAt[$1]! }) { return newest }
        let list = allocatable[family] ?? []
        guard !list.isEmpty else { return nil }
        switch strategy {
        case .sequential:
            return list.first(where: isFree)
        case .hashed:
            let preferred = Int(Self.fnv1a64(claim.key) % UInt64(list.count))
            let order = Array(list[preferred...]) + Array(list[..<preferred])
            return order.first(where: isFree)
        }
    }

    mutating func allocate(
        for claim: ClaimIdentity, _ request: AllocationRequest
    ) -> Result<[AllocatedAddress], AllocationError> {
        clock += 1
        var chosen: [IPAddress] = []
        for family in request.families {
            guard allocatable[family] != nil else { return .failure(.notInPool(family, address: nil)) }
            if let address = request.staticAddress(for: family) {
                guard isAllocatable(address) else { return .failure(notAllocatableError(address)) }
                if let holder = cooling[address] {
                    guard holder == claim else { return .failure(.coolingDown(address)) }
                } else if allocated.contains(address) {
                    return .failure(.inUse(address))
                }
                chosen.append(address)
            } else if let address = dynamicChoice(for: claim, family: family) {
                chosen.append(address)
            } else {
                return .failure(.exhausted(family))
            }
        }
        for address in chosen {
            allocated.insert(address)
            cooling[address] = nil
            releasedAt[address] = nil
        }
        return .success(chosen.map(allocatedAddress))
    }

    func allocatedAddress(_ address: IPAddress) -> AllocatedAddress {
        let cidr = cidrs.first { $0.contains(address) }!
        let sameFamily = gateways.filter { $0.family == address.family }
        return AllocatedAddress(
            address: address,
            prefixLength: cidr.length,
            gateway: sameFamily.first(where: cidr.contains) ?? sameFamily.first
        )
    }

    mutating func markAllocated(_ address: IPAddress) -> Result<Void, AllocationError> {
        clock += 1
        guard isAllocatable(address) else { return .failure(notAllocatableError(address)) }
        guard isFree(address) else { return .failure(.inUse(address)) }
        allocated.insert(address)
        return .success(())
    }

    mutating func markCooling(_ address: IPAddress, releasedBy claim: ClaimIdentity) -> Result<Void, AllocationError> {
        clock += 1
        guard isAllocatable(address) else { return .failure(notAllocatableError(address)) }
        allocated.remove(address)
        cooling[address] = claim
        releasedAt[address] = clock
        return .success(())
    }

    mutating func release(_ address: IPAddress) -> Bool {
        clock += 1
        let wasAllocated = allocated.remove(address) != nil
        let wasCooling = cooling.removeValue(forKey: address) != nil
        releasedAt[address] = nil
        return wasAllocated || wasCooling
    }

    func state(of address: IPAddress) -> AddressState {
        guard isAllocatable(address) else { return .unavailable(unavailability(of: address) ?? .outsidePool) }
        if let holder = cooling[address] { return .cooling(releasedBy: holder) }
        return allocated.contains(address) ? .allocated : .free
    }

    func usage(of family: IPAddress.Family) -> FamilyUsage? {
        guard let list = allocatable[family] else { return nil }
        return FamilyUsage(
            size: UInt128(list.count),
            allocated: UInt128(allocated.count { $0.family == family }),
            cooling: UInt128(cooling.keys.count { $0.family == family })
        )
    }
}
