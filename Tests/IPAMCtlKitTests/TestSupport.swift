import Foundation
@testable import IPAMCtlKit
import IPAMModel
import KubernetesCore
import Testing

/// The package root: this file is Tests/IPAMCtlKitTests/TestSupport.swift.
let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// `config/samples`, the manifests README.md describes.
let samplesPath = packageRoot.appendingPathComponent("config/samples").path

/// The path of a fixture file or directory in the test bundle.
func fixture(_ name: String) -> String {
    guard let root = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
        fatalError("test bug: the Fixtures directory is not in the test bundle")
    }
    return root.appendingPathComponent(name).path
}

/// Reads `yaml` as the text of one file named `file`.
func read(_ yaml: String, file: String = "test.yaml") -> ManifestReader.Result {
    var result = ManifestReader.Result()
    ManifestReader().read(text: yaml, file: file, into: &result)
    return result
}

/// The objects of `yaml`, which the test knows to read without problems.
func objects(_ yaml: String, file: String = "test.yaml") -> [ManifestObject] {
    let result = read(yaml, file: file)
    #expect(result.problems.isEmpty, "test bug: \(result.problems)")
    return result.objects
}

/// The validator's problems for `yaml`.
func validate(_ yaml: String, file: String = "test.yaml") -> [ManifestProblem] {
    ManifestValidator().problems(in: objects(yaml, file: file))
}

extension ManifestObject {
    /// `Kind namespace/name` and the document index, for compact expectations.
    var summary: String { "\(reference) @\(source.document)" }
}

/// The claims of `plan` by `namespace/name`.
func claimsByKey(_ report: PlanReport) -> [String: PlanReport.Claim] {
    Dictionary(uniqueKeysWithValues: report.claims.map { ("\($0.namespace)/\($0.name)", $0) })
}

/// A fixed instant; nothing here reads the clock.
let t0 = Date(timeIntervalSince1970: 1_700_000_000)
