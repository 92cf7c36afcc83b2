import KubernetesClientTestKit
import Testing

@Suite("Fault injection", .timeLimit(.minutes(1)))
struct FaultInjectionTests {
    @Test func failNextNMatchingRequests() async throws {
        try await withServer { server, client async throws in
            server.failNextRequests(2, matching: RequestMatcher(verb: .create, resource: "pods"), statusCode: 503)
            // Other verbs are not affected.
            #expect(try await client.get(Fixture.podsPath).status == 200)
            let first = try await client.post(Fixture.podsPath, Fixture.pod("web-0"))
            #expect(first.status == 503)
            #expect(first.reason == "ServiceUnavailable")
            #expect(try await client.post(Fixture.podsPath, Fixture.pod("web-0")).status == 503)
            // A failed request changed nothing.
            #expect(try await client.get(Fixture.podsPath + "/web-0").status == 404)
            #expect(try await client.post(Fixture.podsPath, Fixture.pod("web-0")).status == 201)
            #expect(server.pendingInjectedFailures == 0)
        }
    }

    @Test func tooManyRequestsCarriesRetryAfter() async throws {
        try await withServer { server, client async throws in
            server.failNextRequests(matching: RequestMatcher(verb: .list), with: .tooManyRequests(retryAfterSeconds: 3))
            let response = try await client.get(Fixture.podsPath)
            #expect(response.status == 429)
            #expect(response.reason == "TooManyRequests")
            #expect(response.headers["retry-after"] == "3")
            #expect(response.body?["details"]?["retryAfterSeconds"] == 3)
            #expect(try await client.get(Fixture.podsPath).status == 200)
        }
    }

    @Test func failuresMatchSubresourceAndName() async throws {
        try await withServer(Fixture.configuration()) { server, client async throws in
            _ = try await client.post(Fixture.widgetsPath, Fixture.widget("w"))
            server.failNextRequests(
                matching: RequestMatcher(verb: .update, resource: "widgets", subresource: "status", name: "w"),
                with: InjectedFailure(statusCode: 409, message: "injected conflict"))
            var object = try #require(try await client.get(Fixture.widgetsPath + "/w").body)
            object["status"] = ["n": 1]
            let failed = try await client.put(Fixture.widgetsPath + "/w/status", object)
            #expect(failed.status == 409)
            #expect(failed.reason == "Conflict")
            #expect(failed.body?["message"] == "injected conflict")
            #expect(try await client.put(Fixture.widgetsPath + "/w/status", object).status == 200)
        }
    }

    @Test func failuresAreConsumedOldestRuleFirst() async throws {
        try await withServer { server, client async throws in
            server.failNextRequests(statusCode: 500)
            server.failNextRequests(statusCode: 504)
            #expect(try await client.get(Fixture.podsPath).status == 500)
            #expect(try await client.get(Fixture.podsPath).status == 504)
            #expect(try await client.get(Fixture.podsPath).status == 200)
        }
    }

    @Test func injectedWatchFailureIsAnHTTPError() async throws {
        try await withServer { server, client async throws in
            server.failNextRequests(matching: RequestMatcher(verb: .watch), statusCode: 500)
            let (status, _) = try await client.watch(Fixture.podsPath + "?watch=true")
            #expect(status == 500)
        }
    }

    @Test func latencyDelaysMatchingRequests() async throws {
        try await withServer { server, client async throws in
            var client = client
            client.requestTimeout = .seconds(5)
            // A rule for another verb does not delay this one (it would exceed the timeout).
            server.setLatency(.seconds(30), matching: RequestMatcher(verb: .delete))
            #expect(try await client.get(Fixture.podsPath).status == 200)

            server.setLatency(.milliseconds(300), matching: RequestMatcher(verb: .get))
            let clock = ContinuousClock()
            let started = clock.now
            #expect(try await client.get(Fixture.podsPath + "/web-0").status == 404)
            #expect(clock.now - started >= .milliseconds(300))

            server.setLatency(.seconds(30), matching: RequestMatcher(verb: .get))
            server.setLatency(nil, matching: RequestMatcher(verb: .get))
            #expect(try await client.get(Fixture.podsPath + "/web-0").status == 404)
        }
    }

    @Test func droppedWatchBreaksTheConnection() async throws {
        try await withServer { server, client async throws in
            var (status, lines) = try await client.watch(Fixture.podsPath + "?watch=true")
            #expect(status == 200)
            _ = try await client.post(Fixture.podsPath, Fixture.pod("a"))
            #expect(try await lines.next()?["type"] == "ADDED")
            #expect(await server.openWatchCount == 1)
            #expect(await server.dropWatches() == 1)
            await #expect(throws: (any Error).self) {
                _ = try await lines.next()
            }
            try await eventually { await server.openWatchCount == 0 }
            // The server keeps serving, and the client can resume.
            var (_, resumed) = try await client.watch(Fixture.podsPath + "?watch=true&timeoutSeconds=1")
            #expect(try await resumed.next()?["type"] == "ADDED")
        }
    }

    @Test func requestLogRecordsCalls() async throws {
        try await withServer { server, client async throws in
            _ = try await client.post(Fixture.podsPath, Fixture.pod("web-0"))
            _ = try await client.mergePatch(Fixture.podsPath + "/web-0?fieldManager=x", ["metadata": ["labels": ["a": "b"]]])
            _ = try await client.get("/api/v1/pods?labelSelector=a%3Db")
            _ = try await client.get("/nowhere")
            let log = server.requests
            #expect(log.map(\.method) == ["POST", "PATCH", "GET", "GET"])
            #expect(log.map(\.verb) == [.create, .patch, .list, nil])
            #expect(log.map(\.statusCode) == [201, 200, 200, 404])
            #expect(log[1].name == "web-0")
            #expect(log[1].namespace == "default")
            #expect(log[1].contentType == "application/merge-patch+json")
            #expect(log[1].query["fieldManager"] == "x")
            #expect(log[2].query["labelSelector"] == "a=b")
            #expect(log[2].resource == "pods")
            #expect(log[2].path == "/api/v1/pods")
            server.clearRequestLog()
            #expect(server.requests.isEmpty)
        }
    }

    @Test func resetFaultsClearsRules() async throws {
        try await withServer { server, client async throws in
            server.failNextRequests(5, statusCode: 500)
            server.setLatency(.seconds(5))
            server.resetFaults()
            #expect(try await client.get(Fixture.podsPath).status == 200)
        }
    }
}
