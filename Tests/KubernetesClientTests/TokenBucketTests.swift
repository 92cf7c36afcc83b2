import Testing

@testable import KubernetesClient

@Suite("TokenBucket")
struct TokenBucketTests {
    /// Instants as plain durations since an origin: the bucket never reads a clock.
    let origin = ContinuousClock.Instant.now

    @Test("a full bucket serves `burst` requests at once, then spaces them at 1/qps")
    func burstThenPaced() {
        var bucket = TokenBucket<ContinuousClock.Instant>(qps: 10, burst: 3)
        for _ in 0..<3 { #expect(bucket.reserve(at: origin) == .zero) }
        // The 4th and 5th wait 100 ms and 200 ms: reservations queue up.
        #expect(bucket.reserve(at: origin).isApproximately(.milliseconds(100)))
        #expect(bucket.reserve(at: origin).isApproximately(.milliseconds(200)))
    }

    @Test("tokens refill with time, up to burst and no further")
    func refill() {
        var bucket = TokenBucket<ContinuousClock.Instant>(qps: 10, burst: 2)
        #expect(bucket.reserve(at: origin) == .zero)
        #expect(bucket.reserve(at: origin) == .zero)
        // One second later the bucket is full again (2 tokens, not 10).
        let later = origin.advanced(by: .seconds(1))
        #expect(bucket.reserve(at: later) == .zero)
        #expect(bucket.reserve(at: later) == .zero)
        #expect(bucket.reserve(at: later).isApproximately(.milliseconds(100)))
    }

    @Test("a steady rate below qps never waits")
    func steadyRate() {
        var bucket = TokenBucket<ContinuousClock.Instant>(qps: 5, burst: 1)
        for step in 0..<50 {
            #expect(bucket.reserve(at: origin.advanced(by: .milliseconds(200 * step))) == .zero)
        }
    }
}

extension Duration {
    func isApproximately(_ other: Duration) -> Bool {
        abs((self - other).seconds) < 1e-6
    }
}
