extension LabelSelector {
    /// Parses the string form used by `kubectl -l`, the `labelSelector` query parameter and
    /// annotations: comma-separated requirements, all of which must hold.
    ///
    /// | form | meaning | becomes |
    /// |---|---|---|
    /// | `k=v`, `k==v` | label `k` is `v` | `matchLabels[k] = v` |
    /// | `k!=v` | `k` absent or not `v` | `NotIn [v]` |
    /// | `k in (a,b)` | `k` present and `a` or `b` | `In [a, b]` |
    /// | `k notin (a,b)` | `k` absent or neither | `NotIn [a, b]` |
    /// | `k` | `k` present | `Exists` |
    /// | `!k` | `k` absent | `DoesNotExist` |
    ///
    /// As in Kubernetes: whitespace around tokens is ignored; a value may be empty (`k=`,
    /// `k in (a,)`, `k in ()` all include the empty value); an empty (or all-blank) string is the
    /// selector that matches everything; keys and values are validated like ``LabelValidation``;
    /// `<` and `>` are refused (they exist only for node selectors).
    ///
    /// Unlike Kubernetes: `in` and `notin` are operators only after a key, so they can also be
    /// keys and values; and a repeated `k=v` with a different value is kept as an extra `In`
    /// requirement, so that the result still selects nothing (Kubernetes' conversion to
    /// `metav1.LabelSelector` silently keeps the last value).
    ///
    /// - Throws: ``LabelSelectorParseError`` with the input, position and reason.
    public init(parsing input: String) throws(LabelSelectorParseError) {
        var parser = LabelSelectorParser(input: input)
        self = try parser.parse()
    }
}

private struct LabelSelectorParser {
    enum Token: Equatable {
        case identifier(String)
        case bang, equals, doubleEquals, notEquals, openParenthesis, closeParenthesis, comma
        case lessThan, greaterThan
        case end

        var text: String? {
            switch self {
            case .identifier(let text): text
            case .bang: "!"
            case .equals: "="
            case .doubleEquals: "=="
            case .notEquals: "!="
            case .openParenthesis: "("
            case .closeParenthesis: ")"
            case .comma: ","
            case .lessThan: "<"
            case .greaterThan: ">"
            case .end: nil
            }
        }
    }

    let input: String
    private let characters: [Character]
    private var offset = 0
    private var tokenStart = 0
    private var matchLabels: [String: String] = [:]
    private var matchExpressions: [LabelSelectorRequirement] = []

    init(input: String) {
        self.input = input
        self.characters = Array(input)
    }

    mutating func parse() throws(LabelSelectorParseError) -> LabelSelector {
        if peek() == .end { return LabelSelector() }
        while true {
            try parseRequirement()
            switch next() {
            case .end:
                return LabelSelector(
                    matchLabels: matchLabels.isEmpty ? nil : matchLabels,
                    matchExpressions: matchExpressions.isEmpty ? nil : matchExpressions)
            case .comma: continue
            case let token: throw error(.expectedCommaOrEnd(found: token.text ?? ""))
            }
        }
    }

    private mutating func parseRequirement() throws(LabelSelectorParseError) {
        let token = next()
        if token == .bang {
            let key = try parseKey()
            add(LabelSelectorRequirement(key: key, operator: .doesNotExist))
            return
        }
        guard case .identifier(let key) = token else { throw error(.expectedKey(found: token.text)) }
        try validateKey(key)

        switch peek() {
        case .end, .comma:
            add(LabelSelectorRequirement(key: key, operator: .exists))
        case .equals, .doubleEquals:
            _ = next()
            let value = try parseExactValue()
            if let existing = matchLabels[key], existing != value {
                add(LabelSelectorRequirement(key: key, operator: .in, values: [value]))
            } else {
                matchLabels[key] = value
            }
        case .notEquals:
            _ = next()
            add(LabelSelectorRequirement(key: key, operator: .notIn, values: [try parseExactValue()]))
        case .identifier("in"):
            _ = next()
            add(LabelSelectorRequirement(key: key, operator: .in, values: try parseValueSet()))
        case .identifier("notin"):
            _ = next()
            add(LabelSelectorRequirement(key: key, operator: .notIn, values: try parseValueSet()))
        case .lessThan, .greaterThan:
            let token = next()
            throw error(.unsupportedOperator(token.text ?? ""))
        case let other:
            _ = next()
            throw error(.expectedOperator(found: other.text))
        }
    }

    private mutating func parseKey() throws(LabelSelectorParseError) -> String {
        let token = next()
        guard case .identifier(let key) = token else { throw error(.expectedKey(found: token.text)) }
        try validateKey(key)
        return key
    }

    /// The value after `=`, `==` or `!=`; empty when a comma or the end follows directly.
    private mutating func parseExactValue() throws(LabelSelectorParseError) -> String {
        switch peek() {
        case .end, .comma:
            return ""
        case .identifier(let value):
            _ = next()
            try validateValue(value)
            return value
        case let other:
            _ = next()
            throw error(.expectedValue(found: other.text))
        }
    }

    /// `( v1, v2, … )`, each value possibly empty; duplicates removed, first occurrence kept.
    private mutating func parseValueSet() throws(LabelSelectorParseError) -> [String] {
        let open = next()
        guard open == .openParenthesis else { throw error(.expectedOpeningParenthesis(found: open.text)) }
        var values: [String] = []
        func insert(_ value: String) {
            if !values.contains(value) { values.append(value) }
        }
        while true {
            var value = ""
            if case .identifier(let text) = peek() {
                _ = next()
                try validateValue(text)
                value = text
            }
            insert(value)
            switch next() {
            case .comma: continue
            case .closeParenthesis: return values
            case let other: throw error(.expectedValueOrClosingParenthesis(found: other.text))
            }
        }
    }

    private mutating func add(_ requirement: LabelSelectorRequirement) {
        matchExpressions.append(requirement)
    }

    private func validateKey(_ key: String) throws(LabelSelectorParseError) {
        if let problem = LabelValidation.labelKeyProblem(key) { throw error(.invalidKey(key, problem: problem)) }
    }

    private func validateValue(_ value: String) throws(LabelSelectorParseError) {
        if let problem = LabelValidation.labelValueProblem(value) {
            throw error(.invalidValue(value, problem: problem))
        }
    }

    private func error(_ reason: LabelSelectorParseError.Reason) -> LabelSelectorParseError {
        LabelSelectorParseError(input: input, position: tokenStart, reason: reason)
    }

    // MARK: Lexer

    private func peek() -> Token {
        var copy = self
        return copy.next()
    }

    /// Consumes the next token and records where it starts (for error positions).
    private mutating func next() -> Token {
        while offset < characters.count, characters[offset].isWhitespace { offset += 1 }
        tokenStart = offset
        guard offset < characters.count else { return .end }
        let character = characters[offset]
        offset += 1
        let followedByEquals = offset < characters.count && characters[offset] == "="
        switch character {
        case "!" where followedByEquals:
            offset += 1
            return .notEquals
        case "!": return .bang
        case "=" where followedByEquals:
            offset += 1
            return .doubleEquals
        case "=": return .equals
        case "(": return .openParenthesis
        case ")": return .closeParenthesis
        case ",": return .comma
        case "<": return .lessThan
        case ">": return .greaterThan
        default:
            while offset < characters.count, !Self.isDelimiter(characters[offset]) { offset += 1 }
            return .identifier(String(characters[tokenStart..<offset]))
        }
    }

    private static func isDelimiter(_ character: Character) -> Bool {
        character.isWhitespace || "!=(),<>".contains(character)
    }
}
