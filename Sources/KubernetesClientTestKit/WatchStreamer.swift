import NIOCore
import NIOHTTP1

/// Streams one watch response: a 200 head, then one chunk per event, until the timeout, the
/// client leaving, a deliberate drop, or server shutdown.
struct WatchStreamer {
    let server: FakeAPIServer
    let outbound: HTTPConnection.Outbound
    let closeSignal: ConnectionCloseSignal

    private enum Ending: Sendable {
        /// `timeoutSeconds` elapsed: end the response properly.
        case timedOut
        /// The event stream finished (the server is stopping).
        case finished
        /// Fault injection: abort the connection mid-response.
        case dropped
        /// The client hung up.
        case clientClosed
    }

    /// Returns whether the connection can carry another request.
    func stream(_ watch: WatchRequest, version: HTTPVersion, keepAlive: Bool) async throws -> Bool {
        let (frames, sink) = AsyncStream<WatchFrame>.makeStream()
        let start: ObjectStore.WatchStart
        do {
            start = try await server.store.startWatch(
                watch.resource, filter: watch.filter, resourceVersion: watch.resourceVersion, continuation: sink)
        } catch {
            server.logger.debug("watch refused", metadata: ["error": "\(error)"])
            let response = HTTPResponse.error(error)
            var headers = response.headers
            headers.replaceOrAdd(name: "content-length", value: String(response.body.count))
            try await outbound.write(contentsOf: [
                .head(HTTPResponseHead(version: version, status: response.status, headers: headers)),
                .body(.byteBuffer(ByteBuffer(bytes: response.body))), .end(nil),
            ])
            return true
        }

        var headers: HTTPHeaders = ["content-type": "application/json", "transfer-encoding": "chunked"]
        if !keepAlive { headers.add(name: "connection", value: "close") }
        try await outbound.write(.head(HTTPResponseHead(version: version, status: .ok, headers: headers)))

        switch start {
        case .expired(let status):
            let line = WatchEventRecord.line(type: .error, objectBytes: HTTPResponse.encode(status).serialized())
            try await outbound.write(contentsOf: [.body(.byteBuffer(ByteBuffer(bytes: line))), .end(nil)])
            return true
        case .started(let id):
            closeSignal.attach(sink)
            let ending: Ending
            do {
                ending = try await pump(frames, watchID: id, watch: watch)
            } catch {
                closeSignal.detach()
                await server.store.stopWatch(id)
                throw error
            }
            closeSignal.detach()
            await server.store.stopWatch(id)
            switch ending {
            case .timedOut, .finished:
                try await outbound.write(.end(nil))
                return true
            case .dropped:
                throw HTTPConnection.WatchDropped()
            case .clientClosed:
                return false
            }
        }
    }

    /// Forwards frames until the first of: timeout, drop, client gone, end of stream. Bookmarks
    /// are requested from the store (not written here) so that they are ordered after every
    /// event they claim to cover.
    private func pump(_ frames: AsyncStream<WatchFrame>, watchID: Int, watch: WatchRequest) async throws -> Ending {
        let store = server.store
        let outbound = outbound
        let bookmarkInterval = server.configuration.bookmarkInterval
        return try await withThrowingTaskGroup(of: Ending.self) { group in
            if let timeout = watch.timeout {
                group.addTask {
                    try await Task.sleep(for: timeout)
                    return .timedOut
                }
            }
            if watch.allowBookmarks {
                group.addTask {
                    while true {
                        try await Task.sleep(for: bookmarkInterval)
                        await store.bookmark(watchID)
                    }
                }
            }
            group.addTask {
                for await frame in frames {
                    switch frame {
                    case .line(let bytes):
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: bytes))))
                    case .dropped:
                        return .dropped
                    case .clientClosed:
                        return .clientClosed
                    }
                }
                return .finished
            }
            let first = try await group.next() ?? .finished
            group.cancelAll()
            return first
        }
    }
}
