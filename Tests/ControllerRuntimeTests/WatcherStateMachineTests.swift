import Testing

@testable import ControllerRuntime

/// ``WatcherStateMachine`` driven with explicit instants: every recovery path of the watcher.
@Suite("WatcherStateMachine")
struct WatcherStateMachineTests {
    typealias Machine = WatcherStateMachine<ManualClock.Instant>

    @Test("lists page by page, delivers the listing, then watches from the list's resourceVersion")
    func paginatedListThenWatch() {
        var machine = Machine()
        #expect(machine.start() == .list(continueToken: nil))
        #expect(machine.listPageReceived(continueToken: "p2", resourceVersion: "", now: at(0)) == .list(continueToken: "p2"))
        #expect(machine.listPageReceived(continueToken: "", resourceVersion: "10", now: at(0)) == .deliverListing(resourceVersion: "10"))
        #expect(machine.listingsCompleted == 1)
        #expect(machine.listingDelivered(now: at(0)) == .watch(resourceVersion: "10"))
        #expect(machine.isWatching)
    }

    @Test("events and bookmarks advance the resume point; a closed watch resumes from it at once")
    func resumeFromLastVersion() {
        var machine = Machine()
        _ = machine.start()
        _ = machine.listPageReceived(continueToken: nil, resourceVersion: "10", now: at(0))
        _ = machine.listingDelivered(now: at(0))
        machine.watchEventReceived(resourceVersion: "12", now: at(1))
        machine.watchEventReceived(resourceVersion: "15", now: at(2))  // a bookmark
        machine.watchEventReceived(resourceVersion: nil, now: at(2))  // nothing to learn
        #expect(machine.resourceVersion == "15")
        #expect(machine.watchEnded(now: at(300)) == .watch(resourceVersion: "15"))
        #expect(machine.consecutiveFailures == 0)
    }

    @Test("410 Gone on the watch relists at once, without backoff")
    func goneRelists() {
        var machine = Machine()
        _ = machine.start()
        _ = machine.listPageReceived(continueToken: nil, resourceVersion: "10", now: at(0))
        _ = machine.listingDelivered(now: at(0))
        #expect(machine.watchFailed(.gone, now: at(5)) == .list(continueToken: nil))
        #expect(machine.listPageReceived(continueToken: nil, resourceVersion: "40", now: at(5)) == .deliverListing(resourceVersion: "40"))
        #expect(machine.listingDelivered(now: at(5)) == .watch(resourceVersion: "40"))
        #expect(machine.listingsCompleted == 2)
    }

    @Test("an expired continue token restarts the listing from the first page at once")
    func expiredContinueToken() {
        var machine = Machine()
        _ = machine.start()
        _ = machine.listPageReceived(continueToken: "p2", resourceVersion: "", now: at(0))
        #expect(machine.listFailed(.gone, now: at(1)) == .list(continueToken: nil))
        // A 410 on the first page is no expired token: back off.
        #expect(machine.listFailed(.gone, now: at(1)) == .sleep(until: at(1.8)))
    }

    @Test("failed lists back off 0.8, 1.6, 3.2 … capped at 30 s, then list from the first page")
    func listBackoff() {
        var machine = Machine()
        _ = machine.start()
        var now = at(0)
        var delays: [Duration] = []
        for _ in 0..<8 {
            guard case .sleep(let deadline) = machine.listFailed(.other, now: now) else {
                Issue.record("expected a backoff")
                return
            }
            delays.append(now.duration(to: deadline))
            now = deadline
            #expect(machine.backoffElapsed(now: now) == .list(continueToken: nil))
        }
        #expect(delays == [.milliseconds(800), .milliseconds(1600), .milliseconds(3200), .milliseconds(6400),
                           .milliseconds(12800), .milliseconds(25600), .seconds(30), .seconds(30)])
        #expect(machine.consecutiveFailures == 8)
    }

    @Test("a failed watch backs off and resumes from the last version; progress resets the backoff")
    func watchBackoffAndReset() {
        var machine = Machine()
        _ = machine.start()
        _ = machine.listPageReceived(continueToken: nil, resourceVersion: "10", now: at(0))
        _ = machine.listingDelivered(now: at(0))
        #expect(machine.watchFailed(.other, now: at(1)) == .sleep(until: at(1.8)))
        #expect(machine.backoffElapsed(now: at(1.8)) == .watch(resourceVersion: "10"))
        #expect(machine.watchFailed(.other, now: at(2)) == .sleep(until: at(3.6)))
        #expect(machine.backoffElapsed(now: at(3.6)) == .watch(resourceVersion: "10"))
        machine.watchEventReceived(resourceVersion: "11", now: at(4))
        #expect(machine.consecutiveFailures == 0)
        #expect(machine.watchFailed(.other, now: at(5)) == .sleep(until: at(5.8)))
        #expect(machine.backoffElapsed(now: at(5.8)) == .watch(resourceVersion: "11"))
    }

    @Test("a watch that closes at once with nothing delivered counts as a failure (no hot loop)")
    func emptyWatchClosingAtOnce() {
        var machine = Machine()
        _ = machine.start()
        _ = machine.listPageReceived(continueToken: nil, resourceVersion: "10", now: at(0))
        _ = machine.listingDelivered(now: at(0))
        #expect(machine.watchEnded(now: at(0.1)) == .sleep(until: at(0.9)))
        #expect(machine.backoffElapsed(now: at(0.9)) == .watch(resourceVersion: "10"))
        // Long enough to be a real watch: resumes at once.
        #expect(machine.watchEnded(now: at(5)) == .watch(resourceVersion: "10"))
    }

    @Test("wedged only after failing without progress for the threshold")
    func wedged() {
        var machine = Machine()
        _ = machine.start()
        #expect(!machine.isWedged(now: at(1000), threshold: .seconds(300)))
        var now = at(10)
        while now < at(400) {
            guard case .sleep(let deadline) = machine.listFailed(.other, now: now) else { return }
            now = deadline
            _ = machine.backoffElapsed(now: now)
        }
        #expect(machine.failingSince == at(10))
        #expect(!machine.isWedged(now: at(309), threshold: .seconds(300)))
        #expect(machine.isWedged(now: at(310), threshold: .seconds(300)))
        _ = machine.listPageReceived(continueToken: nil, resourceVersion: "1", now: now)
        #expect(!machine.isWedged(now: now, threshold: .seconds(300)))
    }
}
