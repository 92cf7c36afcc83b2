import IPAM
@testable import IPAMModel
import KubernetesCore
import Testing

@Suite struct BindingFailureTests {
    @Test(arguments: [
        (AllocationError.exhausted(.ipv4), "PoolExhausted"),
        (.notInPool(.ipv6, address: nil), "AddressUnavailable"),
        (.notInPool(.ipv4, address: IPAddress(ipv4: 1)), "AddressUnavailable"),
        (.excluded(IPAddress(ipv4: 1), .gateway), "AddressUnavailable"),
        (.inUse(IPAddress(ipv4: 1)), "AddressUnavailable"),
        (.coolingDown(IPAddress(ipv4: 1)), "AddressUnavailable"),
        (.invalidRequest(.noFamilies), "Invalid"),
    ])
    func allocationErrorsMapToClaimReasons(error: AllocationError, reason: String) {
        let failure = BindingFailure(error, pool: "blue")
        #expect(failure.reason == reason)
        #expect(failure.message.contains(error.description))
    }

    @Test func poolReadiness() {
        #expect(BindingFailure(pool: "x", readiness: .notFound)
            == BindingFailure(reason: "PoolNotFound", message: "pool x does not exist"))
        #expect(BindingFailure(pool: "x", readiness: .paused).reason == "PoolNotReady")
    }

    @Test func validationFailureIsInvalid() {
        let failure = BindingFailure(ValidationFailure([ValidationProblem(field: "spec", message: "bad")]))
        #expect(failure.reason == "Invalid")
        #expect(failure.message == "spec: bad")
        #expect(failure.description == "Invalid: spec: bad")
    }

    @Test func notPermittedSingularAndPlural() {
        #expect(BindingFailure.notPermitted(pools: ["a"], namespace: "n", labelsKnown: true).message
            == "pool a does not admit namespace n by their namespaceSelector")
        #expect(BindingFailure.notPermitted(pools: ["a", "b"], namespace: "n", labelsKnown: false).message
            == "pools a, b do not admit namespace n by their namespaceSelector (the labels of namespace n are not known)")
    }
}
