import Foundation
import KubernetesCore

/// The stand-in's etcd and watch cache: every object of every registered kind, one global
/// resourceVersion counter, the bounded change history per kind, and the open watches.
///
/// An actor, so each API call is one atomic step: the write, its new resourceVersion, its
/// history entry and its delivery to watchers happen together, and a watch that starts replays
/// history and goes live in one step without a gap.
///
/// Objects are kept as ``JSONValue`` because the API server itself is schema-agnostic for custom
/// resources; only `metadata` (and `status`, for kinds with the subresource) has meaning here.
actor ObjectStore {
    struct Table: Sendable {
        var registration: ResourceRegistration
        var objects: [ObjectKey: JSONValue] = [:] {
            didSet { sortedKeysCache = nil }
        }
        /// `objects.keys` in order, kept between pages of one listing (a paginated list of
        /// 100,000 objects would otherwise sort them again for every page).
        fileprivate(set) var sortedKeysCache: [ObjectKey]? = nil

        /// The keys in order; cached until the next write.
        mutating func sortedKeys() -> [ObjectKey] {
            if let sortedKeysCache { return sortedKeysCache }
            let keys = objects.keys.sorted()
            sortedKeysCache = keys
            return keys
        }
        var history: EventHistory
    }

    var tables: [ResourceKey: Table] = [:]
    /// The last resourceVersion handed out; the next write gets this plus one.
    private(set) var resourceVersion: Int64
    /// Versions up to here are compacted: continue tokens from before it are expired.
    var compactedRevision: Int64 = 0
    /// Every live object by UID, for owner lookups.
    var uidIndex: [String: ObjectAddress] = [:]
    /// Owner UID to the objects whose `ownerReferences` name it: the garbage collector's graph.
    var dependentsIndex: [String: Set<ObjectAddress>] = [:]
    /// Deletion policies of objects waiting for finalizers, applied when they are finally removed.
    var pendingPropagation: [String: DeleteOptions.PropagationPolicy] = [:]
    var watchers = WatchHub()
    var isGarbageCollectorEnabled: Bool
    let historyLimit: Int

    init(registrations: [ResourceRegistration], historyLimit: Int, garbageCollectorEnabled: Bool) {
        self.historyLimit = historyLimit
        self.isGarbageCollectorEnabled = garbageCollectorEnabled
        // Start above zero so that "0" (any version) never names a real state.
        self.resourceVersion = 1
        for registration in registrations {
            tables[registration.key] = Table(
                registration: registration, history: EventHistory(capacity: historyLimit, floor: 0))
        }
    }

    // MARK: Registration

    func register(_ registration: ResourceRegistration) {
        if tables[registration.key] != nil {
            tables[registration.key]?.registration = registration
        } else {
            tables[registration.key] = Table(
                registration: registration, history: EventHistory(capacity: historyLimit, floor: 0))
        }
    }

    /// The registration serving `group/version/plural`, if any.
    func registration(group: String, version: String, plural: String) -> ResourceRegistration? {
        guard let registration = tables[ResourceKey(group: group, plural: plural)]?.registration,
            registration.version == version
        else { return nil }
        return registration
    }

    /// The registration of objects with this `apiVersion` and `kind`.
    func registration(apiVersion: String, kind: String) -> ResourceRegistration? {
        tables.values.first { $0.registration.apiVersion == apiVersion && $0.registration.kind == kind }?.registration
    }

    var registrations: [ResourceRegistration] { tables.values.map(\.registration) }

    /// The registration of a served resource.
    ///
    /// Write paths use this and ``stored(_:_:)`` rather than a copy of the whole ``Table``: a
    /// copy held across a write would share the objects dictionary and make the write copy it,
    /// turning every create into O(n).
    func registration(of resource: ResourceKey) throws(FakeAPIError) -> ResourceRegistration {
        guard let table = tables[resource] else { throw .resourceNotFound() }
        return table.registration
    }

    /// The stored object at `key`, if any.
    func stored(_ resource: ResourceKey, _ key: ObjectKey) -> JSONValue? {
        tables[resource]?.objects[key]
    }

    // MARK: Reads

    func get(_ resource: ResourceKey, _ key: ObjectKey) throws(FakeAPIError) -> JSONValue {
        _ = try registration(of: resource)
        guard let object = stored(resource, key) else { throw .notFound(resource, name: key.name) }
        return object
    }

    /// One page of the objects `filter` selects, as a `…List` object.
    ///
    /// Pages after the first are read from the current state, not from a snapshot at the first
    /// page's resourceVersion (etcd would serve a snapshot); the list's `resourceVersion` stays the
    /// first page's, so a watch started from it still sees every later change.
    func list(
        _ resource: ResourceKey, filter: ObjectFilter, limit: Int?, continueToken: String?
    ) throws(FakeAPIError) -> JSONValue {
        guard tables[resource] != nil else { throw .resourceNotFound() }
        let allKeys = tables[resource]!.sortedKeys()
        let table = tables[resource]!
        var listVersion = resourceVersion
        var after: ObjectKey?
        if let continueToken, !continueToken.isEmpty {
            let token = try ContinueToken(decoding: continueToken)
            guard token.resourceVersion >= compactedRevision else {
                throw .expired(
                    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter."
                )
            }
            listVersion = token.resourceVersion
            after = token.after
        }
        // The first key after the continue token, by binary search.
        var start = allKeys.startIndex
        if let after {
            var low = allKeys.startIndex
            var high = allKeys.endIndex
            while low < high {
                let middle = (low + high) / 2
                if allKeys[middle] <= after { low = middle + 1 } else { high = middle }
            }
            start = low
        }
        let keys = allKeys[start...]
        var items: [JSONValue] = []
        var lastKey: ObjectKey?
        var remaining: Int64 = 0
        for (offset, key) in zip(keys.indices, keys) {
            guard let object = table.objects[key], filter.matches(object) else { continue }
            if let limit, limit > 0, items.count >= limit {
                if filter.isEmpty {
                    // Nothing filters: every key left is an item left.
                    remaining = Int64(keys.endIndex - offset)
                    break
                }
                remaining += 1
                continue
            }
            items.append(object)
            lastKey = key
        }
        var listMetadata: [String: JSONValue] = ["resourceVersion": .string(String(listVersion))]
        if remaining > 0, let lastKey {
            listMetadata["continue"] = .string(ContinueToken(resourceVersion: listVersion, after: lastKey).encoded)
            listMetadata["remainingItemCount"] = .integer(remaining)
        }
        return [
            "apiVersion": .string(table.registration.apiVersion),
            "kind": .string(table.registration.kind + "List"),
            "metadata": .object(listMetadata),
            "items": .array(items),
        ]
    }

    /// Every object of a kind, ordered by namespace and name.
    func objects(_ resource: ResourceKey) throws(FakeAPIError) -> [JSONValue] {
        guard let table = tables[resource] else { throw .resourceNotFound() }
        return table.objects.keys.sorted().compactMap { table.objects[$0] }
    }

    // MARK: Commit primitives

    /// Hands out the next resourceVersion.
    func nextResourceVersion() -> Int64 {
        resourceVersion += 1
        return resourceVersion
    }

    /// Stores a new object and tells watchers.
    func commitAdded(_ resource: ResourceKey, _ key: ObjectKey, _ object: JSONValue) -> JSONValue {
        var stored = object
        stored.setMetadata("resourceVersion", .string(String(nextResourceVersion())))
        put(resource, key, stored, previous: nil)
        record(resource, WatchEventRecord(resourceVersion: resourceVersion, type: .added, object: stored))
        return stored
    }

    /// Replaces an object (or removes it, when it is being deleted and has no finalizers left)
    /// and tells watchers. A write that changes nothing is not a write: no new resourceVersion
    /// and no event, as etcd's `GuaranteedUpdate` skips identical objects. Controllers rely on
    /// this to avoid hot loops when they write back an unchanged status.
    func commitModified(_ resource: ResourceKey, _ key: ObjectKey, old: JSONValue, new: JSONValue, dryRun: Bool) -> JSONValue {
        var candidate = new
        candidate.setMetadata("resourceVersion", old.metadata["resourceVersion"])
        guard candidate != old else { return old }
        guard !dryRun else { return candidate }
        candidate.setMetadata("resourceVersion", .string(String(nextResourceVersion())))
        if candidate.isBeingDeleted && candidate.finalizers.isEmpty {
            remove(resource, key, lastState: candidate, policy: .background)
            return candidate
        }
        put(resource, key, candidate, previous: old)
        record(resource, WatchEventRecord(resourceVersion: resourceVersion, type: .modified, object: candidate, previous: old))
        return candidate
    }

    /// Removes an object whose resourceVersion is already the deletion's, tells watchers, and
    /// lets the garbage collector act on its dependents.
    func remove(_ resource: ResourceKey, _ key: ObjectKey, lastState: JSONValue, policy: DeleteOptions.PropagationPolicy) {
        guard let old = tables[resource]?.objects[key] else { return }
        tables[resource]?.objects[key] = nil
        unindex(old, at: ObjectAddress(resource: resource, key: key))
        record(resource, WatchEventRecord(resourceVersion: resourceVersion, type: .deleted, object: lastState))
        guard let uid = old.uid else { return }
        let policy = pendingPropagation.removeValue(forKey: uid) ?? policy
        collectDependents(ofOwner: uid, policy: policy)
    }

    private func put(_ resource: ResourceKey, _ key: ObjectKey, _ object: JSONValue, previous: JSONValue?) {
        let address = ObjectAddress(resource: resource, key: key)
        if let previous { unindex(previous, at: address) }
        tables[resource]?.objects[key] = object
        if let uid = object.uid { uidIndex[uid] = address }
        for owner in object.ownerUIDs { dependentsIndex[owner, default: []].insert(address) }
    }

    private func unindex(_ object: JSONValue, at address: ObjectAddress) {
        if let uid = object.uid, uidIndex[uid] == address { uidIndex[uid] = nil }
        for owner in object.ownerUIDs {
            dependentsIndex[owner]?.remove(address)
            if dependentsIndex[owner]?.isEmpty == true { dependentsIndex[owner] = nil }
        }
    }

    private func record(_ resource: ResourceKey, _ event: WatchEventRecord) {
        tables[resource]?.history.append(event)
        watchers.publish(event, resource: resource)
    }

    // MARK: Operations on the whole store

    /// Forgets all history: watches and continue tokens from before now get 410.
    func compact() {
        compactedRevision = resourceVersion
        for key in tables.keys {
            tables[key]?.history.compact(to: resourceVersion)
        }
    }

    /// Drops every open watch; returns how many.
    func dropWatches() -> Int {
        watchers.dropAll()
    }

    var openWatchCount: Int { watchers.count }

    static func timestamp() -> JSONValue {
        .string(RFC3339.format(Date()))
    }
}
