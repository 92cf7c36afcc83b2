import Testing

@testable import IPAM

@Suite("AllocationRequest")
struct AllocationRequestTests {
    static let invalidCases: [([IPAddress.Family], [String], AllocationError.InvalidRequest)] = [
        ([], [], .noFamilies),
        ([], ["10.0.0.1"], .noFamilies),
        ([.ipv4, .ipv4], [], .duplicateFamily(.ipv4)),
        ([.ipv6, .ipv4, .ipv6], [], .duplicateFamily(.ipv6)),
        ([.ipv4, .ipv4], ["fd00::1"], .duplicateFamily(.ipv4)),
        ([.ipv4], ["fd00::1"], .staticAddressOfUnrequestedFamily(addr("fd00::1"))),
        ([.ipv6], ["10.0.0.1"], .staticAddressOfUnrequestedFamily(addr("10.0.0.1"))),
        ([.ipv4], ["::ffff:10.0.0.1"], .staticAddressOfUnrequestedFamily(addr("::ffff:10.0.0.1"))),
        ([.ipv4, .ipv6], ["10.0.0.1", "10.0.0.2"], .twoStaticAddressesOfOneFamily(.ipv4)),
        ([.ipv4, .ipv6], ["fd00::1", "10.0.0.1", "fd00::1"], .twoStaticAddressesOfOneFamily(.ipv6)),
    ]

    @Test(arguments: invalidCases)
    func invalid(families: [IPAddress.Family], statics: [String], reason: AllocationError.InvalidRequest) {
        let error = failure { () throws(AllocationError) in
            try AllocationRequest(families: families, staticAddresses: statics.map(addr))
        }
        #expect(error == .invalidRequest(reason))
    }

    @Test func valid() throws {
        let request = try AllocationRequest(families: [.ipv6, .ipv4], staticAddresses: [addr("10.0.0.7")])
        #expect(request.families == [.ipv6, .ipv4])
        #expect(request.staticAddresses == [addr("10.0.0.7")])
        #expect(request.staticAddress(for: .ipv4) == addr("10.0.0.7"))
        #expect(request.staticAddress(for: .ipv6) == nil)

        let both = try AllocationRequest(
            families: [.ipv4, .ipv6], staticAddresses: [addr("fd00::9"), addr("10.0.0.7")])
        #expect(both.staticAddress(for: .ipv4) == addr("10.0.0.7"))
        #expect(both.staticAddress(for: .ipv6) == addr("fd00::9"))

        let dynamic = try AllocationRequest(families: [.ipv4])
        #expect(dynamic.staticAddresses.isEmpty)
        #expect(dynamic.staticAddress(for: .ipv4) == nil)
    }

    @Test func allocatedAddressDescription() {
        #expect(
            AllocatedAddress(address: addr("10.10.0.42"), prefixLength: 24, gateway: addr("10.10.0.1")).description
                == "10.10.0.42/24")
        #expect(
            AllocatedAddress(address: addr("fd00:10::2"), prefixLength: 120, gateway: nil).description
                == "fd00:10::2/120")
    }
}
