import Foundation
import KubernetesClientTestKit
import KubernetesCore

@testable import KubernetesClient

/// Client options for tests: no rate limit, quick retries.
let fastOptions = KubernetesClient.Options(
    qps: nil, retry: RetryPolicy(maxAttempts: 4, initialBackoff: .milliseconds(5), maximumBackoff: .milliseconds(50)),
    requestTimeout: .seconds(10))

/// Runs `body` with a running stand-in (Widget and Gadget registered) and a
/// client pointed at it; both are stopped afterwards.
func withStandIn(
    _ configuration: FakeAPIServer.Configuration = FakeAPIServer.Configuration(),
    credentials: Credentials = .none,
    clientCertificate: Bool = false,
    options: KubernetesClient.Options = fastOptions,
    _ body: (FakeAPIServer, KubernetesClient) async throws -> Void
) async throws {
    try await FakeAPIServer.withRunning(configuration) { server in
        await server.register(Widget.self, statusSubresource: true, selectableFields: ["spec.color"])
        await server.register(Gadget.self, statusSubresource: false)
        var tls = TLSSettings()
        tls.certificateAuthorityPEM = server.caCertificatePEM
        if clientCertificate {
            tls.clientCertificatePEM = server.clientCertificatePEM
            tls.clientKeyPEM = server.clientPrivateKeyPEM
        }
        let configuration = ClientConfiguration(server: server.baseURL, tls: tls, credentials: credentials)
        try await KubernetesClient.withClient(configuration: configuration, options: options) { client in
            try await body(server, client)
        }
    }
}
