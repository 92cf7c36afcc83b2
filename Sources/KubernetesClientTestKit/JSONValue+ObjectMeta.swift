/// Typed access to the `metadata` of a stored object. Absent or mistyped members read as absent:
/// stored objects passed validation, so this never has to report errors.
extension JSONValue {
    var metadata: [String: JSONValue] {
        get { self["metadata"]?.objectValue ?? [:] }
        set { self["metadata"] = .object(newValue) }
    }

    var name: String { metadata["name"]?.stringValue ?? "" }
    var namespace: String { metadata["namespace"]?.stringValue ?? "" }
    var uid: String? { metadata["uid"]?.stringValue }
    var resourceVersion: String? { metadata["resourceVersion"]?.stringValue }
    var generation: Int64 { metadata["generation"]?.integerValue ?? 0 }
    var isBeingDeleted: Bool { metadata["deletionTimestamp"].map { $0 != .null } ?? false }

    var finalizers: [String] {
        (metadata["finalizers"]?.arrayValue ?? []).compactMap(\.stringValue)
    }

    /// The UIDs in `metadata.ownerReferences`.
    var ownerUIDs: Set<String> {
        Set((metadata["ownerReferences"]?.arrayValue ?? []).compactMap { $0["uid"]?.stringValue })
    }

    /// Sets one metadata member (`nil` removes it).
    mutating func setMetadata(_ key: String, _ value: JSONValue?) {
        var members = metadata
        members[key] = value
        metadata = members
    }

    /// The object without `metadata` (and without `status` when `ignoringStatus`): the part whose
    /// change bumps `generation`.
    func desiredState(ignoringStatus: Bool) -> JSONValue {
        var copy = self
        copy["metadata"] = nil
        if ignoringStatus { copy["status"] = nil }
        return copy
    }
}
