import KubernetesClientTestKit
import Testing

@Suite("CRUD over HTTP", .timeLimit(.minutes(1)))
struct FakeAPIServerCRUDTests {
    @Test func createSetsServerFieldsAndGetReturnsTheObject() async throws {
        try await withServer { _, client async throws in
            let created = try await client.post(Fixture.podsPath, Fixture.pod("web-0"))
            #expect(created.status == 201)
            let metadata = try #require(created.body?["metadata"])
            #expect(metadata["namespace"] == "default")
            #expect(metadata["generation"] == 1)
            #expect((metadata["uid"]?.stringValue?.count ?? 0) == 36)
            #expect(metadata["creationTimestamp"]?.stringValue?.hasSuffix("Z") == true)
            let version = try #require(created.resourceVersion.flatMap { Int($0) })

            let fetched = try await client.get(Fixture.podsPath + "/web-0")
            #expect(fetched.status == 200)
            #expect(fetched.body == created.body)

            let second = try await client.post(Fixture.podsPath, Fixture.pod("web-1"))
            #expect(Int(second.resourceVersion ?? "") ?? 0 > version)
        }
    }

    @Test func createOfAnExistingNameIsAlreadyExists() async throws {
        try await withServer { _, client async throws in
            _ = try await client.post(Fixture.podsPath, Fixture.pod("web-0"))
            let again = try await client.post(Fixture.podsPath, Fixture.pod("web-0"))
            #expect(again.status == 409)
            #expect(again.reason == "AlreadyExists")
            #expect(again.body?["kind"] == "Status")
            #expect(again.body?["code"] == 409)
            #expect(again.body?["details"]?["name"] == "web-0")
            #expect(again.body?["details"]?["kind"] == "pods")
        }
    }

    @Test func getOfAMissingObjectIsNotFound() async throws {
        try await withServer { _, client async throws in
            let missing = try await client.get(Fixture.podsPath + "/nope")
            #expect(missing.status == 404)
            #expect(missing.reason == "NotFound")
            #expect(missing.body?["status"] == "Failure")
        }
    }

    @Test func unknownResourcesAndVersionsAreNotFound() async throws {
        try await withServer { _, client async throws in
            for path in [
                "/apis/example.com/v1/widgets", "/api/v2/namespaces/default/pods", "/healthz", "/api/v1/pods/web-0",
                Fixture.podsPath + "/web-0/log", "/api/v1/namespaces//pods",
            ] {
                let response = try await client.get(path)
                #expect(response.status == 404, "\(path)")
                #expect(response.reason == "NotFound", "\(path)")
            }
        }
    }

    @Test func generateNameCompletesTheName() async throws {
        try await withServer { _, client async throws in
            let body: JSONValue = ["apiVersion": "v1", "kind": "Pod", "metadata": ["generateName": "web-"]]
            let first = try await client.post(Fixture.podsPath, body)
            let second = try await client.post(Fixture.podsPath, body)
            #expect(first.status == 201)
            let name = try #require(first.body?["metadata"]?["name"]?.stringValue)
            #expect(name.hasPrefix("web-") && name.count == 9)
            #expect(second.body?["metadata"]?["name"] != first.body?["metadata"]?["name"])
        }
    }

    @Test func createWithoutNameIsInvalid() async throws {
        try await withServer { _, client async throws in
            let response = try await client.post(Fixture.podsPath, ["apiVersion": "v1", "kind": "Pod", "metadata": [:]])
            #expect(response.status == 422)
            #expect(response.reason == "Invalid")
            #expect(response.body?["details"]?["causes"]?.arrayValue?.first?["field"] == "metadata.name")
        }
    }

    @Test(arguments: ["Web_0", "-web", "a..b", String(repeating: "a", count: 254)])
    func invalidNamesAreInvalid(name: String) async throws {
        try await withServer { _, client async throws in
            let response = try await client.post(Fixture.podsPath, Fixture.pod(name))
            #expect(response.status == 422)
            #expect(response.reason == "Invalid")
        }
    }

    @Test func invalidLabelsAreInvalid() async throws {
        try await withServer { _, client async throws in
            let response = try await client.post(Fixture.podsPath, Fixture.pod("web-0", labels: ["bad key": "x"]))
            #expect(response.status == 422)
            #expect(response.body?["details"]?["causes"]?.arrayValue?.first?["field"] == "metadata.labels")
        }
    }

    @Test(arguments: [
        ("{not json", 400, "BadRequest"),
        ("[1, 2]", 400, "BadRequest"),
        ("\"a string\"", 400, "BadRequest"),
        (#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"x"}}"#, 400, "BadRequest"),
        (#"{"apiVersion":"v2","kind":"Pod","metadata":{"name":"x"}}"#, 400, "BadRequest"),
        (#"{"kind":"Pod","metadata":"x"}"#, 400, "BadRequest"),
        (#"{"metadata":{"name":"x","namespace":"other"}}"#, 400, "BadRequest"),
    ])
    func malformedBodiesAreRefused(body: String, status: Int, reason: String) async throws {
        try await withServer { server, client async throws in
            let response = try await client.send("POST", Fixture.podsPath, rawBody: body)
            #expect(response.status == status)
            #expect(response.reason == reason)
            #expect(try await server.objects(group: "", plural: "pods").isEmpty)
        }
    }

    @Test func missingApiVersionAndKindAreDefaultedFromTheURL() async throws {
        try await withServer { _, client async throws in
            let response = try await client.post(Fixture.podsPath, ["metadata": ["name": "web-0"]])
            #expect(response.status == 201)
            #expect(response.body?["apiVersion"] == "v1")
            #expect(response.body?["kind"] == "Pod")
        }
    }

    @Test func updateWithCurrentVersionSucceedsAndStaleVersionConflicts() async throws {
        try await withServer { _, client async throws in
            let created = try #require(try await client.post(Fixture.podsPath, Fixture.pod("web-0")).body)
            var changed = created
            changed["metadata"]?["labels"] = ["app": "web"]
            let updated = try await client.put(Fixture.podsPath + "/web-0", changed)
            #expect(updated.status == 200)
            #expect(updated.body?["metadata"]?["labels"]?["app"] == "web")
            #expect(updated.resourceVersion != created["metadata"]?["resourceVersion"]?.stringValue)

            // `changed` still carries the first resourceVersion.
            let stale = try await client.put(Fixture.podsPath + "/web-0", changed)
            #expect(stale.status == 409)
            #expect(stale.reason == "Conflict")
        }
    }

    @Test func updateWithoutVersionIsUnconditional() async throws {
        try await withServer { _, client async throws in
            _ = try await client.post(Fixture.podsPath, Fixture.pod("web-0"))
            let response = try await client.put(Fixture.podsPath + "/web-0", Fixture.pod("web-0", labels: ["a": "b"]))
            #expect(response.status == 200)
        }
    }

    @Test func updateOfAMissingObjectIsNotFound() async throws {
        try await withServer { _, client async throws in
            let response = try await client.put(Fixture.podsPath + "/web-0", Fixture.pod("web-0"))
            #expect(response.status == 404)
        }
    }

    @Test func updateWithAnotherNameIsBadRequest() async throws {
        try await withServer { _, client async throws in
            _ = try await client.post(Fixture.podsPath, Fixture.pod("web-0"))
            let response = try await client.put(Fixture.podsPath + "/web-0", Fixture.pod("web-1"))
            #expect(response.status == 400)
            #expect(response.reason == "BadRequest")
        }
    }

    @Test func updateWithAnotherUIDConflicts() async throws {
        try await withServer { _, client async throws in
            _ = try await client.post(Fixture.podsPath, Fixture.pod("web-0"))
            var body = Fixture.pod("web-0")
            body["metadata"]?["uid"] = "00000000-0000-0000-0000-000000000000"
            let response = try await client.put(Fixture.podsPath + "/web-0", body)
            #expect(response.status == 409)
            #expect(response.reason == "Conflict")
        }
    }

    @Test func serverOwnedMetadataCannotBeChangedByUpdate() async throws {
        try await withServer { _, client async throws in
            let created = try #require(try await client.post(Fixture.podsPath, Fixture.pod("web-0")).body)
            var body = created
            body["metadata"]?["creationTimestamp"] = "2000-01-01T00:00:00Z"
            body["metadata"]?["generation"] = 42
            body["metadata"]?["deletionTimestamp"] = "2000-01-01T00:00:00Z"
            let updated = try #require(try await client.put(Fixture.podsPath + "/web-0", body).body)
            #expect(updated["metadata"]?["creationTimestamp"] == created["metadata"]?["creationTimestamp"])
            #expect(updated["metadata"]?["generation"] == 1)
            #expect(updated["metadata"]?["deletionTimestamp"] == nil)
        }
    }

    @Test func generationCountsSpecChangesOnly() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            let path = Fixture.widgetsPath + "/w"
            var object = try #require(try await client.post(Fixture.widgetsPath, Fixture.widget("w")).body)
            #expect(object["metadata"]?["generation"] == 1)

            object["metadata"]?["labels"] = ["a": "b"]
            object = try #require(try await client.put(path, object).body)
            #expect(object["metadata"]?["generation"] == 1)

            object["spec"]?["pool"] = "green"
            object = try #require(try await client.put(path, object).body)
            #expect(object["metadata"]?["generation"] == 2)

            object["status"] = ["ready": true]
            object = try #require(try await client.put(path + "/status", object).body)
            #expect(object["metadata"]?["generation"] == 2)
        }
    }

    @Test func withoutStatusSubresourceStatusIsPartOfTheObject() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            let path = "/apis/example.com/v1/namespaces/default/gadgets"
            let body: JSONValue = ["metadata": ["name": "g"], "status": ["phase": "New"]]
            var object = try #require(try await client.post(path, body).body)
            #expect(object["status"]?["phase"] == "New")
            object["status"] = ["phase": "Done"]
            object = try #require(try await client.put(path + "/g", object).body)
            #expect(object["status"]?["phase"] == "Done")
            #expect(object["metadata"]?["generation"] == 2)
            #expect(try await client.put(path + "/g/status", object).status == 404)
        }
    }

    @Test func anUnchangedUpdateIsNotAWrite() async throws {
        try await withServer { server, client async throws in
            let created = try #require(try await client.post(Fixture.podsPath, Fixture.pod("web-0")).body)
            let before = await server.resourceVersion
            let updated = try await client.put(Fixture.podsPath + "/web-0", created)
            #expect(updated.status == 200)
            #expect(updated.body == created)
            #expect(await server.resourceVersion == before)
        }
    }

    @Test func dryRunPersistsNothing() async throws {
        try await withServer { server, client async throws in
            let response = try await client.post(Fixture.podsPath + "?dryRun=All", Fixture.pod("web-0"))
            #expect(response.status == 201)
            #expect(response.body?["metadata"]?["name"] == "web-0")
            #expect(try await client.get(Fixture.podsPath + "/web-0").status == 404)
            #expect(try await server.objects(group: "", plural: "pods").isEmpty)
        }
    }

    @Test func clusterScopedObjectsHaveNoNamespace() async throws {
        try await withServer { _, client async throws in
            let response = try await client.post(
                "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "shop"]])
            #expect(response.status == 201)
            #expect(response.body?["metadata"]?["namespace"] == nil)
            #expect(try await client.get("/api/v1/namespaces/shop").status == 200)
            // A namespace name is a DNS label: no dots.
            let dotted = try await client.post(
                "/api/v1/namespaces", ["apiVersion": "v1", "kind": "Namespace", "metadata": ["name": "a.b"]])
            #expect(dotted.status == 422)
        }
    }

    @Test func namespacedPathsWithinNamespaceAreDistinct() async throws {
        try await withServer { _, client async throws in
            _ = try await client.post("/api/v1/namespaces/a/pods", Fixture.pod("web-0"))
            _ = try await client.post("/api/v1/namespaces/b/pods", Fixture.pod("web-0"))
            #expect(try await client.get("/api/v1/namespaces/a/pods/web-0").status == 200)
            #expect(try await client.get("/api/v1/namespaces/c/pods/web-0").status == 404)
            let all = try await client.get("/api/v1/pods")
            #expect(all.body?["items"]?.arrayValue?.count == 2)
        }
    }

    @Test(arguments: [
        ("POST", Fixture.podsPath + "/web-0"),
        ("PUT", Fixture.podsPath),
        ("PATCH", Fixture.podsPath),
        ("DELETE", Fixture.podsPath),
        ("POST", "/api/v1/pods"),
        ("OPTIONS", Fixture.podsPath),
    ])
    func unsupportedMethodsAreMethodNotAllowed(method: String, path: String) async throws {
        try await withServer { _, client async throws in
            let response = try await client.send(method, path, json: Fixture.pod("web-0"))
            #expect(response.status == 405)
            #expect(response.reason == "MethodNotAllowed")
        }
    }

    @Test func createWithYAMLIsUnsupportedMediaType() async throws {
        try await withServer { _, client async throws in
            let response = try await client.send(
                "POST", Fixture.podsPath, rawBody: "metadata: {name: x}", contentType: "application/yaml")
            #expect(response.status == 415)
            #expect(response.reason == "UnsupportedMediaType")
        }
    }

    @Test func oversizedBodiesAreRefused() async throws {
        var configuration = FakeAPIServer.Configuration()
        configuration.maximumRequestBodySize = 1024
        try await withServer(configuration) { _, client async throws in
            let big = Fixture.pod("web-0", extra: ["data": .string(String(repeating: "x", count: 4096))])
            let response = try await client.post(Fixture.podsPath, big)
            #expect(response.status == 413)
            // The connection is still usable.
            #expect(try await client.post(Fixture.podsPath, Fixture.pod("web-0")).status == 201)
        }
    }

    @Test func connectionCloseIsHonoured() async throws {
        try await withServer { _, client async throws in
            let response = try await client.send("GET", Fixture.podsPath, headers: ["connection": "close"])
            #expect(response.status == 200)
            #expect(response.headers["connection"] == "close")
            #expect(try await client.get(Fixture.podsPath).status == 200)
        }
    }

    @Test func invalidNamespaceInThePathIsInvalid() async throws {
        try await withServer { _, client async throws in
            let response = try await client.post("/api/v1/namespaces/Bad_NS/pods", Fixture.pod("web-0"))
            #expect(response.status == 422)
            #expect(response.body?["details"]?["causes"]?.arrayValue?.first?["field"] == "metadata.namespace")
        }
    }

    @Test func keepsUnknownFieldsAndPercentDecodedNames() async throws {
        try await withServer { _, client async throws in
            let pod = Fixture.pod("web-0", extra: ["spec": ["nodeName": "n1", "x-unknown": [1, 2.5, "three", nil, true]]])
            _ = try await client.post(Fixture.podsPath, pod)
            let fetched = try await client.get("/api/v1/namespaces/default/pods/web%2D0")
            #expect(fetched.body?["spec"]?["x-unknown"] == [1, 2.5, "three", nil, true])
        }
    }
}
