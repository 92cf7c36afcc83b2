import AsyncHTTPClient
import KubernetesClientTestKit
import Testing

@Suite("Watch", .timeLimit(.minutes(1)))
struct WatchTests {
    @Test func watchFromAVersionStreamsAddedModifiedDeleted() async throws {
        try await withServer { _, client async throws in
            _ = try await client.post(Fixture.podsPath, Fixture.pod("before"))
            let list = try await client.get(Fixture.podsPath)
            let version = try #require(list.resourceVersion)

            var (status, lines) = try await client.watch(Fixture.podsPath + "?watch=true&resourceVersion=" + version)
            #expect(status == 200)

            let created = try #require(try await client.post(Fixture.podsPath, Fixture.pod("web-0")).body)
            let added = try #require(try await lines.next())
            #expect(added["type"] == "ADDED")
            #expect(added["object"] == created)

            let patched = try #require(try await client.mergePatch(Fixture.podsPath + "/web-0", ["metadata": ["labels": ["a": "b"]]]).body)
            let modified = try #require(try await lines.next())
            #expect(modified["type"] == "MODIFIED")
            #expect(modified["object"] == patched)

            let deleted = try await client.delete(Fixture.podsPath + "/web-0")
            let gone = try #require(try await lines.next())
            #expect(gone["type"] == "DELETED")
            #expect(gone["object"]?["metadata"]?["labels"]?["a"] == "b")
            // The DELETED object carries the deletion's resourceVersion, newer than the last write.
            #expect(gone["object"]?["metadata"]?["resourceVersion"]?.stringValue == deleted.resourceVersion)
            #expect(Int(deleted.resourceVersion ?? "") ?? 0 > Int(patched["metadata"]?["resourceVersion"]?.stringValue ?? "") ?? 0)
        }
    }

    @Test func watchReplaysHistoryAfterTheVersion() async throws {
        try await withServer { _, client async throws in
            let first = try await client.post(Fixture.podsPath, Fixture.pod("a"))
            _ = try await client.post(Fixture.podsPath, Fixture.pod("b"))
            _ = try await client.delete(Fixture.podsPath + "/a")
            var (_, lines) = try await client.watch(
                Fixture.podsPath + "?watch=1&timeoutSeconds=1&resourceVersion=" + (first.resourceVersion ?? ""))
            var events: [String] = []
            while let event = try await lines.next() {
                events.append("\(event["type"]?.stringValue ?? "") \(event["object"]?["metadata"]?["name"]?.stringValue ?? "")")
            }
            #expect(events == ["ADDED b", "DELETED a"])
        }
    }

    @Test(arguments: ["", "&resourceVersion=0", "&resourceVersion="])
    func watchWithoutVersionStartsWithSyntheticAdded(query: String) async throws {
        try await withServer { _, client async throws in
            _ = try await client.post(Fixture.podsPath, Fixture.pod("b"))
            _ = try await client.post(Fixture.podsPath, Fixture.pod("a"))
            _ = try await client.mergePatch(Fixture.podsPath + "/a", ["metadata": ["labels": ["x": "y"]]])
            var (_, lines) = try await client.watch(Fixture.podsPath + "?watch=true&timeoutSeconds=1" + query)
            var events: [String] = []
            while let event = try await lines.next() {
                events.append("\(event["type"]?.stringValue ?? "") \(event["object"]?["metadata"]?["name"]?.stringValue ?? "")")
            }
            #expect(events == ["ADDED a", "ADDED b"])
        }
    }

    @Test func watchFromACompactedVersionGetsGoneAsAnErrorEvent() async throws {
        try await withServer { server, client async throws in
            let first = try await client.post(Fixture.podsPath, Fixture.pod("a"))
            _ = try await client.post(Fixture.podsPath, Fixture.pod("b"))
            await server.compactHistory()
            var (status, lines) = try await client.watch(
                Fixture.podsPath + "?watch=true&resourceVersion=" + (first.resourceVersion ?? ""))
            #expect(status == 200)
            let event = try #require(try await lines.next())
            #expect(event["type"] == "ERROR")
            #expect(event["object"]?["kind"] == "Status")
            #expect(event["object"]?["code"] == 410)
            #expect(event["object"]?["reason"] == "Expired")
            #expect(try await lines.next() == nil)

            // The current version is still watchable after compaction.
            let current = await server.resourceVersion
            var (_, fresh) = try await client.watch(Fixture.podsPath + "?watch=true&timeoutSeconds=1&resourceVersion=" + current)
            #expect(try await fresh.next() == nil)
        }
    }

    @Test func boundedHistoryExpiresOldVersions() async throws {
        var configuration = FakeAPIServer.Configuration()
        configuration.watchHistoryLimit = 3
        try await withServer(configuration) { _, client async throws in
            let first = try await client.post(Fixture.podsPath, Fixture.pod("p0"))
            let second = try await client.post(Fixture.podsPath, Fixture.pod("p1"))
            for index in 2..<5 { _ = try await client.post(Fixture.podsPath, Fixture.pod("p\(index)")) }
            // Three events kept (p2, p3, p4): resuming from p1's version works, from p0's does not.
            var (_, old) = try await client.watch(Fixture.podsPath + "?watch=true&resourceVersion=" + (first.resourceVersion ?? ""))
            #expect(try await old.next()?["type"] == "ERROR")
            var (_, kept) = try await client.watch(
                Fixture.podsPath + "?watch=true&timeoutSeconds=1&resourceVersion=" + (second.resourceVersion ?? ""))
            var names: [String] = []
            while let event = try await kept.next() { names.append(event["object"]?["metadata"]?["name"]?.stringValue ?? "") }
            #expect(names == ["p2", "p3", "p4"])
        }
    }

    @Test func invalidWatchVersionIsBadRequest() async throws {
        try await withServer { _, client async throws in
            let response = try await client.get(Fixture.podsPath + "?watch=true&resourceVersion=abc")
            #expect(response.status == 400)
        }
    }

    @Test func labelSelectedWatchTurnsTransitionsIntoAddedAndDeleted() async throws {
        try await withServer { _, client async throws in
            let start = try await client.post(Fixture.podsPath, Fixture.pod("web-0"))
            var (_, lines) = try await client.watch(
                Fixture.podsPath + "?watch=true&labelSelector=app%3Dweb&resourceVersion=" + (start.resourceVersion ?? ""))
            _ = try await client.post(Fixture.podsPath, Fixture.pod("other"))
            _ = try await client.mergePatch(Fixture.podsPath + "/web-0", ["metadata": ["labels": ["app": "web"]]])
            _ = try await client.mergePatch(Fixture.podsPath + "/web-0", ["metadata": ["annotations": ["n": "1"]]])
            _ = try await client.mergePatch(Fixture.podsPath + "/web-0", ["metadata": ["labels": ["app": "db"]]])
            var events: [String] = []
            for _ in 0..<3 {
                let event = try #require(try await lines.next())
                events.append("\(event["type"]?.stringValue ?? "") \(event["object"]?["metadata"]?["name"]?.stringValue ?? "")")
            }
            #expect(events == ["ADDED web-0", "MODIFIED web-0", "DELETED web-0"])
        }
    }

    @Test func fieldSelectedWatchOfOneName() async throws {
        try await withServer { _, client async throws in
            var (_, lines) = try await client.watch(Fixture.podsPath + "?watch=true&fieldSelector=metadata.name%3Db")
            _ = try await client.post(Fixture.podsPath, Fixture.pod("a"))
            _ = try await client.post(Fixture.podsPath, Fixture.pod("b"))
            // Had "a" been sent, it would come first.
            #expect(try await lines.next()?["object"]?["metadata"]?["name"] == "b")
        }
    }

    @Test func clusterWideWatchSeesEveryNamespace() async throws {
        try await withServer { _, client async throws in
            var (_, lines) = try await client.watch("/api/v1/pods?watch=true")
            _ = try await client.post("/api/v1/namespaces/a/pods", Fixture.pod("x"))
            _ = try await client.post("/api/v1/namespaces/b/pods", Fixture.pod("y"))
            #expect(try await lines.next()?["object"]?["metadata"]?["namespace"] == "a")
            #expect(try await lines.next()?["object"]?["metadata"]?["namespace"] == "b")
        }
    }

    @Test func namespacedWatchSeesOnlyItsNamespaceAndKind() async throws {
        try await withServer { _, client async throws in
            var (_, lines) = try await client.watch("/api/v1/namespaces/a/pods?watch=true")
            _ = try await client.post("/api/v1/namespaces/b/pods", Fixture.pod("y"))
            _ = try await client.post("/apis/coordination.k8s.io/v1/namespaces/a/leases", ["metadata": ["name": "l"]])
            _ = try await client.post("/api/v1/namespaces/a/pods", Fixture.pod("x"))
            // Events arrive in order: had "y" or "l" been sent, they would come first.
            #expect(try await lines.next()?["object"]?["metadata"]?["name"] == "x")
        }
    }

    @Test func bookmarksCarryTheCurrentVersionOnly() async throws {
        var configuration = FakeAPIServer.Configuration()
        configuration.bookmarkInterval = .milliseconds(50)
        try await withServer(configuration) { server, client in
            let created = try await client.post(Fixture.podsPath, Fixture.pod("a"))
            var (_, lines) = try await client.watch(
                Fixture.podsPath + "?watch=true&allowWatchBookmarks=true&resourceVersion=" + (created.resourceVersion ?? ""))
            // A write this watch does not see still advances the version bookmarks report.
            let unseen = try await client.post("/api/v1/namespaces/other/pods", Fixture.pod("b"))
            let target = try #require(unseen.resourceVersion)
            var bookmarks = 0
            while let event = try await lines.next() {
                #expect(event["type"] == "BOOKMARK")
                let object = try #require(event["object"])
                #expect(object["kind"] == "Pod")
                #expect(object["apiVersion"] == "v1")
                #expect(object["metadata"]?.objectValue?.keys.sorted() == ["resourceVersion"])
                bookmarks += 1
                if object["metadata"]?["resourceVersion"]?.stringValue == target { break }
                #expect(bookmarks < 100, "no bookmark reached the current version")
                if bookmarks >= 100 { break }
            }
            #expect(await server.resourceVersion == target)
        }
    }

    @Test func noBookmarksUnlessAsked() async throws {
        var configuration = FakeAPIServer.Configuration()
        configuration.bookmarkInterval = .milliseconds(20)
        try await withServer(configuration) { _, client async throws in
            var (_, lines) = try await client.watch(Fixture.podsPath + "?watch=true&timeoutSeconds=1")
            var types: [String] = []
            while let event = try await lines.next() { types.append(event["type"]?.stringValue ?? "") }
            #expect(types.isEmpty)
        }
    }

    @Test func timeoutSecondsEndsTheStreamCleanly() async throws {
        try await withServer { server, client async throws in
            let clock = ContinuousClock()
            let started = clock.now
            var (status, lines) = try await client.watch(Fixture.podsPath + "?watch=true&timeoutSeconds=1")
            #expect(status == 200)
            #expect(try await lines.next() == nil)
            let elapsed = clock.now - started
            #expect(elapsed >= .milliseconds(900) && elapsed < .seconds(5))
            // The watch is unregistered and the connection can be reused.
            #expect(await server.openWatchCount == 0)
            #expect(try await client.get(Fixture.podsPath).status == 200)
        }
    }

    @Test func aClientThatLeavesEndsItsWatch() async throws {
        try await withServer { server, client async throws in
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    var (_, lines) = try await client.watch(Fixture.podsPath + "?watch=true")
                    _ = try await lines.next()
                }
                try await eventually { await server.openWatchCount == 1 }
                // Cancelling the reading task makes the HTTP client abandon the connection.
                group.cancelAll()
            }
            try await eventually { await server.openWatchCount == 0 }
        }
    }

    @Test func watchFromAFutureVersionWaitsForIt() async throws {
        try await withServer { server, client async throws in
            let current = try #require(Int(await server.resourceVersion))
            var (_, lines) = try await client.watch(Fixture.podsPath + "?watch=true&resourceVersion=\(current + 1)")
            _ = try await client.post(Fixture.podsPath, Fixture.pod("a"))  // version current + 1: not sent
            _ = try await client.post(Fixture.podsPath, Fixture.pod("b"))
            #expect(try await lines.next()?["object"]?["metadata"]?["name"] == "b")
        }
    }

    @Test func stoppingTheServerEndsOpenWatches() async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        var lines: WatchLines?
        try await FakeAPIServer.withRunning { server async throws in
            let client = TestClient(http: http, baseURL: server.baseURL.absoluteString)
            lines = try await client.watch(Fixture.podsPath + "?watch=true").lines
            try await eventually { await server.openWatchCount == 1 }
        }
        // The server is gone: the stream ends (cleanly or with an error) instead of hanging.
        do {
            while try await lines?.next() != nil {}
        } catch {}
        try await http.shutdown()
    }

    @Test func watchOfAnObjectPathSelectsThatObject() async throws {
        try await withServer { _, client async throws in
            var (_, lines) = try await client.watch(Fixture.podsPath + "/b?watch=true")
            _ = try await client.post(Fixture.podsPath, Fixture.pod("a"))
            _ = try await client.post(Fixture.podsPath, Fixture.pod("b"))
            #expect(try await lines.next()?["object"]?["metadata"]?["name"] == "b")
        }
    }
}

/// Polls `condition` every 10 ms for up to two seconds.
func eventually(_ condition: () async throws -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    for _ in 0..<200 {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    Issue.record("condition not met within two seconds", sourceLocation: sourceLocation)
}
