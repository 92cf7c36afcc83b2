import Foundation
import KubernetesCore
import Testing

@Suite struct APIRequestTests {
    @Test func noQueryMeansNoQuestionMark() {
        #expect(APIRequest(method: .get, path: "/api/v1/pods").pathAndQuery == "/api/v1/pods")
    }

    @Test func queryOrderIsKeptAndNamesMayRepeat() {
        let request = APIRequest(
            method: .get, path: "/api/v1/pods", query: [.init("b", "2"), .init("a", "1"), .init("b", "3")])
        #expect(request.pathAndQuery == "/api/v1/pods?b=2&a=1&b=3")
    }

    @Test(arguments: [
        ("app=web", "app%3Dweb"),
        ("a&b", "a%26b"),
        ("a+b", "a%2Bb"),
        ("a b", "a%20b"),
        ("tier in (a,b),env!=dev", "tier%20in%20%28a%2Cb%29%2Cenv%21%3Ddev"),
        ("!app,env notin (dev)", "%21app%2Cenv%20notin%20%28dev%29"),
        ("ipam.swift-ipam.io/pool", "ipam.swift-ipam.io%2Fpool"),
        ("a?b#c%d;e", "a%3Fb%23c%25d%3Be"),
        ("AZaz09-._~", "AZaz09-._~"),
        ("grün", "gr%C3%BCn"),
        ("", ""),
    ])
    func queryValuesEscapeEverythingButUnreservedCharacters(value: String, encoded: String) {
        let request = APIRequest(method: .get, path: "/api/v1/pods", query: [.init("labelSelector", value)])
        #expect(request.pathAndQuery == "/api/v1/pods?labelSelector=\(encoded)")
    }

    @Test func queryNamesAreEscapedToo() {
        let request = APIRequest(method: .get, path: "/p", query: [.init("a=b&c", "d")])
        #expect(request.pathAndQuery == "/p?a%3Db%26c=d")
    }

    @Test(arguments: [
        ("/api/v1/namespaces/shop/pods/web-0", "/api/v1/namespaces/shop/pods/web-0"),
        ("/api/v1/namespaces/shop/pods/a b", "/api/v1/namespaces/shop/pods/a%20b"),
        ("/api/v1/namespaces/shop/pods/a?b", "/api/v1/namespaces/shop/pods/a%3Fb"),
        ("/api/v1/namespaces/shop/pods/a#b", "/api/v1/namespaces/shop/pods/a%23b"),
        ("/api/v1/namespaces/shop/pods/a;b", "/api/v1/namespaces/shop/pods/a%3Bb"),
        ("/api/v1/namespaces/shop/pods/100%", "/api/v1/namespaces/shop/pods/100%25"),
    ])
    func pathsKeepSlashesAndEscapeDelimiters(path: String, encoded: String) {
        #expect(APIRequest(method: .get, path: path).pathAndQuery == encoded)
    }

    @Test(arguments: [
        ("https://10.96.0.1:443", "https://10.96.0.1:443/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb"),
        ("https://10.96.0.1:443/", "https://10.96.0.1:443/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb"),
        ("https://rancher.example/k8s/clusters/c-1",
         "https://rancher.example/k8s/clusters/c-1/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb"),
        ("https://rancher.example/k8s/clusters/c-1/",
         "https://rancher.example/k8s/clusters/c-1/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb"),
        ("http://127.0.0.1:8001//", "http://127.0.0.1:8001/api/v1/namespaces/shop/pods?labelSelector=app%3Dweb"),
    ])
    func urlRelativeToABaseKeepsItsPathPrefix(base: String, expected: String) throws {
        let request = ResourceRequests<Pod>(namespace: "shop").list(ListOptions(labelSelector: "app=web"))
        let baseURL = try #require(URL(string: base))
        let url = try #require(request.url(relativeTo: baseURL))
        #expect(url.absoluteString == expected)
    }

    @Test func urlQueryDecodesBackToTheOriginalValues() throws {
        let selector = "tier in (a,b),env!=dev"
        let token = "eyJ2Ijoi+/=="
        let request = ResourceRequests<Pod>().list(ListOptions(labelSelector: selector, continueToken: token))
        let baseURL = try #require(URL(string: "https://k8s.example:6443/prefix/"))
        let url = try #require(request.url(relativeTo: baseURL))
        let components = try #require(URLComponents(url: url, resolvingAgainstBaseURL: false))
        #expect(components.path == "/prefix/api/v1/pods")
        #expect(components.queryItems == [URLQueryItem(name: "labelSelector", value: selector), URLQueryItem(name: "continue", value: token)])
        // Go's url.ParseQuery reads `+` as a space, so a raw `+` must never reach the server.
        #expect(!(components.percentEncodedQuery ?? "").contains("+"))
    }

    @Test(arguments: [
        (APIRequest.Method.get, true),
        (.put, true),
        (.delete, true),
        (.post, false),
        (.patch, false),
    ])
    func idempotency(method: APIRequest.Method, expected: Bool) {
        #expect(APIRequest(method: method, path: "/api/v1/pods").isIdempotent == expected)
    }

    @Test func methodsAreSpelledAsHTTPDoes() {
        #expect(
            [APIRequest.Method.get, .post, .put, .patch, .delete].map(\.rawValue) == ["GET", "POST", "PUT", "PATCH", "DELETE"])
    }
}
