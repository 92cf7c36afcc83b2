public import KubernetesCore

/// What went wrong in a call to the Kubernetes API.
///
/// An API error keeps the server's `Status` (reason, message, details) and
/// answers the questions controllers ask (`isNotFound`, `isConflict`, …);
/// transport, decoding and request-building failures are separate cases, so
/// "the server said no" is never confused with "the server was not reached".
public struct KubernetesError: Error, Sendable, CustomStringConvertible {
    /// The failure itself.
    public enum Kind: Sendable {
        /// The server answered with a non-2xx status.
        case api(code: Int, status: Status)
        /// No response (or a broken body): connection, TLS, timeout.
        case transport(TransportError)
        /// A 2xx response whose body is not what was expected.
        case decoding(String)
        /// The request could not be built from the arguments.
        case invalidRequest(RequestBuildError)
        /// Credentials could not be obtained (token file, exec plugin).
        case credentials(String)
    }

    public let kind: Kind
    /// `METHOD path` of the request, for messages.
    public let request: String
    /// From a `Retry-After` header, when the server sent one.
    public let retryAfter: Duration?

    public init(_ kind: Kind, request: String, retryAfter: Duration? = nil) {
        self.kind = kind
        self.request = request
        self.retryAfter = retryAfter
    }

    /// The HTTP status code of an API error.
    public var code: Int? {
        if case .api(let code, _) = kind { return code }
        return nil
    }

    /// The server's `Status` of an API error.
    public var status: Status? {
        if case .api(_, let status) = kind { return status }
        return nil
    }

    private var reason: StatusReason? { status?.reason }

    public var isNotFound: Bool { code == 404 }
    /// A create found an object of that name (409, reason AlreadyExists).
    public var isAlreadyExists: Bool { code == 409 && reason == .alreadyExists }
    /// A write lost an optimistic-concurrency race or a precondition (409, not AlreadyExists).
    public var isConflict: Bool { code == 409 && reason != .alreadyExists }
    /// The requested resourceVersion is too old (410): relist.
    public var isGone: Bool { code == 410 || reason == .expired || reason == .gone }
    public var isTooManyRequests: Bool { code == 429 }
    public var isForbidden: Bool { code == 403 }
    public var isUnauthorized: Bool { code == 401 }
    public var isInvalid: Bool { code == 422 }
    public var isServerError: Bool { (code ?? 0) >= 500 }
    public var isTransport: Bool {
        if case .transport = kind { return true }
        return false
    }

    public var description: String {
        switch kind {
        case .api(let code, let status):
            let reason = status.reason.map { " \($0.rawValue)" } ?? ""
            return "\(request): \(code)\(reason): \(status.message ?? "no message")"
        case .transport(let error): return "\(request): transport: \(error)"
        case .decoding(let what): return "\(request): unexpected response: \(what)"
        case .invalidRequest(let error): return "invalid request: \(error)"
        case .credentials(let what): return "\(request): credentials: \(what)"
        }
    }
}
