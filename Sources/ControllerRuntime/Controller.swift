public import KubernetesCore
public import Logging
public import Metrics
public import ServiceLifecycle
import Synchronization

/// Runs a ``Reconciler`` for the keys its triggers produce: the controller loop of
/// controller-runtime (`reconcileHandler`) and kube-rs (`Controller`).
///
/// ## Flow
/// 1. Before ``run()``: ``watches(_:mapping:)`` connects reflectors to the work queue. A change
///    to the primary resource enqueues its own key (``reconciles(_:)``); a change to a related
///    one enqueues the keys its mapping names (a Pod change → its claim; a pool change → the
///    claims waiting for it).
/// 2. ``run()`` waits until every watched reflector's store has synced, then starts
///    ``ControllerConfiguration/workers`` workers and, if configured, the periodic resync (every
///    key of the primary stores is enqueued again, catching anything a trigger missed).
/// 3. Each worker takes a key, calls the reconciler and acts on the outcome:
///
///    | outcome | queue | `controller_runtime_reconcile_total{result}` |
///    |---|---|---|
///    | `.done` | forget (reset backoff) | `success` |
///    | `.requeue(after:)` | forget, add after the delay | `requeue_after` |
///    | thrown ``TerminalError`` | forget, not retried | `error` |
///    | any other error | add with per-key backoff and the overall token bucket | `error` |
///
/// ## Guarantees
/// - No key is reconciled by two workers at once (``WorkQueue``); changes arriving during a
///   reconcile run it again afterwards, never concurrently.
/// - Workers never start before the caches have synced, so a reconciler never acts on a
///   half-filled cache (readiness reports it: ``healthCheck``).
/// - Graceful shutdown stops handing out keys, lets reconciles in flight finish, and returns.
///   Cancellation cancels the reconciles in flight.
///
/// ## Caveats
/// - The queue lives in memory: keys queued at shutdown are dropped. The next process lists
///   everything and reconciles it (level-based), so nothing is lost but time.
/// - With leader election, run controllers only while leading (``LeaderElector``), and readers'
///   caches may be warmed before.
public final class Controller<C: Clock>: Service, Sendable where C.Duration == Duration {
    /// The controller's name: the `controller` label of its metrics and its queue's `name`.
    public let name: String
    /// The work queue (exposed for tests and for reconcilers that enqueue related keys).
    public let queue: WorkQueue<ObjectKey, C>
    /// Workers and resync.
    public let configuration: ControllerConfiguration

    private let reconciler: any Reconciler
    private let clock: C
    private let logger: Logger
    private let metrics: ControllerMetrics
    private let sources = Mutex<Sources>(Sources())
    private let started = Latch()
    private let activeWorkers = Atomic<Int>(0)

    private struct Sources: Sendable {
        /// Waits until a watched store has synced; `false` when cancelled.
        var syncWaiters: [@Sendable () async -> Bool] = []
        /// The keys of every object of a primary store, for resync.
        var primaryKeys: [@Sendable () -> [ObjectKey]] = []
    }

    /// A controller named `name` running `reconciler`.
    ///
    /// - Parameters:
    ///   - rateLimiter: the queue's backoff for failed keys; `nil` means
    ///     ``MaxOfRateLimiter/controllerDefault()``.
    ///   - metricsFactory: where metrics go; `nil` means the global `MetricsSystem.factory`.
    public init(
        name: String, reconciler: some Reconciler, configuration: ControllerConfiguration = .init(), clock: C,
        logger: Logger, rateLimiter: (any WorkQueueRateLimiter<ObjectKey, C.Instant>)? = nil,
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.name = name
        self.reconciler = reconciler
        self.configuration = configuration
        self.clock = clock
        var logger = logger
        logger[metadataKey: "controller"] = "\(name)"
        self.logger = logger
        let factory = metricsFactory ?? MetricsSystem.factory
        self.queue = WorkQueue(name: name, clock: clock, rateLimiter: rateLimiter, metricsFactory: factory)
        self.metrics = ControllerMetrics(controller: name, factory: factory)
        metrics.maxConcurrentReconciles.record(configuration.workers)
        metrics.activeWorkers.record(0)
    }

    // MARK: Triggers

    /// Makes changes to `reflector`'s objects enqueue the keys `mapping` returns, and makes
    /// ``run()`` wait for its store to sync. Call before ``run()``.
    public func watches<R: Resource, RC: Clock>(
        _ reflector: Reflector<R, RC>, mapping: @escaping @Sendable (StoreChange<R>) -> [ObjectKey]
    ) {
        let queue = self.queue
        reflector.subscribe { change in
            for key in mapping(change) { queue.add(key) }
        }
        let store = reflector.store
        sources.withLock { $0.syncWaiters.append { await store.waitUntilSynced() } }
    }

    /// Makes `reflector`'s objects this controller's primary resource: every change enqueues the
    /// object's own key, and resync enqueues every cached key. Call before ``run()``.
    public func reconciles<R: Resource, RC: Clock>(_ reflector: Reflector<R, RC>) {
        watches(reflector) { [ObjectKey($0.object)] }
        let store = reflector.store
        sources.withLock { $0.primaryKeys.append { store.keys() } }
    }

    // MARK: Running

    /// Whether the caches synced and the workers started.
    public var hasStarted: Bool { started.isOpen }

    /// Ready once the workers have started (the caches synced).
    public var healthCheck: HealthCheck {
        HealthCheck(name: "controller:\(name)", isReady: { [started] in started.isOpen })
    }

    /// Waits for the caches, then reconciles until graceful shutdown (drains reconciles in
    /// flight) or cancellation.
    public func run() async throws {
        let sources = self.sources.withLock { $0 }
        let synced = await cancelWhenGracefulShutdown {
            for waitUntilSynced in sources.syncWaiters where !(await waitUntilSynced()) { return false }
            return true
        }
        guard synced, !Task.isCancelled else {
            logger.debug("stopped before the caches synced")
            return
        }
        logger.debug("caches synced; starting workers", metadata: ["workers": "\(configuration.workers)"])
        started.open()
        let queue = self.queue
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Bool.self) { group in
                for _ in 0..<configuration.workers {
                    group.addTask {
                        await self.work()
                        return true
                    }
                }
                if let period = configuration.resyncPeriod {
                    group.addTask {
                        await self.resync(every: period, keys: sources.primaryKeys)
                        return false
                    }
                }
                group.addTask {
                    await queue.reportUnfinishedWork()
                    return false
                }
                // Workers end when the queue shuts down (or on cancellation); then stop the rest.
                var workersLeft = configuration.workers
                while let isWorker = await group.next() {
                    if isWorker { workersLeft -= 1 }
                    if workersLeft == 0 { group.cancelAll() }
                }
            }
        } onGracefulShutdown: {
            queue.shutDown()
        }
        logger.debug("workers stopped")
    }

    /// One worker: reconciles keys until the queue shuts down.
    private func work() async {
        while let key = await queue.get() {
            metrics.activeWorkers.record(activeWorkers.add(1, ordering: .relaxed).newValue)
            await reconcile(key)
            metrics.activeWorkers.record(activeWorkers.subtract(1, ordering: .relaxed).newValue)
            queue.done(key)
        }
    }

    private func reconcile(_ key: ObjectKey) async {
        let start = clock.now
        defer { metrics.reconcileTime.record(duration: start.duration(to: clock.now)) }
        do {
            switch try await reconciler.reconcile(key) {
            case .done:
                queue.forget(key)
                metrics.success.increment()
            case .requeue(let delay):
                queue.forget(key)
                queue.add(key, after: delay)
                metrics.requeueAfter.increment()
            }
        } catch let error as TerminalError {
            queue.forget(key)
            metrics.error.increment()
            metrics.errors.increment()
            metrics.terminalErrors.increment()
            logger.error("reconcile failed; not retrying", metadata: ["key": "\(key)", "error": "\(error.underlying)"])
        } catch {
            if Task.isCancelled { return }
            queue.addRateLimited(key)
            metrics.error.increment()
            metrics.errors.increment()
            logger.debug(
                "reconcile failed; retrying with backoff",
                metadata: ["key": "\(key)", "error": "\(error)", "requeues": "\(queue.numRequeues(key))"])
        }
    }

    /// Enqueues every primary key every `period` until cancelled.
    private func resync(every period: Duration, keys: [@Sendable () -> [ObjectKey]]) async {
        while !Task.isCancelled {
            do { try await clock.sleep(until: clock.now.advanced(by: period), tolerance: nil) } catch { return }
            var count = 0
            for source in keys {
                for key in source() {
                    queue.add(key)
                    count += 1
                }
            }
            logger.trace("resync", metadata: ["keys": "\(count)"])
        }
    }
}

extension Controller where C == ContinuousClock {
    /// A controller on the continuous clock.
    public convenience init(
        name: String, reconciler: some Reconciler, configuration: ControllerConfiguration = .init(), logger: Logger,
        metricsFactory: (any MetricsFactory)? = nil
    ) {
        self.init(
            name: name, reconciler: reconciler, configuration: configuration, clock: ContinuousClock(), logger: logger,
            metricsFactory: metricsFactory)
    }
}

/// How many workers a ``Controller`` runs and how often it resyncs.
public struct ControllerConfiguration: Hashable, Sendable {
    /// Reconciles that may run at once (different keys). At least 1.
    public var workers: Int
    /// Every this often, every key of the primary resource is reconciled again; `nil` for never.
    public var resyncPeriod: Duration?

    public init(workers: Int = 2, resyncPeriod: Duration? = .seconds(600)) {
        self.workers = max(1, workers)
        self.resyncPeriod = resyncPeriod
    }
}
