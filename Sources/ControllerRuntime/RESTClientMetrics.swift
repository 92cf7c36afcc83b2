public import Metrics
import Synchronization

/// client-go's `rest_client_requests_total{code,method}`: API responses counted by status code
/// and HTTP method, so existing Kubernetes dashboards show this controller's traffic.
///
/// Wire it into a client with ``observer``:
/// ```swift
/// let metrics = RESTClientMetrics()
/// let options = KubernetesClient.Options(responseObserver: metrics.observer)
/// ```
/// Labels: `code` is the status as a string (`"200"`, `"404"`), or `"<error>"` when no response
/// arrived (transport failure, reported as code 0); `method` is upper-case (`"GET"`). Every
/// attempt the client makes is counted, retries included, as in client-go. The `host` label of
/// newer client-go versions is not set.
public final class RESTClientMetrics: Sendable {
    private struct Key: Hashable {
        var code: String
        var method: String
    }

    private let factory: any MetricsFactory
    /// One counter per label pair, made at first use.
    private let counters = Mutex<[Key: Counter]>([:])

    /// Metrics that go to `factory`; `nil` means the global `MetricsSystem.factory`.
    public init(factory: (any MetricsFactory)? = nil) {
        self.factory = factory ?? MetricsSystem.factory
    }

    /// A `KubernetesClient.Options.responseObserver` that counts each response.
    public var observer: @Sendable (_ method: String, _ code: Int) -> Void {
        { [self] method, code in record(method: method, code: code) }
    }

    /// Counts one response with status `code` (0: none, transport error) to a `method` request.
    public func record(method: String, code: Int) {
        let key = Key(code: code == 0 ? "<error>" : String(code), method: method.uppercased())
        let counter = counters.withLock { counters in
            if let counter = counters[key] { return counter }
            let counter = Counter(
                label: "rest_client_requests_total", dimensions: [("code", key.code), ("method", key.method)],
                factory: factory)
            counters[key] = counter
            return counter
        }
        counter.increment()
    }
}
