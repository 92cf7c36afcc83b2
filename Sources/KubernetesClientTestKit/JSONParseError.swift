/// Why a request body is not JSON: the byte offset of the first problem and what it is.
public struct JSONParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Byte offset into the input.
    public var offset: Int
    /// What was wrong there.
    public var reason: String

    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "invalid JSON at byte \(offset): \(reason)" }
}
