import Testing

@testable import IPAM

@Suite("IPAddress formatting")
struct IPAddressFormattingTests {
    // MARK: RFC 5952

    @Test(arguments: [
        ("0.0.0.0", "0.0.0.0"),
        ("10.10.0.42", "10.10.0.42"),
        ("255.255.255.255", "255.255.255.255"),
        ("0:0:0:0:0:0:0:0", "::"),
        ("0:0:0:0:0:0:0:1", "::1"),
        ("1:0:0:0:0:0:0:0", "1::"),
        ("1:0:0:0:0:0:0:1", "1::1"),
        ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
        ("2001:db8::1", "2001:db8::1"),
        ("ABCD:EF01:2345:6789:ABCD:EF01:2345:6789", "abcd:ef01:2345:6789:abcd:ef01:2345:6789"),
        ("2001:0db8:00a0:000b:0c00:d000:0001:0010", "2001:db8:a0:b:c00:d000:1:10"),
        // A single zero group is not compressed.
        ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("2001:db8::1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),
        ("0:1:0:1:0:1:0:1", "0:1:0:1:0:1:0:1"),
        ("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0"),
        ("1:2:3:4:5:6:7:0", "1:2:3:4:5:6:7:0"),
        // The longest run wins; the first on a tie.
        ("2001:0:0:1:0:0:0:1", "2001:0:0:1::1"),
        ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),
        ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),
        ("0:0:1:0:0:1:0:0", "::1:0:0:1:0:0"),
        ("1:0:0:1:0:0:1:1", "1::1:0:0:1:1"),
        ("1:1:0:0:0:1:0:0", "1:1::1:0:0"),
        ("0:0:0:1:0:0:0:0", "0:0:0:1::"),
        ("fd00:10:0:0:0:0:0:2", "fd00:10::2"),
        // IPv4-mapped addresses in mixed notation, other embeddings not.
        ("0:0:0:0:0:ffff:0102:0304", "::ffff:1.2.3.4"),
        ("::ffff:0:0", "::ffff:0.0.0.0"),
        ("::FFFF:255.255.255.255", "::ffff:255.255.255.255"),
        ("::1.2.3.4", "::102:304"),
        ("::fffe:1.2.3.4", "::fffe:102:304"),
        ("1::ffff:1.2.3.4", "1::ffff:102:304"),
    ])
    func canonicalText(input: String, canonical: String) throws {
        let address = try IPAddress(input)
        #expect(address.description == canonical)
        #expect(try IPAddress(canonical) == address)
        #expect(try IPAddress(address.description).description == canonical)
    }

    /// Random values, with many zero groups so that every compression case occurs.
    @Test func roundTripRandomIPv6() throws {
        var random = SplitMix64(seed: 0x5952)
        for iteration in 0..<5000 {
            var groups = (0..<8).map { _ in UInt16(truncatingIfNeeded: random.next()) }
            let zeroChance = random.pick([0, 30, 60, 90])
            for index in groups.indices where random.chance(zeroChance) { groups[index] = 0 }
            for index in groups.indices where random.chance(20) { groups[index] &= 0x00ff }
            let value = iteration < 100 ? random.next128() : groups.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
            let address = IPAddress(ipv6: value)
            let text = address.description
            #expect(try IPAddress(text) == address, "seed 0x5952 iteration \(iteration): \(text)")
            #expect(text == Self.slowRFC5952(value), "seed 0x5952 iteration \(iteration)")
        }
    }

    @Test func roundTripRandomIPv4() throws {
        var random = SplitMix64(seed: 0x0404)
        for iteration in 0..<2000 {
            let address = IPAddress(ipv4: UInt32(truncatingIfNeeded: random.next()))
            let octets = (0..<4).map { String((address.value >> (24 - 8 * UInt128($0))) & 0xff) }
            #expect(address.description == octets.joined(separator: "."), "iteration \(iteration)")
            #expect(try IPAddress(address.description) == address, "iteration \(iteration)")
        }
    }

    /// RFC 5952 section 4, written from the text of the RFC: try every zero run.
    static func slowRFC5952(_ value: UInt128) -> String {
        let groups = (0..<8).map { UInt16(truncatingIfNeeded: value >> UInt128(112 - 16 * $0)) }
        if groups[0..<5].allSatisfy({ $0 == 0 }), groups[5] == 0xffff {
            let v4 = (0..<4).map { String((value >> UInt128(24 - 8 * $0)) & 0xff) }.joined(separator: ".")
            return "::ffff:" + v4
        }
        var best: Range<Int>?
        for start in 0..<8 {
            for end in stride(from: start + 2, through: 8, by: 1) where groups[start..<end].allSatisfy({ $0 == 0 }) {
                if end - start > (best?.count ?? 1) { best = start..<end }
            }
        }
        let hex = { (range: Range<Int>) in groups[range].map { String($0, radix: 16) }.joined(separator: ":") }
        guard let best else { return hex(0..<8) }
        return hex(0..<best.lowerBound) + "::" + hex(best.upperBound..<8)
    }

    // MARK: Lease names

    @Test(arguments: [
        ("10.10.0.42", "10.10.0.42"),
        ("0.0.0.0", "0.0.0.0"),
        ("255.255.255.255", "255.255.255.255"),
        ("fd00:10::2", "fd00-0010-0000-0000-0000-0000-0000-0002"),
        ("::", "0000-0000-0000-0000-0000-0000-0000-0000"),
        ("::1", "0000-0000-0000-0000-0000-0000-0000-0001"),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", "ffff-ffff-ffff-ffff-ffff-ffff-ffff-ffff"),
        ("2001:DB8::ABCD", "2001-0db8-0000-0000-0000-0000-0000-abcd"),
        ("::ffff:1.2.3.4", "0000-0000-0000-0000-0000-ffff-0102-0304"),
        ("1:22:333:4444:a:bb:ccc:dddd", "0001-0022-0333-4444-000a-00bb-0ccc-dddd"),
    ])
    func leaseName(address: String, name: String) throws {
        let parsed = try IPAddress(address)
        #expect(parsed.leaseName == name)
        #expect(IPAddress(leaseName: name) == parsed)
    }

    @Test(arguments: [
        "FD00-0010-0000-0000-0000-0000-0000-0002",  // uppercase
        "fd00-0010-0000-0000-0000-0000-0000-000A",  // one uppercase digit
        "fd00-0010-0000-0000-0000-0000-0002",  // 7 groups
        "fd00-0010-0000-0000-0000-0000-0000-0002-0000",  // 9 groups
        "fd00-0010-0000-0000-0000-0000-0000-0002-",
        "-fd00-0010-0000-0000-0000-0000-0000-0002",
        "fd00-10-0-0-0-0-0-2",  // not fixed width
        "fd00-0010-0000-0000-0000-0000-0000-00002",  // five digits
        "fd00-0010-0000-0000-0000-0000-0000-000g",
        "fd00-0010-0000-0000-0000-0000-0000-+002",
        "fd00-0010-0000-0000-0000-0000-0000-000é",
        "fd00:10::2",  // the address, not its lease name
        "fd00:0010:0000:0000:0000:0000:0000:0002",
        "::1",
        "",
        "010.0.0.1",
        "10.0.0",
        "10.0.0.1.",
        "10-0-0-1",
    ])
    func invalidLeaseName(name: String) {
        #expect(IPAddress(leaseName: name) == nil)
    }

    /// Every lease name is a valid Kubernetes object name and maps back to its address.
    @Test func leaseNameRoundTrip() {
        var random = SplitMix64(seed: 0x1ea5e)
        for iteration in 0..<3000 {
            let address =
                random.chance(30)
                ? IPAddress(ipv4: UInt32(truncatingIfNeeded: random.next()))
                : IPAddress(ipv6: random.chance(50) ? random.next128() : random.next128() & 0xffff_0000_ffff_0000_00ff)
            let name = address.leaseName
            #expect(IPAddress(leaseName: name) == address, "iteration \(iteration): \(name)")
            #expect(name.utf8.allSatisfy { Array("0123456789abcdef.-".utf8).contains($0) }, "\(name)")
            if address.family == .ipv6 {
                #expect(name.utf8.count == 39)
            }
        }
    }
}
