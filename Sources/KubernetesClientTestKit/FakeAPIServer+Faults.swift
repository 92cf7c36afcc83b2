/// Fault injection: make the stand-in misbehave the way real clusters do.
extension FakeAPIServer {
    /// Fails the next `count` requests that match `matcher` with `failure`, instead of serving them.
    ///
    /// Rules are consumed oldest first; a request is failed by at most one rule. Requests that
    /// fail authentication are not counted (they are answered 401 first).
    public func failNextRequests(_ count: Int = 1, matching matcher: RequestMatcher = .any, with failure: InjectedFailure) {
        faults.failNext(count, matching: matcher, with: failure)
    }

    /// Fails the next `count` matching requests with `statusCode` (and `Retry-After` when given).
    public func failNextRequests(
        _ count: Int = 1, matching matcher: RequestMatcher = .any, statusCode: Int, retryAfterSeconds: Int? = nil
    ) {
        failNextRequests(
            count, matching: matcher, with: InjectedFailure(statusCode: statusCode, retryAfterSeconds: retryAfterSeconds))
    }

    /// How many injected failures are still waiting for a matching request.
    public var pendingInjectedFailures: Int { faults.pendingFailureCount }

    /// Delays every matching request by `latency` before it is answered (watches: before the
    /// response starts); `nil` removes the rule for `matcher`. With several matching rules the
    /// longest delay applies.
    public func setLatency(_ latency: Duration?, matching matcher: RequestMatcher = .any) {
        faults.setLatency(latency, matching: matcher)
    }

    /// Removes all injected failures and latency rules.
    public func resetFaults() {
        faults.reset()
    }

    /// Closes the connection of every open watch now, without ending the chunked response, as
    /// an API server restart or a load balancer timeout does. Returns how many were dropped.
    @discardableResult
    public func dropWatches() async -> Int {
        await store.dropWatches()
    }

    /// The number of watches currently streaming.
    public var openWatchCount: Int {
        get async { await store.openWatchCount }
    }

    /// Compacts the history now: a watch from any earlier resourceVersion gets a 410 `Expired`
    /// ERROR event, and continue tokens issued before now get 410.
    public func compactHistory() async {
        await store.compact()
    }

    /// Turns the garbage collector off (dependents of deleted owners stay, as in a cluster whose
    /// collector lags) or back on (which runs a full collection pass at once).
    public func setGarbageCollectorEnabled(_ enabled: Bool) async {
        await store.setGarbageCollectorEnabled(enabled)
    }

    /// Runs a full garbage-collection pass now (when the collector is enabled): deletes objects
    /// none of whose owners exists, removes references to missing owners from the others.
    public func collectGarbage() async {
        await store.collectGarbage()
    }
}
