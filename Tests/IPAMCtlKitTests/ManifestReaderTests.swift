import Foundation
@testable import IPAMCtlKit
import IPAMModel
import KubernetesCore
import Testing

@Suite struct ManifestReaderTests {
    @Test func multiDocumentFile() throws {
        let result = ManifestReader().read([fixture("multi.yaml")])
        #expect(result.problems.isEmpty)
        // Documents 1 (comment only), 3 (empty) and 4 (Deployment) give nothing.
        #expect(result.objects.map(\.summary) == [
            "IPPool blue @2", "IPClaim default/web-0 @5", "Pod default/pod-0 @6", "Namespace shop @7",
            "IPLease 10.10.0.9 @8", "IPClaim shop/checkout @9",
        ])
        #expect(result.objects.allSatisfy { $0.source.file == fixture("multi.yaml") })
        #expect(result.objects.map(\.source.line) == [5, 22, 29, 40, 47, 58])
    }

    @Test func theObjectsAreDecoded() throws {
        let objects = ManifestReader().read([fixture("multi.yaml")]).objects
        guard objects.count == 6,
            case .pool(let pool) = objects[0].content, case .claim(let claim) = objects[1].content,
            case .pod(let pod) = objects[2].content, case .namespace(let namespace) = objects[3].content,
            case .lease(let lease) = objects[4].content, case .claim(let checkout) = objects[5].content
        else {
            Issue.record("unexpected objects: \(objects.map(\.reference))")
            return
        }
        #expect(pool.spec == IPPoolSpec(cidrs: ["10.10.0.0/24"], gateways: ["10.10.0.1"]))
        #expect(claim.spec == IPClaimSpec(pool: "blue"))
        #expect(pod.metadata.annotations == [IPAMAPI.PodAnnotation.pool: "blue"])
        #expect(namespace.metadata.labels == ["team": "shop"])
        #expect(lease.isReleased)
        #expect(lease.status?.releasedAt == RFC3339.parse("2024-01-02T03:04:05Z"))
        #expect(checkout.spec.addresses == ["10.10.0.42"])
    }

    @Test func claimsAndPodsWithoutNamespaceGetTheDefault() throws {
        let result = read("""
            apiVersion: ipam.swift-ipam.io/v1alpha1
            kind: IPClaim
            metadata: {name: c}
            spec: {pool: p}
            ---
            apiVersion: v1
            kind: Pod
            metadata: {name: p}
            ---
            apiVersion: ipam.swift-ipam.io/v1alpha1
            kind: IPPool
            metadata: {name: p}
            spec: {cidrs: [10.0.0.0/24]}
            ---
            apiVersion: v1
            kind: Namespace
            metadata: {name: n}
            """)
        #expect(result.objects.map(\.reference) == ["IPClaim default/c", "Pod default/p", "IPPool p", "Namespace n"])
        var reader = ManifestReader()
        reader.defaultNamespace = "team-a"
        var custom = ManifestReader.Result()
        reader.read(text: "apiVersion: ipam.swift-ipam.io/v1alpha1\nkind: IPClaim\nmetadata: {name: c}\n", file: "f", into: &custom)
        #expect(custom.objects.map(\.reference) == ["IPClaim team-a/c"])
    }

    @Test func walksADirectoryInNameOrderReadingOnlyManifests() {
        let result = ManifestReader().read([fixture("tree")])
        // notes.txt and README.md would be problems if read; kustomization.yaml is read and ignored.
        #expect(result.problems.isEmpty)
        #expect(result.objects.map(\.source.file) == [
            fixture("tree/a-claims.yml"), fixture("tree/m/namespace.json"), fixture("tree/z-pools.yaml"),
        ])
        #expect(result.objects.map(\.reference) == ["IPClaim tree/tree-claim", "Namespace tree", "IPPool tree-pool"])
    }

    @Test func manifestFilesAreSortedAndFiltered() {
        let files = ManifestReader().manifestFiles(under: fixture("tree"))
        #expect(files == [
            fixture("tree/a-claims.yml"), fixture("tree/kustomization.yaml"), fixture("tree/m/namespace.json"),
            fixture("tree/z-pools.yaml"),
        ])
    }

    @Test func pathsAreReadInTheGivenOrder() {
        let result = ManifestReader().read([fixture("list.yaml"), fixture("tree/z-pools.yaml")])
        #expect(result.objects.map(\.reference) == ["IPPool listed", "IPClaim default/listed-claim", "IPPool tree-pool"])
    }

    @Test func dashReadsStandardInput() {
        var reader = ManifestReader()
        reader.readStandardInput = {
            """
            apiVersion: ipam.swift-ipam.io/v1alpha1
            kind: IPPool
            metadata: {name: piped}
            spec: {cidrs: [10.1.0.0/24]}
            """
        }
        let result = reader.read(["-"])
        #expect(result.problems.isEmpty)
        #expect(result.objects.map(\.reference) == ["IPPool piped"])
        #expect(result.objects.first?.source == ManifestSource(file: "-", document: 1, line: 1))
    }

    @Test func v1ListItemsAreRead() {
        let result = ManifestReader().read([fixture("list.yaml")])
        #expect(result.problems.isEmpty)
        #expect(result.objects.map(\.reference) == ["IPPool listed", "IPClaim default/listed-claim"], "the ConfigMap is ignored")
        #expect(result.objects.allSatisfy { $0.source.document == 1 })
    }

    @Test func typedListsAreListsToo() {
        let result = read("""
            apiVersion: v1
            kind: IPPoolList
            items:
            - {apiVersion: ipam.swift-ipam.io/v1alpha1, kind: IPPool, metadata: {name: a}, spec: {cidrs: [10.0.0.0/24]}}
            """)
        #expect(result.objects.map(\.reference) == ["IPPool a"])
    }

    @Test func aSyntaxErrorIsReportedWithFileAndTheDocumentsBeforeAreKept() throws {
        let result = ManifestReader().read([fixture("syntax-error.yaml")])
        #expect(result.objects.map(\.reference) == ["IPPool before-the-error"])
        #expect(result.problems.count == 1)
        let problem = try #require(result.problems.first)
        #expect(problem.source?.file == fixture("syntax-error.yaml"))
        #expect(problem.source?.document == 2)
        #expect(problem.source?.line == 14)
        #expect(problem.message.hasPrefix("not valid YAML: "))
        #expect(problem.description.hasPrefix("\(fixture("syntax-error.yaml")):14 (document 2): not valid YAML: "))
    }

    @Test(arguments: ["key: [unclosed", "a: b\n  c: d", "\"unterminated", "key: {a: 1"])
    func syntaxErrors(yaml: String) throws {
        let result = read(yaml, file: "broken.yaml")
        #expect(result.objects.isEmpty)
        let problem = try #require(result.problems.first)
        #expect(result.problems.count == 1)
        #expect(problem.source?.file == "broken.yaml")
        #expect(problem.message.hasPrefix("not valid YAML: "))
    }

    @Test func aWrongAPIVersionForOurKindsIsReported() throws {
        let result = ManifestReader().read([fixture("wrong-apiversion.yaml")])
        #expect(result.objects.isEmpty, "a Pod of another apiVersion is not ours and is skipped")
        #expect(result.problems.map(\.field) == ["apiVersion", "apiVersion"])
        #expect(result.problems.map(\.object) == ["IPPool old-version", "IPClaim default/other-group"])
        #expect(result.problems.first?.message == #""ipam.swift-ipam.io/v1" is not served; use ipam.swift-ipam.io/v1alpha1"#)
        #expect(result.problems.map { $0.source?.document } == [1, 2])
    }

    @Test func aLeaseWithAnotherAPIVersionIsReported() {
        let result = read("apiVersion: ipam.swift-ipam.io/v1beta1\nkind: IPLease\nmetadata: {name: 10.0.0.1}\n")
        #expect(result.problems.map(\.field) == ["apiVersion"])
    }

    @Test func decodingErrorsNameTheFieldPath() {
        let result = ManifestReader().read([fixture("bad-types.yaml")])
        #expect(result.objects.isEmpty)
        let path = fixture("bad-types.yaml")
        #expect(result.problems.map(\.description) == [
            "\(path):1 (document 1): IPPool scalar-cidrs: spec.cidrs: expected a list",
            "\(path):8 (document 2): IPPool wordy-priority: spec.priority: expected an integer",
            "\(path):16 (document 3): IPClaim shop/scalar-families: spec.ipFamilies: expected a list",
            "\(path):25 (document 4): IPLease no-spec: spec: required field is missing",
            "\(path):30 (document 5): a Kubernetes object must be a mapping",
        ])
    }

    @Test(arguments: [
        ("spec: {cidrs: [10.0.0.0/24, [nested]]}", "spec.cidrs[1]", "expected a single value, not a list or mapping"),
        ("spec: {cidrs: [10.0.0.0/24], strategy: {name: Hashed}}", "spec.strategy", "expected a single value, not a list or mapping"),
        ("spec: {cidrs: [10.0.0.0/24], paused: maybe}", "spec.paused", "expected true or false"),
        ("spec: {cidrs: [10.0.0.0/24], namespaceSelector: {matchLabels: [a]}}", "spec.namespaceSelector.matchLabels", "expected a mapping"),
        ("spec: {cidrs: [10.0.0.0/24]}\nstatus: {conditions: [{type: Ready}]}", "status.conditions[0].status", "required field is missing"),
    ])
    func decodingErrorFieldPaths(spec: String, field: String, message: String) throws {
        let result = read("apiVersion: ipam.swift-ipam.io/v1alpha1\nkind: IPPool\nmetadata: {name: p}\n\(spec)\n")
        let problem = try #require(result.problems.first)
        #expect(result.problems.count == 1)
        #expect(problem.object == "IPPool p")
        #expect(problem.field == field)
        #expect(problem.message == message)
    }

    @Test func aBadTimestampIsReportedAtItsField() throws {
        let result = read("""
            apiVersion: ipam.swift-ipam.io/v1alpha1
            kind: IPLease
            metadata: {name: 10.0.0.1}
            spec: {address: 10.0.0.1, pool: p, claimRef: {namespace: n, name: c}}
            status: {releasedAt: yesterday}
            """)
        let problem = try #require(result.problems.first)
        #expect(problem.field == "status.releasedAt")
        #expect(problem.message.contains("RFC 3339"))
    }

    @Test func anUnnamedObjectIsStillIdentifiedByKind() throws {
        let result = read("apiVersion: ipam.swift-ipam.io/v1alpha1\nkind: IPPool\nspec: {cidrs: oops}\n")
        #expect(result.problems.first?.object == "IPPool <unnamed>")
    }

    @Test(arguments: ["", "---\n", "# only a comment\n", "---\n---\n...\n", "~\n", "null\n"])
    func emptyInputsGiveNothing(yaml: String) {
        let result = read(yaml)
        #expect(result.objects.isEmpty)
        #expect(result.problems.isEmpty)
    }

    @Test(arguments: ["just a string\n", "- a\n- b\n", "42\n"])
    func aDocumentThatIsNotAMappingIsAProblem(yaml: String) {
        #expect(read(yaml).problems.map(\.message) == ["a Kubernetes object must be a mapping"])
    }

    @Test func otherKindsAreIgnored() {
        let result = read("""
            apiVersion: kustomize.config.k8s.io/v1beta1
            kind: Kustomization
            resources: [pools.yaml]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            ---
            kind: IPPoolish
            """)
        #expect(result.objects.isEmpty && result.problems.isEmpty)
    }

    @Test func aMissingPathIsAProblem() {
        let result = ManifestReader().read(["/nonexistent/ipamctl/manifests.yaml"])
        #expect(result.problems.map(\.description) == ["/nonexistent/ipamctl/manifests.yaml: no such file or directory"])
    }

    @Test func readingGoesOnAfterAProblem() {
        let result = ManifestReader().read([fixture("bad-types.yaml"), "/nonexistent", fixture("list.yaml")])
        #expect(result.problems.count == 6)
        #expect(result.objects.count == 2)
    }
}
