/// One set-based requirement of a ``LabelSelector`` (`metav1.LabelSelectorRequirement`), such as
/// `zone In (a, b)` or `legacy DoesNotExist`.
///
/// Validity (``LabelSelector/validate(at:)``): `In` and `NotIn` need at least one value, `Exists`
/// and `DoesNotExist` none; the key must be a valid label key and every value a valid label value.
public struct LabelSelectorRequirement: Codable, Hashable, Sendable {
    /// How a requirement relates a label's key and values.
    ///
    /// Operators other than the four of `metav1` are kept as ``other(_:)`` instead of failing to
    /// decode, so that one bad selector in a custom resource does not break decoding of a whole
    /// list; such a selector is reported by validation and matches nothing.
    public enum Operator: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
        /// The label is present and its value is one of `values`.
        case `in`
        /// The label is absent, or its value is none of `values`.
        case notIn
        /// The label is present, whatever its value.
        case exists
        /// The label is absent.
        case doesNotExist
        /// An operator `metav1.LabelSelector` does not define (such as `Gt`); never matches.
        case other(String)

        /// Maps the Kubernetes spelling (`In`, `NotIn`, `Exists`, `DoesNotExist`); case-sensitive.
        public init(rawValue: String) {
            switch rawValue {
            case "In": self = .in
            case "NotIn": self = .notIn
            case "Exists": self = .exists
            case "DoesNotExist": self = .doesNotExist
            default: self = .other(rawValue)
            }
        }

        /// The Kubernetes spelling.
        public var rawValue: String {
            switch self {
            case .in: "In"
            case .notIn: "NotIn"
            case .exists: "Exists"
            case .doesNotExist: "DoesNotExist"
            case .other(let value): value
            }
        }

        /// The Kubernetes spelling.
        public var description: String { rawValue }
    }

    /// The label key the requirement applies to.
    public var key: String
    /// The relation between the key and `values`.
    public var `operator`: Operator
    /// The values for `In`/`NotIn`; must be `nil` or empty for `Exists`/`DoesNotExist`.
    public var values: [String]?

    /// Creates a requirement.
    public init(key: String, operator: Operator, values: [String]? = nil) {
        self.key = key
        self.operator = `operator`
        self.values = values
    }

    /// The requirement's verdict on `labels`, assuming it is valid (the caller checks).
    func matchesAssumingValid(_ labels: [String: String]) -> Bool {
        let value = labels[key]
        switch self.operator {
        case .in: return value.map { (values ?? []).contains($0) } ?? false
        case .notIn: return value.map { !(values ?? []).contains($0) } ?? true
        case .exists: return value != nil
        case .doesNotExist: return value == nil
        case .other: return false
        }
    }
}

extension LabelSelectorRequirement: JSONReadable {
    /// `key` and `operator` are required; any operator string is kept (see ``Operator/other(_:)``).
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        var key: String?
        var `operator`: Operator?
        var values: [String]?
        try reader.beginObject()
        while let member = try reader.nextKey() {
            switch member {
            case "key": key = try String(json: &reader)
            case "operator": `operator` = Operator(rawValue: try reader.readString())
            case "values": values = try [String]?(json: &reader)
            default: try reader.skipValue()
            }
        }
        guard let key, let `operator` else { throw reader.failure("a label selector requirement needs key and operator") }
        self.init(key: key, operator: `operator`, values: values)
    }
}
