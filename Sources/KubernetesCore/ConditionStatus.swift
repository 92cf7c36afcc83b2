/// The status of a ``Condition``: `True`, `False` or `Unknown`, as Kubernetes spells them.
public enum ConditionStatus: String, Codable, Hashable, Sendable, CaseIterable {
    /// The condition holds.
    case `true` = "True"
    /// The condition does not hold.
    case `false` = "False"
    /// The controller cannot tell (yet).
    case unknown = "Unknown"
}
