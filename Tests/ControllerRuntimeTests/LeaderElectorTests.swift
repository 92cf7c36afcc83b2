import Foundation
import KubernetesClient
import KubernetesCore
import Logging
import MetricsTestKit
import ServiceLifecycle
import Testing

@testable import ControllerRuntime

/// One replica of a simulated deployment: an elector on a shared fake Lease, a closure that
/// records when it runs, and a switch to stop it.
final class Replica: Sendable {
    let identity: String
    /// The fake lock, when the replica uses one (else the API stand-in).
    let fake: FakeLeaseLock?
    let elector: LeaderElector<ManualClock>
    let clock: ManualClock
    let journal: Journal
    /// The whileLeading closure is running.
    let running = Locked(false)
    /// `run` has returned.
    let finished = Locked(false)
    /// Fired to end `run` by cancelling its task (a crash, or SIGKILL).
    let stop = Signal()
    /// Fired to make the closure return on its own (the work is done).
    let finishWork = Signal()

    convenience init(
        _ identity: String, store: FakeLeaseStore, clock: ManualClock, journal: Journal,
        configuration: LeaderElectionConfiguration? = nil, metrics: TestMetrics = TestMetrics()
    ) throws {
        try self.init(
            identity, lock: FakeLeaseLock(store: store), clock: clock, journal: journal, configuration: configuration,
            metrics: metrics)
    }

    init(
        _ identity: String, lock: any LeaseLock, clock: ManualClock, journal: Journal,
        configuration: LeaderElectionConfiguration? = nil, metrics: TestMetrics = TestMetrics()
    ) throws {
        self.identity = identity
        self.fake = lock as? FakeLeaseLock
        self.clock = clock
        self.journal = journal
        self.elector = try LeaderElector(
            configuration: configuration ?? LeaderElectionConfiguration(identity: identity),
            lock: lock, clock: clock, wallClock: { LeaderElectorTests.wall(clock.now) },
            logger: Logger(label: "test.\(identity)"), metricsFactory: metrics)
    }

    /// The closure: records its term and waits until cancelled, graceful shutdown, or `finishWork`.
    func work() async {
        running.withLock { $0 = true }
        journal.record(identity, started: true, at: clock.now)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await sleepUntilCancelled() }
            group.addTask { try? await gracefulShutdown() }
            group.addTask { await self.finishWork.wait() }
            await group.next()
            group.cancelAll()
        }
        journal.record(identity, started: false, at: clock.now)
        running.withLock { $0 = false }
    }

    /// Runs the elector until `stop` fires or it returns.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { try? await self.elector.run { await self.work() } }
            group.addTask { await self.stop.wait() }
            await group.next()
            group.cancelAll()
        }
        finished.withLock { $0 = true }
    }

    var state: String {
        "\(identity): leader=\(elector.isLeader) running=\(running.value) parked=\(elector.parkedUntil) "
            + "fault=\(String(describing: fake?.fault)) finished=\(finished.value)"
    }

    /// Idle: every loop of the elector sleeps on the clock — a candidate's campaign; a leader's
    /// renew loop and deadline watchdog (not the renew loop while a request hangs) — with the
    /// closure running exactly while the elector leads. Or finished.
    var isSettled: Bool {
        if finished.value { return true }
        let isLeader = elector.isLeader
        let parked = elector.parkedUntil
        let hanging = fake?.fault == .hang
        // A leader's renew loop and watchdog, or a candidate's campaign; with a hanging lock, the
        // renew loop or campaign may be stuck in a request instead.
        let expected = isLeader ? 2 : 1
        let countOK = hanging ? (expected - 1...expected).contains(parked.count) : parked.count == expected
        return countOK && parked.allSatisfy { $0 > clock.now } && isLeader == running.value
    }
}

/// The order in which terms started and ended, across replicas.
final class Journal: Sendable {
    struct Entry: Sendable {
        var identity: String
        var started: Bool
        var at: ManualClock.Instant
    }

    private let entries = Locked<[Entry]>([])

    func record(_ identity: String, started: Bool, at: ManualClock.Instant) {
        entries.withLock { $0.append(Entry(identity: identity, started: started, at: at)) }
    }

    var all: [Entry] { entries.value }

    /// When `identity`'s terms started.
    func starts(of identity: String) -> [ManualClock.Instant] {
        all.filter { $0.identity == identity && $0.started }.map(\.at)
    }

    /// The most closures that ran at once, replaying starts and ends in the order they happened.
    var maximumConcurrentLeaders: Int {
        var running: Set<String> = []
        var maximum = 0
        for entry in all {
            if entry.started { running.insert(entry.identity) } else { running.remove(entry.identity) }
            maximum = max(maximum, running.count)
        }
        return maximum
    }
}

@Suite("LeaderElector", .timeLimit(.minutes(2)))
struct LeaderElectorTests {
    static let epoch = Date(timeIntervalSince1970: 1_700_000_000)

    /// The wall-clock time of a manual instant.
    static func wall(_ instant: ManualClock.Instant) -> Date {
        epoch.addingTimeInterval(instant.offset.inSeconds)
    }

    /// The manual instant of a wall-clock time written to the Lease.
    static func instant(_ date: Date?) -> ManualClock.Instant? {
        date.map { ManualClock.Instant(offset: .milliseconds(Int64(($0.timeIntervalSince(epoch) * 1000).rounded()))) }
    }

    /// Waits until every replica is idle, then checks that at most one leads.
    func settle(_ replicas: [Replica], sourceLocation: SourceLocation = #_sourceLocation) async {
        let settled = await eventually("electors settled", sourceLocation: sourceLocation) {
            replicas.allSatisfy(\.isSettled)
        }
        if !settled {
            for replica in replicas { print("unsettled at \(replica.clock.now): \(replica.state)") }
        }
        let leaders = replicas.filter { $0.elector.isLeader }.map(\.identity)
        #expect(leaders.count <= 1, "two leaders at once: \(leaders)", sourceLocation: sourceLocation)
        let running = replicas.filter { $0.running.value }.map(\.identity)
        #expect(running.count <= 1, "two closures at once: \(running)", sourceLocation: sourceLocation)
    }

    /// Advances the clock in steps of `step` for `duration`, settling after each.
    func simulate(
        _ replicas: [Replica], clock: ManualClock, for duration: Duration, step: Duration = .milliseconds(100),
        sourceLocation: SourceLocation = #_sourceLocation, each: () -> Void = {}
    ) async {
        var elapsed = Duration.zero
        while elapsed < duration {
            clock.advance(by: step)
            elapsed += step
            await settle(replicas, sourceLocation: sourceLocation)
            each()
        }
    }

    func leader(_ replicas: [Replica]) -> String? {
        replicas.first { $0.elector.isLeader }?.identity
    }

    @Test("a lone elector creates the Lease, leads, renews every retry period, and releases when its work ends")
    func lone() async throws {
        let clock = ManualClock()
        let store = FakeLeaseStore()
        let metrics = TestMetrics()
        let replica = try Replica("a", store: store, clock: clock, journal: Journal(), metrics: metrics)
        let status = try metrics.expectGauge("leader_election_master_status", [("name", "lock")])
        #expect(status.lastValue == 0)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await replica.run() }
            await settle([replica])
            #expect(replica.elector.isLeader)
            #expect(replica.running.value)
            #expect(status.lastValue == 1)
            #expect(store.lease?.spec?.holderIdentity == "a")
            #expect(store.lease?.spec?.leaseTransitions == 0)

            await simulate([replica], clock: clock, for: .seconds(10))
            let renewals = store.writes.compactMap { Self.instant($0.spec?.renewTime) }
            #expect(renewals == stride(from: 0, through: 10, by: 2).map { at(Double($0)) })
            #expect(store.writes.allSatisfy { Self.instant($0.spec?.acquireTime) == at(0) })

            replica.finishWork.fire()
            await group.waitForAll()
        }
        #expect(status.lastValue == 0)
        #expect(store.lease?.spec?.holderIdentity == "")
        #expect(store.lease?.spec?.leaseDurationSeconds == 1)
        #expect(replica.elector.observedLeader == nil)
    }

    @Test(
        "two electors with the default timings: never two leaders; a crashed leader is replaced within the lease duration"
    )
    func crashedLeaderIsReplaced() async throws {
        let clock = ManualClock()
        let store = FakeLeaseStore()
        let journal = Journal()
        let noRelease = { (id: String) in LeaderElectionConfiguration(identity: id, releaseOnShutdown: false) }
        let a = try Replica("a", store: store, clock: clock, journal: journal, configuration: noRelease("a"))
        let b = try Replica("b", store: store, clock: clock, journal: journal, configuration: noRelease("b"))
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await a.run() }
            await settle([a])
            group.addTask { await b.run() }
            // Start b out of phase with a, so their retries interleave.
            clock.advance(by: .milliseconds(700))
            await settle([a, b])

            await simulate([a, b], clock: clock, for: .seconds(60))
            #expect(leader([a, b]) == "a")
            #expect(store.lease?.spec?.leaseTransitions == 0)

            // a crashes between two renewals: no release, no more renewals.
            clock.advance(by: .milliseconds(300))
            await settle([a, b])
            let crashedAt = clock.now
            a.stop.fire()
            await eventually("a stopped") { a.finished.value }
            let lastRenewal = Self.instant(store.lease?.spec?.renewTime)!

            await simulate([a, b], clock: clock, for: .seconds(20))
            #expect(leader([a, b]) == "b")
            let takeover = journal.starts(of: "b").first!
            // Safety: b waited a full lease duration after a's last renewal …
            #expect(lastRenewal.duration(to: takeover) >= .seconds(15))
            // … and liveness: it took over within the lease duration plus one retry period.
            #expect(crashedAt.duration(to: takeover) <= .seconds(15) + .seconds(2))
            #expect(store.lease?.spec?.leaseTransitions == 1)
            b.stop.fire()
        }
        #expect(journal.maximumConcurrentLeaders == 1)
    }

    @Test("with release on graceful shutdown, the other takes over at its next retry")
    func releaseOnGracefulShutdown() async throws {
        let clock = ManualClock()
        let store = FakeLeaseStore()
        let journal = Journal()
        let a = try Replica("a", store: store, clock: clock, journal: journal)
        let b = try Replica("b", store: store, clock: clock, journal: journal)
        let groupOfA = ServiceGroup(
            services: [ElectorService(replica: a)], logger: Logger(label: "test.service-group"))
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await groupOfA.run()
                a.finished.withLock { $0 = true }
            }
            await settle([a])
            group.addTask { await b.run() }
            clock.advance(by: .milliseconds(900))
            await settle([a, b])
            await simulate([a, b], clock: clock, for: .seconds(6))
            #expect(leader([a, b]) == "a")

            // SIGTERM: a's work winds down, a releases the Lease and returns.
            await groupOfA.triggerGracefulShutdown()
            await eventually("a finished") { a.finished.value }
            let releasedAt = clock.now
            #expect(store.lease?.spec?.holderIdentity == "")
            #expect(!a.running.value)

            await simulate([a, b], clock: clock, for: .seconds(3))
            let takeover = journal.starts(of: "b").first
            #expect(takeover != nil)
            #expect(takeover.map { releasedAt.duration(to: $0) <= .seconds(2) } == true)
            #expect(store.lease?.spec?.holderIdentity == "b")
            #expect(store.lease?.spec?.leaseTransitions == 1)
            b.stop.fire()
        }
        #expect(journal.maximumConcurrentLeaders == 1)
    }

    @Test("a partitioned leader stops by the renew deadline; the other leads only after the lease duration")
    func partitionedLeader() async throws {
        let clock = ManualClock()
        let store = FakeLeaseStore()
        let journal = Journal()
        let a = try Replica("a", store: store, clock: clock, journal: journal)
        let b = try Replica("b", store: store, clock: clock, journal: journal)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await a.run() }
            await settle([a])
            group.addTask { await b.run() }
            clock.advance(by: .milliseconds(500))
            await settle([a, b])
            await simulate([a, b], clock: clock, for: .seconds(5))

            a.fake?.fault = .fail
            let lastRenewal = Self.instant(store.lease?.spec?.renewTime)!
            var aStoppedAt: ManualClock.Instant?
            await simulate([a, b], clock: clock, for: .seconds(25)) {
                if aStoppedAt == nil, !a.running.value { aStoppedAt = clock.now }
            }
            // a stopped at its renew deadline: 10 s after the start of its last good renewal.
            #expect(aStoppedAt == lastRenewal.advanced(by: .seconds(10)))
            let takeover = journal.starts(of: "b").first!
            #expect(lastRenewal.duration(to: takeover) >= .seconds(15))
            #expect(leader([a, b]) == "b")

            // The partition heals: a respects b's lease.
            a.fake?.fault = .healthy
            await simulate([a, b], clock: clock, for: .seconds(30))
            #expect(leader([a, b]) == "b")
            #expect(a.elector.observedLeader == "b")
            a.stop.fire()
            b.stop.fire()
        }
        #expect(journal.maximumConcurrentLeaders == 1)
    }

    @Test("a leader whose renewal hangs is stopped by the renew deadline")
    func hangingRenewal() async throws {
        let clock = ManualClock()
        let store = FakeLeaseStore()
        let journal = Journal()
        let a = try Replica("a", store: store, clock: clock, journal: journal)
        let b = try Replica("b", store: store, clock: clock, journal: journal)
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await a.run() }
            await settle([a])
            group.addTask { await b.run() }
            clock.advance(by: .milliseconds(500))
            await settle([a, b])
            await simulate([a, b], clock: clock, for: .seconds(3))

            a.fake?.fault = .hang
            let lastRenewal = Self.instant(store.lease?.spec?.renewTime)!
            await simulate([a, b], clock: clock, for: .seconds(25))
            let aEnded = journal.all.first { $0.identity == "a" && !$0.started }?.at
            #expect(aEnded == lastRenewal.advanced(by: .seconds(10)))
            #expect(leader([a, b]) == "b")
            a.stop.fire()
            b.stop.fire()
        }
        #expect(journal.maximumConcurrentLeaders == 1)
    }

    @Test("three electors under random partitions: never two leaders, and a leader again once all heal")
    func randomPartitions() async throws {
        let clock = ManualClock()
        let store = FakeLeaseStore()
        let journal = Journal()
        let replicas = try ["a", "b", "c"].map { try Replica($0, store: store, clock: clock, journal: journal) }
        var random = SplitMix64(seed: 2024)
        await withTaskGroup(of: Void.self) { group in
            for (index, replica) in replicas.enumerated() {
                group.addTask { await replica.run() }
                clock.advance(by: .milliseconds(300 * Int64(index + 1)))
                await settle(Array(replicas[...index]))
            }
            for _ in 0..<24 {
                // Every 5 s, each replica is cut off or reconnected with probability 1/4.
                for replica in replicas where random.next() % 4 == 0 {
                    replica.fake?.fault = replica.fake?.fault == .healthy ? .fail : .healthy
                }
                await simulate(replicas, clock: clock, for: .seconds(5))
            }
            for replica in replicas { replica.fake?.fault = .healthy }
            await simulate(replicas, clock: clock, for: .seconds(20))
            #expect(leader(replicas) != nil)
            for replica in replicas { replica.stop.fire() }
        }
        #expect(journal.maximumConcurrentLeaders == 1)
        #expect(journal.all.count > 2, "leadership should have changed hands")
    }

    @Test("an error thrown by the work ends run with that error, after releasing")
    func workThrows() async throws {
        struct Boom: Error {}
        let clock = ManualClock()
        let store = FakeLeaseStore()
        let elector = try LeaderElector(
            configuration: LeaderElectionConfiguration(identity: "a"), lock: FakeLeaseLock(store: store), clock: clock,
            metricsFactory: TestMetrics())
        await #expect(throws: Boom.self) {
            try await elector.run { throw Boom() }
        }
        #expect(store.lease?.spec?.holderIdentity == "")
        #expect(!elector.isLeader)
    }

    @Test("an invalid configuration is refused")
    func invalidConfiguration() {
        #expect(throws: LeaderElectionConfigurationError.self) {
            try LeaderElector(
                configuration: LeaderElectionConfiguration(identity: "a", renewDeadline: .seconds(20)),
                lock: FakeLeaseLock(store: FakeLeaseStore()), clock: ManualClock(), metricsFactory: TestMetrics())
        }
    }
}

/// A replica's elector as a service, for graceful shutdown through a ServiceGroup.
struct ElectorService: Service {
    let replica: Replica

    func run() async throws {
        try await replica.elector.run { await replica.work() }
    }
}
