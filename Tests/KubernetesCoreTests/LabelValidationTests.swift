import KubernetesCore
import Testing

@Suite struct LabelValidationTests {
    static let name63 = String(repeating: "a", count: 63)
    static let name64 = String(repeating: "a", count: 64)
    static let subdomain253 = String(
        Array(repeating: String(repeating: "a", count: 63), count: 4).joined(separator: ".").dropLast(2))
    static let subdomain254 = subdomain253 + "a"

    @Test func fixtureLengths() {
        #expect(Self.subdomain253.utf8.count == 253)
        #expect(Self.subdomain254.utf8.count == 254)
    }

    @Test(arguments: [
        "a", "A", "9", "app", "App.Kubernetes_io-name", "a-b_c.d", name63,
        "ipam.swift-ipam.io/pool", "kubernetes.io/hostname", "a/b", "example.com/" + name63,
        subdomain253 + "/x",
    ])
    func validLabelKeys(key: String) {
        #expect(LabelValidation.isValidLabelKey(key))
        #expect(LabelValidation.labelKeyProblem(key) == nil)
    }

    @Test(arguments: [
        "", "-a", "a-", "_a", "a.", ".a", "a b", "a:b", "é", name64, "/a", "a/", "a/b/c",
        "Example.com/a", "example..com/a", "-example.com/a", "example.com/-a", subdomain254 + "/x",
    ])
    func invalidLabelKeys(key: String) {
        #expect(!LabelValidation.isValidLabelKey(key))
        #expect(LabelValidation.labelKeyProblem(key)?.contains("\"\(key)\"") == true)
    }

    @Test(arguments: ["", "a", "Z", "0", "web", "v1.2.3", "a_b-c.D", name63])
    func validLabelValues(value: String) {
        #expect(LabelValidation.isValidLabelValue(value))
    }

    @Test(arguments: ["-", "a-", "-a", ".a", "a_", "a b", "a/b", "a=b", "ü", name64])
    func invalidLabelValues(value: String) {
        #expect(!LabelValidation.isValidLabelValue(value))
        #expect(LabelValidation.labelValueProblem(value) != nil)
    }

    @Test(arguments: [
        ("blue", true, true), ("10.10.0.42", true, false), ("fd00-0010-0000-0000-0000-0000-0000-0002", true, true),
        ("a", true, true), ("0", true, true), (name63, true, true), (name64, true, false), (subdomain253, true, false),
        (subdomain254, false, false), ("", false, false), ("Blue", false, false), ("-a", false, false),
        ("a-", false, false), ("a..b", false, false), (".a", false, false), ("a.", false, false),
        ("a_b", false, false), ("a.-b", false, false),
    ])
    func dns1123Names(name: String, isSubdomain: Bool, isLabel: Bool) {
        #expect(LabelValidation.isDNS1123Subdomain(name) == isSubdomain)
        #expect(LabelValidation.isDNS1123Label(name) == isLabel)
        #expect((LabelValidation.dns1123SubdomainProblem(name) == nil) == isSubdomain)
        #expect((LabelValidation.dns1123LabelProblem(name) == nil) == isLabel)
    }
}
