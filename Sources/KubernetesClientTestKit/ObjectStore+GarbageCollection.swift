import KubernetesCore

/// A simplified garbage collector: owner references are followed by UID, synchronously, when an
/// owner is removed.
///
/// Like the real one, it deletes a dependent only when none of its owners exists any more (a
/// dependent with another live owner just loses the dangling reference), honours `Orphan` by
/// removing the references instead, and deletes dependents the way a DELETE would (finalizers
/// hold them). Unlike the real one it runs inside the owner's deletion, so when it is enabled the
/// dependents are already gone (or marked) when the DELETE returns; turn it off to model a
/// lagging collector. It ignores `blockOwnerDeletion` and treats `Foreground` as `Background`.
extension ObjectStore {
    func setGarbageCollectorEnabled(_ enabled: Bool) {
        isGarbageCollectorEnabled = enabled
        if enabled { collectGarbage() }
    }

    /// One full pass: every object whose owners are all gone is deleted; references to missing
    /// owners are removed from objects that still have a live owner. Repeats until stable,
    /// because deletions can orphan further objects.
    func collectGarbage() {
        guard isGarbageCollectorEnabled else { return }
        var changed = true
        while changed {
            changed = false
            let missingOwners = dependentsIndex.keys.filter { uidIndex[$0] == nil }.sorted()
            for owner in missingOwners {
                collectDependents(ofOwner: owner, policy: .background)
                changed = true
            }
        }
    }

    /// Acts on the dependents of the owner with `uid`, which has just been removed.
    func collectDependents(ofOwner uid: String, policy: DeleteOptions.PropagationPolicy) {
        guard isGarbageCollectorEnabled, let addresses = dependentsIndex[uid] else { return }
        let ordered = addresses.sorted { ($0.resource.description, $0.key) < ($1.resource.description, $1.key) }
        for address in ordered {
            guard let dependent = tables[address.resource]?.objects[address.key] else { continue }
            let liveOwners = dependent.ownerUIDs.subtracting([uid]).filter { uidIndex[$0] != nil }
            if policy == .orphan || !liveOwners.isEmpty {
                removeOwnerReference(uid, from: address, dependent)
            } else {
                deleteDependent(at: address, dependent)
            }
        }
        // Whatever still names the owner (a dependent held by its finalizers) keeps the entry.
        if dependentsIndex[uid]?.isEmpty == true { dependentsIndex[uid] = nil }
    }

    private func removeOwnerReference(_ uid: String, from address: ObjectAddress, _ dependent: JSONValue) {
        var updated = dependent
        let references = (dependent.metadata["ownerReferences"]?.arrayValue ?? []).filter {
            $0["uid"]?.stringValue != uid
        }
        updated.setMetadata("ownerReferences", references.isEmpty ? nil : .array(references))
        _ = commitModified(address.resource, address.key, old: dependent, new: updated, dryRun: false)
    }

    private func deleteDependent(at address: ObjectAddress, _ dependent: JSONValue) {
        if !dependent.finalizers.isEmpty {
            guard !dependent.isBeingDeleted else {
                // Already marked: it goes when its finalizers do. Stop tracking this owner for it,
                // so the collector does not revisit it on every pass.
                for owner in dependent.ownerUIDs where uidIndex[owner] == nil {
                    dependentsIndex[owner]?.remove(address)
                }
                return
            }
            var marked = dependent
            marked.setMetadata("deletionTimestamp", Self.timestamp())
            marked.setMetadata("deletionGracePeriodSeconds", .integer(0))
            marked.setMetadata("generation", .integer(dependent.generation + 1))
            _ = commitModified(address.resource, address.key, old: dependent, new: marked, dryRun: false)
            for owner in dependent.ownerUIDs where uidIndex[owner] == nil {
                dependentsIndex[owner]?.remove(address)
            }
            return
        }
        var last = dependent
        last.setMetadata("resourceVersion", .string(String(nextResourceVersion())))
        remove(address.resource, address.key, lastState: last, policy: .background)
    }
}
