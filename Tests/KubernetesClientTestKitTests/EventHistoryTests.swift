@testable import KubernetesClientTestKit
import Testing

@Suite("Event history")
struct EventHistoryTests {
    func event(_ version: Int64) -> WatchEventRecord {
        WatchEventRecord(resourceVersion: version, type: .added, object: ["v": .integer(version)])
    }

    @Test func keepsTheNewestEventsAndRaisesTheFloor() throws {
        var history = EventHistory(capacity: 3, floor: 0)
        for version in [2, 5, 7, 9, 12] as [Int64] { history.append(event(version)) }
        #expect(history.count == 3)
        #expect(history.floor == 5)
        #expect(history.events(after: 4) == nil)
        #expect(try #require(history.events(after: 5)).map(\.resourceVersion) == [7, 9, 12])
        #expect(try #require(history.events(after: 8)).map(\.resourceVersion) == [9, 12])
        #expect(try #require(history.events(after: 12)).isEmpty)
        #expect(try #require(history.events(after: 100)).isEmpty)
    }

    @Test func compactionForgetsEverything() throws {
        var history = EventHistory(capacity: 10, floor: 0)
        for version in 1...4 as ClosedRange<Int64> { history.append(event(version)) }
        history.compact(to: 4)
        #expect(history.events(after: 3) == nil)
        #expect(try #require(history.events(after: 4)).isEmpty)
        history.append(event(5))
        #expect(try #require(history.events(after: 4)).map(\.resourceVersion) == [5])
    }

    @Test func manyAppendsStayBounded() {
        var history = EventHistory(capacity: 5, floor: 0)
        for version in 1...1000 as ClosedRange<Int64> { history.append(event(version)) }
        #expect(history.count == 5)
        #expect(history.floor == 995)
        #expect(history.events(after: 995)?.map(\.resourceVersion) == [996, 997, 998, 999, 1000])
    }
}
