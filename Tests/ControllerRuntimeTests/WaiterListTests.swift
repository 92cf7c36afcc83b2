import Testing

@testable import ControllerRuntime

@Suite("WaiterList")
struct WaiterListTests {
    @Test("a signal before the waiter suspends is not lost")
    func signalBeforeAttach() async {
        var list = WaiterList()
        let id = list.register()
        #expect(list.signalOne() == nil)  // pending: marked, nothing to resume yet
        let woken = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            if let immediate = list.attach(id, continuation) { continuation.resume(returning: immediate) }
        }
        #expect(woken)
        #expect(list.count == 0)
    }

    @Test("signals wake waiters in registration order, one each")
    func fifo() {
        var list = WaiterList()
        let first = list.register()
        let second = list.register()
        _ = list.signalOne()
        #expect(list.remove(first).wasSignalled)
        #expect(!list.remove(second).wasSignalled)
    }

    @Test("a removed waiter is skipped by signals and resumes at once if it attaches")
    func removed() async {
        var list = WaiterList()
        let gone = list.register()
        let kept = list.register()
        _ = list.remove(gone)
        _ = list.signalOne()
        #expect(list.remove(kept).wasSignalled)
        let woken = await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            if let immediate = list.attach(gone, continuation) { continuation.resume(returning: immediate) }
        }
        #expect(!woken)
    }

    @Test("signalAll wakes everyone registered")
    func signalAll() {
        var list = WaiterList()
        let ids = (0..<3).map { _ in list.register() }
        #expect(list.count == 3)
        #expect(list.signalAll().isEmpty)  // all pending: marked
        #expect(ids.allSatisfy { list.remove($0).wasSignalled })
    }

    @Test("many waiters that give up without a signal do not accumulate")
    func compacts() {
        var list = WaiterList()
        for _ in 0..<10_000 { _ = list.remove(list.register()) }
        let last = list.register()
        _ = list.signalOne()
        #expect(list.remove(last).wasSignalled)
    }
}
