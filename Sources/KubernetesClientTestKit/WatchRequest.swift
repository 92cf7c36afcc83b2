/// A watch the router accepted, for the connection to stream.
struct WatchRequest: Sendable {
    var resource: ResourceKey
    var filter: ObjectFilter
    var resourceVersion: String?
    var allowBookmarks: Bool
    var timeout: Duration?
}
