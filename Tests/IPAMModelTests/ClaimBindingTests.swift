import IPAM
@testable import IPAMModel
import Testing

@Suite struct ClaimBindingTests {
    /// `tiny` has one allocatable address, 10.0.0.2 (.0 network, .1 gateway, .3 broadcast).
    let tiny = definition(makePool("tiny", cidrs: ["10.0.0.0/30"], gateways: ["10.0.0.1"]))
    let big = definition(makePool("big", cidrs: ["10.0.1.0/24", "fd00:1::/120"], gateways: ["10.0.1.1"]))
    let v6 = definition(makePool("v6", cidrs: ["fd00:9::/126"]))

    func allocators(_ pools: [PoolDefinition]) -> [String: PoolAllocator] {
        Dictionary(uniqueKeysWithValues: pools.map { ($0.name, $0.makeAllocator()) })
    }

    @Test func bindsToTheFirstCandidateWithRoom() throws {
        var allocators = allocators([tiny, big])
        let binding = try ClaimBinding.bind(definition(makeClaim("n", "a", pool: "x")), candidates: [tiny, big], allocators: &allocators).get()
        #expect(binding.pool == "tiny")
        #expect(binding.addresses == [AllocatedAddress(address: addr("10.0.0.2"), prefixLength: 30, gateway: addr("10.0.0.1"))])
        #expect(allocators["tiny"]?.state(of: addr("10.0.0.2")) == .allocated, "the winner records the address")
        #expect(allocators["big"]?.usage(of: .ipv4)?.allocated == 0)
    }

    @Test func fallsThroughToTheNextCandidateWhenTheFirstIsExhausted() throws {
        var allocators = allocators([tiny, big])
        let first = ClaimBinding.bind(definition(makeClaim("n", "a", pool: "x")), candidates: [tiny, big], allocators: &allocators)
        let second = ClaimBinding.bind(definition(makeClaim("n", "b", pool: "x")), candidates: [tiny, big], allocators: &allocators)
        #expect(texts(first) == ["10.0.0.2/30"])
        #expect(try second.get().pool == "big")
        #expect(texts(second) == ["10.0.1.2/24"])
    }

    @Test func dualStackIsAllOrNothingPerPool() throws {
        // tiny has no IPv6: the claim must not get an IPv4 from tiny and IPv6 elsewhere.
        var allocators = allocators([tiny, big])
        let result = ClaimBinding.bind(
            definition(makeClaim("n", "a", pool: "x", families: ["IPv6", "IPv4"])), candidates: [tiny, big], allocators: &allocators)
        #expect(try result.get().pool == "big")
        #expect(texts(result) == ["fd00:1::1/120", "10.0.1.2/24"])
        #expect(allocators["tiny"]?.usage(of: .ipv4)?.allocated == 0, "the failed candidate is unchanged")
    }

    @Test func aStaticAddressLyingInTheSecondCandidate() throws {
        var allocators = allocators([tiny, big])
        let result = ClaimBinding.bind(
            definition(makeClaim("n", "a", pool: "x", addresses: ["10.0.1.77"])), candidates: [tiny, big], allocators: &allocators)
        #expect(try result.get().pool == "big")
        #expect(texts(result) == ["10.0.1.77/24"])
    }

    @Test func aStaticAddressOutsideEveryCandidate() throws {
        var allocators = allocators([tiny, big])
        let failure = try #require(failureOf(ClaimBinding.bind(
            definition(makeClaim("n", "a", pool: "x", addresses: ["10.9.9.9"])), candidates: [tiny, big], allocators: &allocators)))
        #expect(failure.reason == "AddressUnavailable")
        #expect(failure.message == "10.9.9.9 is outside every candidate pool (tiny, big)")
    }

    @Test func theReportedFailureIsTheFirstThatIsNotOutside() throws {
        // 10.0.1.1 is big's gateway: that says more than "outside tiny".
        var allocators = allocators([tiny, big])
        let failure = try #require(failureOf(ClaimBinding.bind(
            definition(makeClaim("n", "a", pool: "x", addresses: ["10.0.1.1"])), candidates: [tiny, big], allocators: &allocators)))
        #expect(failure.reason == "AddressUnavailable")
        #expect(failure.message.hasPrefix("pool big: "))
        #expect(failure.message.contains("gateway"))
    }

    @Test func allExhaustedReportsTheFirstPool() throws {
        var allocators = allocators([tiny, v6])
        for name in ["a", "b"] {
            _ = ClaimBinding.bind(definition(makeClaim("n", name, pool: "x")), candidates: [tiny], allocators: &allocators)
        }
        let failure = try #require(failureOf(ClaimBinding.bind(
            definition(makeClaim("n", "c", pool: "x")), candidates: [tiny, v6], allocators: &allocators)))
        #expect(failure.reason == "PoolExhausted")
        #expect(failure.message == "pool tiny: no free IPv4 address in the pool")
    }

    @Test func aStaticAddressInUse() throws {
        var allocators = allocators([big])
        let claim = makeClaim("n", "a", pool: "big", addresses: ["10.0.1.9"])
        #expect(texts(ClaimBinding.bind(definition(claim), candidates: [big], allocators: &allocators)) == ["10.0.1.9/24"])
        let failure = try #require(failureOf(ClaimBinding.bind(
            definition(makeClaim("n", "b", pool: "big", addresses: ["10.0.1.9"])), candidates: [big], allocators: &allocators)))
        #expect(failure.reason == "AddressUnavailable")
        #expect(failure.message.contains("already allocated"))
    }

    @Test func noCandidates() throws {
        var allocators: [String: PoolAllocator] = [:]
        let failure = try #require(failureOf(ClaimBinding.bind(
            definition(makeClaim("n", "a", pool: "x")), candidates: [tiny], allocators: &allocators)))
        #expect(failure.reason == "PoolNotFound")
    }
}
