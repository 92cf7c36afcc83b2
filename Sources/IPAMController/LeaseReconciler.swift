import ControllerRuntime
import Foundation
import IPAM
import IPAMModel
import KubernetesClient
import KubernetesCore
import Logging

/// Releasing a lease: `status.releasedAt` is set on a fresh read, guarded by its resourceVersion.
enum LeaseRelease {
    /// Marks lease `name` Released if it is still held by the claim with `uid`. A lease that is
    /// gone, released already, or now held by someone else is left alone.
    static func release(_ name: String, heldBy uid: String, reason: String, context: ControllerContext) async throws {
        var lease: IPLease
        do {
            lease = try await context.leases.get(name)
        } catch {
            guard error.isNotFound else { throw error }
            return
        }
        guard lease.spec.claimRef.uid == uid, !lease.isReleased else { return }
        lease.status = IPLeaseStatus(releasedAt: context.now())
        // The update carries the resourceVersion just read: a change in between is a conflict.
        _ = try await context.leases.updateStatus(lease, options: WriteOptions(fieldManager: context.fieldManager))
        context.metrics.leaseReleased(reason: reason)
        context.logger.debug("lease released", metadata: ["lease": "\(name)", "reason": "\(reason)"])
    }
}

/// Keeps IPLeases honest: a lease whose claim is gone (by UID) is released — at once when this
/// process saw the claim's deletion, otherwise after two observations a grace period apart and
/// a fresh read of the claim — and a Released lease is deleted once its pool's cooldown is over.
///
/// ## Guarantees (DESIGN.md, "Releasing, safely")
/// - Owners are compared by UID, never by name alone.
/// - An orphan found by a cache read (at start-up, on resync) is released only after it was seen
///   orphaned twice across the grace period and the claim was re-read from the API server.
/// - Deletes carry preconditions `{uid, resourceVersion}`: a lease re-issued in between is never
///   deleted by a stale decision.
/// - Nothing is released before the caches have synced (the controller starts workers after).
struct LeaseReconciler: Reconciler {
    let context: ControllerContext

    func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        guard let lease = context.cache.leases.store.get(key), let uid = lease.metadata.uid else { return .done }
        if let releasedAt = lease.status?.releasedAt {
            context.orphans.clear(uid)  // released (maybe by someone else): no longer a suspect
            return try await expireIfCooled(lease, uid: uid, releasedAt: releasedAt)
        }
        let ref = lease.spec.claimRef
        let claim = context.cache.claims.store.get(namespace: ref.namespace, name: ref.name)
        guard let claimUID = ref.uid else {
            // A lease written without a claim UID (by hand, or by an older tool): nothing to compare.
            return .done
        }
        if let claim, claim.metadata.uid == claimUID {
            context.orphans.clear(uid)
            return .done
        }
        if context.orphans.wasDeleted(owner: claimUID) {
            try await LeaseRelease.release(key.name, heldBy: claimUID, reason: "claim_deleted", context: context)
            context.orphans.clear(uid)
            return .done
        }
        switch context.orphans.observe(orphan: uid, kind: .lease) {
        case .wait(let delay):
            context.logger.debug("lease looks orphaned; looking again later", metadata: ["lease": "\(key.name)"])
            return .requeue(after: delay)
        case .confirm:
            // The cache may lag: ask the API server before releasing.
            do {
                let current = try await context.claims(in: ref.namespace).get(ref.name)
                if current.metadata.uid == claimUID {
                    context.orphans.clear(uid)
                    return .done
                }
            } catch {
                guard error.isNotFound else { throw error }
            }
            try await LeaseRelease.release(key.name, heldBy: claimUID, reason: "orphaned", context: context)
            context.orphans.clear(uid)
            return .done
        }
    }

    /// Deletes a Released lease once its pool's cooldown has passed; until then, waits.
    private func expireIfCooled(_ lease: IPLease, uid: String, releasedAt: Date) async throws -> ReconcileAction {
        let cooldown = cooldownSeconds(of: lease.spec.pool)
        let remaining = releasedAt.addingTimeInterval(Double(cooldown)).timeIntervalSince(context.now())
        if remaining > 0 {
            return .requeue(after: .milliseconds(Int64((remaining * 1000).rounded(.up))))
        }
        do {
            try await context.leases.delete(
                lease.metadata.name ?? "",
                options: DeleteOptions(
                    preconditions: .init(uid: uid, resourceVersion: lease.metadata.resourceVersion)))
        } catch {
            // Gone already, or changed since we read it (re-taken by its claim): the watch
            // brings the new state either way.
            guard error.isNotFound || error.isConflict else { throw error }
        }
        return .done
    }

    private func cooldownSeconds(of pool: String) -> Int64 {
        context.cache.pools.store.get(namespace: nil, name: pool)?.spec.reuseCooldownSeconds
            ?? IPAMAPI.defaultReuseCooldownSeconds
    }
}
