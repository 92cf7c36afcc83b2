/// The allocatable addresses of one family in a pool, numbered in ascending
/// address order.
///
/// Index `i` is the i-th allocatable address; ``size`` is how many there are.
/// The allocator works on indices, so exclusions, gateways and
/// network/broadcast addresses are simply never numbered (the idea of
/// Kubernetes' Service allocator, which keeps offsets apart from CIDRs).
public struct AddressSpace: Hashable, Sendable {
    /// The family of every address in the space.
    public let family: IPAddress.Family
    /// The allocatable values, as sorted disjoint intervals.
    public let values: IntervalSet
    /// `startIndices[k]` is the index of `values.intervals[k].lowerBound`.
    private let startIndices: [UInt128]
    /// Number of allocatable addresses (exact; see ``IntervalSet/count``).
    public let size: UInt128

    /// The space of the values in `values`, which must be valid for `family`.
    public init(family: IPAddress.Family, values: IntervalSet) {
        self.family = family
        self.values = values
        var starts: [UInt128] = []
        starts.reserveCapacity(values.intervals.count)
        var next: UInt128 = 0
        for interval in values.intervals {
            starts.append(next)
            // Saturates only for a space of every IPv6 value, which a pool never has.
            next = next &+ (interval.upperBound - interval.lowerBound) &+ 1
        }
        self.startIndices = starts
        self.size = values.count
    }

    /// Whether the space has no address.
    public var isEmpty: Bool { values.isEmpty }

    /// The address at `index`.
    ///
    /// - Precondition: `index < size`.
    public func address(at index: UInt128) -> IPAddress {
        precondition(index < size, "index outside the address space")
        // Last interval whose start index is ≤ index.
        var low = 0
        var high = startIndices.count
        while high - low > 1 {
            let middle = (low + high) / 2
            if startIndices[middle] <= index { low = middle } else { high = middle }
        }
        return IPAddress(family: family, value: values.intervals[low].lowerBound + (index - startIndices[low]))
    }

    /// The index of `address`, or `nil` when it is not allocatable here.
    public func index(of address: IPAddress) -> UInt128? {
        guard address.family == family,
            let k = values.intervalIndex(containingOrBefore: address.value),
            values.intervals[k].contains(address.value)
        else { return nil }
        return startIndices[k] + (address.value - values.intervals[k].lowerBound)
    }
}
