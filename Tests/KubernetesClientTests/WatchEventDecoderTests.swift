import KubernetesCore
import NIOCore
import Testing

@testable import KubernetesClient

@Suite("WatchEventDecoder")
struct WatchEventDecoderTests {
    let added = #"{"type":"ADDED","object":{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"a","resourceVersion":"5"}}}"#
    let deleted = #"{"type":"DELETED","object":{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"b","resourceVersion":"7"}}}"#
    let bookmark = #"{"type":"BOOKMARK","object":{"apiVersion":"v1","kind":"Namespace","metadata":{"resourceVersion":"9"}}}"#
    let gone = #"{"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Expired","code":410}}"#

    @Test("events split across chunks at every byte boundary decode the same")
    func everySplit() throws {
        let stream = added + "\n" + deleted + "\n"
        let bytes = Array(stream.utf8)
        for split in 0...bytes.count {
            var decoder = WatchEventDecoder<Namespace>()
            var events = try decoder.feed(ByteBuffer(bytes: bytes[..<split]))
            events += try decoder.feed(ByteBuffer(bytes: bytes[split...]))
            #expect(events.map(\.type) == [.added, .deleted], "split at \(split)")
            #expect(events.first?.object?.metadata.name == "a")
        }
    }

    @Test("several events in one chunk, blank keep-alive lines skipped, bookmarks and errors typed")
    func manyInOneChunk() throws {
        var decoder = WatchEventDecoder<Namespace>()
        let events = try decoder.feed(ByteBuffer(string: added + "\n\n \r\n" + bookmark + "\n" + gone + "\n"))
        #expect(events.count == 3)
        guard case .bookmark(let version) = events[1] else {
            Issue.record("expected a bookmark, got \(events[1])")
            return
        }
        #expect(version == "9")
        guard case .error(let status) = events[2] else {
            Issue.record("expected an error event")
            return
        }
        #expect(status.code == 410)
    }

    @Test("a final event without newline is returned by finish()")
    func finish() throws {
        var decoder = WatchEventDecoder<Namespace>()
        #expect(try decoder.feed(ByteBuffer(string: added)).isEmpty)
        #expect(try decoder.finish()?.type == .added)
        #expect(try decoder.finish() == nil)
    }

    @Test("garbage is an error naming the line; oversized lines are refused")
    func errors() {
        var decoder = WatchEventDecoder<Namespace>()
        #expect(throws: WatchDecodingError.self) { try decoder.feed(ByteBuffer(string: "<html>proxy error</html>\n")) }
        var small = WatchEventDecoder<Namespace>(maximumEventBytes: 10)
        #expect(throws: WatchDecodingError.self) { try small.feed(ByteBuffer(string: String(repeating: "x", count: 11))) }
    }
}
