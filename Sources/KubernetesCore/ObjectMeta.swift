public import Foundation

/// The metadata every persisted Kubernetes object carries (`metav1.ObjectMeta`).
///
/// All fields are optional because their presence depends on who wrote the value: the API server
/// fills `uid`, `resourceVersion`, `generation` and `creationTimestamp`; a client building a new
/// object sets only what it needs (usually `name` or `generateName`, `namespace`, `labels`).
///
/// Coding:
/// - JSON field names are exactly Kubernetes' (camelCase); `nil` fields are omitted when encoding.
/// - Timestamps are RFC 3339 strings (see ``RFC3339``), encoded with second precision like
///   `metav1.Time`; `null` decodes as `nil`. The decoder's `dateDecodingStrategy` is not used, so
///   JSON and YAML behave the same.
/// - Fields not modelled here (`managedFields`, `selfLink`, `deletionGracePeriodSeconds`) are
///   ignored on decode and therefore absent when the value is encoded again. Prefer patches over a
///   full update (PUT) of a decoded object when that matters.
///
/// Not guaranteed: that `resourceVersion` is anything but an opaque string. Compare it for
/// equality only; do not order or parse it.
public struct ObjectMeta: Codable, Hashable, Sendable {
    /// The object's name, unique per kind (and namespace, for namespaced kinds).
    public var name: String?
    /// A prefix the API server completes with a random suffix when `name` is empty on create.
    public var generateName: String?
    /// The namespace; `nil` for cluster-scoped objects.
    public var namespace: String?
    /// The server-assigned identity. A re-created object with the same name has a new UID.
    public var uid: String?
    /// Opaque version for optimistic concurrency and watch resumption.
    public var resourceVersion: String?
    /// Incremented by the server on every change to the desired state (usually `spec`).
    public var generation: Int64?
    /// When the server persisted the object first.
    public var creationTimestamp: Date?
    /// When deletion was requested; set while finalizers still hold the object.
    public var deletionTimestamp: Date?
    /// Identifying key/value pairs that selectors match.
    public var labels: [String: String]?
    /// Non-identifying key/value pairs for tools and controllers.
    public var annotations: [String: String]?
    /// The objects this one depends on, for garbage collection and ownership.
    public var ownerReferences: [OwnerReference]?
    /// Keys that must be removed before the server deletes the object.
    public var finalizers: [String]?

    /// Creates metadata; every field defaults to `nil`.
    public init(
        name: String? = nil,
        generateName: String? = nil,
        namespace: String? = nil,
        uid: String? = nil,
        resourceVersion: String? = nil,
        generation: Int64? = nil,
        creationTimestamp: Date? = nil,
        deletionTimestamp: Date? = nil,
        labels: [String: String]? = nil,
        annotations: [String: String]? = nil,
        ownerReferences: [OwnerReference]? = nil,
        finalizers: [String]? = nil
    ) {
        self.name = name
        self.generateName = generateName
        self.namespace = namespace
        self.uid = uid
        self.resourceVersion = resourceVersion
        self.generation = generation
        self.creationTimestamp = creationTimestamp
        self.deletionTimestamp = deletionTimestamp
        self.labels = labels
        self.annotations = annotations
        self.ownerReferences = ownerReferences
        self.finalizers = finalizers
    }

    /// The owner reference marked `controller: true`, if any.
    ///
    /// The API server rejects objects with more than one controller reference, so there is at
    /// most one; if a hand-built value has several, the first is returned.
    public var controllerReference: OwnerReference? {
        ownerReferences?.first { $0.controller == true }
    }

    private enum CodingKeys: String, CodingKey {
        case name, generateName, namespace, uid, resourceVersion, generation
        case creationTimestamp, deletionTimestamp, labels, annotations, ownerReferences, finalizers
    }

    /// Decodes from Kubernetes JSON or YAML; unknown fields are ignored.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        name = try container.decodeIfPresent(String.self, forKey: .name)
        generateName = try container.decodeIfPresent(String.self, forKey: .generateName)
        namespace = try container.decodeIfPresent(String.self, forKey: .namespace)
        uid = try container.decodeIfPresent(String.self, forKey: .uid)
        resourceVersion = try container.decodeIfPresent(String.self, forKey: .resourceVersion)
        generation = try container.decodeIfPresent(Int64.self, forKey: .generation)
        creationTimestamp = try container.decodeRFC3339IfPresent(forKey: .creationTimestamp)
        deletionTimestamp = try container.decodeRFC3339IfPresent(forKey: .deletionTimestamp)
        labels = try container.decodeIfPresent([String: String].self, forKey: .labels)
        annotations = try container.decodeIfPresent([String: String].self, forKey: .annotations)
        ownerReferences = try container.decodeIfPresent([OwnerReference].self, forKey: .ownerReferences)
        finalizers = try container.decodeIfPresent([String].self, forKey: .finalizers)
    }

    /// Encodes with Kubernetes field names, omitting `nil` fields.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(name, forKey: .name)
        try container.encodeIfPresent(generateName, forKey: .generateName)
        try container.encodeIfPresent(namespace, forKey: .namespace)
        try container.encodeIfPresent(uid, forKey: .uid)
        try container.encodeIfPresent(resourceVersion, forKey: .resourceVersion)
        try container.encodeIfPresent(generation, forKey: .generation)
        try container.encodeRFC3339IfPresent(creationTimestamp, forKey: .creationTimestamp)
        try container.encodeRFC3339IfPresent(deletionTimestamp, forKey: .deletionTimestamp)
        try container.encodeIfPresent(labels, forKey: .labels)
        try container.encodeIfPresent(annotations, forKey: .annotations)
        try container.encodeIfPresent(ownerReferences, forKey: .ownerReferences)
        try container.encodeIfPresent(finalizers, forKey: .finalizers)
    }
}

extension ObjectMeta: JSONReadable {
    /// Reads the same fields as `init(from:)`; unknown fields are skipped.
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self.init()
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "name": name = try String?(json: &reader)
            case "generateName": generateName = try String?(json: &reader)
            case "namespace": namespace = try String?(json: &reader)
            case "uid": uid = try String?(json: &reader)
            case "resourceVersion": resourceVersion = try String?(json: &reader)
            case "generation": generation = try Int64?(json: &reader)
            case "creationTimestamp": creationTimestamp = try reader.readRFC3339OrNull()
            case "deletionTimestamp": deletionTimestamp = try reader.readRFC3339OrNull()
            case "labels": labels = try [String: String]?(json: &reader)
            case "annotations": annotations = try [String: String]?(json: &reader)
            case "ownerReferences": ownerReferences = try [OwnerReference]?(json: &reader)
            case "finalizers": finalizers = try [String]?(json: &reader)
            default: try reader.skipValue()
            }
        }
    }
}
