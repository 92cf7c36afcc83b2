import KubernetesCore
import Testing

private struct Widget: Resource {
    static let group = "example.com"
    static let version = "v1beta1"
    static let kind = "Widget"
    static let plural = "widgets"
    static let isNamespaced = true
    var metadata = ObjectMeta()
}

@Suite struct ResourceTests {
    @Test func apiVersionJoinsGroupAndVersion() {
        #expect(Widget.apiVersion == "example.com/v1beta1")
        #expect(Widget.typeMeta == TypeMeta(apiVersion: "example.com/v1beta1", kind: "Widget"))
    }

    @Test func coreGroupApiVersionIsTheVersionAlone() {
        #expect(Pod.apiVersion == "v1")
        #expect(Namespace.apiVersion == "v1")
        #expect(Pod.typeMeta == TypeMeta(apiVersion: "v1", kind: "Pod"))
    }
}
