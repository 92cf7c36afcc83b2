import Synchronization

/// A clock for tests that moves only when told: `sleep` suspends until ``advance(by:)`` or
/// ``advance(to:)`` passes the deadline, so tests of timed code never really sleep.
///
/// ```swift
/// let clock = ManualClock()
/// let queue = WorkQueue<String, ManualClock>(name: "test", clock: clock)
/// queue.add("a", after: .seconds(5))
/// // a worker's get() now sleeps on the clock until +5 s …
/// await clock.waitForSleepers(count: 1)
/// clock.advance(by: .seconds(5))   // … and wakes here.
/// ```
///
/// ## Guarantees
/// - ``now`` starts at zero and never goes back; it changes only in `advance`.
/// - A sleep whose deadline is not after ``now`` returns at once; otherwise it returns after an
///   `advance` reaches the deadline, or throws `CancellationError` when its task is cancelled.
/// - `advance` resumes the sleepers it passes, earliest deadline first.
///
/// ## Caveats
/// - Resuming a sleeper only makes its task runnable: when `advance` returns, woken tasks may not
///   have run yet. Tests wait for the next quiescent point (``waitForSleepers(count:)``, or a
///   condition of the code under test) before asserting or advancing again.
/// - Meant for tests: it is a public type so that tests of code built on this library can use it.
public final class ManualClock: Clock, Sendable {
    /// A point on the manual time line: the time advanced since the clock was created.
    public struct Instant: InstantProtocol, CustomStringConvertible {
        /// Time since the clock's start.
        public var offset: Duration

        public init(offset: Duration) {
            self.offset = offset
        }

        public func advanced(by duration: Duration) -> Instant {
            Instant(offset: offset + duration)
        }

        public func duration(to other: Instant) -> Duration {
            other.offset - offset
        }

        public static func < (lhs: Instant, rhs: Instant) -> Bool {
            lhs.offset < rhs.offset
        }

        public var description: String { "+\(offset)" }
    }

    private enum Sleeper {
        /// Registered; its continuation is not attached yet.
        case registered
        case cancelled
        case sleeping(deadline: Instant, CheckedContinuation<Void, any Error>)
    }

    private struct State {
        var now = Instant(offset: .zero)
        var sleepers: [UInt64: Sleeper] = [:]
        var nextID: UInt64 = 0
        var sleeperWaiters: [(count: Int, continuation: CheckedContinuation<Void, Never>)] = []

        var sleepingCount: Int {
            sleepers.values.count { if case .sleeping = $0 { true } else { false } }
        }

        mutating func satisfiedSleeperWaiters() -> [CheckedContinuation<Void, Never>] {
            let count = sleepingCount
            let ready = sleeperWaiters.filter { $0.count <= count }.map(\.continuation)
            sleeperWaiters.removeAll { $0.count <= count }
            return ready
        }
    }

    private let state = Mutex(State())

    public init() {}

    /// The current instant.
    public var now: Instant {
        state.withLock { $0.now }
    }

    public var minimumResolution: Duration { .nanoseconds(1) }

    /// Suspends until the clock reaches `deadline`.
    public func sleep(until deadline: Instant, tolerance: Duration? = nil) async throws {
        try Task.checkCancellation()
        let id = state.withLock { state in
            state.nextID += 1
            state.sleepers[state.nextID] = .registered
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let (outcome, waiters) = state.withLock {
                    state -> (Result<Void, any Error>?, [CheckedContinuation<Void, Never>]) in
                    guard case .registered = state.sleepers[id] else {
                        state.sleepers[id] = nil
                        return (.failure(CancellationError()), [])
                    }
                    guard deadline > state.now else {
                        state.sleepers[id] = nil
                        return (.success(()), [])
                    }
                    state.sleepers[id] = .sleeping(deadline: deadline, continuation)
                    return (nil, state.satisfiedSleeperWaiters())
                }
                for waiter in waiters { waiter.resume() }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                switch state.sleepers[id] {
                case .registered:
                    state.sleepers[id] = .cancelled
                    return nil
                case .sleeping(_, let continuation):
                    state.sleepers[id] = nil
                    return continuation
                case .cancelled, nil:
                    return nil
                }
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// Moves the clock forward by `duration` and wakes the sleepers it passes.
    public func advance(by duration: Duration) {
        precondition(duration >= .zero, "a manual clock does not go back")
        advance(to: now.advanced(by: duration))
    }

    /// Moves the clock to `instant` (if later than now) and wakes the sleepers it passes.
    public func advance(to instant: Instant) {
        let due = state.withLock { state -> [CheckedContinuation<Void, any Error>] in
            state.now = max(state.now, instant)
            var due: [(Instant, UInt64, CheckedContinuation<Void, any Error>)] = []
            for (id, sleeper) in state.sleepers {
                if case .sleeping(let deadline, let continuation) = sleeper, deadline <= state.now {
                    due.append((deadline, id, continuation))
                }
            }
            due.sort { ($0.0, $0.1) < ($1.0, $1.1) }
            for (_, id, _) in due { state.sleepers[id] = nil }
            return due.map(\.2)
        }
        for continuation in due { continuation.resume() }
    }

    /// Tasks suspended in `sleep` now.
    public var sleeperCount: Int {
        state.withLock { $0.sleepingCount }
    }

    /// The earliest deadline of the tasks sleeping now.
    public var nextDeadline: Instant? {
        state.withLock { state in
            state.sleepers.values.compactMap { sleeper -> Instant? in
                if case .sleeping(let deadline, _) = sleeper { deadline } else { nil }
            }.min()
        }
    }

    /// Suspends until at least `count` tasks are sleeping on this clock.
    ///
    /// Not cancellable: use it in tests with a time limit.
    public func waitForSleepers(count: Int) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state in
                guard state.sleepingCount < count else { return true }
                state.sleeperWaiters.append((count, continuation))
                return false
            }
            if ready { continuation.resume() }
        }
    }
}
