import Foundation
import KubernetesClientTestKit
import Testing

@Suite("List: selectors and pagination", .timeLimit(.minutes(1)))
struct ListTests {
    func names(_ response: TestClient.Response) -> [String] {
        (response.body?["items"]?.arrayValue ?? []).compactMap { $0["metadata"]?["name"]?.stringValue }
    }

    func seedPods(_ client: TestClient) async throws {
        for (name, labels) in [
            ("c", ["app": "web", "tier": "front"]), ("a", ["app": "web"]), ("b", ["app": "db"]), ("d", [:]),
        ] {
            _ = try await client.post(Fixture.podsPath, Fixture.pod(name, labels: labels))
        }
        _ = try await client.post("/api/v1/namespaces/aaa/pods", Fixture.pod("z", labels: ["app": "web"]))
    }

    @Test func listIsOrderedByNamespaceThenNameWithTheCurrentVersion() async throws {
        try await withServer { server, client async throws in
            try await seedPods(client)
            let all = try await client.get("/api/v1/pods")
            #expect(all.status == 200)
            #expect(all.body?["kind"] == "PodList")
            #expect(all.body?["apiVersion"] == "v1")
            #expect(names(all) == ["z", "a", "b", "c", "d"])
            #expect(all.resourceVersion == (await server.resourceVersion))
            #expect(all.body?["metadata"]?["continue"] == nil)

            let inDefault = try await client.get(Fixture.podsPath)
            #expect(names(inDefault) == ["a", "b", "c", "d"])
        }
    }

    @Test(arguments: [
        ("app=web", ["a", "c"]),
        ("app==web", ["a", "c"]),
        ("app!=web", ["b", "d"]),
        ("app in (web,db),tier notin (front)", ["a", "b"]),
        ("tier", ["c"]),
        ("!app", ["d"]),
        ("", ["a", "b", "c", "d"]),
    ])
    func labelSelectors(selector: String, expected: [String]) async throws {
        try await withServer { _, client async throws in
            try await seedPods(client)
            let encoded = selector.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? selector
            let response = try await client.get(Fixture.podsPath + "?labelSelector=" + encoded)
            #expect(response.status == 200)
            #expect(names(response) == expected)
        }
    }

    @Test func invalidLabelSelectorIsBadRequest() async throws {
        try await withServer { _, client async throws in
            let response = try await client.get(Fixture.podsPath + "?labelSelector=a%20in%20(b")
            #expect(response.status == 400)
            #expect(response.reason == "BadRequest")
        }
    }

    @Test(arguments: [
        ("metadata.name=b", ["b"]),
        ("metadata.name==b", ["b"]),
        ("metadata.name!=b", ["a", "c", "d", "z"]),
        ("metadata.name!=b,metadata.name!=c", ["a", "d", "z"]),
        ("metadata.namespace=default,metadata.name=a", ["a"]),
        ("metadata.namespace=aaa", ["z"]),
        ("spec.nodeName=", ["a", "b", "c", "d", "z"]),
    ])
    func fieldSelectors(selector: String, expected: [String]) async throws {
        try await withServer { _, client async throws in
            try await seedPods(client)
            let encoded = selector.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? selector
            let response = try await client.get("/api/v1/pods?fieldSelector=" + encoded)
            #expect(response.status == 200)
            #expect(names(response).sorted() == expected.sorted())
        }
    }

    @Test func registeredFieldPathsAreSelectable() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            _ = try await client.post(Fixture.widgetsPath, Fixture.widget("w1", pool: "blue"))
            _ = try await client.post(Fixture.widgetsPath, Fixture.widget("w2", pool: "green"))
            var claimed = Fixture.widget("w3", pool: "green")
            claimed["spec"]?["claimRef"] = ["uid": "u-1"]
            _ = try await client.post(Fixture.widgetsPath, claimed)
            #expect(names(try await client.get(Fixture.widgetsPath + "?fieldSelector=spec.pool%3Dgreen")) == ["w2", "w3"])
            #expect(names(try await client.get(Fixture.widgetsPath + "?fieldSelector=spec.claimRef.uid%3Du-1")) == ["w3"])
            let unsupported = try await client.get(Fixture.widgetsPath + "?fieldSelector=spec.other%3Dx")
            #expect(unsupported.status == 400)
            #expect(unsupported.text.contains("field label not supported"))
            let malformed = try await client.get(Fixture.widgetsPath + "?fieldSelector=spec.pool")
            #expect(malformed.status == 400)
        }
    }

    @Test func paginationWalksEveryItemOnceWithTheFirstPagesVersion() async throws {
        try await withServer { _, client async throws in
            for index in 0..<7 {
                _ = try await client.post(Fixture.podsPath, Fixture.pod("p\(index)", labels: ["n": index % 2 == 0 ? "even" : "odd"]))
            }
            var seen: [String] = []
            var token: String?
            var versions: Set<String> = []
            var pages = 0
            repeat {
                var path = Fixture.podsPath + "?limit=3"
                if let token { path += "&continue=" + token }
                let page = try await client.get(path)
                #expect(page.status == 200)
                #expect(names(page).count <= 3)
                seen += names(page)
                versions.insert(page.resourceVersion ?? "")
                token = page.body?["metadata"]?["continue"]?.stringValue
                if token != nil {
                    #expect(page.body?["metadata"]?["remainingItemCount"]?.integerValue == Int64(7 - seen.count))
                    // A write between pages does not change the list's version.
                    _ = try await client.post("/api/v1/namespaces/other/pods", Fixture.pod("x\(pages)"))
                }
                pages += 1
            } while token != nil && pages < 10
            #expect(seen == (0..<7).map { "p\($0)" })
            #expect(pages == 3)
            #expect(versions.count == 1)
        }
    }

    @Test func paginationWithALabelSelectorFillsPages() async throws {
        try await withServer { _, client async throws in
            for index in 0..<6 {
                _ = try await client.post(Fixture.podsPath, Fixture.pod("p\(index)", labels: ["n": index % 2 == 0 ? "even" : "odd"]))
            }
            let first = try await client.get(Fixture.podsPath + "?limit=2&labelSelector=n%3Deven")
            #expect(names(first) == ["p0", "p2"])
            let token = try #require(first.body?["metadata"]?["continue"]?.stringValue)
            let second = try await client.get(Fixture.podsPath + "?limit=2&labelSelector=n%3Deven&continue=" + token)
            #expect(names(second) == ["p4"])
            #expect(second.body?["metadata"]?["continue"] == nil)
        }
    }

    @Test func badAndExpiredContinueTokens() async throws {
        try await withServer { server, client async throws in
            for index in 0..<3 { _ = try await client.post(Fixture.podsPath, Fixture.pod("p\(index)")) }
            let bad = try await client.get(Fixture.podsPath + "?limit=1&continue=garbage")
            #expect(bad.status == 400)

            let first = try await client.get(Fixture.podsPath + "?limit=1")
            let token = try #require(first.body?["metadata"]?["continue"]?.stringValue)
            _ = try await client.post(Fixture.podsPath, Fixture.pod("later"))
            await server.compactHistory()
            let expired = try await client.get(Fixture.podsPath + "?limit=1&continue=" + token)
            #expect(expired.status == 410)
            #expect(expired.reason == "Expired")
        }
    }

    @Test func invalidLimitIsBadRequest() async throws {
        try await withServer { _, client async throws in
            for (limit, status) in [("abc", 400), ("-1", 400), ("0", 200)] {
                let response = try await client.get(Fixture.podsPath + "?limit=" + limit)
                #expect(response.status == status, "limit=\(limit)")
            }
        }
    }
}
