import Testing

@testable import IPAM

@Suite("AddressSpace")
struct AddressSpaceTests {
    /// `address(at:)` and `index(of:)` are inverse, ascending, and cover exactly the set.
    static func checkInverse(_ space: AddressSpace, _ comment: Comment) {
        var previous: IPAddress?
        for index in UInt128(0)..<space.size {
            let address = space.address(at: index)
            #expect(address.family == space.family, comment)
            #expect(space.values.contains(address.value), comment)
            #expect(space.index(of: address) == index, "index \(index); \(comment)")
            if let previous { #expect(previous < address, comment) }
            previous = address
        }
    }

    @Test func everyIndexOfSmallRandomSpaces() {
        for seed in UInt64(1)...200 {
            var random = SplitMix64(seed: seed)
            let family: IPAddress.Family = random.chance(50) ? .ipv4 : .ipv6
            let base: UInt128 = family == .ipv4 ? 0x0a00_0000 : UInt128(0xfd00) << 112
            let intervals = (0..<random.int(0...6)).map { _ in
                let low = base + UInt128(random.int(0..<200))
                return low...(low + UInt128(random.pick([0, 0, 1, 3, 17, 60])))
            }
            let values = IntervalSet(intervals)
            let space = AddressSpace(family: family, values: values)
            #expect(space.size == values.count)
            #expect(space.isEmpty == (space.size == 0))
            Self.checkInverse(space, "seed \(seed)")
            // Values outside the set have no index.
            for offset in UInt128(0)..<270 where !values.contains(base + offset) {
                #expect(space.index(of: IPAddress(family: family, value: base + offset)) == nil, "seed \(seed)")
            }
        }
    }

    @Test func boundariesOfLargeSpaces() {
        // Every IPv6 value but the all-zeros one: the largest space a pool can have.
        let whole = AddressSpace(family: .ipv6, values: IntervalSet([1...UInt128.max]))
        #expect(whole.size == UInt128.max)
        #expect(whole.address(at: 0) == IPAddress(ipv6: 1))
        #expect(whole.address(at: UInt128.max - 1) == IPAddress(ipv6: .max))
        #expect(whole.index(of: IPAddress(ipv6: .max)) == UInt128.max - 1)
        #expect(whole.index(of: IPAddress(ipv6: 1)) == 0)
        #expect(whole.index(of: IPAddress(ipv6: 0)) == nil)
        #expect(whole.index(of: IPAddress(ipv4: 1)) == nil)

        // Several big intervals: check the first and last index of each, and their neighbours.
        let gaps: [ClosedRange<UInt128>] = [
            1...(UInt128(1) << 64),
            (UInt128(1) << 64 + 10)...(UInt128(1) << 100),
            (UInt128(1) << 127)...(UInt128.max - 1),
        ]
        let space = AddressSpace(family: .ipv6, values: IntervalSet(gaps))
        var start: UInt128 = 0
        for interval in gaps {
            let count = interval.upperBound - interval.lowerBound + 1
            #expect(space.address(at: start).value == interval.lowerBound)
            #expect(space.address(at: start + count - 1).value == interval.upperBound)
            #expect(space.index(of: IPAddress(ipv6: interval.lowerBound)) == start)
            #expect(space.index(of: IPAddress(ipv6: interval.upperBound)) == start + count - 1)
            #expect(space.index(of: IPAddress(ipv6: interval.lowerBound - 1)) == nil)
            #expect(space.index(of: IPAddress(ipv6: interval.upperBound + 1)) == nil)
            let middle = count / 2
            #expect(space.index(of: space.address(at: start + middle)) == start + middle)
            start += count
        }
        #expect(space.size == start)

        // All of IPv4 but network and broadcast.
        let ipv4 = AddressSpace(family: .ipv4, values: IntervalSet([1...0xffff_fffe]))
        #expect(ipv4.size == 0xffff_fffe)
        #expect(ipv4.address(at: 0) == addr("0.0.0.1"))
        #expect(ipv4.address(at: 0xffff_fffd) == addr("255.255.255.254"))
        #expect(ipv4.index(of: addr("255.255.255.255")) == nil)
        #expect(ipv4.index(of: addr("10.0.0.0")) == UInt128(0x0a00_0000 - 1))
    }

    @Test func empty() {
        let space = AddressSpace(family: .ipv4, values: IntervalSet())
        #expect(space.isEmpty)
        #expect(space.size == 0)
        #expect(space.index(of: addr("10.0.0.1")) == nil)
    }

    @Test func otherFamilyHasNoIndex() {
        let space = AddressSpace(family: .ipv4, values: IntervalSet([0...0xffff_ffff]))
        #expect(space.index(of: IPAddress(ipv6: 5)) == nil)
        #expect(space.index(of: addr("::ffff:10.0.0.1")) == nil)
        #expect(space.index(of: addr("10.0.0.1")) == 0x0a00_0001)
    }
}
