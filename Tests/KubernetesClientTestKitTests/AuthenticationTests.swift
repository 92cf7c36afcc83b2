import KubernetesClientTestKit
import Testing

@Suite("Authentication", .timeLimit(.minutes(1)))
struct AuthenticationTests {
    static let configuration = FakeAPIServer.Configuration(
        bearerTokens: ["token-a": "alice"], requiresAuthentication: true)

    @Test func validTokenIsAcceptedAndRecorded() async throws {
        try await withServer(Self.configuration, token: "token-a") { server, client async throws in
            #expect(try await client.get(Fixture.podsPath).status == 200)
            #expect(server.requests.last?.user == "alice")
        }
    }

    @Test(arguments: [nil, "wrong", ""] as [String?])
    func missingOrWrongTokenIsUnauthorized(token: String?) async throws {
        try await withServer(Self.configuration, token: token) { server, client async throws in
            let response = try await client.get(Fixture.podsPath)
            #expect(response.status == 401)
            #expect(response.reason == "Unauthorized")
            #expect(server.requests.last?.statusCode == 401)
        }
    }

    @Test func otherSchemesAreNotCredentials() async throws {
        try await withServer(Self.configuration) { _, client async throws in
            let response = try await client.send("GET", Fixture.podsPath, headers: ["authorization": "Basic YTpi"])
            #expect(response.status == 401)
        }
    }

    @Test func wrongTokenIsRefusedEvenWhenAnonymousIsAllowed() async throws {
        let open = FakeAPIServer.Configuration(bearerTokens: ["token-a": "alice"])
        try await withServer(open, token: "stale") { _, client async throws in
            #expect(try await client.get(Fixture.podsPath).status == 401)
            var anonymous = client
            anonymous.token = nil
            let response = try await anonymous.get(Fixture.podsPath)
            #expect(response.status == 200)
        }
    }

    @Test func tokenRotationTakesEffectOnTheNextRequest() async throws {
        try await withServer(Self.configuration, token: "token-a") { server, client async throws in
            #expect(try await client.get(Fixture.podsPath).status == 200)
            server.setBearerTokens(["token-b": "alice"])
            #expect(server.bearerTokens == ["token-b": "alice"])
            #expect(try await client.get(Fixture.podsPath).status == 401)
            var rotated = client
            rotated.token = "token-b"
            let response = try await rotated.get(Fixture.podsPath)
            #expect(response.status == 200)
        }
    }

    @Test func unauthorizedRequestsDoNotConsumeInjectedFailures() async throws {
        try await withServer(Self.configuration) { server, client async throws in
            server.failNextRequests(statusCode: 500)
            #expect(try await client.get(Fixture.podsPath).status == 401)
            #expect(server.pendingInjectedFailures == 1)
        }
    }
}
