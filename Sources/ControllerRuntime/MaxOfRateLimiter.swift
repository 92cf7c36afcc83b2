/// Combines rate limiters: a retry waits for the longest of their delays — client-go's
/// `MaxOfRateLimiter`.
///
/// Every limiter records every retry (a bucket token is taken even when the per-key backoff is
/// longer), exactly as client-go, so the limiters' states do not depend on which one won.
public struct MaxOfRateLimiter<Key: Hashable & Sendable, Instant: InstantProtocol>: WorkQueueRateLimiter
where Instant.Duration == Duration {
    private var limiters: [any WorkQueueRateLimiter<Key, Instant>]

    /// - Precondition: `limiters` is not empty.
    public init(_ limiters: [any WorkQueueRateLimiter<Key, Instant>]) {
        precondition(!limiters.isEmpty, "MaxOfRateLimiter needs at least one limiter")
        self.limiters = limiters
    }

    /// client-go's `DefaultControllerRateLimiter`: per-key exponential backoff from 5 ms to
    /// 1000 s, and an overall bucket of 10 retries per second with bursts of 100.
    public static func controllerDefault() -> MaxOfRateLimiter {
        MaxOfRateLimiter([
            ItemExponentialBackoff<Key, Instant>(base: .milliseconds(5), maximum: .seconds(1000)),
            BucketRateLimiter<Key, Instant>(qps: 10, burst: 100),
        ])
    }

    public mutating func when(_ key: Key, now: Instant) -> Duration {
        var longest = Duration.zero
        for index in limiters.indices {
            longest = max(longest, limiters[index].when(key, now: now))
        }
        return longest
    }

    public mutating func forget(_ key: Key) {
        for index in limiters.indices { limiters[index].forget(key) }
    }

    public func numRequeues(_ key: Key) -> Int {
        limiters.map { $0.numRequeues(key) }.max() ?? 0
    }
}
