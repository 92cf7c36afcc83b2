public import KubernetesClient
public import KubernetesCore
public import Logging
public import ServiceLifecycle
import Synchronization

/// Runs a ``Watcher`` into a ``Store`` and tells subscribers what changed: an informer.
///
/// ## Flow
/// Subscribers are registered with ``subscribe(_:)`` before ``run()``. For every watcher event
/// the store is updated first, then each subscriber is called with each change, synchronously,
/// on the reflector's task — subscribers enqueue keys; they must not block or await.
///
/// ## Guarantees
/// - A subscriber sees a change only after the store shows it, so a reconcile triggered by it
///   reads at least that state.
/// - Objects deleted while the watch was down reach subscribers as ``StoreChange/deleted(_:)``
///   after the relisting (see ``Watcher``).
/// - ``run()`` is a `Service`: it ends on cancellation or graceful shutdown, never on API
///   errors.
///
/// ## Caveats
/// - Subscribing after ``run()`` started misses the changes before; a late subscriber should
///   walk ``store`` once itself.
public final class Reflector<R: Resource, C: Clock>: Service, Sendable where C.Duration == Duration {
    /// The cache this reflector keeps current; hand it to readers.
    public let store: Store<R>
    /// The watcher feeding ``store``.
    public let watcher: Watcher<R, C>
    private let subscribers = Mutex<[@Sendable (StoreChange<R>) -> Void]>([])

    /// A reflector of the objects `client` reaches, with these store indexes.
    public init(
        client: ResourceClient<R>, configuration: WatcherConfiguration = .init(), indexes: [StoreIndex<R>] = [],
        clock: C, logger: Logger
    ) {
        self.store = Store(indexes: indexes)
        self.watcher = Watcher(client: client, configuration: configuration, clock: clock, logger: logger)
    }

    /// Calls `subscriber` with every change from now on. Register before ``run()``.
    public func subscribe(_ subscriber: @escaping @Sendable (StoreChange<R>) -> Void) {
        subscribers.withLock { $0.append(subscriber) }
    }

    /// Lists and watches into the store until cancelled or shut down gracefully.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await self.watcher.run { event in self.deliver(event) }
        }
    }

    /// Health of this reflector, named after the resource: ready once synced, live unless its
    /// watcher is wedged.
    public var healthCheck: HealthCheck {
        HealthCheck(
            name: "reflector:\(R.plural)", isReady: { [store] in store.hasSynced },
            isLive: { [watcher] in !watcher.isWedged })
    }

    private func deliver(_ event: WatcherEvent<R>) {
        let changes = store.apply(event)
        guard !changes.isEmpty else { return }
        let current = subscribers.withLock { $0 }
        for subscriber in current {
            for change in changes { subscriber(change) }
        }
    }
}

extension Reflector where C == ContinuousClock {
    /// A reflector on the continuous clock.
    public convenience init(
        client: ResourceClient<R>, configuration: WatcherConfiguration = .init(), indexes: [StoreIndex<R>] = [],
        logger: Logger
    ) {
        self.init(client: client, configuration: configuration, indexes: indexes, clock: ContinuousClock(), logger: logger)
    }
}
