import IPAM
@testable import IPAMModel
import KubernetesCore
import Testing

@Suite struct PodClaimTests {
    typealias Key = IPAMAPI.PodAnnotation

    func problems(_ pod: Pod) -> [ValidationProblem] {
        failure { () throws(ValidationFailure) in try PodClaim.claim(for: pod) }?.problems ?? []
    }

    @Test func annotationKeys() {
        #expect(Key.pool == "ipam.swift-ipam.io/pool")
        #expect(Key.poolSelector == "ipam.swift-ipam.io/pool-selector")
        #expect(Key.ipFamilies == "ipam.swift-ipam.io/ip-families")
        #expect(Key.addresses == "ipam.swift-ipam.io/addresses")
        #expect(Key.allocated == "ipam.swift-ipam.io/allocated")
    }

    @Test func aPoolAnnotationBecomesAClaimOwnedByThePod() throws {
        let pod = makePod("shop", "web-0", uid: "pod-uid", annotations: [Key.pool: "blue", "other": "x"])
        let claim = try #require(try PodClaim.claim(for: pod))
        #expect(claim.metadata.name == "web-0")
        #expect(claim.metadata.namespace == "shop")
        #expect(claim.metadata.uid == nil)
        #expect(claim.spec == IPClaimSpec(pool: "blue"))
        let owner = try #require(claim.metadata.ownerReferences?.first)
        #expect(claim.metadata.ownerReferences?.count == 1)
        #expect(owner.apiVersion == "v1")
        #expect(owner.kind == "Pod")
        #expect(owner.name == "web-0")
        #expect(owner.uid == "pod-uid")
        #expect(owner.controller == true)
        #expect(owner.blockOwnerDeletion != true)
        #expect(PodClaim.isOwned(claim, by: pod))
        #expect(try ClaimDefinition(validating: claim).ownerPod == owner)
    }

    @Test func everyAnnotationIsTaken() throws {
        let pod = makePod("infra", "router-0", uid: "u", annotations: [
            Key.poolSelector: "tier=web, zone in (a,b)",
            Key.ipFamilies: " IPv6 ,IPv4",
            Key.addresses: "fd00:20::53 , 10.20.0.53,",
        ])
        let claim = try #require(try PodClaim.claim(for: pod))
        #expect(claim.spec.pool == nil)
        #expect(claim.spec.poolSelector == LabelSelector(
            matchLabels: ["tier": "web"],
            matchExpressions: [LabelSelectorRequirement(key: "zone", operator: .in, values: ["a", "b"])]))
        #expect(claim.spec.ipFamilies == ["IPv6", "IPv4"])
        #expect(claim.spec.addresses == ["fd00:20::53", "10.20.0.53"])
        let definition = try ClaimDefinition(validating: claim)
        #expect(definition.request.families == [.ipv6, .ipv4])
    }

    @Test(arguments: [nil, [:], ["app": "web"], [Key.ipFamilies: "IPv4", Key.addresses: "10.0.0.1"]] as [[String: String]?])
    func aPodWithoutPoolAnnotationsHasNoClaim(annotations: [String: String]?) throws {
        let pod = makePod("n", "p", uid: "u", annotations: annotations)
        #expect(!PodClaim.isAnnotated(pod))
        #expect(try PodClaim.claim(for: pod) == nil)
    }

    @Test func aPodReadFromAManifestHasNoUIDAndSoNoOwner() throws {
        let claim = try #require(try PodClaim.claim(for: makePod("n", "p", annotations: [Key.pool: "blue"])))
        #expect(claim.metadata.ownerReferences == nil)
    }

    @Test func aBadSelectorAnnotationIsReportedAtTheAnnotation() throws {
        let found = problems(makePod("n", "p", uid: "u", annotations: [Key.poolSelector: "tier=web,("]))
        #expect(found.map(\.field) == ["metadata.annotations[ipam.swift-ipam.io/pool-selector]"])
    }

    @Test(arguments: [
        ([Key.pool: "Blue"], "metadata.annotations[ipam.swift-ipam.io/pool]"),
        ([Key.pool: "blue", Key.ipFamilies: "IPv4,ipv6"], "metadata.annotations[ipam.swift-ipam.io/ip-families]"),
        ([Key.pool: "blue", Key.ipFamilies: "IPv4,IPv4"], "metadata.annotations[ipam.swift-ipam.io/ip-families]"),
        ([Key.pool: "blue", Key.addresses: "10.0.0.300"], "metadata.annotations[ipam.swift-ipam.io/addresses]"),
        ([Key.pool: "blue", Key.ipFamilies: "IPv4", Key.addresses: "fd00::1"], "metadata.annotations[ipam.swift-ipam.io/addresses]"),
        ([Key.pool: "blue", Key.addresses: "10.0.0.1,10.0.0.2"], "metadata.annotations[ipam.swift-ipam.io/addresses]"),
        ([Key.poolSelector: "tier=-web"], "metadata.annotations[ipam.swift-ipam.io/pool-selector]"),
    ])
    func badAnnotationsAreReportedAtTheAnnotation(annotations: [String: String], field: String) {
        #expect(problems(makePod("n", "p", uid: "u", annotations: annotations)).map(\.field) == [field])
    }

    @Test func bothPoolAnnotations() throws {
        let found = problems(makePod("n", "p", uid: "u", annotations: [Key.pool: "blue", Key.poolSelector: "tier=web"]))
        let problem = try #require(found.first)
        #expect(found.count == 1)
        #expect(problem.field.hasPrefix("metadata.annotations"))
        #expect(problem.field.contains(Key.pool) && problem.field.contains(Key.poolSelector))
    }

    @Test func isOwnedComparesUIDs() throws {
        let pod = makePod("n", "p", uid: "new", annotations: [Key.pool: "blue"])
        let stale = makeClaim("n", "p", pool: "blue", owners: [
            OwnerReference(apiVersion: "v1", kind: "Pod", name: "p", uid: "old", controller: true),
        ])
        #expect(!PodClaim.isOwned(stale, by: pod))
        #expect(!PodClaim.isOwned(makeClaim("n", "p", pool: "blue"), by: pod))
        #expect(!PodClaim.isOwned(stale, by: makePod("n", "p")), "a Pod without UID owns nothing")
        let owned = try #require(try PodClaim.claim(for: pod))
        #expect(PodClaim.isOwned(owned, by: pod))
    }

    @Test(arguments: [
        ([ClaimAddress(address: "10.10.0.42", prefixLength: 24, gateway: "10.10.0.1"),
          ClaimAddress(address: "fd00:10::2", prefixLength: 120)], Optional("10.10.0.42/24,fd00:10::2/120")),
        ([ClaimAddress(address: "fd00:10::2", prefixLength: 120),
          ClaimAddress(address: "10.10.0.42", prefixLength: 24)], "fd00:10::2/120,10.10.0.42/24"),
        ([ClaimAddress(address: "10.0.0.1", prefixLength: 32)], "10.0.0.1/32"),
        ([], nil),
    ])
    func allocatedAnnotation(addresses: [ClaimAddress], expected: String?) {
        #expect(PodClaim.allocatedAnnotation(for: IPClaimStatus(addresses: addresses)) == expected)
    }

    @Test func noAllocatedAnnotationWithoutAddresses() {
        #expect(PodClaim.allocatedAnnotation(for: IPClaimStatus()) == nil)
    }
}
