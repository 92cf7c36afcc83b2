import ArgumentParser
import Foundation

/// `ipamctl validate PATH…`: every problem, or nothing and exit 0.
struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check manifests the way the controller will, and report every problem.",
        discussion: """
            Each problem is printed as FILE:LINE (document N): KIND NAMESPACE/NAME: FIELD: MESSAGE. \
            Exits 1 when any problem is found.
            """
    )

    @Argument(help: "Manifest files or directories; - reads standard input.")
    var paths: [String]

    func run() throws {
        let input = ManifestInput.load(paths)
        guard input.problems.isEmpty else {
            input.printProblems()
            throw ExitCode(1)
        }
        Terminal.print("\(input.objects.count) objects, no problems")
    }
}

/// Manifests read and checked, shared by `plan` and `validate` so that both
/// refuse exactly the same input.
struct ManifestInput {
    var objects: [ManifestObject]
    var problems: [ManifestProblem]

    static func load(_ paths: [String]) -> ManifestInput {
        let read = ManifestReader().read(paths)
        let problems = read.problems + ManifestValidator().problems(in: read.objects)
        // Source order (file, document); the sort is made stable by the original position.
        let ordered = problems.enumerated().sorted { a, b in
            let keyA = (a.element.source?.file ?? "", a.element.source?.document ?? 0, a.offset)
            let keyB = (b.element.source?.file ?? "", b.element.source?.document ?? 0, b.offset)
            return keyA < keyB
        }.map(\.element)
        return ManifestInput(objects: read.objects, problems: ordered)
    }

    func printProblems() {
        for problem in problems { Terminal.printError(problem.description) }
        Terminal.printError("\(problems.count) problem\(problems.count == 1 ? "" : "s") found")
    }
}
