import IPAM
import IPAMModel
import KubernetesCore

/// `ipamctl status`: one entry per pool and family, computed from a snapshot.
///
/// Counts come from the live objects, not from the pools' written status, so they are right
/// even while no controller runs: the size from the pool's spec (every CIDR, less exclusions,
/// gateways and network/broadcast or subnet-router addresses), allocated and cooling from the
/// pool's IPLeases (active, and Released while cooling down), free the rest. Sizes and free
/// counts are exact decimal strings, since an IPv6 pool exceeds 64 bits (a /64 alone has 2^64
/// addresses). Conditions are the pool's own, as the controller wrote them.
///
/// A claim waits when it is not `Bound=True` and not being deleted; it counts in every pool it
/// could be bound to (its named pool, or each pool its selector matches) and in the rows of the
/// families it asks for.
public struct PoolUsageReport: Codable, Hashable, Sendable {
    public struct Family: Codable, Hashable, Sendable {
        /// `IPv4` or `IPv6`.
        public var family: String
        public var size: String
        public var allocated: String
        public var cooling: String
        public var free: String
        /// Claims waiting that ask for this family.
        public var waiting: Int
    }

    public struct Pool: Codable, Hashable, Sendable {
        public var name: String
        /// Families of a valid spec (none for an invalid one).
        public var families: [Family]
        /// Why the spec is invalid, when it is.
        public var invalid: String?
        /// The pool's conditions as written, `Type` for True and `Type=Status(Reason)` for a
        /// `Ready` that is not True.
        public var conditions: [String]
    }

    public var pools: [Pool]

    public init(pools: [Pool]) { self.pools = pools }

    /// The report for `snapshot` (pools, claims and leases are used).
    public init(_ snapshot: ClusterSnapshot) {
        let catalog = PoolCatalog(snapshot.pools)
        var allocators: [String: PoolAllocator] = [:]
        for (name, definition) in catalog.definitions { allocators[name] = definition.makeAllocator() }
        for lease in snapshot.leases {
            guard let address = try? IPAddress(lease.spec.address), var allocator = allocators[lease.spec.pool] else {
                continue
            }
            let holder = ClaimIdentity(namespace: lease.spec.claimRef.namespace, name: lease.spec.claimRef.name)
            // Outside the pool, or a second lease for one address: `check` reports those.
            if lease.isReleased {
                try? allocator.markCooling(address, releasedBy: holder)
            } else {
                try? allocator.markAllocated(address)
            }
            allocators[lease.spec.pool] = allocator
        }

        // Waiting claims per pool and family.
        var waiting: [String: [IPAddress.Family: Int]] = [:]
        for claim in snapshot.claims where claim.metadata.deletionTimestamp == nil {
            guard claim.status?.conditions?.isTrue(IPAMAPI.ConditionType.bound) != true,
                let definition = try? ClaimDefinition(validating: claim)
            else { continue }
            let pools: [String]
            switch definition.target {
            case .named(let name): pools = [name]
            case .selected(let selector):
                pools = catalog.definitions.values.filter { selector.matches($0.labels) }.map(\.name)
            }
            for pool in pools {
                for family in definition.request.families { waiting[pool, default: [:]][family, default: 0] += 1 }
            }
        }

        pools = snapshot.pools.sorted { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }.map { pool in
            let name = pool.metadata.name ?? ""
            var families: [Family] = []
            if let allocator = allocators[name] {
                for family in allocator.layout.families {
                    guard let usage = allocator.usage(of: family) else { continue }
                    families.append(Family(
                        family: family.rawValue, size: String(usage.size), allocated: String(usage.allocated),
                        cooling: String(usage.cooling), free: String(usage.free),
                        waiting: waiting[name]?[family] ?? 0))
                }
            }
            return Pool(
                name: name, families: families, invalid: catalog.invalid[name]?.description,
                conditions: Self.conditions(of: pool))
        }
    }

    /// `Ready`, `Exhausted`, … for True conditions; `Ready=False(Overlapping)` for a Ready that
    /// is not True; `Stalled` and the others as written.
    static func conditions(of pool: IPPool) -> [String] {
        (pool.status?.conditions ?? []).compactMap { condition in
            if condition.status == .true { return condition.type }
            if condition.type == IPAMAPI.ConditionType.ready {
                return "\(condition.type)=\(condition.status.rawValue)(\(condition.reason))"
            }
            return nil
        }
    }

    /// The table `ipamctl status` prints.
    public func table() -> String {
        var table = TableRenderer("POOL", "FAMILY", "SIZE", "ALLOCATED", "COOLING", "FREE", "WAITING", "CONDITIONS")
        for pool in pools {
            let conditions = pool.conditions.isEmpty ? "-" : pool.conditions.joined(separator: ",")
            if pool.families.isEmpty {
                let why = pool.invalid.map { "Invalid: \($0)" }
                table.append([pool.name, "-", "-", "-", "-", "-", "-", why ?? conditions])
            }
            for family in pool.families {
                table.append([
                    pool.name, family.family, family.size, family.allocated, family.cooling, family.free,
                    String(family.waiting), conditions,
                ])
            }
        }
        if pools.isEmpty { return "No IPPools found.\n" }
        return table.render() + "\n"
    }
}
