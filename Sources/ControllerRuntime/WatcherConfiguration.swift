/// How a ``Watcher`` lists and watches.
public struct WatcherConfiguration: Hashable, Sendable {
    /// Only objects matching this label selector (`app=x,tier!=db`); `nil` for all.
    public var labelSelector: String?
    /// Only objects matching this field selector (`metadata.name=x`); `nil` for all.
    public var fieldSelector: String?
    /// Objects per listing page.
    public var pageSize: Int
    /// The server-side timeout asked for each watch (`timeoutSeconds`); the watch is then resumed
    /// from the last resourceVersion, which spreads load across API server replicas.
    public var watchTimeout: Duration
    /// How much longer than ``watchTimeout`` a watch may stay open before it is presumed dead (a
    /// half-open connection) and abandoned.
    public var watchGrace: Duration
    /// The backoff between failed requests.
    public var backoff: WatcherBackoff
    /// Failures without progress for this long make ``Watcher/isWedged`` true (liveness fails).
    public var wedgedAfter: Duration

    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, pageSize: Int = 500,
        watchTimeout: Duration = .seconds(300), watchGrace: Duration = .seconds(60),
        backoff: WatcherBackoff = WatcherBackoff(), wedgedAfter: Duration = .seconds(300)
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.pageSize = max(1, pageSize)
        self.watchTimeout = max(.seconds(1), watchTimeout)
        self.watchGrace = watchGrace
        self.backoff = backoff
        self.wedgedAfter = wedgedAfter
    }
}
