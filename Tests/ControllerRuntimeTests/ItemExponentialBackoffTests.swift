import ControllerRuntime
import Testing

@Suite("ItemExponentialBackoff")
struct ItemExponentialBackoffTests {
    typealias Backoff = ItemExponentialBackoff<String, ManualClock.Instant>

    @Test("the delay doubles from 5 ms with every retry of a key")
    func doubles() {
        var backoff = Backoff()
        let delays = (0..<5).map { _ in backoff.when("a", now: at(0)) }
        #expect(delays == [5, 10, 20, 40, 80].map { .milliseconds($0) })
        #expect(backoff.numRequeues("a") == 5)
    }

    @Test("the delay is capped at 1000 s and never overflows")
    func capped() {
        var backoff = Backoff()
        var delays: [Duration] = []
        for _ in 0..<300 { delays.append(backoff.when("a", now: at(0))) }
        // 5 ms × 2^17 = 655.36 s is the last one under the cap.
        #expect(delays[17] == .milliseconds(655_360))
        #expect(delays[18] == .seconds(1000))
        #expect(delays[18...].allSatisfy { $0 == .seconds(1000) })
        #expect(backoff.numRequeues("a") == 300)
    }

    @Test("keys back off independently")
    func perKey() {
        var backoff = Backoff()
        _ = backoff.when("a", now: at(0))
        _ = backoff.when("a", now: at(0))
        #expect(backoff.when("b", now: at(0)) == .milliseconds(5))
        #expect(backoff.when("a", now: at(0)) == .milliseconds(20))
    }

    @Test("forget starts the key over")
    func forget() {
        var backoff = Backoff()
        for _ in 0..<4 { _ = backoff.when("a", now: at(0)) }
        backoff.forget("a")
        #expect(backoff.numRequeues("a") == 0)
        #expect(backoff.when("a", now: at(0)) == .milliseconds(5))
    }

    @Test("custom base and cap")
    func custom() {
        var backoff = Backoff(base: .seconds(1), maximum: .seconds(3))
        let delays = (0..<4).map { _ in backoff.when("a", now: at(0)) }
        #expect(delays == [.seconds(1), .seconds(2), .seconds(3), .seconds(3)])
    }
}
