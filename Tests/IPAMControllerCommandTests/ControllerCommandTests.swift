import ArgumentParser
import CommandLineSupport
import Foundation
import Testing

@testable import IPAMControllerCommand

/// Flags, environment variables, durations and bind addresses of `ipam-controller`.
@Suite("ControllerCommand")
struct ControllerCommandTests {
    @Test("defaults are controller-runtime's and DESIGN.md's")
    func defaults() throws {
        let command = try ControllerCommand.parse([])
        #expect(command.metricsBindAddress == ":8080")
        #expect(command.healthProbeBindAddress == ":8081")
        #expect(!command.leaderElect)
        #expect(command.leaseDuration.duration == .seconds(15))
        #expect(command.renewDeadline.duration == .seconds(10))
        #expect(command.retryPeriod.duration == .seconds(2))
        #expect(command.controllerConfiguration.orphanGracePeriod == .seconds(30))
        #expect(command.controllerConfiguration.resyncPeriod == .seconds(600))
        #expect(command.logFormat == "json")
    }

    @Test("every flag parses")
    func flags() throws {
        let command = try ControllerCommand.parse([
            "--kubeconfig", "/tmp/kc", "--context", "kind-ipam", "--metrics-bind-address", "127.0.0.1:9090",
            "--health-probe-bind-address", "0", "--workers", "8", "--leader-elect", "--leader-election-namespace",
            "ipam-system", "--leader-election-id", "ipam", "--lease-duration", "30s", "--renew-deadline", "20s",
            "--retry-period", "500ms", "--resync-period", "0", "--orphan-grace-period", "1m30s", "--log-level", "debug",
            "--log-format", "text", "--kube-api-qps", "20", "--kube-api-burst", "40",
        ])
        #expect(command.kubeconfig == "/tmp/kc")
        #expect(command.context == "kind-ipam")
        #expect(command.workers == 8)
        #expect(command.leaderElect)
        #expect(command.leaderElectionConfiguration(identity: "x").retryPeriod == .milliseconds(500))
        #expect(command.controllerConfiguration.resyncPeriod == nil)
        #expect(command.controllerConfiguration.orphanGracePeriod == .seconds(90))
        #expect(command.controllerConfiguration.claimWorkers == 8)
        #expect(command.kubeAPIQPS == 20)
    }

    @Test("bad values are refused with a message naming the flag", arguments: [
        ["--log-level", "loud"], ["--log-format", "xml"], ["--workers", "0"], ["--lease-duration", "15"],
        ["--metrics-bind-address", "8080"], ["--leader-elect", "--lease-duration", "5s", "--renew-deadline", "10s"],
    ])
    func refused(_ arguments: [String]) {
        #expect(throws: (any Error).self) { try ControllerCommand.parse(arguments) }
    }

    @Test("IPAM_* environment variables stand for flags; the command line wins")
    func environment() throws {
        let fromEnvironment = ControllerCommand.arguments(fromEnvironment: [
            "IPAM_WORKERS": "6", "IPAM_LEADER_ELECT": "true", "IPAM_LOG_LEVEL": "debug", "UNRELATED": "x",
        ])
        #expect(fromEnvironment.contains("--leader-elect"))
        let command = try ControllerCommand.parse(fromEnvironment + ["--workers", "3"])
        #expect(command.workers == 3)
        #expect(command.leaderElect)
        #expect(command.logLevel == "debug")
    }

    @Test("durations as Kubernetes flags write them", arguments: [
        ("15s", Duration.seconds(15)), ("500ms", .milliseconds(500)), ("10m", .seconds(600)), ("1h30m", .seconds(5400)),
        ("2.5s", .milliseconds(2500)), ("0", .zero),
    ])
    func durations(_ text: String, _ expected: Duration) {
        #expect(DurationArgument.parse(text) == expected)
    }

    @Test("malformed durations", arguments: ["", "15", "s", "1x", "-1s", "1.2.3s"])
    func malformedDurations(_ text: String) {
        #expect(DurationArgument.parse(text) == nil)
    }

    @Test("bind addresses")
    func bindAddresses() throws {
        #expect(try BindAddress.parse(":8080") == BindAddress(host: "0.0.0.0", port: 8080))
        #expect(try BindAddress.parse("127.0.0.1:9") == BindAddress(host: "127.0.0.1", port: 9))
        #expect(try BindAddress.parse("[::1]:8081") == BindAddress(host: "::1", port: 8081))
        #expect(try BindAddress.parse("0") == nil)
        #expect(throws: BindAddressError.self) { try BindAddress.parse("localhost") }
        #expect(throws: BindAddressError.self) { try BindAddress.parse(":99999") }
    }
}
