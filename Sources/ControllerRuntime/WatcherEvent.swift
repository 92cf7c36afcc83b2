public import KubernetesCore

/// What a ``Watcher`` reports to its consumer.
///
/// The consumer's view of the collection is the last ``relisted(_:)`` with every later event
/// applied in order. A relisting replaces the view entirely: an object held before and absent
/// from it was deleted while nobody watched (its deletion event was never seen), and the
/// consumer must treat it as deleted — ``Store`` does, and reports it as a deletion.
public enum WatcherEvent<R: Resource>: Sendable {
    /// The complete collection at one resourceVersion (the initial listing, or a relisting
    /// after the watch could not resume).
    case relisted([R])
    /// An object was added or changed.
    case applied(R)
    /// An object was deleted; its last known state.
    case deleted(R)
}
