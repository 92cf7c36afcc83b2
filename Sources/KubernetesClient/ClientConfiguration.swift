public import Foundation
public import Logging

/// Everything needed to reach and authenticate to one API server.
///
/// Build one with ``fromKubeConfig(paths:context:environment:logger:)`` (like kubectl),
/// ``inCluster(environment:serviceAccountDirectory:logger:)`` (in a Pod), or
/// ``automatic(kubeconfig:context:environment:serviceAccountDirectory:logger:)`` (like
/// controller-runtime: whichever applies), or directly for tests.
///
/// The loaders read every file they need (CA, client certificate and key) up front and check the
/// PEM, so a configuration that loads is one the transport can use; only the bearer token is read
/// or fetched later, per request, by the ``Credentials``' provider.
///
/// `description` and `dump` never show a token or key.
public struct ClientConfiguration: Sendable, Hashable {
    /// The API server: `https://host:port`, optionally with a path prefix, without a trailing `/`.
    public var server: URL
    /// How to verify the server and present a client certificate.
    public var tls: TLSSettings
    /// How to authenticate requests.
    public var credentials: Credentials
    /// The default namespace: the context's, the Pod's, or `default`.
    public var namespace: String
    /// The `User-Agent` header.
    public var userAgent: String

    /// Creates a configuration.
    public init(
        server: URL,
        tls: TLSSettings = TLSSettings(),
        credentials: Credentials = .none,
        namespace: String = "default",
        userAgent: String = "swift-ipam"
    ) {
        self.server = server
        self.tls = tls
        self.credentials = credentials
        self.namespace = namespace
        self.userAgent = userAgent
    }

    /// Loads a kubeconfig the way kubectl does.
    ///
    /// Which files:
    /// - `paths`, when given and not empty: each must exist (like `--kubeconfig`).
    /// - else `KUBECONFIG` from `environment`: files separated by `:`; empty entries, duplicates
    ///   and files that do not exist are skipped, but at least one must exist.
    /// - else `$HOME/.kube/config`, which must exist.
    ///
    /// Several files are merged as kubectl merges them: for clusters, users and contexts, the first
    /// file to define a name wins and its entry is taken whole (a later file's entry of the same
    /// name is ignored, even its fields the first lacks); the first file to set `current-context`
    /// wins. Within one file, a repeated name takes the last entry, as in client-go. Relative
    /// paths (`certificate-authority`, `client-certificate`, `client-key`, `tokenFile`, and an exec
    /// `command` containing `/`) are relative to the directory of the file that holds them.
    ///
    /// `context` overrides `current-context`. Only the chosen context, its cluster and its user
    /// must be usable: broken entries elsewhere are ignored, as kubectl ignores them.
    ///
    /// Errors name the file, the context and the field (see ``ConfigurationError``). Not
    /// supported, and reported as errors rather than ignored: `proxy-url`, `auth-provider`
    /// (use an exec plugin), basic authentication, impersonation (`as`, `as-groups`, …), and exec
    /// plugins with `interactiveMode: Always`. `insecure-skip-tls-verify: true` is honoured with a
    /// warning logged.
    public static func fromKubeConfig(
        paths: [String]? = nil,
        context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        logger: Logger = ClientConfiguration.silentLogger
    ) throws(ConfigurationError) -> ClientConfiguration {
        let (files, mustExist) = kubeconfigFiles(paths: paths, environment: environment)
        let kubeconfig = try KubeConfig.load(files: files, mustExist: mustExist, logger: logger)
        return try kubeconfig.clientConfiguration(context: context, logger: logger)
    }

    /// In a Pod when `KUBERNETES_SERVICE_HOST` is set and no kubeconfig is asked for, else from a
    /// kubeconfig — the order controller-runtime uses.
    ///
    /// 1. `kubeconfig` given: that file (with `context`).
    /// 2. `KUBECONFIG` set and not empty: those files (with `context`).
    /// 3. `KUBERNETES_SERVICE_HOST` set and no `context` asked for: in-cluster.
    /// 4. Otherwise `$HOME/.kube/config` (with `context`).
    public static func automatic(
        kubeconfig: String? = nil,
        context: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = ClientConfiguration.defaultServiceAccountDirectory,
        logger: Logger = ClientConfiguration.silentLogger
    ) throws(ConfigurationError) -> ClientConfiguration {
        if let kubeconfig, !kubeconfig.isEmpty {
            return try fromKubeConfig(paths: [kubeconfig], context: context, environment: environment, logger: logger)
        }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            return try fromKubeConfig(paths: nil, context: context, environment: environment, logger: logger)
        }
        if context == nil, let host = environment["KUBERNETES_SERVICE_HOST"], !host.isEmpty {
            logger.debug("KUBERNETES_SERVICE_HOST is set and no kubeconfig was given: using in-cluster configuration")
            return try inCluster(
                environment: environment, serviceAccountDirectory: serviceAccountDirectory, logger: logger)
        }
        return try fromKubeConfig(paths: nil, context: context, environment: environment, logger: logger)
    }

    /// A logger that discards everything: the default for the loaders' `logger` parameters.
    public static let silentLogger = Logger(
        label: "swift-ipam.kubernetes-client", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Which kubeconfig files to read, and whether each must exist.
    static func kubeconfigFiles(paths: [String]?, environment: [String: String]) -> (files: [String], mustExist: Bool) {
        if let paths, !paths.filter({ !$0.isEmpty }).isEmpty {
            return (deduplicated(paths.filter { !$0.isEmpty }), true)
        }
        if let list = environment["KUBECONFIG"], !list.isEmpty {
            let files = list.split(separator: ":", omittingEmptySubsequences: true).map(String.init)
            if !files.isEmpty { return (deduplicated(files), false) }
        }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return ([URL(fileURLWithPath: home).appendingPathComponent(".kube/config").path], true)
    }

    private static func deduplicated(_ files: [String]) -> [String] {
        var seen = Set<String>()
        return files.filter { seen.insert($0).inserted }
    }
}

extension ClientConfiguration: CustomStringConvertible {
    /// Server, namespace, credentials kind and TLS summary; never a token or key.
    public var description: String {
        "ClientConfiguration(server: \(server.absoluteString), namespace: \(namespace), "
            + "credentials: \(credentials), tls: \(tls), userAgent: \(userAgent))"
    }
}
