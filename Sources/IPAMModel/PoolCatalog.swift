public import IPAM
import KubernetesCore

/// Every pool, validated, with overlaps resolved: the one view of the pools
/// that claim binding, pool status and `ipamctl` all decide from.
///
/// Built from a snapshot of IPPool objects (informer cache or manifests);
/// cheap enough to rebuild whenever a pool changes.
public struct PoolCatalog: Sendable {
    /// Valid pools by name (including those that lose an overlap, are paused or deleting).
    public let definitions: [String: PoolDefinition]
    /// Pools whose spec is invalid, by name.
    public let invalid: [String: ValidationFailure]
    /// Valid pools that overlap an older pool, with the winner and one shared prefix.
    public let overlapping: [String: (winner: String, cidr: IPPrefix)]

    public init(_ pools: [IPPool]) {
        var definitions: [String: PoolDefinition] = [:]
        var invalid: [String: ValidationFailure] = [:]
        for pool in pools {
            do {
                let definition = try PoolDefinition(validating: pool)
                definitions[definition.name] = definition
            } catch {
                invalid[pool.metadata.name ?? ""] = error
            }
        }
        self.definitions = definitions
        self.invalid = invalid
        self.overlapping = PoolOverlap.losers(among: Array(definitions.values))
    }

    /// Pool names, sorted.
    public var names: [String] {
        (Array(definitions.keys) + Array(invalid.keys)).sorted()
    }

    /// Whether the pool named `name` may allocate now, and if not, why.
    public func readiness(of name: String) -> PoolReadiness {
        if let failure = invalid[name] { return .invalid(failure) }
        guard let definition = definitions[name] else { return .notFound }
        if let conflict = overlapping[name] { return .overlapping(winner: conflict.winner, cidr: conflict.cidr) }
        if definition.isDeleting { return .deleting }
        if definition.paused { return .paused }
        return .ready
    }

    /// The pools `claim` may be allocated from, in the order to try them, or
    /// why there is none.
    ///
    /// - Parameter namespaceLabels: the labels of the claim's namespace;
    ///   `nil` when unknown, which only matters for pools with a `namespaceSelector`.
    public func candidates(
        for claim: ClaimDefinition,
        namespaceLabels: [String: String]?
    ) -> Result<[PoolDefinition], BindingFailure> {
        let namespace = claim.identity.namespace
        switch claim.target {
        case .named(let name):
            let readiness = readiness(of: name)
            guard readiness == .ready, let pool = definitions[name] else {
                return .failure(BindingFailure(pool: name, readiness: readiness))
            }
            guard Self.permits(pool, namespaceLabels) else {
                return .failure(.notPermitted(pools: [name], namespace: namespace, labelsKnown: namespaceLabels != nil))
            }
            guard pool.offers(claim.request.families) else {
                return .failure(.familiesMissing(pools: [name], families: claim.request.families))
            }
            return .success([pool])

        case .selected(let selector):
            let matching = definitions.values.filter { selector.matches($0.labels) }
                .sorted { ($1.priority, $0.name) < ($0.priority, $1.name) }
            guard !matching.isEmpty else {
                return .failure(BindingFailure(
                    reason: IPAMAPI.Reason.poolNotFound, message: "no pool matches the selector \(selector)"))
            }
            let ready = matching.filter { readiness(of: $0.name) == .ready }
            guard !ready.isEmpty else {
                let names = matching.map(\.name).joined(separator: ", ")
                return .failure(BindingFailure(
                    reason: IPAMAPI.Reason.poolNotReady, message: "no pool matching the selector is ready (\(names))"))
            }
            let permitted = ready.filter { Self.permits($0, namespaceLabels) }
            guard !permitted.isEmpty else {
                return .failure(.notPermitted(
                    pools: ready.map(\.name), namespace: namespace, labelsKnown: namespaceLabels != nil))
            }
            let offering = permitted.filter { $0.offers(claim.request.families) }
            guard !offering.isEmpty else {
                return .failure(.familiesMissing(pools: permitted.map(\.name), families: claim.request.families))
            }
            return .success(offering)
        }
    }

    private static func permits(_ pool: PoolDefinition, _ namespaceLabels: [String: String]?) -> Bool {
        guard pool.namespaceSelector != nil else { return true }
        guard let namespaceLabels else { return false }
        return pool.permits(namespaceLabels: namespaceLabels)
    }
}

/// Whether a pool may allocate now.
public enum PoolReadiness: Hashable, Sendable {
    case ready
    case notFound
    case invalid(ValidationFailure)
    case overlapping(winner: String, cidr: IPPrefix)
    case paused
    case deleting

    /// The `Ready` condition's reason.
    public var reason: String {
        switch self {
        case .ready: IPAMAPI.Reason.valid
        case .notFound: IPAMAPI.Reason.poolNotFound
        case .invalid: IPAMAPI.Reason.invalid
        case .overlapping: IPAMAPI.Reason.overlapping
        case .paused: IPAMAPI.Reason.paused
        case .deleting: "Deleting"
        }
    }

    /// What a person reads in the `Ready` condition's message.
    public var message: String {
        switch self {
        case .ready: "the pool allocates addresses"
        case .notFound: "the pool does not exist"
        case .invalid(let failure): "the spec is invalid: \(failure)"
        case .overlapping(let winner, let cidr):
            "\(cidr) overlaps the older pool \(winner); this pool allocates nothing until the overlap is removed"
        case .paused: "spec.paused is true: no new allocations, existing ones are kept"
        case .deleting: "the pool is being deleted: no new allocations"
        }
    }
}
