/// An exec credential plugin, as a kubeconfig `users[].user.exec` entry describes it.
///
/// The plugin is a program (`aws`, `gke-gcloud-auth-plugin`, `kubelogin`, …) that prints an
/// `ExecCredential` object with a bearer token on its standard output. See
/// ``ExecCredentialProvider`` for how it is run and its result cached.
///
/// `description` shows the command and the names of the environment variables, never their
/// values or the arguments.
public struct ExecConfig: Sendable, Hashable {
    /// `client.authentication.k8s.io/v1`.
    public static let v1 = "client.authentication.k8s.io/v1"
    /// `client.authentication.k8s.io/v1beta1`, which EKS and older GKE kubeconfigs still use.
    public static let v1beta1 = "client.authentication.k8s.io/v1beta1"
    /// The API versions this client speaks (`v1alpha1` was removed from Kubernetes in 1.24).
    public static let supportedAPIVersions: Set<String> = [v1, v1beta1]

    /// One environment variable to set for the plugin, on top of the current environment.
    public struct EnvVar: Sendable, Hashable {
        /// The variable's name.
        public var name: String
        /// Its value.
        public var value: String

        /// Creates an environment variable.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// The cluster as the plugin sees it in `KUBERNETES_EXEC_INFO` (`spec.cluster`) when
    /// ``provideClusterInfo`` is set. The kubeconfig loader fills it in.
    public struct Cluster: Sendable, Hashable {
        /// The `server` URL, as written in the kubeconfig.
        public var server: String
        /// `tls-server-name`.
        public var tlsServerName: String?
        /// `insecure-skip-tls-verify`.
        public var insecureSkipTLSVerify: Bool
        /// The CA certificates, PEM; sent base64-encoded as `certificate-authority-data`.
        public var certificateAuthorityPEM: String?
        /// The cluster's `client.authentication.k8s.io/exec` extension, as JSON text; sent as
        /// `spec.cluster.config`.
        public var configJSON: String?

        /// Creates the cluster information for a plugin.
        public init(
            server: String,
            tlsServerName: String? = nil,
            insecureSkipTLSVerify: Bool = false,
            certificateAuthorityPEM: String? = nil,
            configJSON: String? = nil
        ) {
            self.server = server
            self.tlsServerName = tlsServerName
            self.insecureSkipTLSVerify = insecureSkipTLSVerify
            self.certificateAuthorityPEM = certificateAuthorityPEM
            self.configJSON = configJSON
        }
    }

    /// The program: a name looked up in `PATH`, or a path (the loader makes a relative path
    /// containing `/` relative to the kubeconfig file, as client-go does).
    public var command: String
    /// Its arguments.
    public var args: [String]
    /// Variables added to (or replacing those of) the current environment.
    public var env: [EnvVar]
    /// ``v1`` or ``v1beta1``; the plugin must answer in the same version.
    public var apiVersion: String
    /// Shown when the plugin cannot be found or fails, e.g. how to install it.
    public var installHint: String?
    /// `Never`, `IfAvailable` or `Always`. This client never has a terminal to offer, so the plugin
    /// always runs with `spec.interactive: false` and standard input closed; the loader rejects
    /// `Always`.
    public var interactiveMode: String?
    /// Whether to pass ``cluster`` to the plugin in `KUBERNETES_EXEC_INFO`.
    public var provideClusterInfo: Bool
    /// The cluster to describe to the plugin when ``provideClusterInfo`` is set.
    public var cluster: Cluster?

    /// Creates a plugin configuration.
    public init(
        command: String,
        args: [String] = [],
        env: [EnvVar] = [],
        apiVersion: String = ExecConfig.v1,
        installHint: String? = nil,
        interactiveMode: String? = nil,
        provideClusterInfo: Bool = false,
        cluster: Cluster? = nil
    ) {
        self.command = command
        self.args = args
        self.env = env
        self.apiVersion = apiVersion
        self.installHint = installHint
        self.interactiveMode = interactiveMode
        self.provideClusterInfo = provideClusterInfo
        self.cluster = cluster
    }
}

extension ExecConfig: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The command, API version and environment variable names; no values, no arguments.
    public var description: String {
        var text = "ExecConfig(command: \(command), apiVersion: \(apiVersion)"
        if !args.isEmpty { text += ", \(args.count) argument(s)" }
        if !env.isEmpty { text += ", env: [" + env.map(\.name).joined(separator: ", ") + "]" }
        if provideClusterInfo { text += ", provideClusterInfo: true" }
        return text + ")"
    }

    /// The same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without argument or environment values, so that `dump` does not print them.
    public var customMirror: Mirror { Mirror(self, children: ["exec": description]) }
}
