public import IPAM

/// A claim's allocation: the pool and one address per requested family.
public struct ClaimBinding: Hashable, Sendable {
    public let pool: String
    /// In the order of the claim's families.
    public let addresses: [AllocatedAddress]

    public init(pool: String, addresses: [AllocatedAddress]) {
        self.pool = pool
        self.addresses = addresses
    }

    /// Tries `candidates` in order and binds `claim` to the first that can
    /// hold it: all families or none, from one pool.
    ///
    /// `allocators` holds the allocator of each candidate pool, already
    /// primed with the addresses in use; the winning pool's allocator records
    /// the new addresses. When every candidate fails, the reported failure is
    /// the first one that is not "outside this pool" (a static address
    /// naturally lies in only one of several candidates), else the first.
    public static func bind(
        _ claim: ClaimDefinition,
        candidates: [PoolDefinition],
        allocators: inout [String: PoolAllocator]
    ) -> Result<ClaimBinding, BindingFailure> {
        var failures: [(AllocationError, String)] = []
        for pool in candidates {
            guard var allocator = allocators[pool.name] else { continue }
            do {
                let addresses = try allocator.allocate(for: claim.identity, claim.request)
                allocators[pool.name] = allocator
                return .success(ClaimBinding(pool: pool.name, addresses: addresses))
            } catch {
                failures.append((error, pool.name))
            }
        }
        let isOutside: (AllocationError) -> Bool = { if case .notInPool = $0 { true } else { false } }
        guard let (error, pool) = failures.first(where: { !isOutside($0.0) }) ?? failures.first else {
            return .failure(BindingFailure(reason: IPAMAPI.Reason.poolNotFound, message: "no candidate pool"))
        }
        if failures.count > 1, isOutside(error), let address = claim.request.staticAddresses.first {
            return .failure(BindingFailure(
                reason: IPAMAPI.Reason.addressUnavailable,
                message: "\(address) is outside every candidate pool (\(failures.map(\.1).joined(separator: ", ")))"))
        }
        return .failure(BindingFailure(error, pool: pool))
    }
}
