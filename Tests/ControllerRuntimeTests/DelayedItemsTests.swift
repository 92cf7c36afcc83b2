import Testing

@testable import ControllerRuntime

@Suite("DelayedItems")
struct DelayedItemsTests {
    @Test("keys come out in time order, then schedule order for ties")
    func order() {
        var items = DelayedItems<Int, ManualClock.Instant>()
        var random = SplitMix64(seed: 7)
        var expected: [(Double, Int)] = []
        for key in 0..<500 {
            let time = Double(random.next() % 50)
            items.schedule(key, at: at(time))
            expected.append((time, key))
        }
        expected.sort { ($0.0, $0.1) < ($1.0, $1.1) }
        var popped: [(Double, Int)] = []
        while let (key, readyAt) = items.popDue(at: at(100)) {
            popped.append((readyAt.offset.inSeconds, key))
        }
        #expect(popped.map(\.1) == expected.map(\.1))
        #expect(items.isEmpty)
    }

    @Test("only keys due by now come out")
    func dueOnly() {
        var items = DelayedItems<String, ManualClock.Instant>()
        items.schedule("late", at: at(5))
        items.schedule("soon", at: at(1))
        #expect(items.earliest == at(1))
        #expect(items.popDue(at: at(0.5)) == nil)
        #expect(items.popDue(at: at(1))?.key == "soon")
        #expect(items.popDue(at: at(4)) == nil)
        #expect(items.earliest == at(5))
    }

    @Test("rescheduling moves a key earlier, never later, and leaves one entry")
    func reschedule() {
        var items = DelayedItems<String, ManualClock.Instant>()
        let first = items.schedule("a", at: at(5))
        let later = items.schedule("a", at: at(9))
        let earlier = items.schedule("a", at: at(2))
        #expect(first && !later && earlier)
        #expect(items.count == 1)
        #expect(items.readyAt("a") == at(2))
        #expect(items.popDue(at: at(10))?.readyAt == at(2))
        // The superseded entry is skipped, not handed out.
        #expect(items.popDue(at: at(10)) == nil)
        #expect(items.earliest == nil)
    }
}
