/// A label query over a set of objects (`metav1.LabelSelector`): `matchLabels` equalities and
/// set-based `matchExpressions`, all of which must hold.
///
/// Semantics, as Kubernetes defines them:
/// - An empty selector (no labels, no expressions) matches every object.
/// - `matchLabels` entries and `matchExpressions` are ANDed.
/// - `NotIn` and `DoesNotExist` match when the key is absent; `In` and `Exists` do not.
/// - An invalid selector (see ``validate(at:)``) matches nothing. Kubernetes refuses to convert
///   such a selector, and its callers treat that as "select nothing"; doing the same here keeps
///   a typo from granting access to everything.
///
/// Note that a *missing* selector field means whatever the field's API says (in `metav1` nil
/// selects nothing, in this project's APIs an absent selector usually means "all"); that choice
/// belongs to the caller holding the `Optional`.
///
/// The string form (``description``, ``init(parsing:)``) is the one of `kubectl -l` and the
/// `labelSelector` query parameter: `tier=web,env!=dev,zone in (a,b),!legacy,gpu`.
public struct LabelSelector: Codable, Hashable, Sendable {
    /// Labels that must be present with exactly these values.
    public var matchLabels: [String: String]?
    /// Set-based requirements that must all hold.
    public var matchExpressions: [LabelSelectorRequirement]?

    /// Creates a selector; with no arguments, one that matches everything.
    public init(matchLabels: [String: String]? = nil, matchExpressions: [LabelSelectorRequirement]? = nil) {
        self.matchLabels = matchLabels
        self.matchExpressions = matchExpressions
    }

    /// Whether the selector has no requirements and so matches every object.
    public var isEmpty: Bool {
        (matchLabels ?? [:]).isEmpty && (matchExpressions ?? []).isEmpty
    }

    /// Whether an object with these labels is selected; `false` for an invalid selector.
    public func matches(_ labels: [String: String]) -> Bool {
        guard validate().isEmpty else { return false }
        for (key, value) in matchLabels ?? [:] where labels[key] != value {
            return false
        }
        return (matchExpressions ?? []).allSatisfy { $0.matchesAssumingValid(labels) }
    }

    /// Everything that makes this selector invalid, in a stable order; empty when it is valid.
    ///
    /// Checks: label keys and `matchLabels` values are syntactically valid (``LabelValidation``);
    /// operators are one of `In`, `NotIn`, `Exists`, `DoesNotExist`; `In`/`NotIn` have values,
    /// `Exists`/`DoesNotExist` have none; every value is a valid label value.
    ///
    /// - Parameter path: the selector's field path, prefixed to each problem's `field`
    ///   (e.g. `spec.poolSelector`); empty for paths relative to the selector.
    public func validate(at path: String = "") -> [ValidationProblem] {
        let prefix = path.isEmpty ? "" : path + "."
        var problems: [ValidationProblem] = []
        for (key, value) in (matchLabels ?? [:]).sorted(by: { $0.key < $1.key }) {
            let field = "\(prefix)matchLabels[\(key)]"
            if let problem = LabelValidation.labelKeyProblem(key) {
                problems.append(ValidationProblem(field: field, message: problem))
            }
            if let problem = LabelValidation.labelValueProblem(value) {
                problems.append(ValidationProblem(field: field, message: problem))
            }
        }
        for (index, requirement) in (matchExpressions ?? []).enumerated() {
            let field = "\(prefix)matchExpressions[\(index)]"
            if let problem = LabelValidation.labelKeyProblem(requirement.key) {
                problems.append(ValidationProblem(field: field + ".key", message: problem))
            }
            let values = requirement.values ?? []
            switch requirement.operator {
            case .in, .notIn:
                if values.isEmpty {
                    problems.append(
                        ValidationProblem(
                            field: field + ".values",
                            message: "must be specified when operator is \(requirement.operator)"))
                }
            case .exists, .doesNotExist:
                if !values.isEmpty {
                    problems.append(
                        ValidationProblem(
                            field: field + ".values",
                            message: "may not be specified when operator is \(requirement.operator)"))
                }
            case .other(let name):
                problems.append(
                    ValidationProblem(
                        field: field + ".operator",
                        message: "unsupported operator \"\(name)\"; must be In, NotIn, Exists or DoesNotExist"))
            }
            for (valueIndex, value) in values.enumerated() {
                if let problem = LabelValidation.labelValueProblem(value) {
                    problems.append(ValidationProblem(field: "\(field).values[\(valueIndex)]", message: problem))
                }
            }
        }
        return problems
    }
}

extension LabelSelector: CustomStringConvertible {
    /// The string form, as Kubernetes' `labels.Selector.String()` renders it: requirements sorted
    /// by key, set values sorted, e.g. `env notin (dev),gpu,!legacy,tier=web,zone in (a,b)`.
    ///
    /// Empty for the empty selector. Parsing the result with ``init(parsing:)`` gives a selector
    /// that selects the same objects, provided this one is valid; for an invalid selector the
    /// text is for diagnostics only.
    public var description: String {
        var parts: [(key: String, text: String)] = []
        for (key, value) in matchLabels ?? [:] {
            parts.append((key, "\(key)=\(value)"))
        }
        for requirement in matchExpressions ?? [] {
            let key = requirement.key
            let values = Set(requirement.values ?? []).sorted().joined(separator: ",")
            switch requirement.operator {
            case .in: parts.append((key, "\(key) in (\(values))"))
            case .notIn: parts.append((key, "\(key) notin (\(values))"))
            case .exists: parts.append((key, key))
            case .doesNotExist: parts.append((key, "!\(key)"))
            case .other(let name): parts.append((key, "\(key) \(name) (\(values))"))
            }
        }
        return parts.enumerated()
            .sorted { ($0.element.key, $0.offset) < ($1.element.key, $1.offset) }
            .map(\.element.text)
            .joined(separator: ",")
    }
}

extension LabelSelector: JSONReadable {
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self.init()
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "matchLabels": matchLabels = try [String: String]?(json: &reader)
            case "matchExpressions": matchExpressions = try [LabelSelectorRequirement]?(json: &reader)
            default: try reader.skipValue()
            }
        }
    }
}
