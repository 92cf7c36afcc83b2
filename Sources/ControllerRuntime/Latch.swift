import Synchronization

/// A one-way signal for async code: ``wait()`` suspends until ``open()`` has been called once;
/// afterwards it returns at once. Used for "caches have synced".
final class Latch: Sendable {
    private struct State: ~Copyable {
        var isOpen = false
        var waiters = WaiterList()
    }

    private let state = Mutex(State())

    init() {}

    /// Whether ``open()`` has been called.
    var isOpen: Bool { state.withLock { $0.isOpen } }

    /// Opens the latch and wakes every waiter. Later calls do nothing.
    func open() {
        let waiting = state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            guard !state.isOpen else { return [] }
            state.isOpen = true
            return state.waiters.signalAll()
        }
        for continuation in waiting { continuation.resume(returning: true) }
    }

    /// Waits until the latch is open. Returns `true` when it is, `false` when the calling task
    /// was cancelled first.
    @discardableResult
    func wait() async -> Bool {
        let id: WaiterList.ID? = state.withLock { state in
            state.isOpen ? nil : state.waiters.register()
        }
        guard let id else { return true }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                let immediate = state.withLock { $0.waiters.attach(id, continuation) }
                if let immediate { continuation.resume(returning: immediate) }
            }
        } onCancel: {
            state.withLock { $0.waiters.remove(id).continuation }?.resume(returning: false)
        }
    }
}
