import KubernetesClientTestKit
import Testing

@Suite("Merge patch and server-side apply", .timeLimit(.minutes(1)))
struct PatchTests {
    let path = Fixture.podsPath + "/web-0"

    @Test func mergePatchMergesObjectsReplacesListsAndDeletesNulls() async throws {
        try await withServer { _, client async throws in
            var pod = Fixture.pod("web-0", labels: ["a": "1", "b": "2"])
            pod["metadata"]?["finalizers"] = ["x/one", "x/two"]
            _ = try await client.post(Fixture.podsPath, pod)
            let patched = try await client.mergePatch(
                path, ["metadata": ["labels": ["a": nil, "c": "3"], "finalizers": ["x/three"]]])
            #expect(patched.status == 200)
            #expect(patched.body?["metadata"]?["labels"] == ["b": "2", "c": "3"])
            #expect(patched.body?["metadata"]?["finalizers"] == ["x/three"])
            #expect(patched.body?["spec"]?["containers"]?.arrayValue?.count == 1)
        }
    }

    @Test func mergePatchWithResourceVersionIsAPrecondition() async throws {
        try await withServer { _, client async throws in
            let created = try await client.post(Fixture.podsPath, Fixture.pod("web-0"))
            let stale = try await client.mergePatch(path, ["metadata": ["resourceVersion": "1", "labels": ["a": "b"]]])
            #expect(stale.status == 409)
            let current = try await client.mergePatch(
                path, ["metadata": ["resourceVersion": .string(created.resourceVersion ?? ""), "labels": ["a": "b"]]])
            #expect(current.status == 200)
        }
    }

    @Test func mergePatchOfAMissingObjectIsNotFound() async throws {
        try await withServer { _, client async throws in
            let response = try await client.mergePatch(path, ["metadata": ["labels": ["a": "b"]]])
            #expect(response.status == 404)
        }
    }

    @Test(arguments: ["[1]", "{bad", "\"x\""])
    func badMergePatchBodiesAreBadRequest(body: String) async throws {
        try await withServer { _, client async throws in
            _ = try await client.post(Fixture.podsPath, Fixture.pod("web-0"))
            let response = try await client.send("PATCH", path, rawBody: body, contentType: "application/merge-patch+json")
            #expect(response.status == 400)
        }
    }

    @Test(arguments: [
        "application/strategic-merge-patch+json", "application/json-patch+json", "application/json", "text/plain",
    ])
    func otherPatchTypesAreUnsupportedMediaType(contentType: String) async throws {
        try await withServer { _, client async throws in
            _ = try await client.post(Fixture.podsPath, Fixture.pod("web-0"))
            let response = try await client.send("PATCH", path, rawBody: "{}", contentType: contentType)
            #expect(response.status == 415)
            #expect(response.reason == "UnsupportedMediaType")
        }
    }

    @Test func applyCreatesThenMerges() async throws {
        try await withServer(Fixture.configuration()) { server, client async throws in
            let path = Fixture.widgetsPath + "/w"
            let created = try await client.apply(path, Fixture.widget("w", metadata: ["labels": ["a": "1"]]))
            #expect(created.status == 201)
            #expect(created.body?["metadata"]?["generation"] == 1)

            var second = Fixture.widget("w", pool: "green")
            second["spec"]?["extra"] = true
            let merged = try await client.apply(path, second)
            #expect(merged.status == 200)
            #expect(merged.body?["spec"] == ["pool": "green", "extra": true])
            // Not modelled: a field the manager stopped applying is kept.
            #expect(merged.body?["metadata"]?["labels"]?["a"] == "1")
            #expect(merged.body?["metadata"]?["generation"] == 2)
            #expect(server.requests.last?.query["fieldManager"] == "tests")
        }
    }

    @Test func applyWithoutFieldManagerIsInvalid() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            let response = try await client.apply(Fixture.widgetsPath + "/w", Fixture.widget("w"), fieldManager: nil)
            #expect(response.status == 422)
            #expect(response.reason == "Invalid")
        }
    }

    @Test func applyNeedsKindAndMatchingName() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            let noKind = try await client.apply(Fixture.widgetsPath + "/w", ["metadata": ["name": "w"]])
            #expect(noKind.status == 400)
            let otherName = try await client.apply(Fixture.widgetsPath + "/w", Fixture.widget("v"))
            #expect(otherName.status == 400)
            let yaml = try await client.send(
                "PATCH", Fixture.widgetsPath + "/w?fieldManager=m", rawBody: "metadata:\n  name: w\n",
                contentType: "application/apply-patch+yaml")
            #expect(yaml.status == 400)
        }
    }

    @Test func applyToStatusChangesOnlyStatus() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            let path = Fixture.widgetsPath + "/w"
            #expect(try await client.apply(path + "/status", Fixture.widget("w")).status == 404)
            _ = try await client.apply(path, Fixture.widget("w"))
            var status = Fixture.widget("w", pool: "ignored")
            status["status"] = ["ready": true]
            let applied = try await client.apply(path + "/status", status)
            #expect(applied.status == 200)
            #expect(applied.body?["status"]?["ready"] == true)
            #expect(applied.body?["spec"]?["pool"] == "blue")
        }
    }

    @Test func applyWithForceIsAccepted() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            let response = try await client.apply(Fixture.widgetsPath + "/w?force=true", Fixture.widget("w"))
            #expect(response.status == 201)
        }
    }
}
