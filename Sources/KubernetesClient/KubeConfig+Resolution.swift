import Foundation
import KubernetesCore
import Logging

/// Turning the chosen context of a merged kubeconfig into a ``ClientConfiguration``.
///
/// ```text
/// context ──cluster──▶ clusters[name] ──▶ server, CA, tls-server-name, insecure-skip-tls-verify
///         ──user─────▶ users[name]    ──▶ client certificate + key (TLS), token / tokenFile / exec
///         ──namespace──────────────────▶ default namespace
/// ```
///
/// Every error is attributed to the file that holds the field, the context being loaded and the
/// field's path (`users[1].user.client-key-data`).
extension KubeConfig {
    static let execClusterExtension = "client.authentication.k8s.io/exec"

    func clientConfiguration(
        context override: String?, logger: Logger
    ) throws(ConfigurationError) -> ClientConfiguration {
        let allFiles = files.joined(separator: ":")
        let contextName: String
        if let override, !override.isEmpty {
            contextName = override
        } else if let current = currentContext {
            contextName = current.name
        } else {
            throw ConfigurationError(
                source: .kubeconfig, file: allFiles, field: "current-context",
                message: "not set, and no context was given")
        }
        guard let contextEntry = contexts[contextName] else {
            let known = contexts.keys.sorted().map { "\"\($0)\"" }.joined(separator: ", ")
            let available = known.isEmpty ? "it defines no contexts" : "it defines \(known)"
            if let override, !override.isEmpty {
                throw ConfigurationError(
                    source: .kubeconfig, file: allFiles, context: contextName,
                    message: "no such context; \(available)")
            }
            throw ConfigurationError(
                source: .kubeconfig, file: currentContext?.file ?? allFiles, context: contextName,
                field: "current-context", message: "names a context that is not defined; \(available)")
        }

        guard var context = contextEntry.fields else {
            throw ConfigurationError(
                source: .kubeconfig, file: contextEntry.file, context: contextName, field: contextEntry.path,
                message: "missing")
        }
        context.context = contextName
        guard let clusterName = try context.string("cluster") else {
            throw context.error("cluster", "missing: the context names no cluster")
        }
        let userName = try context.string("user")
        let namespace = try context.string("namespace") ?? "default"
        if let problem = LabelValidation.dns1123LabelProblem(namespace) {
            throw context.error("namespace", "not a valid namespace name: \(problem)")
        }

        guard let clusterEntry = clusters[clusterName] else {
            throw context.error("cluster", "names cluster \"\(clusterName)\", which is not defined")
        }
        let cluster = try ResolvedCluster(clusterEntry, context: contextName)

        var tls = cluster.tls
        var credentials = Credentials.none
        if let userName {
            guard let userEntry = users[userName] else {
                throw context.error("user", "names user \"\(userName)\", which is not defined")
            }
            let user = try ResolvedUser(userEntry, context: contextName, cluster: cluster, logger: logger)
            tls.clientCertificatePEM = user.clientCertificatePEM
            tls.clientKeyPEM = user.clientKeyPEM
            credentials = user.credentials
        }

        if tls.insecureSkipVerify {
            logger.warning(
                "insecure-skip-tls-verify is set: the API server's certificate will not be verified",
                metadata: ["context": "\(contextName)", "cluster": "\(clusterName)", "file": "\(clusterEntry.file)"])
        }
        logger.debug(
            "loaded kubeconfig",
            metadata: [
                "files": "\(allFiles)", "context": "\(contextName)", "server": "\(cluster.server.absoluteString)",
                "namespace": "\(namespace)", "credentials": "\(credentials)",
                "clientCertificate": "\(tls.clientCertificatePEM != nil)",
            ])
        return ClientConfiguration(server: cluster.server, tls: tls, credentials: credentials, namespace: namespace)
    }

    /// `server` parsed: a scheme-less `host:port` gets `https://`, as in client-go; the path
    /// loses its trailing slashes. `nil` for anything but an http(s) URL with a host and no user
    /// information, query or fragment.
    static func parseServer(_ text: String) -> URL? {
        let withScheme = text.contains("://") ? text : "https://" + text
        guard var components = URLComponents(string: withScheme),
            let scheme = components.scheme?.lowercased(), scheme == "https" || scheme == "http",
            let host = components.host, !host.isEmpty,
            components.user == nil, components.password == nil, components.query == nil, components.fragment == nil
        else { return nil }
        components.scheme = scheme
        while components.path.hasSuffix("/") { components.path.removeLast() }
        return components.url
    }

    /// Base64 (line breaks and spaces allowed, as Go's decoder allows them) holding PEM text.
    static func decodePEMData(_ text: String, fields: YAMLFields, key: String) throws(ConfigurationError) -> String {
        let compact = text.filter { !$0.isWhitespace }
        guard let data = Data(base64Encoded: compact) else { throw fields.error(key, "not valid base64") }
        guard let pem = String(data: data, encoding: .utf8) else {
            throw fields.error(key, "does not decode to PEM text")
        }
        return pem
    }

    /// The text of a file named by `key`, resolved against the kubeconfig that names it.
    static func readReferencedFile(
        _ path: String, fields: YAMLFields, key: String
    ) throws(ConfigurationError) -> String {
        let resolved = resolve(path, relativeTo: fields.file)
        do {
            return try FileReading.text(at: resolved)
        } catch {
            throw fields.error(key, "\(resolved): \(error.reason)")
        }
    }
}

/// A `clusters[]` entry, checked.
struct ResolvedCluster {
    var server: URL
    var serverText: String
    var tls: TLSSettings
    /// The `client.authentication.k8s.io/exec` cluster extension, as JSON text.
    var execExtensionJSON: String?

    init(_ entry: KubeConfig.Entry, context: String) throws(ConfigurationError) {
        guard var fields = entry.fields else {
            throw ConfigurationError(
                source: .kubeconfig, file: entry.file, context: context, field: entry.path, message: "missing")
        }
        fields.context = context
        guard let serverText = try fields.string("server") else {
            throw fields.error("server", "missing: the cluster has no server URL")
        }
        guard let server = KubeConfig.parseServer(serverText) else {
            throw fields.error("server", "not an http or https URL with a host (and without user, query or fragment)")
        }
        if try fields.string("proxy-url") != nil {
            throw fields.error(
                "proxy-url",
                "proxies are not supported by this client; remove proxy-url or reach the API server directly")
        }

        let caFile = try fields.string("certificate-authority")
        let caData = try fields.string("certificate-authority-data")
        var caPEM: String?
        var caKey = "certificate-authority-data"
        switch (caFile, caData) {
        case (.some, .some):
            throw fields.error(
                "certificate-authority", "both certificate-authority and certificate-authority-data are set; keep one")
        case (let path?, nil):
            caKey = "certificate-authority"
            caPEM = try KubeConfig.readReferencedFile(path, fields: fields, key: caKey)
        case (nil, let data?):
            caPEM = try KubeConfig.decodePEMData(data, fields: fields, key: caKey)
        case (nil, nil):
            break
        }
        if let caPEM {
            do {
                _ = try TLSSettings.certificates(fromPEM: caPEM, field: fields.fieldPath(caKey))
            } catch {
                throw error.located(file: fields.file, context: context)
            }
        }

        let insecure = try fields.bool("insecure-skip-tls-verify") ?? false
        if insecure, caPEM != nil {
            throw fields.error(
                "insecure-skip-tls-verify",
                "cannot be combined with \(caKey): either verify against the CA or skip verification")
        }

        var extensionJSON: String?
        for (index, named) in (try fields.mappings("extensions") ?? []).enumerated()
        where try named.string("name") == KubeConfig.execClusterExtension {
            if let node = named.node("extension"),
                let data = try? JSONSerialization.data(
                    withJSONObject: YAMLFields.jsonValue(node), options: [.sortedKeys, .fragmentsAllowed]),
                let json = String(data: data, encoding: .utf8)
            {
                extensionJSON = json
            } else {
                throw fields.error("extensions[\(index)].extension", "cannot be converted to JSON")
            }
        }

        self.server = server
        self.serverText = serverText
        self.tls = TLSSettings(
            certificateAuthorityPEM: caPEM, serverName: try fields.string("tls-server-name"),
            insecureSkipVerify: insecure)
        self.execExtensionJSON = extensionJSON
    }
}

/// A `users[]` entry, checked.
struct ResolvedUser {
    var credentials = Credentials.none
    var clientCertificatePEM: String?
    var clientKeyPEM: String?

    init(
        _ entry: KubeConfig.Entry, context: String, cluster: ResolvedCluster, logger: Logger
    ) throws(ConfigurationError) {
        guard var fields = entry.fields else { return }  // a user with no fields: anonymous
        fields.context = context

        if let provider = try fields.mapping("auth-provider") {
            let name = (try? provider.string("name")) ?? nil
            throw fields.error(
                "auth-provider",
                "the legacy \(name.map { "\"\($0)\" " } ?? "")auth provider is not supported (client-go removed "
                    + "gcp and azure in 1.26); use an exec credential plugin instead: gke-gcloud-auth-plugin for "
                    + "GKE, kubelogin for AKS and for OIDC")
        }
        for key in ["username", "password"] where fields.contains(key) {
            throw fields.error(
                key,
                "basic authentication is not supported (Kubernetes removed it in 1.19); "
                    + "use a token, a client certificate or an exec plugin")
        }
        for key in ["as", "as-uid", "as-groups", "as-user-extra"] where fields.contains(key) {
            throw fields.error(key, "impersonation is not supported by this client")
        }

        try readClientCertificate(fields)

        let token = try fields.string("token")
        let tokenFile = try fields.string("tokenFile")
        if let exec = try fields.mapping("exec") {
            if token != nil || tokenFile != nil {
                throw fields.error(
                    "exec", "both exec and \(token != nil ? "token" : "tokenFile") are set; keep one way to get a token"
                )
            }
            credentials = .exec(try Self.execConfig(exec, cluster: cluster))
        } else if let tokenFile {
            let path = KubeConfig.resolve(tokenFile, relativeTo: fields.file)
            do {
                _ = try TokenFileProvider.readToken(at: path)
            } catch {
                throw fields.error("tokenFile", "\(path): \(error.message)")
            }
            if token != nil {
                logger.debug(
                    "both token and tokenFile are set; using tokenFile, as client-go does",
                    metadata: ["context": "\(context)"])
            }
            credentials = .tokenFile(path)
        } else if let token {
            credentials = .token(token)
        }
    }

    private mutating func readClientCertificate(_ fields: YAMLFields) throws(ConfigurationError) {
        let certificateFile = try fields.string("client-certificate")
        let certificateData = try fields.string("client-certificate-data")
        let keyFile = try fields.string("client-key")
        let keyData = try fields.string("client-key-data")
        if certificateFile != nil, certificateData != nil {
            throw fields.error(
                "client-certificate", "both client-certificate and client-certificate-data are set; keep one")
        }
        if keyFile != nil, keyData != nil {
            throw fields.error("client-key", "both client-key and client-key-data are set; keep one")
        }
        let hasCertificate = certificateFile != nil || certificateData != nil
        let hasKey = keyFile != nil || keyData != nil
        if hasCertificate, !hasKey {
            throw fields.error("client-key-data", "missing: a client certificate needs client-key or client-key-data")
        }
        if hasKey, !hasCertificate {
            throw fields.error(
                "client-certificate-data",
                "missing: a client key needs client-certificate or client-certificate-data")
        }
        guard hasCertificate else { return }

        let certificateKey = certificateFile != nil ? "client-certificate" : "client-certificate-data"
        let keyKey = keyFile != nil ? "client-key" : "client-key-data"
        let certificatePEM =
            if let certificateFile {
                try KubeConfig.readReferencedFile(certificateFile, fields: fields, key: certificateKey)
            } else {
                try KubeConfig.decodePEMData(certificateData!, fields: fields, key: certificateKey)
            }
        let keyPEM =
            if let keyFile {
                try KubeConfig.readReferencedFile(keyFile, fields: fields, key: keyKey)
            } else {
                try KubeConfig.decodePEMData(keyData!, fields: fields, key: keyKey)
            }
        do {
            let chain = try TLSSettings.certificates(fromPEM: certificatePEM, field: fields.fieldPath(certificateKey))
            let key = try TLSSettings.privateKey(fromPEM: keyPEM, field: fields.fieldPath(keyKey))
            try TLSSettings.checkKeyMatchesCertificate(chain: chain, key: key, field: fields.fieldPath(keyKey))
        } catch {
            throw error.located(file: fields.file, context: fields.context)
        }
        clientCertificatePEM = certificatePEM
        clientKeyPEM = keyPEM
    }

    private static func execConfig(
        _ exec: YAMLFields, cluster: ResolvedCluster
    ) throws(ConfigurationError) -> ExecConfig {
        guard var command = try exec.string("command") else {
            throw exec.error("command", "missing: an exec plugin needs a command")
        }
        guard let apiVersion = try exec.string("apiVersion") else {
            throw exec.error("apiVersion", "missing: an exec plugin needs an apiVersion, e.g. \(ExecConfig.v1)")
        }
        guard ExecConfig.supportedAPIVersions.contains(apiVersion) else {
            throw exec.error(
                "apiVersion", "\"\(apiVersion)\" is not supported; use \(ExecConfig.v1) or \(ExecConfig.v1beta1)")
        }
        var env: [ExecConfig.EnvVar] = []
        for variable in try exec.mappings("env") ?? [] {
            guard let name = try variable.string("name") else {
                throw variable.error("name", "missing: every exec environment variable needs a name")
            }
            env.append(ExecConfig.EnvVar(name: name, value: try variable.string("value") ?? ""))
        }
        let interactiveMode = try exec.string("interactiveMode")
        switch interactiveMode {
        case nil where apiVersion == ExecConfig.v1:
            throw exec.error(
                "interactiveMode", "missing: \(ExecConfig.v1) plugins need interactiveMode (Never or IfAvailable)")
        case nil, "Never", "IfAvailable":
            break
        case "Always":
            throw exec.error(
                "interactiveMode",
                "Always needs a terminal, which this client never has; use IfAvailable or Never")
        case let other?:
            throw exec.error("interactiveMode", "\"\(other)\" is not one of Never, IfAvailable, Always")
        }
        // client-go resolves a command containing a path separator against the kubeconfig's
        // directory, and looks a bare name up in PATH.
        if command.contains("/"), !command.hasPrefix("/") {
            command = KubeConfig.resolve(command, relativeTo: exec.file)
        }
        let provideClusterInfo = try exec.bool("provideClusterInfo") ?? false
        return ExecConfig(
            command: command,
            args: try exec.strings("args") ?? [],
            env: env,
            apiVersion: apiVersion,
            installHint: try exec.string("installHint"),
            interactiveMode: interactiveMode,
            provideClusterInfo: provideClusterInfo,
            cluster: provideClusterInfo
                ? ExecConfig.Cluster(
                    server: cluster.serverText,
                    tlsServerName: cluster.tls.serverName,
                    insecureSkipTLSVerify: cluster.tls.insecureSkipVerify,
                    certificateAuthorityPEM: cluster.tls.certificateAuthorityPEM,
                    configJSON: cluster.execExtensionJSON)
                : nil)
    }
}
