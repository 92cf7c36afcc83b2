/// Why a string is not an IP address, prefix or range.
///
/// Carries the whole input and the offset (in UTF-8 bytes) where the problem
/// was found, so that a message can point at it.
public struct IPAddressParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What was wrong with the input.
    public enum Reason: Hashable, Sendable {
        case empty
        case unexpectedCharacter(Character)
        case leadingZero
        case octetOutOfRange
        case wrongNumberOfOctets
        case groupTooLong
        case wrongNumberOfGroups
        case multipleDoubleColons
        case doubleColonExpandsToNothing
        case misplacedIPv4Suffix
        case zoneNotAllowed
        case missingPrefixLength
        case invalidPrefixLength
        case prefixLengthOutOfRange(maximum: Int)
        /// The prefix has bits set after its length; `suggestion` is the prefix that was probably meant.
        case hostBitsSet(suggestion: String)
        case missingRangeSeparator
        case mixedFamilies
        case rangeReversed
    }

    /// The complete input that failed to parse.
    public let input: String
    /// Byte offset into `input` where the problem was noticed.
    public let offset: Int
    /// What was wrong.
    public let reason: Reason

    public init(input: String, offset: Int, reason: Reason) {
        self.input = input
        self.offset = offset
        self.reason = reason
    }

    public var description: String {
        let what: String
        switch reason {
        case .empty: what = "empty string"
        case .unexpectedCharacter(let c): what = "unexpected character \(String(reflecting: String(c)))"
        case .leadingZero: what = "IPv4 octet has a leading zero (ambiguous: octal or decimal?)"
        case .octetOutOfRange: what = "IPv4 octet greater than 255"
        case .wrongNumberOfOctets: what = "IPv4 address must have exactly 4 octets"
        case .groupTooLong: what = "IPv6 group has more than 4 hex digits"
        case .wrongNumberOfGroups: what = "IPv6 address must have 8 groups, or fewer with one \"::\""
        case .multipleDoubleColons: what = "IPv6 address has more than one \"::\""
        case .doubleColonExpandsToNothing: what = "\"::\" must stand for at least one zero group"
        case .misplacedIPv4Suffix: what = "embedded IPv4 address must be the last 32 bits"
        case .zoneNotAllowed: what = "zones (%…) are not allowed here"
        case .missingPrefixLength: what = "missing \"/length\""
        case .invalidPrefixLength: what = "prefix length must be a decimal number without leading zeros"
        case .prefixLengthOutOfRange(let maximum): what = "prefix length must be between 0 and \(maximum)"
        case .hostBitsSet(let suggestion): what = "host bits are set; did you mean \(suggestion)?"
        case .missingRangeSeparator: what = "range must be written FIRST-LAST"
        case .mixedFamilies: what = "range mixes IPv4 and IPv6"
        case .rangeReversed: what = "range end is before its start"
        }
        return "invalid \(String(reflecting: input)) at offset \(offset): \(what)"
    }
}
