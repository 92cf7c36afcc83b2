import AsyncHTTPClient
import Foundation
import IPAMModel
import IPAMTestSupport
import KubernetesClient
import KubernetesClientTestKit
import KubernetesCore
import Logging
import Prometheus
import ServiceLifecycleTestKit
import Synchronization
import Testing

@testable import IPAMControllerCommand

/// The whole process against the stand-in: endpoints over HTTP, leader election, a claim bound.
@Suite("ControllerProcess", .timeLimit(.minutes(2)))
struct ControllerProcessTests {
    func get(_ url: String) async throws -> (status: Int, body: String) {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(5))
        let body = try await response.body.collect(upTo: 4 << 20)
        return (Int(response.status.code), String(buffer: body))
    }

    @Test("serves /metrics, /healthz and /readyz, leads, and binds a claim")
    func endToEnd() async throws {
        try await FakeAPIServer.withRunning { server in
            await server.registerIPAMKinds()
            let ports = Mutex<[Int]>([])
            var process = try leadingProcess(
                against: server, ["--lease-duration", "3s", "--renew-deadline", "2s", "--retry-period", "500ms"])
            process.onListening = { servers in ports.withLock { $0 = servers.map(\.port) } }

            let configured = process
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await configured.run() }
                defer { group.cancelAll() }
                while ports.withLock({ $0.count }) < 2 { try await Task.sleep(for: .milliseconds(10)) }
                let (metricsPort, healthPort) = ports.withLock { ($0[0], $0[1]) }

                let client = KubernetesClientHelper(server: server)
                try await client.apply()
                // Ready once the caches synced; leader once the Lease is ours.
                var ready = (status: 0, body: "")
                for _ in 0..<500 where ready.status != 200 || !ready.body.contains("leader: yes") {
                    ready = try await get("http://127.0.0.1:\(healthPort)/readyz")
                    try await Task.sleep(for: .milliseconds(20))
                }
                #expect(ready.status == 200)
                #expect(ready.body.contains("[+]reflector:ipclaims ok"))
                #expect(ready.body.contains("leader: yes"))
                #expect(try await get("http://127.0.0.1:\(healthPort)/healthz").status == 200)
                #expect(try await get("http://127.0.0.1:\(healthPort)/nope").status == 404)

                var bound = false
                for _ in 0..<500 where !bound {
                    bound = try await client.isBound("web")
                    if !bound { try await Task.sleep(for: .milliseconds(20)) }
                }
                #expect(bound)
                let lease = try await server.object(Lease.self, namespace: "ipam-system", name: "ipam-controller")
                #expect(lease?.spec?.holderIdentity == "replica-a")

                let metrics = try await get("http://127.0.0.1:\(metricsPort)/metrics")
                #expect(metrics.status == 200)
                for name in [
                    "controller_runtime_reconcile_total", "workqueue_depth", "rest_client_requests_total",
                    "leader_election_master_status", "ipam_allocation_duration_seconds",
                ] {
                    #expect(metrics.body.contains(name), "exports \(name)")
                }
            }
        }
    }
}

/// Writes the pool and claim of the process test through a client of its own.
struct KubernetesClientHelper {
    let server: FakeAPIServer

    func apply() async throws {
        try await KubernetesClient.withClient(configuration: ClientConfiguration(server: server.baseURL)) { client in
            _ = try await client.resource(Namespace.self).create(Namespace(metadata: ObjectMeta(name: "default")))
            _ = try await client.resource(IPPool.self).create(
                IPPool(metadata: ObjectMeta(name: "blue"), spec: IPPoolSpec(cidrs: ["10.1.0.0/24"])))
            _ = try await client.resource(IPClaim.self, namespace: "default").create(
                IPClaim(metadata: ObjectMeta(name: "web", namespace: "default"), spec: IPClaimSpec(pool: "blue")))
        }
    }

    func isBound(_ name: String) async throws -> Bool {
        let claim = try await server.object(IPClaim.self, namespace: "default", name: name)
        return claim?.status?.conditions?.isTrue(IPAMAPI.ConditionType.bound) == true
    }
}

/// Graceful shutdown (what SIGTERM triggers): the process drains and returns without an error,
/// and gives the leader Lease up.
@Suite("ControllerProcess shutdown", .timeLimit(.minutes(2)))
struct ControllerProcessShutdownTests {
    @Test("graceful shutdown returns normally and releases the Lease")
    func gracefulShutdown() async throws {
        try await FakeAPIServer.withRunning { server in
            await server.registerIPAMKinds()
            let configured = try leadingProcess(against: server)
            try await testGracefulShutdown { trigger in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await configured.run() }
                    var leading = false
                    for _ in 0..<500 where !leading {
                        let lease = try await server.object(Lease.self, namespace: "ipam-system", name: "ipam-controller")
                        leading = lease?.spec?.holderIdentity == "replica-a"
                        if !leading { try await Task.sleep(for: .milliseconds(20)) }
                    }
                    #expect(leading)
                    trigger.triggerGracefulShutdown()
                    try await group.next()  // rethrows what run() throws: it must not throw
                }
            }
            let lease = try await server.object(Lease.self, namespace: "ipam-system", name: "ipam-controller")
            #expect(lease?.spec?.holderIdentity?.isEmpty != false, "released on shutdown")
        }
    }
}

/// A process as replica `replica-a` against `server`: endpoints on ephemeral loopback ports,
/// leader election in `ipam-system`, no signal handlers; `arguments` add or override flags.
func leadingProcess(against server: FakeAPIServer, _ arguments: [String] = []) throws -> ControllerProcess {
    let command = try ControllerCommand.parse(
        [
            "--metrics-bind-address", "127.0.0.1:0", "--health-probe-bind-address", "127.0.0.1:0", "--leader-elect",
            "--leader-election-namespace", "ipam-system",
        ] + arguments)
    var process = ControllerProcess(
        command: command, registry: PrometheusCollectorRegistry(), logger: Logger(label: "process-test"),
        environment: ["POD_NAME": "replica-a"])
    process.clientConfiguration = ClientConfiguration(server: server.baseURL)
    process.signals = []
    return process
}
