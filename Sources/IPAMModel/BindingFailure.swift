import IPAM

/// Why a claim cannot be bound now: a `Bound=False` condition's reason and message.
///
/// Every failure is retried when pools or capacity change; none is terminal
/// except `Invalid`, which needs a new claim (the spec is immutable).
public struct BindingFailure: Error, Hashable, Sendable, CustomStringConvertible {
    /// One of the claim reasons in ``IPAMAPI/Reason``.
    public let reason: String
    public let message: String

    public init(reason: String, message: String) {
        self.reason = reason
        self.message = message
    }

    /// The failure for a claim naming a pool that is not ready.
    init(pool: String, readiness: PoolReadiness) {
        switch readiness {
        case .notFound:
            self.init(reason: IPAMAPI.Reason.poolNotFound, message: "pool \(pool) does not exist")
        default:
            self.init(reason: IPAMAPI.Reason.poolNotReady, message: "pool \(pool) is not ready: \(readiness.message)")
        }
    }

    static func notPermitted(pools: [String], namespace: String, labelsKnown: Bool) -> BindingFailure {
        let which = pools.count == 1 ? "pool \(pools[0]) does" : "pools \(pools.joined(separator: ", ")) do"
        let why = labelsKnown ? "" : " (the labels of namespace \(namespace) are not known)"
        return BindingFailure(
            reason: IPAMAPI.Reason.notPermitted,
            message: "\(which) not admit namespace \(namespace) by their namespaceSelector\(why)")
    }

    static func familiesMissing(pools: [String], families: [IPAddress.Family]) -> BindingFailure {
        let wanted = families.map(\.rawValue).joined(separator: " and ")
        return BindingFailure(
            reason: IPAMAPI.Reason.addressUnavailable,
            message: "no candidate pool (\(pools.joined(separator: ", "))) has CIDRs of \(wanted)")
    }

    /// The failure for an allocator error in `pool`.
    init(_ error: AllocationError, pool: String) {
        switch error {
        case .exhausted:
            self.init(reason: IPAMAPI.Reason.poolExhausted, message: "pool \(pool): \(error)")
        case .invalidRequest:
            self.init(reason: IPAMAPI.Reason.invalid, message: error.description)
        case .notInPool, .excluded, .inUse, .coolingDown:
            self.init(reason: IPAMAPI.Reason.addressUnavailable, message: "pool \(pool): \(error)")
        }
    }

    /// The failure for a claim whose spec is invalid.
    public init(_ failure: ValidationFailure) {
        self.init(reason: IPAMAPI.Reason.invalid, message: failure.description)
    }

    public var description: String { "\(reason): \(message)" }
}
