import ControllerRuntime
import Testing

@Suite("BucketRateLimiter")
struct BucketRateLimiterTests {
    @Test("a full bucket lets `burst` retries through, then spaces them at 1/qps")
    func burstThenPaced() {
        var limiter = BucketRateLimiter<String, ManualClock.Instant>()
        #expect(limiter.qps == 10 && limiter.burst == 100)
        for index in 0..<100 { #expect(limiter.when("k\(index)", now: at(0)) == .zero) }
        #expect(limiter.when("x", now: at(0)).isApproximately(.milliseconds(100)))
        #expect(limiter.when("y", now: at(0)).isApproximately(.milliseconds(200)))
    }

    @Test("tokens come back with time")
    func refills() {
        var limiter = BucketRateLimiter<String, ManualClock.Instant>(qps: 2, burst: 1)
        #expect(limiter.when("a", now: at(0)) == .zero)
        #expect(limiter.when("a", now: at(0)).isApproximately(.milliseconds(500)))
        // At t=2 the booked token (t=0.5) is long used and the bucket is full again.
        #expect(limiter.when("a", now: at(2)) == .zero)
    }

    @Test("it keeps no per-key state")
    func noPerKeyState() {
        var limiter = BucketRateLimiter<String, ManualClock.Instant>(qps: 1, burst: 1)
        _ = limiter.when("a", now: at(0))
        limiter.forget("a")
        #expect(limiter.numRequeues("a") == 0)
        #expect(limiter.when("a", now: at(0)).isApproximately(.seconds(1)))
    }
}
