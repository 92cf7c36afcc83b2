import KubernetesCore

/// Starting, feeding and ending watches.
extension ObjectStore {
    /// How a watch request starts.
    enum WatchStart: Sendable {
        /// Live: events flow into the continuation until ``stopWatch(_:)``.
        case started(id: Int)
        /// The requested version is older than the history kept. The real server answers 200 and
        /// then one `ERROR` event carrying this 410 `Expired` status (the watch cache's
        /// `newErrWatcher`), which is what clients' relist logic expects.
        case expired(Status)
    }

    /// Registers a watch and queues its first events: for a `resourceVersion` of nil, `""` or
    /// `"0"`, a synthetic `ADDED` for every current object (ordered by namespace and name);
    /// otherwise every retained change newer than it.
    ///
    /// A version newer than the current one is accepted and simply waits for that version (the
    /// real server would wait up to a few seconds and then fail with 504).
    func startWatch(
        _ resource: ResourceKey, filter: ObjectFilter, resourceVersion requested: String?,
        continuation: AsyncStream<WatchFrame>.Continuation
    ) throws(FakeAPIError) -> WatchStart {
        guard let table = tables[resource] else { throw .resourceNotFound() }
        var after = resourceVersion
        switch requested {
        case nil, "", "0":
            for key in table.objects.keys.sorted() {
                guard let object = table.objects[key], filter.matches(object) else { continue }
                continuation.yield(
                    .line(WatchEventRecord.line(type: .added, objectBytes: object.serialized())))
            }
        case let text?:
            guard let version = Int64(text), version >= 0 else {
                throw .badRequest("invalid resource version: \(text)")
            }
            guard let events = table.history.events(after: version) else {
                return .expired(
                    FakeAPIError.expired("too old resource version: \(version) (\(table.history.floor + 1))").status)
            }
            for event in events {
                if let line = event.line(for: filter) { continuation.yield(.line(line)) }
            }
            after = max(after, version)
        }
        let id = watchers.add(
            WatchHub.Subscriber(
                resource: resource, registration: table.registration, filter: filter, after: after,
                continuation: continuation))
        return .started(id: id)
    }

    func stopWatch(_ id: Int) {
        watchers.remove(id)
    }

    /// Queues a BOOKMARK at the current resourceVersion. Safe because every earlier change has
    /// already been queued to the same watcher in this actor's order.
    func bookmark(_ id: Int) {
        watchers.bookmark(id, resourceVersion: resourceVersion)
    }
}
