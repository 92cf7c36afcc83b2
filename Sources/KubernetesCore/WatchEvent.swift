/// One event of a watch stream (`metav1.WatchEvent`): one JSON object per line of the response.
///
/// - `added`, `modified`, `deleted` carry the object (for `deleted`, its last known state).
/// - `bookmark` carries only the resource version to resume from; the object in the payload is
///   a stub with nothing else that is reliable, so it is not decoded as `R`.
/// - `error` carries a ``Status``; code 410 (reason `Expired` or `Gone`) means the resource
///   version is too old and the caller must relist.
///
/// Not guaranteed: that events arrive for every intermediate state (the server may coalesce),
/// or that bookmarks arrive at all (they must be requested with `allowWatchBookmarks=true`,
/// and even then are best-effort).
public enum WatchEvent<R: Resource>: Sendable {
    /// An object was created, or existed when the watch began.
    case added(R)
    /// An object changed.
    case modified(R)
    /// An object was deleted.
    case deleted(R)
    /// The collection has reached `resourceVersion`; resume a later watch from it.
    case bookmark(resourceVersion: String)
    /// The watch failed with this status.
    case error(Status)

    /// The event's wire type.
    public var type: WatchEventType {
        switch self {
        case .added: .added
        case .modified: .modified
        case .deleted: .deleted
        case .bookmark: .bookmark
        case .error: .error
        }
    }

    /// The object of an `added`, `modified` or `deleted` event; `nil` for the others.
    public var object: R? {
        switch self {
        case .added(let object), .modified(let object), .deleted(let object): object
        case .bookmark, .error: nil
        }
    }
}

extension WatchEvent: Codable {
    private enum CodingKeys: String, CodingKey {
        case type, object
    }

    /// The object of a `BOOKMARK` event: only its metadata is read.
    private struct Bookmark: Decodable {
        var metadata: ObjectMeta
    }

    /// Decodes `{"type": …, "object": …}`.
    ///
    /// Throws when the type is unknown, the object does not decode as the type requires, or a
    /// bookmark has no `metadata.resourceVersion`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(WatchEventType.self, forKey: .type) {
        case .added: self = .added(try container.decode(R.self, forKey: .object))
        case .modified: self = .modified(try container.decode(R.self, forKey: .object))
        case .deleted: self = .deleted(try container.decode(R.self, forKey: .object))
        case .error: self = .error(try container.decode(Status.self, forKey: .object))
        case .bookmark:
            let bookmark = try container.decode(Bookmark.self, forKey: .object)
            guard let resourceVersion = bookmark.metadata.resourceVersion else {
                throw DecodingError.dataCorruptedError(
                    forKey: .object, in: container,
                    debugDescription: "BOOKMARK event without metadata.resourceVersion")
            }
            self = .bookmark(resourceVersion: resourceVersion)
        }
    }

    /// Encodes as the API server does; a bookmark's object is `apiVersion`, `kind` and
    /// `metadata.resourceVersion` of `R`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        switch self {
        case .added(let object), .modified(let object), .deleted(let object):
            try container.encode(object, forKey: .object)
        case .error(let status):
            try container.encode(status, forKey: .object)
        case .bookmark(let resourceVersion):
            try container.encode(BookmarkStub<R>(resourceVersion: resourceVersion), forKey: .object)
        }
    }
}

extension WatchEvent: Equatable where R: Equatable {}
extension WatchEvent: Hashable where R: Hashable {}

/// The object of an encoded `BOOKMARK` event.
private struct BookmarkStub<R: Resource>: Encodable {
    var resourceVersion: String

    private enum CodingKeys: String, CodingKey {
        case metadata
    }

    func encode(to encoder: any Encoder) throws {
        try R.typeMeta.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(ObjectMeta(resourceVersion: resourceVersion), forKey: .metadata)
    }
}

extension WatchEvent: JSONReadable where R: JSONReadable {
    /// Reads `{"type": …, "object": …}` with `R`'s reader. The API server writes `type` first,
    /// so the object is read in place; when it comes first, it is read after the type is known.
    ///
    /// `ERROR` events throw, to be decoded by `init(from:)` (``Status`` has no reader: errors
    /// are rare and end the watch anyway).
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        var type: WatchEventType?
        var event: WatchEvent?
        var objectFirst: JSONReader?
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "type":
                type = try reader.readRawValue(WatchEventType.self)
            case "object":
                if let type {
                    event = try Self.read(type, object: &reader)
                } else {
                    objectFirst = try reader.captureValue()
                }
            default:
                try reader.skipValue()
            }
        }
        guard let type else { throw reader.failure("a watch event without a type") }
        if event == nil, var object = objectFirst {
            event = try Self.read(type, object: &object)
            try object.expectEnd()
        }
        guard let event else { throw reader.failure("a watch event without an object") }
        self = event
    }

    private static func read(_ type: WatchEventType, object reader: inout JSONReader) throws(JSONReadError) -> Self {
        switch type {
        case .added: .added(try R(json: &reader))
        case .modified: .modified(try R(json: &reader))
        case .deleted: .deleted(try R(json: &reader))
        case .bookmark:
            try .bookmark(resourceVersion: BookmarkObject(json: &reader).resourceVersion)
        case .error:
            throw reader.failure("an ERROR event is decoded as a Status by init(from:)")
        }
    }
}

/// The object of a `BOOKMARK` event: only `metadata.resourceVersion` is read.
private struct BookmarkObject: JSONReadable {
    var resourceVersion: String

    init(json reader: inout JSONReader) throws(JSONReadError) {
        var metadata: ObjectMeta?
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "metadata": metadata = try ObjectMeta(json: &reader)
            default: try reader.skipValue()
            }
        }
        guard let resourceVersion = metadata?.resourceVersion else {
            throw reader.failure("BOOKMARK event without metadata.resourceVersion")
        }
        self.resourceVersion = resourceVersion
    }
}
