/// What the store hands a watch connection.
enum WatchFrame: Sendable {
    /// One newline-terminated JSON event, ready to write as a chunk.
    case line([UInt8])
    /// The server drops the watch (fault injection): close the connection without ending the
    /// chunked body, as a crashing API server or a broken load balancer does.
    case dropped
    /// The client went away (its connection's inbound side ended).
    case clientClosed
}
