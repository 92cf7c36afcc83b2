import IPAM
public import IPAMModel

/// The plan as printed by `ipamctl plan -o json|yaml`: stable field names,
/// no timestamps, so two runs on the same input print the same bytes.
public struct PlanReport: Codable, Hashable, Sendable {
    public struct Claim: Codable, Hashable, Sendable {
        public var namespace: String
        public var name: String
        /// `IPClaim` or `Pod`.
        public var source: String
        public var bound: Bool
        /// The binding came from existing leases in the input.
        public var existing: Bool
        public var pool: String?
        public var addresses: [ClaimAddress]?
        /// Why the claim is not bound (a `Bound=False` reason), and details.
        public var reason: String?
        public var message: String?
    }

    public struct Pool: Codable, Hashable, Sendable {
        public var name: String
        public var ready: Bool
        public var reason: String
        public var message: String?
        public var ipv4: FamilyStatus?
        public var ipv6: FamilyStatus?
        public var exhausted: Bool
        public var lowCapacity: Bool
    }

    public var claims: [Claim]
    public var pools: [Pool]
    public var notes: [String]?

    public init(_ plan: Plan) {
        claims = plan.claims.map { outcome in
            var claim = Claim(
                namespace: outcome.identity.namespace, name: outcome.identity.name, source: outcome.source.rawValue,
                bound: false, existing: outcome.isExisting)
            switch outcome.result {
            case .success(let binding):
                claim.bound = true
                claim.pool = binding.pool
                claim.addresses = binding.addresses.map {
                    ClaimAddress(address: $0.address.description, prefixLength: $0.prefixLength, gateway: $0.gateway?.description)
                }
            case .failure(let failure):
                claim.reason = failure.reason
                claim.message = failure.message
            }
            return claim
        }
        pools = plan.pools.map { outcome in
            let conditions = outcome.status.conditions ?? []
            return Pool(
                name: outcome.name,
                ready: outcome.readiness == .ready,
                reason: outcome.readiness.reason,
                message: outcome.readiness == .ready ? nil : outcome.readiness.message,
                ipv4: outcome.status.ipv4,
                ipv6: outcome.status.ipv6,
                exhausted: conditions.isTrue(IPAMAPI.ConditionType.exhausted),
                lowCapacity: conditions.isTrue(IPAMAPI.ConditionType.lowCapacity))
        }
        notes = plan.notes.isEmpty ? nil : plan.notes
    }
}
