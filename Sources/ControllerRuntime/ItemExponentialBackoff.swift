/// Per-key exponential backoff: `base × 2^failures`, capped at `maximum` — client-go's
/// `ItemExponentialFailureRateLimiter`.
///
/// With the defaults (5 ms, 1000 s) the delays are 5 ms, 10 ms, 20 ms, … reaching the cap after
/// 18 retries (about 22 minutes of waiting in total). Keys do not affect one another. The
/// counter of a key grows until ``forget(_:)``; its memory is one dictionary entry per failing
/// key.
public struct ItemExponentialBackoff<Key: Hashable & Sendable, Instant: InstantProtocol>: WorkQueueRateLimiter
where Instant.Duration == Duration {
    /// The delay after the first failure.
    public let base: Duration
    /// The longest delay.
    public let maximum: Duration
    private var failures: [Key: Int] = [:]

    /// - Precondition: `base > 0` and `maximum >= base`.
    public init(base: Duration = .milliseconds(5), maximum: Duration = .seconds(1000)) {
        precondition(base > .zero && maximum >= base, "backoff needs 0 < base <= maximum")
        self.base = base
        self.maximum = maximum
    }

    public mutating func when(_ key: Key, now: Instant) -> Duration {
        let exponent = failures[key, default: 0]
        failures[key] = exponent + 1
        return delay(afterFailures: exponent)
    }

    public mutating func forget(_ key: Key) {
        failures[key] = nil
    }

    public func numRequeues(_ key: Key) -> Int {
        failures[key, default: 0]
    }

    /// The delay for a key that has already failed `exponent` times.
    func delay(afterFailures exponent: Int) -> Duration {
        // Doubling a Duration past ~2^63 attoseconds overflows; stop as soon as the cap is reached.
        var delay = base
        for _ in 0..<exponent {
            if delay >= maximum / 2 { return maximum }
            delay *= 2
        }
        return min(delay, maximum)
    }
}
