extension Array where Element == Condition {
    /// The condition of the given type, if present.
    public func condition(ofType type: String) -> Condition? {
        first { $0.type == type }
    }

    /// Whether the condition of the given type is present with status `True`.
    public func isTrue(_ type: String) -> Bool {
        condition(ofType: type)?.status == .true
    }

    /// Adds or updates the condition of `condition.type`, as apimachinery's
    /// `meta.SetStatusCondition` does, and returns whether the list changed.
    ///
    /// - A new type is appended as given.
    /// - For an existing type, `status`, `reason`, `message` and `observedGeneration` are replaced
    ///   in place (order is kept). `lastTransitionTime` is taken from `condition` only when the
    ///   status changes; otherwise the existing time is kept.
    ///
    /// The caller supplies the transition time (no clock is read here), so the result is a pure
    /// function of the inputs. Returning `false` means a status write can be skipped.
    @discardableResult
    public mutating func set(_ condition: Condition) -> Bool {
        guard let index = firstIndex(where: { $0.type == condition.type }) else {
            append(condition)
            return true
        }
        var updated = condition
        if self[index].status == condition.status {
            updated.lastTransitionTime = self[index].lastTransitionTime
        }
        guard self[index] != updated else { return false }
        self[index] = updated
        return true
    }

    /// Removes every condition of the given type; returns whether one was present.
    @discardableResult
    public mutating func remove(ofType type: String) -> Bool {
        let count = self.count
        removeAll { $0.type == type }
        return self.count != count
    }
}
