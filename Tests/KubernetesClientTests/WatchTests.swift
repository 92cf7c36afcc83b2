import Foundation
import KubernetesClientTestKit
import KubernetesCore
import Testing

@testable import KubernetesClient

@Suite("Watch against the stand-in")
struct WatchTests {
    /// Reads events until `count` have arrived (bookmarks skipped) or the stream ends.
    func collect(_ stream: WatchStream<Widget>, count: Int) async throws -> [WatchEvent<Widget>] {
        var events: [WatchEvent<Widget>] = []
        for try await event in stream {
            if case .bookmark = event { continue }
            events.append(event)
            if events.count == count { break }
        }
        return events
    }

    @Test("events stream as they happen, from a resourceVersion")
    func streaming() async throws {
        try await withStandIn { _, client in
            let widgets = client.resource(Widget.self)
            let start = try await widgets.list().metadata.resourceVersion
            let stream = try await widgets.watch(WatchOptions(resourceVersion: start, timeoutSeconds: 30))
            var created = try await widgets.create(Widget(name: "a", size: 1))
            created.spec.size = 2
            _ = try await widgets.update(created)
            try await widgets.delete("a")
            let events = try await collect(stream, count: 3)
            #expect(events.map(\.type) == [.added, .modified, .deleted])
            #expect(events[1].object?.spec.size == 2)
        }
    }

    @Test("a dropped watch ends the stream; resuming from the last version misses nothing")
    func resumeAfterDrop() async throws {
        try await withStandIn { server, client in
            let widgets = client.resource(Widget.self)
            let start = try await widgets.list().metadata.resourceVersion
            let first = try await widgets.watch(WatchOptions(resourceVersion: start, allowWatchBookmarks: false))
            _ = try await widgets.create(Widget(name: "before", size: 1))
            var lastVersion = start
            var iterator = first.makeAsyncIterator()
            if let event = try await iterator.next() { lastVersion = event.object?.metadata.resourceVersion }
            _ = await server.dropWatches()
            // Written while no watch is open.
            _ = try await widgets.create(Widget(name: "during", size: 2))
            var ended = false
            do {
                while try await iterator.next() != nil {}
                ended = true
            } catch {
                ended = true  // an abrupt close may surface as a transport error
            }
            #expect(ended)
            let resumed = try await widgets.watch(WatchOptions(resourceVersion: lastVersion, allowWatchBookmarks: false))
            let events = try await collect(resumed, count: 1)
            #expect(events.first?.object?.metadata.name == "during")
        }
    }

    @Test("a version older than the history gives an ERROR event with 410")
    func gone() async throws {
        try await withStandIn { server, client in
            let widgets = client.resource(Widget.self)
            let old = try await widgets.list().metadata.resourceVersion
            _ = try await widgets.create(Widget(name: "x", size: 1))
            await server.compactHistory()
            let stream = try await widgets.watch(WatchOptions(resourceVersion: old, allowWatchBookmarks: false))
            var sawGone = false
            for try await event in stream {
                if case .error(let status) = event {
                    sawGone = status.code == 410
                    break
                }
            }
            #expect(sawGone)
        }
    }

    @Test("bookmarks carry a newer resourceVersion; timeoutSeconds ends the stream")
    func bookmarksAndTimeout() async throws {
        var configuration = FakeAPIServer.Configuration()
        configuration.bookmarkInterval = .milliseconds(100)
        try await withStandIn(configuration) { _, client in
            let widgets = client.resource(Widget.self)
            _ = try await widgets.create(Widget(name: "x", size: 1))
            let stream = try await widgets.watch(WatchOptions(resourceVersion: "0", allowWatchBookmarks: true, timeoutSeconds: 1))
            var bookmarks = 0
            var added = 0
            for try await event in stream {
                switch event {
                case .bookmark: bookmarks += 1
                case .added: added += 1
                default: break
                }
            }
            // The loop ended by itself: the server honoured timeoutSeconds.
            #expect(added == 1)
            #expect(bookmarks >= 1)
        }
    }
}
