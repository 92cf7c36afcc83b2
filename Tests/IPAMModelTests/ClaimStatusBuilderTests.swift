import Foundation
import IPAM
@testable import IPAMModel
import KubernetesCore
import Testing

@Suite struct ClaimStatusBuilderTests {
    let claim = makeClaim("shop", "web-0", pool: "blue", generation: 2)
    let binding = ClaimBinding(pool: "blue", addresses: [
        AllocatedAddress(address: addr("10.10.0.42"), prefixLength: 24, gateway: addr("10.10.0.1")),
        AllocatedAddress(address: addr("fd00:10::2"), prefixLength: 120, gateway: nil),
    ])

    @Test func boundClaim() throws {
        let status = ClaimStatusBuilder.status(for: claim, binding: binding, now: t0)
        #expect(status.observedGeneration == 2)
        #expect(status.pool == "blue")
        #expect(status.addresses == [
            ClaimAddress(address: "10.10.0.42", prefixLength: 24, gateway: "10.10.0.1"),
            ClaimAddress(address: "fd00:10::2", prefixLength: 120),
        ])
        let conditions = try #require(status.conditions)
        #expect(conditions.map(\.type) == ["Bound", "Ready"])
        for condition in conditions {
            #expect(condition.status == .true)
            #expect(condition.reason == "Bound")
            #expect(condition.observedGeneration == 2)
            #expect(condition.lastTransitionTime == t0)
            #expect(condition.message == "bound to 10.10.0.42/24, fd00:10::2/120 from pool blue")
        }
        #expect(PodClaim.allocatedAnnotation(for: status) == "10.10.0.42/24,fd00:10::2/120")
    }

    @Test(arguments: ["PoolNotFound", "PoolNotReady", "PoolExhausted", "AddressUnavailable", "NotPermitted"])
    func retryableFailureIsNotStalled(reason: String) throws {
        let status = ClaimStatusBuilder.status(for: claim, failure: BindingFailure(reason: reason, message: "why"), now: t0)
        #expect(status.addresses == nil)
        #expect(status.pool == nil)
        #expect(status.observedGeneration == 2)
        let conditions = try #require(status.conditions)
        #expect(conditions.map(\.type) == ["Bound", "Ready"])
        for condition in conditions {
            #expect(condition.status == .false)
            #expect(condition.reason == reason)
            #expect(condition.message == "why")
        }
    }

    @Test func invalidIsStalled() throws {
        let status = ClaimStatusBuilder.status(for: claim, failure: BindingFailure(reason: "Invalid", message: "spec: bad"), now: t0)
        let stalled = try #require(status.conditions?.condition(ofType: "Stalled"))
        #expect(stalled.status == .true)
        #expect(stalled.reason == "Invalid")
        #expect(stalled.message == "spec: bad")
    }

    @Test func stalledIsRemovedWhenBoundOrRetryable() {
        let invalid = ClaimStatusBuilder.status(for: claim, failure: BindingFailure(reason: "Invalid", message: "x"), now: at(0))
        var stalledClaim = claim
        stalledClaim.status = invalid
        #expect(ClaimStatusBuilder.status(for: stalledClaim, binding: binding, now: at(1)).conditions?.condition(ofType: "Stalled") == nil)
        #expect(ClaimStatusBuilder.status(
            for: stalledClaim, failure: BindingFailure(reason: "PoolExhausted", message: "x"), now: at(1)
        ).conditions?.condition(ofType: "Stalled") == nil)
    }

    @Test func transitionTimeKeptWhileStillBound() throws {
        var bound = claim
        bound.status = ClaimStatusBuilder.status(for: claim, binding: binding, now: at(0))
        let again = try #require(ClaimStatusBuilder.status(for: bound, binding: binding, now: at(300)).conditions)
        #expect(again.condition(ofType: "Bound")?.lastTransitionTime == at(0))
        let lost = try #require(ClaimStatusBuilder.status(
            for: bound, failure: BindingFailure(reason: "PoolExhausted", message: "x"), now: at(300)).conditions)
        #expect(lost.condition(ofType: "Bound")?.lastTransitionTime == at(300))
    }
}
