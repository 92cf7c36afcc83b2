@testable import KubernetesClientTestKit
import Testing

@Suite("API paths")
struct APIPathTests {
    @Test func coreAndGroupPaths() {
        #expect(
            APIPath.interpretations(of: "/api/v1/namespaces/ns/pods/p/status") == [
                APIPath(group: "", version: "v1", namespace: "ns", plural: "pods", name: "p", subresource: "status")
            ])
        #expect(
            APIPath.interpretations(of: "/apis/ipam.swift-ipam.io/v1alpha1/ippools/blue") == [
                APIPath(group: "ipam.swift-ipam.io", version: "v1alpha1", plural: "ippools", name: "blue")
            ])
    }

    @Test func namespaceSubresourceIsAmbiguousNamespacedFirst() {
        #expect(
            APIPath.interpretations(of: "/api/v1/namespaces/shop/status") == [
                APIPath(group: "", version: "v1", namespace: "shop", plural: "status"),
                APIPath(group: "", version: "v1", plural: "namespaces", name: "shop", subresource: "status"),
            ])
    }

    @Test(arguments: ["/", "/api", "/apis/g", "/api/v1", "/api/v1/a/b/c/d", "/api//v1/pods", "/other/v1/pods", "/api/v1/pods/"])
    func notAPIPaths(path: String) {
        #expect(APIPath.interpretations(of: path).isEmpty)
    }
}
