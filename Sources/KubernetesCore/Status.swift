/// The result of an API call that returns no object (`metav1.Status`): the body of every error
/// response, of some deletes, and of watch `ERROR` events.
///
/// Every field is optional because non-Kubernetes intermediaries and older servers send partial
/// bodies. `code` is the HTTP status the server meant (it can differ from the transport's, e.g. a
/// watch `ERROR` event arrives inside a 200 response). Unknown fields are ignored; `nil` fields
/// are omitted when encoding.
///
/// Not guaranteed: `message` wording (it is for humans), or that `details` is present.
public struct Status: Codable, Hashable, Sendable {
    /// `Status`.
    public var kind: String?
    /// `v1`.
    public var apiVersion: String?
    /// List metadata; normally empty.
    public var metadata: ListMeta?
    /// `Success` or `Failure`.
    public var status: String?
    /// A human-readable description.
    public var message: String?
    /// Why the call failed, for machines; see ``StatusReason``.
    public var reason: StatusReason?
    /// Which object, and which of its fields, the status refers to.
    public var details: Details?
    /// The HTTP status code the server meant; `nil` when not sent.
    public var code: Int?

    /// Creates a status; `kind` and `apiVersion` default to `Status` and `v1`.
    public init(
        kind: String? = "Status",
        apiVersion: String? = "v1",
        metadata: ListMeta? = nil,
        status: String? = nil,
        message: String? = nil,
        reason: StatusReason? = nil,
        details: Details? = nil,
        code: Int? = nil
    ) {
        self.kind = kind
        self.apiVersion = apiVersion
        self.metadata = metadata
        self.status = status
        self.message = message
        self.reason = reason
        self.details = details
        self.code = code
    }

    /// Extended data about a status (`metav1.StatusDetails`).
    public struct Details: Codable, Hashable, Sendable {
        /// The name of the object concerned, when there is one.
        public var name: String?
        /// Its API group.
        public var group: String?
        /// Its kind (for some errors, the resource plural).
        public var kind: String?
        /// Its UID, when known.
        public var uid: String?
        /// The individual problems, e.g. one per invalid field.
        public var causes: [Cause]?
        /// How long the client should wait before retrying (429, 503, some 500s).
        public var retryAfterSeconds: Int?

        /// Creates details.
        public init(
            name: String? = nil,
            group: String? = nil,
            kind: String? = nil,
            uid: String? = nil,
            causes: [Cause]? = nil,
            retryAfterSeconds: Int? = nil
        ) {
            self.name = name
            self.group = group
            self.kind = kind
            self.uid = uid
            self.causes = causes
            self.retryAfterSeconds = retryAfterSeconds
        }
    }

    /// One problem behind a status (`metav1.StatusCause`).
    public struct Cause: Codable, Hashable, Sendable {
        /// A machine-readable cause, e.g. `FieldValueInvalid`, `FieldValueRequired`.
        public var reason: String?
        /// A human-readable description.
        public var message: String?
        /// The field path at fault, e.g. `spec.cidrs[0]`.
        public var field: String?

        /// Creates a cause.
        public init(reason: String? = nil, message: String? = nil, field: String? = nil) {
            self.reason = reason
            self.message = message
            self.field = field
        }
    }
}
