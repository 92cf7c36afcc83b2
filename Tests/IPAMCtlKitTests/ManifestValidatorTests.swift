@testable import IPAMCtlKit
import IPAMModel
import Testing

@Suite struct ManifestValidatorTests {
    static let header = "apiVersion: ipam.swift-ipam.io/v1alpha1"

    /// An IPPool document.
    static func pool(_ name: String, _ spec: String, metadata: String = "") -> String {
        "\(header)\nkind: IPPool\nmetadata: {name: \(name)\(metadata)}\nspec: \(spec)\n"
    }

    /// An IPClaim document.
    static func claim(_ namespace: String, _ name: String, _ spec: String) -> String {
        "\(header)\nkind: IPClaim\nmetadata: {name: \(name), namespace: \(namespace)}\nspec: \(spec)\n"
    }

    /// An annotated Pod document.
    static func pod(_ namespace: String, _ name: String, _ annotations: String) -> String {
        "apiVersion: v1\nkind: Pod\nmetadata: {name: \(name), namespace: \(namespace), annotations: \(annotations)}\n"
    }

    static let blue = pool("blue", "{cidrs: [10.10.0.0/24], exclude: [10.10.0.200-10.10.0.254], gateways: [10.10.0.1]}")

    func documents(_ documents: String...) -> String { documents.joined(separator: "---\n") }

    @Test func aConsistentSetHasNoProblems() {
        #expect(validate(documents(
            Self.blue,
            Self.pool("web", "{cidrs: [10.30.0.0/24, \"fd00:30::/120\"]}", metadata: ", labels: {tier: web}"),
            Self.claim("shop", "a", "{pool: blue, addresses: [10.10.0.42]}"),
            Self.claim("shop", "b", "{poolSelector: {matchLabels: {tier: web}}, ipFamilies: [IPv6, IPv4]}"),
            Self.pod("shop", "p", "{ipam.swift-ipam.io/pool: blue}"),
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n"
        )).isEmpty)
    }

    @Test func duplicatesAreReportedAtTheSecond() throws {
        let problems = validate(documents(
            Self.claim("shop", "a", "{pool: blue}"), Self.blue, Self.claim("shop", "a", "{pool: blue}"),
            Self.claim("web", "a", "{pool: blue}")))
        #expect(problems.count == 1)
        let problem = try #require(problems.first)
        #expect(problem.source?.document == 3)
        #expect(problem.object == "IPClaim shop/a")
        #expect(problem.field == nil)
        #expect(problem.message == "defined again; first defined at test.yaml:1 (document 1)")
        #expect(problem.description == "test.yaml:11 (document 3): IPClaim shop/a: defined again; first defined at test.yaml:1 (document 1)")
    }

    @Test func aPodAndAClaimOfOneNameAreNotDuplicates() {
        #expect(validate(documents(Self.blue, Self.claim("shop", "a", "{pool: blue}"), Self.pod("shop", "a", "{ipam.swift-ipam.io/pool: blue}"))).isEmpty)
    }

    @Test func eachObjectIsValidatedOnItsOwn() {
        let problems = validate(documents(
            Self.pool("bad", "{cidrs: [10.0.0.7/24], strategy: Random}"),
            Self.claim("shop", "both", "{pool: blue, poolSelector: {matchLabels: {a: b}}}"),
            Self.pod("shop", "p", "{ipam.swift-ipam.io/pool: blue, ipam.swift-ipam.io/ip-families: IPv7}"),
            "\(Self.header)\nkind: IPLease\nmetadata: {name: x}\nspec: {address: 10.0.0.300, pool: blue, claimRef: {namespace: n, name: c}}\n"))
        #expect(problems.map { "\($0.object ?? "") \($0.field ?? "")" } == [
            "IPPool bad spec.cidrs[0]", "IPPool bad spec.strategy", "IPClaim shop/both spec",
            "Pod shop/p metadata.annotations[ipam.swift-ipam.io/ip-families]", "IPLease x spec.address",
        ])
    }

    @Test func theNewerOfTwoOverlappingPoolsLosesAtItsCIDR() throws {
        // Neither pool has a creationTimestamp: the name decides. b's overlapping prefix is
        // its second one as written (first once sorted).
        let problems = validate(documents(
            Self.pool("b", "{cidrs: [10.50.0.0/24, 10.0.0.0/25]}"), Self.pool("a", "{cidrs: [10.0.0.0/24]}")))
        #expect(problems.count == 1)
        let problem = try #require(problems.first)
        #expect(problem.object == "IPPool b")
        #expect(problem.field == "spec.cidrs[1]")
        #expect(problem.message == "10.0.0.0/25 overlaps pool a, which is older; this pool would allocate nothing")
    }

    @Test func anAppliedPoolIsOlderThanAManifestOnly() throws {
        let problems = validate(documents(
            Self.pool("a", "{cidrs: [10.0.0.0/24]}"),
            Self.pool("z", "{cidrs: [10.0.0.0/16]}", metadata: ", creationTimestamp: \"2024-01-02T03:04:05Z\"")))
        #expect(problems.map(\.object) == ["IPPool a"])
        #expect(problems.first?.field == "spec.cidrs[0]")
    }

    @Test func overlapProblemsComeInNameOrder() {
        let problems = validate(documents(
            Self.pool("a", "{cidrs: [10.0.0.0/16]}"), Self.pool("d", "{cidrs: [10.0.4.0/24]}"),
            Self.pool("c", "{cidrs: [10.0.3.0/24]}"), Self.pool("b", "{cidrs: [10.0.2.0/24]}"),
            Self.pool("e", "{cidrs: [10.0.5.0/24]}")))
        #expect(problems.map(\.object) == ["IPPool b", "IPPool c", "IPPool d", "IPPool e"])
    }

    @Test func anUnknownPool() {
        let problems = validate(documents(Self.blue, Self.claim("shop", "a", "{pool: bleu}")))
        #expect(problems.map(\.description) == ["test.yaml:6 (document 2): IPClaim shop/a: spec.pool: pool bleu is not defined in the input"])
    }

    @Test func anInvalidPoolIsNotDefinedEither() {
        let problems = validate(documents(Self.pool("broken", "{cidrs: []}"), Self.claim("shop", "a", "{pool: broken}")))
        #expect(problems.map(\.field) == ["spec.cidrs", "spec.pool"])
    }

    @Test func aSelectorMatchingNothing() {
        let problems = validate(documents(Self.blue, Self.claim("shop", "a", "{poolSelector: {matchLabels: {tier: db}}}")))
        #expect(problems.map(\.field) == ["spec.poolSelector"])
        #expect(problems.first?.message == "no pool in the input matches tier=db")
    }

    @Test func aFamilyNoCandidateHas() {
        let problems = validate(documents(Self.blue, Self.claim("shop", "a", "{pool: blue, ipFamilies: [IPv4, IPv6]}")))
        #expect(problems.map(\.field) == ["spec.ipFamilies"])
        #expect(problems.first?.message == "no candidate pool (blue) has IPv6 CIDRs")
    }

    @Test(arguments: [
        ("[10.99.0.1]", "spec.addresses[0]", "10.99.0.1 is outside every CIDR of blue"),
        ("[10.10.0.201]", "spec.addresses[0]", "10.10.0.201 cannot be allocated from pool blue: it is excluded by the pool"),
        ("[10.10.0.1]", "spec.addresses[0]", "10.10.0.1 cannot be allocated from pool blue: it is the pool's gateway"),
        ("[10.10.0.255]", "spec.addresses[0]", "10.10.0.255 cannot be allocated from pool blue: it is the network or broadcast address of its prefix"),
    ])
    func staticAddressProblems(addresses: String, field: String, message: String) {
        let problems = validate(documents(Self.blue, Self.claim("shop", "a", "{pool: blue, addresses: \(addresses)}")))
        #expect(problems.map(\.field) == [field])
        #expect(problems.map(\.message) == [message])
    }

    @Test func theIndexOfTheBadStaticAddress() {
        let dual = Self.pool("dual", "{cidrs: [10.20.0.0/24, \"fd00:20::/64\"], exclude: [\"fd00:20::2-fd00:20::f\"]}")
        let problems = validate(documents(dual, Self.claim("infra", "ns1", "{pool: dual, addresses: [10.20.0.53, \"fd00:20::5\"]}")))
        #expect(problems.map(\.field) == ["spec.addresses[1]"])
    }

    @Test func aStaticAddressNeedsOnlyOneCandidateToHoldIt() {
        let problems = validate(documents(
            Self.pool("a", "{cidrs: [10.1.0.0/24]}", metadata: ", labels: {tier: web}"),
            Self.pool("b", "{cidrs: [10.2.0.0/24]}", metadata: ", labels: {tier: web}"),
            Self.claim("web", "ok", "{poolSelector: {matchLabels: {tier: web}}, addresses: [10.2.0.9]}"),
            Self.claim("web", "bad", "{poolSelector: {matchLabels: {tier: web}}, addresses: [10.3.0.9]}")))
        #expect(problems.map(\.object) == ["IPClaim web/bad"])
        #expect(problems.first?.message == "10.3.0.9 is outside every CIDR of a, b")
    }

    @Test(arguments: [
        ("{ipam.swift-ipam.io/pool: green}", "metadata.annotations[ipam.swift-ipam.io/pool]"),
        ("{ipam.swift-ipam.io/pool-selector: tier=db}", "metadata.annotations[ipam.swift-ipam.io/pool-selector]"),
        ("{ipam.swift-ipam.io/pool-selector: \"tier in (\"}", "metadata.annotations[ipam.swift-ipam.io/pool-selector]"),
        ("{ipam.swift-ipam.io/pool: blue, ipam.swift-ipam.io/addresses: 10.10.0.210}", "metadata.annotations[ipam.swift-ipam.io/addresses]"),
        ("{ipam.swift-ipam.io/pool: blue, ipam.swift-ipam.io/ip-families: \"IPv4,IPv6\"}", "metadata.annotations[ipam.swift-ipam.io/ip-families]"),
    ])
    func podAnnotationProblems(annotations: String, field: String) {
        let problems = validate(documents(Self.blue, Self.pod("shop", "p", annotations)))
        #expect(problems.map(\.field) == [field])
        #expect(problems.map(\.object) == ["Pod shop/p"])
    }

    @Test func aPodWithoutAnnotationsIsNotChecked() {
        #expect(validate(documents(Self.blue, Self.pod("shop", "p", "{app: web}"))).isEmpty)
    }

    @Test func theInvalidFixtureWithItsLines() {
        let path = fixture("invalid.yaml")
        let problems = ManifestValidator().problems(in: ManifestReader().read([path]).objects)
        #expect(problems.map(\.description) == [
            "\(path):11 (document 2): IPClaim shop/typo: spec.pool: pool bleu is not defined in the input",
            "\(path):19 (document 3): IPClaim shop/excluded: spec.addresses[0]: 10.10.0.201 cannot be allocated from pool blue: it is excluded by the pool",
        ])
    }

    @Test func theSamplesValidate() {
        let read = ManifestReader().read([samplesPath])
        #expect(read.problems.isEmpty)
        #expect(ManifestValidator().problems(in: read.objects).isEmpty)
        #expect(read.objects.count == 23, "3 namespaces, 5 pools, 11 claims, 4 Pods; the Kustomization is ignored")
    }
}
