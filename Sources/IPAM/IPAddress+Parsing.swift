extension IPAddress {
    /// Parses an IPv4 address in dotted-decimal form or an IPv6 address in any
    /// RFC 4291 text form.
    ///
    /// Strict, like Go's `netip.ParseAddr`: IPv4 octets with leading zeros
    /// (`010`), values above 255, zones (`fe80::1%eth0`), more than one `::`
    /// and a `::` that stands for no group are all rejected. An IPv4-mapped
    /// IPv6 address (`::ffff:1.2.3.4`) parses as IPv6.
    public init(_ text: String) throws(IPAddressParseError) {
        self = try IPAddressParser(text).parseAddress()
    }

    /// Parses `text`, returning `nil` instead of throwing.
    public init?(parsing text: String) {
        guard let address = try? IPAddress(text) else { return nil }
        self = address
    }
}

/// A hand-written parser over the UTF-8 bytes of one input.
///
/// Why not `Scanner` or regular expressions: this target imports only the
/// standard library, and the exact error offset matters for messages.
struct IPAddressParser {
    let input: String
    let bytes: [UInt8]

    init(_ input: String) {
        self.input = input
        self.bytes = Array(input.utf8)
    }

    func failure(_ offset: Int, _ reason: IPAddressParseError.Reason) -> IPAddressParseError {
        IPAddressParseError(input: input, offset: offset, reason: reason)
    }

    func character(at offset: Int) -> Character {
        let index = input.utf8.index(input.utf8.startIndex, offsetBy: offset)
        return input[index...].first ?? "?"
    }

    func parseAddress() throws(IPAddressParseError) -> IPAddress {
        try parseAddress(in: 0..<bytes.count)
    }

    /// Parses the bytes in `span` as one address.
    func parseAddress(in span: Range<Int>) throws(IPAddressParseError) -> IPAddress {
        guard !span.isEmpty else { throw failure(span.lowerBound, .empty) }
        for offset in span {
            switch bytes[offset] {
            case UInt8(ascii: "%"): throw failure(offset, .zoneNotAllowed)
            case UInt8(ascii: ":"): return IPAddress(ipv6: try parseIPv6(in: span))
            case UInt8(ascii: "."): return IPAddress(ipv4: try parseIPv4(in: span))
            default: continue
            }
        }
        // Neither separator: report the first character that is not a digit,
        // or a malformed IPv4 address if it is all digits.
        for offset in span where !isDecimalDigit(bytes[offset]) {
            throw failure(offset, .unexpectedCharacter(character(at: offset)))
        }
        throw failure(span.upperBound, .wrongNumberOfOctets)
    }

    func parseIPv4(in span: Range<Int>) throws(IPAddressParseError) -> UInt32 {
        var value: UInt32 = 0
        var octets = 0
        var offset = span.lowerBound
        while true {
            let start = offset
            var octet: UInt32 = 0
            while offset < span.upperBound, isDecimalDigit(bytes[offset]) {
                if offset > start, bytes[start] == UInt8(ascii: "0") {
                    throw failure(start, .leadingZero)
                }
                octet = octet * 10 + UInt32(bytes[offset] - UInt8(ascii: "0"))
                if octet > 255 { throw failure(start, .octetOutOfRange) }
                offset += 1
            }
            if offset == start {
                if offset < span.upperBound {
                    throw failure(offset, .unexpectedCharacter(character(at: offset)))
                }
                throw failure(offset, .wrongNumberOfOctets)
            }
            value = value << 8 | octet
            octets += 1
            if offset == span.upperBound { break }
            guard bytes[offset] == UInt8(ascii: ".") else {
                if bytes[offset] == UInt8(ascii: "%") { throw failure(offset, .zoneNotAllowed) }
                throw failure(offset, .unexpectedCharacter(character(at: offset)))
            }
            if octets == 4 { throw failure(offset, .wrongNumberOfOctets) }
            offset += 1
        }
        guard octets == 4 else { throw failure(span.upperBound, .wrongNumberOfOctets) }
        return value
    }

    func parseIPv6(in span: Range<Int>) throws(IPAddressParseError) -> UInt128 {
        var groups: [UInt16] = []
        groups.reserveCapacity(8)
        var ellipsis: Int?  // index in `groups` where "::" stands
        var offset = span.lowerBound

        if span.count >= 2, bytes[offset] == UInt8(ascii: ":") {
            guard bytes[offset + 1] == UInt8(ascii: ":") else {
                throw failure(offset, .unexpectedCharacter(":"))
            }
            ellipsis = 0
            offset += 2
        } else if bytes[offset] == UInt8(ascii: ":") {
            throw failure(offset, .unexpectedCharacter(":"))
        }

        while offset < span.upperBound {
            let start = offset
            var group: UInt32 = 0
            while offset < span.upperBound, let digit = hexValue(bytes[offset]) {
                if offset - start == 4 { throw failure(start, .groupTooLong) }
                group = group << 4 | UInt32(digit)
                offset += 1
            }
            if offset < span.upperBound, bytes[offset] == UInt8(ascii: ".") {
                // Embedded IPv4: must be the last 32 bits of the address.
                guard groups.count <= 6 else { throw failure(start, .misplacedIPv4Suffix) }
                let ipv4 = try parseIPv4(in: start..<span.upperBound)
                groups.append(UInt16(ipv4 >> 16))
                groups.append(UInt16(ipv4 & 0xffff))
                offset = span.upperBound
                break
            }
            if offset == start {
                if offset < span.upperBound {
                    if bytes[offset] == UInt8(ascii: "%") { throw failure(offset, .zoneNotAllowed) }
                    throw failure(offset, .unexpectedCharacter(character(at: offset)))
                }
                throw failure(offset, .wrongNumberOfGroups)
            }
            groups.append(UInt16(group))
            if groups.count > 8 { throw failure(start, .wrongNumberOfGroups) }
            if offset == span.upperBound { break }
            switch bytes[offset] {
            case UInt8(ascii: ":"):
                offset += 1
                if offset < span.upperBound, bytes[offset] == UInt8(ascii: ":") {
                    guard ellipsis == nil else { throw failure(offset - 1, .multipleDoubleColons) }
                    ellipsis = groups.count
                    offset += 1
                } else if offset == span.upperBound {
                    throw failure(offset, .wrongNumberOfGroups)
                }
            case UInt8(ascii: "%"):
                throw failure(offset, .zoneNotAllowed)
            default:
                throw failure(offset, .unexpectedCharacter(character(at: offset)))
            }
        }

        if let ellipsis {
            guard groups.count < 8 else { throw failure(span.lowerBound, .doubleColonExpandsToNothing) }
            let zeros = [UInt16](repeating: 0, count: 8 - groups.count)
            groups.insert(contentsOf: zeros, at: ellipsis)
        } else if groups.count != 8 {
            throw failure(span.upperBound, .wrongNumberOfGroups)
        }
        var value: UInt128 = 0
        for group in groups { value = value << 16 | UInt128(group) }
        return value
    }

    /// Parses a decimal prefix length without sign or leading zeros.
    func parseLength(in span: Range<Int>, maximum: Int) throws(IPAddressParseError) -> Int {
        guard !span.isEmpty else { throw failure(span.lowerBound, .missingPrefixLength) }
        guard span.count <= 3, span.allSatisfy({ isDecimalDigit(bytes[$0]) }),
            span.count == 1 || bytes[span.lowerBound] != UInt8(ascii: "0")
        else { throw failure(span.lowerBound, .invalidPrefixLength) }
        let length = span.reduce(0) { $0 * 10 + Int(bytes[$1] - UInt8(ascii: "0")) }
        guard length <= maximum else { throw failure(span.lowerBound, .prefixLengthOutOfRange(maximum: maximum)) }
        return length
    }

    func firstOffset(of byte: UInt8) -> Int? {
        bytes.firstIndex(of: byte)
    }
}

@inline(__always)
func isDecimalDigit(_ byte: UInt8) -> Bool {
    byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
}

@inline(__always)
func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
}
