/// The bounded history of one resource's changes, for watches that resume from a
/// resourceVersion (the API server's watch cache, in miniature).
///
/// Invariant: every change with a resourceVersion greater than ``floor`` is retained, so a watch
/// from any version `>= floor` can be served exactly; an older one gets 410 Gone. The floor rises
/// when the oldest event is evicted (more than `capacity` events) and on ``compact(to:)``.
struct EventHistory: Sendable {
    let capacity: Int
    private(set) var floor: Int64
    // A ring would avoid the occasional O(n) compaction of `storage`; trimming in batches
    // (at 2 × capacity) keeps appends amortised O(1) and the code obvious.
    private var storage: [WatchEventRecord] = []
    private var start = 0

    init(capacity: Int, floor: Int64) {
        self.capacity = max(1, capacity)
        self.floor = floor
    }

    var count: Int { storage.count - start }

    mutating func append(_ record: WatchEventRecord) {
        storage.append(record)
        while count > capacity {
            floor = storage[start].resourceVersion
            start += 1
        }
        if start >= capacity {
            storage.removeFirst(start)
            start = 0
        }
    }

    /// The events after `resourceVersion`, oldest first; `nil` when some of them are gone.
    func events(after resourceVersion: Int64) -> ArraySlice<WatchEventRecord>? {
        guard resourceVersion >= floor else { return nil }
        let retained = storage[start...]
        // Versions increase along the history: binary search for the first newer event.
        var low = retained.startIndex
        var high = retained.endIndex
        while low < high {
            let middle = (low + high) / 2
            if retained[middle].resourceVersion <= resourceVersion { low = middle + 1 } else { high = middle }
        }
        return retained[low...]
    }

    /// Forgets every event up to and including `resourceVersion`.
    mutating func compact(to resourceVersion: Int64) {
        storage.removeAll(keepingCapacity: false)
        start = 0
        floor = max(floor, resourceVersion)
    }
}
