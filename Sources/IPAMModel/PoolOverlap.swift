public import IPAM

/// Which pools lose because they overlap an older pool.
///
/// Lease names are bare addresses, so all pools share one address space and
/// two pools must not overlap. Pools are taken oldest first (see
/// ``PoolDefinition/isOlder(than:)``); a pool that overlaps one already
/// accepted loses and allocates nothing, and does not block pools after it.
/// The result depends only on the set of pools, not on their input order.
public enum PoolOverlap {
    /// For each losing pool, the name of the older pool it overlaps and one shared prefix.
    public static func losers(among pools: [PoolDefinition]) -> [String: (winner: String, cidr: IPPrefix)] {
        var accepted: [PoolDefinition] = []
        var losers: [String: (winner: String, cidr: IPPrefix)] = [:]
        for pool in pools.sorted(by: { $0.isOlder(than: $1) }) {
            if let conflict = firstOverlap(of: pool, with: accepted) {
                losers[pool.name] = conflict
            } else {
                accepted.append(pool)
            }
        }
        return losers
    }

    private static func firstOverlap(
        of pool: PoolDefinition,
        with accepted: [PoolDefinition]
    ) -> (winner: String, cidr: IPPrefix)? {
        for other in accepted {
            for mine in pool.layout.cidrs {
                if other.layout.cidrs.contains(where: { $0.overlaps(mine) }) { return (other.name, mine) }
            }
        }
        return nil
    }
}
