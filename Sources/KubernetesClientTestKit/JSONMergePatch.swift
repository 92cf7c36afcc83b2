/// RFC 7386 JSON merge patch, the semantics of `application/merge-patch+json`.
///
/// - An object patch merges member by member; a `null` member removes the target's member.
/// - Anything else (arrays included) replaces the target wholesale: merge patch cannot edit a
///   list element, which is why Kubernetes clients patch `metadata.finalizers` as a whole list.
enum JSONMergePatch {
    /// Applies `patch` to `target` (RFC 7386 §2, `MergePatch(Target, Patch)`).
    static func apply(_ patch: JSONValue, to target: JSONValue) -> JSONValue {
        guard case .object(let patchMembers) = patch else { return patch }
        var result = target.objectValue ?? [:]
        for (key, value) in patchMembers {
            if value == .null {
                result[key] = nil
            } else {
                result[key] = apply(value, to: result[key] ?? .null)
            }
        }
        return .object(result)
    }
}
