import Foundation
import KubernetesCore

/// The decisions of a ``LeaderElector``, with time and Lease observations passed in: no clock,
/// no I/O — client-go's `tryAcquireOrRenew`, `renew` and `release` as a value.
///
/// ```
/// CANDIDATE   tick ─▶ get ─▶ the Lease is …
///               absent                        ─▶ create ─┐
///               released, expired, or ours    ─▶ update ─┤
///               held by another, current      ─▶ wait (retry period, or until it expires)
///                                                        │ success ─▶ startLeading ─▶ LEADER
///                                                        └ failure ─▶ wait (retry period)
/// LEADER      tick ─▶ update from our last write (no read)
///               success                       ─▶ wait (retry period)
///               conflict                      ─▶ get ─▶ still ours: update; another's: stopLeading
///               other failure                 ─▶ wait (retry period, or until the deadline)
///             renewDeadline since the last successful renewal ─▶ stopLeading ─▶ CANDIDATE
/// ```
///
/// Timing (client-go's rules, tolerant of clock skew between replicas):
/// - Another holder's lease is expired when its spec has not changed for its
///   `leaseDurationSeconds` *as measured on our monotonic clock since we saw it change* — never
///   by comparing its `renewTime` with our wall clock. A candidate that has just started therefore
///   waits a full lease duration before taking over a lease it has never seen change.
/// - A leader's renewal counts from when the successful attempt *started* (before the request was
///   sent, so before anyone could see it); the leader steps down once `renewDeadline` has passed
///   since then without another successful renewal.
/// - Wall-clock time (`wallClock`) is only written (`acquireTime`, `renewTime`), for people and
///   other tools to read.
///
/// Request results arriving after the attempt was abandoned (the leader stepped down meanwhile)
/// are ignored.
struct LeaderElectionStateMachine<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// What the elector must do next.
    enum Action: Equatable, Sendable {
        /// Read the Lease, then call ``leaseFetched(_:now:wallClock:)``.
        case get
        /// Create the Lease with this spec, then ``writeSucceeded(_:now:)`` or ``requestFailed(_:now:)``.
        case create(Lease.Spec)
        /// Replace the Lease (compare-and-swap on its resourceVersion), then as for `create`.
        case update(Lease)
        /// We lead now: start the work. Then ``tick(now:wallClock:)``.
        case startLeading
        /// We lead no more: stop the work at once. Then ``tick(now:wallClock:)``.
        case stopLeading
        /// Sleep until this instant, then ``tick(now:wallClock:)``.
        case wait(until: Instant)
    }

    /// How a request failed, as far as the election cares.
    enum Failure: Equatable, Sendable {
        /// The Lease changed since it was read (409 Conflict): someone else wrote first.
        case conflict
        /// Another candidate created the Lease first (409 AlreadyExists).
        case alreadyExists
        /// The Lease was deleted (404).
        case notFound
        /// Anything else: network, 5xx, 429, timeouts, cancellation.
        case other
    }

    enum Role: Equatable, Sendable {
        case candidate
        /// Leading; the last successful renewal started at `renewedAt`.
        case leader(renewedAt: Instant)
    }

    /// The Lease as last read or written, and when its spec last changed (on our clock).
    struct Observation: Sendable {
        var lease: Lease
        var changedAt: Instant

        var holder: String? {
            guard let holder = lease.spec?.holderIdentity, !holder.isEmpty else { return nil }
            return holder
        }
    }

    /// The request in flight.
    private struct Attempt: Sendable {
        var startedAt: Instant
        /// A leader's update sent without reading first, from its own last write.
        var fastPath: Bool
    }

    let configuration: LeaderElectionConfiguration
    private(set) var role: Role = .candidate
    private(set) var observation: Observation?
    private var attempt: Attempt?
    /// When the last attempt started, and when the next one is due.
    private var lastAttemptAt: Instant?
    private var nextAttemptAt: Instant?

    init(configuration: LeaderElectionConfiguration) {
        self.configuration = configuration
    }

    var isLeader: Bool { role != .candidate }

    /// The holder of the Lease as last seen; `nil` when none (absent or released).
    var observedHolder: String? { observation?.holder }

    /// When a leader steps down unless it renews first; `nil` for a candidate.
    var renewDeadline: Instant? {
        guard case .leader(let renewedAt) = role else { return nil }
        return renewedAt.advanced(by: configuration.renewDeadline)
    }

    // MARK: Events

    /// Time passed: start an attempt when one is due, step down when the deadline passed, or wait.
    mutating func tick(now: Instant, wallClock: Date) -> Action {
        if stepDownIfRenewDeadlinePassed(now: now) { return .stopLeading }
        guard isAttemptDue(now: now) else { return .wait(until: nextWakeUp(now: now)) }
        lastAttemptAt = now
        nextAttemptAt = now.advanced(by: configuration.retryPeriod)
        if isLeader, let observation, observation.holder == configuration.identity,
            observation.lease.metadata.resourceVersion != nil
        {
            // Fast path: the Lease is ours as we last wrote it; renew without reading.
            attempt = Attempt(startedAt: now, fastPath: true)
            return .update(renewal(of: observation.lease, wallClock: wallClock))
        }
        attempt = Attempt(startedAt: now, fastPath: false)
        return .get
    }

    /// The Lease was read (`nil`: it does not exist).
    mutating func leaseFetched(_ lease: Lease?, now: Instant, wallClock: Date) -> Action {
        guard attempt != nil else { return afterAttempt(now: now) }
        guard let lease else {
            observation = nil
            return .create(
                Lease.Spec(
                    holderIdentity: configuration.identity,
                    leaseDurationSeconds: configuration.leaseDurationSeconds,
                    acquireTime: wallClock,
                    renewTime: wallClock,
                    leaseTransitions: 0))
        }
        observe(lease, now: now)
        switch observation?.holder {
        case configuration.identity?:
            return .update(renewal(of: lease, wallClock: wallClock))
        case .some where !isExpired(now: now):
            attempt = nil
            if isLeader {
                // Someone else holds it and it is current: we were deposed.
                role = .candidate
                return .stopLeading
            }
            return afterAttempt(now: now)
        case .some, nil:
            return .update(takeover(of: lease, wallClock: wallClock))
        }
    }

    /// A create or update succeeded; `lease` is what the server stored.
    mutating func writeSucceeded(_ lease: Lease, now: Instant) -> Action {
        guard let finished = attempt else { return afterAttempt(now: now) }
        attempt = nil
        observation = Observation(lease: lease, changedAt: now)
        guard now < finished.startedAt.advanced(by: configuration.renewDeadline) else {
            // So slow that the renewal would already be past its deadline: do not lead on it.
            return afterAttempt(now: now)
        }
        let wasLeader = isLeader
        role = .leader(renewedAt: finished.startedAt)
        return wasLeader ? afterAttempt(now: now) : .startLeading
    }

    /// A request failed.
    mutating func requestFailed(_ failure: Failure, now: Instant) -> Action {
        guard let failed = attempt else { return afterAttempt(now: now) }
        attempt = nil
        switch failure {
        case .conflict where failed.fastPath:
            // Our last write is not the latest version: read it, within the same attempt.
            attempt = Attempt(startedAt: failed.startedAt, fastPath: false)
            return .get
        case .notFound:
            observation = nil
        case .conflict, .alreadyExists, .other:
            break
        }
        return afterAttempt(now: now)
    }

    /// Steps down if the renew deadline has passed (the elector's watchdog calls this while a
    /// renewal is still in flight). Returns whether it stepped down now.
    mutating func stepDownIfRenewDeadlinePassed(now: Instant) -> Bool {
        guard let deadline = renewDeadline, deadline <= now else { return false }
        role = .candidate
        attempt = nil
        return true
    }

    /// Gives up leadership; returns the Lease to write when we hold it: no holder, a one-second
    /// duration, so anyone may take it at once (client-go's release).
    mutating func release(wallClock: Date) -> Lease? {
        role = .candidate
        attempt = nil
        nextAttemptAt = nil
        guard let observation, observation.holder == configuration.identity,
            observation.lease.metadata.resourceVersion != nil
        else { return nil }
        var lease = observation.lease
        var spec = lease.spec ?? Lease.Spec()
        spec.holderIdentity = ""
        spec.leaseDurationSeconds = 1
        spec.acquireTime = wallClock
        spec.renewTime = wallClock
        lease.spec = spec
        return lease
    }

    /// The release was written.
    mutating func released(_ lease: Lease, now: Instant) {
        observation = Observation(lease: lease, changedAt: now)
    }

    // MARK: Helpers

    /// What to do once an attempt is over.
    private mutating func afterAttempt(now: Instant) -> Action {
        if stepDownIfRenewDeadlinePassed(now: now) { return .stopLeading }
        return .wait(until: nextWakeUp(now: now))
    }

    private func isAttemptDue(now: Instant) -> Bool {
        guard let nextAttemptAt, now < nextAttemptAt else { return true }
        // A candidate tries again the moment the holder's lease expires, not at its next retry.
        if let expiry = untriedForeignExpiry { return expiry <= now }
        return false
    }

    /// The next instant something is due: an attempt, a foreign lease's expiry, our deadline.
    private func nextWakeUp(now: Instant) -> Instant {
        var wakeUp = nextAttemptAt ?? now
        if let deadline = renewDeadline { wakeUp = min(wakeUp, deadline) }
        if let expiry = untriedForeignExpiry { wakeUp = min(wakeUp, expiry) }
        return wakeUp
    }

    /// When the Lease held by someone else expires by our observation, if we are a candidate
    /// and have not tried to take it since (after one try, the retry period paces us again —
    /// otherwise a candidate whose requests fail would spin on an expiry in the past).
    private var untriedForeignExpiry: Instant? {
        guard !isLeader, let observation, let holder = observation.holder, holder != configuration.identity
        else { return nil }
        let expiry = observation.changedAt.advanced(by: observedLeaseDuration)
        if let lastAttemptAt, lastAttemptAt >= expiry { return nil }
        return expiry
    }

    private var observedLeaseDuration: Duration {
        observation?.lease.spec?.leaseDurationSeconds.map { .seconds($0) } ?? configuration.leaseDuration
    }

    private func isExpired(now: Instant) -> Bool {
        guard let observation else { return true }
        return observation.changedAt.advanced(by: observedLeaseDuration) <= now
    }

    /// Records `lease`; its expiry clock restarts only when its spec changed.
    private mutating func observe(_ lease: Lease, now: Instant) {
        if let observation, observation.lease.spec == lease.spec {
            self.observation?.lease = lease
        } else {
            observation = Observation(lease: lease, changedAt: now)
        }
    }

    /// Our Lease, renewed: same acquireTime and transitions.
    private func renewal(of lease: Lease, wallClock: Date) -> Lease {
        var lease = lease
        var spec = lease.spec ?? Lease.Spec()
        spec.holderIdentity = configuration.identity
        spec.leaseDurationSeconds = configuration.leaseDurationSeconds
        spec.acquireTime = spec.acquireTime ?? wallClock
        spec.renewTime = wallClock
        spec.leaseTransitions = spec.leaseTransitions ?? 0
        lease.spec = spec
        return lease
    }

    /// Someone else's (expired or released) Lease, taken over: a new term, one more transition.
    private func takeover(of lease: Lease, wallClock: Date) -> Lease {
        var lease = lease
        var spec = lease.spec ?? Lease.Spec()
        spec.holderIdentity = configuration.identity
        spec.leaseDurationSeconds = configuration.leaseDurationSeconds
        spec.acquireTime = wallClock
        spec.renewTime = wallClock
        spec.leaseTransitions = (spec.leaseTransitions ?? 0) + 1
        lease.spec = spec
        return lease
    }
}
