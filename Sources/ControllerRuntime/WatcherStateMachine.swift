/// The decisions of a ``Watcher``: when to list, when to watch and from which resourceVersion,
/// when to relist, and how long to back off — with no I/O, so tests drive it with explicit
/// instants.
///
/// ```
///            ┌──────── page with continue token ───────┐
///            ▼                                          │
///  start ─▶ listing ── last page ──▶ watching(rv) ──────┤ event / bookmark: rv advances
///            ▲  │                      │   │            │
///            │  └─ error: back off ──┐ │   └─ stream ends: watch again from rv
///            │                       ▼ ▼      (backs off if it ended at once, empty)
///            └──── 410 Gone ───── backing off ─▶ list again, or watch again from rv
/// ```
///
/// - A listing is all-or-nothing: an error part-way discards the pages read so far (their
///   continue token may have expired) and the next listing starts from the first page. An
///   expired continue token (410) restarts the listing at once.
/// - 410 Gone on a watch (HTTP status or an `ERROR` event) means the resourceVersion left the
///   server's history: relist at once, never back off (the gap only grows).
/// - Other failures back off exponentially (``WatcherBackoff``); any progress (a completed
///   listing, a watch event) resets the backoff.
/// - A watch that ends cleanly is resumed from the last resourceVersion at once — unless it
///   ended within ``WatcherBackoff/minimumHealthyWatch`` having delivered nothing, which counts
///   as a failure, so a server that closes every watch at once cannot make a hot loop.
struct WatcherStateMachine<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// What the driver does next.
    enum Action: Equatable, Sendable {
        /// Request one page of the listing; `nil` is the first page (discard pages read before).
        case list(continueToken: String?)
        /// The listing is complete: deliver it, then watch from `resourceVersion`.
        case deliverListing(resourceVersion: String)
        /// Open a watch from `resourceVersion`.
        case watch(resourceVersion: String)
        /// Sleep until `deadline`, then call ``backoffElapsed(now:)``.
        case sleep(until: Instant)
    }

    /// Why a request failed, as far as the state machine cares.
    enum Failure: Equatable, Sendable {
        /// The resourceVersion or continue token is too old (410 Gone / Expired).
        case gone
        /// Anything else: transport errors, 5xx, 429, 403, undecodable events.
        case other
    }

    private enum Phase: Equatable, Sendable {
        case idle
        case listing(continueToken: String?)
        case watching(resourceVersion: String, since: Instant, delivered: Bool)
        /// After the backoff, list (resourceVersion nil) or watch from the given one.
        case backingOff(until: Instant, resume: String?)
    }

    private var phase: Phase = .idle
    private var backoff: WatcherBackoff
    /// The last resourceVersion the consumer has seen (listing or event); where a watch resumes.
    private(set) var resourceVersion: String?
    /// When the current run of consecutive failures began; nil while things work.
    private(set) var failingSince: Instant?
    /// Consecutive failures since the last progress.
    private(set) var consecutiveFailures = 0
    /// Completed listings (the first one is the initial sync).
    private(set) var listingsCompleted = 0

    init(backoff: WatcherBackoff = WatcherBackoff()) {
        self.backoff = backoff
    }

    /// Whether the watcher is watching (as opposed to listing or backing off).
    var isWatching: Bool {
        if case .watching = phase { true } else { false }
    }

    /// Whether failures have gone on without progress for longer than `threshold` at `now`.
    func isWedged(now: Instant, threshold: Duration) -> Bool {
        guard let failingSince else { return false }
        return failingSince.duration(to: now) >= threshold
    }

    // MARK: Inputs

    /// The first action: list from the first page.
    mutating func start() -> Action {
        phase = .listing(continueToken: nil)
        return .list(continueToken: nil)
    }

    /// A listing page arrived. `continueToken` names the next page (nil or empty: last page);
    /// `resourceVersion` is the list's.
    mutating func listPageReceived(continueToken: String?, resourceVersion: String, now: Instant) -> Action {
        if let continueToken, !continueToken.isEmpty {
            phase = .listing(continueToken: continueToken)
            return .list(continueToken: continueToken)
        }
        self.resourceVersion = resourceVersion
        listingsCompleted += 1
        madeProgress()
        phase = .watching(resourceVersion: resourceVersion, since: now, delivered: false)
        return .deliverListing(resourceVersion: resourceVersion)
    }

    /// The listing was delivered; open the watch.
    mutating func listingDelivered(now: Instant) -> Action {
        let version = resourceVersion ?? ""
        phase = .watching(resourceVersion: version, since: now, delivered: false)
        return .watch(resourceVersion: version)
    }

    /// A listing page failed.
    mutating func listFailed(_ failure: Failure, now: Instant) -> Action {
        if failure == .gone, case .listing(let token?) = phase, !token.isEmpty {
            // The continue token expired: the snapshot is gone, start a fresh listing now.
            phase = .listing(continueToken: nil)
            return .list(continueToken: nil)
        }
        return backOff(resume: nil, now: now)
    }

    /// A watch event (object or bookmark) moved the collection to `resourceVersion`.
    mutating func watchEventReceived(resourceVersion newVersion: String?, now: Instant) {
        if let newVersion, !newVersion.isEmpty { resourceVersion = newVersion }
        if case .watching(_, let since, _) = phase {
            phase = .watching(resourceVersion: resourceVersion ?? "", since: since, delivered: true)
        }
        madeProgress()
    }

    /// The watch stream ended without an error (server timeout, closed connection).
    mutating func watchEnded(now: Instant) -> Action {
        guard case .watching(_, let since, let delivered) = phase else { return resumeAfterBackoff(now: now) }
        if !delivered && since.duration(to: now) < backoff.minimumHealthyWatch {
            return backOff(resume: resourceVersion ?? "", now: now)
        }
        let version = resourceVersion ?? ""
        phase = .watching(resourceVersion: version, since: now, delivered: false)
        return .watch(resourceVersion: version)
    }

    /// Opening or reading the watch failed.
    mutating func watchFailed(_ failure: Failure, now: Instant) -> Action {
        switch failure {
        case .gone:
            // Our resourceVersion left the server's history. Relisting is the only way back, and
            // waiting would only widen the gap; a listing that fails backs off on its own.
            noteFailure(now: now)
            phase = .listing(continueToken: nil)
            return .list(continueToken: nil)
        case .other:
            return backOff(resume: resourceVersion ?? "", now: now)
        }
    }

    /// The backoff sleep ended: list or watch again, as decided when it began.
    mutating func backoffElapsed(now: Instant) -> Action {
        resumeAfterBackoff(now: now)
    }

    // MARK: Helpers

    private mutating func resumeAfterBackoff(now: Instant) -> Action {
        switch phase {
        case .backingOff(_, let resume?):
            phase = .watching(resourceVersion: resume, since: now, delivered: false)
            return .watch(resourceVersion: resume)
        case .backingOff(_, nil), .idle, .listing, .watching:
            phase = .listing(continueToken: nil)
            return .list(continueToken: nil)
        }
    }

    private mutating func backOff(resume: String?, now: Instant) -> Action {
        noteFailure(now: now)
        let deadline = now.advanced(by: backoff.next())
        phase = .backingOff(until: deadline, resume: resume)
        return .sleep(until: deadline)
    }

    private mutating func noteFailure(now: Instant) {
        consecutiveFailures += 1
        if failingSince == nil { failingSince = now }
    }

    private mutating func madeProgress() {
        consecutiveFailures = 0
        failingSince = nil
        backoff.reset()
    }
}
