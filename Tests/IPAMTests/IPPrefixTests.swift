import Testing

@testable import IPAM

@Suite("IPPrefix")
struct IPPrefixTests {
    @Test(arguments: [
        ("0.0.0.0/0", "0.0.0.0", 0, "255.255.255.255"),
        ("128.0.0.0/1", "128.0.0.0", 1, "255.255.255.255"),
        ("10.0.0.0/8", "10.0.0.0", 8, "10.255.255.255"),
        ("10.10.0.0/24", "10.10.0.0", 24, "10.10.0.255"),
        ("10.10.0.0/30", "10.10.0.0", 30, "10.10.0.3"),
        ("10.10.0.2/31", "10.10.0.2", 31, "10.10.0.3"),
        ("10.10.0.7/32", "10.10.0.7", 32, "10.10.0.7"),
        ("255.255.255.255/32", "255.255.255.255", 32, "255.255.255.255"),
        ("::/0", "::", 0, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("8000::/1", "8000::", 1, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("2001:db8::/32", "2001:db8::", 32, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"),
        ("fd00::/64", "fd00::", 64, "fd00::ffff:ffff:ffff:ffff"),
        ("fd00:10::/120", "fd00:10::", 120, "fd00:10::ff"),
        ("fd00::2/127", "fd00::2", 127, "fd00::3"),
        ("fd00::1/128", "fd00::1", 128, "fd00::1"),
        (
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 128,
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"
        ),
        ("::ffff:10.0.0.0/104", "::ffff:10.0.0.0", 104, "::ffff:10.255.255.255"),
        ("2001:DB8::/32", "2001:db8::", 32, "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"),
    ])
    func valid(text: String, address: String, length: Int, last: String) throws {
        let prefix = try IPPrefix(text)
        #expect(prefix.address == addr(address))
        #expect(prefix.length == length)
        #expect(prefix.family == addr(address).family)
        #expect(prefix.lastAddress == addr(last))
        #expect(prefix.range == IPRange(first: addr(address), last: addr(last)))
        #expect(prefix.description == "\(address)/\(length)")
        #expect(try IPPrefix(prefix.description) == prefix)
        #expect(IPPrefix(parsing: text) == prefix)
        #expect(prefix.contains(prefix.address))
        #expect(prefix.contains(prefix.lastAddress))
    }

    @Test func ipv6WholeSpaceEndsAtAllOnes() throws {
        let all = try IPPrefix("::/0")
        #expect(all.lastAddress.value == UInt128.max)
        #expect(try IPPrefix("0.0.0.0/0").lastAddress.value == 0xffff_ffff)
    }

    typealias Reason = IPAddressParseError.Reason

    @Test(arguments: [
        ("10.10.0.7/24", Reason.hostBitsSet(suggestion: "10.10.0.0/24"), 0),
        ("10.10.0.1/31", .hostBitsSet(suggestion: "10.10.0.0/31"), 0),
        ("10.0.0.0/0", .hostBitsSet(suggestion: "0.0.0.0/0"), 0),
        ("fd00::1/64", .hostBitsSet(suggestion: "fd00::/64"), 0),
        ("fd00::1/127", .hostBitsSet(suggestion: "fd00::/127"), 0),
        ("10.0.0.0/33", .prefixLengthOutOfRange(maximum: 32), 9),
        ("10.0.0.0/999", .prefixLengthOutOfRange(maximum: 32), 9),
        ("::/129", .prefixLengthOutOfRange(maximum: 128), 3),
        ("10.0.0.0/024", .invalidPrefixLength, 9),
        ("10.0.0.0/00", .invalidPrefixLength, 9),
        ("10.0.0.0/1000", .invalidPrefixLength, 9),
        ("10.0.0.0/-1", .invalidPrefixLength, 9),
        ("10.0.0.0/+8", .invalidPrefixLength, 9),
        ("10.0.0.0/8 ", .invalidPrefixLength, 9),
        ("10.0.0.0/x", .invalidPrefixLength, 9),
        ("10.0.0.0/24/8", .invalidPrefixLength, 9),
        ("10.0.0.0/", .missingPrefixLength, 9),
        ("10.0.0.0", .missingPrefixLength, 8),
        ("fd00::", .missingPrefixLength, 6),
        ("", .empty, 0),
        ("/24", .empty, 0),
        ("010.0.0.0/8", .leadingZero, 0),
        ("fe80::%eth0/64", .zoneNotAllowed, 6),
        ("10.0.0.0-10.0.0.3", .missingPrefixLength, 17),
        ("1::2::/64", .multipleDoubleColons, 4),
    ])
    func invalid(text: String, reason: Reason, offset: Int) {
        let error = failure { () throws(IPAddressParseError) in try IPPrefix(text) }
        #expect(error?.reason == reason, "\(text)")
        #expect(error?.offset == offset, "\(text)")
        #expect(error?.input == text)
        #expect(IPPrefix(parsing: text) == nil)
    }

    @Test(arguments: [
        ("10.10.0.7", 24, "10.10.0.0/24"),
        ("10.10.0.7", 32, "10.10.0.7/32"),
        ("10.10.0.7", 0, "0.0.0.0/0"),
        ("255.255.255.255", 1, "128.0.0.0/1"),
        ("fd00::1234", 112, "fd00::/112"),
        ("fd00::1", 128, "fd00::1/128"),
        ("ffff::1", 0, "::/0"),
    ])
    func containingMasksHostBits(address: String, length: Int, expected: String) {
        #expect(IPPrefix(containing: addr(address), length: length) == prefix(expected))
    }

    @Test(arguments: [
        ("10.10.0.0/24", "10.10.0.0", true),
        ("10.10.0.0/24", "10.10.0.255", true),
        ("10.10.0.0/24", "10.10.0.128", true),
        ("10.10.0.0/24", "10.10.1.0", false),
        ("10.10.0.0/24", "10.9.255.255", false),
        ("10.10.0.0/24", "::ffff:10.10.0.1", false),
        ("10.10.0.0/24", "::a0a:1", false),
        ("0.0.0.0/0", "255.255.255.255", true),
        ("0.0.0.0/0", "::", false),
        ("::/0", "0.0.0.0", false),
        ("::/0", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", true),
        ("10.0.0.1/32", "10.0.0.1", true),
        ("10.0.0.1/32", "10.0.0.0", false),
        ("10.0.0.1/32", "10.0.0.2", false),
        ("fd00::/127", "fd00::1", true),
        ("fd00::/127", "fd00::2", false),
        ("fd00::5/128", "fd00::5", true),
        ("fd00::5/128", "fd00::4", false),
        ("::ffff:0.0.0.0/96", "::ffff:1.2.3.4", true),
        ("::ffff:0.0.0.0/96", "1.2.3.4", false),
    ])
    func contains(prefix text: String, address: String, expected: Bool) {
        #expect(prefix(text).contains(addr(address)) == expected)
    }

    @Test(arguments: [
        ("10.0.0.0/8", "10.1.0.0/16", true),
        ("10.0.0.0/24", "10.0.1.0/24", false),
        ("10.0.0.0/24", "10.0.0.0/24", true),
        ("10.0.0.0/31", "10.0.0.1/32", true),
        ("10.0.0.0/31", "10.0.0.2/32", false),
        ("0.0.0.0/0", "255.255.255.255/32", true),
        ("0.0.0.0/0", "::/0", false),
        ("::/0", "fd00::/8", true),
        ("fd00::/127", "fd00::2/127", false),
        ("::/96", "::ffff:0.0.0.0/96", false),
    ])
    func overlaps(a: String, b: String, expected: Bool) {
        #expect(prefix(a).overlaps(prefix(b)) == expected)
        #expect(prefix(b).overlaps(prefix(a)) == expected)
    }

    /// Overlap and containment against explicit address sets in a small universe.
    @Test func overlapsMatchesBruteForce() {
        var random = SplitMix64(seed: 0x0ae1)
        func randomPrefix() -> IPPrefix {
            let length = random.int(24...32)
            return IPPrefix(containing: IPAddress(ipv4: 0x0a00_0000 | UInt32(random.int(0..<256))), length: length)
        }
        func members(_ p: IPPrefix) -> Set<UInt128> { Set(p.address.value...p.lastAddress.value) }
        for iteration in 0..<500 {
            let a = randomPrefix()
            let b = randomPrefix()
            #expect(a.overlaps(b) == !members(a).isDisjoint(with: members(b)), "iteration \(iteration): \(a) \(b)")
            let probe = IPAddress(ipv4: 0x0a00_0000 | UInt32(random.int(0..<256)))
            #expect(a.contains(probe) == members(a).contains(probe.value), "iteration \(iteration): \(a) \(probe)")
            #expect(UInt128(members(a).count) == a.lastAddress.value - a.address.value + 1)
        }
    }

    @Test func ordering() {
        let sorted = ["fd00::/64", "10.0.0.0/24", "10.0.0.0/8", "9.0.0.0/8", "::/0"].map(prefix).sorted()
        #expect(sorted.map(\.description) == ["9.0.0.0/8", "10.0.0.0/8", "10.0.0.0/24", "::/0", "fd00::/64"])
    }
}
