import ControllerRuntime
import Foundation
import IPAMController
import KubernetesClient
import Logging
import Metrics
import Prometheus
import ServiceLifecycle
import UnixSignals

/// The controller process once flags are parsed and logging and metrics are bootstrapped: the
/// client, the controller (under leader election if asked), `/metrics`, `/healthz`, `/readyz`,
/// all in one `ServiceGroup` that shuts down gracefully on SIGTERM and SIGINT.
struct ControllerProcess: Sendable {
    let command: ControllerCommand
    let registry: PrometheusCollectorRegistry
    let logger: Logger
    var environment: [String: String] = ProcessInfo.processInfo.environment
    var clientConfiguration: ClientConfiguration?
    var signals: [UnixSignal] = [.sigterm, .sigint]
    /// Called with the bound endpoint servers once they listen (tests read their ports).
    var onListening: @Sendable ([EndpointServer]) -> Void = { _ in }

    /// Every metric goes to ``registry``, which `/metrics` serves.
    private var metricsFactory: PrometheusMetricsFactory {
        var factory = PrometheusMetricsFactory(registry: registry)
        // Claim → Bound takes milliseconds when a pool has room and minutes when claims wait for
        // one to grow: the default buckets end at 10 s, where a p99 would flatten.
        factory.durationHistogramBuckets["ipam_allocation_duration_seconds"] = [
            .milliseconds(10), .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250),
            .milliseconds(500), .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10), .seconds(30),
            .seconds(60), .seconds(120), .seconds(300), .seconds(600),
        ]
        return factory
    }

    /// Runs until SIGTERM/SIGINT (exit 0 after draining) or a fatal error.
    func run() async throws {
        let configuration =
            try clientConfiguration
            ?? ClientConfiguration.automatic(
                kubeconfig: command.kubeconfig, context: command.context, environment: environment, logger: logger)
        let metrics = RESTClientMetrics(factory: metricsFactory)
        let options = KubernetesClient.Options(
            qps: command.kubeAPIQPS > 0 ? command.kubeAPIQPS : nil, burst: command.kubeAPIBurst,
            responseObserver: metrics.observer)
        logger.info(
            "starting", metadata: ["server": "\(configuration.server)", "leaderElection": "\(command.leaderElect)"])
        try await KubernetesClient.withClient(configuration: configuration, options: options) { client in
            try await run(client: client, defaultNamespace: configuration.namespace)
        }
        logger.info("stopped")
    }

    private func run(client: KubernetesClient, defaultNamespace: String) async throws {
        let identity = environment["POD_NAME"].flatMap { $0.isEmpty ? nil : $0 } ?? ProcessInfo.processInfo.hostName
        let controller = IPAMController(
            client: client, configuration: command.controllerConfiguration, identity: identity, logger: logger,
            metricsFactory: metricsFactory)
        var elector: LeaderElector<ContinuousClock>?
        if command.leaderElect {
            let namespace = command.leaderElectionNamespace ?? environment["POD_NAMESPACE"] ?? defaultNamespace
            elector = try LeaderElector(
                configuration: command.leaderElectionConfiguration(identity: identity),
                lock: ResourceLeaseLock(client: client, namespace: namespace, name: command.leaderElectionID),
                logger: logger, metricsFactory: metricsFactory)
        }
        let leader = elector

        var servers: [EndpointServer] = []
        if let address = try BindAddress.parse(command.metricsBindAddress) {
            let registry = self.registry
            servers.append(try await EndpointServer(
                address: address,
                routes: [
                    "/metrics": { _ in
                        EndpointServer.Response(
                            status: .ok, contentType: "text/plain; version=0.0.4; charset=utf-8",
                            body: registry.emitToBuffer())
                    }
                ], logger: logger))
        }
        if let address = try BindAddress.parse(command.healthProbeBindAddress) {
            let checks = controller.healthChecks
            servers.append(try await EndpointServer(
                address: address,
                routes: [
                    "/healthz": { _ in Self.probe(HealthReport.liveness(checks), leader: nil) },
                    "/livez": { _ in Self.probe(HealthReport.liveness(checks), leader: nil) },
                    "/readyz": { _ in Self.probe(HealthReport.readiness(checks), leader: leader?.isLeader) },
                ], logger: logger))
        }
        onListening(servers)

        let running = LeadingController(controller: controller, elector: elector)
        // Shut down in reverse order: the controller drains first, the endpoints go last.
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = servers.map { .init(service: $0) }
        services.append(
            .init(service: running, successTerminationBehavior: .gracefullyShutdownGroup,
                  failureTerminationBehavior: .gracefullyShutdownGroup))
        let group = ServiceGroup(
            configuration: ServiceGroupConfiguration(services: services, gracefulShutdownSignals: signals, logger: logger))
        try await group.run()
    }

    /// A probe answer: 200 and `[+]…ok` lines when every check passes, else 500; the leader line
    /// informs without affecting the status.
    static func probe(_ report: HealthReport, leader: Bool?) -> EndpointServer.Response {
        var text = report.description
        if let leader { text += "\nleader: \(leader ? "yes" : "no (standby)")" }
        return .text(text + "\n", status: report.passed ? .ok : .internalServerError)
    }
}

/// The controller as one service: under leader election when an elector is given.
private struct LeadingController: Service {
    let controller: IPAMController
    let elector: LeaderElector<ContinuousClock>?

    func run() async throws {
        try await controller.run(leaderElector: elector)
    }
}
