import Foundation
import KubernetesClient
import Testing

@Suite struct InClusterConfigurationTests {
    /// A service account directory as the kubelet projects it.
    private func serviceAccount(
        token: String? = "eyJhbGciOiJSUzI1NiJ9.in-cluster", namespace: String? = "ipam-system\n"
    ) throws -> TemporaryDirectory {
        let directory = try TemporaryDirectory()
        if let token { try directory.write("token", token) }
        try directory.write("ca.crt", TestPEM.caCertificate)
        if let namespace { try directory.write("namespace", namespace) }
        return directory
    }

    @Test func ipv4ServiceAddress() throws {
        let directory = try serviceAccount()
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]

        let configuration = try ClientConfiguration.inCluster(
            environment: environment, serviceAccountDirectory: directory.path)

        #expect(configuration.server.absoluteString == "https://10.96.0.1:443")
        #expect(configuration.tls.certificateAuthorityPEM == TestPEM.caCertificate)
        #expect(configuration.tls.clientCertificatePEM == nil)
        #expect(configuration.tls.insecureSkipVerify == false)
        #expect(configuration.credentials == .tokenFile(directory.url("token")))
        #expect(configuration.namespace == "ipam-system")
        #expect(!"\(configuration)".contains("in-cluster"))
    }

    @Test(arguments: [
        ("fd00:10:96::1", "https://[fd00:10:96::1]:443"),
        ("2001:db8::1", "https://[2001:db8::1]:443"),
        ("[fd00::1]", "https://[fd00::1]:443"),
    ])
    func ipv6ServiceAddressIsBracketed(host: String, expected: String) throws {
        let directory = try serviceAccount()
        let environment = ["KUBERNETES_SERVICE_HOST": host, "KUBERNETES_SERVICE_PORT": "443"]

        let configuration = try ClientConfiguration.inCluster(
            environment: environment, serviceAccountDirectory: directory.path)

        #expect(configuration.server.absoluteString == expected)
        #expect(configuration.server.port == 443)
    }

    @Test func namespaceFromPodNamespaceThenFileThenDefault() throws {
        let withFile = try serviceAccount(namespace: "from-file\n")
        let withoutFile = try serviceAccount(namespace: nil)
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "6443"]

        let fromEnvironment = try ClientConfiguration.inCluster(
            environment: environment.merging(["POD_NAMESPACE": "from-env"]) { $1 },
            serviceAccountDirectory: withFile.path)
        let fromFile = try ClientConfiguration.inCluster(
            environment: environment, serviceAccountDirectory: withFile.path)
        let fallback = try ClientConfiguration.inCluster(
            environment: environment, serviceAccountDirectory: withoutFile.path)

        #expect(fromEnvironment.namespace == "from-env")
        #expect(fromFile.namespace == "from-file")
        #expect(fallback.namespace == "default")
    }

    @Test(arguments: [
        [String: String](),
        ["KUBERNETES_SERVICE_HOST": "10.96.0.1"],
        ["KUBERNETES_SERVICE_PORT": "443"],
        ["KUBERNETES_SERVICE_HOST": "", "KUBERNETES_SERVICE_PORT": "443"],
    ])
    func outsideAClusterIsAnError(environment: [String: String]) throws {
        let directory = try serviceAccount()

        let error = #expect(throws: ConfigurationError.self) {
            try ClientConfiguration.inCluster(environment: environment, serviceAccountDirectory: directory.path)
        }

        #expect(error?.source == .inCluster)
        #expect(error?.message.contains("not running in a Kubernetes cluster") == true)
        #expect(error?.description.hasPrefix("in-cluster configuration: KUBERNETES_SERVICE_") == true)
    }

    @Test func badPortIsAnError() throws {
        let directory = try serviceAccount()
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "https"]

        let error = #expect(throws: ConfigurationError.self) {
            try ClientConfiguration.inCluster(environment: environment, serviceAccountDirectory: directory.path)
        }

        #expect(error?.field == "KUBERNETES_SERVICE_PORT")
    }

    @Test func missingOrEmptyTokenIsAnError() throws {
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let missing = try serviceAccount(token: nil)
        let empty = try serviceAccount(token: "\n")

        let missingError = #expect(throws: ConfigurationError.self) {
            try ClientConfiguration.inCluster(environment: environment, serviceAccountDirectory: missing.path)
        }
        let emptyError = #expect(throws: ConfigurationError.self) {
            try ClientConfiguration.inCluster(environment: environment, serviceAccountDirectory: empty.path)
        }

        #expect(
            missingError?.description == "in-cluster configuration \(missing.url("token")): cannot read: no such file")
        #expect(emptyError?.description == "in-cluster configuration \(empty.url("token")): the file is empty")
    }

    @Test func missingOrBadCAIsAnError() throws {
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let directory = try serviceAccount()
        try FileManager.default.removeItem(atPath: directory.url("ca.crt"))

        let missing = #expect(throws: ConfigurationError.self) {
            try ClientConfiguration.inCluster(environment: environment, serviceAccountDirectory: directory.path)
        }
        #expect(missing?.file == directory.url("ca.crt"))

        try directory.write("ca.crt", "not a certificate")
        let bad = #expect(throws: ConfigurationError.self) {
            try ClientConfiguration.inCluster(environment: environment, serviceAccountDirectory: directory.path)
        }
        #expect(bad?.file == directory.url("ca.crt"))
        #expect(bad?.message.contains("no PEM certificate") == true)
    }

    @Test func rotatedServiceAccountTokenIsPickedUp() async throws {
        let directory = try serviceAccount(token: "first-bound-token")
        let environment = ["KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443"]
        let configuration = try ClientConfiguration.inCluster(
            environment: environment, serviceAccountDirectory: directory.path)
        let provider = configuration.credentials.makeProvider(logger: ClientConfiguration.silentLogger)
        #expect(try await provider.authorizationHeader() == "Bearer first-bound-token")

        try directory.write("token", "second-bound-token-after-rotation")

        #expect(try await provider.authorizationHeader() == "Bearer second-bound-token-after-rotation")
    }

    // MARK: - automatic()

    @Test func automaticPrefersInClusterWithoutKubeconfig() throws {
        let serviceAccount = try serviceAccount()
        let home = try TemporaryDirectory()
        try home.write(".kube/config", KubeConfigFixture.kind)
        let environment = [
            "KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443", "HOME": home.path,
        ]

        let configuration = try ClientConfiguration.automatic(
            environment: environment, serviceAccountDirectory: serviceAccount.path)

        #expect(configuration.server.absoluteString == "https://10.96.0.1:443")
    }

    @Test func automaticUsesAGivenKubeconfigOrKUBECONFIGOrAContextEvenInACluster() throws {
        let serviceAccount = try serviceAccount()
        let directory = try TemporaryDirectory()
        let kind = try directory.write("kind.yaml", KubeConfigFixture.kind)
        let k3d = try directory.write("k3d.yaml", KubeConfigFixture.k3d)
        try directory.write(".kube/config", KubeConfigFixture.gke)
        let inCluster = [
            "KUBERNETES_SERVICE_HOST": "10.96.0.1", "KUBERNETES_SERVICE_PORT": "443", "HOME": directory.path,
        ]

        let explicit = try ClientConfiguration.automatic(
            kubeconfig: kind, environment: inCluster.merging(["KUBECONFIG": k3d]) { $1 },
            serviceAccountDirectory: serviceAccount.path)
        let fromEnvironment = try ClientConfiguration.automatic(
            environment: inCluster.merging(["KUBECONFIG": k3d]) { $1 }, serviceAccountDirectory: serviceAccount.path)
        let withContext = try ClientConfiguration.automatic(
            context: KubeConfigFixture.gkeName, environment: inCluster, serviceAccountDirectory: serviceAccount.path)

        #expect(explicit.server.absoluteString == "https://127.0.0.1:39223")
        #expect(fromEnvironment.server.absoluteString == "https://0.0.0.0:6550")
        #expect(withContext.server.absoluteString == "https://34.118.12.34")
    }

    @Test func automaticOutsideAClusterFallsBackToHome() throws {
        let home = try TemporaryDirectory()
        try home.write(".kube/config", KubeConfigFixture.k3d)

        let configuration = try ClientConfiguration.automatic(environment: ["HOME": home.path])

        #expect(configuration.server.absoluteString == "https://0.0.0.0:6550")
    }
}
