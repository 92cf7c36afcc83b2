public import KubernetesCore

/// A failed API call as the stand-in answers it: an HTTP code and the `metav1.Status` body.
/// Also thrown by the direct-access methods of ``FakeAPIServer`` (seeding, inspection).
///
/// The constructors mirror `k8s.io/apimachinery/pkg/api/errors` (`NewNotFound`,
/// `NewAlreadyExists`, …) so reasons, codes and `details` have the real server's shape; messages
/// follow its wording but are for humans, not for matching.
public struct FakeAPIError: Error, Sendable, CustomStringConvertible {
    /// The `metav1.Status` body.
    public var status: Status
    /// Sent as the `Retry-After` header too, when set.
    public var retryAfterSeconds: Int?

    /// The HTTP status code.
    public var code: Int { status.code ?? 500 }

    public var description: String { "\(code) \(status.reason?.rawValue ?? ""): \(status.message ?? "")" }

    init(code: Int, reason: StatusReason, message: String, details: Status.Details? = nil, retryAfterSeconds: Int? = nil) {
        var details = details
        if let retryAfterSeconds {
            details = details ?? Status.Details()
            details?.retryAfterSeconds = retryAfterSeconds
        }
        self.status = Status(
            metadata: ListMeta(), status: "Failure", message: message, reason: reason, details: details, code: code)
        self.retryAfterSeconds = retryAfterSeconds
    }

    static func notFound(_ resource: ResourceKey, name: String) -> FakeAPIError {
        FakeAPIError(
            code: 404, reason: .notFound, message: "\(resource) \"\(name)\" not found",
            details: Status.Details(name: name, group: resource.group, kind: resource.plural))
    }

    /// The path names no registered resource (or a subresource the kind does not have).
    static func resourceNotFound() -> FakeAPIError {
        FakeAPIError(code: 404, reason: .notFound, message: "the server could not find the requested resource")
    }

    static func alreadyExists(_ resource: ResourceKey, name: String) -> FakeAPIError {
        FakeAPIError(
            code: 409, reason: .alreadyExists, message: "\(resource) \"\(name)\" already exists",
            details: Status.Details(name: name, group: resource.group, kind: resource.plural))
    }

    static func conflict(_ resource: ResourceKey, name: String, why: String) -> FakeAPIError {
        FakeAPIError(
            code: 409, reason: .conflict,
            message: "Operation cannot be fulfilled on \(resource) \"\(name)\": \(why)",
            details: Status.Details(name: name, group: resource.group, kind: resource.plural))
    }

    static func staleResourceVersion(_ resource: ResourceKey, name: String) -> FakeAPIError {
        conflict(
            resource, name: name,
            why: "the object has been modified; please apply your changes to the latest version and try again")
    }

    /// 422: the object failed validation; one cause per field.
    static func invalid(_ kind: String, group: String, name: String, causes: [Status.Cause]) -> FakeAPIError {
        let summary = causes.map { "\($0.field ?? ""): \($0.message ?? "")" }.joined(separator: ", ")
        return FakeAPIError(
            code: 422, reason: .invalid, message: "\(kind) \"\(name)\" is invalid: \(summary)",
            details: Status.Details(name: name, group: group, kind: kind, causes: causes))
    }

    static func badRequest(_ message: String) -> FakeAPIError {
        FakeAPIError(code: 400, reason: .badRequest, message: message)
    }

    static func methodNotAllowed(_ method: String) -> FakeAPIError {
        FakeAPIError(code: 405, reason: .methodNotAllowed, message: "the server does not allow this method on the requested resource (\(method))")
    }

    static func unsupportedMediaType(_ contentType: String) -> FakeAPIError {
        FakeAPIError(code: 415, reason: .unsupportedMediaType, message: "the body of the request was in an unknown format - accepted media types include: application/json, application/merge-patch+json, application/apply-patch+yaml (got \(contentType))")
    }

    static func unauthorized() -> FakeAPIError {
        FakeAPIError(code: 401, reason: .unauthorized, message: "Unauthorized")
    }

    static func expired(_ message: String) -> FakeAPIError {
        FakeAPIError(code: 410, reason: .expired, message: message)
    }

    static func tooLarge() -> FakeAPIError {
        FakeAPIError(code: 413, reason: .requestEntityTooLarge, message: "the request body is too large")
    }

    /// The reason a real server gives for an HTTP code, for injected failures.
    static func reason(forCode code: Int) -> StatusReason {
        switch code {
        case 400: .badRequest
        case 401: .unauthorized
        case 403: .forbidden
        case 404: .notFound
        case 405: .methodNotAllowed
        case 409: .conflict
        case 410: .expired
        case 413: .requestEntityTooLarge
        case 415: .unsupportedMediaType
        case 422: .invalid
        case 429: .tooManyRequests
        case 503: .serviceUnavailable
        case 504: .timeout
        default: code >= 500 ? .internalError : .unknown
        }
    }
}
