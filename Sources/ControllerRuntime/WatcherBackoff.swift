/// Exponential backoff between a ``Watcher``'s failed requests: `initial`, doubling, capped at
/// `maximum`, back to `initial` after any progress.
///
/// The defaults are client-go's reflector backoff (800 ms doubling to 30 s). There is no jitter:
/// the sequence is deterministic so that tests can state it, and watchers of one process start
/// at different moments anyway. A fleet of controllers restarted together against an API server
/// that has just come back is the case jitter would help; the 30 s cap bounds that herd.
public struct WatcherBackoff: Hashable, Sendable {
    /// The first delay after a failure.
    public var initial: Duration
    /// The largest delay.
    public var maximum: Duration
    /// A watch that ends cleanly sooner than this, having delivered no event, counts as a
    /// failure (so a server closing every watch at once cannot cause a hot loop).
    public var minimumHealthyWatch: Duration

    private var current: Duration?

    public init(
        initial: Duration = .milliseconds(800), maximum: Duration = .seconds(30),
        minimumHealthyWatch: Duration = .seconds(1)
    ) {
        self.initial = initial
        self.maximum = max(initial, maximum)
        self.minimumHealthyWatch = minimumHealthyWatch
    }

    /// The next delay, and advances the sequence.
    mutating func next() -> Duration {
        let delay = current.map { min($0 * 2, maximum) } ?? initial
        current = delay
        return delay
    }

    /// Back to `initial` for the next failure.
    mutating func reset() {
        current = nil
    }
}
