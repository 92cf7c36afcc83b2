public import Foundation
import KubernetesCore
public import Logging

/// Bearer tokens from an exec credential plugin (`client.authentication.k8s.io/v1` or `v1beta1`),
/// cached until they expire.
///
/// Flow, when no usable token is cached:
/// 1. Find the command: a path when it contains `/`, else the first executable of that name in
///    `PATH`.
/// 2. Run it with the configured arguments, the current environment plus the configured
///    variables, and `KUBERNETES_EXEC_INFO` set to an `ExecCredential` whose `spec.interactive`
///    is `false` and, when `provideClusterInfo` is set, whose `spec.cluster` describes the
///    cluster. Standard input is `/dev/null`.
/// 3. Parse the `ExecCredential` printed on standard output: same `apiVersion` as requested,
///    `status.token` required, `status.expirationTimestamp` (RFC 3339) optional.
/// 4. Cache the token until `refreshMargin` (30 s) before it expires, or until ``invalidate()``
///    when it has no expiry.
///
/// Guarantees:
/// - One plugin run at a time: callers that arrive during a run wait for its result instead of
///   starting their own (an actor holds the state; waiters are resumed with the one result).
/// - A run is bounded by `timeout` (60 s); the plugin is killed when it passes or when the
///   running task is cancelled. The process is awaited with its termination handler, never with
///   a blocking wait on the cooperative pool; a grandchild it leaves behind cannot hold the run
///   open (see `PluginProcess`).
/// - Errors (source `.execPlugin`) carry the command, the exit status, an excerpt of standard
///   error and the install hint; never standard output, arguments or environment values.
///
/// Not supported yet: client certificates returned by a plugin (`clientCertificateData` /
/// `clientKeyData`). A response with a token and a certificate uses the token; one with only a
/// certificate is an error saying so. Interactive plugins (`interactiveMode: Always`) cannot run.
public actor ExecCredentialProvider: CredentialProvider {
    private struct Credential: Sendable {
        var token: String
        var expiry: Date?
    }

    private enum RunResult: Sendable {
        case success(Credential)
        case failure(ConfigurationError)
        /// The task running the plugin was cancelled; a waiter runs the plugin itself.
        case cancelled
    }

    private let config: ExecConfig
    private let logger: Logger
    private let environment: [String: String]
    private let clock: @Sendable () -> Date
    private let refreshMargin: TimeInterval
    private let timeout: Duration

    private var cached: Credential?
    private var running = false
    private var waiters: [CheckedContinuation<RunResult, Never>] = []

    /// Creates a provider for `config`.
    ///
    /// - Parameters:
    ///   - environment: the environment the plugin inherits (and whose `PATH` finds it).
    ///   - refreshMargin: how long before its expiry a token is replaced.
    ///   - timeout: how long a plugin may run.
    ///   - clock: the current time; tests pass a manual clock.
    public init(
        config: ExecConfig,
        logger: Logger,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        refreshMargin: Duration = .seconds(30),
        timeout: Duration = .seconds(60),
        clock: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.config = config
        self.logger = logger
        self.environment = environment
        self.clock = clock
        let (seconds, attoseconds) = refreshMargin.components
        self.refreshMargin = Double(seconds) + Double(attoseconds) / 1e18
        self.timeout = timeout
    }

    /// `"Bearer <token>"`, from the cache or from a plugin run; see the type's documentation.
    public func authorizationHeader() async throws(ConfigurationError) -> String? {
        while true {
            if let cached, isFresh(cached) {
                return "Bearer " + cached.token
            }
            let result: RunResult
            if running {
                result = await withCheckedContinuation { waiters.append($0) }
                if case .cancelled = result, !Task.isCancelled { continue }
            } else {
                running = true
                result = await Self.obtainCredential(
                    config: config, environment: environment, timeout: timeout, logger: logger)
                running = false
                if case .success(let credential) = result { cached = credential }
                let waiting = waiters
                waiters = []
                for waiter in waiting { waiter.resume(returning: result) }
            }
            switch result {
            case .success(let credential):
                return "Bearer " + credential.token
            case .failure(let error):
                throw error
            case .cancelled:
                throw ConfigurationError(
                    source: .execPlugin, file: config.command, message: "cancelled while the plugin was running")
            }
        }
    }

    /// Forgets the cached token, so that the next call runs the plugin.
    public func invalidate() async {
        cached = nil
    }

    private func isFresh(_ credential: Credential) -> Bool {
        guard let expiry = credential.expiry else { return true }
        return clock() < expiry.addingTimeInterval(-refreshMargin)
    }

    // MARK: - Running the plugin

    private static func obtainCredential(
        config: ExecConfig, environment: [String: String], timeout: Duration, logger: Logger
    ) async -> RunResult {
        func failure(_ message: String, stderr: Data? = nil, hint: Bool = true) -> RunResult {
            var text = message
            if let stderr, let excerpt = stderrExcerpt(stderr) { text += "; stderr: " + excerpt }
            if hint, let installHint = config.installHint, !installHint.isEmpty { text += "\n\n" + installHint }
            return .failure(ConfigurationError(source: .execPlugin, file: config.command, message: text))
        }

        guard ExecConfig.supportedAPIVersions.contains(config.apiVersion) else {
            return failure(
                "apiVersion \"\(config.apiVersion)\" is not supported; use \(ExecConfig.v1) or \(ExecConfig.v1beta1)",
                hint: false)
        }
        if config.interactiveMode == "Always" {
            return failure(
                "interactiveMode is Always, but this client has no terminal to offer the plugin", hint: false)
        }
        guard let executable = resolveExecutable(config.command, path: environment["PATH"]) else {
            return failure(
                "executable not found"
                    + (config.command.contains("/") ? "" : " in PATH")
                    + "; exec plugins are client-go credential plugins, "
                    + "see https://kubernetes.io/docs/reference/access-authn-authz/authentication/#client-go-credential-plugins"
            )
        }
        let execInfo: String
        do {
            execInfo = try execInfoJSON(config: config)
        } catch {
            return .failure(error)
        }
        var childEnvironment = environment
        for variable in config.env { childEnvironment[variable.name] = variable.value }
        childEnvironment["KUBERNETES_EXEC_INFO"] = execInfo

        logger.debug(
            "running exec credential plugin",
            metadata: ["command": "\(config.command)", "apiVersion": "\(config.apiVersion)"])
        let started = ContinuousClock.now
        let outcome = await PluginProcess(
            executable: executable, arguments: config.args, environment: childEnvironment, timeout: timeout
        ).run()

        switch outcome {
        case .cancelled:
            return .cancelled
        case .launchFailed(let reason):
            return failure("could not start \(executable): \(reason)")
        case .timedOut(let stderr):
            return failure("did not finish within \(timeout); it was terminated", stderr: stderr)
        case .exited(let status, let signaled, let stdout, let stderr):
            logger.trace(
                "exec credential plugin finished",
                metadata: [
                    "command": "\(config.command)", "status": "\(status)",
                    "duration": "\(ContinuousClock.now - started)",
                ])
            if signaled {
                return failure("was killed by signal \(status)", stderr: stderr)
            }
            guard status == 0 else {
                return failure("exited with status \(status)", stderr: stderr)
            }
            switch parseResponse(stdout, config: config) {
            case .success(let credential):
                logger.debug(
                    "exec credential plugin returned a token",
                    metadata: [
                        "command": "\(config.command)",
                        "expires": "\(credential.expiry.map { RFC3339.format($0) } ?? "never")",
                    ])
                return .success(credential)
            case .failure(let message):
                return failure(message, hint: false)
            }
        }
    }

    /// The `ExecCredential` passed to the plugin in `KUBERNETES_EXEC_INFO`.
    static func execInfoJSON(config: ExecConfig) throws(ConfigurationError) -> String {
        var spec: [String: Any] = ["interactive": false]
        if config.provideClusterInfo, let cluster = config.cluster {
            var object: [String: Any] = ["server": cluster.server]
            if let name = cluster.tlsServerName { object["tls-server-name"] = name }
            if cluster.insecureSkipTLSVerify { object["insecure-skip-tls-verify"] = true }
            if let pem = cluster.certificateAuthorityPEM {
                object["certificate-authority-data"] = Data(pem.utf8).base64EncodedString()
            }
            if let json = cluster.configJSON, let data = json.data(using: .utf8),
                let value = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
            {
                object["config"] = value
            }
            spec["cluster"] = object
        }
        let credential: [String: Any] = ["apiVersion": config.apiVersion, "kind": "ExecCredential", "spec": spec]
        guard
            let data = try? JSONSerialization.data(
                withJSONObject: credential, options: [.sortedKeys, .withoutEscapingSlashes]),
            let text = String(data: data, encoding: .utf8)
        else {
            throw ConfigurationError(
                source: .execPlugin, file: config.command, message: "cannot encode KUBERNETES_EXEC_INFO")
        }
        return text
    }

    private enum ParseResult {
        case success(Credential)
        case failure(String)
    }

    private struct Response: Decodable {
        var apiVersion: String?
        var kind: String?
        var status: Status?

        struct Status: Decodable {
            var token: String?
            var expirationTimestamp: String?
            var clientCertificateData: String?
            var clientKeyData: String?
        }
    }

    /// Checks the plugin's standard output. Messages never quote the output (it holds the token).
    private static func parseResponse(_ stdout: Data, config: ExecConfig) -> ParseResult {
        let response: Response
        do {
            response = try JSONDecoder().decode(Response.self, from: stdout)
        } catch let error as DecodingError {
            return .failure("its output is not an ExecCredential JSON object (\(decodingProblem(error)))")
        } catch {
            return .failure("its output is not an ExecCredential JSON object")
        }
        guard response.apiVersion == config.apiVersion else {
            return .failure(
                "it is configured for apiVersion \(config.apiVersion) but answered with "
                    + (response.apiVersion.map { "apiVersion \($0)" } ?? "no apiVersion"))
        }
        if let kind = response.kind, kind != "ExecCredential" {
            return .failure("it answered with kind \(kind), expected ExecCredential")
        }
        guard let status = response.status else {
            return .failure("its ExecCredential has no status")
        }
        let hasCertificate = !(status.clientCertificateData ?? "").isEmpty || !(status.clientKeyData ?? "").isEmpty
        guard let token = status.token, !token.isEmpty else {
            if hasCertificate {
                return .failure(
                    "it returned a client certificate and key but no token; "
                        + "client certificates from exec plugins are not supported yet")
            }
            return .failure("its ExecCredential status has neither a token nor a client certificate")
        }
        var expiry: Date?
        if let text = status.expirationTimestamp, !text.isEmpty {
            guard let date = RFC3339.parse(text) else {
                return .failure("status.expirationTimestamp is not an RFC 3339 timestamp")
            }
            expiry = date
        }
        return .success(Credential(token: token, expiry: expiry))
    }

    private static func decodingProblem(_ error: DecodingError) -> String {
        func path(_ codingPath: [any CodingKey]) -> String {
            codingPath.isEmpty ? "top level" : codingPath.map(\.stringValue).joined(separator: ".")
        }
        switch error {
        case .dataCorrupted(let context): return "not valid JSON at \(path(context.codingPath))"
        case .keyNotFound(let key, let context): return "\(path(context.codingPath + [key])) is missing"
        case .typeMismatch(_, let context): return "\(path(context.codingPath)) has the wrong type"
        case .valueNotFound(_, let context): return "\(path(context.codingPath)) is null"
        @unknown default: return "undecodable"
        }
    }

    /// The command itself when it contains `/`, else the first executable file of that name in
    /// `path` (a `:`-separated list; `/usr/local/bin:/usr/bin:/bin` when absent).
    static func resolveExecutable(_ command: String, path: String?) -> String? {
        let fileManager = FileManager.default
        if command.contains("/") {
            return fileManager.isExecutableFile(atPath: command) ? command : nil
        }
        let directories = (path ?? "/usr/local/bin:/usr/bin:/bin").split(
            separator: ":", omittingEmptySubsequences: true)
        for directory in directories {
            let candidate = directory.hasSuffix("/") ? "\(directory)\(command)" : "\(directory)/\(command)"
            var isDirectory: ObjCBool = false
            if fileManager.fileExists(atPath: candidate, isDirectory: &isDirectory), !isDirectory.boolValue,
                fileManager.isExecutableFile(atPath: candidate)
            {
                return candidate
            }
        }
        return nil
    }

    /// The last kilobyte of standard error, trimmed; `nil` when there is none.
    static func stderrExcerpt(_ stderr: Data, limit: Int = 1024) -> String? {
        let text = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { return nil }
        guard text.count > limit else { return text }
        return "…" + text.suffix(limit)
    }
}
