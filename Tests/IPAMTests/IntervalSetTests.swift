import Testing

@testable import IPAM

@Suite("IntervalSet")
struct IntervalSetTests {
    /// Random intervals over 0..<300, possibly overlapping, touching, unordered.
    static func randomIntervals(_ random: inout SplitMix64) -> [ClosedRange<UInt128>] {
        (0..<random.int(0...8)).map { _ in
            let low = UInt128(random.int(0..<300))
            let width = UInt128(random.pick([0, 0, 1, 2, 5, 20, 80]))
            return low...min(low + width, 299)
        }
    }

    static func members(_ intervals: [ClosedRange<UInt128>]) -> Set<UInt128> {
        Set(intervals.flatMap { Array($0) })
    }

    /// Sorted, disjoint, not touching, and exactly `expected`.
    static func check(_ set: IntervalSet, equals expected: Set<UInt128>, _ comment: Comment) {
        #expect(members(set.intervals) == expected, comment)
        for (a, b) in zip(set.intervals, set.intervals.dropFirst()) {
            #expect(a.upperBound + 1 < b.lowerBound, "not normalized: \(a) \(b); \(comment)")
        }
        #expect(set.count == UInt128(expected.count), comment)
        #expect(set.isEmpty == expected.isEmpty, comment)
    }

    @Test func againstBruteForce() {
        for seed in UInt64(1)...400 {
            var random = SplitMix64(seed: seed)
            let a = Self.randomIntervals(&random)
            let b = Self.randomIntervals(&random)
            let setA = IntervalSet(a)
            let setB = IntervalSet(b)
            let refA = Self.members(a)
            let refB = Self.members(b)
            let comment: Comment = "seed \(seed): a=\(a) b=\(b)"
            Self.check(setA, equals: refA, comment)
            Self.check(setA.union(setB), equals: refA.union(refB), comment)
            Self.check(setA.subtracting(setB), equals: refA.subtracting(refB), comment)
            Self.check(setB.subtracting(setA), equals: refB.subtracting(refA), comment)
            Self.check(setA.intersection(setB), equals: refA.intersection(refB), comment)
            #expect(setA.intersects(setB) == !refA.isDisjoint(with: refB), comment)
            for value in UInt128(0)..<302 {
                #expect(setA.contains(value) == refA.contains(value), "value \(value); \(comment)")
            }
            // Construction does not depend on input order.
            #expect(IntervalSet(a.reversed()) == setA, comment)
        }
    }

    @Test func adjacentIntervalsMerge() {
        #expect(IntervalSet([0...4, 5...9]).intervals == [0...9])
        #expect(IntervalSet([5...9, 0...4]).intervals == [0...9])
        #expect(IntervalSet([0...4, 6...9]).intervals == [0...4, 6...9])
        #expect(IntervalSet([0...9, 2...3]).intervals == [0...9])
        #expect(IntervalSet([3...3, 1...1, 2...2]).intervals == [1...3])
        #expect(IntervalSet([0...0, 0...0]).intervals == [0...0])
        #expect(IntervalSet([10...20]).union(IntervalSet([21...30])).intervals == [10...30])
        #expect(IntervalSet([10...20]).union(IntervalSet([0...9])).intervals == [0...20])
    }

    @Test func extremesOfTheValueSpace() {
        let all = IntervalSet([0...UInt128.max])
        #expect(all.count == UInt128.max)  // saturated: the true count, 2^128, does not fit
        #expect(all.contains(0))
        #expect(all.contains(.max))
        #expect(IntervalSet([0...5, 6...UInt128.max]).intervals == [0...UInt128.max])
        #expect(IntervalSet([(UInt128.max - 1)...UInt128.max, 0...(UInt128.max - 2)]).intervals == [0...UInt128.max])
        #expect(IntervalSet([0...UInt128.max, 5...9]).intervals == [0...UInt128.max])
        #expect(IntervalSet([UInt128.max...UInt128.max, UInt128.max...UInt128.max]).count == 1)
        #expect(IntervalSet([1...UInt128.max]).count == UInt128.max)  // exactly 2^128 - 1
        #expect(IntervalSet([0...(UInt128.max - 1)]).count == UInt128.max)
        #expect(IntervalSet([0...(UInt128.max / 2), (UInt128.max / 2 + 2)...UInt128.max]).count == UInt128.max)
        // Two halves, together 2^128 - 1 values: exact, not saturated by the partial sum.
        #expect(IntervalSet([0...(UInt128.max / 2 - 1), (UInt128.max / 2 + 1)...UInt128.max]).count == UInt128.max)
        #expect(
            IntervalSet([0...(UInt128.max / 2 - 1), (UInt128.max / 2 + 1)...(UInt128.max - 1)]).count == UInt128.max - 1
        )
        #expect(all.subtracting(IntervalSet([0...0])).intervals == [1...UInt128.max])
        #expect(all.subtracting(IntervalSet([UInt128.max...UInt128.max])).intervals == [0...(UInt128.max - 1)])
        #expect(all.subtracting(IntervalSet([7...9])).intervals == [0...6, 10...UInt128.max])
        #expect(all.subtracting(all).isEmpty)
        #expect(
            all.intersection(IntervalSet([3...4, UInt128.max...UInt128.max])).intervals
                == [3...4, UInt128.max...UInt128.max])
        #expect(all.intersects(IntervalSet([UInt128.max...UInt128.max])))
        #expect(!IntervalSet([0...0]).intersects(IntervalSet([1...UInt128.max])))
    }

    @Test func empty() {
        let empty = IntervalSet()
        #expect(empty.isEmpty)
        #expect(empty.count == 0)
        #expect(!empty.contains(0))
        #expect(IntervalSet([]) == empty)
        #expect(empty.union(empty).isEmpty)
        #expect(IntervalSet([1...2]).subtracting(empty).intervals == [1...2])
        #expect(empty.subtracting(IntervalSet([1...2])).isEmpty)
        #expect(IntervalSet([1...2]).intersection(empty).isEmpty)
    }

    @Test func subtractingSpanningRemovals() {
        // One removal spanning several intervals, and one interval cut by several removals.
        let a = IntervalSet([0...10, 20...30, 40...50])
        #expect(a.subtracting(IntervalSet([5...45])).intervals == [0...4, 46...50])
        #expect(
            a.subtracting(IntervalSet([1...1, 3...3, 22...28, 50...60])).intervals
                == [0...0, 2...2, 4...10, 20...21, 29...30, 40...49])
        #expect(IntervalSet([0...100]).subtracting(IntervalSet([0...0, 100...100])).intervals == [1...99])
    }
}
