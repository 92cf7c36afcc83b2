import Foundation
import KubernetesCore
import Testing

@testable import ControllerRuntime

@Suite("LeaderElectionStateMachine")
struct LeaderElectionStateMachineTests {
    typealias Machine = LeaderElectionStateMachine<ManualClock.Instant>

    static let epoch = Date(timeIntervalSince1970: 1_700_000_000)
    /// The wall-clock time written at manual instant `seconds`.
    static func wall(_ seconds: Double) -> Date { epoch.addingTimeInterval(seconds) }

    func machine(_ identity: String = "me") -> Machine {
        Machine(configuration: LeaderElectionConfiguration(identity: identity))
    }

    /// A Lease as the server would return it.
    func lease(
        holder: String?, renewed: Double = 0, duration: Int32 = 15, transitions: Int32 = 0, version: Int = 1
    ) -> Lease {
        Lease(
            metadata: ObjectMeta(name: "lock", namespace: "ns", resourceVersion: "\(version)"),
            spec: Lease.Spec(
                holderIdentity: holder, leaseDurationSeconds: duration, acquireTime: Self.wall(0),
                renewTime: Self.wall(renewed), leaseTransitions: transitions))
    }

    /// The server's answer to a write: the same object with a new resourceVersion.
    func stored(_ written: Lease, version: Int) -> Lease {
        var lease = written
        lease.metadata.resourceVersion = "\(version)"
        return lease
    }

    /// Becomes leader by creating the Lease at t=0.
    func leader() -> Machine {
        var machine = machine()
        _ = machine.tick(now: at(0), wallClock: Self.wall(0))
        guard case .create(let spec) = machine.leaseFetched(nil, now: at(0), wallClock: Self.wall(0)) else {
            Issue.record("expected a create")
            return machine
        }
        let created = Lease(metadata: ObjectMeta(name: "lock", namespace: "ns", resourceVersion: "1"), spec: spec)
        #expect(machine.writeSucceeded(created, now: at(0)) == .startLeading)
        return machine
    }

    // MARK: Acquiring

    @Test("an absent Lease is created with us as holder, and we lead")
    func acquireAbsent() {
        var machine = machine()
        #expect(machine.tick(now: at(0), wallClock: Self.wall(0)) == .get)
        let expected = Lease.Spec(
            holderIdentity: "me", leaseDurationSeconds: 15, acquireTime: Self.wall(0), renewTime: Self.wall(0),
            leaseTransitions: 0)
        #expect(machine.leaseFetched(nil, now: at(0), wallClock: Self.wall(0)) == .create(expected))
        #expect(!machine.isLeader)
        let created = Lease(metadata: ObjectMeta(name: "lock", resourceVersion: "1"), spec: expected)
        #expect(machine.writeSucceeded(created, now: at(0.1)) == .startLeading)
        #expect(machine.isLeader)
        #expect(machine.role == .leader(renewedAt: at(0)))
        #expect(machine.tick(now: at(0.1), wallClock: Self.wall(0.1)) == .wait(until: at(2)))
    }

    @Test("another candidate creating it first is a lost race: wait and retry")
    func createRace() {
        var machine = machine()
        _ = machine.tick(now: at(0), wallClock: Self.wall(0))
        _ = machine.leaseFetched(nil, now: at(0), wallClock: Self.wall(0))
        #expect(machine.requestFailed(.alreadyExists, now: at(0.1)) == .wait(until: at(2)))
        #expect(!machine.isLeader)
        #expect(machine.tick(now: at(2), wallClock: Self.wall(2)) == .get)
    }

    @Test("a Lease held by another is respected while it keeps changing")
    func respectsLiveHolder() {
        var machine = machine()
        for second in stride(from: 0, through: 60, by: 2) {
            #expect(machine.tick(now: at(Double(second)), wallClock: Self.wall(Double(second))) == .get)
            // The holder renewed since: a new renewTime and version each time.
            let current = lease(holder: "other", renewed: Double(second), version: second + 1)
            let action = machine.leaseFetched(current, now: at(Double(second)), wallClock: Self.wall(Double(second)))
            #expect(action == .wait(until: at(Double(second + 2))))
        }
        #expect(!machine.isLeader)
        #expect(machine.observedHolder == "other")
    }

    @Test("an expired Lease is taken over exactly when it has not changed for its duration")
    func acquireExpired() {
        var machine = machine()
        let stale = lease(holder: "crashed", renewed: -100, transitions: 4, version: 7)
        // Seen first at t=1: it expires for us at t=16 (15 s later), whatever its renewTime says.
        var now = 1.0
        var action = machine.tick(now: at(now), wallClock: Self.wall(now))
        while true {
            if case .get = action {
                action = machine.leaseFetched(stale, now: at(now), wallClock: Self.wall(now))
            }
            guard case .wait(let until) = action else { break }
            #expect(until.offset <= at(16).offset)
            now = until.offset.inSeconds
            action = machine.tick(now: at(now), wallClock: Self.wall(now))
        }
        #expect(now == 16)
        var expected = stale
        expected.spec?.holderIdentity = "me"
        expected.spec?.acquireTime = Self.wall(16)
        expected.spec?.renewTime = Self.wall(16)
        expected.spec?.leaseTransitions = 5
        #expect(action == .update(expected))
        #expect(machine.writeSucceeded(stored(expected, version: 8), now: at(16)) == .startLeading)
    }

    @Test("a candidate whose requests fail after the holder's expiry retries at the retry period, not in a loop")
    func failingAfterExpiry() {
        var machine = machine()
        _ = machine.tick(now: at(0), wallClock: Self.wall(0))
        _ = machine.leaseFetched(lease(holder: "other"), now: at(0), wallClock: Self.wall(0))
        // Cut off from t=14: the try at the expiry (15) fails; the next is at 17, not again at 15.
        #expect(machine.tick(now: at(14), wallClock: Self.wall(14)) == .get)
        #expect(machine.requestFailed(.other, now: at(14)) == .wait(until: at(15)))
        #expect(machine.tick(now: at(15), wallClock: Self.wall(15)) == .get)
        #expect(machine.requestFailed(.other, now: at(15)) == .wait(until: at(17)))
        #expect(machine.tick(now: at(15), wallClock: Self.wall(15)) == .wait(until: at(17)))
    }

    @Test("a released Lease (no holder) is taken over at once")
    func acquireReleased() {
        var machine = machine()
        _ = machine.tick(now: at(0), wallClock: Self.wall(0))
        let released = lease(holder: "", renewed: 0, duration: 1, transitions: 2, version: 3)
        guard case .update(let written) = machine.leaseFetched(released, now: at(0), wallClock: Self.wall(0)) else {
            Issue.record("expected an update")
            return
        }
        #expect(written.spec?.holderIdentity == "me")
        #expect(written.spec?.leaseTransitions == 3)
        #expect(written.spec?.leaseDurationSeconds == 15)
        #expect(written.metadata.resourceVersion == "3")
    }

    @Test("a Lease already ours (a restart with the same identity) is renewed, same term")
    func acquireOwn() {
        var machine = machine()
        _ = machine.tick(now: at(0), wallClock: Self.wall(0))
        let own = lease(holder: "me", renewed: -3, transitions: 2, version: 5)
        guard case .update(let written) = machine.leaseFetched(own, now: at(0), wallClock: Self.wall(0)) else {
            Issue.record("expected an update")
            return
        }
        #expect(written.spec?.leaseTransitions == 2)
        #expect(written.spec?.acquireTime == Self.wall(0))
        #expect(written.spec?.renewTime == Self.wall(0))
    }

    @Test("a takeover that loses the compare-and-swap does not lead")
    func takeoverConflict() {
        var machine = machine()
        _ = machine.tick(now: at(0), wallClock: Self.wall(0))
        _ = machine.leaseFetched(lease(holder: ""), now: at(0), wallClock: Self.wall(0))
        #expect(machine.requestFailed(.conflict, now: at(0)) == .wait(until: at(2)))
        #expect(!machine.isLeader)
    }

    // MARK: Renewing

    @Test("a leader renews every retry period without reading first")
    func renews() {
        var machine = leader()
        #expect(machine.tick(now: at(1), wallClock: Self.wall(1)) == .wait(until: at(2)))
        guard case .update(let renewal) = machine.tick(now: at(2), wallClock: Self.wall(2)) else {
            Issue.record("expected an update")
            return
        }
        #expect(renewal.metadata.resourceVersion == "1")
        #expect(renewal.spec?.renewTime == Self.wall(2))
        #expect(renewal.spec?.acquireTime == Self.wall(0))
        #expect(renewal.spec?.leaseTransitions == 0)
        #expect(machine.writeSucceeded(stored(renewal, version: 2), now: at(2.5)) == .wait(until: at(4)))
        #expect(machine.role == .leader(renewedAt: at(2)))
        #expect(machine.renewDeadline == at(12))
    }

    @Test("a conflict on the fast path reads the Lease and renews it when still ours")
    func fastPathConflict() {
        var machine = leader()
        _ = machine.tick(now: at(2), wallClock: Self.wall(2))
        #expect(machine.requestFailed(.conflict, now: at(2)) == .get)
        // Someone (a label edit) wrote it; still ours.
        let edited = lease(holder: "me", renewed: 0, version: 9)
        guard case .update(let renewal) = machine.leaseFetched(edited, now: at(2.1), wallClock: Self.wall(2.1)) else {
            Issue.record("expected an update")
            return
        }
        #expect(renewal.metadata.resourceVersion == "9")
        #expect(machine.writeSucceeded(stored(renewal, version: 10), now: at(2.2)) == .wait(until: at(4)))
        // The renewal counts from the start of the attempt (t=2), before the conflict.
        #expect(machine.role == .leader(renewedAt: at(2)))
    }

    @Test("a leader that reads another current holder steps down at once")
    func deposed() {
        var machine = leader()
        _ = machine.tick(now: at(2), wallClock: Self.wall(2))
        _ = machine.requestFailed(.conflict, now: at(2))
        let taken = lease(holder: "other", renewed: 2, transitions: 1, version: 4)
        #expect(machine.leaseFetched(taken, now: at(2), wallClock: Self.wall(2)) == .stopLeading)
        #expect(!machine.isLeader)
        #expect(machine.observedHolder == "other")
        // As a candidate it now respects the other holder's lease.
        #expect(machine.tick(now: at(2), wallClock: Self.wall(2)) == .wait(until: at(4)))
    }

    @Test("a leader steps down when no renewal succeeds within the renew deadline")
    func losesOnRenewDeadline() {
        var machine = leader()
        var now = 2.0
        var actions: [String] = []
        while machine.isLeader {
            let action = machine.tick(now: at(now), wallClock: Self.wall(now))
            switch action {
            case .update, .get:
                actions.append("try@\(Int(now))")
                let next = machine.requestFailed(.other, now: at(now))
                if next == .stopLeading { actions.append("stop@\(Int(now))") }
            case .wait(let until): now = until.offset.inSeconds
            case .stopLeading: actions.append("stop@\(Int(now))")
            default: Issue.record("unexpected \(action)")
            }
        }
        // Tries at 2, 4, 6, 8; at 10 the deadline (0 + 10 s) has passed before the next try.
        #expect(actions == ["try@2", "try@4", "try@6", "try@8", "stop@10"])
    }

    @Test("a successful write so slow that it ends past the deadline does not make us lead")
    func slowWrite() {
        var machine = machine()
        _ = machine.tick(now: at(0), wallClock: Self.wall(0))
        guard case .create(let spec) = machine.leaseFetched(nil, now: at(0), wallClock: Self.wall(0)) else { return }
        let created = Lease(metadata: ObjectMeta(name: "lock", resourceVersion: "1"), spec: spec)
        // (A wait until a past instant: try again at once.)
        #expect(machine.writeSucceeded(created, now: at(10)) == .wait(until: at(2)))
        #expect(!machine.isLeader)
        // The Lease is ours, so the next attempt renews it and then leads.
        #expect(machine.tick(now: at(10), wallClock: Self.wall(10)) == .get)
    }

    @Test("the watchdog steps down while a renewal hangs; its late result is ignored")
    func watchdogAndLateResult() {
        var machine = leader()
        guard case .update(let renewal) = machine.tick(now: at(2), wallClock: Self.wall(2)) else { return }
        let early = machine.stepDownIfRenewDeadlinePassed(now: at(9.9))
        let onTime = machine.stepDownIfRenewDeadlinePassed(now: at(10))
        #expect(!early && onTime)
        #expect(!machine.isLeader)
        // The hung request finally succeeds: the attempt was abandoned, nothing changes.
        #expect(machine.writeSucceeded(stored(renewal, version: 2), now: at(11)) == .wait(until: at(4)))
        #expect(!machine.isLeader)
    }

    @Test("a deleted Lease is created again at the next attempt")
    func deleted() {
        var machine = leader()
        _ = machine.tick(now: at(2), wallClock: Self.wall(2))
        #expect(machine.requestFailed(.notFound, now: at(2)) == .wait(until: at(4)))
        #expect(machine.tick(now: at(4), wallClock: Self.wall(4)) == .get)
        guard case .create = machine.leaseFetched(nil, now: at(4), wallClock: Self.wall(4)) else {
            Issue.record("expected a create")
            return
        }
    }

    // MARK: Releasing

    @Test("release clears the holder with a one-second duration, keeping the transitions")
    func release() {
        var machine = leader()
        guard let released = machine.release(wallClock: Self.wall(5)) else {
            Issue.record("expected a release")
            return
        }
        #expect(!machine.isLeader)
        #expect(released.metadata.resourceVersion == "1")
        #expect(
            released.spec
                == Lease.Spec(
                    holderIdentity: "", leaseDurationSeconds: 1, acquireTime: Self.wall(5), renewTime: Self.wall(5),
                    leaseTransitions: 0))
        machine.released(stored(released, version: 2), now: at(5))
        #expect(machine.observedHolder == nil)
        #expect(machine.release(wallClock: Self.wall(6)) == nil)
    }

    @Test("a candidate that does not hold the Lease has nothing to release")
    func releaseCandidate() {
        var machine = machine()
        _ = machine.tick(now: at(0), wallClock: Self.wall(0))
        _ = machine.leaseFetched(lease(holder: "other"), now: at(0), wallClock: Self.wall(0))
        #expect(machine.release(wallClock: Self.wall(1)) == nil)
    }
}
