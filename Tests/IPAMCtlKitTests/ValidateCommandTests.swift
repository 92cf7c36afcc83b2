import ArgumentParser
import Foundation
@testable import IPAMCtlKit
import Testing

@Suite struct ValidateCommandTests {
    @Test func parsesPaths() throws {
        let command = try #require(try IPAMCtl.parseAsRoot(["validate", samplesPath, "-"]) as? ValidateCommand)
        #expect(command.paths == [samplesPath, "-"])
    }

    @Test func validInputRuns() throws {
        var command = try IPAMCtl.parseAsRoot(["validate", samplesPath])
        try command.run()
    }

    @Test(arguments: ["invalid.yaml", "bad-types.yaml", "syntax-error.yaml", "wrong-apiversion.yaml"])
    func invalidInputExitsWithOne(name: String) throws {
        var command = try IPAMCtl.parseAsRoot(["validate", fixture(name)])
        #expect(throws: ExitCode(1)) { try command.run() }
    }

    @Test func aMissingFileExitsWithOne() throws {
        var command = try IPAMCtl.parseAsRoot(["validate", samplesPath, "/nonexistent/manifests"])
        #expect(throws: ExitCode(1)) { try command.run() }
    }

    @Test func oneBadFileAmongGoodOnesFails() throws {
        var command = try IPAMCtl.parseAsRoot(["validate", fixture("tree"), fixture("invalid.yaml")])
        #expect(throws: ExitCode(1)) { try command.run() }
    }

    /// `file#document field` of each problem.
    func keys(_ input: ManifestInput) -> [String] {
        input.problems.map { problem in
            let file = problem.source.map { URL(fileURLWithPath: $0.file).lastPathComponent } ?? ""
            return "\(file)#\(problem.source?.document ?? 0) \(problem.field ?? "-")"
        }
    }

    @Test func problemsAreInSourceOrderAcrossReaderAndValidator() {
        // Reader problems (bad-types) and validator problems (invalid), in file then document order.
        let input = ManifestInput.load([fixture("invalid.yaml"), fixture("bad-types.yaml")])
        #expect(keys(input) == [
            "bad-types.yaml#1 spec.cidrs", "bad-types.yaml#2 spec.priority", "bad-types.yaml#3 spec.ipFamilies",
            "bad-types.yaml#4 spec", "bad-types.yaml#5 -", "invalid.yaml#2 spec.pool", "invalid.yaml#3 spec.addresses[0]",
        ])
        #expect(input.objects.count == 3)
    }

    @Test func problemsOfOneDocumentKeepTheirOrder() {
        let input = ManifestInput.load([fixture("many-problems.yaml"), fixture("invalid.yaml")])
        #expect(keys(input) == [
            "invalid.yaml#2 spec.pool", "invalid.yaml#3 spec.addresses[0]",
            "many-problems.yaml#1 metadata.name", "many-problems.yaml#1 spec.cidrs[0]", "many-problems.yaml#1 spec.strategy",
            "many-problems.yaml#1 spec.reuseCooldownSeconds", "many-problems.yaml#2 spec.pool",
        ])
    }

    @Test func aSyntaxErrorSortsAfterTheDocumentsBeforeIt() {
        let input = ManifestInput.load([fixture("syntax-error.yaml")])
        #expect(keys(input) == ["syntax-error.yaml#2 -"])
        #expect(input.objects.count == 1)
    }
}
