import ArgumentParser
import Foundation
import KubernetesClient

/// `ipamctl check [--report FILE]`: the consistency report; exit 1 when anything is found.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check the cluster's pools, claims and leases for leaks, duplicates and overlaps.",
        discussion: """
            Lists IPPools, IPClaims, IPLeases, Pods and Namespaces as one snapshot: the first list's \
            resourceVersion is requested for the others with resourceVersionMatch=Exact; when the \
            server cannot serve that, each list is the latest state and the report says \
            consistency: PerList. Finds leases whose claim is gone (by UID), Bound claims without \
            their lease, two leases or claims naming one address, addresses outside their pool's \
            allocatable space, Pod claims whose Pod is gone, and overlapping pools. \
            --report FILE writes the report as JSON (time, cluster, resourceVersions, findings), \
            the input of `ipamctl release`. Exits 1 when anything is found.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(help: "Write the report to this file (JSON).")
    var report: String?

    @Option(name: .shortAndLong, help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table

    func run() async throws {
        let found = try await cluster.withClient { client in
            try await Self.check(client: client, reportPath: report, output: output, now: Date())
        }
        if !found.findings.isEmpty { throw ExitCode(1) }
    }

    /// Reads the cluster, prints the report, writes it to `reportPath` when given.
    @discardableResult
    static func check(client: KubernetesClient, reportPath: String?, output: OutputFormat, now: Date) async throws -> CheckReport {
        let snapshot = try await ClusterReader(client: client).snapshot(of: Set(ClusterSnapshot.Kind.allCases), now: now)
        let report = CheckReport(snapshot)
        switch output {
        case .table: Terminal.current.output(report.table())
        case .json: Terminal.current.output(String(decoding: try report.encoded(), as: UTF8.self))
        case .yaml: Terminal.current.output(try OutputFormat.encode(report, as: .yaml))
        }
        if let reportPath {
            do {
                try report.encoded().write(to: URL(fileURLWithPath: reportPath), options: .atomic)
            } catch {
                throw CommandFailure("\(reportPath): cannot write the report: \(error.localizedDescription)")
            }
            Terminal.printError("report written to \(reportPath)")
        }
        return report
    }
}
