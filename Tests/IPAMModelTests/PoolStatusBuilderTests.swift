import Foundation
import IPAM
@testable import IPAMModel
import KubernetesCore
import Testing

@Suite struct PoolStatusBuilderTests {
    func usage(_ size: UInt128, allocated: UInt128 = 0, cooling: UInt128 = 0) -> FamilyUsage {
        FamilyUsage(size: size, allocated: allocated, cooling: cooling)
    }

    func status(
        _ pool: IPPool = makePool("p", cidrs: ["10.0.0.0/24"], generation: 4),
        readiness: PoolReadiness = .ready,
        usage: [IPAddress.Family: FamilyUsage],
        now: Date = t0
    ) -> IPPoolStatus {
        PoolStatusBuilder.status(for: pool, readiness: readiness, usage: usage, now: now)
    }

    @Test func countsAreDecimalStrings() {
        let result = status(usage: [.ipv4: usage(254, allocated: 3, cooling: 1)])
        #expect(result.ipv4 == FamilyStatus(size: "254", allocated: 3, cooling: 1, free: "250"))
        #expect(result.ipv6 == nil)
    }

    @Test func anIPv64SizeIsExact() throws {
        // A /64 without gateway or exclusions: 2^64 minus the all-zeros address.
        let pool = definition(makePool("v6", cidrs: ["fd00::/64"]))
        var allocator = pool.makeAllocator()
        _ = try allocator.allocate(for: identity("n", "c"), AllocationRequest(families: [.ipv6]))
        let result = status(usage: [.ipv6: try #require(allocator.usage(of: .ipv6))])
        #expect(result.ipv6?.size == "18446744073709551615")
        #expect(result.ipv6?.free == "18446744073709551614")
        #expect(result.ipv6?.allocated == 1)
    }

    @Test func aWholeIPv6SpaceIsExact() {
        let result = status(usage: [.ipv6: usage(UInt128.max, allocated: 2)])
        #expect(result.ipv6?.size == "340282366920938463463374607431768211455")
        #expect(result.ipv6?.free == "340282366920938463463374607431768211453")
    }

    @Test func healthyPoolConditions() throws {
        let conditions = try #require(status(usage: [.ipv4: usage(100, allocated: 1)]).conditions)
        #expect(conditions.map(\.type) == ["Ready", "Exhausted", "LowCapacity"])
        let ready = try #require(conditions.condition(ofType: "Ready"))
        #expect(ready.status == .true)
        #expect(ready.reason == "Valid")
        #expect(ready.observedGeneration == 4)
        #expect(ready.lastTransitionTime == t0)
        #expect(conditions.condition(ofType: "Exhausted")?.status == .false)
        #expect(conditions.condition(ofType: "Exhausted")?.reason == "HasFreeAddresses")
        #expect(conditions.condition(ofType: "LowCapacity")?.status == .false)
        #expect(conditions.condition(ofType: "LowCapacity")?.reason == "AboveThreshold")
        #expect(conditions.condition(ofType: "Stalled") == nil)
    }

    @Test func exhaustedNamesTheFamily() throws {
        let conditions = try #require(status(usage: [.ipv4: usage(10, allocated: 9, cooling: 1), .ipv6: usage(255)]).conditions)
        let exhausted = try #require(conditions.condition(ofType: "Exhausted"))
        #expect(exhausted.status == .true)
        #expect(exhausted.reason == "FamilyExhausted")
        #expect(exhausted.message == "no free IPv4 address")
        #expect(conditions.isTrue("LowCapacity"))
        #expect(conditions.isTrue("Ready"), "an exhausted pool is still ready")
    }

    @Test(arguments: [
        // (size, free, exhausted, low)
        (UInt128(100), UInt128(10), false, false),  // exactly 10 %: not low
        (100, 9, false, true),  // just under
        (101, 11, false, false),
        (101, 10, false, true),  // 10/101 < 10 %
        (109, 10, false, true),
        (110, 11, false, false),
        (10, 1, false, false),
        (10, 0, true, true),
        (9, 1, false, false),  // 11 %
        (1, 1, false, false),
        (1, 0, true, true),
        (0, 0, true, false),  // an empty family: exhausted, and no share to be low on
        (UInt128.max, UInt128.max / 10, false, true),
        (UInt128.max, UInt128.max / 10 + 1, false, false),
    ])
    func thresholds(size: UInt128, free: UInt128, exhausted: Bool, low: Bool) throws {
        let familyUsage = usage(size, allocated: size - free)
        #expect(PoolStatusBuilder.isLow(familyUsage) == low)
        let conditions = try #require(status(usage: [.ipv4: familyUsage]).conditions)
        #expect(conditions.isTrue("Exhausted") == exhausted)
        #expect(conditions.isTrue("LowCapacity") == low)
    }

    @Test func lowCapacityMessageNamesTheFamilies() throws {
        let conditions = try #require(status(usage: [.ipv4: usage(100, allocated: 95), .ipv6: usage(255, allocated: 250)]).conditions)
        #expect(conditions.condition(ofType: "LowCapacity")?.message == "under 10% free: IPv4 5 of 100 free, IPv6 5 of 255 free")
    }

    @Test(arguments: [
        PoolReadiness.invalid(ValidationFailure([ValidationProblem(field: "spec.cidrs", message: "at least one CIDR is required")])),
        .overlapping(winner: "blue", cidr: IPPrefix(containing: IPAddress(ipv4: 0x0a0a_0000), length: 24)),
    ])
    func invalidOrOverlappingIsStalled(readiness: PoolReadiness) throws {
        let conditions = try #require(status(readiness: readiness, usage: [:]).conditions)
        let ready = try #require(conditions.condition(ofType: "Ready"))
        #expect(ready.status == .false)
        #expect(ready.reason == readiness.reason)
        #expect(ready.message == readiness.message)
        let stalled = try #require(conditions.condition(ofType: "Stalled"))
        #expect(stalled.status == .true)
        #expect(stalled.reason == readiness.reason)
    }

    @Test func anInvalidPoolHasNoCapacityConditions() throws {
        let earlier = status(usage: [.ipv4: usage(10, allocated: 10)])
        let pool = makePool("p", cidrs: ["10.0.0.7/24"], status: earlier)
        let result = status(pool, readiness: .invalid(ValidationFailure([])), usage: [:])
        #expect(result.conditions?.map(\.type) == ["Ready", "Stalled"])
        #expect(result.ipv4 == nil && result.ipv6 == nil)
    }

    @Test(arguments: [PoolReadiness.paused, .deleting])
    func pausedOrDeletingIsNotReadyButNotStalled(readiness: PoolReadiness) throws {
        let conditions = try #require(status(readiness: readiness, usage: [.ipv4: usage(10)]).conditions)
        #expect(conditions.condition(ofType: "Ready")?.status == .false)
        #expect(conditions.condition(ofType: "Ready")?.reason == readiness.reason)
        #expect(conditions.condition(ofType: "Stalled") == nil)
        #expect(conditions.condition(ofType: "Exhausted")?.status == .false)
    }

    @Test func stalledIsRemovedOnceFixed() throws {
        let stalled = status(readiness: .invalid(ValidationFailure([])), usage: [:], now: at(0))
        let pool = makePool("p", cidrs: ["10.0.0.0/24"], status: stalled)
        let fixed = try #require(status(pool, usage: [.ipv4: usage(10)], now: at(60)).conditions)
        #expect(fixed.condition(ofType: "Stalled") == nil)
        #expect(fixed.condition(ofType: "Ready")?.status == .true)
        #expect(fixed.condition(ofType: "Ready")?.lastTransitionTime == at(60), "Ready changed")
    }

    @Test func transitionTimesAreKeptWhileUnchanged() throws {
        let earlier = status(usage: [.ipv4: usage(100, allocated: 1)], now: at(0))
        let pool = makePool("p", cidrs: ["10.0.0.0/24"], generation: 5, status: earlier)
        let later = try #require(status(pool, usage: [.ipv4: usage(100, allocated: 95)], now: at(600)).conditions)
        #expect(later.condition(ofType: "Ready")?.lastTransitionTime == at(0))
        #expect(later.condition(ofType: "Ready")?.observedGeneration == 5, "observedGeneration follows even without a transition")
        #expect(later.condition(ofType: "Exhausted")?.lastTransitionTime == at(0))
        #expect(later.condition(ofType: "LowCapacity")?.status == .true)
        #expect(later.condition(ofType: "LowCapacity")?.lastTransitionTime == at(600))
    }

    @Test func observedGenerationIsCopied() {
        #expect(status(makePool("p", cidrs: ["10.0.0.0/24"], generation: 17), usage: [:]).observedGeneration == 17)
        #expect(status(makePool("p", cidrs: ["10.0.0.0/24"]), usage: [:]).observedGeneration == nil)
    }

    @Test func otherConditionsAreKept() throws {
        let foreign = Condition(type: "Reconciling", status: .false, lastTransitionTime: at(0), reason: "Done")
        let pool = makePool("p", cidrs: ["10.0.0.0/24"], status: IPPoolStatus(conditions: [foreign]))
        #expect(status(pool, usage: [:]).conditions?.first == foreign)
    }

    @Test func hugeCountsClampInsteadOfTrapping() {
        let result = status(usage: [.ipv6: usage(UInt128.max, allocated: UInt128(Int64.max) + 5)])
        #expect(result.ipv6?.allocated == Int64.max)
    }
}
