import ArgumentParser
import CommandLineSupport
import Foundation
import KubernetesClient

/// `--kubeconfig` and `--context`, as kubectl takes them, shared by the cluster commands.
///
/// Resolution is the controller's: the named kubeconfig, else `KUBECONFIG`, else in-cluster when
/// run in a Pod without a context asked for, else `~/.kube/config`.
struct ClusterOptions: ParsableArguments {
    @Option(help: "Path to a kubeconfig. Default: KUBECONFIG, in-cluster in a Pod, else ~/.kube/config.")
    var kubeconfig: String?

    @Option(help: "The kubeconfig context to use.")
    var context: String?

    @Option(name: .customLong("request-timeout"), help: "How long to wait for each API response.")
    var requestTimeout = DurationArgument(.seconds(30), text: "30s")

    /// The configuration the flags select; configuration errors name the file, context and field.
    func clientConfiguration() throws -> ClientConfiguration {
        do {
            return try ClientConfiguration.automatic(kubeconfig: kubeconfig, context: context)
        } catch {
            throw CommandFailure("\(error)")
        }
    }

    /// Runs `body` with a client for the selected cluster, shut down afterwards.
    func withClient<Result: Sendable>(_ body: (KubernetesClient) async throws -> Result) async throws -> Result {
        let configuration = try clientConfiguration()
        var options = KubernetesClient.Options()
        options.requestTimeout = requestTimeout.duration
        return try await KubernetesClient.withClient(configuration: configuration, options: options, body)
    }
}
