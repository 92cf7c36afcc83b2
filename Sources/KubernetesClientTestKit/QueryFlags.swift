/// Reading query parameters the way the API server's conversion does.
enum QueryFlags {
    /// `true`, `1` (and Go's other `ParseBool` spellings) are true; anything else is false.
    static func isTrue(_ value: String?) -> Bool {
        switch value {
        case "1", "t", "T", "true", "TRUE", "True": true
        default: false
        }
    }

    /// An optional non-negative integer parameter; a malformed one is a 400.
    static func integer(_ value: String?, name: String) throws(FakeAPIError) -> Int? {
        guard let value, !value.isEmpty else { return nil }
        guard let number = Int(value), number >= 0 else {
            throw .badRequest("invalid value for \(name): \(value)")
        }
        return number
    }
}
