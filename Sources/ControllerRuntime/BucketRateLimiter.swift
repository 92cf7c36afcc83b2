import KubernetesClient

/// An overall token bucket for retries: `qps` per second with bursts of `burst` — client-go's
/// `BucketRateLimiter`.
///
/// Every retry, of any key, takes a token; when none is left the retry is booked for when the
/// next token arrives, so a storm of failures is spread out instead of hammering the API server.
/// It keeps no per-key state (``numRequeues(_:)`` is 0, ``forget(_:)`` does nothing). Built on
/// ``TokenBucket``, the same bucket as the client's request limit.
public struct BucketRateLimiter<Key: Hashable & Sendable, Instant: InstantProtocol>: WorkQueueRateLimiter
where Instant.Duration == Duration {
    private var bucket: TokenBucket<Instant>

    /// Tokens refill at `qps` per second up to `burst`; the bucket starts full.
    ///
    /// - Precondition: `qps > 0`, `burst >= 1`.
    public init(qps: Double = 10, burst: Int = 100) {
        bucket = TokenBucket(qps: qps, burst: burst)
    }

    public var qps: Double { bucket.qps }
    public var burst: Int { bucket.burst }

    public mutating func when(_ key: Key, now: Instant) -> Duration {
        bucket.reserve(at: now)
    }

    public mutating func forget(_ key: Key) {}

    public func numRequeues(_ key: Key) -> Int { 0 }
}
