/// A parsed `fieldSelector` query: comma-separated `path=value`, `path==value` or `path!=value`
/// terms, all of which must hold.
///
/// A field that is absent in the object has the value `""` (so `spec.nodeName=` selects Pods
/// that are not scheduled), as in Kubernetes' `fields.Set`. Numbers and booleans compare by their
/// JSON text. Backslash escapes (`\,`, `\=`) are not supported: values cannot contain `,` `=` `!`.
struct FieldSelector: Sendable, Hashable {
    struct Requirement: Sendable, Hashable {
        var path: String
        var value: String
        var negated: Bool
    }

    var requirements: [Requirement]

    /// Parses `text`, refusing fields outside `allowedFields` as the API server does
    /// (`field label not supported: …`, 400).
    init(parsing text: String, allowedFields: Set<String>) throws(FakeAPIError) {
        requirements = []
        // Like `fields.ParseSelector`: no whitespace trimming, so `a=b, c=d` asks for field " c".
        for term in text.split(separator: ",", omittingEmptySubsequences: true) {
            let requirement: Requirement
            if let range = term.range(of: "!=") {
                requirement = Requirement(
                    path: String(term[..<range.lowerBound]), value: String(term[range.upperBound...]), negated: true)
            } else if let range = term.range(of: "==") {
                requirement = Requirement(
                    path: String(term[..<range.lowerBound]), value: String(term[range.upperBound...]), negated: false)
            } else if let range = term.range(of: "=") {
                requirement = Requirement(
                    path: String(term[..<range.lowerBound]), value: String(term[range.upperBound...]), negated: false)
            } else {
                throw .badRequest("invalid field selector \"\(text)\": \"\(term)\" is not a field requirement")
            }
            guard !requirement.path.isEmpty else {
                throw .badRequest("invalid field selector \"\(text)\": empty field name")
            }
            guard allowedFields.contains(requirement.path) else {
                throw .badRequest("field label not supported: \(requirement.path)")
            }
            requirements.append(requirement)
        }
    }

    func matches(_ object: JSONValue) -> Bool {
        requirements.allSatisfy { requirement in
            (Self.text(of: object.value(atPath: requirement.path)) == requirement.value) != requirement.negated
        }
    }

    /// The value a field selector compares against.
    static func text(of value: JSONValue?) -> String {
        switch value {
        case .none, .null: ""
        case .string(let text): text
        case .some(let other): other.description
        }
    }
}
