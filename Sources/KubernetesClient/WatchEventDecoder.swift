import Foundation
public import KubernetesCore
public import NIOCore

/// Splits a watch stream into lines and decodes each as a ``WatchEvent``.
///
/// The API server writes one JSON object per line, but chunks arrive on
/// arbitrary byte boundaries: a chunk may hold half an event or several.
/// Bytes are buffered until a newline completes an event. Blank lines
/// (keep-alives) are skipped.
public struct WatchEventDecoder<R: Resource>: Sendable {
    private var pending = ByteBuffer()
    private let decoding = JSONDecoding<WatchEvent<R>>()
    /// Largest event accepted; a longer line means a broken stream, not a big object.
    public let maximumEventBytes: Int

    public init(maximumEventBytes: Int = 16 << 20) {
        self.maximumEventBytes = maximumEventBytes
    }

    /// Adds a chunk and returns the events it completed, in order.
    public mutating func feed(_ chunk: ByteBuffer) throws(WatchDecodingError) -> [WatchEvent<R>] {
        var chunk = chunk
        pending.writeBuffer(&chunk)
        var events: [WatchEvent<R>] = []
        while let newline = pending.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) {
            let length = newline - pending.readerIndex
            let line = pending.readSlice(length: length)!
            pending.moveReaderIndex(forwardBy: 1)
            if let event = try decode(line) { events.append(event) }
        }
        guard pending.readableBytes <= maximumEventBytes else {
            throw WatchDecodingError("a watch event exceeds \(maximumEventBytes) bytes")
        }
        pending.discardReadBytes()
        return events
    }

    /// The event left without a final newline when the stream ended, if any.
    public mutating func finish() throws(WatchDecodingError) -> WatchEvent<R>? {
        defer { pending.clear() }
        return try decode(pending)
    }

    private func decode(_ line: ByteBuffer) throws(WatchDecodingError) -> WatchEvent<R>? {
        let bytes = line.readableBytesView
        guard bytes.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\t") })
        else { return nil }
        do {
            return try bytes.withUnsafeBytes { bytes in try decoding.decode(bytes) }
        } catch {
            let excerpt = String(decoding: bytes.prefix(200), as: UTF8.self)
            throw WatchDecodingError("undecodable watch event \(excerpt): \(error)")
        }
    }
}

/// A watch stream held something that is not a watch event of the expected kind.
public struct WatchDecodingError: Error, Hashable, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// A watch as an `AsyncSequence` of typed events, read from the connection
/// as they arrive.
///
/// The sequence ends when the server closes the watch (its `timeoutSeconds`
/// or a restart); that is normal, and the caller resumes from the last
/// resourceVersion it saw. `ERROR` events (such as 410 Expired) are yielded as
/// `.error(Status)`, not thrown: deciding to relist is the watcher's job.
/// Transport failures and undecodable events are thrown as ``KubernetesError``.
public struct WatchStream<R: Resource>: AsyncSequence, Sendable {
    public typealias Element = WatchEvent<R>

    let body: TransportBody
    let request: String

    public struct AsyncIterator: AsyncIteratorProtocol {
        var body: TransportBody.AsyncIterator
        var decoder = WatchEventDecoder<R>()
        /// Decoded events not handed out yet, last first (taking the next one is O(1)).
        var ready: [WatchEvent<R>] = []
        var finished = false
        let request: String

        public mutating func next() async throws(KubernetesError) -> WatchEvent<R>? {
            while ready.isEmpty {
                if finished { return nil }
                let chunk: ByteBuffer?
                do {
                    chunk = try await body.next()
                } catch {
                    throw KubernetesError(.transport(error), request: request)
                }
                do {
                    if let chunk {
                        ready = try decoder.feed(chunk).reversed()
                    } else {
                        finished = true
                        if let last = try decoder.finish() { ready = [last] }
                    }
                } catch {
                    throw KubernetesError(.decoding(error.description), request: request)
                }
            }
            return ready.removeLast()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(body: body.makeAsyncIterator(), request: request)
    }
}
