import AsyncHTTPClient
public import NIOCore

/// A response body that arrives in chunks as the server sends them.
///
/// Iterate it once. A body from the network (`AsyncHTTPClient`) is streamed
/// lazily, without any task of its own: each `next()` reads from the
/// connection. Bodies built from a buffer or an `AsyncThrowingStream` serve
/// tests and other transports.
public struct TransportBody: AsyncSequence, Sendable {
    public typealias Element = ByteBuffer

    enum Storage: Sendable {
        case buffer(ByteBuffer)
        case stream(AsyncThrowingStream<ByteBuffer, any Error>)
        case network(HTTPClientResponse.Body)
    }

    let storage: Storage

    init(network body: HTTPClientResponse.Body) { storage = .network(body) }

    /// A body that is one buffer.
    public init(_ buffer: ByteBuffer) { storage = .buffer(buffer) }

    /// A body fed from a stream.
    public init(_ stream: AsyncThrowingStream<ByteBuffer, any Error>) { storage = .stream(stream) }

    public struct AsyncIterator: AsyncIteratorProtocol {
        enum State {
            case buffer(ByteBuffer?)
            case stream(AsyncThrowingStream<ByteBuffer, any Error>.AsyncIterator)
            case network(HTTPClientResponse.Body.AsyncIterator)
        }

        var state: State

        public mutating func next() async throws(TransportError) -> ByteBuffer? {
            do {
                switch state {
                case .buffer(let buffer):
                    state = .buffer(nil)
                    return buffer
                case .stream(var iterator):
                    let chunk = try await iterator.next()
                    state = .stream(iterator)
                    return chunk
                case .network(var iterator):
                    let chunk = try await iterator.next()
                    state = .network(iterator)
                    return chunk
                }
            } catch let error as TransportError {
                throw error
            } catch {
                throw TransportError("response body: \(error)")
            }
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        switch storage {
        case .buffer(let buffer): AsyncIterator(state: .buffer(buffer))
        case .stream(let stream): AsyncIterator(state: .stream(stream.makeAsyncIterator()))
        case .network(let body): AsyncIterator(state: .network(body.makeAsyncIterator()))
        }
    }

    /// The whole body, or an error when it is longer than `maxBytes`.
    public func collect(upTo maxBytes: Int) async throws(TransportError) -> ByteBuffer {
        var result = ByteBuffer()
        var iterator = makeAsyncIterator()
        while var chunk = try await iterator.next() {
            guard result.readableBytes + chunk.readableBytes <= maxBytes else {
                throw TransportError("response body exceeds \(maxBytes) bytes")
            }
            result.writeBuffer(&chunk)
        }
        return result
    }
}
