public import KubernetesCore

/// One change a ``Store`` applied, as handed to ``Reflector`` subscribers.
public enum StoreChange<R: Resource>: Sendable {
    /// The object appeared.
    case added(R)
    /// The object changed (its resourceVersion differs).
    case updated(old: R, new: R)
    /// The object was deleted — seen in a watch event, or absent from a relisting. The value is
    /// its last known state.
    case deleted(R)

    /// The object after the change (for deletions, its last state).
    public var object: R {
        switch self {
        case .added(let object), .updated(_, let object), .deleted(let object): object
        }
    }

    /// The object before the change; `nil` for additions.
    public var oldObject: R? {
        switch self {
        case .added: nil
        case .updated(let old, _): old
        case .deleted(let object): object
        }
    }
}
