import ArgumentParser
import Foundation
import IPAMModel

/// `ipamctl plan PATH…`: what the controller would allocate.
struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show which pool and addresses each claim would get, and the pools' usage.",
        discussion: """
            Uses the controller's own decisions: pool selection by priority then name, \
            namespaceSelector, Sequential or Hashed allocation, static addresses, dual-stack \
            all-or-nothing. IPLease objects in the input count as in use. Invalid input is \
            refused with the problems `validate` reports.
            """
    )

    @Argument(help: "Manifest files or directories; - reads standard input.")
    var paths: [String]

    @Option(name: .shortAndLong, help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table

    func run() throws {
        let input = ManifestInput.load(paths)
        guard input.problems.isEmpty else {
            input.printProblems()
            throw ExitCode(1)
        }
        let report = PlanReport(AllocationPlanner.plan(input.planInput, now: Date()))
        switch output {
        case .table: print(report.table(), terminator: "")
        case .json, .yaml: print(try OutputFormat.encode(report, as: output), terminator: "")
        }
    }
}

extension ManifestInput {
    /// The objects, sorted by kind into the planner's input.
    var planInput: PlanInput {
        var input = PlanInput()
        for object in objects {
            switch object.content {
            case .pool(let pool): input.pools.append(pool)
            case .claim(let claim): input.claims.append(claim)
            case .lease(let lease): input.leases.append(lease)
            case .pod(let pod): input.pods.append(pod)
            case .namespace(let namespace): input.namespaces.append(namespace)
            }
        }
        return input
    }
}
