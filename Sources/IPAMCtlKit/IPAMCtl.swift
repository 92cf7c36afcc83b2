public import ArgumentParser

/// `ipamctl`: plan and validate swift-ipam manifests offline, and inspect and repair a cluster.
///
/// Exit codes, as kubectl: 0 success; 1 findings or a failure (the message names the object and
/// field); 2 a usage error (unknown flag, bad value).
public struct IPAMCtl: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ipamctl",
        abstract: "Plan and validate swift-ipam IP address pools and claims; inspect and repair a cluster.",
        discussion: """
            plan and validate read Kubernetes manifests (files, directories, or - for standard \
            input) holding IPPool, IPClaim, IPLease, Namespace and annotated Pod objects; other kinds \
            are ignored. status, check, release, who and plan --cluster talk to the cluster that \
            --kubeconfig and --context select, as kubectl does.
            """,
        subcommands: [
            PlanCommand.self, ValidateCommand.self, StatusCommand.self, CheckCommand.self, ReleaseCommand.self,
            WhoCommand.self,
        ]
    )

    public init() {}

    /// Parses `arguments` (without the program name), runs the command and returns the process
    /// exit code; messages go to ``Terminal/current``. Usage errors exit 2, as kubectl's do
    /// (ArgumentParser's own code for them is 64).
    public static func execute(_ arguments: [String]) async -> Int32 {
        do {
            var command = try parseAsRoot(arguments)
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            return 0
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if !message.isEmpty {
                if code == .success { Terminal.print(message) } else { Terminal.printError(message) }
            }
            return code == .validationFailure ? 2 : code.rawValue
        }
    }
}
