import KubernetesClient
import KubernetesClientTestKit
import KubernetesCore
import MetricsTestKit
import Testing

@testable import ControllerRuntime

@Suite("RESTClientMetrics", .timeLimit(.minutes(1)))
struct RESTClientMetricsTests {
    static let label = "rest_client_requests_total"

    @Test(
        "labels follow client-go: code as a string, <error> for transport failures, method upper-case",
        arguments: [
            ("GET", 200, "200", "GET"),
            ("get", 404, "404", "GET"),
            ("PATCH", 409, "409", "PATCH"),
            ("DELETE", 0, "<error>", "DELETE"),
        ])
    func labels(method: String, code: Int, expectedCode: String, expectedMethod: String) throws {
        let metrics = TestMetrics()
        RESTClientMetrics(factory: metrics).observer(method, code)
        let counter = try metrics.expectCounter(Self.label, [("code", expectedCode), ("method", expectedMethod)])
        #expect(counter.totalValue == 1)
        #expect(metrics.counters.count == 1)
    }

    @Test("one counter per (code, method), reused across responses")
    func countersAreCachedPerLabelPair() throws {
        let metrics = TestMetrics()
        let rest = RESTClientMetrics(factory: metrics)
        for _ in 0..<3 { rest.observer("GET", 200) }
        rest.observer("get", 200)
        rest.observer("GET", 500)
        rest.record(method: "PUT", code: 200)

        #expect(try metrics.expectCounter(Self.label, [("code", "200"), ("method", "GET")]).totalValue == 4)
        #expect(try metrics.expectCounter(Self.label, [("code", "500"), ("method", "GET")]).totalValue == 1)
        #expect(try metrics.expectCounter(Self.label, [("code", "200"), ("method", "PUT")]).totalValue == 1)
        #expect(metrics.counters(label: Self.label).count == 3)
    }

    @Test("concurrent observations are all counted")
    func concurrentObservations() async throws {
        let metrics = TestMetrics()
        let observer = RESTClientMetrics(factory: metrics).observer
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<8 {
                group.addTask {
                    for _ in 0..<100 { observer(task.isMultiple(of: 2) ? "GET" : "LIST", 200) }
                }
            }
        }
        #expect(try metrics.expectCounter(Self.label, [("code", "200"), ("method", "GET")]).totalValue == 400)
        #expect(try metrics.expectCounter(Self.label, [("code", "200"), ("method", "LIST")]).totalValue == 400)
    }

    @Test("end to end: a client with the observer counts a 404 get once")
    func endToEnd() async throws {
        let metrics = TestMetrics()
        let rest = RESTClientMetrics(factory: metrics)
        try await FakeAPIServer.withRunning { server in
            try await KubernetesClient.withClient(
                configuration: ClientConfiguration(server: server.baseURL),
                options: .init(qps: nil, retry: .none, requestTimeout: .seconds(10), responseObserver: rest.observer)
            ) { client in
                let leases = client.resource(Lease.self, namespace: "ipam-system")
                await #expect { _ = try await leases.get("missing") } throws: {
                    ($0 as? KubernetesError)?.isNotFound == true
                }
                _ = try await leases.create(Lease(metadata: ObjectMeta(name: "present", namespace: "ipam-system")))
            }
        }
        #expect(try metrics.expectCounter(Self.label, [("code", "404"), ("method", "GET")]).totalValue == 1)
        #expect(try metrics.expectCounter(Self.label, [("code", "201"), ("method", "POST")]).totalValue == 1)
        #expect(metrics.counters(label: Self.label).count == 2)
    }
}
