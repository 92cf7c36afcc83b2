public import KubernetesClient
public import KubernetesCore
public import Logging
import Synchronization

/// Keeps a consumer up to date with one collection of objects: lists it, watches it from the
/// listing's resourceVersion, resumes after dropped watches, relists when the server's history
/// no longer reaches back far enough — the reflector loop of client-go and kube-rs's `watcher`.
///
/// ## Flow
/// ``run(_:)`` lists in pages of ``WatcherConfiguration/pageSize``, hands the whole collection
/// to the consumer as ``WatcherEvent/relisted(_:)``, then watches with bookmarks and hands over
/// each change as it arrives. The decisions are ``WatcherStateMachine``'s (see its diagram); this
/// type performs the requests and sleeps on the injected clock.
///
/// ## Guarantees
/// - The consumer sees every change after the listing, in the server's order, or a relisting
///   that supersedes what it missed: an object deleted while the watch was down is absent from
///   the relisting (``Store`` turns that into a deletion). A final state is never lost.
/// - An event is handed over before its resourceVersion becomes the resume point, so a watch
///   resumed after a drop never skips an event the consumer has not seen. It may repeat one: a
///   consumer must be idempotent (``Store`` is).
/// - Failures never end ``run(_:)``: it backs off (800 ms doubling to 30 s by default) and tries
///   again; 410 Gone relists at once. It returns only when its task is cancelled.
/// - A watch that stays silent longer than its server-side timeout plus
///   ``WatcherConfiguration/watchGrace`` (a half-open connection) is abandoned and resumed.
///
/// ## Caveats
/// - Consumer calls are sequential and awaited: a slow consumer slows the watch (back-pressure),
///   which is intended; a consumer must not wait on work that needs this watcher to progress.
/// - A relisting holds the whole collection in memory once while it is handed over.
public final class Watcher<R: Resource, C: Clock>: Sendable where C.Duration == Duration {
    private let client: ResourceClient<R>
    /// How this watcher lists and watches.
    public let configuration: WatcherConfiguration
    private let clock: C
    private let logger: Logger
    private let machine: Mutex<WatcherStateMachine<C.Instant>>

    /// A watcher of the objects `client` reaches (one namespace, or all), on `clock`.
    public init(client: ResourceClient<R>, configuration: WatcherConfiguration = .init(), clock: C, logger: Logger) {
        self.client = client
        self.configuration = configuration
        self.clock = clock
        var logger = logger
        logger[metadataKey: "resource"] = "\(R.plural)"
        self.logger = logger
        self.machine = Mutex(WatcherStateMachine(backoff: configuration.backoff))
    }

    /// Whether the first complete listing has been handed to the consumer.
    public var hasListed: Bool { completedListings > 0 }

    /// Complete listings so far: 1 after the initial sync, one more per relisting.
    public var completedListings: Int { machine.withLock { $0.listingsCompleted } }

    /// Whether failures have gone on without progress for ``WatcherConfiguration/wedgedAfter``:
    /// the signal for a failing liveness probe.
    public var isWedged: Bool {
        let now = clock.now
        return machine.withLock { $0.isWedged(now: now, threshold: configuration.wedgedAfter) }
    }

    /// The resourceVersion the watch resumes from; `nil` before the first listing.
    public var resourceVersion: String? { machine.withLock { $0.resourceVersion } }

    /// Lists and watches until the calling task is cancelled, handing each ``WatcherEvent`` to
    /// `consume` in order. Never throws: failures are retried (see the type's guarantees).
    public func run(_ consume: @escaping @Sendable (WatcherEvent<R>) async -> Void) async {
        var action = machine.withLock { $0.start() }
        var pages: [R] = []
        while !Task.isCancelled {
            switch action {
            case .list(let continueToken):
                if continueToken == nil { pages.removeAll(keepingCapacity: true) }
                action = await listPage(continueToken: continueToken, into: &pages)
            case .deliverListing:
                let listing = pages
                pages = []
                logger.debug("listed", metadata: ["objects": "\(listing.count)", "resourceVersion": "\(resourceVersion ?? "")"])
                await consume(.relisted(listing))
                action = machine.withLock { $0.listingDelivered(now: clock.now) }
            case .watch(let resourceVersion):
                action = await watch(from: resourceVersion, consume)
            case .sleep(let deadline):
                do { try await clock.sleep(until: deadline, tolerance: nil) } catch { return }
                action = machine.withLock { $0.backoffElapsed(now: clock.now) }
            }
        }
    }

    // MARK: Requests

    private func listPage(
        continueToken: String?, into pages: inout [R]
    ) async -> WatcherStateMachine<C.Instant>.Action {
        var options = ListOptions(
            labelSelector: configuration.labelSelector, fieldSelector: configuration.fieldSelector)
        options.limit = configuration.pageSize
        options.continueToken = continueToken
        do {
            let page = try await client.list(options)
            pages += page.items
            let now = clock.now
            return machine.withLock {
                $0.listPageReceived(
                    continueToken: page.metadata.continue, resourceVersion: page.metadata.resourceVersion ?? "", now: now)
            }
        } catch {
            return failed(error, during: "list") { $0.listFailed($1, now: $2) }
        }
    }

    /// One watch, from opening it to its end; returns what to do next.
    private func watch(
        from resourceVersion: String, _ consume: @escaping @Sendable (WatcherEvent<R>) async -> Void
    ) async -> WatcherStateMachine<C.Instant>.Action {
        let options = WatchOptions(
            labelSelector: configuration.labelSelector, fieldSelector: configuration.fieldSelector,
            resourceVersion: resourceVersion.isEmpty ? nil : resourceVersion, allowWatchBookmarks: true,
            timeoutSeconds: Int(configuration.watchTimeout.components.seconds))
        let stream: WatchStream<R>
        do {
            stream = try await client.watch(options)
        } catch {
            return failed(error, during: "watch") { $0.watchFailed($1, now: $2) }
        }
        // The stream and a watchdog race: a half-open connection never ends on its own.
        let deadline = clock.now.advanced(by: configuration.watchTimeout + configuration.watchGrace)
        let ending = await withTaskGroup(of: WatchEnding?.self) { group in
            group.addTask { await self.consume(stream, consume) }
            group.addTask {
                do { try await self.clock.sleep(until: deadline, tolerance: nil) } catch { return nil }
                return .silent
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        let now = clock.now
        switch ending {
        case nil:
            return machine.withLock { $0.watchEnded(now: now) }  // cancelled: the run loop ends
        case .closed:
            logger.trace("watch closed by the server; resuming")
            return machine.withLock { $0.watchEnded(now: now) }
        case .silent:
            logger.debug("watch silent past its timeout; resuming")
            return machine.withLock { $0.watchEnded(now: now) }
        case .gone(let message):
            logger.debug("watch history expired; relisting", metadata: ["message": "\(message)"])
            return machine.withLock { $0.watchFailed(.gone, now: now) }
        case .failed(let error):
            return failed(error, during: "watch") { $0.watchFailed($1, now: $2) }
        }
    }

    private enum WatchEnding: Sendable {
        case closed
        case silent
        case gone(String)
        case failed(KubernetesError)
    }

    /// Reads `stream` to its end, handing events to `consume`.
    private func consume(
        _ stream: WatchStream<R>, _ consume: @Sendable (WatcherEvent<R>) async -> Void
    ) async -> WatchEnding? {
        do {
            for try await event in stream {
                switch event {
                case .added(let object), .modified(let object):
                    await consume(.applied(object))
                    advance(to: object.metadata.resourceVersion)
                case .deleted(let object):
                    await consume(.deleted(object))
                    advance(to: object.metadata.resourceVersion)
                case .bookmark(let resourceVersion):
                    advance(to: resourceVersion)
                case .error(let status):
                    if status.code == 410 { return .gone(status.message ?? "") }
                    return .failed(KubernetesError(.api(code: status.code ?? 500, status: status), request: "WATCH \(R.plural)"))
                }
            }
            return Task.isCancelled ? nil : .closed
        } catch {
            return Task.isCancelled ? nil : .failed(error)
        }
    }

    private func advance(to resourceVersion: String?) {
        let now = clock.now
        machine.withLock { $0.watchEventReceived(resourceVersion: resourceVersion, now: now) }
    }

    private func failed(
        _ error: KubernetesError, during request: String,
        _ decide: (inout WatcherStateMachine<C.Instant>, WatcherStateMachine<C.Instant>.Failure, C.Instant) ->
            WatcherStateMachine<C.Instant>.Action
    ) -> WatcherStateMachine<C.Instant>.Action {
        let failure: WatcherStateMachine<C.Instant>.Failure = error.isGone ? .gone : .other
        let now = clock.now
        let action = machine.withLock { decide(&$0, failure, now) }
        if !Task.isCancelled {
            logger.debug(
                "\(request) failed", metadata: ["error": "\(error)", "next": "\(action)"])
        }
        return action
    }
}

extension Watcher where C == ContinuousClock {
    /// A watcher on the continuous clock.
    public convenience init(client: ResourceClient<R>, configuration: WatcherConfiguration = .init(), logger: Logger) {
        self.init(client: client, configuration: configuration, clock: ContinuousClock(), logger: logger)
    }
}
