public import Logging

/// How the client proves who it is with an `Authorization` header.
///
/// Client certificates are not credentials in this sense: they belong to the TLS layer and live
/// in ``TLSSettings``. A configuration may use both (a certificate and a token), as kubectl does.
///
/// `description` and `dump` never show a token.
public enum Credentials: Sendable, Hashable {
    /// No `Authorization` header (anonymous, or a client certificate alone).
    case none
    /// A static bearer token, sent as is. Never logged.
    case token(String)
    /// A bearer token read from this file, and read again when the file changes — bound service
    /// account tokens are rotated by the kubelet about every hour. See ``TokenFileProvider``.
    case tokenFile(String)
    /// A `client.authentication.k8s.io` exec credential plugin (`v1` or `v1beta1`), as EKS, GKE and
    /// AKS use. See ``ExecCredentialProvider``.
    case exec(ExecConfig)

    /// The provider the client asks for an `Authorization` header before each request.
    ///
    /// Make one provider per client and keep it: the file and exec providers cache what they
    /// read or run, and the exec provider serializes plugin runs.
    public func makeProvider(logger: Logger) -> any CredentialProvider {
        switch self {
        case .none: NoCredentialProvider()
        case .token(let token): StaticTokenProvider(token: token)
        case .tokenFile(let path): TokenFileProvider(path: path, logger: logger)
        case .exec(let config): ExecCredentialProvider(config: config, logger: logger)
        }
    }
}

extension Credentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The kind of credential and where it comes from, never a token.
    public var description: String {
        switch self {
        case .none: "none"
        case .token: "token(<redacted>)"
        case .tokenFile(let path): "tokenFile(\(path))"
        case .exec(let config): "exec(\(config.command))"
        }
    }

    /// The same as ``description``.
    public var debugDescription: String { description }

    /// A mirror without the token, so that `dump` does not print it.
    public var customMirror: Mirror { Mirror(self, children: ["credentials": description]) }
}

/// Supplies the `Authorization` header for requests, and forgets it when the server rejects it.
///
/// The client calls ``authorizationHeader()`` before every request, so implementations cache;
/// after a `401 Unauthorized` it calls ``invalidate()`` once and retries, so that a rotated token
/// or an expired plugin credential is fetched again.
public protocol CredentialProvider: Sendable {
    /// `"Bearer …"`, or `nil` for no header. May run a plugin or read a file; cached per the
    /// source's rules.
    func authorizationHeader() async throws(ConfigurationError) -> String?
    /// Called after a 401: drop cached credentials so that the next call fetches them again.
    func invalidate() async
}

/// No `Authorization` header.
struct NoCredentialProvider: CredentialProvider {
    func authorizationHeader() async throws(ConfigurationError) -> String? { nil }
    func invalidate() async {}
}

/// The same bearer token for every request; invalidating it changes nothing.
struct StaticTokenProvider: CredentialProvider {
    let token: String

    func authorizationHeader() async throws(ConfigurationError) -> String? { "Bearer " + token }
    func invalidate() async {}
}
