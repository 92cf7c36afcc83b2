import Foundation
import KubernetesClientTestKit
import KubernetesCore
import Testing

@testable import KubernetesClient

@Suite("Faults against the stand-in")
struct FaultToleranceTests {
    @Test("5xx on GET is retried until it succeeds")
    func serverErrors() async throws {
        try await withStandIn { server, client in
            _ = try await client.resource(Widget.self).create(Widget(name: "w", size: 1))
            server.failNextRequests(2, matching: RequestMatcher(verb: .get, resource: "widgets"), with: .serviceUnavailable)
            server.clearRequestLog()
            #expect(try await client.resource(Widget.self).get("w").spec.size == 1)
            #expect(server.requests.map(\.statusCode) == [503, 503, 200])
        }
    }

    @Test("429 with Retry-After is honoured, also for a create")
    func throttled() async throws {
        try await withStandIn { server, client in
            server.failNextRequests(1, matching: RequestMatcher(verb: .create), with: .tooManyRequests(retryAfterSeconds: 0))
            server.clearRequestLog()
            _ = try await client.resource(Widget.self).create(Widget(name: "w", size: 1))
            #expect(server.requests.map(\.statusCode) == [429, 201])
        }
    }

    @Test("a create is not retried after a 500: the caller sees the error")
    func createNotRetried() async throws {
        try await withStandIn { server, client in
            server.failNextRequests(1, matching: RequestMatcher(verb: .create), with: .internalError)
            await #expect(throws: KubernetesError.self) {
                _ = try await client.resource(Widget.self).create(Widget(name: "w", size: 1))
            }
        }
    }

    @Test("a refused connection is a transport error, distinct from API errors")
    func connectionRefused() async throws {
        // Port 9 on loopback: nothing listens there in the test environment.
        let configuration = ClientConfiguration(server: URL(string: "http://127.0.0.1:9")!)
        try await KubernetesClient.withClient(
            configuration: configuration, options: .init(qps: nil, retry: .none, requestTimeout: .seconds(5))
        ) { client in
            do {
                _ = try await client.resource(Widget.self).get("w")
                Issue.record("expected a transport error")
            } catch let error as KubernetesError {
                #expect(error.isTransport)
                #expect(error.code == nil)
            }
        }
    }
}

@Suite("Authentication against the stand-in")
struct AuthenticationTests {
    @Test("a bearer token is required and accepted; a wrong one is a 401 error")
    func bearer() async throws {
        let configuration = FakeAPIServer.Configuration(bearerTokens: ["right-token": "alice"], requiresAuthentication: true)
        try await withStandIn(configuration, credentials: .token("right-token")) { _, client in
            _ = try await client.resource(Widget.self).create(Widget(name: "w", size: 1))
        }
        try await withStandIn(configuration, credentials: .token("wrong-token")) { _, client in
            do {
                _ = try await client.resource(Widget.self).list()
                Issue.record("expected 401")
            } catch let error as KubernetesError {
                #expect(error.isUnauthorized)
                #expect(!error.description.contains("wrong-token"))
            }
        }
    }

    @Test("a rotated token file is picked up after a 401")
    func rotatedTokenFile() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("token-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let tokenFile = directory.appendingPathComponent("token").path
        try "first-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
        let configuration = FakeAPIServer.Configuration(bearerTokens: ["first-token": "sa"], requiresAuthentication: true)
        try await withStandIn(configuration, credentials: .tokenFile(tokenFile)) { server, client in
            _ = try await client.resource(Widget.self).list()
            // The kubelet rotates the projected token; the server stops accepting the old one.
            try "second-token\n".write(toFile: tokenFile, atomically: true, encoding: .utf8)
            server.setBearerTokens(["second-token": "sa"])
            _ = try await client.resource(Widget.self).list()
        }
    }

    @Test("TLS: the server is verified against the CA; a client certificate authenticates")
    func tlsWithClientCertificate() async throws {
        let configuration = FakeAPIServer.Configuration(transportSecurity: .tls, requiresAuthentication: true)
        try await withStandIn(configuration, clientCertificate: true) { _, client in
            _ = try await client.resource(Widget.self).create(Widget(name: "w", size: 1))
            #expect(try await client.resource(Widget.self).list().items.count == 1)
        }
        // Without the client certificate the same server refuses us.
        try await withStandIn(configuration, clientCertificate: false) { _, client in
            do {
                _ = try await client.resource(Widget.self).list()
                Issue.record("expected 401 without a client certificate")
            } catch let error as KubernetesError {
                #expect(error.isUnauthorized)
            }
        }
    }

    @Test("TLS: a server whose CA we do not trust is refused")
    func untrustedServer() async throws {
        let configuration = FakeAPIServer.Configuration(transportSecurity: .tls)
        try await FakeAPIServer.withRunning(configuration) { server in
            await server.register(Widget.self, statusSubresource: true)
            // An unrelated CA: verification must fail.
            let other = try TestCertificateAuthority()
            let clientConfiguration = ClientConfiguration(
                server: server.baseURL, tls: TLSSettings(certificateAuthorityPEM: other.caCertificatePEM))
            try await KubernetesClient.withClient(
                configuration: clientConfiguration, options: .init(qps: nil, retry: .none)
            ) { client in
                do {
                    _ = try await client.resource(Widget.self).list()
                    Issue.record("an untrusted server must be refused")
                } catch let error as KubernetesError {
                    #expect(error.isTransport)
                }
            }
        }
    }
}

@Suite("TLS server name against the stand-in")
struct TLSServerNameTests {
    @Test("tls-server-name: connecting by IP with the certificate's DNS name as the server name")
    func serverName() async throws {
        let configuration = FakeAPIServer.Configuration(transportSecurity: .tls)
        try await FakeAPIServer.withRunning(configuration) { server in
            await server.register(Widget.self, statusSubresource: true)
            // The stand-in's certificate names "localhost" and 127.0.0.1; ask for "localhost"
            // while the URL says 127.0.0.1.
            let tls = TLSSettings(certificateAuthorityPEM: server.caCertificatePEM, serverName: "localhost")
            let clientConfiguration = ClientConfiguration(server: server.baseURL, tls: tls)
            try await KubernetesClient.withClient(configuration: clientConfiguration, options: fastOptions) { client in
                _ = try await client.resource(Widget.self).list()
            }
        }
    }
}
