import AsyncHTTPClient
import KubernetesClientTestKit
import NIOSSL
import Testing

@Suite("TLS and client certificates", .timeLimit(.minutes(1)))
struct TLSTests {
    static let configuration = FakeAPIServer.Configuration(
        transportSecurity: .tls, bearerTokens: ["token-a": "alice"], requiresAuthentication: true,
        clientCertificateUser: "cert-user")

    /// Runs `body` with a client that trusts `trusting` (the server's CA by default) and presents
    /// the given certificate and key, if any.
    func withTLSClient(
        _ server: FakeAPIServer, trusting caPEM: String? = nil, certificate: (String, String)? = nil,
        _ body: (TestClient) async throws -> Void
    ) async throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        let ca = try #require(caPEM ?? server.caCertificatePEM)
        tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(ca.utf8), format: .pem)])
        if let (certificatePEM, keyPEM) = certificate {
            tls.certificateChain = [.certificate(try NIOSSLCertificate(bytes: Array(certificatePEM.utf8), format: .pem))]
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem))
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: HTTPClient.Configuration(tlsConfiguration: tls))
        do {
            try await body(TestClient(http: http, baseURL: server.baseURL.absoluteString))
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }

    @Test func servesHTTPSWithTheGeneratedCredentials() async throws {
        try await FakeAPIServer.withRunning(Self.configuration) { server async throws in
            #expect(server.baseURL.scheme == "https")
            #expect(server.baseURL.host == "127.0.0.1")
            #expect(server.caCertificatePEM?.hasPrefix("-----BEGIN CERTIFICATE-----") == true)
            #expect(server.clientCertificatePEM?.hasPrefix("-----BEGIN CERTIFICATE-----") == true)
            #expect(server.clientPrivateKeyPEM?.contains("PRIVATE KEY-----") == true)
        }
    }

    @Test func plainServersHaveNoCredentials() async throws {
        try await FakeAPIServer.withRunning { server async throws in
            #expect(server.baseURL.scheme == "http")
            #expect(server.caCertificatePEM == nil)
            #expect(server.certificateAuthority == nil)
        }
    }

    @Test func clientCertificateAuthenticatesAsItsCommonName() async throws {
        try await FakeAPIServer.withRunning(Self.configuration) { server async throws in
            let certificate = (try #require(server.clientCertificatePEM), try #require(server.clientPrivateKeyPEM))
            try await withTLSClient(server, certificate: certificate) { client async throws in
                let response = try await client.post(Fixture.podsPath, Fixture.pod("web-0"))
                #expect(response.status == 201)
            }
            #expect(server.requests.last?.user == "cert-user")
        }
    }

    @Test func anotherUserOfTheSameCA() async throws {
        try await FakeAPIServer.withRunning(Self.configuration) { server async throws in
            let authority = try #require(server.certificateAuthority)
            let issued = try authority.issueClientCertificate(user: "bob", groups: ["dev"])
            try await withTLSClient(server, certificate: (issued.certificatePEM, issued.privateKeyPEM)) { client async throws in
                #expect(try await client.get(Fixture.podsPath).status == 200)
            }
            #expect(server.requests.last?.user == "bob")
        }
    }

    @Test func tokenOverTLSWithoutClientCertificate() async throws {
        try await FakeAPIServer.withRunning(Self.configuration) { server async throws in
            try await withTLSClient(server) { client async throws in
                #expect(try await client.get(Fixture.podsPath).status == 401)
                var withToken = client
                withToken.token = "token-a"
                let response = try await withToken.get(Fixture.podsPath)
                #expect(response.status == 200)
            }
            #expect(server.requests.last?.user == "alice")
        }
    }

    @Test func hostnameLocalhostIsInTheCertificate() async throws {
        try await FakeAPIServer.withRunning(Self.configuration) { server async throws in
            try await withTLSClient(server) { client async throws in
                var localhost = TestClient(
                    http: client.http, baseURL: "https://localhost:\(server.port)", token: "token-a")
                localhost.token = "token-a"
                let response = try await localhost.get(Fixture.podsPath)
                #expect(response.status == 200)
            }
        }
    }

    @Test func aClientThatDoesNotTrustTheCAFails() async throws {
        try await FakeAPIServer.withRunning(Self.configuration) { server async throws in
            let otherCA = try TestCertificateAuthority()
            try await withTLSClient(server, trusting: otherCA.caCertificatePEM) { client async throws in
                var client = client
                client.requestTimeout = .seconds(1)
                await #expect(throws: (any Error).self) {
                    _ = try await client.get(Fixture.podsPath)
                }
            }
        }
    }

    @Test func aCertificateFromAnotherCAIsRefused() async throws {
        try await FakeAPIServer.withRunning(Self.configuration) { server async throws in
            let otherCA = try TestCertificateAuthority(clientUser: "mallory")
            try await withTLSClient(server, certificate: (otherCA.clientCertificatePEM, otherCA.clientPrivateKeyPEM)) { client async throws in
                var client = client
                client.requestTimeout = .seconds(1)
                await #expect(throws: (any Error).self) {
                    _ = try await client.get(Fixture.podsPath)
                }
            }
            #expect(!server.requests.contains { $0.user == "mallory" })
        }
    }
}
