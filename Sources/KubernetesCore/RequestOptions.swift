public import Foundation

/// Options of a list request (`metav1.ListOptions`, the parts a controller uses).
public struct ListOptions: Hashable, Sendable {
    /// A label selector in its string form (`tier=web,env!=dev`).
    public var labelSelector: String?
    /// A field selector (`metadata.name=blue`, `spec.nodeName=node-1`).
    public var fieldSelector: String?
    /// Page size; the server returns at most this many items and a `continue` token.
    public var limit: Int?
    /// The token of the next page, from the previous page's `metadata.continue`.
    public var continueToken: String?
    /// Serve from this resourceVersion (`"0"`: any cached state is fine).
    public var resourceVersion: String?
    /// How `resourceVersion` is interpreted: `NotOlderThan` or `Exact`.
    public var resourceVersionMatch: String?

    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, limit: Int? = nil, continueToken: String? = nil,
        resourceVersion: String? = nil, resourceVersionMatch: String? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.limit = limit
        self.continueToken = continueToken
        self.resourceVersion = resourceVersion
        self.resourceVersionMatch = resourceVersionMatch
    }

    var queryItems: [APIRequest.QueryItem] {
        var items: [APIRequest.QueryItem] = []
        if let labelSelector { items.append(.init("labelSelector", labelSelector)) }
        if let fieldSelector { items.append(.init("fieldSelector", fieldSelector)) }
        if let limit { items.append(.init("limit", String(limit))) }
        if let continueToken { items.append(.init("continue", continueToken)) }
        if let resourceVersion { items.append(.init("resourceVersion", resourceVersion)) }
        if let resourceVersionMatch { items.append(.init("resourceVersionMatch", resourceVersionMatch)) }
        return items
    }
}

/// Options of a watch request.
public struct WatchOptions: Hashable, Sendable {
    public var labelSelector: String?
    public var fieldSelector: String?
    /// Start after this resourceVersion: events newer than it are sent. A
    /// version older than the server keeps gives `410 Gone`.
    public var resourceVersion: String?
    /// Ask for BOOKMARK events, which carry only a newer resourceVersion so a
    /// watcher can resume from it without replaying history.
    public var allowWatchBookmarks: Bool
    /// The server ends the watch after this many seconds (it may end it sooner).
    public var timeoutSeconds: Int?

    public init(
        labelSelector: String? = nil, fieldSelector: String? = nil, resourceVersion: String? = nil,
        allowWatchBookmarks: Bool = true, timeoutSeconds: Int? = nil
    ) {
        self.labelSelector = labelSelector
        self.fieldSelector = fieldSelector
        self.resourceVersion = resourceVersion
        self.allowWatchBookmarks = allowWatchBookmarks
        self.timeoutSeconds = timeoutSeconds
    }

    var queryItems: [APIRequest.QueryItem] {
        var items: [APIRequest.QueryItem] = [.init("watch", "true")]
        if let labelSelector { items.append(.init("labelSelector", labelSelector)) }
        if let fieldSelector { items.append(.init("fieldSelector", fieldSelector)) }
        if let resourceVersion { items.append(.init("resourceVersion", resourceVersion)) }
        if allowWatchBookmarks { items.append(.init("allowWatchBookmarks", "true")) }
        if let timeoutSeconds { items.append(.init("timeoutSeconds", String(timeoutSeconds))) }
        return items
    }
}

/// Options of a write (create, update, patch).
public struct WriteOptions: Hashable, Sendable {
    /// Names the writer in `managedFields`; required by server-side apply.
    public var fieldManager: String?
    /// Validate and default, but persist nothing.
    public var dryRun: Bool

    public init(fieldManager: String? = nil, dryRun: Bool = false) {
        self.fieldManager = fieldManager
        self.dryRun = dryRun
    }

    var queryItems: [APIRequest.QueryItem] {
        var items: [APIRequest.QueryItem] = []
        if let fieldManager { items.append(.init("fieldManager", fieldManager)) }
        if dryRun { items.append(.init("dryRun", "All")) }
        return items
    }
}

/// The kinds of patch the API accepts.
public enum Patch: Hashable, Sendable {
    /// RFC 7386 JSON merge patch (`application/merge-patch+json`).
    case merge(JSONBody)
    /// Server-side apply (`application/apply-patch+yaml`, JSON is valid YAML);
    /// `force` takes fields from other managers on conflict.
    case apply(JSONBody, force: Bool)

    var contentType: String {
        switch self {
        case .merge: "application/merge-patch+json"
        case .apply: "application/apply-patch+yaml"
        }
    }
}

/// Encoded JSON, for patches.
public struct JSONBody: Hashable, Sendable {
    public let data: Data

    public init(data: Data) { self.data = data }

    /// Encodes `value` with the Kubernetes conventions (see ``KubernetesJSON``).
    public init(encoding value: some Encodable) throws {
        self.data = try KubernetesJSON.encoder().encode(value)
    }
}

/// Options of a delete (`metav1.DeleteOptions`).
public struct DeleteOptions: Hashable, Sendable, Codable {
    /// Delete only if the object still has this UID and/or resourceVersion;
    /// otherwise the server answers 409 Conflict. Protects against deleting an
    /// object that was re-created or changed after the decision to delete it.
    public struct Preconditions: Hashable, Sendable, Codable {
        public var uid: String?
        public var resourceVersion: String?

        public init(uid: String? = nil, resourceVersion: String? = nil) {
            self.uid = uid
            self.resourceVersion = resourceVersion
        }
    }

    /// What happens to dependents (objects whose ownerReferences name this one).
    public enum PropagationPolicy: String, Hashable, Sendable, Codable {
        case orphan = "Orphan"
        case background = "Background"
        case foreground = "Foreground"
    }

    public var preconditions: Preconditions?
    public var propagationPolicy: PropagationPolicy?
    public var gracePeriodSeconds: Int64?

    public init(
        preconditions: Preconditions? = nil, propagationPolicy: PropagationPolicy? = nil,
        gracePeriodSeconds: Int64? = nil
    ) {
        self.preconditions = preconditions
        self.propagationPolicy = propagationPolicy
        self.gracePeriodSeconds = gracePeriodSeconds
    }

    private enum CodingKeys: String, CodingKey {
        case kind, apiVersion, preconditions, propagationPolicy, gracePeriodSeconds
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        preconditions = try container.decodeIfPresent(Preconditions.self, forKey: .preconditions)
        propagationPolicy = try container.decodeIfPresent(PropagationPolicy.self, forKey: .propagationPolicy)
        gracePeriodSeconds = try container.decodeIfPresent(Int64.self, forKey: .gracePeriodSeconds)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("DeleteOptions", forKey: .kind)
        try container.encode("v1", forKey: .apiVersion)
        try container.encodeIfPresent(preconditions, forKey: .preconditions)
        try container.encodeIfPresent(propagationPolicy, forKey: .propagationPolicy)
        try container.encodeIfPresent(gracePeriodSeconds, forKey: .gracePeriodSeconds)
    }
}
