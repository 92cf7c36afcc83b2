/// The `type` of a watch event, as Kubernetes spells it.
public enum WatchEventType: String, Codable, Hashable, Sendable, CaseIterable {
    /// An object was created (or, at the start of a watch, already existed).
    case added = "ADDED"
    /// An object changed.
    case modified = "MODIFIED"
    /// An object was deleted; the event carries its last state.
    case deleted = "DELETED"
    /// A progress marker carrying only a resource version.
    case bookmark = "BOOKMARK"
    /// The watch failed; the event carries a ``Status``.
    case error = "ERROR"
}
