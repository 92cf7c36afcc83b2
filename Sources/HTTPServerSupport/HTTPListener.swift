public import NIOCore
public import NIOHTTP1
import NIOPosix
import Synchronization

/// One accepted HTTP/1.1 connection, as NIO's async API hands it out.
public typealias HTTPServerConnection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

/// A bound HTTP/1.1 listening socket whose connections are served by child tasks, and that
/// closes every connection it accepted when it stops — including those accepted but never
/// handed to a handler.
///
/// Why this exists: NIO wraps each connection in a `NIOAsyncChannel` the moment it accepts it,
/// and buffers the wrappers until the accept loop asks for the next one. A loop that ends (by
/// cancellation) drops the buffered wrappers, and a wrapper whose writer was never finished traps
/// in its deinit ("Deinited NIOAsyncWriter without calling finish()"), taking the whole process
/// down. So every accepted connection is registered here until a handler takes it, and `serve`
/// closes whatever is left when it ends; connections accepted after that are closed at once.
public struct HTTPListener: Sendable {
    private let channel: NIOAsyncChannel<HTTPServerConnection, Never>
    private let unserved: UnservedConnections

    /// The port actually bound (useful when asked for port 0).
    public var port: Int? { channel.channel.localAddress?.port }

    /// Binds `host:port` now, so that an address in use fails here rather than later.
    ///
    /// - Parameter configure: adds handlers in front of the HTTP codec (TLS, for instance); runs
    ///   on the connection's event loop for every accepted connection.
    public static func bind(
        host: String,
        port: Int,
        backlog: Int32 = 256,
        configure: @escaping @Sendable (_ pipeline: ChannelPipeline.SynchronousOperations) throws -> Void = { _ in }
    ) async throws -> HTTPListener {
        let unserved = UnservedConnections()
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: backlog)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try configure(channel.pipeline.syncOperations)
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withErrorHandling: true)
                    let connection = try HTTPServerConnection(wrappingChannelSynchronously: channel)
                    unserved.admit(connection)
                    return connection
                }
            }
        return HTTPListener(channel: channel, unserved: unserved)
    }

    /// Accepts connections and runs `handle` for each in a child task until the task is cancelled
    /// or the listening socket fails; then closes the listener, closes the connections no
    /// handler took, and waits for the running handlers (which see the cancellation) to return.
    ///
    /// A handler must close its connection (`executeThenClose`) before it returns.
    ///
    /// - Throws: the listener's error, or `CancellationError` when cancelled.
    public func serve(_ handle: @escaping @Sendable (HTTPServerConnection) async -> Void) async throws {
        try await withThrowingDiscardingTaskGroup { group in
            // After executeThenClose the listener is closed: no connection is accepted later
            // than `closeAll`, except one already being set up, which `admit` closes.
            defer { unserved.closeAll() }
            try await channel.executeThenClose { connections in
                for try await connection in connections where unserved.take(connection) {
                    group.addTask { await handle(connection) }
                }
            }
        }
    }
}

/// Accepted connections no handler has taken yet (see `HTTPListener`).
final class UnservedConnections: Sendable {
    private struct State {
        var isOpen = true
        var connections: [ObjectIdentifier: HTTPServerConnection] = [:]
    }

    private let state = Mutex(State())

    /// Registers a just-accepted connection, or closes it if the listener has stopped.
    func admit(_ connection: HTTPServerConnection) {
        let admitted = state.withLock { state in
            guard state.isOpen else { return false }
            state.connections[ObjectIdentifier(connection.channel)] = connection
            return true
        }
        if !admitted { Self.close(connection) }
    }

    /// Hands a connection to its handler; false if it was already closed.
    func take(_ connection: HTTPServerConnection) -> Bool {
        state.withLock { $0.connections.removeValue(forKey: ObjectIdentifier(connection.channel)) != nil }
    }

    /// Stops admitting and closes every connection not taken.
    func closeAll() {
        let leftovers = state.withLock { state in
            state.isOpen = false
            defer { state.connections.removeAll() }
            return Array(state.connections.values)
        }
        leftovers.forEach(Self.close)
    }

    private static func close(_ connection: HTTPServerConnection) {
        connection.outbound.finish()
        connection.channel.close(promise: nil)
    }
}
