import KubernetesClientTestKit
import Testing

@Suite("Seeding and inspecting the store", .timeLimit(.minutes(1)))
struct ObjectAccessTests {
    @Test func seedKeepsGivenIdentityAndStatusAndIsVisibleOverHTTP() async throws {
        try await withServer(Fixture.configuration()) { server, client async throws in
            var widget = Fixture.widget("w")
            widget["metadata"]?["uid"] = "11111111-2222-3333-4444-555555555555"
            widget["metadata"]?["creationTimestamp"] = "2020-01-01T00:00:00Z"
            widget["status"] = ["ready": true]
            let seeded = try await server.seed(widget)
            #expect(seeded["metadata"]?["resourceVersion"]?.stringValue == (await server.resourceVersion))

            let fetched = try await client.get(Fixture.widgetsPath + "/w")
            #expect(fetched.body?["metadata"]?["uid"] == "11111111-2222-3333-4444-555555555555")
            #expect(fetched.body?["metadata"]?["creationTimestamp"] == "2020-01-01T00:00:00Z")
            #expect(fetched.body?["status"]?["ready"] == true)

            // Seeding again replaces, without a resourceVersion check.
            widget["spec"]?["pool"] = "green"
            try await server.seed(widget)
            let all = try await server.objects(group: "example.com", plural: "widgets")
            #expect(all.count == 1)
            #expect(all.first?["spec"]?["pool"] == "green")
            #expect(await server.object(group: "example.com", plural: "widgets", name: "w") != nil)
            #expect(await server.object(group: "example.com", plural: "widgets", name: "x") == nil)
        }
    }

    @Test func seedBypassesAuthenticationAndFaults() async throws {
        let configuration = FakeAPIServer.Configuration(requiresAuthentication: true)
        try await withServer(configuration) { server, _ async throws in
            server.failNextRequests(statusCode: 500)
            try await server.seed(Fixture.pod("web-0").merging(["metadata": ["name": "web-0", "namespace": "default"]]))
            #expect(server.pendingInjectedFailures == 1)
            #expect(await server.object(group: "", plural: "pods", namespace: "default", name: "web-0") != nil)
        }
    }

    @Test func seedOfAnUnregisteredKindFails() async throws {
        try await withServer { server, _ async throws in
            await #expect(throws: FakeAPIError.self) {
                try await server.seed(Fixture.widget("w"))
            }
            await #expect(throws: FakeAPIError.self) {
                _ = try await server.objects(group: "example.com", plural: "widgets")
            }
        }
    }

    @Test func runtimeRegistrationServesANewKind() async throws {
        try await withServer { server, client async throws in
            #expect(try await client.get(Fixture.widgetsPath).status == 404)
            await server.register(
                group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: false,
                statusSubresource: true)
            let response = try await client.post(Fixture.widgetsPath, Fixture.widget("w"))
            #expect(response.status == 201)
            let list = try await client.get(Fixture.widgetsPath)
            #expect(list.body?["kind"] == "WidgetList")
        }
    }

    @Test func seededChangesReachWatchers() async throws {
        try await withServer { server, client async throws in
            var (_, lines) = try await client.watch(Fixture.podsPath + "?watch=true")
            try await server.seed(Fixture.pod("web-0").merging(["metadata": ["name": "web-0", "namespace": "default"]]))
            #expect(try await lines.next()?["type"] == "ADDED")
        }
    }
}

extension JSONValue {
    /// A JSON merge patch applied to this value, for building fixtures.
    func merging(_ patch: JSONValue) -> JSONValue {
        guard case .object(let members) = patch, case .object(var result) = self else { return patch }
        for (key, value) in members { result[key] = result[key].map { $0.merging(value) } ?? value }
        return .object(result)
    }
}
