/// The machine-readable reason of a failed API call (`metav1.StatusReason`), found in
/// ``Status/reason``.
///
/// An open set: reasons not listed here decode as themselves. The reason refines the HTTP
/// `code`; it is not guaranteed to be present (`""`, ``unknown``), so error classification should
/// look at both (for example, 410 arrives with reason `Expired` or `Gone`).
public struct StatusReason: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
    /// No reason given (`""`); look at the code.
    public static let unknown = StatusReason(rawValue: "")
    /// 401: the client must authenticate.
    public static let unauthorized = StatusReason(rawValue: "Unauthorized")
    /// 403: authenticated, but not allowed (RBAC, admission).
    public static let forbidden = StatusReason(rawValue: "Forbidden")
    /// 404: the object (or the resource type) does not exist.
    public static let notFound = StatusReason(rawValue: "NotFound")
    /// 409: create of an object whose name is taken.
    public static let alreadyExists = StatusReason(rawValue: "AlreadyExists")
    /// 409: a write lost a race (stale `resourceVersion`, failed precondition such as a UID).
    public static let conflict = StatusReason(rawValue: "Conflict")
    /// 410: the requested resource version is gone; relist.
    public static let gone = StatusReason(rawValue: "Gone")
    /// 422: the object failed validation; `details.causes` says which fields.
    public static let invalid = StatusReason(rawValue: "Invalid")
    /// 500 (or 504): the server could not complete in time; may be retried.
    public static let serverTimeout = StatusReason(rawValue: "ServerTimeout")
    /// 500: the stored object could not be read (e.g. it does not decode).
    public static let storeReadError = StatusReason(rawValue: "StoreReadError")
    /// 504: the request timed out; the operation may or may not have happened.
    public static let timeout = StatusReason(rawValue: "Timeout")
    /// 429: rate limited; honour `details.retryAfterSeconds`.
    public static let tooManyRequests = StatusReason(rawValue: "TooManyRequests")
    /// 400: the request was malformed.
    public static let badRequest = StatusReason(rawValue: "BadRequest")
    /// 405: the verb is not supported on this resource.
    public static let methodNotAllowed = StatusReason(rawValue: "MethodNotAllowed")
    /// 406: no acceptable content type.
    public static let notAcceptable = StatusReason(rawValue: "NotAcceptable")
    /// 413: the request body is too large.
    public static let requestEntityTooLarge = StatusReason(rawValue: "RequestEntityTooLarge")
    /// 415: the body's content type is not supported (e.g. the wrong patch type).
    public static let unsupportedMediaType = StatusReason(rawValue: "UnsupportedMediaType")
    /// 500: an internal server error.
    public static let internalError = StatusReason(rawValue: "InternalError")
    /// 410: a continue token or watch resource version has expired; relist.
    public static let expired = StatusReason(rawValue: "Expired")
    /// 503: the server is temporarily unavailable.
    public static let serviceUnavailable = StatusReason(rawValue: "ServiceUnavailable")

    /// The reason as Kubernetes spells it.
    public var rawValue: String

    /// Wraps any reason string.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The reason as Kubernetes spells it.
    public var description: String { rawValue }
}
