import KubernetesClientTestKit
import Testing

@Suite("Owner references and garbage collection", .timeLimit(.minutes(1)))
struct GarbageCollectionTests {
    let gadgets = "/apis/example.com/v1/namespaces/default/gadgets"

    /// Creates pod `web-0` and a gadget owned by it; returns the gadget's path.
    func createOwnerAndDependent(_ client: TestClient, dependentFinalizers: [JSONValue] = []) async throws -> String {
        let pod = try #require(try await client.post(Fixture.podsPath, Fixture.pod("web-0")).body)
        var metadata: [String: JSONValue] = [
            "name": "claim-0",
            "ownerReferences": [
                [
                    "apiVersion": "v1", "kind": "Pod", "name": "web-0",
                    "uid": try #require(pod["metadata"]?["uid"]), "controller": true,
                ]
            ],
        ]
        if !dependentFinalizers.isEmpty { metadata["finalizers"] = .array(dependentFinalizers) }
        let created = try await client.post(gadgets, ["metadata": .object(metadata)])
        #expect(created.status == 201)
        return gadgets + "/claim-0"
    }

    @Test func deletingTheOwnerDeletesTheDependent() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            let dependent = try await createOwnerAndDependent(client)
            #expect(try await client.delete(Fixture.podsPath + "/web-0").status == 200)
            #expect(try await client.get(dependent).status == 404)
        }
    }

    @Test func orphanPolicyKeepsTheDependentAndRemovesTheReference() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            let dependent = try await createOwnerAndDependent(client)
            let deleted = try await client.delete(Fixture.podsPath + "/web-0", ["propagationPolicy": "Orphan"])
            #expect(deleted.status == 200)
            let kept = try await client.get(dependent)
            #expect(kept.status == 200)
            #expect(kept.body?["metadata"]?["ownerReferences"] == nil)
        }
    }

    @Test func orphanAsQueryParameter() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            let dependent = try await createOwnerAndDependent(client)
            _ = try await client.delete(Fixture.podsPath + "/web-0?propagationPolicy=Orphan")
            #expect(try await client.get(dependent).status == 200)
        }
    }

    @Test func disabledCollectorLeavesDependentsUntilEnabled() async throws {
        try await withServer(Fixture.configuration()) { server, client async throws in
            await server.setGarbageCollectorEnabled(false)
            let dependent = try await createOwnerAndDependent(client)
            _ = try await client.delete(Fixture.podsPath + "/web-0")
            #expect(try await client.get(dependent).status == 200)
            await server.setGarbageCollectorEnabled(true)
            #expect(try await client.get(dependent).status == 404)
        }
    }

    @Test func collectorCanBeOffFromTheStart() async throws {
        var configuration = Fixture.configuration()
        configuration.isGarbageCollectorEnabled = false
        try await withServer(configuration) { server, client async throws in
            let dependent = try await createOwnerAndDependent(client)
            _ = try await client.delete(Fixture.podsPath + "/web-0")
            await server.collectGarbage()
            #expect(try await client.get(dependent).status == 200)
        }
    }

    @Test func dependentWithFinalizerIsMarkedNotRemoved() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            let dependent = try await createOwnerAndDependent(client, dependentFinalizers: ["x.example.com/hold"])
            _ = try await client.delete(Fixture.podsPath + "/web-0")
            let marked = try await client.get(dependent)
            #expect(marked.status == 200)
            #expect(marked.body?["metadata"]?["deletionTimestamp"]?.stringValue != nil)
            _ = try await client.mergePatch(dependent, ["metadata": ["finalizers": nil]])
            #expect(try await client.get(dependent).status == 404)
        }
    }

    @Test func ownerHeldByFinalizerCascadesWhenFinallyRemoved() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            let dependent = try await createOwnerAndDependent(client)
            _ = try await client.mergePatch(Fixture.podsPath + "/web-0", ["metadata": ["finalizers": ["x/y"]]])
            _ = try await client.delete(Fixture.podsPath + "/web-0")
            #expect(try await client.get(dependent).status == 200)
            _ = try await client.mergePatch(Fixture.podsPath + "/web-0", ["metadata": ["finalizers": nil]])
            #expect(try await client.get(dependent).status == 404)
        }
    }

    @Test func dependentWithAnotherLiveOwnerOnlyLosesTheReference() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            let first = try #require(try await client.post(Fixture.podsPath, Fixture.pod("a")).body)
            let second = try #require(try await client.post(Fixture.podsPath, Fixture.pod("b")).body)
            func reference(_ pod: JSONValue) -> JSONValue {
                ["apiVersion": "v1", "kind": "Pod", "name": pod["metadata"]?["name"] ?? nil, "uid": pod["metadata"]?["uid"] ?? nil]
            }
            _ = try await client.post(
                gadgets, ["metadata": ["name": "shared", "ownerReferences": [reference(first), reference(second)]]])
            _ = try await client.delete(Fixture.podsPath + "/a")
            let shared = try await client.get(gadgets + "/shared")
            #expect(shared.status == 200)
            #expect(shared.body?["metadata"]?["ownerReferences"]?.arrayValue?.count == 1)
            _ = try await client.delete(Fixture.podsPath + "/b")
            #expect(try await client.get(gadgets + "/shared").status == 404)
        }
    }

    @Test func cascadesThroughSeveralLevels() async throws {
        try await withServer(Fixture.configuration()) { _, client async throws in
            let dependent = try await createOwnerAndDependent(client)
            let claim = try #require(try await client.get(dependent).body)
            _ = try await client.post(
                gadgets,
                [
                    "metadata": [
                        "name": "grandchild",
                        "ownerReferences": [
                            ["apiVersion": "example.com/v1", "kind": "Gadget", "name": "claim-0", "uid": claim["metadata"]?["uid"] ?? nil]
                        ],
                    ]
                ])
            _ = try await client.delete(Fixture.podsPath + "/web-0")
            #expect(try await client.get(gadgets + "/grandchild").status == 404)
        }
    }
}
