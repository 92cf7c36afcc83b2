import Foundation
import KubernetesClientTestKit
import KubernetesCore
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import Testing

@testable import KubernetesClient

/// Host-name verification of the API server, with and without kubeconfig `tls-server-name`,
/// against the TLS stand-in. Its certificate names `localhost`, `127.0.0.1` and `::1`; it
/// listens on 127.0.0.1 only, so an address the certificate lacks is reached through
/// ``LoopbackRelay`` on 127.0.0.2 (Linux routes all of 127/8 to lo).
@Suite("TLS server name verification against the stand-in")
struct TLSServerNameVerificationTests {
    /// Lists widgets once with a client for `server` (`PORT` is replaced) and these TLS settings;
    /// returns the error, `nil` on success. No retries, so a refusal surfaces at once.
    private func attempt(
        _ server: FakeAPIServer, url: String, serverName: String? = nil, trustCA: Bool = true,
        insecure: Bool = false
    ) async throws -> KubernetesError? {
        let tls = TLSSettings(
            certificateAuthorityPEM: trustCA ? server.caCertificatePEM : nil, serverName: serverName,
            insecureSkipVerify: insecure)
        let configuration = ClientConfiguration(server: try #require(URL(string: url)), tls: tls)
        let options = KubernetesClient.Options(qps: nil, retry: .none, requestTimeout: .seconds(30))
        return try await KubernetesClient.withClient(configuration: configuration, options: options) { client in
            do {
                _ = try await client.resource(Widget.self).list()
                return nil
            } catch let error as KubernetesError {
                return error
            }
        }
    }

    private func withTLSServer(_ body: (FakeAPIServer) async throws -> Void) async throws {
        let configuration = FakeAPIServer.Configuration(transportSecurity: .tls, bearerTokens: ["t0ken": "robot"])
        try await FakeAPIServer.withRunning(configuration) { server in
            await server.register(Widget.self, statusSubresource: true)
            try await body(server)
        }
    }

    private func expectRefused(_ error: KubernetesError?, mentioning name: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error else {
            Issue.record("expected the server to be refused", sourceLocation: sourceLocation)
            return
        }
        #expect(error.isTransport, "\(error)", sourceLocation: sourceLocation)
        if let name {
            #expect("\(error)".contains(name), "\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test("(1) an IP server is verified against the certificate's IP SANs")
    func ipServer() async throws {
        try await withTLSServer { server in
            let error = try await attempt(server, url: "https://127.0.0.1:\(server.port)")
            #expect(error == nil, "\(String(describing: error))")
        }
    }

    @Test("(2) IP server with tls-server-name naming a DNS SAN")
    func ipServerWithValidServerName() async throws {
        try await withTLSServer { server in
            let error = try await attempt(server, url: "https://127.0.0.1:\(server.port)", serverName: "localhost")
            #expect(error == nil, "\(String(describing: error))")
        }
    }

    @Test("(3) IP server with a tls-server-name the certificate lacks is refused")
    func ipServerWithWrongServerName() async throws {
        try await withTLSServer { server in
            let error = try await attempt(
                server, url: "https://127.0.0.1:\(server.port)", serverName: "wrong.example.com")
            expectRefused(error, mentioning: "wrong.example.com")
            // Checked before the connection is used: no request reached the server.
            #expect(server.requests.isEmpty)
        }
    }

    @Test("(4) a DNS server is verified against the certificate's DNS SANs")
    func dnsServer() async throws {
        try await withTLSServer { server in
            let error = try await attempt(server, url: "https://localhost:\(server.port)")
            #expect(error == nil, "\(String(describing: error))")
        }
    }

    @Test("(4b) DNS server with a tls-server-name the certificate lacks is refused")
    func dnsServerWithWrongServerName() async throws {
        try await withTLSServer { server in
            let error = try await attempt(
                server, url: "https://localhost:\(server.port)", serverName: "wrong.example.com")
            expectRefused(error, mentioning: "wrong.example.com")
        }
    }

    @Test("(5) an IP the certificate lacks is refused")
    func ipNotInCertificate() async throws {
        try await withTLSServer { server in
            try await LoopbackRelay.withRelay(host: "127.0.0.2", to: server.port) { port in
                // Refused by NIOSSL's own check already (no SAN names 127.0.0.2), and by ours.
                let error = try await attempt(server, url: "https://127.0.0.2:\(port)")
                expectRefused(error)
            }
        }
    }

    @Test("(5b) an IP the certificate lacks, with tls-server-name naming a DNS SAN, is accepted")
    func ipNotInCertificateWithValidServerName() async throws {
        try await withTLSServer { server in
            try await LoopbackRelay.withRelay(host: "127.0.0.2", to: server.port) { port in
                let error = try await attempt(server, url: "https://127.0.0.2:\(port)", serverName: "localhost")
                #expect(error == nil, "\(String(describing: error))")
            }
        }
    }

    @Test("(5c) an IP the certificate lacks, with a wrong tls-server-name, is refused")
    func ipNotInCertificateWithWrongServerName() async throws {
        try await withTLSServer { server in
            try await LoopbackRelay.withRelay(host: "127.0.0.2", to: server.port) { port in
                let error = try await attempt(
                    server, url: "https://127.0.0.2:\(port)", serverName: "wrong.example.com")
                expectRefused(error, mentioning: "wrong.example.com")
            }
        }
    }

    @Test("(5d) tls-server-name may be an IP: checked against IP SANs, not the connected address")
    func ipServerName() async throws {
        try await withTLSServer { server in
            try await LoopbackRelay.withRelay(host: "127.0.0.2", to: server.port) { port in
                let good = try await attempt(server, url: "https://127.0.0.2:\(port)", serverName: "127.0.0.1")
                #expect(good == nil, "\(String(describing: good))")
            }
            let bad = try await attempt(server, url: "https://127.0.0.1:\(server.port)", serverName: "10.0.0.1")
            expectRefused(bad, mentioning: "10.0.0.1")
        }
    }

    @Test("insecure-skip-tls-verify: no verification at all, whatever the names")
    func insecureSkipVerify() async throws {
        try await withTLSServer { server in
            let wrongName = try await attempt(
                server, url: "https://127.0.0.1:\(server.port)", serverName: "wrong.example.com", trustCA: false,
                insecure: true)
            #expect(wrongName == nil, "\(String(describing: wrongName))")
            try await LoopbackRelay.withRelay(host: "127.0.0.2", to: server.port) { port in
                let wrongIP = try await attempt(server, url: "https://127.0.0.2:\(port)", trustCA: false, insecure: true)
                #expect(wrongIP == nil, "\(String(describing: wrongIP))")
            }
        }
    }

    @Test("the right name does not excuse an untrusted CA")
    func untrustedCAWithServerName() async throws {
        try await withTLSServer { server in
            let error = try await attempt(
                server, url: "https://127.0.0.1:\(server.port)", serverName: "localhost", trustCA: false)
            expectRefused(error)
        }
    }

    @Test("tls-server-name from a kubeconfig is enforced")
    func fromKubeConfig() async throws {
        try await withTLSServer { server in
            let directory = try TemporaryDirectory()
            for (name, accepted) in [("localhost", true), ("wrong.example.com", false)] {
                let file = try directory.write(
                    "config-\(name)",
                    """
                    apiVersion: v1
                    kind: Config
                    clusters:
                    - name: standin
                      cluster:
                        server: https://127.0.0.1:\(server.port)
                        tls-server-name: \(name)
                        certificate-authority-data: \((server.caCertificatePEM ?? "").base64)
                    contexts:
                    - name: standin
                      context: {cluster: standin, user: robot}
                    current-context: standin
                    users:
                    - name: robot
                      user:
                        token: t0ken
                    """)
                let configuration = try ClientConfiguration.fromKubeConfig(paths: [file], environment: [:])
                #expect(configuration.tls.serverName == name)
                let options = KubernetesClient.Options(qps: nil, retry: .none, requestTimeout: .seconds(30))
                let error: KubernetesError? = try await KubernetesClient.withClient(
                    configuration: configuration, options: options
                ) { client in
                    do {
                        _ = try await client.resource(Widget.self).list()
                        return nil
                    } catch let error as KubernetesError {
                        return error
                    }
                }
                if accepted {
                    #expect(error == nil, "\(String(describing: error))")
                } else {
                    expectRefused(error, mentioning: name)
                }
            }
        }
    }
}

@Suite("Server identity matching")
struct ServerIdentityTests {
    private let names: [ServerIdentity.SubjectAlternativeName] = [
        .dnsName("localhost"), .dnsName("*.apps.example.com"), .dnsName("API.Example.COM."),
        .ipAddress([127, 0, 0, 1]), .ipAddress([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
    ]

    private func matches(_ host: String) throws -> Bool {
        try #require(ServerIdentity(host)).matches(names)
    }

    @Test func dnsNames() throws {
        #expect(try matches("localhost"))
        #expect(try matches("LOCALHOST."))
        #expect(try matches("api.example.com"))
        #expect(try matches("kube.apps.example.com"))
        #expect(try !matches("wrong.example.com"))
        #expect(try !matches("a.b.apps.example.com"))  // the wildcard is one label
        #expect(try !matches("apps.example.com"))
        #expect(try !matches("localhost.example.com"))
    }

    @Test func ipAddresses() throws {
        #expect(try matches("127.0.0.1"))
        #expect(try matches("::1"))
        #expect(try matches("[::1]"))
        #expect(try matches("::ffff:127.0.0.1"))  // IPv4-mapped counts as the IPv4 address
        #expect(try !matches("127.0.0.2"))
        #expect(try !matches("::2"))
        // An IP identity never matches a DNS SAN spelling it, nor a name an IP SAN.
        #expect(!ServerIdentity("10.0.0.1")!.matches([.dnsName("10.0.0.1")]))
        #expect(!ServerIdentity("localhost")!.matches([.ipAddress([127, 0, 0, 1])]))
        #expect(ServerIdentity("") == nil)
    }

    @Test func plans() throws {
        let tls = NIOSSL.TLSConfiguration.makeClientConfiguration()
        let ipURL = try #require(URL(string: "https://10.0.0.5:6443"))

        let plain = ServerIdentity.plan(baseURL: ipURL, tlsConfiguration: tls, serverName: nil)
        #expect(plain.baseURL == ipURL && plain.dnsOverride.isEmpty)
        #expect(plain.identityToVerify == ServerIdentity("10.0.0.5"))

        let named = ServerIdentity.plan(baseURL: ipURL, tlsConfiguration: tls, serverName: "kubernetes.default.svc")
        #expect(named.baseURL.absoluteString == "https://kubernetes.default.svc:6443")
        #expect(named.dnsOverride == ["kubernetes.default.svc": "10.0.0.5"])
        #expect(named.identityToVerify == ServerIdentity("kubernetes.default.svc"))
        #expect(named.tlsConfiguration?.certificateVerification == .fullVerification)

        let byIP = ServerIdentity.plan(baseURL: ipURL, tlsConfiguration: tls, serverName: "10.96.0.1")
        #expect(byIP.baseURL == ipURL && byIP.dnsOverride.isEmpty)
        #expect(byIP.identityToVerify == ServerIdentity("10.96.0.1"))
        #expect(byIP.tlsConfiguration?.certificateVerification == .noHostnameVerification)

        var insecure = tls
        insecure.certificateVerification = .none
        let skipped = ServerIdentity.plan(baseURL: ipURL, tlsConfiguration: insecure, serverName: "x.example.com")
        #expect(skipped.identityToVerify == nil)
        #expect(skipped.dnsOverride == ["x.example.com": "10.0.0.5"])  // still sent as SNI

        let v6 = ServerIdentity.plan(
            baseURL: try #require(URL(string: "https://[fd00::1]:6443")), tlsConfiguration: tls, serverName: "api.test")
        #expect(v6.dnsOverride == ["api.test": "fd00::1"])
        #expect(v6.identityToVerify == ServerIdentity("api.test"))
    }
}

/// A TCP relay listening on another loopback address and forwarding to the stand-in on
/// 127.0.0.1, so that the client's peer address is one the server certificate does not name.
enum LoopbackRelay {
    static func withRelay<Result>(
        host: String, to targetPort: Int, _ body: (Int) async throws -> Result
    ) async throws -> Result {
        // Every relayed connection, so that none outlives the relay: an open connection would
        // keep the stand-in's side open after the stand-in stops, which NIO traps on.
        let connections = NIOLockedValueBox<[any Channel]>([])
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.autoRead, value: false)
            .childChannelInitializer { inbound in
                connections.withLockedValue { $0.append(inbound) }
                let toTarget = RelayHandler()
                do {
                    try inbound.pipeline.syncOperations.addHandler(toTarget)
                } catch {
                    return inbound.eventLoop.makeFailedFuture(error)
                }
                return ClientBootstrap(group: inbound.eventLoop)
                    .channelInitializer { outbound in
                        outbound.eventLoop.makeCompletedFuture {
                            try outbound.pipeline.syncOperations.addHandler(RelayHandler(peer: inbound))
                        }
                    }
                    .connect(host: "127.0.0.1", port: targetPort)
                    .flatMap { outbound in
                        connections.withLockedValue { $0.append(outbound) }
                        toTarget.peer = outbound
                        return inbound.setOption(.autoRead, value: true)
                    }
            }
            .bind(host: host, port: 0).get()
        let port = try #require(listener.localAddress?.port)
        let result: Result
        do {
            result = try await body(port)
        } catch {
            await close(listener, connections)
            throw error
        }
        await close(listener, connections)
        return result
    }

    /// Closes the listener and every relayed connection, and waits until they are closed.
    private static func close(_ listener: any Channel, _ connections: NIOLockedValueBox<[any Channel]>) async {
        try? await listener.close()
        for channel in connections.withLockedValue({ $0 }) {
            channel.close(promise: nil)
            try? await channel.closeFuture.get()
        }
    }

    /// Writes what one side reads to the other; closes the other when one side closes. Both
    /// channels of a pair share an event loop, so the handler is only ever used on that loop.
    final class RelayHandler: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        var peer: (any Channel)?

        init(peer: (any Channel)? = nil) { self.peer = peer }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            peer?.writeAndFlush(unwrapInboundIn(data), promise: nil)
        }

        func channelInactive(context: ChannelHandlerContext) {
            peer?.close(promise: nil)
            context.fireChannelInactive()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }
}
