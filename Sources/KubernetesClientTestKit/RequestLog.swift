import Synchronization

/// The requests answered so far, in the order their answers were decided.
final class RequestLog: Sendable {
    private let entries = Mutex<[RecordedRequest]>([])

    func append(_ request: RecordedRequest) {
        entries.withLock { $0.append(request) }
    }

    var all: [RecordedRequest] { entries.withLock { $0 } }

    func clear() {
        entries.withLock { $0.removeAll() }
    }
}
