/// The deterministic allocator of one pool.
///
/// A pure function of (layout, strategy, occupied addresses, claim identity,
/// request): no randomness, no clock, no process-seeded hashing. Two
/// allocators fed the same history give the same answers in any process.
///
/// Each address is in one of three states: free; allocated; or cooling down
/// (released, but reserved for the claim that held it until the caller
/// releases it for good). The allocator does not know who holds an allocated
/// address; the caller (the controller, `ipamctl plan`) does.
///
/// Guarantees:
/// - An allocated or cooling address is never handed out again, except a
///   cooling address to the claim that released it.
/// - A request for several families gets all of them or none (atomic).
/// - A claim that has a cooling address in a family gets it back, whatever
///   the strategy, so its address is stable across delete and re-create.
///
/// Not guaranteed: fairness among claims, or that a `Hashed` claim gets its
/// preferred address (only the first free one at or after it).
///
/// Cost: O(1) amortized per allocation in the common cases, memory in
/// proportion to the allocated addresses, never to the pool size.
public struct PoolAllocator: Sendable {
    /// The addresses this pool may hand out.
    public let layout: PoolLayout
    /// How free addresses are chosen.
    public let strategy: AllocationStrategy
    /// Per-family state in plain stored properties: a dictionary here would
    /// hash the family and copy the state on every allocation.
    private var ipv4: FamilyState?
    private var ipv6: FamilyState?

    /// The state of `family`, read or changed in place (no copy of its tables).
    private subscript(family: IPAddress.Family) -> FamilyState? {
        get {
            switch family {
            case .ipv4: ipv4
            case .ipv6: ipv6
            }
        }
        _modify {
            switch family {
            case .ipv4: yield &ipv4
            case .ipv6: yield &ipv6
            }
        }
    }

    /// The state of one family's address space.
    struct FamilyState: Sendable {
        let space: AddressSpace
        var occupied: OccupancyBitmap
        /// Cooling index → the claim that released it.
        var coolingHolders: [UInt128: ClaimIdentity] = [:]
        /// Claim → its still cooling indices, oldest release first (usually one).
        /// The last is the one the claim gets back; when it stops cooling, the
        /// one before it is next, so a claim never loses a cooling address.
        var coolingByClaim: [ClaimIdentity: [UInt128]] = [:]

        init(space: AddressSpace) {
            self.space = space
            self.occupied = OccupancyBitmap(capacity: space.size)
        }
    }

    /// An allocator for `layout` with nothing allocated.
    public init(layout: PoolLayout, strategy: AllocationStrategy) {
        self.layout = layout
        self.strategy = strategy
        self.ipv4 = layout.spaces[.ipv4].map(FamilyState.init)
        self.ipv6 = layout.spaces[.ipv6].map(FamilyState.init)
    }

    // MARK: Allocation

    /// Allocates addresses for `claim`, all families or none.
    ///
    /// - Returns: one address per requested family, in request order.
    /// - Throws: ``AllocationError``; the allocator is unchanged when it throws.
    public mutating func allocate(
        for claim: ClaimIdentity,
        _ request: AllocationRequest
    ) throws(AllocationError) -> [AllocatedAddress] {
        // Decide every family first, commit only when all succeeded. At most
        // two families: fixed locals, no array.
        var first: (IPAddress.Family, UInt128)?
        var second: (IPAddress.Family, UInt128)?
        for family in request.families {
            // Through the stored property itself: a local copy of the state
            // would still hold its tables when `take` writes them, and force a copy.
            let index: UInt128
            let wanted = request.staticAddress(for: family)
            switch family {
            case .ipv4:
                guard ipv4 != nil else { throw .notInPool(family, address: nil) }
                index = try ipv4!.choose(for: claim, wanted, strategy: strategy, layout: layout)
            case .ipv6:
                guard ipv6 != nil else { throw .notInPool(family, address: nil) }
                index = try ipv6!.choose(for: claim, wanted, strategy: strategy, layout: layout)
            }
            if first == nil { first = (family, index) } else { second = (family, index) }
        }
        var result: [AllocatedAddress] = []
        result.reserveCapacity(second == nil ? 1 : 2)
        if let (family, index) = first { result.append(take(index, of: family, for: claim)) }
        if let (family, index) = second { result.append(take(index, of: family, for: claim)) }
        return result
    }

    /// Takes `index` of `family` for `claim` and describes the address.
    private mutating func take(_ index: UInt128, of family: IPAddress.Family, for claim: ClaimIdentity) -> AllocatedAddress {
        // Stored properties and a static helper only: reading `self` here
        // (a getter, an instance method) would copy the whole allocator.
        let address: IPAddress
        switch family {
        case .ipv4: address = ipv4!.take(index, for: claim)
        case .ipv6: address = ipv6!.take(index, for: claim)
        }
        return layout.allocatedAddress(address)
    }

    /// The index a `Hashed` pool of `size` addresses prefers for `claim`:
    /// FNV-1a 64 of `namespace/name`, modulo `size`.
    public static func preferredIndex(for claim: ClaimIdentity, size: UInt128) -> UInt128 {
        // 64-bit division when the size allows: 128-bit division is a slow library call.
        if let small = UInt64(exactly: size) { return UInt128(claim.placementHash % small) }
        return UInt128(claim.placementHash) % size
    }

    // MARK: Rebuilding state and releasing

    /// Records `address` as allocated (for example from an existing lease).
    ///
    /// - Throws: ``AllocationError/notInPool(_:address:)`` or
    ///   ``AllocationError/excluded(_:_:)`` when the address is not allocatable
    ///   here (the caller still owns that lease and must report it), and
    ///   ``AllocationError/inUse(_:)`` when it is already recorded.
    public mutating func markAllocated(_ address: IPAddress) throws(AllocationError) {
        let index = try allocatableIndex(of: address)
        guard self[address.family]!.occupied.insert(index) else { throw .inUse(address) }
    }

    /// Records `address` as released by `claim` and cooling down: taken for
    /// every other claim, free for `claim`. Marks it allocated if it was not.
    public mutating func markCooling(_ address: IPAddress, releasedBy claim: ClaimIdentity) throws(AllocationError) {
        let index = try allocatableIndex(of: address)
        self[address.family]!.cool(index, releasedBy: claim)
    }

    /// Makes `address` free for everyone; returns whether it was allocated or cooling.
    @discardableResult
    public mutating func release(_ address: IPAddress) -> Bool {
        guard let index = self[address.family]?.space.index(of: address) else { return false }
        return self[address.family]!.free(index)
    }

    private func allocatableIndex(of address: IPAddress) throws(AllocationError) -> UInt128 {
        if let index = self[address.family]?.space.index(of: address) { return index }
        throw layout.notAllocatableError(address)
    }

    // MARK: Inspection

    /// The state of `address` in this pool.
    public func state(of address: IPAddress) -> AddressState {
        guard let state = self[address.family], let index = state.space.index(of: address) else {
            return .unavailable(layout.unavailability(of: address) ?? .outsidePool)
        }
        guard state.occupied.contains(index) else { return .free }
        if let holder = state.coolingHolders[index] { return .cooling(releasedBy: holder) }
        return .allocated
    }

    /// An estimate of the bytes this allocator's state occupies (hash table
    /// storage at its current capacity), for capacity planning and metrics.
    public var approximateMemoryBytes: Int {
        [ipv4, ipv6].compactMap { $0 }.reduce(0) { total, state in
            total + state.occupied.approximateMemoryBytes
                + state.coolingHolders.capacity * (MemoryLayout<UInt128>.stride + MemoryLayout<ClaimIdentity>.stride)
                + state.coolingByClaim.capacity * (MemoryLayout<UInt128>.stride + MemoryLayout<ClaimIdentity>.stride)
        }
    }

    /// Counts for one family, or `nil` when the pool has no CIDR of it.
    public func usage(of family: IPAddress.Family) -> FamilyUsage? {
        guard let state = self[family] else { return nil }
        let cooling = UInt128(state.coolingHolders.count)
        return FamilyUsage(
            size: state.space.size,
            allocated: state.occupied.count - cooling,
            cooling: cooling
        )
    }
}

extension PoolAllocator.FamilyState {
    /// The index to give `claim` in this family, without taking it.
    func choose(
        for claim: ClaimIdentity, _ staticAddress: IPAddress?, strategy: AllocationStrategy, layout: PoolLayout
    ) throws(AllocationError) -> UInt128 {
        if let staticAddress { return try staticIndex(of: staticAddress, for: claim, layout: layout) }
        guard let index = dynamicIndex(for: claim, strategy: strategy) else { throw .exhausted(space.family) }
        return index
    }

    private func staticIndex(
        of address: IPAddress,
        for claim: ClaimIdentity,
        layout: PoolLayout
    ) throws(AllocationError) -> UInt128 {
        guard let index = space.index(of: address) else {
            throw layout.notAllocatableError(address)
        }
        guard occupied.contains(index) else { return index }
        switch coolingHolders[index] {
        case claim?: return index
        case nil: throw .inUse(address)
        default: throw .coolingDown(address)
        }
    }

    private func dynamicIndex(for claim: ClaimIdentity, strategy: AllocationStrategy) -> UInt128? {
        if !coolingByClaim.isEmpty, let cooling = coolingByClaim[claim]?.last { return cooling }
        guard space.size > 0 else { return nil }
        switch strategy {
        case .sequential:
            return occupied.firstUnoccupied(atOrAfter: 0)
        case .hashed:
            return occupied.firstUnoccupied(wrappingFrom: PoolAllocator.preferredIndex(for: claim, size: space.size))
        }
    }

    /// Marks `index` allocated to `claim` (ending its cooldown, if any) and returns its address.
    @discardableResult
    mutating func take(_ index: UInt128, for claim: ClaimIdentity) -> IPAddress {
        if !coolingHolders.isEmpty, let holder = coolingHolders.removeValue(forKey: index) {
            forgetCooling(index, of: holder)
        }
        occupied.insert(index)
        return space.address(at: index)
    }

    mutating func cool(_ index: UInt128, releasedBy claim: ClaimIdentity) {
        occupied.insert(index)
        if let previous = coolingHolders.updateValue(claim, forKey: index) {
            forgetCooling(index, of: previous)
        }
        coolingByClaim[claim, default: []].append(index)
    }

    mutating func free(_ index: UInt128) -> Bool {
        if let holder = coolingHolders.removeValue(forKey: index) {
            forgetCooling(index, of: holder)
        }
        return occupied.remove(index)
    }

    /// Removes `index` from the cooling indices of `holder`.
    private mutating func forgetCooling(_ index: UInt128, of holder: ClaimIdentity) {
        coolingByClaim[holder]?.removeAll { $0 == index }
        if coolingByClaim[holder]?.isEmpty == true { coolingByClaim[holder] = nil }
    }
}

/// The state of one address in one pool.
public enum AddressState: Hashable, Sendable {
    case free
    case allocated
    case cooling(releasedBy: ClaimIdentity)
    case unavailable(AddressUnavailability)
}

/// Address counts of one family in one pool. All exact, for any pool size.
public struct FamilyUsage: Hashable, Sendable {
    /// Allocatable addresses.
    public let size: UInt128
    /// Addresses held by claims.
    public let allocated: UInt128
    /// Released addresses still cooling down.
    public let cooling: UInt128

    public init(size: UInt128, allocated: UInt128, cooling: UInt128) {
        self.size = size
        self.allocated = allocated
        self.cooling = cooling
    }

    /// Addresses any claim may take now.
    public var free: UInt128 { size - allocated - cooling }
}
