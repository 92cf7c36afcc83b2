import ControllerRuntime
import Foundation
import IPAM
import IPAMModel
import Synchronization

/// The allocation state of every pool as this process knows it: an allocator per pool, primed
/// from the lease cache, plus the addresses this process has just taken whose leases the cache
/// does not show yet ("assumed", as the Kubernetes scheduler assumes pods).
///
/// ## Why
/// Work queues never reconcile one claim twice at once, but two claims of one pool run on
/// different workers. Every allocation decision therefore goes through ``bind(_:uid:candidates:held:preferred:)``,
/// which holds the book's lock while it decides and records the result, so two workers can
/// never pick one address. Across processes the lease name is the lock (AlreadyExists).
///
/// ## Guarantees
/// - An address this process has handed out stays taken in the book until the lease cache shows
///   its lease (then the cache is the truth) or ``forget(_:pool:)`` gives it back after a failed
///   create. An address seen taken by another writer (AlreadyExists) stays taken likewise.
/// - A pool's allocator is rebuilt from the cache when leases change in ways this process did
///   not cause (deleted, released, created by someone else) or its spec changes; changes the
///   process caused itself cost nothing.
/// - Assumed addresses whose lease never shows up are dropped after ``assumptionLifetime``, so a
///   lease deleted before the cache saw it cannot leak an address inside the process.
///
/// ## Caveats
/// - One lock for all pools: decisions take microseconds, but rebuilding a pool with very many
///   leases (about 100 ms per million) briefly delays decisions for other pools too.
final class AddressBook: Sendable {
    /// An address taken by this process (or seen taken by a racing writer) ahead of the cache.
    struct Assumption: Sendable {
        var pool: String
        var address: IPAddress
        /// The claim it was taken for; `nil` when another writer holds it.
        var claimUID: String?
        var claim: ClaimIdentity?
        var since: ContinuousClock.Instant
    }

    private struct PoolEntry {
        var allocator: PoolAllocator
        /// The definition the allocator was built for; a different one forces a rebuild.
        var definition: PoolDefinition
        var isStale: Bool
    }

    private struct State: ~Copyable {
        var pools: [String: PoolEntry] = [:]
        /// Lease name → assumption.
        var assumed: [String: Assumption] = [:]
    }

    private let leases: Store<IPLease>
    private let state = Mutex(State())
    private let clock = ContinuousClock()
    /// How long an assumption may wait for its lease to appear in the cache.
    let assumptionLifetime: Duration

    init(leases: Store<IPLease>, assumptionLifetime: Duration = .seconds(120)) {
        self.leases = leases
        self.assumptionLifetime = assumptionLifetime
    }

    // MARK: Deciding

    /// Binds `claim` to the first of `candidates` that can hold it and records the addresses as
    /// assumed for `uid`.
    ///
    /// - Parameters:
    ///   - held: addresses the claim holds already (its leases); they count as free for it and
    ///     are requested as static addresses, so a half-finished binding completes in place.
    ///   - preferred: addresses to try first (those its status names, when their leases are
    ///     missing); if they are not available the claim is bound as usual.
    func bind(
        _ claim: ClaimDefinition, uid: String, candidates: [PoolDefinition], held: [IPAddress], preferred: [IPAddress]
    ) -> Result<ClaimBinding, BindingFailure> {
        let now = clock.now
        return state.withLock { state in
            // The candidates' allocators are moved out of the book while deciding, so that they
            // are uniquely referenced and change in place (a copy would duplicate the tables).
            var allocators: [String: PoolAllocator] = [:]
            for pool in candidates {
                refresh(pool, in: &state, now: now)
                allocators[pool.name] = state.pools[pool.name]!.allocator
                state.pools[pool.name]!.allocator = pool.makeAllocator()  // a placeholder without tables
            }
            defer {
                for pool in candidates { state.pools[pool.name]!.allocator = allocators.removeValue(forKey: pool.name)! }
            }
            for address in held {
                for name in allocators.keys { allocators[name]!.release(address) }
            }
            let withPreferred = held + preferred.filter { !held.contains($0) }
            var result: Result<ClaimBinding, BindingFailure> = .failure(
                BindingFailure(reason: IPAMAPI.Reason.poolNotFound, message: "no candidate pool"))
            for wanted in withPreferred == held ? [held] : [withPreferred, held] {
                guard let request = claim.requesting(static: wanted) else { continue }
                // `bind` changes an allocator only when it succeeds.
                result = ClaimBinding.bind(request, candidates: candidates, allocators: &allocators)
                if case .success = result { break }
            }
            guard case .success(let binding) = result else {
                for address in held {
                    for name in allocators.keys { try? allocators[name]!.markAllocated(address) }
                }
                return result
            }
            for allocated in binding.addresses where !held.contains(allocated.address) {
                state.assumed[allocated.address.leaseName] = Assumption(
                    pool: binding.pool, address: allocated.address, claimUID: uid, claim: claim.identity, since: now)
            }
            return result
        }
    }

    /// Gives `address` back after its lease could not be created (not because it was taken).
    func forget(_ address: IPAddress, pool: String) {
        state.withLock { state in
            guard state.assumed.removeValue(forKey: address.leaseName) != nil else { return }
            state.pools[pool]?.isStale = true
        }
    }

    /// Records that another writer holds `address` (our create met AlreadyExists), so that no
    /// decision picks it again before the cache shows that lease.
    func markTakenElsewhere(_ address: IPAddress, pool: String) {
        let now = clock.now
        state.withLock { state in
            state.assumed[address.leaseName] = Assumption(pool: pool, address: address, claimUID: nil, claim: nil, since: now)
            _ = try? state.pools[pool]?.allocator.markAllocated(address)
        }
    }

    /// Addresses assumed for the claim with `uid` in `pool` (created, not yet in the cache).
    func assumed(forClaimUID uid: String) -> [Assumption] {
        state.withLock { state in state.assumed.values.filter { $0.claimUID == uid } }
    }

    // MARK: Observing the cache

    /// Keeps the book in step with a lease change seen by the cache.
    func observe(_ change: StoreChange<IPLease>) {
        let lease = change.object
        let name = lease.metadata.name ?? ""
        state.withLock { state in
            switch change {
            case .added(let lease) where state.assumed[name] != nil && !lease.isReleased:
                // Our own (or a known racing) allocation has reached the cache: nothing changes.
                state.assumed[name] = nil
            case .added, .updated, .deleted:
                state.assumed[name] = nil
                state.pools[lease.spec.pool]?.isStale = true
                if case .updated(let old, _) = change, old.spec.pool != lease.spec.pool {
                    state.pools[old.spec.pool]?.isStale = true
                }
            }
        }
    }

    /// Address counts of `pool` (allocated, cooling, free per family), as the book sees it.
    func usage(of pool: PoolDefinition) -> [IPAddress.Family: FamilyUsage] {
        let now = clock.now
        return state.withLock { state in
            refresh(pool, in: &state, now: now)
            let allocator = state.pools[pool.name]!.allocator
            var usage: [IPAddress.Family: FamilyUsage] = [:]
            for family in allocator.layout.families { usage[family] = allocator.usage(of: family) }
            return usage
        }
    }

    /// Forgets pools that no longer exist.
    func retainPools(_ names: Set<String>) {
        state.withLock { state in
            state.pools = state.pools.filter { names.contains($0.key) }
        }
    }

    // MARK: Building

    /// Rebuilds the allocator of `pool` from the cache and the assumptions if it is stale.
    private func refresh(_ pool: PoolDefinition, in state: inout State, now: ContinuousClock.Instant) {
        if let entry = state.pools[pool.name], !entry.isStale, entry.definition == pool { return }
        var allocator = pool.makeAllocator()
        for lease in leases.objects(in: ClusterCache.leasePoolIndex, value: pool.name) {
            guard let address = try? IPAddress(lease.spec.address) else { continue }
            let holder = ClaimIdentity(namespace: lease.spec.claimRef.namespace, name: lease.spec.claimRef.name)
            if lease.isReleased {
                try? allocator.markCooling(address, releasedBy: holder)
            } else {
                try? allocator.markAllocated(address)
            }
        }
        // Assumptions of this pool that are still young stay taken.
        for (name, assumption) in state.assumed where assumption.pool == pool.name {
            if assumption.since.duration(to: now) > assumptionLifetime {
                state.assumed[name] = nil
                continue
            }
            try? allocator.markAllocated(assumption.address)
        }
        state.pools[pool.name] = PoolEntry(allocator: allocator, definition: pool, isStale: false)
    }
}
