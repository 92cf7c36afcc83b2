import KubernetesClientTestKit
import Testing

@Suite("Status subresource", .timeLimit(.minutes(1)))
struct StatusSubresourceTests {
    let path = Fixture.widgetsPath + "/w"

    @Test func createDropsStatus() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            var widget = Fixture.widget("w")
            widget["status"] = ["ready": true]
            let created = try await client.post(Fixture.widgetsPath, widget)
            #expect(created.status == 201)
            #expect(created.body?["status"] == nil)
        }
    }

    @Test func statusUpdateChangesOnlyStatus() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            let created = try #require(try await client.post(Fixture.widgetsPath, Fixture.widget("w")).body)
            var body = created
            body["status"] = ["ready": true]
            body["spec"]?["pool"] = "green"
            body["metadata"]?["labels"] = ["x": "y"]
            let updated = try await client.put(path + "/status", body)
            #expect(updated.status == 200)
            #expect(updated.body?["status"]?["ready"] == true)
            #expect(updated.body?["spec"]?["pool"] == "blue")
            #expect(updated.body?["metadata"]?["labels"] == nil)
            #expect(updated.body?["metadata"]?["generation"] == 1)
            #expect(updated.resourceVersion != created["metadata"]?["resourceVersion"]?.stringValue)
        }
    }

    @Test func statusUpdateWithStaleVersionConflicts() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            let created = try #require(try await client.post(Fixture.widgetsPath, Fixture.widget("w")).body)
            var first = created
            first["status"] = ["n": 1]
            #expect(try await client.put(path + "/status", first).status == 200)
            var second = created
            second["status"] = ["n": 2]
            let stale = try await client.put(path + "/status", second)
            #expect(stale.status == 409)
            #expect(stale.reason == "Conflict")
        }
    }

    @Test func mainObjectUpdateIgnoresStatus() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            var object = try #require(try await client.post(Fixture.widgetsPath, Fixture.widget("w")).body)
            object["status"] = ["ready": true]
            object = try #require(try await client.put(path + "/status", object).body)

            object["status"] = ["ready": false]
            object["spec"]?["pool"] = "green"
            let updated = try await client.put(path, object)
            #expect(updated.body?["status"]?["ready"] == true)
            #expect(updated.body?["spec"]?["pool"] == "green")

            let patched = try await client.mergePatch(path, ["status": ["ready": false]])
            #expect(patched.body?["status"]?["ready"] == true)
        }
    }

    @Test func statusPatchAndGet() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            _ = try await client.post(Fixture.widgetsPath, Fixture.widget("w"))
            let patched = try await client.mergePatch(path + "/status", ["status": ["allocated": 3], "spec": ["pool": "x"]])
            #expect(patched.status == 200)
            #expect(patched.body?["status"]?["allocated"] == 3)
            #expect(patched.body?["spec"]?["pool"] == "blue")
            let fetched = try await client.get(path + "/status")
            #expect(fetched.body?["status"]?["allocated"] == 3)
        }
    }

    @Test func statusOfAMissingObjectIsNotFound() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            let response = try await client.put(path + "/status", Fixture.widget("w"))
            #expect(response.status == 404)
        }
    }

    @Test func namespaceStatusIsTheNamespacesSubresource() async throws {
        try await withServer { _, client async throws in
            _ = try await client.post("/api/v1/namespaces", ["metadata": ["name": "shop"]])
            let response = try await client.put(
                "/api/v1/namespaces/shop/status", ["metadata": ["name": "shop"], "status": ["phase": "Active"]])
            #expect(response.status == 200)
            #expect(response.body?["status"]?["phase"] == "Active")
        }
    }
}
