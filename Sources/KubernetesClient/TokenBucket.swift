/// The client-side rate limit as a pure state machine: a token bucket that
/// refills at `qps` tokens per second up to `burst`.
///
/// `reserve(at:)` takes a token now or books the next one, returning how long
/// the caller must wait — like Go's `rate.Limiter.Reserve`, so concurrent
/// callers are spaced out fairly in arrival order. Time is passed in, never
/// read, so tests drive it without sleeping.
public struct TokenBucket<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    public let qps: Double
    public let burst: Int
    private var tokens: Double
    private var updated: Instant?

    /// - Precondition: `qps > 0`, `burst >= 1`.
    public init(qps: Double, burst: Int) {
        precondition(qps > 0 && burst >= 1, "a token bucket needs qps > 0 and burst >= 1")
        self.qps = qps
        self.burst = burst
        self.tokens = Double(burst)
    }

    /// Takes one token at `now`; returns how long to wait before using it (zero when one was available).
    public mutating func reserve(at now: Instant) -> Duration {
        if let updated {
            let elapsed = updated.duration(to: now)
            if elapsed > .zero {
                tokens = min(Double(burst), tokens + elapsed.seconds * qps)
                self.updated = now
            }
        } else {
            updated = now
        }
        tokens -= 1
        guard tokens < 0 else { return .zero }
        return .seconds(-tokens / qps)
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// A token bucket shared by every request of one client: callers wait for
/// their reservation with the clock's `sleep`, so waiting honours task
/// cancellation.
public actor RateLimiter<C: Clock> where C.Duration == Duration {
    private var bucket: TokenBucket<C.Instant>
    private let clock: C

    public init(qps: Double, burst: Int, clock: C) {
        self.bucket = TokenBucket(qps: qps, burst: burst)
        self.clock = clock
    }

    /// Waits until the caller may send one request.
    public func acquire() async throws {
        let wait = bucket.reserve(at: clock.now)
        guard wait > .zero else { return }
        // Reserved before suspending: other callers queue behind this one.
        try await clock.sleep(for: wait)
    }
}

extension RateLimiter where C == ContinuousClock {
    public init(qps: Double, burst: Int) {
        self.init(qps: qps, burst: burst, clock: ContinuousClock())
    }
}
