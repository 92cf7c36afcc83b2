public import ArgumentParser
import CommandLineSupport
import ControllerRuntime
import Foundation
import IPAMController
import KubernetesClient
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// `ipam-controller`: the IPAM controller process. Flags follow controller-runtime's names so
/// that operators find what they know; each may also be set by an environment variable
/// `IPAM_<FLAG>` (upper case, `-` → `_`, e.g. `IPAM_WORKERS=8`), a flag on the command line
/// winning over its variable.
public struct ControllerCommand: AsyncParsableCommand, Sendable {
    public static let configuration = CommandConfiguration(
        commandName: "ipam-controller",
        abstract: "Kubernetes IP address management controller: binds IPClaims to IPPools with IPLeases.",
        discussion: """
            In a Pod it uses the in-cluster configuration; elsewhere the kubeconfig (--kubeconfig, \
            KUBECONFIG, ~/.kube/config). SIGTERM drains the reconciles in flight, releases the \
            leader Lease and exits 0.
            """)

    @Option(help: "Path to a kubeconfig. Default: in-cluster when run in a Pod, else KUBECONFIG or ~/.kube/config.")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use.")
    var context: String?

    @Option(name: .customLong("metrics-bind-address"), help: "Where /metrics listens; 0 turns it off.")
    var metricsBindAddress = ":8080"

    @Option(name: .customLong("health-probe-bind-address"), help: "Where /healthz and /readyz listen; 0 turns them off.")
    var healthProbeBindAddress = ":8081"

    @Option(help: "Claim reconciles that run at once.")
    var workers = 4

    @Flag(name: .customLong("leader-elect"), help: "Run the controllers only while holding the leader Lease.")
    var leaderElect = false

    @Option(name: .customLong("leader-election-namespace"), help: "Namespace of the leader Lease. Default: the Pod's.")
    var leaderElectionNamespace: String?

    @Option(name: .customLong("leader-election-id"), help: "Name of the leader Lease.")
    var leaderElectionID = "ipam-controller"

    @Option(name: .customLong("lease-duration"), help: "How long a leader's Lease lasts without renewal.")
    var leaseDuration = DurationArgument(.seconds(15), text: "15s")

    @Option(name: .customLong("renew-deadline"), help: "How long a leader keeps trying to renew before it steps down.")
    var renewDeadline = DurationArgument(.seconds(10), text: "10s")

    @Option(name: .customLong("retry-period"), help: "How often candidates try to acquire and leaders to renew.")
    var retryPeriod = DurationArgument(.seconds(2), text: "2s")

    @Option(name: .customLong("resync-period"), help: "How often every object is reconciled again; 0 turns it off.")
    var resyncPeriod = DurationArgument(.seconds(600), text: "10m")

    @Option(name: .customLong("orphan-grace-period"), help: "How long an owner must be seen missing, twice, before release.")
    var orphanGracePeriod = DurationArgument(.seconds(30), text: "30s")

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel = "info"

    @Option(name: .customLong("log-format"), help: "json or text.")
    var logFormat = "json"

    @Option(name: .customLong("kube-api-qps"), help: "Client-side rate limit of API requests per second; 0 turns it off.")
    var kubeAPIQPS: Double = 50

    @Option(name: .customLong("kube-api-burst"), help: "Burst of the client-side rate limit.")
    var kubeAPIBurst = 100

    public init() {}

    public func validate() throws {
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level must be one of trace, debug, info, notice, warning, error, critical")
        }
        guard ["json", "text"].contains(logFormat) else { throw ValidationError("--log-format must be json or text") }
        guard workers >= 1 else { throw ValidationError("--workers must be at least 1") }
        _ = try BindAddress.parse(metricsBindAddress)
        _ = try BindAddress.parse(healthProbeBindAddress)
        if leaderElect {
            try leaderElectionConfiguration(identity: "validation").validate()
        }
    }

    /// The flags that environment variables `IPAM_*` stand for, to be placed before the command
    /// line's own arguments (the last occurrence of an option wins).
    public static func arguments(fromEnvironment environment: [String: String]) -> [String] {
        var arguments: [String] = []
        for name in Self.optionNames {
            let variable = "IPAM_" + name.uppercased().replacingOccurrences(of: "-", with: "_")
            guard let value = environment[variable], !value.isEmpty else { continue }
            if name == "leader-elect" {
                if ["1", "true", "yes"].contains(value.lowercased()) { arguments.append("--leader-elect") }
            } else {
                arguments += ["--\(name)", value]
            }
        }
        return arguments
    }

    static let optionNames = [
        "kubeconfig", "context", "metrics-bind-address", "health-probe-bind-address", "workers", "leader-elect",
        "leader-election-namespace", "leader-election-id", "lease-duration", "renew-deadline", "retry-period",
        "resync-period", "orphan-grace-period", "log-level", "log-format", "kube-api-qps", "kube-api-burst",
    ]

    var controllerConfiguration: IPAMControllerConfiguration {
        IPAMControllerConfiguration(
            claimWorkers: workers, workers: max(1, workers / 2),
            resyncPeriod: resyncPeriod.duration == .zero ? nil : resyncPeriod.duration,
            orphanGracePeriod: orphanGracePeriod.duration)
    }

    func leaderElectionConfiguration(identity: String) -> LeaderElectionConfiguration {
        LeaderElectionConfiguration(
            identity: identity, leaseDuration: leaseDuration.duration, renewDeadline: renewDeadline.duration,
            retryPeriod: retryPeriod.duration)
    }

    public func run() async throws {
        let level = Logger.Level(rawValue: logLevel) ?? .info
        let json = logFormat == "json"
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let logger = Logger(label: "ipam-controller")
        try await ControllerProcess(command: self, registry: registry, logger: logger).run()
    }
}
