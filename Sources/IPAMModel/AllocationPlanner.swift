public import Foundation
public import IPAM
public import KubernetesCore

/// Everything a batch allocation starts from: a snapshot of the cluster or a
/// set of manifests.
public struct PlanInput: Sendable {
    public var pools: [IPPool]
    public var claims: [IPClaim]
    public var pods: [Pod]
    public var leases: [IPLease]
    /// Namespace objects, for pools with a `namespaceSelector`. A namespace
    /// absent from this list has unknown labels.
    public var namespaces: [Namespace]

    public init(
        pools: [IPPool] = [], claims: [IPClaim] = [], pods: [Pod] = [], leases: [IPLease] = [],
        namespaces: [Namespace] = []
    ) {
        self.pools = pools
        self.claims = claims
        self.pods = pods
        self.leases = leases
        self.namespaces = namespaces
    }
}

/// The result of a batch allocation.
public struct Plan: Sendable {
    /// Outcome per claim (written claims and Pod claims), in canonical order.
    public var claims: [ClaimOutcome]
    /// Status per pool, by name.
    public var pools: [PoolOutcome]
    /// Things worth a person's attention that are not errors of one object.
    public var notes: [String]
}

/// What happens to one claim.
public struct ClaimOutcome: Hashable, Sendable {
    /// Where the claim comes from.
    public enum Source: String, Hashable, Sendable {
        case claim = "IPClaim"
        case pod = "Pod"
    }

    public let identity: ClaimIdentity
    public let source: Source
    /// The binding, or why there is none.
    public let result: Result<ClaimBinding, BindingFailure>
    /// Whether the binding already existed (from leases) rather than being new.
    public let isExisting: Bool
}

/// A pool after the batch.
public struct PoolOutcome: Hashable, Sendable {
    public let name: String
    public let readiness: PoolReadiness
    /// Counts per family (empty for an invalid pool).
    public let usage: [IPAddress.Family: FamilyUsage]
    /// The status the controller would write.
    public let status: IPPoolStatus
}

/// Allocates a whole batch of claims deterministically: the decision both
/// `ipamctl plan` and the controller's start-up make.
///
/// Flow:
/// 1. Pools are validated and overlaps resolved (``PoolCatalog``).
/// 2. Existing leases are recorded in their pools' allocators: active ones as
///    allocated, released ones as cooling for the claim that held them. A claim
///    with active leases keeps them: nothing is re-allocated.
/// 3. Annotated Pods become claims (``PodClaim``); a written claim of the same
///    name is left alone, with a note.
/// 4. The remaining claims are bound in canonical order: claims with static
///    addresses first (so a dynamic claim never takes an address that a
///    manifest pins), then by (namespace, name).
///
/// Guarantee: the same input gives the same plan, whatever the order of the
/// input lists.
public enum AllocationPlanner {
    public static func plan(_ input: PlanInput, now: Date) -> Plan {
        let catalog = PoolCatalog(input.pools)
        var notes: [String] = []
        var allocators: [String: PoolAllocator] = [:]
        for (name, definition) in catalog.definitions { allocators[name] = definition.makeAllocator() }

        // 2. Leases, in name order so that notes come out the same every time.
        var existing: [ClaimIdentity: [(pool: String, address: IPAddress)]] = [:]
        for lease in input.leases.sorted(by: { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }) {
            let name = lease.metadata.name ?? "?"
            guard let address = try? IPAddress(lease.spec.address) else {
                notes.append("IPLease \(name): spec.address \(String(reflecting: lease.spec.address)) is not an address")
                continue
            }
            guard var allocator = allocators[lease.spec.pool] else {
                notes.append("IPLease \(name): pool \(lease.spec.pool) is not a valid pool; \(address) is left as it is")
                continue
            }
            let holder = ClaimIdentity(namespace: lease.spec.claimRef.namespace, name: lease.spec.claimRef.name)
            do {
                if lease.isReleased {
                    try allocator.markCooling(address, releasedBy: holder)
                } else {
                    try allocator.markAllocated(address)
                    existing[holder, default: []].append((lease.spec.pool, address))
                }
                allocators[lease.spec.pool] = allocator
            } catch {
                notes.append("IPLease \(name): \(error) (pool \(lease.spec.pool))")
            }
        }

        // 3. Claims: written ones, then those of annotated Pods.
        var claims: [(IPClaim, ClaimOutcome.Source)] = input.claims.map { ($0, .claim) }
        let written = Set(input.claims.map { ClaimIdentity(namespace: $0.metadata.namespace ?? "", name: $0.metadata.name ?? "") })
        var outcomes: [ClaimOutcome] = []
        // In canonical order, so that notes come out the same whatever the input order.
        let pods = input.pods.map { pod in
            (ClaimIdentity(namespace: pod.metadata.namespace ?? "", name: pod.metadata.name ?? ""), pod)
        }.sorted { $0.0 < $1.0 }
        for (identity, pod) in pods where PodClaim.isAnnotated(pod) {
            // A written claim of that name wins even when the Pod's annotations are wrong:
            // the Pod gets no claim, so they cannot matter (and one outcome per identity).
            if written.contains(identity) {
                notes.append("Pod \(identity): an IPClaim of that name already exists and is not owned by the Pod; it is left alone")
                continue
            }
            do {
                guard let claim = try PodClaim.claim(for: pod) else { continue }
                claims.append((claim, .pod))
            } catch {
                outcomes.append(ClaimOutcome(
                    identity: identity, source: .pod, result: .failure(BindingFailure(error)), isExisting: false))
            }
        }

        // 4. Bind: existing bindings, then new ones in canonical order.
        let namespaceLabels = Dictionary(
            input.namespaces.map { ($0.metadata.name ?? "", $0.metadata.labels ?? [:]) },
            uniquingKeysWith: { first, _ in first })
        var pending: [(ClaimDefinition, ClaimOutcome.Source)] = []
        for (claim, source) in claims {
            let definition: ClaimDefinition
            do { definition = try ClaimDefinition(validating: claim) } catch {
                let identity = ClaimIdentity(namespace: claim.metadata.namespace ?? "", name: claim.metadata.name ?? "")
                outcomes.append(ClaimOutcome(
                    identity: identity, source: source, result: .failure(BindingFailure(error)), isExisting: false))
                continue
            }
            if let held = existing[definition.identity], let pool = held.first?.pool {
                // In the order of the claim's families (primary first), not of the lease names.
                let rank = { (address: IPAddress) in definition.request.families.firstIndex(of: address.family) ?? .max }
                let addresses = held.sorted { rank($0.address) < rank($1.address) }.map { lease in
                    catalog.definitions[lease.pool]!.layout.allocatedAddress(lease.address)
                }
                outcomes.append(ClaimOutcome(
                    identity: definition.identity, source: source,
                    result: .success(ClaimBinding(pool: pool, addresses: addresses)), isExisting: true))
                continue
            }
            pending.append((definition, source))
        }
        pending.sort { a, b in
            let (aStatic, bStatic) = (!a.0.request.staticAddresses.isEmpty, !b.0.request.staticAddresses.isEmpty)
            if aStatic != bStatic { return aStatic }
            return a.0.identity < b.0.identity
        }
        for (definition, source) in pending {
            let labels = namespaceLabels[definition.identity.namespace]
            let result = catalog.candidates(for: definition, namespaceLabels: labels).flatMap { candidates in
                ClaimBinding.bind(definition, candidates: candidates, allocators: &allocators)
            }
            outcomes.append(ClaimOutcome(identity: definition.identity, source: source, result: result, isExisting: false))
        }
        outcomes.sort { $0.identity < $1.identity }

        // Pool status after the batch.
        let pools = input.pools.sorted { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }.map { pool in
            let name = pool.metadata.name ?? ""
            let readiness = catalog.readiness(of: name)
            var usage: [IPAddress.Family: FamilyUsage] = [:]
            if let allocator = allocators[name] {
                for family in allocator.layout.families { usage[family] = allocator.usage(of: family) }
            }
            return PoolOutcome(
                name: name, readiness: readiness, usage: usage,
                status: PoolStatusBuilder.status(for: pool, readiness: readiness, usage: usage, now: now))
        }
        return Plan(claims: outcomes, pools: pools, notes: notes)
    }
}
