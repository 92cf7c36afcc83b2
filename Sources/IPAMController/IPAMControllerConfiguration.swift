public import ControllerRuntime

/// How the IPAM controller runs. Defaults are what DESIGN.md names.
public struct IPAMControllerConfiguration: Hashable, Sendable {
    /// Workers of the claim controller (claims of different pools and of one pool are decided
    /// one at a time per pool, but their API writes overlap).
    public var claimWorkers: Int
    /// Workers of each of the pool, lease and Pod controllers.
    public var workers: Int
    /// Every this often, every object is reconciled again (catches anything a trigger missed).
    public var resyncPeriod: Duration?
    /// How long an object must be seen without its owner, twice, before it is released.
    public var orphanGracePeriod: Duration
    /// At most about one status write per pool per this interval.
    public var poolStatusInterval: Duration
    /// The field manager of every write (`managedFields`).
    public var fieldManager: String
    /// The list/watch behaviour of the caches.
    public var watcher: WatcherConfiguration

    public init(
        claimWorkers: Int = 4, workers: Int = 2, resyncPeriod: Duration? = .seconds(600),
        orphanGracePeriod: Duration = .seconds(30), poolStatusInterval: Duration = .seconds(1),
        fieldManager: String = "ipam-controller", watcher: WatcherConfiguration = .init()
    ) {
        self.claimWorkers = max(1, claimWorkers)
        self.workers = max(1, workers)
        self.resyncPeriod = resyncPeriod
        self.orphanGracePeriod = orphanGracePeriod
        self.poolStatusInterval = poolStatusInterval
        self.fieldManager = fieldManager
        self.watcher = watcher
    }
}
