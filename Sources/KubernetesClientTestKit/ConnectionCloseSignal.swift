import Synchronization

/// Tells a streaming watch that its client hung up.
///
/// The connection's reader notices the end of the inbound stream; the watch is blocked on its
/// event stream, not on the socket, so the reader pushes ``WatchFrame/clientClosed`` into it.
/// Without this a watch whose client left would linger until the next event or bookmark write failed.
final class ConnectionCloseSignal: Sendable {
    private struct State {
        var isClosed = false
        var watch: AsyncStream<WatchFrame>.Continuation?
    }

    private let state = Mutex(State())

    func fire() {
        let watch = state.withLock { state -> AsyncStream<WatchFrame>.Continuation? in
            state.isClosed = true
            defer { state.watch = nil }
            return state.watch
        }
        watch?.yield(.clientClosed)
    }

    func attach(_ watch: AsyncStream<WatchFrame>.Continuation) {
        let alreadyClosed = state.withLock { state -> Bool in
            if !state.isClosed { state.watch = watch }
            return state.isClosed
        }
        if alreadyClosed { watch.yield(.clientClosed) }
    }

    func detach() {
        state.withLock { $0.watch = nil }
    }
}
