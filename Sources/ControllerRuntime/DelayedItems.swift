/// Keys waiting for a time, earliest first: the "waiting for queue" part of a work queue.
///
/// A binary min-heap of `(readyAt, sequence)` with a dictionary of each key's current entry. A key
/// is scheduled at most once: scheduling it again keeps the earlier time (client-go
/// `delaying_queue.go` does the same), so a later retry never postpones an earlier one. An entry
/// made obsolete by an earlier time stays in the heap and is skipped when it surfaces (lazy
/// deletion), which keeps every operation O(log n).
///
/// Ties are broken by the order of scheduling, so keys due at the same instant come out in the
/// order they were added.
struct DelayedItems<Key: Hashable & Sendable, Instant: InstantProtocol>: Sendable {
    private struct Entry: Sendable {
        var readyAt: Instant
        var sequence: UInt64
        var key: Key

        func precedes(_ other: Entry) -> Bool {
            readyAt < other.readyAt || (readyAt == other.readyAt && sequence < other.sequence)
        }
    }

    private var heap: [Entry] = []
    /// The live entry of each scheduled key (its `sequence` identifies it in `heap`).
    private var scheduled: [Key: (readyAt: Instant, sequence: UInt64)] = [:]
    private var nextSequence: UInt64 = 0

    /// The number of scheduled keys.
    var count: Int { scheduled.count }
    var isEmpty: Bool { scheduled.isEmpty }

    /// When `key` is due, if it is scheduled.
    func readyAt(_ key: Key) -> Instant? { scheduled[key]?.readyAt }

    /// The earliest time any key is due.
    var earliest: Instant? {
        mutating get {
            discardObsoleteTop()
            return heap.first?.readyAt
        }
    }

    /// Schedules `key` at `readyAt`, or moves it earlier; returns whether the schedule changed.
    @discardableResult
    mutating func schedule(_ key: Key, at readyAt: Instant) -> Bool {
        if let current = scheduled[key], current.readyAt <= readyAt { return false }
        nextSequence += 1
        scheduled[key] = (readyAt, nextSequence)
        push(Entry(readyAt: readyAt, sequence: nextSequence, key: key))
        return true
    }

    /// Removes and returns the earliest key due at or before `now`, with the time it was due.
    mutating func popDue(at now: Instant) -> (key: Key, readyAt: Instant)? {
        discardObsoleteTop()
        guard let top = heap.first, top.readyAt <= now else { return nil }
        popTop()
        scheduled[top.key] = nil
        return (top.key, top.readyAt)
    }

    /// Forgets every scheduled key.
    mutating func removeAll() {
        heap.removeAll()
        scheduled.removeAll()
    }

    // MARK: Heap

    private func isLive(_ entry: Entry) -> Bool {
        scheduled[entry.key]?.sequence == entry.sequence
    }

    private mutating func discardObsoleteTop() {
        while let top = heap.first, !isLive(top) { popTop() }
    }

    private mutating func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private mutating func popTop() {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        heap[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            let right = left + 1
            var first = parent
            if left < heap.count, heap[left].precedes(heap[first]) { first = left }
            if right < heap.count, heap[right].precedes(heap[first]) { first = right }
            if first == parent { return }
            heap.swapAt(parent, first)
            parent = first
        }
    }
}
