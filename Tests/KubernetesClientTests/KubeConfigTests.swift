import Foundation
import KubernetesClient
import Testing

@Suite struct KubeConfigTests {
    // MARK: - Kubeconfigs as tools write them

    @Test func kindClusterWithRSAClientCertificate() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("kind.yaml", KubeConfigFixture.kind)

        let configuration = try ClientConfiguration.fromKubeConfig(paths: [file], environment: [:])

        #expect(configuration.server.absoluteString == "https://127.0.0.1:39223")
        #expect(configuration.namespace == "default")
        #expect(configuration.userAgent == "swift-ipam")
        #expect(configuration.credentials == .none)
        #expect(configuration.tls.certificateAuthorityPEM == TestPEM.caCertificate)
        #expect(configuration.tls.clientCertificatePEM == TestPEM.rsaClientCertificate)
        #expect(configuration.tls.clientKeyPEM == TestPEM.rsaClientKeyPKCS1)
        #expect(configuration.tls.insecureSkipVerify == false)
        #expect(configuration.tls.serverName == nil)
        let tls = try configuration.tls.makeNIOSSLConfiguration()
        #expect(tls.certificateChain.count == 1)
        #expect(tls.privateKey != nil)
    }

    @Test func k3dClusterWithECClientCertificate() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("k3d.yaml", KubeConfigFixture.k3d)

        let configuration = try ClientConfiguration.fromKubeConfig(paths: [file], environment: [:])

        #expect(configuration.server.absoluteString == "https://0.0.0.0:6550")
        #expect(configuration.tls.clientCertificatePEM == TestPEM.ecClientCertificate)
        #expect(configuration.tls.clientKeyPEM == TestPEM.ecClientKeySEC1)
        #expect(configuration.credentials == .none)
        _ = try configuration.tls.makeNIOSSLConfiguration()
    }

    @Test func eksClusterWithAWSExecPluginV1beta1() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("eks.yaml", KubeConfigFixture.eks())

        let configuration = try ClientConfiguration.fromKubeConfig(paths: [file], environment: [:])

        #expect(
            configuration.server.absoluteString
                == "https://0123456789ABCDEF0123456789ABCDEF.gr7.eu-west-1.eks.amazonaws.com")
        #expect(configuration.tls.certificateAuthorityPEM == TestPEM.caCertificate)
        #expect(configuration.tls.clientCertificatePEM == nil)
        let expected = ExecConfig(
            command: "aws",
            args: ["--region", "eu-west-1", "eks", "get-token", "--cluster-name", "ipam", "--output", "json"],
            env: [ExecConfig.EnvVar(name: "AWS_PROFILE", value: "platform")],
            apiVersion: ExecConfig.v1beta1)
        #expect(configuration.credentials == .exec(expected))
    }

    @Test func gkeClusterWithGcloudAuthPluginV1() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("gke.yaml", KubeConfigFixture.gke)

        let configuration = try ClientConfiguration.fromKubeConfig(paths: [file], environment: [:])

        #expect(configuration.server.absoluteString == "https://34.118.12.34")
        guard case .exec(let exec) = configuration.credentials else {
            Issue.record("expected exec credentials, got \(configuration.credentials)")
            return
        }
        #expect(exec.command == "gke-gcloud-auth-plugin")
        #expect(exec.args.isEmpty)
        #expect(exec.apiVersion == ExecConfig.v1)
        #expect(exec.interactiveMode == "IfAvailable")
        #expect(exec.provideClusterInfo)
        #expect(
            exec.installHint
                == "Install gke-gcloud-auth-plugin for use with kubectl by following "
                + "https://cloud.google.com/kubernetes-engine/docs/how-to/cluster-access-for-kubectl#install_plugin")
        #expect(
            exec.cluster
                == ExecConfig.Cluster(server: "https://34.118.12.34", certificateAuthorityPEM: TestPEM.caCertificate))
    }

    @Test func staticTokenAndContextNamespace() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "config",
            """
            apiVersion: v1
            kind: Config
            clusters:
            - name: prod
              cluster:
                server: https://prod.example.test:6443/
                tls-server-name: kubernetes.default.svc
                certificate-authority-data: \(TestPEM.caCertificate.base64)
            contexts:
            - name: prod-ipam
              context: {cluster: prod, user: robot, namespace: ipam-system}
            current-context: prod-ipam
            users:
            - name: robot
              user:
                token: s3cr3t-static-token
            """)

        let configuration = try ClientConfiguration.fromKubeConfig(paths: [file], environment: [:])

        #expect(configuration.server.absoluteString == "https://prod.example.test:6443")
        #expect(configuration.namespace == "ipam-system")
        #expect(configuration.tls.serverName == "kubernetes.default.svc")
        #expect(configuration.credentials == .token("s3cr3t-static-token"))
        #expect(!"\(configuration)".contains("s3cr3t-static-token"))
        #expect(!String(reflecting: configuration).contains("s3cr3t-static-token"))
        var dumped = ""
        dump(configuration, to: &dumped)
        #expect(!dumped.contains("s3cr3t-static-token"))
    }

    @Test func kubeconfigWrittenAsJSON() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "config.json",
            """
            {"apiVersion": "v1", "kind": "Config",
             "clusters": [{"name": "c", "cluster": {"server": "https://10.0.0.1:6443", "insecure-skip-tls-verify": true}}],
             "contexts": [{"name": "x", "context": {"cluster": "c"}}],
             "current-context": "x"}
            """)

        let configuration = try ClientConfiguration.fromKubeConfig(paths: [file], environment: [:])

        #expect(configuration.server.absoluteString == "https://10.0.0.1:6443")
        #expect(configuration.tls.insecureSkipVerify)
        #expect(configuration.credentials == .none)
    }

    @Test(arguments: [
        ("10.0.0.1:6443", "https://10.0.0.1:6443"),
        ("https://api.example.test", "https://api.example.test"),
        ("HTTPS://api.example.test:443///", "https://api.example.test:443"),
        ("https://rancher.example.test/k8s/clusters/c-m-abc/", "https://rancher.example.test/k8s/clusters/c-m-abc"),
        ("http://127.0.0.1:8001", "http://127.0.0.1:8001"),
        ("https://[fd00::1]:6443", "https://[fd00::1]:6443"),
    ])
    func serverURLIsNormalised(server: String, expected: String) throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "config", KubeConfigFixture.withUser("    token: t", clusterBody: "    server: \(server)"))

        let configuration = try ClientConfiguration.fromKubeConfig(paths: [file], environment: [:])

        #expect(configuration.server.absoluteString == expected)
    }

    // MARK: - Choosing files, merging, contexts

    /// Two files as a person with a work and a personal kubeconfig has them. `shared` is defined in
    /// both with different servers; `shared-user` in both, the second with fields the first lacks
    /// (a client certificate), which must not leak into the merge.
    private func writeTwoKubeconfigs(_ directory: TemporaryDirectory) throws -> (first: String, second: String) {
        let first = try directory.write(
            "first.yaml",
            """
            apiVersion: v1
            kind: Config
            current-context: alpha
            clusters:
            - name: shared
              cluster: {server: "https://first.example.test:6443"}
            contexts:
            - name: alpha
              context: {cluster: shared, user: shared-user, namespace: alpha-ns}
            users:
            - name: shared-user
              user: {token: first-token}
            """)
        let second = try directory.write(
            "second.yaml",
            """
            apiVersion: v1
            kind: Config
            current-context: beta
            clusters:
            - name: shared
              cluster: {server: "https://second.example.test:6443"}
            - name: beta-cluster
              cluster: {server: "https://beta.example.test:6443"}
            contexts:
            - name: alpha
              context: {cluster: beta-cluster, user: beta-user, namespace: overridden}
            - name: beta
              context: {cluster: shared, user: shared-user}
            - name: beta-own
              context: {cluster: beta-cluster, user: beta-user}
            users:
            - name: shared-user
              user:
                token: second-token
                client-certificate-data: \(TestPEM.ecClientCertificate.base64)
                client-key-data: \(TestPEM.ecClientKeySEC1.base64)
            - name: beta-user
              user: {token: beta-token}
            """)
        return (first, second)
    }

    @Test func kubeconfigFilesMergeFirstWins() throws {
        let directory = try TemporaryDirectory()
        let (first, second) = try writeTwoKubeconfigs(directory)
        let environment = ["KUBECONFIG": "\(first):\(second)"]

        // The first current-context wins, and its context, cluster and user come from the first file.
        let current = try ClientConfiguration.fromKubeConfig(environment: environment)
        #expect(current.server.absoluteString == "https://first.example.test:6443")
        #expect(current.namespace == "alpha-ns")
        #expect(current.credentials == .token("first-token"))

        // A context only the second file has still sees the first file's `shared` and `shared-user`,
        // whole: the second file's extra client-certificate is not merged in.
        let beta = try ClientConfiguration.fromKubeConfig(context: "beta", environment: environment)
        #expect(beta.server.absoluteString == "https://first.example.test:6443")
        #expect(beta.credentials == .token("first-token"))
        #expect(beta.tls.clientCertificatePEM == nil)

        let betaOwn = try ClientConfiguration.fromKubeConfig(context: "beta-own", environment: environment)
        #expect(betaOwn.server.absoluteString == "https://beta.example.test:6443")
        #expect(betaOwn.credentials == .token("beta-token"))

        // In the other order, the other file wins.
        let reversed = try ClientConfiguration.fromKubeConfig(environment: ["KUBECONFIG": "\(second):\(first)"])
        #expect(reversed.server.absoluteString == "https://second.example.test:6443")
        #expect(reversed.namespace == "default")
        #expect(reversed.credentials == .token("second-token"))
        #expect(reversed.tls.clientCertificatePEM == TestPEM.ecClientCertificate)
    }

    @Test func kubeconfigListSkipsEmptyEntriesDuplicatesAndMissingFiles() throws {
        let directory = try TemporaryDirectory()
        let (first, second) = try writeTwoKubeconfigs(directory)
        let missing = directory.url("missing.yaml")
        let environment = ["KUBECONFIG": "::\(missing):\(second)::\(first):\(second)"]

        let configuration = try ClientConfiguration.fromKubeConfig(environment: environment)

        #expect(configuration.server.absoluteString == "https://second.example.test:6443")
    }

    @Test func kubeconfigListWithNoExistingFileIsAnError() throws {
        let directory = try TemporaryDirectory()
        let environment = ["KUBECONFIG": "\(directory.url("a")):\(directory.url("b"))", "HOME": directory.path]

        let error = #expect(throws: ConfigurationError.self) {
            try ClientConfiguration.fromKubeConfig(environment: environment)
        }

        #expect(error?.file == "\(directory.url("a")):\(directory.url("b"))")
        #expect(error?.message.contains("none of the files") == true)
    }

    @Test func explicitPathsWinOverKUBECONFIGAndMustExist() throws {
        let directory = try TemporaryDirectory()
        let (first, second) = try writeTwoKubeconfigs(directory)

        let configuration = try ClientConfiguration.fromKubeConfig(
            paths: [second], environment: ["KUBECONFIG": first])
        #expect(configuration.server.absoluteString == "https://second.example.test:6443")

        let missing = directory.url("nope.yaml")
        let error = #expect(throws: ConfigurationError.self) {
            try ClientConfiguration.fromKubeConfig(paths: [first, missing], environment: [:])
        }
        #expect(error?.file == missing)
        #expect(error?.description == "kubeconfig \(missing): no such file")
    }

    @Test func defaultsToDotKubeConfigInHome() throws {
        let directory = try TemporaryDirectory()
        try directory.write(".kube/config", KubeConfigFixture.kind)

        let configuration = try ClientConfiguration.fromKubeConfig(environment: ["HOME": directory.path])
        #expect(configuration.server.absoluteString == "https://127.0.0.1:39223")

        let empty = try TemporaryDirectory()
        let error = #expect(throws: ConfigurationError.self) {
            try ClientConfiguration.fromKubeConfig(environment: ["HOME": empty.path, "KUBECONFIG": ""])
        }
        #expect(error?.file == empty.path + "/.kube/config")
    }

    @Test func contextOverridesCurrentContext() throws {
        let directory = try TemporaryDirectory()
        let (first, _) = try writeTwoKubeconfigs(directory)
        let file = try directory.write(
            "contexts.yaml",
            """
            apiVersion: v1
            kind: Config
            current-context: dev
            clusters:
            - {name: dev, cluster: {server: "https://dev.example.test"}}
            - {name: staging, cluster: {server: "https://staging.example.test"}}
            contexts:
            - {name: dev, context: {cluster: dev}}
            - {name: staging, context: {cluster: staging, namespace: ipam}}
            """)

        let staging = try ClientConfiguration.fromKubeConfig(paths: [file], context: "staging", environment: [:])
        #expect(staging.server.absoluteString == "https://staging.example.test")
        #expect(staging.namespace == "ipam")
        #expect(staging.credentials == .none)

        let error = #expect(throws: ConfigurationError.self) {
            try ClientConfiguration.fromKubeConfig(paths: [file, first], context: "prod", environment: [:])
        }
        #expect(error?.context == "prod")
        #expect(error?.file == "\(file):\(first)")
        #expect(error?.message == "no such context; it defines \"alpha\", \"dev\", \"staging\"")
    }

    @Test func brokenEntriesThatAreNotUsedAreIgnored() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "config",
            """
            apiVersion: v1
            kind: Config
            current-context: good
            clusters:
            - {name: good, cluster: {server: "https://good.example.test"}}
            - {name: bad, cluster: {server: "not a url", proxy-url: "http://proxy:3128"}}
            contexts:
            - {name: good, context: {cluster: good, user: good}}
            - {name: bad, context: {cluster: bad, user: bad}}
            users:
            - {name: good, user: {token: good-token}}
            - {name: bad, user: {auth-provider: {name: gcp}, client-key-data: "!!!"}}
            """)

        let configuration = try ClientConfiguration.fromKubeConfig(paths: [file], environment: [:])

        #expect(configuration.credentials == .token("good-token"))
    }

    // MARK: - Relative paths

    @Test func relativePathsResolveAgainstTheKubeconfigDirectory() throws {
        let directory = try TemporaryDirectory()
        try directory.write("pki/ca.crt", TestPEM.caCertificate)
        try directory.write("clusters/prod/certs/client.crt", TestPEM.ecClientCertificate)
        try directory.write("clusters/prod/certs/client.key", TestPEM.ecClientKeyPKCS8)
        try directory.write("clusters/prod/token", "file-token\n")
        let file = try directory.write(
            "clusters/prod/kubeconfig",
            """
            apiVersion: v1
            kind: Config
            current-context: files
            clusters:
            - name: prod
              cluster:
                server: https://prod.example.test:6443
                certificate-authority: ../../pki/ca.crt
            contexts:
            - {name: files, context: {cluster: prod, user: files}}
            - {name: plugin, context: {cluster: prod, user: plugin}}
            - {name: path-plugin, context: {cluster: prod, user: path-plugin}}
            users:
            - name: files
              user:
                client-certificate: certs/client.crt
                client-key: ./certs/client.key
                tokenFile: token
            - name: plugin
              user:
                exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: bin/get-token}
            - name: path-plugin
              user:
                exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: kubelogin}
            """)

        let configuration = try ClientConfiguration.fromKubeConfig(paths: [file], environment: [:])
        #expect(configuration.tls.certificateAuthorityPEM == TestPEM.caCertificate)
        #expect(configuration.tls.clientCertificatePEM == TestPEM.ecClientCertificate)
        #expect(configuration.tls.clientKeyPEM == TestPEM.ecClientKeyPKCS8)
        #expect(configuration.credentials == .tokenFile(directory.path + "/clusters/prod/token"))

        let plugin = try ClientConfiguration.fromKubeConfig(paths: [file], context: "plugin", environment: [:])
        guard case .exec(let exec) = plugin.credentials else {
            Issue.record("expected exec credentials")
            return
        }
        #expect(exec.command == directory.path + "/clusters/prod/bin/get-token")

        let pathPlugin = try ClientConfiguration.fromKubeConfig(paths: [file], context: "path-plugin", environment: [:])
        guard case .exec(let bare) = pathPlugin.credentials else {
            Issue.record("expected exec credentials")
            return
        }
        #expect(bare.command == "kubelogin")
    }

    // MARK: - insecure-skip-tls-verify

    @Test func insecureSkipTLSVerifyIsHonouredWithAWarning() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "config",
            KubeConfigFixture.withUser(
                "    token: never-log-this-token",
                clusterBody: "    server: https://x.test\n    insecure-skip-tls-verify: true"))
        let recorder = RecordingLogHandler()

        let configuration = try ClientConfiguration.fromKubeConfig(
            paths: [file], environment: [:], logger: recorder.logger())

        #expect(configuration.tls.insecureSkipVerify)
        let warnings = recorder.records.filter { $0.level == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first?.message.contains("insecure-skip-tls-verify") == true)
        #expect(recorder.records.allSatisfy { $0.level <= .warning })
        #expect(!recorder.everything.contains("never-log-this-token"))
        let tls = try configuration.tls.makeNIOSSLConfiguration()
        #expect(tls.certificateVerification == .none)
    }

    @Test func noWarningWithoutInsecureSkipTLSVerify() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("kind.yaml", KubeConfigFixture.kind)
        let recorder = RecordingLogHandler()

        let configuration = try ClientConfiguration.fromKubeConfig(
            paths: [file], environment: [:], logger: recorder.logger())

        #expect(!configuration.tls.insecureSkipVerify)
        #expect(recorder.records.allSatisfy { $0.level < .warning })
        #expect(!recorder.records.isEmpty)
        #expect(!recorder.everything.contains(TestPEM.rsaClientKeyPKCS1.base64))
        #expect(!recorder.everything.contains("PRIVATE KEY"))
    }

    // MARK: - Errors: file, context and field named; secrets absent

    struct BadKubeconfig: Sendable, CustomTestStringConvertible {
        var name: String
        var yaml: String
        var field: String?
        var message: String
        /// Text that must not appear in the error (a token, key material…).
        var secret: String?
        var context: String? = "ctx"

        var testDescription: String { name }
    }

    static let badKubeconfigs: [BadKubeconfig] = [
        BadKubeconfig(
            name: "client key data not base64",
            yaml: KubeConfigFixture.withUser(
                "    client-certificate-data: \(TestPEM.ecClientCertificate.base64)\n"
                    + "    client-key-data: c2VjcmV0LWtleS1tYXRlcmlhbA==!!"),
            field: "users[0].user.client-key-data", message: "not valid base64", secret: "c2VjcmV0LWtleS1tYXRlcmlhbA"),
        BadKubeconfig(
            name: "client key data is not a key",
            yaml: KubeConfigFixture.withUser(
                "    client-certificate-data: \(TestPEM.ecClientCertificate.base64)\n"
                    + "    client-key-data: \("-----BEGIN PRIVATE KEY-----\nc3VwZXItc2VjcmV0\n-----END PRIVATE KEY-----".base64)"
            ),
            field: "users[0].user.client-key-data", message: "not a valid PEM private key", secret: "c3VwZXItc2VjcmV0"),
        BadKubeconfig(
            name: "client key of another certificate",
            yaml: KubeConfigFixture.withUser(
                "    client-certificate-data: \(TestPEM.rsaClientCertificate.base64)\n"
                    + "    client-key-data: \(TestPEM.ecClientKeySEC1.base64)"),
            field: "users[0].user.client-key-data", message: "does not belong to the client certificate",
            secret: "MHcCAQEEINax1X041HzhhgS6s01IXPTHJeCR7Gv2t"),
        BadKubeconfig(
            name: "client certificate without key",
            yaml: KubeConfigFixture.withUser("    client-certificate-data: \(TestPEM.ecClientCertificate.base64)"),
            field: "users[0].user.client-key-data", message: "missing"),
        BadKubeconfig(
            name: "client certificate data is garbage",
            yaml: KubeConfigFixture.withUser(
                "    client-certificate-data: \("hello".base64)\n    client-key-data: \(TestPEM.ecClientKeySEC1.base64)"
            ),
            field: "users[0].user.client-certificate-data", message: "no PEM certificate"),
        BadKubeconfig(
            name: "client certificate file missing",
            yaml: KubeConfigFixture.withUser(
                "    client-certificate: /nonexistent/client.crt\n    client-key: /nonexistent/client.key"),
            field: "users[0].user.client-certificate", message: "/nonexistent/client.crt: cannot read: no such file"),
        BadKubeconfig(
            name: "legacy gcp auth provider",
            yaml: KubeConfigFixture.withUser(
                "    auth-provider:\n      name: gcp\n      config:\n        access-token: ya29.secret-access-token"),
            field: "users[0].user.auth-provider", message: "use an exec credential plugin",
            secret: "ya29.secret-access-token"),
        BadKubeconfig(
            name: "legacy oidc auth provider",
            yaml: KubeConfigFixture.withUser(
                "    auth-provider:\n      name: oidc\n      config:\n        id-token: eyJhbGciOi.secret"),
            field: "users[0].user.auth-provider", message: "the legacy \"oidc\" auth provider is not supported",
            secret: "eyJhbGciOi.secret"),
        BadKubeconfig(
            name: "basic authentication",
            yaml: KubeConfigFixture.withUser("    password: hunter2-password"),
            field: "users[0].user.password", message: "basic authentication is not supported",
            secret: "hunter2-password"),
        BadKubeconfig(
            name: "impersonation",
            yaml: KubeConfigFixture.withUser("    token: imp-token\n    as: system:admin"),
            field: "users[0].user.as", message: "impersonation is not supported", secret: "imp-token"),
        BadKubeconfig(
            name: "exec and token",
            yaml: KubeConfigFixture.withUser(
                "    token: mixed-token\n    exec:\n      apiVersion: client.authentication.k8s.io/v1beta1\n      command: aws"
            ),
            field: "users[0].user.exec", message: "both exec and token are set", secret: "mixed-token"),
        BadKubeconfig(
            name: "exec without apiVersion",
            yaml: KubeConfigFixture.withUser("    exec:\n      command: aws"),
            field: "users[0].user.exec.apiVersion", message: "missing"),
        BadKubeconfig(
            name: "exec with removed v1alpha1",
            yaml: KubeConfigFixture.withUser(
                "    exec:\n      command: aws\n      apiVersion: client.authentication.k8s.io/v1alpha1"),
            field: "users[0].user.exec.apiVersion", message: "is not supported"),
        BadKubeconfig(
            name: "exec v1 without interactiveMode",
            yaml: KubeConfigFixture.withUser(
                "    exec:\n      command: aws\n      apiVersion: client.authentication.k8s.io/v1"),
            field: "users[0].user.exec.interactiveMode", message: "missing"),
        BadKubeconfig(
            name: "exec that must be interactive",
            yaml: KubeConfigFixture.withUser(
                "    exec:\n      command: kubelogin\n      apiVersion: client.authentication.k8s.io/v1\n"
                    + "      interactiveMode: Always"),
            field: "users[0].user.exec.interactiveMode", message: "needs a terminal"),
        BadKubeconfig(
            name: "exec env without name",
            yaml: KubeConfigFixture.withUser(
                "    exec:\n      command: aws\n      apiVersion: client.authentication.k8s.io/v1beta1\n"
                    + "      env:\n      - value: secret-env-value"),
            field: "users[0].user.exec.env[0].name", message: "missing", secret: "secret-env-value"),
        BadKubeconfig(
            name: "token file missing",
            yaml: KubeConfigFixture.withUser("    tokenFile: /nonexistent/token"),
            field: "users[0].user.tokenFile", message: "/nonexistent/token: cannot read: no such file"),
        BadKubeconfig(
            name: "token of the wrong type",
            yaml: KubeConfigFixture.withUser("    token: [a, b]"),
            field: "users[0].user.token", message: "expected a string"),
        BadKubeconfig(
            name: "proxy-url",
            yaml: KubeConfigFixture.withUser(
                "    token: proxied-token", clusterBody: "    server: https://x.test\n    proxy-url: http://proxy:3128"),
            field: "clusters[0].cluster.proxy-url", message: "not supported", secret: "proxied-token"),
        BadKubeconfig(
            name: "no server",
            yaml: KubeConfigFixture.withUser("    token: t", clusterBody: "    tls-server-name: x"),
            field: "clusters[0].cluster.server", message: "missing"),
        BadKubeconfig(
            name: "null server",
            yaml: KubeConfigFixture.withUser("    token: t", clusterBody: "    server: ~"),
            field: "clusters[0].cluster.server", message: "missing"),
        BadKubeconfig(
            name: "server not a URL",
            yaml: KubeConfigFixture.withUser("    token: t", clusterBody: "    server: ftp://x.test"),
            field: "clusters[0].cluster.server", message: "not an http or https URL"),
        BadKubeconfig(
            name: "server URL with credentials",
            yaml: KubeConfigFixture.withUser("    token: t", clusterBody: "    server: https://admin:pw-in-url@x.test"),
            field: "clusters[0].cluster.server", message: "not an http or https URL", secret: "pw-in-url"),
        BadKubeconfig(
            name: "CA data not PEM",
            yaml: KubeConfigFixture.withUser(
                "    token: t",
                clusterBody: "    server: https://x.test\n    certificate-authority-data: \("nope".base64)"),
            field: "clusters[0].cluster.certificate-authority-data", message: "no PEM certificate"),
        BadKubeconfig(
            name: "CA file and data",
            yaml: KubeConfigFixture.withUser(
                "    token: t",
                clusterBody: "    server: https://x.test\n    certificate-authority: /x/ca.crt\n"
                    + "    certificate-authority-data: \(TestPEM.caCertificate.base64)"),
            field: "clusters[0].cluster.certificate-authority", message: "both"),
        BadKubeconfig(
            name: "insecure with CA",
            yaml: KubeConfigFixture.withUser(
                "    token: t",
                clusterBody: "    server: https://x.test\n    insecure-skip-tls-verify: true\n"
                    + "    certificate-authority-data: \(TestPEM.caCertificate.base64)"),
            field: "clusters[0].cluster.insecure-skip-tls-verify", message: "cannot be combined"),
        BadKubeconfig(
            name: "insecure not a boolean",
            yaml: KubeConfigFixture.withUser(
                "    token: t", clusterBody: "    server: https://x.test\n    insecure-skip-tls-verify: \"true\""),
            field: "clusters[0].cluster.insecure-skip-tls-verify", message: "expected true or false"),
        BadKubeconfig(
            name: "context names an undefined cluster",
            yaml: """
                apiVersion: v1
                kind: Config
                current-context: ctx
                contexts:
                - {name: ctx, context: {cluster: gone, user: u}}
                users:
                - {name: u, user: {token: undefined-cluster-token}}
                """,
            field: "contexts[0].context.cluster", message: "names cluster \"gone\", which is not defined",
            secret: "undefined-cluster-token"),
        BadKubeconfig(
            name: "context names an undefined user",
            yaml: """
                apiVersion: v1
                kind: Config
                current-context: ctx
                clusters:
                - {name: c, cluster: {server: "https://x.test"}}
                contexts:
                - {name: other, context: {cluster: c}}
                - {name: ctx, context: {cluster: c, user: nobody, namespace: ns}}
                """,
            field: "contexts[1].context.user", message: "names user \"nobody\", which is not defined"),
        BadKubeconfig(
            name: "invalid namespace",
            yaml: """
                apiVersion: v1
                kind: Config
                current-context: ctx
                clusters:
                - {name: c, cluster: {server: "https://x.test"}}
                contexts:
                - {name: ctx, context: {cluster: c, namespace: Not_A_Namespace}}
                """,
            field: "contexts[0].context.namespace", message: "not a valid namespace name"),
        BadKubeconfig(
            name: "current-context names an undefined context",
            yaml: """
                apiVersion: v1
                kind: Config
                current-context: ctx
                clusters:
                - {name: c, cluster: {server: "https://x.test"}}
                contexts:
                - {name: a, context: {cluster: c}}
                """,
            field: "current-context", message: "names a context that is not defined; it defines \"a\""),
        BadKubeconfig(
            name: "no current-context",
            yaml: """
                apiVersion: v1
                kind: Config
                clusters:
                - {name: c, cluster: {server: "https://x.test"}}
                """,
            field: "current-context", message: "not set, and no context was given", context: nil),
        BadKubeconfig(
            name: "entry without a name",
            yaml: """
                apiVersion: v1
                kind: Config
                users:
                - user: {token: nameless-token}
                """,
            field: "users[0].name", message: "missing", secret: "nameless-token", context: nil),
        BadKubeconfig(
            name: "not a kubeconfig",
            yaml: "apiVersion: v1\nkind: Pod\nmetadata: {name: x}\n",
            field: "kind", message: "expected Config, found Pod", context: nil),
        BadKubeconfig(
            name: "invalid YAML next to a token",
            yaml: "apiVersion: v1\nusers:\n- name: u\n  user:\n    token: \"yaml-broken-token\n  : :\n",
            field: nil, message: "not valid YAML at line", secret: "yaml-broken-token", context: nil),
        BadKubeconfig(
            name: "clusters not a list",
            yaml: "apiVersion: v1\nclusters: {name: c}\n",
            field: "clusters", message: "expected a list", context: nil),
    ]

    @Test(arguments: badKubeconfigs)
    func badKubeconfigErrorNamesFileContextAndField(_ bad: BadKubeconfig) throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("broken-kubeconfig", bad.yaml)

        let error = #expect(throws: ConfigurationError.self) {
            try ClientConfiguration.fromKubeConfig(paths: [file], environment: [:])
        }
        guard let error else { return }

        #expect(error.source == .kubeconfig)
        #expect(error.file == file)
        #expect(error.context == bad.context)
        #expect(error.field == bad.field)
        #expect(error.message.contains(bad.message), "message: \(error.message)")
        let description = error.description
        #expect(description.hasPrefix("kubeconfig \(file): "))
        if let context = bad.context { #expect(description.contains("context \"\(context)\": ")) }
        if let field = bad.field { #expect(description.contains(": \(field): ")) }
        if let secret = bad.secret { #expect(!description.contains(secret), "\(description)") }
        #expect(!description.contains("PRIVATE KEY"))
    }

    @Test func errorDescriptionHasTheDocumentedShape() throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write(
            "config",
            """
            apiVersion: v1
            kind: Config
            current-context: kind-x
            clusters:
            - {name: kind-x, cluster: {server: "https://127.0.0.1:6443"}}
            contexts:
            - {name: kind-x, context: {cluster: kind-x, user: kind-x}}
            users:
            - name: kind-x
              user:
                client-certificate-data: \(TestPEM.rsaClientCertificate.base64)
                client-key-data: "%%%not-base64%%%"
            """)

        let error = #expect(throws: ConfigurationError.self) {
            try ClientConfiguration.fromKubeConfig(paths: [file], environment: [:])
        }

        #expect(
            error?.description
                == "kubeconfig \(file): context \"kind-x\": users[0].user.client-key-data: not valid base64")
    }

    @Test func errorNamesTheFileThatHoldsTheBadEntry() throws {
        let directory = try TemporaryDirectory()
        let contexts = try directory.write(
            "contexts.yaml",
            """
            apiVersion: v1
            kind: Config
            current-context: ctx
            contexts:
            - {name: ctx, context: {cluster: c, user: u}}
            """)
        let clusters = try directory.write(
            "clusters.yaml",
            "apiVersion: v1\nkind: Config\nclusters:\n- {name: c, cluster: {server: \"https://x.test\"}}\n")
        let users = try directory.write(
            "users.yaml", "apiVersion: v1\nkind: Config\nusers:\n- {name: other}\n- {name: u, user: {password: pw}}\n")

        let error = #expect(throws: ConfigurationError.self) {
            try ClientConfiguration.fromKubeConfig(environment: ["KUBECONFIG": "\(contexts):\(clusters):\(users)"])
        }

        #expect(error?.file == users)
        #expect(error?.context == "ctx")
        #expect(error?.field == "users[1].user.password")
    }
}
