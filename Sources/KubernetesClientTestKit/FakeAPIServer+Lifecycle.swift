import HTTPServerSupport
import NIOCore
import NIOSSL

extension FakeAPIServer {
    /// Starts a server, runs `body` with it, and stops it when `body` returns or throws.
    ///
    /// Structured: the server's connections are child tasks of this call; when it returns, the
    /// listener and every connection (open watches included) are closed. Servers are
    /// independent, so parallel tests each start their own.
    ///
    /// - Throws: what `body` throws, or the error of binding or of generating certificates.
    public static func withRunning<Result>(
        _ configuration: Configuration = Configuration(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: (FakeAPIServer) async throws -> Result
    ) async throws -> Result {
        let authority: TestCertificateAuthority?
        let sslContext: NIOSSLContext?
        switch configuration.transportSecurity {
        case .plaintext:
            authority = nil
            sslContext = nil
        case .tls:
            let generated = try TestCertificateAuthority(clientUser: configuration.clientCertificateUser)
            authority = generated
            sslContext = try makeSSLContext(generated)
        }
        let listener = try await bind(sslContext: sslContext)
        let port = listener.port ?? 0
        let server = FakeAPIServer(configuration: configuration, port: port, certificateAuthority: authority)
        server.logger.debug("fake API server listening", metadata: ["url": "\(server.baseURL)"])
        return try await withThrowingTaskGroup(of: Void.self, returning: Result.self) { group in
            group.addTask { await server.serve(listener) }
            // Returning normally would wait for the (endless) accept loop: cancel it first.
            defer { group.cancelAll() }
            return try await body(server)
        }
    }

    private static func makeSSLContext(_ authority: TestCertificateAuthority) throws -> NIOSSLContext {
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: [.certificate(try NIOSSLCertificate(bytes: Array(authority.serverCertificatePEM.utf8), format: .pem))],
            privateKey: .privateKey(try NIOSSLPrivateKey(bytes: Array(authority.serverPrivateKeyPEM.utf8), format: .pem)))
        tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(authority.caCertificatePEM.utf8), format: .pem)])
        // Like kube-apiserver with --client-ca-file: a presented certificate must chain to the CA,
        // but token-only clients need not present one.
        tls.certificateVerification = .optionalVerification
        tls.minimumTLSVersion = .tlsv12
        return try NIOSSLContext(configuration: tls)
    }

    private static func bind(sslContext: NIOSSLContext?) async throws -> HTTPListener {
        try await HTTPListener.bind(host: "127.0.0.1", port: 0) { pipeline in
            if let sslContext { try pipeline.addHandler(NIOSSLServerHandler(context: sslContext)) }
        }
    }

    /// Accepts connections until cancelled; each connection is a child task.
    func serve(_ listener: HTTPListener) async {
        do {
            try await listener.serve { connection in
                await HTTPConnection(server: self, channel: connection).run()
            }
        } catch {
            logger.debug("fake API server listener ended", metadata: ["error": "\(error)"])
        }
    }
}
