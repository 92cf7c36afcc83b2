import ControllerRuntime
import Foundation
import IPAMModel
import KubernetesClient
import KubernetesCore
import Logging

/// Gives annotated Pods an IPClaim of their own and the `allocated` annotation once it is bound;
/// deletes a Pod's claim when the Pod is gone or replaced (another UID) — by itself, with or
/// without the cluster's garbage collector.
///
/// ## Flow (key `namespace/name`, shared by the Pod and its claim)
/// - Annotated Pod, no claim → create the claim (owner reference to the Pod by UID). Annotations
///   that do not make a valid claim → a Warning Event on the Pod, nothing created.
/// - Claim owned by this Pod and Bound → the Pod's `ipam.swift-ipam.io/allocated` annotation is
///   patched to the claim's addresses when it differs.
/// - A claim of that name not owned by any Pod → left alone, with a Warning Event on the Pod.
/// - A Pod-owned claim whose Pod is gone or has another UID → deleted (preconditions {uid,
///   resourceVersion}); at once when this process saw the Pod's deletion, else after two
///   observations a grace period apart and a fresh read of the Pod from the API server.
struct PodReconciler: Reconciler {
    let context: ControllerContext

    func reconcile(_ key: ObjectKey) async throws -> ReconcileAction {
        let namespace = key.namespace ?? ""
        let pod = context.cache.pods.store.get(key)
        let claim = context.cache.claims.store.get(key)

        if let pod, PodClaim.isAnnotated(pod), pod.metadata.deletionTimestamp == nil {
            guard let claim else {
                try await createClaim(for: pod)
                return .done
            }
            if PodClaim.isOwned(claim, by: pod) {
                try await syncAllocatedAnnotation(pod, claim)
                return .done
            }
            if Self.podOwner(of: claim) == nil {
                context.event(
                    pod, .warning, reason: "ClaimExists", action: "CreateClaim",
                    note: "IPClaim \(namespace)/\(key.name) exists and is not owned by this Pod; it is left alone")
                return .done
            }
            // Owned by an earlier Pod of this name: falls through to the release below.
        }

        guard let claim, let owner = Self.podOwner(of: claim), let claimUID = claim.metadata.uid,
            claim.metadata.deletionTimestamp == nil
        else { return .done }
        if let pod, pod.metadata.uid == owner.uid { return .done }  // its Pod is alive (maybe unannotated now)

        if pod != nil || context.orphans.wasDeleted(owner: owner.uid) {
            // Replaced by a Pod of another UID, or its deletion was seen: no doubt left.
            try await deleteClaim(claim, uid: claimUID)
            return .done
        }
        switch context.orphans.observe(orphan: claimUID, kind: .podClaim) {
        case .wait(let delay):
            return .requeue(after: delay)
        case .confirm:
            do {
                let current = try await context.pods(in: namespace).get(key.name)
                if current.metadata.uid == owner.uid {
                    context.orphans.clear(claimUID)
                    return .done
                }
            } catch {
                guard error.isNotFound else { throw error }
            }
            try await deleteClaim(claim, uid: claimUID)
            return .done
        }
    }

    /// The Pod a claim belongs to: its owner reference to a `v1` Pod.
    static func podOwner(of claim: IPClaim) -> OwnerReference? {
        claim.metadata.ownerReferences?.first { $0.kind == "Pod" && $0.apiVersion == "v1" }
    }

    private func createClaim(for pod: Pod) async throws {
        let claim: IPClaim
        do {
            guard let made = try PodClaim.claim(for: pod) else { return }
            claim = made
        } catch {
            context.event(pod, .warning, reason: IPAMAPI.Reason.invalid, action: "CreateClaim", note: error.description)
            return
        }
        do {
            _ = try await context.claims(in: pod.metadata.namespace ?? "")
                .create(claim, options: WriteOptions(fieldManager: context.fieldManager))
        } catch {
            guard error.isAlreadyExists else { throw error }
            // Created meanwhile (by us before a restart, or by someone else): the watch brings it.
        }
    }

    private func syncAllocatedAnnotation(_ pod: Pod, _ claim: IPClaim) async throws {
        guard let status = claim.status, status.conditions?.isTrue(IPAMAPI.ConditionType.bound) == true,
            let value = PodClaim.allocatedAnnotation(for: status),
            pod.metadata.annotations?[IPAMAPI.PodAnnotation.allocated] != value
        else { return }
        let patch = try JSONBody(encoding: AnnotationPatch(metadata: .init(annotations: [IPAMAPI.PodAnnotation.allocated: value])))
        do {
            _ = try await context.pods(in: pod.metadata.namespace ?? "")
                .patch(pod.metadata.name ?? "", .merge(patch), options: WriteOptions(fieldManager: context.fieldManager))
        } catch {
            guard error.isNotFound else { throw error }
            // The Pod went away meanwhile.
        }
    }

    private func deleteClaim(_ claim: IPClaim, uid: String) async throws {
        do {
            try await context.claims(in: claim.metadata.namespace ?? "").delete(
                claim.metadata.name ?? "",
                options: DeleteOptions(preconditions: .init(uid: uid, resourceVersion: claim.metadata.resourceVersion)))
            context.logger.debug("deleted the claim of a gone Pod", metadata: ["claim": "\(ObjectKey(claim))"])
        } catch {
            // Gone, or changed since read: the watch brings the new state and we decide again.
            guard error.isNotFound || error.isConflict else { throw error }
        }
        context.orphans.clear(uid)
    }
}

/// `{"metadata":{"annotations":{…}}}`: a merge patch touching only the named annotations.
private struct AnnotationPatch: Encodable {
    struct Metadata: Encodable {
        var annotations: [String: String]
    }

    var metadata: Metadata
}
