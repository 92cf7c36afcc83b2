import KubernetesCore

/// The open watches of the store, and the fan-out of each change to them.
///
/// Lives inside ``ObjectStore``'s isolation: a change is recorded and handed to every watcher in
/// the same step, so no watcher can miss an event between its initial replay and going live,
/// and each watcher sees events in resourceVersion order.
struct WatchHub: Sendable {
    struct Subscriber: Sendable {
        var resource: ResourceKey
        var registration: ResourceRegistration
        var filter: ObjectFilter
        /// Changes up to this version are not sent (the watch asked for newer ones).
        var after: Int64
        var continuation: AsyncStream<WatchFrame>.Continuation
    }

    private var subscribers: [Int: Subscriber] = [:]
    private var nextID = 0

    var count: Int { subscribers.count }

    mutating func add(_ subscriber: Subscriber) -> Int {
        nextID += 1
        subscribers[nextID] = subscriber
        return nextID
    }

    mutating func remove(_ id: Int) {
        subscribers[id]?.continuation.finish()
        subscribers[id] = nil
    }

    func publish(_ record: WatchEventRecord, resource: ResourceKey) {
        for subscriber in subscribers.values
        where subscriber.resource == resource && record.resourceVersion > subscriber.after {
            if let line = record.line(for: subscriber.filter) {
                subscriber.continuation.yield(.line(line))
            }
        }
    }

    /// Sends watcher `id` a BOOKMARK at `resourceVersion`.
    func bookmark(_ id: Int, resourceVersion: Int64) {
        guard let subscriber = subscribers[id] else { return }
        let object: JSONValue = [
            "apiVersion": .string(subscriber.registration.apiVersion),
            "kind": .string(subscriber.registration.kind),
            "metadata": ["resourceVersion": .string(String(resourceVersion))],
        ]
        subscriber.continuation.yield(.line(WatchEventRecord.line(type: .bookmark, objectBytes: object.serialized())))
    }

    /// Drops every watch; returns how many there were.
    mutating func dropAll() -> Int {
        let dropped = subscribers.count
        for subscriber in subscribers.values {
            subscriber.continuation.yield(.dropped)
            subscriber.continuation.finish()
        }
        subscribers.removeAll()
        return dropped
    }
}
