import IPAM
@testable import IPAMModel
import KubernetesCore
import Testing

@Suite struct ClaimDefinitionTests {
    func problems(_ claim: IPClaim) -> [ValidationProblem] {
        failure { () throws(ValidationFailure) in try ClaimDefinition(validating: claim) }?.problems ?? []
    }

    @Test func byName() throws {
        let claim = try ClaimDefinition(validating: makeClaim("shop", "web-0", pool: "blue", uid: "u-1"))
        #expect(claim.identity == identity("shop", "web-0"))
        #expect(claim.uid == "u-1")
        #expect(claim.target == .named("blue"))
        #expect(claim.request.families == [.ipv4])
        #expect(claim.request.staticAddresses.isEmpty)
        #expect(claim.ownerPod == nil)
    }

    @Test func bySelector() throws {
        let claim = try ClaimDefinition(validating: makeClaim("web", "c", selector: selector(["tier": "web"])))
        #expect(claim.target == .selected(selector(["tier": "web"])))
    }

    @Test func bothPoolAndSelectorIsAnErrorAtSpec() {
        let found = problems(makeClaim("n", "c", pool: "blue", selector: selector(["tier": "web"])))
        #expect(found == [ValidationProblem(field: "spec", message: "set exactly one of pool and poolSelector, not both")])
    }

    @Test func neitherPoolNorSelectorIsAnErrorAtSpec() {
        let found = problems(makeClaim("n", "c"))
        #expect(found == [ValidationProblem(field: "spec", message: "set exactly one of pool and poolSelector")])
    }

    @Test func aBadPoolNameIsReported() {
        #expect(problems(makeClaim("n", "c", pool: "Blue")).map(\.field) == ["spec.pool"])
    }

    @Test func aBadSelectorIsReported() {
        let bad = LabelSelector(matchLabels: ["tier": "-web"])
        #expect(problems(makeClaim("n", "c", selector: bad)).map(\.field) == ["spec.poolSelector.matchLabels[tier]"])
    }

    @Test(arguments: [
        (["ipv4"], "spec.ipFamilies[0]"),
        (["IPv4", "IPv5"], "spec.ipFamilies[1]"),
        ([""], "spec.ipFamilies[0]"),
    ])
    func badFamily(families: [String], field: String) throws {
        let found = problems(makeClaim("n", "c", pool: "p", families: families))
        #expect(found.map(\.field) == [field])
        #expect(found.first?.message.contains("must be IPv4 or IPv6") == true)
    }

    @Test(arguments: [["IPv4", "IPv4"], ["IPv6", "IPv4", "IPv6"]])
    func duplicateFamily(families: [String]) throws {
        let problem = try #require(problems(makeClaim("n", "c", pool: "p", families: families)).first)
        #expect(problem.field == "spec.ipFamilies")
        #expect(problem.message.contains("requested twice"))
    }

    @Test func emptyFamiliesIsAnError() {
        #expect(problems(makeClaim("n", "c", pool: "p", families: [])).map(\.field) == ["spec.ipFamilies"])
    }

    @Test func aStaticAddressOfAnUnrequestedFamily() throws {
        let problem = try #require(problems(makeClaim("n", "c", pool: "p", families: ["IPv4"], addresses: ["fd00::5"])).first)
        #expect(problem.field == "spec.addresses")
        #expect(problem.message.contains("fd00::5"))
    }

    @Test func twoStaticAddressesOfOneFamily() {
        #expect(problems(makeClaim("n", "c", pool: "p", addresses: ["10.0.0.5", "10.0.0.6"])).map(\.field)
            == ["spec.addresses"])
    }

    @Test(arguments: [(["10.0.0.5", "10.0.0"], "spec.addresses[1]"), (["fd00::g"], "spec.addresses[0]")])
    func anUnparsableStaticAddress(addresses: [String], field: String) {
        #expect(problems(makeClaim("n", "c", pool: "p", addresses: addresses)).map(\.field) == [field])
    }

    @Test(arguments: [
        ([String](), [IPAddress.Family.ipv4]),
        (["10.0.0.5"], [.ipv4]),
        (["fd00::5"], [.ipv6]),
        (["fd00::5", "10.0.0.5"], [.ipv6, .ipv4]),
        (["10.0.0.5", "fd00::5"], [.ipv4, .ipv6]),
    ])
    func familiesDefaultToTheStaticAddresses(addresses: [String], families: [IPAddress.Family]) throws {
        let claim = try ClaimDefinition(validating: makeClaim("n", "c", pool: "p", addresses: addresses.isEmpty ? nil : addresses))
        #expect(claim.request.families == families)
        #expect(claim.request.staticAddresses == addresses.map(addr))
    }

    @Test func explicitFamiliesKeepTheirOrder() throws {
        let claim = try ClaimDefinition(validating: makeClaim("n", "c", pool: "p", families: ["IPv6", "IPv4"], addresses: ["10.0.0.5"]))
        #expect(claim.request.families == [.ipv6, .ipv4])
        #expect(claim.request.staticAddress(for: .ipv4) == addr("10.0.0.5"))
        #expect(claim.request.staticAddress(for: .ipv6) == nil)
    }

    @Test func nameAndNamespaceAreRequired() {
        let claim = IPClaim(metadata: ObjectMeta(), spec: IPClaimSpec(pool: "p"))
        #expect(problems(claim).map(\.field) == ["metadata.name", "metadata.namespace"])
        #expect(problems(makeClaim("n", "Not_A_Name", pool: "p")).map(\.field) == ["metadata.name"])
    }

    @Test func aDottedClaimNameIsValid() {
        #expect(problems(makeClaim("n", "web.example.com", pool: "p")).isEmpty)
    }

    @Test func everyProblemIsCollected() {
        let claim = makeClaim("n", "c", families: ["IPv7"], addresses: ["1.2.3"])
        #expect(problems(claim).map(\.field) == ["spec", "spec.addresses[0]", "spec.ipFamilies[0]"])
    }

    @Test func ownerPodIsTheControllerPodReference() throws {
        let pod = OwnerReference(apiVersion: "v1", kind: "Pod", name: "web-0", uid: "pod-uid", controller: true)
        let other = OwnerReference(apiVersion: "apps/v1", kind: "StatefulSet", name: "web", uid: "sts-uid")
        let claim = try ClaimDefinition(validating: makeClaim("n", "web-0", pool: "p", owners: [other, pod]))
        #expect(claim.ownerPod == pod)
    }

    @Test(arguments: [
        OwnerReference(apiVersion: "apps/v1", kind: "StatefulSet", name: "web", uid: "u", controller: true),
        OwnerReference(apiVersion: "example.com/v1", kind: "Pod", name: "web-0", uid: "u", controller: true),
    ])
    func otherOwnersAreNotPods(owner: OwnerReference) throws {
        let claim = try ClaimDefinition(validating: makeClaim("n", "web-0", pool: "p", owners: [owner]))
        #expect(claim.ownerPod == nil)
    }
}
