import Synchronization

/// Pending injected failures and latency rules; consulted for every authenticated API request.
///
/// A lock rather than an actor: it is read on every request and its decisions are tiny, and a
/// test's call to inject a fault must take effect before its next request without an `await`
/// ordering question.
final class FaultInjector: Sendable {
    private struct PendingFailure {
        var remaining: Int
        var matcher: RequestMatcher
        var failure: InjectedFailure
    }

    private struct State {
        var failures: [PendingFailure] = []
        var latency: [(matcher: RequestMatcher, delay: Duration)] = []
    }

    private let state = Mutex(State())

    func failNext(_ count: Int, matching matcher: RequestMatcher, with failure: InjectedFailure) {
        guard count > 0 else { return }
        state.withLock { $0.failures.append(PendingFailure(remaining: count, matcher: matcher, failure: failure)) }
    }

    /// Takes one failure for `request` from the first matching rule, oldest rule first.
    func takeFailure(for request: RecordedRequest) -> InjectedFailure? {
        state.withLock { state in
            guard let index = state.failures.firstIndex(where: { $0.matcher.matches(request) }) else { return nil }
            let failure = state.failures[index].failure
            state.failures[index].remaining -= 1
            if state.failures[index].remaining == 0 { state.failures.remove(at: index) }
            return failure
        }
    }

    /// Failures not yet used.
    var pendingFailureCount: Int {
        state.withLock { $0.failures.reduce(0) { $0 + $1.remaining } }
    }

    func setLatency(_ delay: Duration?, matching matcher: RequestMatcher) {
        state.withLock { state in
            state.latency.removeAll { $0.matcher == matcher }
            if let delay, delay > .zero { state.latency.append((matcher, delay)) }
        }
    }

    /// The longest delay of the rules that match `request`.
    func latency(for request: RecordedRequest) -> Duration? {
        state.withLock { state in
            state.latency.filter { $0.matcher.matches(request) }.map(\.delay).max()
        }
    }

    func reset() {
        state.withLock { $0 = State() }
    }
}
