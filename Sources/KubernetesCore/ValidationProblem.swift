/// One thing wrong with a value, located by its field path (like apimachinery's `field.Error`).
///
/// `field` is a path in Kubernetes notation relative to what was validated, prefixed by whatever
/// path the caller passed in: `spec.poolSelector.matchExpressions[0].values`,
/// `metadata.labels[team]`. `message` is a sentence for humans; neither is meant to be parsed.
public struct ValidationProblem: Hashable, Sendable, CustomStringConvertible {
    /// Where the problem is, e.g. `spec.poolSelector.matchLabels[tier]`.
    public var field: String
    /// What is wrong.
    public var message: String

    /// Creates a problem report.
    public init(field: String, message: String) {
        self.field = field
        self.message = message
    }

    /// `field: message`.
    public var description: String { "\(field): \(message)" }
}
