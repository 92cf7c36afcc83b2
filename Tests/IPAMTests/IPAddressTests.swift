import Testing

@testable import IPAM

@Suite("IPAddress")
struct IPAddressTests {
    @Test func familyProperties() {
        #expect(IPAddress.Family.ipv4.bitWidth == 32)
        #expect(IPAddress.Family.ipv6.bitWidth == 128)
        #expect(IPAddress.Family.ipv4.maxValue == 0xffff_ffff)
        #expect(IPAddress.Family.ipv6.maxValue == UInt128.max)
        #expect(IPAddress.Family.ipv4.description == "IPv4")
        #expect(IPAddress.Family.ipv6.description == "IPv6")
        #expect(IPAddress.Family.ipv4 < .ipv6)
        #expect(!(IPAddress.Family.ipv6 < .ipv4))
        #expect(!(IPAddress.Family.ipv4 < .ipv4))
        #expect(IPAddress.Family.allCases == [.ipv4, .ipv6])
    }

    @Test func initializersAgree() {
        #expect(IPAddress(ipv4: 0x0a00_0001) == IPAddress(family: .ipv4, value: 0x0a00_0001))
        #expect(IPAddress(ipv6: 1) == IPAddress(family: .ipv6, value: 1))
        #expect(IPAddress(ipv4: .max).value == 0xffff_ffff)
        #expect(IPAddress(ipv4: 0x0102_0304).family == .ipv4)
    }

    @Test func familiesNeverCompareEqual() throws {
        let v4 = try IPAddress("1.2.3.4")
        let mapped = try IPAddress("::ffff:1.2.3.4")
        #expect(v4 != mapped)
        #expect(v4.value != mapped.value)
        #expect(IPAddress(ipv4: 1) != IPAddress(ipv6: 1))
        #expect(Set([v4, mapped, IPAddress(ipv4: 1), IPAddress(ipv6: 1)]).count == 4)
    }

    @Test func orderingPutsIPv4First() throws {
        let addresses = try ["::1", "10.0.0.2", "::", "255.255.255.255", "0.0.0.0", "10.0.0.10", "fd00::1"]
            .map { try IPAddress($0) }
        #expect(
            addresses.sorted().map(\.description) == [
                "0.0.0.0", "10.0.0.2", "10.0.0.10", "255.255.255.255", "::", "::1", "fd00::1",
            ])
        // Numeric, not textual: 0.0.0.255 < ::
        #expect(IPAddress(ipv4: .max) < IPAddress(ipv6: 0))
        #expect(!(IPAddress(ipv6: 0) < IPAddress(ipv4: .max)))
    }

    @Test(arguments: [
        ("::ffff:1.2.3.4", true),
        ("::ffff:0.0.0.0", true),
        ("::ffff:255.255.255.255", true),
        ("::fffe:1.2.3.4", false),
        ("::1:ffff:1.2.3.4", false),
        ("::1.2.3.4", false),
        ("1.2.3.4", false),
        ("::", false),
    ])
    func ipv4Mapped(text: String, mapped: Bool) throws {
        #expect(try IPAddress(text).isIPv4Mapped == mapped)
    }

    @Test func advanced() throws {
        #expect(try IPAddress("10.0.0.255").advanced(by: 1) == IPAddress("10.0.1.0"))
        #expect(try IPAddress("10.0.0.1").advanced(by: 0) == IPAddress("10.0.0.1"))
        #expect(try IPAddress("255.255.255.254").advanced(by: 1) == IPAddress("255.255.255.255"))
        #expect(try IPAddress("255.255.255.255").advanced(by: 1) == nil)
        #expect(try IPAddress("0.0.0.0").advanced(by: 1 << 32) == nil)
        #expect(try IPAddress("::ffff").advanced(by: 1) == IPAddress("::1:0"))
        #expect(IPAddress(ipv6: .max - 1).advanced(by: 1) == IPAddress(ipv6: .max))
        #expect(IPAddress(ipv6: .max).advanced(by: 1) == nil)
        #expect(IPAddress(ipv6: 1).advanced(by: .max) == nil)
        // IPv4 never spills into IPv6 territory.
        #expect(IPAddress(ipv4: .max).advanced(by: 1)?.family == nil)
    }
}
