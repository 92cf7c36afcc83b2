/// A hash map from 128-bit word numbers to 64-bit words, for
/// ``OccupancyBitmap``: open addressing, linear probing, backward-shift
/// deletion (no tombstones), a fixed multiplicative hash.
///
/// Why not `Dictionary`: its per-process seeded SipHash costs more than the
/// rest of an allocation, and this table is on every allocation's path. The
/// hash here only spreads keys over slots; no decision depends on it (and,
/// being fixed, it keeps even the iteration order the same in every process).
///
/// Absent keys read as 0 and a word set to 0 is removed, so the table holds
/// exactly the non-zero words. A slot keeps key and word together (24 bytes)
/// so a lookup touches one cache line. Capacity is a power of two and the
/// table grows at 3/4 full: once grown it is 3/8 to 3/4 full, 32 to 64 bytes
/// per stored word.
struct WordTable: Sendable {
    private struct Slot {
        var low: UInt64
        var high: UInt64
        var word: UInt64

        /// `high` of an empty slot. Never a real key: word numbers are below 2^122.
        static let emptyHigh = UInt64.max
        static let empty = Slot(low: 0, high: emptyHigh, word: 0)

        var isEmpty: Bool { high == Self.emptyHigh }

        @inline(__always)
        func holds(_ low: UInt64, _ high: UInt64) -> Bool { self.low == low && self.high == high }
    }

    private var slots: [Slot]
    /// `slots.count - 1`; the capacity is a power of two.
    private var mask: Int
    /// Number of stored (non-zero) words.
    private(set) var count = 0

    init() {
        slots = [Slot](repeating: .empty, count: 8)
        mask = 7
    }

    /// Number of slots.
    var capacity: Int { slots.count }

    /// Bytes of slot storage.
    var storageBytes: Int { slots.count * MemoryLayout<Slot>.stride }

    /// The word stored under `key`, 0 when absent.
    subscript(key: UInt128) -> UInt64 {
        let (low, high) = Self.halves(key)
        var index = Self.home(low, high, mask: mask)
        return slots.withUnsafeBufferPointer { slots in
            while true {
                let slot = slots[index]
                if slot.holds(low, high) { return slot.word }
                if slot.isEmpty { return 0 }
                index = (index + 1) & mask
            }
        }
    }

    /// Changes the word under `key` in place (0 when absent); a result of 0 removes it.
    @inline(__always)
    mutating func update(_ key: UInt128, _ body: (inout UInt64) -> Void) {
        let (low, high) = Self.halves(key)
        var index = Self.home(low, high, mask: mask)
        while true {
            if slots[index].holds(low, high) {
                body(&slots[index].word)
                if slots[index].word == 0 { remove(at: index) }
                return
            }
            if slots[index].isEmpty { break }
            index = (index + 1) & mask
        }
        var word: UInt64 = 0
        body(&word)
        guard word != 0 else { return }
        if (count + 1) * 4 > slots.count * 3 {
            grow()
            index = Self.home(low, high, mask: mask)
            while !slots[index].isEmpty { index = (index + 1) & mask }
        }
        slots[index] = Slot(low: low, high: high, word: word)
        count += 1
    }

    /// Empties slot `index`, shifting later members of its probe run back so
    /// that every key stays reachable from its home slot.
    private mutating func remove(at index: Int) {
        var hole = index
        var next = (index + 1) & mask
        while !slots[next].isEmpty {
            let home = Self.home(slots[next].low, slots[next].high, mask: mask)
            // `next` may fill the hole unless its home lies cyclically in (hole, next].
            if (next - home) & mask >= (next - hole) & mask {
                slots[hole] = slots[next]
                hole = next
            }
            next = (next + 1) & mask
        }
        slots[hole] = .empty
        count -= 1
    }

    private mutating func grow() {
        let old = slots
        slots = [Slot](repeating: .empty, count: old.count * 2)
        mask = slots.count - 1
        for slot in old where !slot.isEmpty {
            var index = Self.home(slot.low, slot.high, mask: mask)
            while !slots[index].isEmpty { index = (index + 1) & mask }
            slots[index] = slot
        }
    }

    @inline(__always)
    private static func halves(_ key: UInt128) -> (low: UInt64, high: UInt64) {
        (UInt64(truncatingIfNeeded: key), UInt64(truncatingIfNeeded: key >> 64))
    }

    /// Fibonacci hashing of both halves: consecutive word numbers (the common
    /// case) land far apart, for the price of two multiplications.
    @inline(__always)
    private static func home(_ low: UInt64, _ high: UInt64, mask: Int) -> Int {
        let mixed = (low &+ high &* 0xC2B2_AE3D_27D4_EB4F) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> 32) & mask
    }
}
