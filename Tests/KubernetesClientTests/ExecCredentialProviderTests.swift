import Foundation
import KubernetesClient
import KubernetesCore
import Testing

/// Fake plugins are small bash scripts in a temporary directory. They count their runs in a file
/// (`runs`), so the tests can tell a cached token from a fresh one.
@Suite struct ExecCredentialProviderTests {
    /// A plugin printing `token-<run number>` with an optional fixed expiry, after `delay` seconds.
    private func countingPlugin(
        _ directory: TemporaryDirectory, apiVersion: String = ExecConfig.v1, expiry: String? = nil, delay: Double = 0
    ) throws -> String {
        let expiryField = expiry.map { #", \"expirationTimestamp\": \"\#($0)\""# } ?? ""
        return try directory.script(
            "plugin",
            """
            set -e
            runs_file="\(directory.url("runs"))"
            runs=$(( $(cat "$runs_file" 2>/dev/null || echo 0) + 1 ))
            echo "$runs" > "$runs_file"
            sleep \(delay)
            printf '{"apiVersion": "\(apiVersion)", "kind": "ExecCredential", "status": {"token": "token-%s"\(expiryField)}}\\n' "$runs"
            """)
    }

    private func runs(_ directory: TemporaryDirectory) throws -> Int {
        Int(try directory.read("runs").trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    private func provider(
        _ config: ExecConfig, clock: ManualClock = ManualClock(), environment: [String: String] = [:],
        timeout: Duration = .seconds(30), logger: RecordingLogHandler? = nil
    ) -> ExecCredentialProvider {
        ExecCredentialProvider(
            config: config, logger: logger?.logger() ?? ClientConfiguration.silentLogger,
            environment: environment.merging(["PATH": "/usr/bin:/bin"]) { current, _ in current },
            timeout: timeout, clock: clock.function)
    }

    // MARK: - Caching and expiry

    @Test func tokenWithoutExpiryIsCachedUntilInvalidated() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock()
        let plugin = try countingPlugin(directory)
        let provider = provider(ExecConfig(command: plugin, interactiveMode: "Never"), clock: clock)

        #expect(try await provider.authorizationHeader() == "Bearer token-1")
        clock.advance(by: 365 * 86_400)
        #expect(try await provider.authorizationHeader() == "Bearer token-1")
        #expect(try runs(directory) == 1)

        await provider.invalidate()

        #expect(try await provider.authorizationHeader() == "Bearer token-2")
        #expect(try runs(directory) == 2)
    }

    @Test func tokenIsRefreshedThirtySecondsBeforeItExpires() async throws {
        let directory = try TemporaryDirectory()
        let expiry = try #require(RFC3339.parse("2030-06-01T12:00:00Z"))
        let clock = ManualClock(expiry.addingTimeInterval(-15 * 60))
        let plugin = try countingPlugin(directory, expiry: "2030-06-01T12:00:00Z")
        let provider = provider(ExecConfig(command: plugin, interactiveMode: "Never"), clock: clock)

        #expect(try await provider.authorizationHeader() == "Bearer token-1")
        clock.advance(by: 14 * 60 + 29)  // 31 s before expiry: still fresh
        #expect(try await provider.authorizationHeader() == "Bearer token-1")
        #expect(try runs(directory) == 1)

        clock.advance(by: 2)  // 29 s before expiry: refreshed
        #expect(try await provider.authorizationHeader() == "Bearer token-2")
        #expect(try runs(directory) == 2)
    }

    @Test func expiredTokenIsReplacedOnEveryCallUntilThePluginReturnsAFreshOne() async throws {
        let directory = try TemporaryDirectory()
        let clock = ManualClock(try #require(RFC3339.parse("2031-01-01T00:00:00Z")))
        let plugin = try countingPlugin(directory, apiVersion: ExecConfig.v1beta1, expiry: "2030-01-01T00:00:00+01:00")
        let provider = provider(ExecConfig(command: plugin, apiVersion: ExecConfig.v1beta1), clock: clock)

        #expect(try await provider.authorizationHeader() == "Bearer token-1")
        #expect(try await provider.authorizationHeader() == "Bearer token-2")
    }

    @Test func concurrentCallersShareOnePluginRun() async throws {
        let directory = try TemporaryDirectory()
        let plugin = try countingPlugin(directory, delay: 0.3)
        let provider = provider(ExecConfig(command: plugin, interactiveMode: "Never"))

        let headers = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<8 { group.addTask { try await provider.authorizationHeader() } }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }

        #expect(headers.count == 8)
        #expect(Set(headers) == ["Bearer token-1"])
        #expect(try runs(directory) == 1)
    }

    // MARK: - What the plugin sees

    @Test func pluginGetsArgumentsEnvironmentAndExecInfo() async throws {
        let directory = try TemporaryDirectory()
        let plugin = try directory.script(
            "plugin",
            """
            printf '%s\\n' "$@" > "\(directory.url("args"))"
            printf '%s' "$KUBERNETES_EXEC_INFO" > "\(directory.url("exec-info"))"
            printf '%s|%s|%s' "$AWS_PROFILE" "$INHERITED" "$OVERRIDDEN" > "\(directory.url("env"))"
            if [ -t 0 ] || ! [ -z "$(cat)" ]; then echo "stdin is not empty /dev/null" >&2; exit 3; fi
            echo '{"apiVersion":"client.authentication.k8s.io/v1beta1","kind":"ExecCredential","status":{"token":"t"}}'
            """)
        let config = ExecConfig(
            command: plugin,
            args: ["eks", "get-token", "--cluster-name", "ipam with spaces"],
            env: [.init(name: "AWS_PROFILE", value: "platform"), .init(name: "OVERRIDDEN", value: "from-config")],
            apiVersion: ExecConfig.v1beta1)
        let provider = provider(
            config, environment: ["INHERITED": "from-parent", "OVERRIDDEN": "from-parent"])

        #expect(try await provider.authorizationHeader() == "Bearer t")

        #expect(try directory.read("args") == "eks\nget-token\n--cluster-name\nipam with spaces\n")
        #expect(try directory.read("env") == "platform|from-parent|from-config")
        let info = try JSONSerialization.jsonObject(with: Data(try directory.read("exec-info").utf8)) as? [String: Any]
        #expect(info?["apiVersion"] as? String == ExecConfig.v1beta1)
        #expect(info?["kind"] as? String == "ExecCredential")
        let spec = info?["spec"] as? [String: Any]
        #expect(spec?["interactive"] as? Bool == false)
        #expect(spec?["cluster"] == nil)
    }

    @Test func clusterInfoIsProvidedWhenAskedFor() async throws {
        let directory = try TemporaryDirectory()
        _ = try directory.script(
            "plugin",
            """
            printf '%s' "$KUBERNETES_EXEC_INFO" > "\(directory.url("exec-info"))"
            echo '{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential","status":{"token":"t"}}'
            """)
        // Through a kubeconfig, as GKE writes it plus the exec cluster extension.
        let kubeconfig = try directory.write(
            "config",
            """
            apiVersion: v1
            kind: Config
            current-context: gke
            clusters:
            - name: gke
              cluster:
                server: https://34.118.12.34
                tls-server-name: kubernetes.default
                certificate-authority-data: \(TestPEM.caCertificate.base64)
                extensions:
                - name: client.authentication.k8s.io/exec
                  extension:
                    audience: ipam
                    retries: 3
                    interactive: false
            contexts:
            - {name: gke, context: {cluster: gke, user: gke}}
            users:
            - name: gke
              user:
                exec:
                  apiVersion: client.authentication.k8s.io/v1
                  command: ./plugin
                  interactiveMode: IfAvailable
                  provideClusterInfo: true
            """)
        let configuration = try ClientConfiguration.fromKubeConfig(paths: [kubeconfig], environment: [:])
        guard case .exec(let config) = configuration.credentials else {
            Issue.record("expected exec credentials")
            return
        }

        #expect(try await provider(config).authorizationHeader() == "Bearer t")

        let info = try JSONSerialization.jsonObject(with: Data(try directory.read("exec-info").utf8)) as? [String: Any]
        let spec = info?["spec"] as? [String: Any]
        #expect(spec?["interactive"] as? Bool == false)
        let cluster = spec?["cluster"] as? [String: Any]
        #expect(cluster?["server"] as? String == "https://34.118.12.34")
        #expect(cluster?["tls-server-name"] as? String == "kubernetes.default")
        #expect(cluster?["certificate-authority-data"] as? String == TestPEM.caCertificate.base64)
        #expect(cluster?["insecure-skip-tls-verify"] == nil)
        let extensionConfig = cluster?["config"] as? [String: Any]
        #expect(extensionConfig?["audience"] as? String == "ipam")
        #expect(extensionConfig?["retries"] as? Int == 3)
        #expect(extensionConfig?["interactive"] as? Bool == false)
    }

    @Test func eksKubeconfigEndToEndWithAFakeAWSCommandInPATH() async throws {
        let directory = try TemporaryDirectory()
        try directory.script(
            "bin/aws",
            """
            [ "$AWS_PROFILE" = platform ] || { echo "wrong profile" >&2; exit 1; }
            [ "$*" = "--region eu-west-1 eks get-token --cluster-name ipam --output json" ] || { echo "args: $*" >&2; exit 1; }
            echo '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1beta1","spec":{},"status":{"expirationTimestamp":"2099-01-01T00:00:00Z","token":"k8s-aws-v1.aHR0cHM6Ly9zdHM"}}'
            """)
        let kubeconfig = try directory.write("eks.yaml", KubeConfigFixture.eks())
        let configuration = try ClientConfiguration.fromKubeConfig(paths: [kubeconfig], environment: [:])
        guard case .exec(let config) = configuration.credentials else {
            Issue.record("expected exec credentials")
            return
        }
        let provider = ExecCredentialProvider(
            config: config, logger: ClientConfiguration.silentLogger,
            environment: ["PATH": directory.url("bin") + ":/usr/bin:/bin"])

        #expect(try await provider.authorizationHeader() == "Bearer k8s-aws-v1.aHR0cHM6Ly9zdHM")
    }

    // MARK: - Failures

    @Test func failingPluginReportsStatusStderrAndInstallHint() async throws {
        let directory = try TemporaryDirectory()
        let plugin = try directory.script(
            "plugin",
            """
            echo '{"status":{"token":"half-written-secret-token"}}'
            echo "An error occurred (ExpiredToken) when calling the AssumeRole operation" >&2
            exit 255
            """)
        let config = ExecConfig(
            command: plugin, apiVersion: ExecConfig.v1beta1, installHint: "Install the AWS CLI v2.")

        let error = await #expect(throws: ConfigurationError.self) {
            try await provider(config).authorizationHeader()
        }

        #expect(error?.source == .execPlugin)
        #expect(error?.file == plugin)
        let description = error?.description ?? ""
        #expect(description.hasPrefix("exec plugin \"\(plugin)\": exited with status 255"))
        #expect(description.contains("An error occurred (ExpiredToken) when calling the AssumeRole operation"))
        #expect(description.hasSuffix("\n\nInstall the AWS CLI v2."))
        #expect(!description.contains("half-written-secret-token"))
    }

    @Test func longStderrIsCutToItsEnd() async throws {
        let directory = try TemporaryDirectory()
        let plugin = try directory.script(
            "plugin",
            """
            for i in $(seq 1 500); do echo "noise line $i" >&2; done
            echo "the real reason" >&2
            exit 1
            """)

        let error = await #expect(throws: ConfigurationError.self) {
            try await provider(ExecConfig(command: plugin, interactiveMode: "Never")).authorizationHeader()
        }

        let message = error?.message ?? ""
        #expect(message.hasSuffix("the real reason"))
        #expect(message.contains("stderr: …"))
        #expect(!message.contains("noise line 1\n"))
        #expect(message.count < 1200)
    }

    @Test func missingPluginSaysSoWithTheInstallHint() async throws {
        let directory = try TemporaryDirectory()
        let config = ExecConfig(
            command: "gke-gcloud-auth-plugin",
            installHint: "Install gke-gcloud-auth-plugin with gcloud components install.",
            interactiveMode: "IfAvailable")
        let provider = ExecCredentialProvider(
            config: config, logger: ClientConfiguration.silentLogger, environment: ["PATH": directory.path])

        let error = await #expect(throws: ConfigurationError.self) {
            try await provider.authorizationHeader()
        }

        #expect(error?.file == "gke-gcloud-auth-plugin")
        #expect(error?.message.hasPrefix("executable not found in PATH") == true)
        #expect(error?.message.hasSuffix("\n\nInstall gke-gcloud-auth-plugin with gcloud components install.") == true)
    }

    @Test func missingPluginByPath() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.url("bin/absent-plugin")

        let error = await #expect(throws: ConfigurationError.self) {
            try await provider(ExecConfig(command: path, interactiveMode: "Never")).authorizationHeader()
        }

        #expect(error?.message.hasPrefix("executable not found;") == true)
    }

    struct BadResponse: Sendable, CustomTestStringConvertible {
        var name: String
        var stdout: String
        var message: String
        var testDescription: String { name }
    }

    static let badResponses: [BadResponse] = [
        BadResponse(
            name: "not JSON", stdout: "token: leaked-secret-value",
            message: "its output is not an ExecCredential JSON object"),
        BadResponse(
            name: "wrong apiVersion",
            stdout: #"{"apiVersion":"client.authentication.k8s.io/v1beta1","status":{"token":"leaked-secret-value"}}"#,
            message: "it is configured for apiVersion client.authentication.k8s.io/v1 but answered with "
                + "apiVersion client.authentication.k8s.io/v1beta1"),
        BadResponse(
            name: "wrong kind",
            stdout:
                #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"Secret","status":{"token":"leaked-secret-value"}}"#,
            message: "it answered with kind Secret"),
        BadResponse(
            name: "no status", stdout: #"{"apiVersion":"client.authentication.k8s.io/v1","kind":"ExecCredential"}"#,
            message: "its ExecCredential has no status"),
        BadResponse(
            name: "empty status", stdout: #"{"apiVersion":"client.authentication.k8s.io/v1","status":{}}"#,
            message: "neither a token nor a client certificate"),
        BadResponse(
            name: "client certificate only",
            stdout:
                #"{"apiVersion":"client.authentication.k8s.io/v1","status":{"clientCertificateData":"-----BEGIN CERTIFICATE-----","clientKeyData":"-----BEGIN PRIVATE KEY-----leaked-secret-value"}}"#,
            message: "client certificates from exec plugins are not supported yet"),
        BadResponse(
            name: "bad expiry",
            stdout:
                #"{"apiVersion":"client.authentication.k8s.io/v1","status":{"token":"leaked-secret-value","expirationTimestamp":"tomorrow"}}"#,
            message: "status.expirationTimestamp is not an RFC 3339 timestamp"),
        BadResponse(
            name: "token of the wrong type",
            stdout: #"{"apiVersion":"client.authentication.k8s.io/v1","status":{"token":["leaked-secret-value"]}}"#,
            message: "status.token has the wrong type"),
    ]

    @Test(arguments: badResponses)
    func badResponsesAreExplainedWithoutQuotingThem(_ bad: BadResponse) async throws {
        let directory = try TemporaryDirectory()
        try directory.write("stdout", bad.stdout)
        let plugin = try directory.script("plugin", "cat \"\(directory.url("stdout"))\"")

        let error = await #expect(throws: ConfigurationError.self) {
            try await provider(ExecConfig(command: plugin, interactiveMode: "Never")).authorizationHeader()
        }

        #expect(error?.message.contains(bad.message) == true, "\(error?.message ?? "")")
        #expect(error?.description.contains("leaked-secret-value") == false)
        #expect(error?.description.contains("PRIVATE KEY") == false)
    }

    @Test func tokenAndCertificateUsesTheToken() async throws {
        let directory = try TemporaryDirectory()
        let plugin = try directory.script(
            "plugin",
            #"echo '{"apiVersion":"client.authentication.k8s.io/v1","status":{"token":"tok","clientCertificateData":"c","clientKeyData":"k"}}'"#
        )

        #expect(
            try await provider(ExecConfig(command: plugin, interactiveMode: "Never")).authorizationHeader()
                == "Bearer tok")
    }

    @Test func hungPluginIsTerminatedAfterTheTimeout() async throws {
        let directory = try TemporaryDirectory()
        let plugin = try directory.script("plugin", "echo 'waiting for a browser login' >&2\nexec sleep 600")
        let started = ContinuousClock.now

        let error = await #expect(throws: ConfigurationError.self) {
            try await provider(ExecConfig(command: plugin, interactiveMode: "Never"), timeout: .milliseconds(300))
                .authorizationHeader()
        }

        // Far below the plugin's 600 s: it was terminated, not waited for. (Generous, so a
        // loaded machine cannot make it flaky; this bounds an outcome, it measures nothing.)
        #expect(ContinuousClock.now - started < .seconds(300))
        #expect(error?.message.contains("did not finish within 0.3 seconds; it was terminated") == true)
        #expect(error?.message.contains("waiting for a browser login") == true)
    }

    @Test func cancellingTheCallerTerminatesThePlugin() async throws {
        let directory = try TemporaryDirectory()
        let plugin = try directory.script("plugin", "exec sleep 600")
        let provider = provider(ExecConfig(command: plugin, interactiveMode: "Never"))
        let started = ContinuousClock.now

        let result = await withTaskGroup(of: Result<String?, ConfigurationError>.self) { group in
            group.addTask {
                do throws(ConfigurationError) {
                    return .success(try await provider.authorizationHeader())
                } catch {
                    return .failure(error)
                }
            }
            try? await Task.sleep(for: .milliseconds(200))
            group.cancelAll()
            return await group.next()!
        }

        // Far below the plugin's 600 s: it was terminated, not waited for. (Generous, so a
        // loaded machine cannot make it flaky; this bounds an outcome, it measures nothing.)
        #expect(ContinuousClock.now - started < .seconds(300))
        guard case .failure(let error) = result else {
            Issue.record("expected a failure, got \(result)")
            return
        }
        #expect(error.message.contains("cancelled"))
    }

    @Test func tokensAreNeverLogged() async throws {
        let directory = try TemporaryDirectory()
        let plugin = try directory.script(
            "plugin",
            #"echo '{"apiVersion":"client.authentication.k8s.io/v1","status":{"token":"log-me-not-token","expirationTimestamp":"2099-01-01T00:00:00Z"}}'"#
        )
        let recorder = RecordingLogHandler()
        let provider = provider(ExecConfig(command: plugin, interactiveMode: "Never"), logger: recorder)

        #expect(try await provider.authorizationHeader() == "Bearer log-me-not-token")

        #expect(!recorder.records.isEmpty)
        #expect(recorder.records.allSatisfy { $0.level <= .debug })
        #expect(!recorder.everything.contains("log-me-not-token"))
        #expect(recorder.everything.contains("2099-01-01T00:00:00Z"))
    }
}
