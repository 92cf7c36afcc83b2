import Testing

@testable import IPAM

@Suite("IPAddressParseError")
struct IPAddressParseErrorTests {
    static let reasons: [IPAddressParseError.Reason] = [
        .empty, .unexpectedCharacter("x"), .leadingZero, .octetOutOfRange, .wrongNumberOfOctets,
        .groupTooLong, .wrongNumberOfGroups, .multipleDoubleColons, .doubleColonExpandsToNothing,
        .misplacedIPv4Suffix, .zoneNotAllowed, .missingPrefixLength, .invalidPrefixLength,
        .prefixLengthOutOfRange(maximum: 32), .hostBitsSet(suggestion: "10.10.0.0/24"),
        .missingRangeSeparator, .mixedFamilies, .rangeReversed,
    ]

    @Test func descriptionNamesInputOffsetAndReason() {
        let error = IPAddressParseError(input: "1.2.3.04", offset: 6, reason: .leadingZero)
        #expect(error.description.hasPrefix(#"invalid "1.2.3.04" at offset 6: "#))
        #expect(error.description.contains("leading zero"))
    }

    @Test func everyReasonHasItsOwnMessage() {
        let messages = Self.reasons.map {
            IPAddressParseError(input: "x", offset: 0, reason: $0).description
        }
        #expect(Set(messages).count == Self.reasons.count)
    }

    @Test func messagesCarryTheirPayload() {
        func message(_ reason: IPAddressParseError.Reason) -> String {
            IPAddressParseError(input: "in", offset: 1, reason: reason).description
        }
        #expect(message(.hostBitsSet(suggestion: "10.10.0.0/24")).contains("did you mean 10.10.0.0/24?"))
        #expect(message(.prefixLengthOutOfRange(maximum: 128)).contains("between 0 and 128"))
        #expect(message(.unexpectedCharacter("%")).contains(#""%""#))
        // The input is quoted and escaped, so control characters cannot garble a log line.
        #expect(IPAddressParseError(input: "a\nb", offset: 1, reason: .empty).description.contains(#""a\nb""#))
    }

    @Test func equalityCoversEveryField() {
        let base = IPAddressParseError(input: "1.2.3", offset: 5, reason: .wrongNumberOfOctets)
        #expect(base == IPAddressParseError(input: "1.2.3", offset: 5, reason: .wrongNumberOfOctets))
        #expect(base != IPAddressParseError(input: "1.2.4", offset: 5, reason: .wrongNumberOfOctets))
        #expect(base != IPAddressParseError(input: "1.2.3", offset: 4, reason: .wrongNumberOfOctets))
        #expect(base != IPAddressParseError(input: "1.2.3", offset: 5, reason: .empty))
    }

    /// What a caller sees from `throws`: the typed error itself.
    @Test func parsersThrowIt() {
        let error = failure { () throws(IPAddressParseError) in try IPAddress("1.2.3") }
        #expect(error == IPAddressParseError(input: "1.2.3", offset: 5, reason: .wrongNumberOfOctets))
    }
}
