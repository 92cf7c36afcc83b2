public import KubernetesCore

/// Everything wrong with one object, each problem naming its field.
///
/// Validation collects every problem instead of stopping at the first, so a
/// person fixes a manifest in one round.
public struct ValidationFailure: Error, Hashable, Sendable, CustomStringConvertible {
    public let problems: [ValidationProblem]

    public init(_ problems: [ValidationProblem]) {
        self.problems = problems
    }

    public var description: String {
        problems.map(\.description).joined(separator: "; ")
    }
}
