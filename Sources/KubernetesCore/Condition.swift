public import Foundation

/// One aspect of an object's current state (`metav1.Condition`), as found in `status.conditions`.
///
/// Conventions (kstatus, API conventions) that this type does not enforce:
/// - `type` is CamelCase (`Ready`, `Bound`) and unique within one object's list.
/// - `reason` is a non-empty CamelCase word for machines (the CRD schema requires
///   `^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$`); `message` is for humans and may be empty.
/// - `lastTransitionTime` changes only when `status` changes; `[Condition].set(_:)` keeps
///   it that way.
///
/// Coding: `lastTransitionTime` is an RFC 3339 string with second precision; `reason` and
/// `message` are always encoded (the schema requires both) and decode as empty when absent.
public struct Condition: Codable, Hashable, Sendable {
    /// The aspect described, e.g. `Ready`.
    public var type: String
    /// Whether the condition holds.
    public var status: ConditionStatus
    /// The `metadata.generation` the controller had seen when it set this condition.
    public var observedGeneration: Int64?
    /// When `status` last changed.
    public var lastTransitionTime: Date
    /// A CamelCase machine-readable cause of the current status.
    public var reason: String
    /// A human-readable explanation; may be empty.
    public var message: String

    /// Creates a condition.
    public init(
        type: String,
        status: ConditionStatus,
        observedGeneration: Int64? = nil,
        lastTransitionTime: Date,
        reason: String,
        message: String = ""
    ) {
        self.type = type
        self.status = status
        self.observedGeneration = observedGeneration
        self.lastTransitionTime = lastTransitionTime
        self.reason = reason
        self.message = message
    }

    private enum CodingKeys: String, CodingKey {
        case type, status, observedGeneration, lastTransitionTime, reason, message
    }

    /// Decodes a condition; `type`, `status` and `lastTransitionTime` are required.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        status = try container.decode(ConditionStatus.self, forKey: .status)
        observedGeneration = try container.decodeIfPresent(Int64.self, forKey: .observedGeneration)
        lastTransitionTime = try container.decodeRFC3339(forKey: .lastTransitionTime)
        reason = try container.decodeIfPresent(String.self, forKey: .reason) ?? ""
        message = try container.decodeIfPresent(String.self, forKey: .message) ?? ""
    }

    /// Encodes with Kubernetes field names; omits `observedGeneration` when `nil`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(type, forKey: .type)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(observedGeneration, forKey: .observedGeneration)
        try container.encodeRFC3339(lastTransitionTime, forKey: .lastTransitionTime)
        try container.encode(reason, forKey: .reason)
        try container.encode(message, forKey: .message)
    }
}

extension Condition: JSONReadable {
    /// Reads the same fields as `init(from:)`: `type`, `status` and `lastTransitionTime` are
    /// required, `reason` and `message` default to empty.
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        var type: String?
        var status: ConditionStatus?
        var observedGeneration: Int64?
        var lastTransitionTime: Date?
        var reason: String?
        var message: String?
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "type": type = try String(json: &reader)
            case "status": status = try reader.readRawValue(ConditionStatus.self)
            case "observedGeneration": observedGeneration = try Int64?(json: &reader)
            case "lastTransitionTime": lastTransitionTime = try reader.readRFC3339()
            case "reason": reason = try String?(json: &reader)
            case "message": message = try String?(json: &reader)
            default: try reader.skipValue()
            }
        }
        guard let type, let status, let lastTransitionTime else {
            throw reader.failure("a condition needs type, status and lastTransitionTime")
        }
        self.init(
            type: type, status: status, observedGeneration: observedGeneration,
            lastTransitionTime: lastTransitionTime, reason: reason ?? "", message: message ?? "")
    }
}
