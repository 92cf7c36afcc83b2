import Foundation
import KubernetesCore

/// Create, update, patch and delete, with the API server's rules for server-owned metadata,
/// optimistic concurrency, the status subresource, generation and finalizers.
extension ObjectStore {
    /// POST: creates an object in `namespace` (nil for cluster-scoped kinds).
    func create(_ resource: ResourceKey, namespace: String?, body: JSONValue, dryRun: Bool) throws(FakeAPIError) -> JSONValue {
        let registration = try registration(of: resource)
        var object = try ObjectValidation.checkedObject(body, for: registration)
        var metadata = object.metadata
        if registration.isNamespaced {
            let namespace = namespace ?? ""
            if let given = metadata["namespace"]?.stringValue, !given.isEmpty, given != namespace {
                throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
            }
            metadata["namespace"] = .string(namespace)
        } else {
            metadata["namespace"] = nil
        }
        var name = metadata["name"]?.stringValue ?? ""
        if name.isEmpty {
            guard let prefix = metadata["generateName"]?.stringValue, !prefix.isEmpty else {
                throw .invalid(
                    registration.kind, group: registration.group, name: "",
                    causes: [
                        Status.Cause(
                            reason: "FieldValueRequired", message: "Required value: name or generateName is required",
                            field: "metadata.name")
                    ])
            }
            // The real server answers 409 when a generated name collides; the stand-in retries
            // instead, because with a test's small name space a collision is a test-only artefact.
            repeat {
                name = ObjectValidation.generatedName(prefix: prefix)
            } while stored(resource, ObjectKey(namespace: namespace ?? "", name: name)) != nil
        }
        metadata["name"] = .string(name)
        metadata["uid"] = .string(UUID().uuidString.lowercased())
        metadata["creationTimestamp"] = Self.timestamp()
        metadata["generation"] = .integer(1)
        metadata["resourceVersion"] = nil
        metadata["deletionTimestamp"] = nil
        metadata["deletionGracePeriodSeconds"] = nil
        metadata["selfLink"] = nil
        object.metadata = metadata
        if registration.hasStatusSubresource { object["status"] = nil }

        let causes = ObjectValidation.metadataProblems(object, registration: registration)
        guard causes.isEmpty else {
            throw .invalid(registration.kind, group: registration.group, name: name, causes: causes)
        }
        let key = ObjectKey(namespace: registration.isNamespaced ? (namespace ?? "") : "", name: name)
        guard stored(resource, key) == nil else { throw .alreadyExists(resource, name: name) }
        guard !dryRun else { return object }
        return commitAdded(resource, key, object)
    }

    /// PUT of the object (`statusOnly == false`) or of its `status` subresource.
    func update(
        _ resource: ResourceKey, _ key: ObjectKey, body: JSONValue, statusOnly: Bool, dryRun: Bool
    ) throws(FakeAPIError) -> JSONValue {
        let registration = try registration(of: resource)
        guard let old = stored(resource, key) else { throw .notFound(resource, name: key.name) }
        let proposed = try ObjectValidation.checkedObject(body, for: registration)
        let new = try prepareUpdate(registration, key, old: old, proposed: proposed, statusOnly: statusOnly)
        return commitModified(resource, key, old: old, new: new, dryRun: dryRun)
    }

    /// PATCH with a JSON merge patch, of the object or of its `status`.
    func mergePatch(
        _ resource: ResourceKey, _ key: ObjectKey, patch: JSONValue, statusOnly: Bool, dryRun: Bool
    ) throws(FakeAPIError) -> JSONValue {
        let registration = try registration(of: resource)
        guard let old = stored(resource, key) else { throw .notFound(resource, name: key.name) }
        guard case .object = patch else { throw .badRequest("a merge patch must be a JSON object") }
        let merged = JSONMergePatch.apply(patch, to: old)
        let proposed = try ObjectValidation.checkedObject(merged, for: registration)
        let new = try prepareUpdate(registration, key, old: old, proposed: proposed, statusOnly: statusOnly)
        return commitModified(resource, key, old: old, new: new, dryRun: dryRun)
    }

    /// PATCH with server-side apply, simplified: creates the object when it is absent (not for
    /// `status`), otherwise merges the applied configuration into it like a merge patch. Field
    /// ownership is not tracked, so fields a manager stops applying are not removed and
    /// conflicts between managers are never reported. Returns the object and whether it was created.
    func apply(
        _ resource: ResourceKey, _ key: ObjectKey, configuration: JSONValue, statusOnly: Bool, dryRun: Bool
    ) throws(FakeAPIError) -> (object: JSONValue, created: Bool) {
        let registration = try registration(of: resource)
        guard case .object = configuration else { throw .badRequest("an apply configuration must be a JSON object") }
        guard configuration["apiVersion"]?.stringValue != nil, configuration["kind"]?.stringValue != nil else {
            throw .badRequest("apply configurations must set apiVersion and kind")
        }
        let name = configuration["metadata"]?["name"]?.stringValue ?? ""
        guard name == key.name else {
            throw .badRequest("the name of the object (\(name)) does not match the name on the URL (\(key.name))")
        }
        guard let old = stored(resource, key) else {
            guard !statusOnly else { throw .notFound(resource, name: key.name) }
            let created = try create(
                resource, namespace: registration.isNamespaced ? key.namespace : nil, body: configuration,
                dryRun: dryRun)
            return (created, true)
        }
        var merged = JSONMergePatch.apply(configuration, to: old)
        if statusOnly {
            merged = old
            merged["status"] = JSONMergePatch.apply(configuration["status"] ?? .object([:]), to: old["status"] ?? .null)
        }
        let proposed = try ObjectValidation.checkedObject(merged, for: registration)
        let new = try prepareUpdate(registration, key, old: old, proposed: proposed, statusOnly: statusOnly)
        return (commitModified(resource, key, old: old, new: new, dryRun: dryRun), false)
    }

    /// The object an update stores: the caller's fields, with server-owned metadata, the status
    /// (or everything but the status) and the generation decided by the server.
    func prepareUpdate(
        _ registration: ResourceRegistration, _ key: ObjectKey, old: JSONValue, proposed: JSONValue, statusOnly: Bool
    ) throws(FakeAPIError) -> JSONValue {
        let resource = registration.key
        let given = proposed.metadata
        let name = given["name"]?.stringValue ?? ""
        guard name == key.name else {
            throw .badRequest("the name of the object (\(name)) does not match the name on the URL (\(key.name))")
        }
        if registration.isNamespaced, let namespace = given["namespace"]?.stringValue, !namespace.isEmpty,
            namespace != key.namespace
        {
            throw .badRequest("the namespace of the provided object does not match the namespace sent on the request")
        }
        if let version = given["resourceVersion"]?.stringValue, !version.isEmpty, version != old.resourceVersion {
            throw .staleResourceVersion(resource, name: key.name)
        }
        if let uid = given["uid"]?.stringValue, !uid.isEmpty, uid != old.uid {
            throw .conflict(
                resource, name: key.name,
                why: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(old.uid ?? "")")
        }

        if statusOnly {
            // Status writes change the status only; metadata and spec changes are dropped.
            var result = old
            result["status"] = proposed["status"]
            return result
        }

        var result = proposed
        var metadata = given
        let oldMetadata = old.metadata
        for field in [
            "name", "namespace", "uid", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
            "generation", "selfLink",
        ] {
            metadata[field] = oldMetadata[field]
        }
        result.metadata = metadata
        if registration.hasStatusSubresource { result["status"] = old["status"] }

        if old.isBeingDeleted {
            let added = Set(result.finalizers).subtracting(old.finalizers)
            if !added.isEmpty {
                throw .invalid(
                    registration.kind, group: registration.group, name: key.name,
                    causes: [
                        Status.Cause(
                            reason: "FieldValueForbidden",
                            message: "Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers \(added.sorted())",
                            field: "metadata.finalizers")
                    ])
            }
        }
        let causes = ObjectValidation.metadataProblems(result, registration: registration)
        guard causes.isEmpty else {
            throw .invalid(registration.kind, group: registration.group, name: key.name, causes: causes)
        }
        // Without a status subresource, status is part of the desired state (as for CRDs).
        let ignoringStatus = registration.hasStatusSubresource
        if result.desiredState(ignoringStatus: ignoringStatus) != old.desiredState(ignoringStatus: ignoringStatus) {
            result.setMetadata("generation", .integer(old.generation + 1))
        }
        return result
    }

    /// What a DELETE did: the object it returned and whether it is gone.
    struct DeleteOutcome: Sendable {
        var object: JSONValue
        var removed: Bool
    }

    /// DELETE: removes the object, or marks it (`deletionTimestamp`) while finalizers remain.
    func delete(
        _ resource: ResourceKey, _ key: ObjectKey, options: DeleteOptions, dryRun: Bool
    ) throws(FakeAPIError) -> DeleteOutcome {
        _ = try registration(of: resource)
        guard let old = stored(resource, key) else { throw .notFound(resource, name: key.name) }
        if let uid = options.preconditions?.uid, uid != old.uid {
            throw .conflict(
                resource, name: key.name,
                why: "Precondition failed: UID in precondition: \(uid), UID in object meta: \(old.uid ?? "")")
        }
        if let version = options.preconditions?.resourceVersion, version != old.resourceVersion {
            throw .conflict(
                resource, name: key.name,
                why: "Precondition failed: ResourceVersion in precondition: \(version), ResourceVersion in object meta: \(old.resourceVersion ?? "")"
            )
        }
        let policy = options.propagationPolicy ?? .background
        guard old.finalizers.isEmpty else {
            guard !old.isBeingDeleted else { return DeleteOutcome(object: old, removed: false) }
            var marked = old
            marked.setMetadata("deletionTimestamp", Self.timestamp())
            marked.setMetadata("deletionGracePeriodSeconds", .integer(0))
            // The API server bumps generation when it sets deletionTimestamp.
            marked.setMetadata("generation", .integer(old.generation + 1))
            guard !dryRun else { return DeleteOutcome(object: marked, removed: false) }
            if let uid = old.uid { pendingPropagation[uid] = policy }
            return DeleteOutcome(
                object: commitModified(resource, key, old: old, new: marked, dryRun: false), removed: false)
        }
        guard !dryRun else { return DeleteOutcome(object: old, removed: true) }
        var last = old
        last.setMetadata("resourceVersion", .string(String(nextResourceVersion())))
        remove(resource, key, lastState: last, policy: policy)
        return DeleteOutcome(object: last, removed: true)
    }

    /// Creates or replaces an object directly, bypassing authentication, faults and the
    /// optimistic-concurrency check; keeps a given `uid`, `creationTimestamp` and `generation`
    /// (so tests can build a "restored" cluster), fills them when absent.
    func seed(_ object: JSONValue) throws(FakeAPIError) -> JSONValue {
        guard case .object = object, let apiVersion = object["apiVersion"]?.stringValue,
            let kind = object["kind"]?.stringValue
        else { throw .badRequest("a seeded object needs apiVersion and kind") }
        guard let registration = registration(apiVersion: apiVersion, kind: kind) else {
            throw .badRequest("no resource registered for \(apiVersion) \(kind)")
        }
        if registration.isNamespaced, object.namespace.isEmpty {
            throw .badRequest("a seeded \(registration.kind) needs metadata.namespace")
        }
        var seeded = object
        let name = object.name.isEmpty ? ObjectValidation.generatedName(prefix: object.metadata["generateName"]?.stringValue ?? "seed-") : object.name
        seeded.setMetadata("name", .string(name))
        if !registration.isNamespaced { seeded.setMetadata("namespace", nil) }
        if seeded.uid == nil { seeded.setMetadata("uid", .string(UUID().uuidString.lowercased())) }
        if seeded.metadata["creationTimestamp"] == nil { seeded.setMetadata("creationTimestamp", Self.timestamp()) }
        if seeded.metadata["generation"] == nil { seeded.setMetadata("generation", .integer(1)) }
        let causes = ObjectValidation.metadataProblems(seeded, registration: registration)
        guard causes.isEmpty else {
            throw .invalid(registration.kind, group: registration.group, name: name, causes: causes)
        }
        let key = ObjectKey(namespace: registration.isNamespaced ? seeded.namespace : "", name: name)
        if let old = stored(registration.key, key) {
            return commitModified(registration.key, key, old: old, new: seeded, dryRun: false)
        }
        return commitAdded(registration.key, key, seeded)
    }
}
