import KubernetesClientTestKit
import Testing

@Suite("Finalizers, deletion and preconditions", .timeLimit(.minutes(1)))
struct FinalizerTests {
    let path = Fixture.podsPath + "/web-0"

    func createPod(_ client: TestClient, finalizers: [JSONValue] = []) async throws -> JSONValue {
        var pod = Fixture.pod("web-0")
        if !finalizers.isEmpty { pod["metadata"]?["finalizers"] = .array(finalizers) }
        return try #require(try await client.post(Fixture.podsPath, pod).body)
    }

    @Test func deleteWithoutFinalizersRemovesAndReturnsThePod() async throws {
        try await withServer { _, client async throws in
            _ = try await createPod(client)
            let deleted = try await client.delete(path)
            #expect(deleted.status == 200)
            #expect(deleted.body?["kind"] == "Pod")
            #expect(try await client.get(path).status == 404)
            #expect(try await client.delete(path).status == 404)
        }
    }

    @Test func deleteOfACustomResourceReturnsSuccessStatus() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            let created = try #require(try await client.post(Fixture.widgetsPath, Fixture.widget("w")).body)
            let deleted = try await client.delete(Fixture.widgetsPath + "/w")
            #expect(deleted.status == 200)
            #expect(deleted.body?["kind"] == "Status")
            #expect(deleted.body?["status"] == "Success")
            #expect(deleted.body?["details"]?["uid"] == created["metadata"]?["uid"])
        }
    }

    @Test func finalizersHoldTheObjectUntilTheLastIsRemoved() async throws {
        try await withServer { server, client async throws in
            _ = try await createPod(client, finalizers: ["a.example.com/one", "a.example.com/two"])
            let marked = try await client.delete(path)
            #expect(marked.status == 200)
            let metadata = try #require(marked.body?["metadata"])
            #expect(metadata["deletionTimestamp"]?.stringValue != nil)
            #expect(metadata["deletionGracePeriodSeconds"] == 0)
            #expect(metadata["generation"] == 2)

            // A second delete changes nothing.
            let again = try await client.delete(path)
            #expect(again.status == 200)
            #expect(again.resourceVersion == marked.resourceVersion)

            var object = try #require(try await client.get(path).body)
            object["metadata"]?["finalizers"] = ["a.example.com/two"]
            object = try #require(try await client.put(path, object).body)
            #expect(try await client.get(path).status == 200)

            let last = try await client.mergePatch(path, ["metadata": ["finalizers": nil]])
            #expect(last.status == 200)
            #expect(try await client.get(path).status == 404)
            #expect(try await server.objects(group: "", plural: "pods").isEmpty)
        }
    }

    @Test func noNewFinalizersWhileDeleting() async throws {
        try await withServer { _, client async throws in
            _ = try await createPod(client, finalizers: ["a.example.com/one"])
            _ = try await client.delete(path)
            let response = try await client.mergePatch(
                path, ["metadata": ["finalizers": ["a.example.com/one", "b.example.com/new"]]])
            #expect(response.status == 422)
            #expect(response.reason == "Invalid")
        }
    }

    @Test func deletionTimestampCannotBeClearedByUpdate() async throws {
        try await withServer { _, client async throws in
            _ = try await createPod(client, finalizers: ["a.example.com/one"])
            var object = try #require(try await client.delete(path).body)
            object["metadata"]?["deletionTimestamp"] = nil
            object["metadata"]?["labels"] = ["x": "y"]
            let updated = try await client.put(path, object)
            #expect(updated.body?["metadata"]?["deletionTimestamp"]?.stringValue != nil)
        }
    }

    @Test func preconditionsMustMatch() async throws {
        try await withServer { _, client async throws in
            let created = try await createPod(client)
            let uid = try #require(created["metadata"]?["uid"])
            let version = try #require(created["metadata"]?["resourceVersion"])

            let wrongUID = try await client.delete(path, ["preconditions": ["uid": "not-the-uid"]])
            #expect(wrongUID.status == 409)
            #expect(wrongUID.reason == "Conflict")

            let wrongVersion = try await client.delete(path, ["preconditions": ["uid": uid, "resourceVersion": "1"]])
            #expect(wrongVersion.status == 409)
            #expect(try await client.get(path).status == 200)

            let matching = try await client.delete(
                path, ["kind": "DeleteOptions", "apiVersion": "v1", "preconditions": ["uid": uid, "resourceVersion": version]])
            #expect(matching.status == 200)
            #expect(try await client.get(path).status == 404)
        }
    }

    @Test func malformedDeleteOptionsAreBadRequest() async throws {
        try await withServer { _, client async throws in
            _ = try await createPod(client)
            let response = try await client.send("DELETE", path, rawBody: "{nope")
            #expect(response.status == 400)
            let policy = try await client.send("DELETE", path + "?propagationPolicy=Sideways")
            #expect(policy.status == 400)
            #expect(try await client.get(path).status == 200)
        }
    }
}
