@testable import IPAMCtlKit
import IPAMModel
import KubernetesCore
import Testing

@Suite struct ManifestTests {
    let source = ManifestSource(file: "config/pools.yaml", document: 3, line: 27)

    @Test func sourceDescription() {
        #expect(source.description == "config/pools.yaml:27 (document 3)")
    }

    @Test(arguments: [
        (Optional("IPClaim shop/web-0"), Optional("spec.pool"), "config/pools.yaml:27 (document 3): IPClaim shop/web-0: spec.pool: pool x is not defined in the input"),
        ("IPClaim shop/web-0", nil, "config/pools.yaml:27 (document 3): IPClaim shop/web-0: pool x is not defined in the input"),
        ("IPClaim shop/web-0", "", "config/pools.yaml:27 (document 3): IPClaim shop/web-0: pool x is not defined in the input"),
        (nil, nil, "config/pools.yaml:27 (document 3): pool x is not defined in the input"),
    ])
    func problemDescription(object: String?, field: String?, expected: String) {
        let problem = ManifestProblem(source: source, object: object, field: field, message: "pool x is not defined in the input")
        #expect(problem.description == expected)
    }

    @Test func aProblemWithoutSource() {
        #expect(ManifestProblem(source: nil, object: nil, field: nil, message: "x: no such file or directory").description
            == "x: no such file or directory")
    }

    @Test func references() {
        let pool = ManifestObject(source: source, content: .pool(IPPool(metadata: ObjectMeta(name: "blue"), spec: IPPoolSpec(cidrs: []))))
        let claim = ManifestObject(source: source, content: .claim(IPClaim(metadata: ObjectMeta(name: "c", namespace: "shop"), spec: IPClaimSpec())))
        let pod = ManifestObject(source: source, content: .pod(Pod(metadata: ObjectMeta(name: "p", namespace: "web"))))
        let unnamed = ManifestObject(source: source, content: .namespace(Namespace(metadata: ObjectMeta())))
        #expect([pool, claim, pod, unnamed].map(\.reference) == ["IPPool blue", "IPClaim shop/c", "Pod web/p", "Namespace <unnamed>"])
    }
}
