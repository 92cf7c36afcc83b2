import DequeModule

/// Suspended tasks waiting to be woken, first come first served: a condition variable's wait list
/// for async code, kept inside the owner's lock.
///
/// Waiting is two steps so that no wake-up is lost between deciding to wait (under the owner's
/// lock) and suspending (in `withCheckedContinuation`, after the lock is released):
///
/// ```
/// register() ──▶ pending ──attach(continuation)──▶ suspended ──signal──▶ (resumed, removed)
///                   │                                  │
///                   └──signal──▶ signalled ──attach──▶ resumed at once
///                   remove(id) from any state (cancellation)
/// ```
///
/// Continuations are returned, never resumed here: the owner resumes them after unlocking, with
/// `true` for a wake-up and `false` for a removal, so a waiter knows whether it consumed a
/// wake-up (and must pass it on if it then gives up, e.g. on cancellation).
struct WaiterList: Sendable {
    typealias ID = UInt64

    private enum Slot {
        case pending
        case signalled
        case suspended(CheckedContinuation<Bool, Never>)
    }

    private var slots: [ID: Slot] = [:]
    /// Registration order of the waiters not yet signalled (may hold removed IDs; skipped).
    private var order: Deque<ID> = []
    private var nextID: ID = 0

    /// Waiters registered and not yet woken.
    var count: Int {
        slots.values.count { if case .signalled = $0 { false } else { true } }
    }

    /// Registers a waiter that will suspend shortly.
    mutating func register() -> ID {
        nextID += 1
        slots[nextID] = .pending
        order.append(nextID)
        return nextID
    }

    /// Attaches the continuation of waiter `id`. Returns `nil` when it is now suspended, or the
    /// value to resume it with at once: `true` when it was signalled meanwhile, `false` when it
    /// was removed.
    mutating func attach(_ id: ID, _ continuation: CheckedContinuation<Bool, Never>) -> Bool? {
        switch slots[id] {
        case .pending:
            slots[id] = .suspended(continuation)
            return nil
        case .signalled:
            slots[id] = nil
            return true
        case .suspended, nil:
            slots[id] = nil
            return false
        }
    }

    /// Wakes the oldest waiter; returns its continuation when it had suspended already.
    mutating func signalOne() -> CheckedContinuation<Bool, Never>? {
        while let id = order.popFirst() {
            switch slots[id] {
            case .pending:
                slots[id] = .signalled
                return nil
            case .suspended(let continuation):
                slots[id] = nil
                return continuation
            case .signalled, nil:
                continue
            }
        }
        return nil
    }

    /// Wakes every waiter; returns the continuations of those that had suspended.
    mutating func signalAll() -> [CheckedContinuation<Bool, Never>] {
        var continuations: [CheckedContinuation<Bool, Never>] = []
        for id in order {
            switch slots[id] {
            case .pending: slots[id] = .signalled
            case .suspended(let continuation):
                slots[id] = nil
                continuations.append(continuation)
            case .signalled, nil: break
            }
        }
        order.removeAll()
        return continuations
    }

    /// Removes waiter `id` (cancelled, or done waiting for another reason).
    ///
    /// Returns its continuation if it was suspended (the caller resumes it), and whether it had
    /// been signalled without consuming the wake-up (the caller should pass the wake-up on).
    mutating func remove(_ id: ID) -> (continuation: CheckedContinuation<Bool, Never>?, wasSignalled: Bool) {
        defer { compactIfSparse() }
        switch slots.removeValue(forKey: id) {
        case .suspended(let continuation): return (continuation, false)
        case .signalled: return (nil, true)
        case .pending, nil: return (nil, false)
        }
    }

    /// Drops IDs of removed waiters from `order` once they dominate it, so waiters that time out
    /// again and again without a signal do not grow it without bound.
    private mutating func compactIfSparse() {
        guard order.count > 2 * slots.count + 16 else { return }
        order.removeAll { slots[$0] == nil }
    }
}
