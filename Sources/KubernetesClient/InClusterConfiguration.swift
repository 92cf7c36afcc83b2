public import Foundation
public import Logging

extension ClientConfiguration {
    /// Where the kubelet mounts a Pod's service account token, CA and namespace.
    public static let defaultServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount"

    /// The configuration of a process running in a Pod, from its service account.
    ///
    /// - Server: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT` (an IPv6 host is
    ///   bracketed), both of which the kubelet sets in every container.
    /// - Trust: `ca.crt` in the service account directory (required).
    /// - Credentials: `.tokenFile` on `token` in that directory, so the rotated token is picked
    ///   up (see ``TokenFileProvider``); the file must be readable and non-empty now.
    /// - Namespace: `POD_NAMESPACE` when set (the downward API convention client-go honours), else
    ///   the `namespace` file, else `default`.
    ///
    /// Throws (source `.inCluster`) saying the process is not running in a cluster when either
    /// variable is missing, and naming the file when one cannot be used.
    public static func inCluster(
        environment: [String: String] = ProcessInfo.processInfo.environment,
        serviceAccountDirectory: String = ClientConfiguration.defaultServiceAccountDirectory,
        logger: Logger = ClientConfiguration.silentLogger
    ) throws(ConfigurationError) -> ClientConfiguration {
        let host = environment["KUBERNETES_SERVICE_HOST"] ?? ""
        let port = environment["KUBERNETES_SERVICE_PORT"] ?? ""
        guard !host.isEmpty, !port.isEmpty else {
            let missing = [
                host.isEmpty ? "KUBERNETES_SERVICE_HOST" : nil, port.isEmpty ? "KUBERNETES_SERVICE_PORT" : nil,
            ].compactMap { $0 }
            throw ConfigurationError(
                source: .inCluster, field: missing.joined(separator: ", "),
                message: "not set: not running in a Kubernetes cluster (the kubelet sets "
                    + "KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT in every container); "
                    + "use a kubeconfig outside a cluster")
        }
        guard let portNumber = Int(port), (1...65_535).contains(portNumber) else {
            throw ConfigurationError(
                source: .inCluster, field: "KUBERNETES_SERVICE_PORT", message: "not a port number: \(port)")
        }
        let bracketedHost = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        guard let server = URL(string: "https://\(bracketedHost):\(portNumber)"), server.host != nil else {
            throw ConfigurationError(
                source: .inCluster, field: "KUBERNETES_SERVICE_HOST", message: "not a host name or address: \(host)")
        }

        let directory = URL(fileURLWithPath: serviceAccountDirectory)
        let tokenPath = directory.appendingPathComponent("token").path
        let caPath = directory.appendingPathComponent("ca.crt").path
        let namespacePath = directory.appendingPathComponent("namespace").path

        do {
            _ = try TokenFileProvider.readToken(at: tokenPath)
        } catch {
            throw ConfigurationError(source: .inCluster, file: tokenPath, message: error.message)
        }
        let caPEM: String
        do {
            caPEM = try FileReading.text(at: caPath)
        } catch {
            throw ConfigurationError(source: .inCluster, file: caPath, message: error.reason)
        }
        do {
            _ = try TLSSettings.certificates(fromPEM: caPEM, field: "ca.crt")
        } catch {
            throw ConfigurationError(source: .inCluster, file: caPath, message: error.message)
        }

        var namespace = "default"
        if let fromEnvironment = environment["POD_NAMESPACE"]?.trimmingCharacters(in: .whitespacesAndNewlines),
            !fromEnvironment.isEmpty
        {
            namespace = fromEnvironment
        } else if let fromFile = try? FileReading.text(at: namespacePath).trimmingCharacters(
            in: .whitespacesAndNewlines),
            !fromFile.isEmpty
        {
            namespace = fromFile
        }

        logger.debug(
            "loaded in-cluster configuration",
            metadata: ["server": "\(server.absoluteString)", "namespace": "\(namespace)", "token": "\(tokenPath)"])
        return ClientConfiguration(
            server: server,
            tls: TLSSettings(certificateAuthorityPEM: caPEM),
            credentials: .tokenFile(tokenPath),
            namespace: namespace)
    }
}
