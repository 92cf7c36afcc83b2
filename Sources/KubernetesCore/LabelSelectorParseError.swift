/// Why a string is not a label selector, and where: thrown by ``LabelSelector/init(parsing:)``.
///
/// `position` is the 0-based offset, in `Character`s, of the token at fault in `input` (equal to
/// the input's length when the input ended too early).
public struct LabelSelectorParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong. `found` is the offending token's text, or `nil` at the end of the input.
    public enum Reason: Hashable, Sendable {
        /// A label key (or `!key`) was expected.
        case expectedKey(found: String?)
        /// After a key, one of `=`, `==`, `!=`, `in`, `notin`, `,` or the end was expected.
        case expectedOperator(found: String?)
        /// After `=`, `==` or `!=`, a value (possibly empty) was expected.
        case expectedValue(found: String?)
        /// After `in` or `notin`, `(` was expected.
        case expectedOpeningParenthesis(found: String?)
        /// Inside a value list, a value, `,` or `)` was expected.
        case expectedValueOrClosingParenthesis(found: String?)
        /// After a complete requirement, `,` or the end of the input was expected.
        case expectedCommaOrEnd(found: String)
        /// `<` or `>`: numeric comparisons exist only in node selectors, not `metav1.LabelSelector`.
        case unsupportedOperator(String)
        /// The key is not a valid label key; `problem` says why.
        case invalidKey(String, problem: String)
        /// The value is not a valid label value; `problem` says why.
        case invalidValue(String, problem: String)
    }

    /// The text that failed to parse.
    public var input: String
    /// The 0-based `Character` offset of the fault in `input`.
    public var position: Int
    /// What is wrong.
    public var reason: Reason

    /// Creates an error.
    public init(input: String, position: Int, reason: Reason) {
        self.input = input
        self.position = position
        self.reason = reason
    }

    /// A one-line message such as `invalid label selector "a in b" at position 5: expected '(' …`.
    public var description: String {
        "invalid label selector \"\(input)\" at position \(position): \(detail)"
    }

    private var detail: String {
        func show(_ token: String?) -> String { token.map { "'\($0)'" } ?? "end of input" }
        switch reason {
        case .expectedKey(let found): return "expected a label key, found \(show(found))"
        case .expectedOperator(let found):
            return "expected '=', '==', '!=', 'in', 'notin', ',' or end of input, found \(show(found))"
        case .expectedValue(let found): return "expected a label value, found \(show(found))"
        case .expectedOpeningParenthesis(let found): return "expected '(', found \(show(found))"
        case .expectedValueOrClosingParenthesis(let found):
            return "expected a label value, ',' or ')', found \(show(found))"
        case .expectedCommaOrEnd(let found): return "expected ',' or end of input, found \(show(found))"
        case .unsupportedOperator(let token):
            return "operator '\(token)' is not supported in label selectors"
        case .invalidKey(_, let problem): return problem
        case .invalidValue(_, let problem): return problem
        }
    }
}
