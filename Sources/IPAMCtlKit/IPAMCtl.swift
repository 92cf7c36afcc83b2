public import ArgumentParser

/// `ipamctl`: plan and validate swift-ipam manifests offline.
public struct IPAMCtl: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "ipamctl",
        abstract: "Plan and validate swift-ipam IP address pools and claims.",
        discussion: """
            Reads Kubernetes manifests (files, directories, or - for standard input) holding \
            IPPool, IPClaim, IPLease, Namespace and annotated Pod objects; other kinds are ignored.
            """,
        subcommands: [PlanCommand.self, ValidateCommand.self]
    )

    public init() {}
}
