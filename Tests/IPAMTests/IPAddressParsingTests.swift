import Testing

@testable import IPAM

@Suite("IPAddress parsing")
struct IPAddressParsingTests {
    // MARK: Valid forms

    static let validCases: [(String, IPAddress.Family, UInt128)] = [
        ("0.0.0.0", .ipv4, 0),
        ("255.255.255.255", .ipv4, 0xffff_ffff),
        ("10.10.0.1", .ipv4, 0x0a0a_0001),
        ("1.2.3.4", .ipv4, 0x0102_0304),
        ("192.168.100.200", .ipv4, 0xc0a8_64c8),
        ("0.0.0.255", .ipv4, 0xff),
        ("::", .ipv6, 0),
        ("::1", .ipv6, 1),
        ("1::", .ipv6, UInt128(1) << 112),
        ("1::1", .ipv6, UInt128(1) << 112 | 1),
        ("2001:db8::1", .ipv6, UInt128(0x2001_0db8) << 96 | 1),
        ("2001:DB8::1", .ipv6, UInt128(0x2001_0db8) << 96 | 1),
        ("2001:0db8:0000:0000:0000:0000:0000:0001", .ipv6, UInt128(0x2001_0db8) << 96 | 1),
        ("fd00:10::2", .ipv6, UInt128(0xfd00_0010) << 96 | 2),
        ("1:2:3:4:5:6:7:8", .ipv6, 0x0001_0002_0003_0004_0005_0006_0007_0008),
        ("1:2:3:4:5:6::8", .ipv6, 0x0001_0002_0003_0004_0005_0006_0000_0008),
        ("::2:3:4:5:6:7:8", .ipv6, 0x0000_0002_0003_0004_0005_0006_0007_0008),
        ("1:2:3:4:5:6:7::", .ipv6, 0x0001_0002_0003_0004_0005_0006_0007_0000),
        ("0:0:0:0:0:0:0:0", .ipv6, 0),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", .ipv6, .max),
        ("FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF:FFFF", .ipv6, .max),
        ("fe80::1:2", .ipv6, UInt128(0xfe80) << 112 | 0x0001_0002),
        ("::ffff:1.2.3.4", .ipv6, 0xffff_0102_0304),
        ("::FFFF:1.2.3.4", .ipv6, 0xffff_0102_0304),
        ("::1.2.3.4", .ipv6, 0x0102_0304),
        ("1:2:3:4:5:6:1.2.3.4", .ipv6, 0x0001_0002_0003_0004_0005_0006_0102_0304),
        ("64:ff9b::192.0.2.33", .ipv6, UInt128(0x0064_ff9b) << 96 | 0xc000_0221),
    ]

    @Test(arguments: validCases)
    func valid(text: String, family: IPAddress.Family, value: UInt128) throws {
        let address = try IPAddress(text)
        #expect(address.family == family)
        #expect(address.value == value)
        #expect(IPAddress(parsing: text) == address)
    }

    @Test func ipv4MappedStaysIPv6() throws {
        let mapped = try IPAddress("::ffff:1.2.3.4")
        #expect(mapped.family == .ipv6)
        #expect(mapped.isIPv4Mapped)
        #expect(mapped.description == "::ffff:1.2.3.4")
        #expect(mapped != IPAddress(ipv4: 0x0102_0304))
        #expect(mapped != (try IPAddress("1.2.3.4")))
        #expect(try IPAddress("0:0:0:0:0:ffff:0102:0304") == mapped)
        #expect(try IPAddress("::ffff:102:304") == mapped)
    }

    // MARK: Rejections

    typealias Reason = IPAddressParseError.Reason

    static let invalidCases: [(String, Reason, Int)] = [
        // Leading zeros (octal or decimal?)
        ("010.0.0.1", .leadingZero, 0),
        ("1.2.3.04", .leadingZero, 6),
        ("00.0.0.0", .leadingZero, 0),
        ("1.2.00.4", .leadingZero, 4),
        ("::01.2.3.4", .leadingZero, 2),
        // Octets above 255
        ("256.0.0.1", .octetOutOfRange, 0),
        ("1.2.3.256", .octetOutOfRange, 6),
        ("1.2.3.1000", .octetOutOfRange, 6),
        ("1.999.3.4", .octetOutOfRange, 2),
        ("::ffff:1.2.3.256", .octetOutOfRange, 13),
        // Three or five octets
        ("1.2.3", .wrongNumberOfOctets, 5),
        ("1.2.3.4.5", .wrongNumberOfOctets, 7),
        ("1.2.3.4.", .wrongNumberOfOctets, 7),
        ("1.2.3.", .wrongNumberOfOctets, 6),
        ("1234", .wrongNumberOfOctets, 4),
        ("::1.2.3", .wrongNumberOfOctets, 7),
        ("1..2.3", .unexpectedCharacter("."), 2),
        (".1.2.3", .unexpectedCharacter("."), 0),
        // Empty
        ("", .empty, 0),
        // Zones
        ("fe80::1%eth0", .zoneNotAllowed, 7),
        ("1.2.3.4%x", .zoneNotAllowed, 7),
        ("fe80::%1", .zoneNotAllowed, 6),
        ("%eth0", .zoneNotAllowed, 0),
        ("1.2%3.4", .zoneNotAllowed, 3),
        // "::" twice, too many colons, "::" standing for nothing
        ("1::2::3", .multipleDoubleColons, 4),
        ("::1::", .multipleDoubleColons, 3),
        (":::", .unexpectedCharacter(":"), 2),
        ("1:::2", .unexpectedCharacter(":"), 3),
        ("1:2:3:4:5:6:7:8:9", .wrongNumberOfGroups, 16),
        ("1:2:3:4:5:6:7:8::", .doubleColonExpandsToNothing, 0),
        ("::1:2:3:4:5:6:7:8", .doubleColonExpandsToNothing, 0),
        ("1:2:3:4::5:6:7:8", .doubleColonExpandsToNothing, 0),
        ("1:2:3:4:5:6::1.2.3.4", .doubleColonExpandsToNothing, 0),
        ("1:2:3:4:5:6:7", .wrongNumberOfGroups, 13),
        ("1:2", .wrongNumberOfGroups, 3),
        ("1:2:3:4:5:1.2.3.4", .wrongNumberOfGroups, 17),
        // Group of five hex digits
        ("12345::", .groupTooLong, 0),
        ("1:12345::", .groupTooLong, 2),
        ("::00000", .groupTooLong, 2),
        // Trailing and leading single colon
        ("1:2:3:4:5:6:7:", .wrongNumberOfGroups, 14),
        ("1::2:", .wrongNumberOfGroups, 5),
        (":1:2:3:4:5:6:7", .unexpectedCharacter(":"), 0),
        (":1::", .unexpectedCharacter(":"), 0),
        (":", .unexpectedCharacter(":"), 0),
        // IPv4 suffix not in the last 32 bits
        ("1:2:3:4:5:6:7:1.2.3.4", .misplacedIPv4Suffix, 14),
        ("1:2:3:4:5:6:7::1.2.3.4", .misplacedIPv4Suffix, 15),
        ("::1.2.3.4:5", .unexpectedCharacter(":"), 9),
        ("1.2.3.4::", .unexpectedCharacter(":"), 7),
        ("::ab.1.2.3", .unexpectedCharacter("a"), 2),
        // Non-ASCII and other stray characters
        ("1.2.3.é", .unexpectedCharacter("é"), 6),
        ("fe80::é", .unexpectedCharacter("é"), 6),
        ("１.2.3.4", .unexpectedCharacter("１"), 0),
        ("١٢٣", .unexpectedCharacter("١"), 0),
        ("fe80::1\u{200B}", .unexpectedCharacter("\u{200B}"), 7),
        ("1.2.3.4 ", .unexpectedCharacter(" "), 7),
        (" 1.2.3.4", .unexpectedCharacter(" "), 0),
        ("fe80::1 ", .unexpectedCharacter(" "), 7),
        ("g::1", .unexpectedCharacter("g"), 0),
        ("abc", .unexpectedCharacter("a"), 0),
        ("0x1.2.3.4", .unexpectedCharacter("x"), 1),
        ("-1.2.3.4", .unexpectedCharacter("-"), 0),
        ("+1.2.3.4", .unexpectedCharacter("+"), 0),
        ("1.2.3.4/24", .unexpectedCharacter("/"), 7),
        ("[::1]", .unexpectedCharacter("["), 0),
    ]

    @Test(arguments: invalidCases)
    func invalid(text: String, reason: Reason, offset: Int) {
        let error = failure { () throws(IPAddressParseError) in try IPAddress(text) }
        #expect(error?.reason == reason, "\(text.debugDescription)")
        #expect(error?.offset == offset, "\(text.debugDescription)")
        #expect(error?.input == text)
        #expect(IPAddress(parsing: text) == nil)
    }

    // MARK: Against a slow, obviously correct parser

    /// Mutates valid addresses (in several spellings) at random and checks that
    /// the parser accepts exactly what a slow string-splitting parser accepts,
    /// with the same value, and that every error offset lies inside the input.
    @Test func agreesWithSlowParser() {
        var random = SplitMix64(seed: 0x5eed_0001)
        let alphabet: [String] = ["0", "1", "9", "a", "f", "F", "g", ":", ":", ".", ".", "%", "::", "é", " ", "00"]
        var accepted = 0
        for iteration in 0..<4000 {
            var text = Self.randomSpelling(&random)
            for _ in 0..<random.int(0...2) {
                var characters = Array(text)
                let position = random.int(0...characters.count)
                switch random.int(0..<3) {
                case 0: characters.insert(contentsOf: random.pick(alphabet), at: position)
                case 1 where !characters.isEmpty: characters.remove(at: min(position, characters.count - 1))
                default:
                    if !characters.isEmpty {
                        characters.replaceSubrange(
                            min(position, characters.count - 1)...min(position, characters.count - 1),
                            with: random.pick(alphabet)
                        )
                    }
                }
                text = String(characters)
            }
            let expected = SlowParser.parse(text)
            switch Result(catching: { () throws(IPAddressParseError) in try IPAddress(text) }) {
            case .success(let address):
                accepted += 1
                #expect(address == expected, "iteration \(iteration): \(text.debugDescription)")
            case .failure(let error):
                #expect(expected == nil, "iteration \(iteration): \(text.debugDescription) rejected: \(error)")
                #expect((0...text.utf8.count).contains(error.offset), "\(text.debugDescription)")
                #expect(error.input == text)
            }
        }
        // Both outcomes must be common, or the comparison proves little.
        #expect((1000...3000).contains(accepted), "accepted \(accepted) of 4000")
    }

    /// A valid address, spelled canonically or in one of the other legal ways.
    static func randomSpelling(_ random: inout SplitMix64) -> String {
        if random.chance(35) {
            let value = UInt32(truncatingIfNeeded: random.next())
            return IPAddress(ipv4: random.chance(30) ? value & 0xff00_00ff : value).description
        }
        var groups = (0..<8).map { _ in UInt16(truncatingIfNeeded: random.next()) }
        for index in groups.indices where random.chance(50) { groups[index] = 0 }
        if random.chance(20) { groups[0..<6] = [0, 0, 0, 0, 0, 0xffff] }
        let value = groups.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
        let address = IPAddress(ipv6: value)
        switch random.int(0..<4) {
        case 0: return address.description
        case 1: return address.description.uppercased()
        case 2: return groups.map { String($0, radix: 16) }.joined(separator: ":")
        default:
            let hex = groups[0..<6].map { String($0, radix: 16) }.joined(separator: ":")
            return hex + ":" + IPAddress.formatIPv4(UInt32(truncatingIfNeeded: value))
        }
    }
}

/// Parses by splitting strings, the way the RFCs describe the text forms.
/// Slow and simple; knows nothing about offsets or error reasons.
enum SlowParser {
    static func parse(_ text: String) -> IPAddress? {
        let bytes = Array(text.utf8)
        if bytes.contains(UInt8(ascii: ":")) {
            return parseIPv6(bytes).map(IPAddress.init(ipv6:))
        }
        return parseIPv4(bytes).map(IPAddress.init(ipv4:))
    }

    static func parseIPv4(_ bytes: [UInt8]) -> UInt32? {
        let parts = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard (1...3).contains(part.count),
                part.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                part.count == 1 || part.first != UInt8(ascii: "0"),
                let octet = UInt32(String(decoding: part, as: UTF8.self)), octet <= 255
            else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    /// Hex groups of one side of "::" (or of the whole address).
    static func groups(_ bytes: ArraySlice<UInt8>, allowIPv4Suffix: Bool) -> [UInt16]? {
        if bytes.isEmpty { return [] }
        let parts = bytes.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        var groups: [UInt16] = []
        for (index, part) in parts.enumerated() {
            if index == parts.count - 1, allowIPv4Suffix, part.contains(UInt8(ascii: ".")) {
                guard let ipv4 = parseIPv4(Array(part)) else { return nil }
                groups += [UInt16(ipv4 >> 16), UInt16(ipv4 & 0xffff)]
                continue
            }
            let hexDigits = Array("0123456789abcdefABCDEF".utf8)
            guard (1...4).contains(part.count), part.allSatisfy(hexDigits.contains),
                let group = UInt16(String(decoding: part, as: UTF8.self), radix: 16)
            else { return nil }
            groups.append(group)
        }
        return groups
    }

    static func parseIPv6(_ bytes: [UInt8]) -> UInt128? {
        // Find every "::" (overlapping ones too, so ":::" counts twice).
        let doubleColons = bytes.indices.dropLast().filter {
            bytes[$0] == UInt8(ascii: ":") && bytes[$0 + 1] == UInt8(ascii: ":")
        }
        let all: [UInt16]
        switch doubleColons.count {
        case 0:
            guard let groups = groups(bytes[...], allowIPv4Suffix: true), groups.count == 8 else { return nil }
            all = groups
        case 1:
            let at = doubleColons[0]
            guard let left = groups(bytes[..<at], allowIPv4Suffix: false),
                let right = groups(bytes[(at + 2)...], allowIPv4Suffix: true),
                left.count + right.count < 8
            else { return nil }
            all = left + Array(repeating: 0, count: 8 - left.count - right.count) + right
        default:
            return nil
        }
        return all.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }
}
