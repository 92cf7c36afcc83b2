import Testing

@testable import IPAM

@Suite("OccupancyBitmap")
struct OccupancyBitmapTests {
    /// The obvious model: a set of occupied indices, searched one index at a time.
    /// Only usable while runs of occupied indices are short (they are, in these tests).
    struct Reference {
        let capacity: UInt128
        var occupied: Set<UInt128> = []

        func firstUnoccupied(atOrAfter start: UInt128) -> UInt128? {
            var candidate = start
            while candidate < capacity {
                if !occupied.contains(candidate) { return candidate }
                candidate += 1
            }
            return nil
        }

        func firstUnoccupied(wrappingFrom start: UInt128) -> UInt128? {
            if let found = firstUnoccupied(atOrAfter: start) { return found }
            var candidate: UInt128 = 0
            while candidate < start, candidate < capacity {
                if !occupied.contains(candidate) { return candidate }
                candidate += 1
            }
            return nil
        }
    }

    static let capacities: [UInt128] = [1, 63, 64, 65, 4095, 4096, 4097, 262_145, (1 << 64) - 1, .max]

    /// An index that exercises the interesting places: dense near 0, dense near the
    /// end, around word and summary boundaries, or anywhere.
    static func randomIndex(_ random: inout SplitMix64, capacity: UInt128) -> UInt128 {
        let window = min(capacity, 300)
        switch random.int(0..<4) {
        case 0:
            return random.below(window)
        case 1:
            return capacity - 1 - random.below(window)
        case 2:
            let blocks = [UInt128(64), 4096, 262_144, 1 << 24, 1 << 36, 1 << 63, 1 << 100].filter { $0 < capacity }
            guard let block = blocks.randomElement(using: &random) else { return random.below(capacity) }
            let multiple = block * UInt128(random.int(1...3))
            let index = multiple &+ UInt128(random.int(0...4)) &- 2
            return index < capacity ? index : random.below(capacity)
        default:
            return random.below(capacity)
        }
    }

    @Test(arguments: capacities)
    func randomOperationsMatchReference(capacity: UInt128) {
        let seed = UInt64(truncatingIfNeeded: capacity) ^ 0xb17_3a9
        var random = SplitMix64(seed: seed)
        var bitmap = OccupancyBitmap(capacity: capacity)
        var reference = Reference(capacity: capacity)
        // Queries near the start positions of inserts, so that searches cross occupied runs.
        var recent: [UInt128] = []
        for step in 0..<2500 {
            let comment: Comment = "capacity \(capacity) seed \(seed) step \(step)"
            let index =
                random.chance(25) && !recent.isEmpty
                ? random.pick(recent) : Self.randomIndex(&random, capacity: capacity)
            if random.chance(65) {
                let inserted = bitmap.insert(index)
                #expect(inserted == reference.occupied.insert(index).inserted, comment)
                recent.append(index)
                if recent.count > 40 { recent.removeFirst() }
            } else {
                let removed = bitmap.remove(index)
                #expect(removed == (reference.occupied.remove(index) != nil), comment)
            }
            #expect(bitmap.count == UInt128(reference.occupied.count), comment)
            #expect(bitmap.contains(index) == reference.occupied.contains(index), comment)
            let start =
                random.chance(50) && !recent.isEmpty
                ? random.pick(recent) : Self.randomIndex(&random, capacity: capacity)
            #expect(
                bitmap.firstUnoccupied(atOrAfter: start) == reference.firstUnoccupied(atOrAfter: start),
                "start \(start); \(comment)")
            #expect(
                bitmap.firstUnoccupied(wrappingFrom: start) == reference.firstUnoccupied(wrappingFrom: start),
                "start \(start); \(comment)")
            #expect(bitmap.firstUnoccupied(atOrAfter: 0) == reference.firstUnoccupied(atOrAfter: 0), comment)
        }
        // Starting at or past the end.
        #expect(bitmap.firstUnoccupied(atOrAfter: capacity) == nil)
        #expect(bitmap.firstUnoccupied(wrappingFrom: capacity) == reference.firstUnoccupied(atOrAfter: 0))
        #expect(!bitmap.contains(capacity))
    }

    /// Fill every index (in a random order, so the low-water mark does not help),
    /// then free one: it is the only answer, from any start.
    @Test(arguments: [UInt128(1), 2, 63, 64, 65, 4095, 4096, 4097, 8193])
    func fillCompletelyThenFreeOne(capacity: UInt128) {
        var random = SplitMix64(seed: UInt64(capacity))
        var bitmap = OccupancyBitmap(capacity: capacity)
        var order = Array(UInt128(0)..<capacity)
        order.shuffle(using: &random)
        for index in order {
            let inserted = bitmap.insert(index)
            #expect(inserted)
        }
        #expect(bitmap.count == capacity)
        #expect(bitmap.firstUnoccupied(atOrAfter: 0) == nil)
        let starts = [0, capacity / 2, capacity - 1]
        for start in starts {
            #expect(bitmap.firstUnoccupied(atOrAfter: start) == nil)
            #expect(bitmap.firstUnoccupied(wrappingFrom: start) == nil)
        }
        for _ in 0..<20 {
            let freed = random.below(capacity)
            let removed = bitmap.remove(freed)
            #expect(removed)
            #expect(!bitmap.contains(freed))
            #expect(bitmap.count == capacity - 1)
            #expect(bitmap.firstUnoccupied(atOrAfter: 0) == freed, "capacity \(capacity) freed \(freed)")
            #expect(bitmap.firstUnoccupied(atOrAfter: freed) == freed)
            #expect(bitmap.firstUnoccupied(atOrAfter: freed + 1) == nil)
            for start in starts {
                #expect(bitmap.firstUnoccupied(wrappingFrom: start) == freed, "start \(start) freed \(freed)")
            }
            let inserted = bitmap.insert(freed)
            #expect(inserted)
            #expect(bitmap.firstUnoccupied(wrappingFrom: 0) == nil)
        }
    }

    /// Long occupied runs over several summary levels, checked against a flat array.
    @Test func denseFillOfALargeBitmap() {
        let capacity = 262_145
        var random = SplitMix64(seed: 0xd3_75e)
        var bitmap = OccupancyBitmap(capacity: UInt128(capacity))
        var occupied = [Bool](repeating: false, count: capacity)
        func check(_ phase: String) {
            // nextFree[i]: the first unoccupied index ≥ i, by one backward pass.
            var nextFree = [Int](repeating: capacity, count: capacity + 1)
            for index in stride(from: capacity - 1, through: 0, by: -1) {
                nextFree[index] = occupied[index] ? nextFree[index + 1] : index
            }
            func expected(atOrAfter start: Int) -> UInt128? {
                nextFree[start] < capacity ? UInt128(nextFree[start]) : nil
            }
            for _ in 0..<30 {
                let start =
                    random.chance(20) ? random.pick([0, 4095, 4096, 262_143, 262_144]) : random.int(0..<capacity)
                #expect(
                    bitmap.firstUnoccupied(atOrAfter: UInt128(start)) == expected(atOrAfter: start),
                    "\(phase) start \(start)")
                let wrapped = expected(atOrAfter: start) ?? expected(atOrAfter: 0).flatMap { $0 < start ? $0 : nil }
                #expect(bitmap.firstUnoccupied(wrappingFrom: UInt128(start)) == wrapped, "\(phase) start \(start)")
            }
        }
        // Everything but a few holes, inserted from the top down.
        let holes = Set((0..<6).map { _ in random.int(0..<capacity) } + [262_144])
        for index in stride(from: capacity - 1, through: 0, by: -1) where !holes.contains(index) {
            bitmap.insert(UInt128(index))
            occupied[index] = true
        }
        #expect(bitmap.count == UInt128(capacity - holes.count))
        check("holes \(holes.sorted())")
        // Fill the holes: nothing is free.
        for hole in holes {
            bitmap.insert(UInt128(hole))
            occupied[hole] = true
        }
        var occupiedCount = capacity
        #expect(bitmap.firstUnoccupied(atOrAfter: 0) == nil)
        #expect(bitmap.firstUnoccupied(wrappingFrom: 12345) == nil)
        // Free whole blocks and single indices; fill some back.
        for _ in 0..<12 {
            let low = random.int(0..<capacity)
            let high = min(capacity, low + random.pick([1, 63, 64, 65, 4096, 5000]))
            let insert = random.chance(30)
            for index in low..<high {
                if insert { bitmap.insert(UInt128(index)) } else { bitmap.remove(UInt128(index)) }
                if occupied[index] != insert { occupiedCount += insert ? 1 : -1 }
                occupied[index] = insert
            }
            #expect(bitmap.count == UInt128(occupiedCount))
            check("after \(insert ? "inserting" : "removing") \(low)..<\(high)")
        }
    }

    /// Full runs in a bitmap far too large to materialize, at both ends.
    @Test func denseRunsInAHugeBitmap() {
        let capacity: UInt128 = (1 << 64) - 1
        var bitmap = OccupancyBitmap(capacity: capacity)
        let run: UInt128 = 64 * 64 * 2 + 5  // fills level-1 summary words
        for index in 0..<run {
            bitmap.insert(index)
            bitmap.insert(capacity - 1 - index)
        }
        #expect(bitmap.count == UInt128(2) * run)
        #expect(bitmap.firstUnoccupied(atOrAfter: 0) == run)
        #expect(bitmap.firstUnoccupied(atOrAfter: 17) == run)
        #expect(bitmap.firstUnoccupied(atOrAfter: capacity - run) == nil)
        #expect(bitmap.firstUnoccupied(atOrAfter: capacity - run - 1) == capacity - run - 1)
        #expect(bitmap.firstUnoccupied(wrappingFrom: capacity - run) == run)
        bitmap.remove(4096)
        #expect(bitmap.firstUnoccupied(atOrAfter: 0) == 4096)
        #expect(bitmap.firstUnoccupied(wrappingFrom: capacity - 10) == 4096)
        #expect(bitmap.firstUnoccupied(atOrAfter: 4097) == run)
        bitmap.remove(capacity - 1)
        #expect(bitmap.firstUnoccupied(atOrAfter: capacity - run) == capacity - 1)
    }

    @Test func insertAndRemoveReportChanges() {
        var bitmap = OccupancyBitmap(capacity: 100)
        let results = [
            bitmap.insert(5), bitmap.insert(5), bitmap.contains(5),
            bitmap.remove(5), bitmap.remove(5), bitmap.remove(99), bitmap.remove(100), bitmap.remove(.max),
        ]
        #expect(results == [true, false, true, true, false, false, false, false])
        #expect(!bitmap.contains(100))
        #expect(bitmap.count == 0)
    }

    @Test func emptyCapacity() {
        let bitmap = OccupancyBitmap(capacity: 0)
        #expect(bitmap.firstUnoccupied(atOrAfter: 0) == nil)
        #expect(bitmap.firstUnoccupied(wrappingFrom: 0) == nil)
        #expect(bitmap.count == 0)
    }

    /// The low-water mark must drop when an index below it is freed.
    @Test func lowWaterMarkFollowsRemovals() {
        var bitmap = OccupancyBitmap(capacity: 1000)
        for index in UInt128(0)..<300 { bitmap.insert(index) }
        #expect(bitmap.firstUnoccupied(atOrAfter: 0) == 300)
        bitmap.remove(150)
        #expect(bitmap.firstUnoccupied(atOrAfter: 0) == 150)
        bitmap.insert(150)
        #expect(bitmap.firstUnoccupied(atOrAfter: 0) == 300)
        bitmap.remove(0)
        #expect(bitmap.firstUnoccupied(atOrAfter: 0) == 0)
        #expect(bitmap.firstUnoccupied(atOrAfter: 1) == 300)
        #expect(bitmap.firstUnoccupied(wrappingFrom: 1) == 300)
        for index in UInt128(300)..<1000 { bitmap.insert(index) }
        #expect(bitmap.firstUnoccupied(wrappingFrom: 1) == 0)
        #expect(bitmap.firstUnoccupied(wrappingFrom: 500) == 0)
    }
}
