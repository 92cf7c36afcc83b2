import Testing

@testable import IPAM

@Suite("AllocationError")
struct AllocationErrorTests {
    static let cases: [(AllocationError, String)] = [
        (.exhausted(.ipv4), "no free IPv4 address in the pool"),
        (.exhausted(.ipv6), "no free IPv6 address in the pool"),
        (.notInPool(.ipv6, address: nil), "the pool has no IPv6 CIDR"),
        (.notInPool(.ipv4, address: addr("10.9.0.1")), "10.9.0.1 is outside every CIDR of the pool"),
        (.excluded(addr("10.10.0.1"), .gateway), "10.10.0.1 is not allocatable: the pool's gateway"),
        (.excluded(addr("10.10.0.70"), .excluded), "10.10.0.70 is not allocatable: excluded by the pool"),
        (
            .excluded(addr("10.10.0.0"), .networkOrBroadcast),
            "10.10.0.0 is not allocatable: the network or broadcast address of its prefix"
        ),
        (
            .excluded(addr("fd00::"), .subnetRouterAnycast),
            "fd00:: is not allocatable: the subnet-router anycast (all-zeros) address of its prefix"
        ),
        (.inUse(addr("fd00::2")), "fd00::2 is already allocated to another claim"),
        (.coolingDown(addr("10.10.0.5")), "10.10.0.5 was released by another claim and is cooling down"),
        (.invalidRequest(.noFamilies), "the request names no IP family"),
        (.invalidRequest(.duplicateFamily(.ipv4)), "IP family IPv4 is requested twice"),
        (
            .invalidRequest(.staticAddressOfUnrequestedFamily(addr("fd00::1"))),
            "static address fd00::1 is IPv6, which the request does not ask for"
        ),
        (.invalidRequest(.twoStaticAddressesOfOneFamily(.ipv6)), "more than one static IPv6 address"),
    ]

    @Test(arguments: cases)
    func description(error: AllocationError, text: String) {
        #expect(error.description == text)
    }

    @Test func casesAreDistinct() {
        #expect(Set(Self.cases.map(\.0)).count == Self.cases.count)
        #expect(AllocationError.notInPool(.ipv4, address: nil) != .notInPool(.ipv6, address: nil))
        #expect(AllocationError.excluded(addr("10.0.0.1"), .gateway) != .excluded(addr("10.0.0.1"), .excluded))
    }
}
