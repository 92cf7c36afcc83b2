/// A sparse, hierarchical bitmap over the indices `0..<capacity` of one
/// address space, answering "first unoccupied index at or after k".
///
/// ```
/// level 2:            [1 0 …]          bit = child word full
/// level 1:     [1 1 … 1] [0 1 …]       bit = child word full
/// level 0:  [11…1][11…1] … [1011…]      bit = index occupied
/// ```
/// Each level is a dictionary from word number to a 64-bit word; a missing
/// word is all zeros. Memory therefore grows with the number of occupied
/// indices (one leaf word per occupied 64-index block, plus one summary bit
/// per full block), never with `capacity`: an IPv6 /64 costs nothing until
/// used. A search skips full blocks 64 at a time per level, so it visits at
/// most two words per level (about 22 levels for the whole IPv6 space).
///
/// Dictionaries hash with a per-process seed; nothing here depends on their
/// iteration order, so results are the same in every process.
struct OccupancyBitmap: Sendable {
    /// Number of valid indices.
    let capacity: UInt128
    /// Occupied indices: word `w` holds indices `w * 64 ..< w * 64 + 64`.
    private var leaves = WordTable()
    /// `summaries[l]` has bit `j` of word `w` set when word `w * 64 + j` of the
    /// level below (`leaves` for `l == 0`) is full.
    private var summaries: [WordTable]
    /// Number of valid positions at each level: `capacity`, then the word counts.
    private let positions: [UInt128]
    /// Every index below `floor` is occupied (a cache for lowest-free searches).
    private var floor: UInt128 = 0
    /// Number of occupied indices.
    private(set) var count: UInt128 = 0

    init(capacity: UInt128) {
        self.capacity = capacity
        var positions = [capacity]
        repeat {
            let last = positions[positions.count - 1]
            positions.append(last / 64 + (last % 64 == 0 ? 0 : 1))
        } while positions[positions.count - 1] > 1
        // positions: capacity, words at level 0, words at level 1, …, 1.
        // A summary level is needed for every level with more than one word.
        self.positions = positions
        self.summaries = Array(repeating: WordTable(), count: max(0, positions.count - 2))
    }

    /// Bytes of hash-table storage at the current capacities (keys and words).
    var approximateMemoryBytes: Int {
        leaves.storageBytes + summaries.reduce(0) { $0 + $1.storageBytes }
    }

    /// Whether `index` is occupied.
    func contains(_ index: UInt128) -> Bool {
        leaves[index >> 6] & (1 << UInt64(index & 63)) != 0
    }

    /// Marks `index` occupied; returns `false` if it already was.
    @discardableResult
    mutating func insert(_ index: UInt128) -> Bool {
        precondition(index < capacity, "index outside the bitmap")
        let bit: UInt64 = 1 << UInt64(index & 63)
        var word = index >> 6
        var full = false
        var inserted = false
        leaves.update(word) { value in
            inserted = value & bit == 0
            value |= bit
            full = value == .max
        }
        guard inserted else { return false }
        count += 1
        if index == floor { floor += 1 }
        var level = 0
        while full, level < summaries.count {
            let summaryBit: UInt64 = 1 << UInt64(word & 63)
            word >>= 6
            summaries[level].update(word) { value in
                value |= summaryBit
                full = value == .max
            }
            level += 1
        }
        return true
    }

    /// Marks `index` unoccupied; returns `false` if it already was.
    @discardableResult
    mutating func remove(_ index: UInt128) -> Bool {
        var word = index >> 6
        let old = leaves[word]
        guard old & (1 << UInt64(index & 63)) != 0 else { return false }
        let new = old & ~(1 << UInt64(index & 63))
        leaves.update(word) { $0 = new }
        count -= 1
        if index < floor { floor = index }
        var wasFull = old == .max
        var level = 0
        while wasFull, level < summaries.count {
            let summaryBit: UInt64 = 1 << UInt64(word & 63)
            word >>= 6
            let oldSummary = summaries[level][word]
            let newSummary = oldSummary & ~summaryBit
            summaries[level].update(word) { $0 = newSummary }
            wasFull = oldSummary == .max
            level += 1
        }
        return true
    }

    /// The lowest unoccupied index at or after `start`, or `nil` when every
    /// index from `start` to the end is occupied.
    func firstUnoccupied(atOrAfter start: UInt128) -> UInt128? {
        let from = Swift.max(start, floor)
        guard from < capacity else { return nil }
        return firstZero(level: 0, from: from)
    }

    /// The lowest unoccupied index, searching from `start` to the end and
    /// then wrapping around from 0; `nil` when every index is occupied.
    func firstUnoccupied(wrappingFrom start: UInt128) -> UInt128? {
        if let found = firstUnoccupied(atOrAfter: start) { return found }
        guard start > 0, let wrapped = firstUnoccupied(atOrAfter: 0), wrapped < start else { return nil }
        return wrapped
    }

    /// Word `index` of `level` (0: the leaves), read without copying the table.
    @inline(__always)
    private func word(_ index: UInt128, level: Int) -> UInt64 {
        level == 0 ? leaves[index] : summaries[level - 1][index]
    }

    /// First position ≥ `from` at `level` whose bit is zero (level 0: free
    /// index; level l ≥ 1: a word of level l - 1 that is not full).
    private func firstZero(level: Int, from: UInt128) -> UInt128? {
        guard level < positions.count - 1, from < positions[level] else { return nil }
        let wordIndex = from >> 6
        let word = self.word(wordIndex, level: level)
        let candidates = ~word & (UInt64.max << UInt64(from & 63))
        let found: UInt128
        if candidates != 0 {
            found = wordIndex << 6 | UInt128(candidates.trailingZeroBitCount)
        } else {
            // This word is full from `from` on: ask the level above for the next
            // word that is not full; its lowest zero bit is the answer.
            guard let next = firstZero(level: level + 1, from: wordIndex + 1) else { return nil }
            let nextWord = self.word(next, level: level)
            found = next << 6 | UInt128((~nextWord).trailingZeroBitCount)
        }
        return found < positions[level] ? found : nil
    }
}
