public import KubernetesCore

/// The answer an injected failure gives instead of serving the request: a `metav1.Status` with
/// this code and reason, and a `Retry-After` header when ``retryAfterSeconds`` is set.
///
/// The request has no effect on the store: the failure is decided before the request is handled,
/// like an API server's priority-and-fairness rejection or an unavailable aggregated API. (A
/// failure *after* a write, where the client cannot know whether it happened, is not modelled.)
public struct InjectedFailure: Sendable, Hashable {
    /// The HTTP status code, e.g. 429, 500, 503.
    public var statusCode: Int
    /// The `Status.reason`; by default the one the real server gives for ``statusCode``.
    public var reason: StatusReason?
    /// The human-readable message.
    public var message: String?
    /// Sent as `Retry-After` (seconds) and as `details.retryAfterSeconds`.
    public var retryAfterSeconds: Int?

    public init(statusCode: Int, reason: StatusReason? = nil, message: String? = nil, retryAfterSeconds: Int? = nil) {
        self.statusCode = statusCode
        self.reason = reason
        self.message = message
        self.retryAfterSeconds = retryAfterSeconds
    }

    /// 429 Too Many Requests with `Retry-After`, as API priority and fairness answers.
    public static func tooManyRequests(retryAfterSeconds: Int = 1) -> InjectedFailure {
        InjectedFailure(
            statusCode: 429, reason: .tooManyRequests, message: "Too many requests, please try again later.",
            retryAfterSeconds: retryAfterSeconds)
    }

    /// 500 Internal Server Error.
    public static let internalError = InjectedFailure(statusCode: 500, message: "injected internal error")

    /// 503 Service Unavailable.
    public static let serviceUnavailable = InjectedFailure(statusCode: 503, message: "injected: service unavailable")

    var error: FakeAPIError {
        // HTTP status codes are three digits; anything else would not be representable on the wire.
        let code = (100...599).contains(statusCode) ? statusCode : 500
        return FakeAPIError(
            code: code, reason: reason ?? FakeAPIError.reason(forCode: code),
            message: message ?? "injected failure (\(statusCode))", retryAfterSeconds: retryAfterSeconds)
    }
}
