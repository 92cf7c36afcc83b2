import ControllerRuntime
import Foundation
import IPAM
import IPAMModel
import KubernetesClient
import KubernetesCore
import Logging

/// Binds IPClaims: finalizer, pool selection, allocation, leases, status; and releases a deleted
/// claim's leases into their cooldown.
///
/// ## Flow of one reconcile (key `namespace/name`)
/// 1. The claim is read from the cache; gone → nothing to do (its leases are the lease
///    reconciler's). The finalizer is added first (one patch), and binding goes on with the
///    patched claim.
/// 2. Deleting → every lease of the claim (by UID) gets `status.releasedAt` (cooldown), then the
///    finalizer goes.
/// 3. Otherwise the claim is validated (invalid → `Bound=False, reason=Invalid`, not retried),
///    its leases are looked up by UID (the cache plus what this process created moments ago):
///    complete → status only. Else candidate pools are chosen (``PoolCatalog``), the
///    ``AddressBook`` decides under its lock, each new address becomes an IPLease named by the
///    address — AlreadyExists means another writer took it: that address is marked taken and
///    the decision is made again (a few times, then the claim is requeued with backoff).
/// 4. The status is written (`Bound=True` with the addresses, or `Bound=False` with the reason).
///
/// ## Writes per claim
/// Finalizer patch, one lease per family, one status update: three for a single-family claim.
/// A claim that cannot be bound writes its status once per distinct reason and waits for a
/// trigger (pool change, lease release); it is never requeued in a loop.
struct ClaimReconciler: Reconciler {
    let context: ControllerContext
    /// Re-queues the status of a pool (coalesced).
    let poolChanged: @Sendable (String) -> Void

    /// How often one reconcile re-decides after lease conflicts before backing off.
    static let conflictAttempts = 5

    func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        guard let claim = context.cache.claims.store.get(key) else { return .done }
        let client = context.claims(in: key.namespace ?? "")
        // A new claim is bound in the pass that adds its finalizer: a watch round trip and a
        // queue pass sooner (the allocation latency users see), same writes.
        let outcome = try await Finalizers.run(claim, client: client, afterAdding: .apply) { event in
            switch event {
            case .apply(let claim): try await bind(claim)
            case .cleanup(let claim): try await release(claim)
            }
            return ReconcileAction.done
        }
        return outcome
    }

    // MARK: Binding

    private func bind(_ cachedClaim: IPClaim) async throws {
        var claim = cachedClaim
        guard let uid = claim.metadata.uid else { return }
        let definition: ClaimDefinition
        do {
            definition = try ClaimDefinition(validating: claim)
        } catch {
            try await writeStatus(claim, ClaimStatusBuilder.status(for: claim, failure: BindingFailure(error), now: context.now()))
            return
        }

        var statusAddresses = Self.statusAddresses(of: claim)
        for _ in 0..<Self.conflictAttempts {
            var leases = heldAddresses(of: uid)
            // A lease the status names that this cache does not show yet (another replica made
            // it moments ago) is looked up: a status written without it would overwrite the
            // other replica's choice, and the two would take turns.
            leases += try await unseenLeases(named: statusAddresses, besides: leases, uid: uid)
            // Two replicas racing can each lease an address for one claim: keep one per family
            // (the one the status names, else the lowest — the same choice on every replica) and
            // release the others once the status names the kept ones.
            var (held, extra) = Self.partition(leases, families: definition.request.families, preferring: statusAddresses)
            if !extra.isEmpty {
                // Which one the status names is read from the API server, not this cache: a
                // replica keeping what its stale cache names could release the lease the other
                // replica has just written into the status.
                guard let fresh = try await freshClaim(claim), fresh.metadata.uid == uid else { return }
                claim = fresh
                statusAddresses = Self.statusAddresses(of: fresh)
                leases += try await unseenLeases(named: statusAddresses, besides: leases, uid: uid)
                (held, extra) = Self.partition(leases, families: definition.request.families, preferring: statusAddresses)
            }
            // One catalog per attempt: building it validates every pool and checks overlaps.
            let catalog = context.cache.catalog()
            // Complete: every requested family has a lease of this claim.
            if let binding = completeBinding(definition, held: held, catalog: catalog) {
                try await writeBound(claim, binding)
                try await release(duplicates: extra, of: uid)
                return
            }
            let labels = context.cache.labels(ofNamespace: definition.identity.namespace)
            let candidates: [PoolDefinition]
            switch catalog.candidates(for: definition, namespaceLabels: labels) {
            case .success(let pools): candidates = pools
            case .failure(let failure):
                try await writeFailure(claim, failure)
                try await release(duplicates: extra, of: uid)
                return
            }
            let heldAddresses = held.map(\.address)
            let binding: ClaimBinding
            switch context.book.bind(
                definition, uid: uid, candidates: candidates, held: heldAddresses, preferred: statusAddresses)
            {
            case .success(let result): binding = result
            case .failure(let failure):
                try await writeFailure(claim, failure)
                try await release(duplicates: extra, of: uid)
                return
            }
            if try await createLeases(for: claim, uid: uid, binding: binding, held: heldAddresses) {
                try await writeBound(claim, binding)
                try await release(duplicates: extra, of: uid)
                poolChanged(binding.pool)
                return
            }
            // A lease was taken by another writer: decide again with that address marked.
        }
        throw LeaseConflicts(claim: ObjectKey(claim))
    }

    private static func statusAddresses(of claim: IPClaim) -> [IPAddress] {
        (claim.status?.addresses ?? []).compactMap { try? IPAddress($0.address) }
    }

    /// Releases a claim's duplicate leases. Called only after the status names the kept ones:
    /// released first, a status write that loses a race (409) would leave the status naming a
    /// released lease.
    private func release(duplicates: [(pool: String, address: IPAddress)], of uid: String) async throws {
        for duplicate in duplicates {
            try await LeaseRelease.release(duplicate.address.leaseName, heldBy: uid, reason: "duplicate", context: context)
        }
    }

    /// Live leases of the claim `uid` for `addresses` that `known` lacks, read from the API server.
    /// Nothing is read when `known` covers them all (the usual case).
    private func unseenLeases(
        named addresses: [IPAddress], besides known: [(pool: String, address: IPAddress)], uid: String
    ) async throws -> [(pool: String, address: IPAddress)] {
        var found: [(pool: String, address: IPAddress)] = []
        for address in addresses where !known.contains(where: { $0.address == address }) {
            let lease: IPLease
            do {
                lease = try await context.leases.get(address.leaseName)
            } catch {
                guard error.isNotFound else { throw error }
                continue
            }
            guard lease.spec.claimRef.uid == uid, !lease.isReleased, (try? IPAddress(lease.spec.address)) == address
            else { continue }
            found.append((lease.spec.pool, address))
        }
        return found
    }

    /// The claim as the API server has it now; `nil` when it is gone.
    private func freshClaim(_ claim: IPClaim) async throws -> IPClaim? {
        do {
            return try await context.claims(in: claim.metadata.namespace ?? "").get(claim.metadata.name ?? "")
        } catch {
            guard error.isNotFound else { throw error }
            return nil
        }
    }

    /// The claim's leases: in the cache by UID, and those this process created that the cache
    /// does not show yet.
    private func heldAddresses(of uid: String) -> [(pool: String, address: IPAddress)] {
        var held: [(pool: String, address: IPAddress)] = []
        for lease in context.cache.leases(ofClaimUID: uid) where !lease.isReleased {
            if let address = try? IPAddress(lease.spec.address) { held.append((lease.spec.pool, address)) }
        }
        for assumption in context.book.assumed(forClaimUID: uid) where !held.contains(where: { $0.address == assumption.address }) {
            held.append((assumption.pool, assumption.address))
        }
        return held
    }

    /// Splits a claim's leases into those it keeps (at most one per requested family: the one
    /// in `preferred`, else the lowest address) and the rest.
    static func partition(
        _ held: [(pool: String, address: IPAddress)], families: [IPAddress.Family], preferring preferred: [IPAddress]
    ) -> (kept: [(pool: String, address: IPAddress)], extra: [(pool: String, address: IPAddress)]) {
        var kept: [(pool: String, address: IPAddress)] = []
        var extra: [(pool: String, address: IPAddress)] = []
        for family in Set(held.map(\.address.family)) {
            let candidates = held.filter { $0.address.family == family }.sorted { $0.address < $1.address }
            guard families.contains(family) else {
                extra += candidates
                continue
            }
            let keep = candidates.first { preferred.contains($0.address) } ?? candidates[0]
            kept.append(keep)
            extra += candidates.filter { $0.address != keep.address }
        }
        return (kept, extra)
    }

    /// The binding the claim's leases already make, when they cover every requested family
    /// from one pool.
    private func completeBinding(
        _ claim: ClaimDefinition, held: [(pool: String, address: IPAddress)], catalog: PoolCatalog
    ) -> ClaimBinding? {
        guard let pool = held.first?.pool, held.allSatisfy({ $0.pool == pool }) else { return nil }
        guard let layout = catalog.definitions[pool]?.layout else { return nil }
        var addresses: [AllocatedAddress] = []
        for family in claim.request.families {
            guard let address = held.first(where: { $0.address.family == family })?.address else { return nil }
            addresses.append(layout.allocatedAddress(address))
        }
        return ClaimBinding(pool: pool, addresses: addresses)
    }

    /// Creates the leases of `binding` that the claim does not hold yet. Returns `false` when one
    /// was taken by another writer (that address is marked taken in the book).
    private func createLeases(
        for claim: IPClaim, uid: String, binding: ClaimBinding, held: [IPAddress]
    ) async throws -> Bool {
        let namespace = claim.metadata.namespace ?? ""
        let name = claim.metadata.name ?? ""
        for allocated in binding.addresses where !held.contains(allocated.address) {
            let address = allocated.address
            let lease = IPLease(
                metadata: ObjectMeta(name: address.leaseName, labels: [IPAMAPI.poolLabel: binding.pool]),
                spec: IPLeaseSpec(
                    address: address.description, pool: binding.pool,
                    claimRef: ClaimReference(namespace: namespace, name: name, uid: uid)))
            let failure: KubernetesError
            do {
                _ = try await context.leases.create(lease, options: WriteOptions(fieldManager: context.fieldManager))
                continue
            } catch {
                failure = error
            }
            guard failure.isAlreadyExists else {
                context.book.forget(address, pool: binding.pool)
                throw failure
            }
            if try await adoptExisting(address, for: claim, uid: uid, pool: binding.pool) { continue }
            context.metrics.leaseConflicts.increment()
            context.book.markTakenElsewhere(address, pool: binding.pool)
            context.logger.debug(
                "lease taken by another writer; choosing again",
                metadata: ["claim": "\(namespace)/\(name)", "address": "\(address)"])
            return false
        }
        return true
    }

    /// An existing lease for `address` that this claim may keep: its own (a create retried after
    /// a lost response), or one its namespace/name released and that is cooling down (re-taken
    /// at once, as DESIGN.md allows). Returns whether the claim now holds it.
    private func adoptExisting(_ address: IPAddress, for claim: IPClaim, uid: String, pool: String) async throws -> Bool {
        let existing: IPLease
        do {
            existing = try await context.leases.get(address.leaseName)
        } catch {
            guard error.isNotFound else { throw error }
            return false  // deleted meanwhile: the next decision may take it
        }
        let ref = existing.spec.claimRef
        if ref.uid == uid { return true }
        guard existing.isReleased, ref.namespace == claim.metadata.namespace, ref.name == claim.metadata.name,
            existing.spec.pool == pool
        else { return false }
        var reclaimed = existing
        reclaimed.spec.claimRef.uid = uid
        reclaimed = try await context.leases.update(reclaimed, options: WriteOptions(fieldManager: context.fieldManager))
        reclaimed.status = IPLeaseStatus(releasedAt: nil)
        _ = try await context.leases.updateStatus(reclaimed, options: WriteOptions(fieldManager: context.fieldManager))
        return true
    }

    // MARK: Status

    private func writeBound(_ claim: IPClaim, _ binding: ClaimBinding) async throws {
        let wasBound = claim.status?.conditions?.isTrue(IPAMAPI.ConditionType.bound) == true
        let status = ClaimStatusBuilder.status(for: claim, binding: binding, now: context.now())
        guard try await writeStatus(claim, status) else { return }
        // No Event for a successful binding: the status says it, and an Event per claim would be
        // a fourth write per claim that never aggregates (failures do get Events).
        if !wasBound, let created = claim.metadata.creationTimestamp {
            context.metrics.allocationDuration.recordSeconds(max(0, context.now().timeIntervalSince(created)))
        }
    }

    private func writeFailure(_ claim: IPClaim, _ failure: BindingFailure) async throws {
        let status = ClaimStatusBuilder.status(for: claim, failure: failure, now: context.now())
        if try await writeStatus(claim, status) {
            context.event(claim, .warning, reason: failure.reason, action: "Allocate", note: failure.message)
        }
    }

    /// Writes `status` unless the claim has it already (transition times aside). Returns whether
    /// it wrote.
    @discardableResult
    private func writeStatus(_ claim: IPClaim, _ status: IPClaimStatus) async throws -> Bool {
        guard !StatusComparison.same(claim.status, status) else { return false }
        var updated = claim
        updated.status = status
        do {
            _ = try await context.claims(in: claim.metadata.namespace ?? "")
                .updateStatus(updated, options: WriteOptions(fieldManager: context.fieldManager))
            return true
        } catch {
            guard error.isConflict else { throw error }
            // Usually the cache is behind this process's own last write: a new claim is bound in
            // the pass that adds its finalizer, and the finalizer's watch event requeues it before
            // the status write's event arrives. When the server has this status already, nothing
            // is left to write (not an error, no backoff); otherwise the conflict stands.
            guard let fresh = try await freshClaim(claim), fresh.metadata.uid == claim.metadata.uid,
                StatusComparison.same(fresh.status, status)
            else { throw error }
            return false
        }
    }

    // MARK: Releasing

    /// Puts every lease of the deleted claim into its cooldown.
    private func release(_ claim: IPClaim) async throws {
        guard let uid = claim.metadata.uid else { return }
        var names = Set(context.cache.leases(ofClaimUID: uid).filter { !$0.isReleased }.compactMap(\.metadata.name))
        names.formUnion(context.book.assumed(forClaimUID: uid).map(\.address.leaseName))
        let reason = PodReconciler.podOwner(of: claim) == nil ? "claim_deleted" : "pod_deleted"
        for name in names.sorted() {
            try await LeaseRelease.release(name, heldBy: uid, reason: reason, context: context)
        }
    }
}

/// A claim met more lease conflicts in one reconcile than it retries; it is requeued with backoff.
struct LeaseConflicts: Error, CustomStringConvertible {
    let claim: ObjectKey
    var description: String { "\(claim): every address chosen was taken by another writer; retrying later" }
}
