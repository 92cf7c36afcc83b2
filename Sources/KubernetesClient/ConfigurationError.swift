/// Why a client configuration could not be loaded, or a credential could not be obtained.
///
/// The error says where the problem is — the file, the kubeconfig context and the field — and what
/// is wrong with it, in that order:
///
/// ```text
/// kubeconfig /home/me/.kube/config: context "kind-x": users[0].user.client-key-data: not valid base64
/// token file /var/run/secrets/kubernetes.io/serviceaccount/token: the file is empty
/// exec plugin "aws": exited with status 255: …stderr excerpt…
/// ```
///
/// Guarantees: no error built by this module contains a bearer token, a private key, the output
/// of an exec plugin's standard output, or the value of any kubeconfig field that can hold a
/// secret. `message` may contain file paths, context, cluster and user names, and an excerpt of
/// an exec plugin's standard error (which plugins use for diagnostics).
///
/// Not guaranteed: the wording of `message`, which is for people. Match on ``source`` and
/// ``field`` instead.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which kind of configuration the error is about; it chooses how ``file`` is introduced.
    public enum Source: Sendable, Hashable {
        /// A kubeconfig file (or the merged list of files).
        case kubeconfig
        /// The in-cluster service account environment and files.
        case inCluster
        /// A bearer-token file (`tokenFile`, or the service account token).
        case tokenFile
        /// An exec credential plugin.
        case execPlugin
        /// TLS material (CA, client certificate, client key) given directly to ``TLSSettings``.
        case tls
    }

    /// Which kind of configuration the error is about.
    public var source: Source
    /// The file concerned: the kubeconfig file that holds the bad field, the token file, or for
    /// an exec plugin the command. Several kubeconfig files are joined with `:`.
    public var file: String?
    /// The kubeconfig context being loaded, when there is one.
    public var context: String?
    /// The path of the offending field, e.g. `users[0].user.client-key-data` or `current-context`.
    public var field: String?
    /// What is wrong, for people.
    public var message: String

    /// Creates an error; see the properties for what each part means.
    public init(
        source: Source, file: String? = nil, context: String? = nil, field: String? = nil, message: String
    ) {
        self.source = source
        self.file = file
        self.context = context
        self.field = field
        self.message = message
    }

    /// `kubeconfig FILE: context "NAME": FIELD: MESSAGE`, leaving out the parts that are `nil`.
    public var description: String {
        var parts: [String] = []
        switch (source, file) {
        case (.kubeconfig, let file?): parts.append("kubeconfig \(file)")
        case (.kubeconfig, nil): parts.append("kubeconfig")
        case (.inCluster, let file?): parts.append("in-cluster configuration \(file)")
        case (.inCluster, nil): parts.append("in-cluster configuration")
        case (.tokenFile, let file?): parts.append("token file \(file)")
        case (.tokenFile, nil): parts.append("token file")
        case (.execPlugin, let file?): parts.append("exec plugin \"\(file)\"")
        case (.execPlugin, nil): parts.append("exec plugin")
        case (.tls, let file?): parts.append("TLS \(file)")
        case (.tls, nil): parts.append("TLS")
        }
        if let context { parts.append("context \"\(context)\"") }
        if let field { parts.append(field) }
        parts.append(message)
        return parts.joined(separator: ": ")
    }

    /// The same error, attributed to a kubeconfig file and context (fills only what is unset).
    func located(file: String?, context: String?) -> ConfigurationError {
        var copy = self
        if copy.source == .tls { copy.source = .kubeconfig }
        copy.file = copy.file ?? file
        copy.context = copy.context ?? context
        return copy
    }
}
