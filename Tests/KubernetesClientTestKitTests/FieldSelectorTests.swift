@testable import KubernetesClientTestKit
import Testing

@Suite("Field selectors")
struct FieldSelectorTests {
    let allowed: Set<String> = ["metadata.name", "spec.pool", "spec.replicas"]
    let object: JSONValue = ["metadata": ["name": "a"], "spec": ["pool": "blue", "replicas": 3]]

    @Test(arguments: [
        ("metadata.name=a", true), ("metadata.name==a", true), ("metadata.name!=a", false),
        ("spec.pool=blue,metadata.name=a", true), ("spec.pool=blue,metadata.name=b", false),
        ("spec.replicas=3", true), ("spec.pool=", false), ("", true), (",metadata.name=a,", true),
    ])
    func matching(selector: String, matches: Bool) throws {
        #expect(try FieldSelector(parsing: selector, allowedFields: allowed).matches(object) == matches)
    }

    @Test func absentFieldsAreEmpty() throws {
        #expect(try FieldSelector(parsing: "spec.pool=", allowedFields: allowed).matches(["metadata": ["name": "x"]]))
    }

    @Test(arguments: [
        "metadata.namex=a", "spec.pool", "=a", "status.phase=x", " metadata.name=a", "metadata.name=a, spec.pool=b",
    ])
    func refused(selector: String) {
        #expect(throws: FakeAPIError.self) { try FieldSelector(parsing: selector, allowedFields: allowed) }
    }
}
