public import Foundation
import KubernetesCore
import KubernetesClient
public import Logging
public import Metrics
import ServiceLifecycle
import Synchronization

/// Leader election on a `coordination.k8s.io/v1` Lease, so that of several replicas one runs the
/// controllers — client-go's `tools/leaderelection` with its Lease lock, in structured
/// concurrency.
///
/// ```swift
/// let elector = try LeaderElector(
///     configuration: LeaderElectionConfiguration(identity: podName),
///     lock: ResourceLeaseLock(client: client, namespace: "ipam-system", name: "ipam-controller"))
/// try await elector.run {
///     try await controllers.run()   // runs only while we lead; cancelled when we stop
/// }
/// ```
///
/// ## Flow
/// 1. **Campaign.** Every `retryPeriod`, read the Lease. Create it when absent; take it over when
///    it is released (no holder) or expired (its spec has not changed for `leaseDurationSeconds`
///    on our clock since we saw it change), incrementing `leaseTransitions`; renew it when it is
///    already ours. Every write is a compare-and-swap on `resourceVersion`: of two candidates
///    racing, one gets 409 Conflict and keeps campaigning.
/// 2. **Lead.** Start the `whileLeading` closure in a child task, beside a renew loop that
///    updates `renewTime` every `retryPeriod` and a watchdog for the renew deadline.
/// 3. **Step down** when no renewal has succeeded for `renewDeadline` (even with a request still
///    hanging), or a read shows another current holder: cancel the closure, wait for it to end,
///    then campaign again (step 1). The closure runs again, from the start, in the next term.
/// 4. **Leave.** On graceful shutdown (swift-service-lifecycle) a candidate stops campaigning at
///    once; a leader keeps renewing until the closure has returned — the closure sees the graceful
///    shutdown itself and should wind down — then, with `releaseOnShutdown`, clears
///    `holderIdentity` so a successor takes over at its next retry rather than a lease duration
///    later. The same release happens when the closure returns or throws (its error is rethrown)
///    and, best effort, when the task is cancelled.
///
/// `leader_election_master_status{name}` is 1 while the closure may run, 0 otherwise.
///
/// ## Guarantees
/// - The closure runs only after this replica's write of the Lease succeeded, and at most one
///   instance of it runs per elector at a time; it is cancelled by `renewDeadline` after the last
///   successful renewal, and `run` does not go on before it has ended.
/// - With every replica using the same timings, working clocks and a closure that ends promptly
///   when cancelled, no other replica starts leading before `leaseDuration` after it last saw this
///   replica's renewal — at least `leaseDuration - renewDeadline` (5 s by default) after this one
///   stepped down.
/// - Clock skew between replicas does not matter: only elapsed time on each replica's own
///   monotonic clock is compared; wall-clock times in the Lease are informative only.
///
/// ## Caveats — what is NOT guaranteed
/// - **No fencing.** Nothing stops a deposed leader from acting: a process that stalls (GC pause,
///   CPU starvation, a suspended VM) longer than the margin, a closure that ignores cancellation,
///   or clocks that run at different *rates*, can make two leaders overlap briefly. Leader
///   election here saves work and API load; correctness of IPAM must not depend on it, and does
///   not (DESIGN.md: the lease-per-address objects are the locks).
/// - Takeover after a crash is not immediate: a running candidate takes over within
///   `leaseDuration + retryPeriod` of the holder's last renewal (it must see the Lease unchanged
///   for a lease duration, and sees changes one retry period late at worst); a replica that has
///   just started waits a full lease duration from its first read, however old `renewTime` is.
/// - Releasing on cancellation usually fails (the request is cancelled too); the Lease then
///   expires normally. Prefer graceful shutdown.
/// - A leader learns that it was deposed (someone else wrote the Lease, e.g. by hand) only at its
///   next renewal, up to `retryPeriod` later.
/// - The Lease object is never deleted; a deleted Lease is created again.
public final class LeaderElector<C: Clock>: Sendable where C.Duration == Duration {
    private typealias Machine = LeaderElectionStateMachine<C.Instant>

    private struct State {
        var machine: Machine
        /// The loops sleeping on the clock now, and until when (for tests).
        var parked: [UInt64: C.Instant] = [:]
        var nextParkID: UInt64 = 0
    }

    private enum Term: Sendable {
        /// Stepped down (deadline, deposed) or cancelled.
        case lost
        /// The closure returned.
        case finished
        /// The closure threw.
        case failed(any Error)
    }

    /// The validated configuration.
    public let configuration: LeaderElectionConfiguration
    private let lock: any LeaseLock
    private let clock: C
    private let wallClock: @Sendable () -> Date
    private let logger: Logger
    private let masterStatus: Gauge
    private let state: Mutex<State>

    /// An elector for `lock`, timed by `clock`.
    ///
    /// - Parameters:
    ///   - wallClock: the time written to `acquireTime`/`renewTime` (never used for decisions).
    ///   - metricsFactory: where `leader_election_master_status` goes; `nil` means the global
    ///     `MetricsSystem.factory`.
    /// - Throws: when the configuration cannot work (see ``LeaderElectionConfiguration/validate()``).
    public init(
        configuration: LeaderElectionConfiguration,
        lock: any LeaseLock,
        clock: C,
        wallClock: @escaping @Sendable () -> Date = { Date() },
        logger: Logger = Logger(label: "swift-ipam.leader-election"),
        metricsFactory: (any MetricsFactory)? = nil
    ) throws(LeaderElectionConfigurationError) {
        try configuration.validate()
        self.configuration = configuration
        self.lock = lock
        self.clock = clock
        self.wallClock = wallClock
        var logger = logger
        logger[metadataKey: "lease"] = "\(lock.name)"
        logger[metadataKey: "identity"] = "\(configuration.identity)"
        self.logger = logger
        self.masterStatus = Gauge(
            label: "leader_election_master_status", dimensions: [("name", lock.name)],
            factory: metricsFactory ?? MetricsSystem.factory)
        self.state = Mutex(State(machine: Machine(configuration: configuration)))
        masterStatus.record(0)
    }

    /// Whether this replica leads now (its last renewal is within the renew deadline).
    public var isLeader: Bool {
        state.withLock { $0.machine.isLeader }
    }

    /// The holder of the Lease as last seen by this elector; `nil` when none or not read yet.
    public var observedLeader: String? {
        state.withLock { $0.machine.observedHolder }
    }

    /// Until when each of the elector's loops (campaign, renew loop, deadline watchdog) that sleeps
    /// on the clock now sleeps. For tests that must know the elector is idle before they advance a
    /// manual clock.
    var parkedUntil: [C.Instant] {
        state.withLock { Array($0.parked.values) }
    }

    /// Campaigns for the Lease and runs `work` while leading; returns on graceful shutdown or
    /// cancellation, or when `work` returns (rethrowing what it throws). See the type's Flow.
    ///
    /// `work` is cancelled when leadership is lost and started again in the next term; it should
    /// return promptly when cancelled, and wind down on graceful shutdown. Call `run` once at a
    /// time per elector.
    public func run(whileLeading work: @escaping @Sendable () async throws -> Void) async throws {
        while true {
            let acquired = await cancelWhenGracefulShutdown { await self.campaign() }
            guard acquired, !Task.isCancelled, !Task.isShuttingDownGracefully else {
                await releaseIfConfigured()
                return
            }
            switch await lead(work) {
            case .lost:
                if Task.isCancelled || Task.isShuttingDownGracefully {
                    await releaseIfConfigured()
                    return
                }
                logger.debug("stopped leading; campaigning again")
            case .finished:
                await releaseIfConfigured()
                return
            case .failed(let error):
                await releaseIfConfigured()
                throw error
            }
        }
    }

    // MARK: Phases

    /// Tries to acquire the Lease until it succeeds (`true`) or the task is cancelled (`false`).
    private func campaign() async -> Bool {
        var action = decide { machine, now, wallClock in machine.tick(now: now, wallClock: wallClock) }
        while !Task.isCancelled {
            // The role, not the action, ends the phase: `.startLeading` is only its announcement.
            if isLeader { return true }
            switch action {
            case .startLeading, .stopLeading:
                action = decide { machine, now, wallClock in machine.tick(now: now, wallClock: wallClock) }
            case .wait(let until):
                guard await park(until: until) else { return false }
                action = decide { machine, now, wallClock in machine.tick(now: now, wallClock: wallClock) }
            case .get, .create, .update:
                action = await perform(action)
            }
        }
        return false
    }

    /// Runs `work` beside the renew loop and the deadline watchdog until one of them ends.
    private func lead(_ work: @escaping @Sendable () async throws -> Void) async -> Term {
        logger.debug("started leading")
        masterStatus.record(1)
        defer { masterStatus.record(0) }
        return await withTaskGroup(of: Term.self) { group in
            group.addTask {
                do {
                    try await work()
                    return .finished
                } catch {
                    return .failed(error)
                }
            }
            group.addTask {
                await self.renewLoop()
                return .lost
            }
            group.addTask {
                await self.watchRenewDeadline()
                return .lost
            }
            let first = await group.next() ?? .lost
            group.cancelAll()
            for await _ in group {}
            return first
        }
    }

    /// Renews every retry period; returns when leadership is lost or the task is cancelled.
    private func renewLoop() async {
        var action = decide { machine, now, wallClock in machine.tick(now: now, wallClock: wallClock) }
        while !Task.isCancelled {
            // The role ends the phase (the watchdog may have stepped down meanwhile).
            guard isLeader else {
                logger.debug("lost the lease", metadata: ["holder": "\(observedLeader ?? "none")"])
                return
            }
            switch action {
            case .startLeading, .stopLeading:
                action = decide { machine, now, wallClock in machine.tick(now: now, wallClock: wallClock) }
            case .wait(let until):
                guard await park(until: until) else { return }
                action = decide { machine, now, wallClock in machine.tick(now: now, wallClock: wallClock) }
            case .get, .create, .update:
                action = await perform(action)
            }
        }
    }

    /// Sleeps until the renew deadline and steps down if no renewal moved it meanwhile; returns
    /// when we no longer lead. It ends a term whose renewal request hangs.
    private func watchRenewDeadline() async {
        while let deadline = state.withLock({ $0.machine.renewDeadline }) {
            guard await park(until: deadline) else { return }
            let steppedDown = state.withLock { $0.machine.stepDownIfRenewDeadlinePassed(now: clock.now) }
            if steppedDown {
                logger.debug("renew deadline passed; stepping down")
                return
            }
        }
    }

    // MARK: I/O

    private func perform(_ action: Machine.Action) async -> Machine.Action {
        do {
            switch action {
            case .get:
                let lease = try await lock.get()
                return decide { machine, now, wallClock in machine.leaseFetched(lease, now: now, wallClock: wallClock) }
            case .create(let spec):
                let lease = try await lock.create(spec)
                return decide { machine, now, _ in machine.writeSucceeded(lease, now: now) }
            case .update(let lease):
                let written = try await lock.update(lease)
                return decide { machine, now, _ in machine.writeSucceeded(written, now: now) }
            case .startLeading, .stopLeading, .wait:
                return action
            }
        } catch {
            let failure = Self.classify(error)
            if failure == .other {
                logger.debug("lease request failed", metadata: ["error": "\(error)"])
            } else {
                logger.trace("lease request lost a race", metadata: ["error": "\(error)"])
            }
            return decide { machine, now, _ in machine.requestFailed(failure, now: now) }
        }
    }

    /// What a failed request means for the election.
    private static func classify(_ error: KubernetesError) -> Machine.Failure {
        switch true {
        case error.isConflict: .conflict
        case error.isAlreadyExists: .alreadyExists
        case error.isNotFound: .notFound
        default: .other
        }
    }

    private func releaseIfConfigured() async {
        let lease = state.withLock { state in
            // Always give up the role; write the release only when configured to.
            let lease = state.machine.release(wallClock: wallClock())
            return configuration.releaseOnShutdown ? lease : nil
        }
        guard configuration.releaseOnShutdown else { return }
        guard let lease else {
            // Not leading as far as we know — but an acquisition cancelled in flight may have
            // reached the server: release the lease if it names us.
            await releaseAfterConflict(nil)
            return
        }
        do {
            let released = try await lock.update(lease)
            state.withLock { $0.machine.released(released, now: clock.now) }
            logger.debug("released the lease")
        } catch {
            guard error.isConflict else {
                logger.debug("could not release the lease; it will expire", metadata: ["error": "\(error)"])
                return
            }
            // A renewal cancelled in flight may have reached the server after all, leaving our
            // resourceVersion stale: read the lease again and release it if it is still ours.
            await releaseAfterConflict(lease)
        }
    }

    /// Reads the lease and releases it if it still names this elector.
    private func releaseAfterConflict(_ released: Lease?) async {
        do {
            guard var current = try await lock.get(), current.spec?.holderIdentity == configuration.identity else {
                logger.debug("the lease does not name us; nothing to release")
                return
            }
            current.spec?.holderIdentity = ""
            current.spec?.leaseDurationSeconds = 1
            current.spec?.renewTime = released?.spec?.renewTime ?? wallClock()
            let written = try await lock.update(current)
            state.withLock { $0.machine.released(written, now: clock.now) }
            logger.debug("released the lease after re-reading it")
        } catch {
            logger.debug("could not release the lease; it will expire", metadata: ["error": "\(error)"])
        }
    }

    // MARK: Helpers

    private func decide(_ body: (inout Machine, C.Instant, Date) -> Machine.Action) -> Machine.Action {
        state.withLock { body(&$0.machine, clock.now, wallClock()) }
    }

    /// Sleeps until `deadline`; `false` when cancelled.
    private func park(until deadline: C.Instant) async -> Bool {
        let id = state.withLock { state in
            state.nextParkID += 1
            state.parked[state.nextParkID] = deadline
            return state.nextParkID
        }
        defer { state.withLock { _ = $0.parked.removeValue(forKey: id) } }
        do {
            try await clock.sleep(until: deadline, tolerance: nil)
            return true
        } catch {
            return false
        }
    }
}

extension LeaderElector where C == ContinuousClock {
    /// An elector on the continuous clock; see
    /// ``init(configuration:lock:clock:wallClock:logger:metricsFactory:)``.
    public convenience init(
        configuration: LeaderElectionConfiguration,
        lock: any LeaseLock,
        logger: Logger = Logger(label: "swift-ipam.leader-election"),
        metricsFactory: (any MetricsFactory)? = nil
    ) throws(LeaderElectionConfigurationError) {
        try self.init(
            configuration: configuration, lock: lock, clock: ContinuousClock(), logger: logger,
            metricsFactory: metricsFactory)
    }
}
