import KubernetesCore

/// One change in a resource's history: what watchers are sent, and what late watchers replay.
struct WatchEventRecord: Sendable {
    var resourceVersion: Int64
    var type: WatchEventType
    /// The object after the change (for `DELETED`, its last state).
    var object: JSONValue
    /// The object before the change, for `MODIFIED`: a watch with a selector turns a change into
    /// `ADDED` or `DELETED` when the object starts or stops matching, as the watch cache does.
    var previous: JSONValue?
    /// `object` serialised once, shared by every watcher.
    var objectBytes: [UInt8]

    init(resourceVersion: Int64, type: WatchEventType, object: JSONValue, previous: JSONValue? = nil) {
        self.resourceVersion = resourceVersion
        self.type = type
        self.object = object
        self.previous = previous
        self.objectBytes = object.serialized()
    }

    /// The event line a watcher with `filter` receives, or `nil` when the change is invisible to it.
    func line(for filter: ObjectFilter) -> [UInt8]? {
        let matchesNow = filter.matches(object)
        let sentType: WatchEventType
        switch type {
        case .modified:
            let matchedBefore = previous.map(filter.matches) ?? false
            switch (matchedBefore, matchesNow) {
            case (true, true): sentType = .modified
            case (false, true): sentType = .added
            case (true, false): sentType = .deleted
            case (false, false): return nil
            }
        default:
            guard matchesNow else { return nil }
            sentType = type
        }
        return Self.line(type: sentType, objectBytes: objectBytes)
    }

    /// `{"type":"…","object":…}` and a newline: the type first, as the API server writes it.
    static func line(type: WatchEventType, objectBytes: [UInt8]) -> [UInt8] {
        var line: [UInt8] = []
        line.reserveCapacity(objectBytes.count + 32)
        line.append(contentsOf: #"{"type":""#.utf8)
        line.append(contentsOf: type.rawValue.utf8)
        line.append(contentsOf: #"","object":"#.utf8)
        line.append(contentsOf: objectBytes)
        line.append(contentsOf: "}\n".utf8)
        return line
    }
}
