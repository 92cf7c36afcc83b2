import Testing

@testable import IPAM

@Suite("WordTable")
struct WordTableTests {
    @Test("absent keys read as zero; a word set to zero is removed")
    func zeroMeansAbsent() {
        var table = WordTable()
        #expect(table[42] == 0)
        table.update(42) { $0 = 7 }
        #expect(table[42] == 7)
        #expect(table.count == 1)
        table.update(42) { $0 = 0 }
        #expect(table[42] == 0)
        #expect(table.count == 0)
        table.update(43) { _ in }  // leaving an absent word at zero stores nothing
        #expect(table.count == 0)
    }

    /// Random updates and removals against a `Dictionary`, with keys chosen to
    /// collide: dense runs (consecutive word numbers), huge keys using the high
    /// half, and few distinct keys so removals hit long probe runs.
    @Test("matches a Dictionary under random updates and removals", arguments: [1, 2, 3, 4, 5] as [UInt64])
    func againstDictionary(seed: UInt64) {
        var random = SplitMix64(seed: seed)
        var table = WordTable()
        var reference: [UInt128: UInt64] = [:]
        let keySpace: [UInt128] = (0..<2_000).map { i in
            switch i % 3 {
            case 0: UInt128(i)
            case 1: UInt128(i) << 64 | UInt128(i)
            default: (UInt128(1) << 121) + UInt128(i)
            }
        }
        for step in 0..<40_000 {
            let key = keySpace[random.int(0..<(step < 20_000 ? keySpace.count : 300))]
            let value: UInt64 = random.int(0...3) == 0 ? 0 : random.next()
            table.update(key) { $0 = value }
            reference[key] = value == 0 ? nil : value
            if step % 997 == 0 {
                #expect(table.count == reference.count, "seed \(seed) step \(step)")
                for probe in keySpace where table[probe] != (reference[probe] ?? 0) {
                    Issue.record("seed \(seed) step \(step): key \(probe) reads \(table[probe]), expected \(reference[probe] ?? 0)")
                    return
                }
            }
        }
        #expect(table.count == reference.count)
        for key in keySpace { #expect(table[key] == (reference[key] ?? 0), "seed \(seed) key \(key)") }
    }

    @Test("grows and stays between 3/8 and 3/4 full")
    func growth() {
        var table = WordTable()
        for key in 0..<100_000 as Range<UInt128> { table.update(key) { $0 = 1 } }
        #expect(table.count == 100_000)
        #expect(table.count * 4 <= table.capacity * 3)
        #expect(table.count * 8 >= table.capacity * 3)
        for key in 0..<100_000 as Range<UInt128> where table[key] != 1 {
            Issue.record("key \(key) lost after growth")
            return
        }
    }
}
