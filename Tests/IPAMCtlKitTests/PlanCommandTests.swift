import ArgumentParser
@testable import IPAMCtlKit
import Testing

@Suite struct PlanCommandTests {
    @Test func parsesTheOutputFormat() throws {
        let json = try #require(try IPAMCtl.parseAsRoot(["plan", "-o", "json", samplesPath]) as? PlanCommand)
        #expect(json.output == .json)
        #expect(json.paths == [samplesPath])
        let yaml = try #require(try IPAMCtl.parseAsRoot(["plan", "--output", "yaml", "a", "b"]) as? PlanCommand)
        #expect(yaml.output == .yaml)
        #expect(yaml.paths == ["a", "b"])
        let table = try #require(try IPAMCtl.parseAsRoot(["plan", "-"]) as? PlanCommand)
        #expect(table.output == .table)
    }

    @Test(arguments: [["plan"], ["validate"], ["plan", "-o", "json"]])
    func pathsAreRequired(arguments: [String]) {
        #expect(throws: (any Error).self) { try IPAMCtl.parseAsRoot(arguments) }
    }

    @Test func anUnknownFormatIsRefused() {
        #expect(throws: (any Error).self) { try IPAMCtl.parseAsRoot(["plan", "-o", "xml", samplesPath]) }
    }

    @Test(arguments: [["plan", "-o", "json"], ["plan", "-o", "yaml"], ["plan"]])
    func validInputRuns(arguments: [String]) async {
        let run = await runIPAMCtl(arguments + [samplesPath])
        #expect(run.code == 0, "\(run)")
    }

    @Test(arguments: ["invalid.yaml", "many-problems.yaml", "syntax-error.yaml"])
    func invalidInputExitsWithOne(name: String) async {
        let run = await runIPAMCtl(["plan", "-o", "json", fixture(name)])
        #expect(run.code == 1, "\(run)")
    }

    @Test(arguments: [["plan", "--bogus", "x"], ["frobnicate"], ["release", "--grace-period", "soon"]])
    func usageErrorsExitWithTwo(arguments: [String]) async {
        let run = await runIPAMCtl(arguments)
        #expect(run.code == 2, "\(run)")
        #expect(run.error.contains("Error:"))
    }

    @Test func planInputSortsObjectsByKind() {
        let input = ManifestInput.load([fixture("multi.yaml")])
        #expect(input.problems.isEmpty)
        let plan = input.planInput
        #expect(plan.pools.map(\.metadata.name) == ["blue"])
        #expect(plan.claims.map(\.metadata.name) == ["web-0", "checkout"])
        #expect(plan.pods.map(\.metadata.name) == ["pod-0"])
        #expect(plan.namespaces.map(\.metadata.name) == ["shop"])
        #expect(plan.leases.map(\.metadata.name) == ["10.10.0.9"])
    }
}
