/// An immutable set of 128-bit values stored as sorted, disjoint,
/// non-adjacent closed intervals.
///
/// Memory is proportional to the number of intervals, never to the number of
/// values, so an IPv6 /0 costs as little as a /128. Built in one pass from
/// any list of intervals (like netipx's `IPSetBuilder` → `IPSet`).
public struct IntervalSet: Hashable, Sendable {
    /// The intervals, ascending, pairwise disjoint and not touching.
    public let intervals: [ClosedRange<UInt128>]

    /// The empty set.
    public init() { intervals = [] }

    /// The union of `intervals`, which may overlap, touch and come in any order.
    public init(_ intervals: some Sequence<ClosedRange<UInt128>>) {
        let sorted = intervals.sorted { $0.lowerBound < $1.lowerBound }
        var merged: [ClosedRange<UInt128>] = []
        merged.reserveCapacity(sorted.count)
        for interval in sorted {
            if let last = merged.last, last.upperBound == .max || interval.lowerBound <= last.upperBound + 1 {
                if interval.upperBound > last.upperBound {
                    merged[merged.count - 1] = last.lowerBound...interval.upperBound
                }
            } else {
                merged.append(interval)
            }
        }
        self.intervals = merged
    }

    private init(normalized: [ClosedRange<UInt128>]) { intervals = normalized }

    /// Whether the set holds no value.
    public var isEmpty: Bool { intervals.isEmpty }

    /// The number of values, saturating at `UInt128.max`.
    ///
    /// Only a set holding every 128-bit value saturates; an allocatable IPv6
    /// space never does, since it always lacks at least its all-zeros address.
    public var count: UInt128 {
        var total: UInt128 = 0
        for interval in intervals {
            let width = interval.upperBound - interval.lowerBound
            let (plusOne, overflowOne) = width.addingReportingOverflow(1)
            let (sum, overflowSum) = total.addingReportingOverflow(plusOne)
            if overflowOne || overflowSum { return .max }
            total = sum
        }
        return total
    }

    /// Whether `value` is in the set. O(log n).
    public func contains(_ value: UInt128) -> Bool {
        guard let index = intervalIndex(containingOrBefore: value) else { return false }
        return intervals[index].contains(value)
    }

    /// Index of the last interval whose lower bound is ≤ `value`.
    func intervalIndex(containingOrBefore value: UInt128) -> Int? {
        var low = 0
        var high = intervals.count
        while low < high {
            let middle = (low + high) / 2
            if intervals[middle].lowerBound <= value { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : low - 1
    }

    /// The values in either set.
    public func union(_ other: IntervalSet) -> IntervalSet {
        IntervalSet(intervals + other.intervals)
    }

    /// The values of this set that are not in `other`. O(n + m).
    public func subtracting(_ other: IntervalSet) -> IntervalSet {
        var result: [ClosedRange<UInt128>] = []
        var cut = other.intervals.startIndex
        for interval in intervals {
            var low = interval.lowerBound
            let high = interval.upperBound
            var exhausted = false
            // Skip removals entirely below this interval.
            while cut < other.intervals.endIndex, other.intervals[cut].upperBound < low { cut += 1 }
            var probe = cut
            while probe < other.intervals.endIndex, other.intervals[probe].lowerBound <= high {
                let removal = other.intervals[probe]
                if removal.lowerBound > low { result.append(low...(removal.lowerBound - 1)) }
                if removal.upperBound >= high {
                    exhausted = true
                    break
                }
                low = removal.upperBound + 1
                probe += 1
            }
            if !exhausted { result.append(low...high) }
        }
        return IntervalSet(normalized: result)
    }

    /// The values in both sets. O(n + m).
    public func intersection(_ other: IntervalSet) -> IntervalSet {
        var result: [ClosedRange<UInt128>] = []
        var i = 0
        var j = 0
        while i < intervals.count, j < other.intervals.count {
            let a = intervals[i]
            let b = other.intervals[j]
            let low = max(a.lowerBound, b.lowerBound)
            let high = min(a.upperBound, b.upperBound)
            if low <= high { result.append(low...high) }
            if a.upperBound < b.upperBound { i += 1 } else { j += 1 }
        }
        return IntervalSet(normalized: result)
    }

    /// Whether the sets share at least one value.
    public func intersects(_ other: IntervalSet) -> Bool {
        !intersection(other).isEmpty
    }
}
