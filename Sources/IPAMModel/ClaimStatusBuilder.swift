public import Foundation
import KubernetesCore

/// Computes a claim's status from its binding or the reason it has none.
///
/// `Bound` is the domain condition; `Ready` mirrors it for kstatus; `Stalled`
/// is set only for an invalid claim, which no retry can fix.
public enum ClaimStatusBuilder {
    /// The status of a bound claim.
    public static func status(for claim: IPClaim, binding: ClaimBinding, now: Date) -> IPClaimStatus {
        var conditions = claim.status?.conditions ?? []
        let addresses = binding.addresses.map { allocated in
            ClaimAddress(
                address: allocated.address.description,
                prefixLength: allocated.prefixLength,
                gateway: allocated.gateway?.description)
        }
        let message = "bound to " + addresses.map { "\($0.address)/\($0.prefixLength)" }.joined(separator: ", ")
            + " from pool \(binding.pool)"
        for type in [IPAMAPI.ConditionType.bound, IPAMAPI.ConditionType.ready] {
            conditions.set(Condition(
                type: type, status: .true, observedGeneration: claim.metadata.generation,
                lastTransitionTime: now, reason: IPAMAPI.Reason.bound, message: message))
        }
        conditions.remove(ofType: "Stalled")
        return IPClaimStatus(
            observedGeneration: claim.metadata.generation, pool: binding.pool, addresses: addresses,
            conditions: conditions)
    }

    /// The status of a claim that cannot be bound now.
    public static func status(for claim: IPClaim, failure: BindingFailure, now: Date) -> IPClaimStatus {
        var conditions = claim.status?.conditions ?? []
        for type in [IPAMAPI.ConditionType.bound, IPAMAPI.ConditionType.ready] {
            conditions.set(Condition(
                type: type, status: .false, observedGeneration: claim.metadata.generation,
                lastTransitionTime: now, reason: failure.reason, message: failure.message))
        }
        if failure.reason == IPAMAPI.Reason.invalid {
            conditions.set(Condition(
                type: "Stalled", status: .true, observedGeneration: claim.metadata.generation,
                lastTransitionTime: now, reason: failure.reason, message: failure.message))
        } else {
            conditions.remove(ofType: "Stalled")
        }
        return IPClaimStatus(observedGeneration: claim.metadata.generation, conditions: conditions)
    }
}
