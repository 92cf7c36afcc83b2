import Testing

@testable import IPAM

@Suite("IPRange")
struct IPRangeTests {
    @Test(arguments: [
        ("10.0.0.1-10.0.0.5", "10.0.0.1", "10.0.0.5"),
        ("10.0.0.5-10.0.0.5", "10.0.0.5", "10.0.0.5"),
        ("0.0.0.0-255.255.255.255", "0.0.0.0", "255.255.255.255"),
        ("fd00::1-fd00::ff", "fd00::1", "fd00::ff"),
        ("FD00::1-fd00:0:0:0:0:0:0:ff", "fd00::1", "fd00::ff"),
        ("::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
    ])
    func valid(text: String, first: String, last: String) throws {
        let range = try IPRange(text)
        #expect(range.first == addr(first))
        #expect(range.last == addr(last))
        #expect(range.family == addr(first).family)
        #expect(range.values == addr(first).value...addr(last).value)
        #expect(try IPRange(addressRangeOrPrefix: text) == range)
    }

    typealias Reason = IPAddressParseError.Reason

    @Test(arguments: [
        ("10.0.0.5-10.0.0.1", Reason.rangeReversed, 9),
        ("fd00::2-fd00::1", .rangeReversed, 8),
        ("10.0.0.1-::1", .mixedFamilies, 9),
        ("::1-10.0.0.1", .mixedFamilies, 4),
        ("10.0.0.1-::ffff:10.0.0.2", .mixedFamilies, 9),
        ("10.0.0.1", .missingRangeSeparator, 8),
        ("", .empty, 0),
        ("10.0.0.1-", .empty, 9),
        ("-10.0.0.1", .empty, 0),
        ("10.0.0.1-10.0.0.2-10.0.0.3", .unexpectedCharacter("-"), 17),
        ("10.0.0.1 - 10.0.0.2", .unexpectedCharacter(" "), 8),
        ("10.0.0.01-10.0.0.2", .leadingZero, 7),
        ("10.0.0.1-10.0.0.02", .leadingZero, 16),
    ])
    func invalid(text: String, reason: Reason, offset: Int) {
        let error = failure { () throws(IPAddressParseError) in try IPRange(text) }
        #expect(error?.reason == reason, "\(text)")
        #expect(error?.offset == offset, "\(text)")
        #expect(error?.input == text)
    }

    @Test func checkedInitializer() {
        #expect(IPRange(first: addr("10.0.0.1"), last: addr("10.0.0.2")) != nil)
        #expect(IPRange(first: addr("10.0.0.1"), last: addr("10.0.0.1")) == IPRange(addr("10.0.0.1")))
        #expect(IPRange(first: addr("10.0.0.2"), last: addr("10.0.0.1")) == nil)
        #expect(IPRange(first: addr("10.0.0.1"), last: addr("::ffff:10.0.0.2")) == nil)
        #expect(IPRange(first: addr("::1"), last: addr("10.0.0.2")) == nil)
    }

    @Test(arguments: [
        ("10.10.0.1", "10.10.0.1", "10.10.0.1"),
        ("10.10.0.200-10.10.0.254", "10.10.0.200", "10.10.0.254"),
        ("10.10.0.64/28", "10.10.0.64", "10.10.0.79"),
        ("10.10.0.9/32", "10.10.0.9", "10.10.0.9"),
        ("fd00::/126", "fd00::", "fd00::3"),
        ("fd00::7", "fd00::7", "fd00::7"),
        ("fd00::7-fd00::9", "fd00::7", "fd00::9"),
        ("::/0", "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
    ])
    func addressRangeOrPrefix(text: String, first: String, last: String) throws {
        let range = try IPRange(addressRangeOrPrefix: text)
        #expect(range.first == addr(first))
        #expect(range.last == addr(last))
    }

    @Test(arguments: [
        ("10.10.0.7/28", Reason.hostBitsSet(suggestion: "10.10.0.0/28")),
        ("10.10.0.0/33", .prefixLengthOutOfRange(maximum: 32)),
        ("10.10.0.9-10.10.0.1", .rangeReversed),
        ("10.10.0.256", .octetOutOfRange),
        ("", .empty),
        ("fe80::1%eth0", .zoneNotAllowed),
    ])
    func addressRangeOrPrefixRejects(text: String, reason: Reason) {
        let error = failure { () throws(IPAddressParseError) in try IPRange(addressRangeOrPrefix: text) }
        #expect(error?.reason == reason, "\(text)")
        #expect(error?.input == text)
    }

    @Test func containsAndDescription() {
        let r = range("10.0.0.10-10.0.0.20")
        #expect(r.contains(addr("10.0.0.10")))
        #expect(r.contains(addr("10.0.0.15")))
        #expect(r.contains(addr("10.0.0.20")))
        #expect(!r.contains(addr("10.0.0.9")))
        #expect(!r.contains(addr("10.0.0.21")))
        #expect(!r.contains(addr("::ffff:10.0.0.15")))
        #expect(!r.contains(IPAddress(ipv6: 0x0a00_000f)))
        #expect(r.description == "10.0.0.10-10.0.0.20")
        #expect(range("10.0.0.7").description == "10.0.0.7")
        #expect(range("FD00::0001-fd00::00ff").description == "fd00::1-fd00::ff")
        #expect(range("10.0.0.64/30").description == "10.0.0.64-10.0.0.67")
        for text in ["10.0.0.10-10.0.0.20", "10.0.0.7", "fd00::1-fd00::ff"] {
            #expect(range(range(text).description) == range(text))
        }
    }

    @Test func ordering() {
        let sorted = ["fd00::1", "10.0.0.2-10.0.0.9", "10.0.0.2-10.0.0.3", "10.0.0.1-10.0.0.200"].map(range).sorted()
        #expect(
            sorted.map(\.description) == ["10.0.0.1-10.0.0.200", "10.0.0.2-10.0.0.3", "10.0.0.2-10.0.0.9", "fd00::1"])
    }
}
