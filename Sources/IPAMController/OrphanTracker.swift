import Synchronization

/// Remembers when an object was first seen without its owner, so that it is released only after
/// a second observation at least a grace period later (DESIGN.md, "Releasing, safely"), and which
/// owners this process has seen deleted (those need no grace period).
///
/// In memory only: after a restart every suspect starts over, which only delays a release.
final class OrphanTracker: Sendable {
    /// What a suspect is: for `ipam_orphaned_leases`, which counts the leases only.
    enum Kind: Sendable {
        /// An IPLease whose claim is missing.
        case lease
        /// A Pod's IPClaim whose Pod is missing.
        case podClaim
    }

    enum Verdict: Equatable, Sendable {
        /// First seen orphaned now, or the grace period has not passed: look again after this long.
        case wait(Duration)
        /// Seen orphaned twice, a grace period apart: re-read the owner from the API server, and
        /// release if it is still missing.
        case confirm
    }

    private struct State: ~Copyable {
        var firstSeen: [String: (at: ContinuousClock.Instant, kind: Kind)] = [:]
        /// UIDs of owners whose deletion this process saw, newest last (bounded).
        var deletedOwners: Set<String> = []
        var deletedOrder: [String] = []
    }

    let gracePeriod: Duration
    private let state = Mutex(State())
    private let clock = ContinuousClock()
    private let deletedOwnerLimit = 100_000

    init(gracePeriod: Duration) {
        self.gracePeriod = gracePeriod
    }

    /// Records that the object with `uid`, a `kind`, is seen without its owner now.
    func observe(orphan uid: String, kind: Kind) -> Verdict {
        let now = clock.now
        return state.withLock { state in
            guard let first = state.firstSeen[uid] else {
                state.firstSeen[uid] = (now, kind)
                return .wait(gracePeriod)
            }
            let waited = first.at.duration(to: now)
            return waited >= gracePeriod ? .confirm : .wait(gracePeriod - waited)
        }
    }

    /// The object with `uid` has its owner (or is gone, or released): forget any suspicion.
    func clear(_ uid: String) {
        _ = state.withLock { $0.firstSeen.removeValue(forKey: uid) }
    }

    /// How many objects of `kind` are suspected now: seen without their owner and neither
    /// released nor cleared since.
    func suspects(_ kind: Kind) -> Int {
        state.withLock { state in state.firstSeen.values.count(where: { $0.kind == kind }) }
    }

    /// Records that the owner with `uid` was seen deleted by a watch event.
    func ownerDeleted(_ uid: String) {
        state.withLock { state in
            guard state.deletedOwners.insert(uid).inserted else { return }
            state.deletedOrder.append(uid)
            if state.deletedOrder.count > deletedOwnerLimit {
                let dropped = state.deletedOrder.prefix(state.deletedOrder.count / 2)
                state.deletedOrder.removeFirst(dropped.count)
                state.deletedOwners.subtract(dropped)
            }
        }
    }

    /// Whether the owner with `uid` was seen deleted.
    func wasDeleted(owner uid: String) -> Bool {
        state.withLock { $0.deletedOwners.contains(uid) }
    }
}
