public import Foundation
public import IPAM
import KubernetesCore

/// Computes a pool's status from what the controller (or `ipamctl plan`) knows.
///
/// Conditions follow the kstatus conventions so Flux and Argo CD show health
/// without custom checks: `Ready` always; `Stalled` only while a person must
/// act (invalid spec, overlap); `Exhausted` and `LowCapacity` only for pools
/// whose spec is valid. Transition times are kept while a status is unchanged.
public enum PoolStatusBuilder {
    /// The status for `pool`.
    ///
    /// - Parameters:
    ///   - usage: address counts per family; empty for an invalid pool.
    ///   - now: the transition time for conditions that change.
    public static func status(
        for pool: IPPool,
        readiness: PoolReadiness,
        usage: [IPAddress.Family: FamilyUsage],
        now: Date
    ) -> IPPoolStatus {
        let generation = pool.metadata.generation
        var conditions = pool.status?.conditions ?? []
        func set(_ type: String, _ status: ConditionStatus, _ reason: String, _ message: String) {
            conditions.set(Condition(
                type: type, status: status, observedGeneration: generation, lastTransitionTime: now,
                reason: reason, message: message))
        }

        if readiness == .ready {
            set(IPAMAPI.ConditionType.ready, .true, readiness.reason, readiness.message)
        } else {
            set(IPAMAPI.ConditionType.ready, .false, readiness.reason, readiness.message)
        }
        switch readiness {
        case .invalid, .overlapping: set("Stalled", .true, readiness.reason, readiness.message)
        default: conditions.remove(ofType: "Stalled")
        }

        if case .invalid = readiness {
            conditions.remove(ofType: IPAMAPI.ConditionType.exhausted)
            conditions.remove(ofType: IPAMAPI.ConditionType.lowCapacity)
        } else {
            let families = usage.keys.sorted()
            let exhausted = families.filter { usage[$0]!.free == 0 }
            if exhausted.isEmpty {
                set(IPAMAPI.ConditionType.exhausted, .false, IPAMAPI.Reason.hasFreeAddresses,
                    "every family has free addresses")
            } else {
                set(IPAMAPI.ConditionType.exhausted, .true, IPAMAPI.Reason.familyExhausted,
                    "no free \(exhausted.map(\.rawValue).joined(separator: " or ")) address")
            }
            let low = families.filter { isLow(usage[$0]!) }
            if low.isEmpty {
                set(IPAMAPI.ConditionType.lowCapacity, .false, IPAMAPI.Reason.aboveThreshold,
                    "every family has at least 10% free")
            } else {
                let detail = low.map { "\($0.rawValue) \(usage[$0]!.free) of \(usage[$0]!.size) free" }
                set(IPAMAPI.ConditionType.lowCapacity, .true, IPAMAPI.Reason.belowThreshold,
                    "under 10% free: " + detail.joined(separator: ", "))
            }
        }

        return IPPoolStatus(
            observedGeneration: generation,
            ipv4: usage[.ipv4].map(familyStatus),
            ipv6: usage[.ipv6].map(familyStatus),
            conditions: conditions)
    }

    /// Whether under 10 % of the family is free (exact integer arithmetic).
    public static func isLow(_ usage: FamilyUsage) -> Bool {
        // free / size < 1/10  ⇔  free * 10 < size, without overflowing 128 bits.
        usage.free < usage.size / 10 || (usage.free == usage.size / 10 && usage.size % 10 != 0)
    }

    static func familyStatus(_ usage: FamilyUsage) -> FamilyStatus {
        FamilyStatus(
            size: String(usage.size),
            allocated: Int64(clamping: usage.allocated),
            cooling: Int64(clamping: usage.cooling),
            free: String(usage.free))
    }
}

extension Int64 {
    init(clamping value: UInt128) {
        self = value > UInt128(Int64.max) ? .max : Int64(value)
    }
}
