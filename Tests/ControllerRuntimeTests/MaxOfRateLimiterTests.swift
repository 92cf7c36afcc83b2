import ControllerRuntime
import Testing

@Suite("MaxOfRateLimiter")
struct MaxOfRateLimiterTests {
    typealias Limiter = MaxOfRateLimiter<String, ManualClock.Instant>

    @Test("the controller default: per-key backoff while the bucket has tokens")
    func backoffDominates() {
        var limiter = Limiter.controllerDefault()
        let delays = (0..<4).map { _ in limiter.when("a", now: at(0)) }
        #expect(delays == [5, 10, 20, 40].map { .milliseconds($0) })
        #expect(limiter.numRequeues("a") == 4)
    }

    @Test("the controller default: the bucket paces a storm of distinct keys at 10 per second")
    func bucketDominates() {
        var limiter = Limiter.controllerDefault()
        // 100 distinct keys fail at once: each waits only its first backoff step (the burst).
        for index in 0..<100 { #expect(limiter.when("k\(index)", now: at(0)) == .milliseconds(5)) }
        // The 101st and 102nd wait for tokens: 100 ms, 200 ms, far above their 5 ms backoff.
        #expect(limiter.when("k100", now: at(0)).isApproximately(.milliseconds(100)))
        #expect(limiter.when("k101", now: at(0)).isApproximately(.milliseconds(200)))
    }

    @Test("every limiter records every retry, whichever wins")
    func allRecord() {
        var limiter = Limiter([
            ItemExponentialBackoff<String, ManualClock.Instant>(base: .seconds(1), maximum: .seconds(60)),
            BucketRateLimiter<String, ManualClock.Instant>(qps: 1, burst: 2),
        ])
        #expect(limiter.when("a", now: at(0)) == .seconds(1))  // backoff 1 s, token free
        #expect(limiter.when("b", now: at(0)) == .seconds(1))  // backoff 1 s, token free
        // Bucket is empty: "c" waits for the token booked at t=1 (backoff 1 s ties).
        #expect(limiter.when("c", now: at(0)).isApproximately(.seconds(1)))
        // "a" again: backoff 2 s, token at t=2 → 2 s either way; then "d" waits for t=3.
        #expect(limiter.when("a", now: at(0)).isApproximately(.seconds(2)))
        #expect(limiter.when("d", now: at(0)).isApproximately(.seconds(3)))
    }

    @Test("forget resets the per-key backoff; numRequeues is the largest count")
    func forget() {
        var limiter = Limiter.controllerDefault()
        for _ in 0..<3 { _ = limiter.when("a", now: at(0)) }
        limiter.forget("a")
        #expect(limiter.numRequeues("a") == 0)
        #expect(limiter.when("a", now: at(10)) == .milliseconds(5))
    }
}
