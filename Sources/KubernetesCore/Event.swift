public import Foundation

/// An `events.k8s.io/v1` Event: a report, for humans and tools, that something happened to an
/// object (`kubectl describe` shows them under "Events").
///
/// Modelled: `eventTime`, `series`, `reportingController`, `reportingInstance`, `action`,
/// `reason`, `regarding`, `related`, `note`, `type` — everything a recorder writes. Not modelled:
/// the `deprecated*` fields (`deprecatedSource`, `deprecatedFirstTimestamp`,
/// `deprecatedLastTimestamp`, `deprecatedCount`), which the server fills for Events written
/// through the core `v1` API; they are ignored on decode and absent when encoding again.
///
/// Coding: `eventTime` and `series.lastObservedTime` are `metav1.MicroTime`, RFC 3339 with six
/// fractional digits (`2024-05-01T10:00:00.123456Z`); they decode from any RFC 3339 precision and
/// encode with microseconds. `eventTime` is `null` for Events created through the core API, so
/// it is optional here. `nil` fields are omitted; unknown fields are ignored.
///
/// The server validates new Events: `eventTime`, `reportingController` (a qualified name such as
/// `ipam.swift-ipam.io/controller`), `reportingInstance`, `action` and `reason` are required,
/// `type` must be `Normal` or `Warning`, `note` is at most 1 kB. This type does not check that.
///
/// Not guaranteed: delivery or retention. Events are best-effort, rate-limited by recorders and
/// deleted after a TTL (one hour by default); never base a decision on them.
public struct Event: Resource, Hashable {
    /// `events.k8s.io`.
    public static let group = "events.k8s.io"
    /// `v1`.
    public static let version = "v1"
    /// `Event`.
    public static let kind = "Event"
    /// `events`.
    public static let plural = "events"
    /// Events are namespaced (normally in the namespace of the object they regard).
    public static let isNamespaced = true

    /// The Event's metadata.
    public var metadata: ObjectMeta
    /// When the Event was first observed; `nil` for Events created through the core API.
    public var eventTime: Date?
    /// Repetitions of the same Event, once it has happened more than once.
    public var series: Series?
    /// The controller that emitted the Event, e.g. `ipam.swift-ipam.io/controller`.
    public var reportingController: String?
    /// The controller instance that emitted it, e.g. the Pod name of the leader.
    public var reportingInstance: String?
    /// What was done or failed, in UpperCamelCase, e.g. `Allocate`.
    public var action: String?
    /// Why, in UpperCamelCase, e.g. `PoolExhausted`.
    public var reason: String?
    /// The object the Event is about.
    public var regarding: ObjectReference?
    /// A second object involved, e.g. the pool an address came from.
    public var related: ObjectReference?
    /// A human-readable description, at most 1 kB.
    public var note: String?
    /// `Normal` or `Warning`.
    public var type: EventType?

    /// Creates an Event value; every field but `metadata` defaults to `nil`.
    public init(
        metadata: ObjectMeta,
        eventTime: Date? = nil,
        series: Series? = nil,
        reportingController: String? = nil,
        reportingInstance: String? = nil,
        action: String? = nil,
        reason: String? = nil,
        regarding: ObjectReference? = nil,
        related: ObjectReference? = nil,
        note: String? = nil,
        type: EventType? = nil
    ) {
        self.metadata = metadata
        self.eventTime = eventTime
        self.series = series
        self.reportingController = reportingController
        self.reportingInstance = reportingInstance
        self.action = action
        self.reason = reason
        self.regarding = regarding
        self.related = related
        self.note = note
        self.type = type
    }

    /// `EventSeries`: how often an Event has recurred and when last. Both fields are required
    /// by the API.
    public struct Series: Codable, Hashable, Sendable {
        /// How many times the Event has occurred so far (at least 2 once a series exists).
        public var count: Int32
        /// When the last occurrence was observed.
        public var lastObservedTime: Date

        /// Creates a series.
        public init(count: Int32, lastObservedTime: Date) {
            self.count = count
            self.lastObservedTime = lastObservedTime
        }

        private enum CodingKeys: String, CodingKey {
            case count, lastObservedTime
        }

        /// Decodes a series; both fields are required.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            count = try container.decode(Int32.self, forKey: .count)
            lastObservedTime = try container.decodeRFC3339(forKey: .lastObservedTime)
        }

        /// Encodes with a microsecond `lastObservedTime`.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(count, forKey: .count)
            try container.encodeRFC3339(lastObservedTime, forKey: .lastObservedTime, precision: .microseconds)
        }
    }

    /// An Event type. An open set: values the server may add later decode as themselves.
    public struct EventType: RawRepresentable, Codable, Hashable, Sendable, CustomStringConvertible {
        /// Something expected happened.
        public static let normal = EventType(rawValue: "Normal")
        /// Something a person may need to look at.
        public static let warning = EventType(rawValue: "Warning")

        /// The type as Kubernetes spells it.
        public var rawValue: String

        /// Wraps any type string.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The type as Kubernetes spells it.
        public var description: String { rawValue }
    }

    private enum CodingKeys: String, CodingKey {
        case metadata, eventTime, series, reportingController, reportingInstance, action, reason
        case regarding, related, note, type
    }

    /// Decodes from Kubernetes JSON; `eventTime` may be `null`, unknown fields are ignored.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decode(ObjectMeta.self, forKey: .metadata)
        eventTime = try container.decodeRFC3339IfPresent(forKey: .eventTime)
        series = try container.decodeIfPresent(Series.self, forKey: .series)
        reportingController = try container.decodeIfPresent(String.self, forKey: .reportingController)
        reportingInstance = try container.decodeIfPresent(String.self, forKey: .reportingInstance)
        action = try container.decodeIfPresent(String.self, forKey: .action)
        reason = try container.decodeIfPresent(String.self, forKey: .reason)
        regarding = try container.decodeIfPresent(ObjectReference.self, forKey: .regarding)
        related = try container.decodeIfPresent(ObjectReference.self, forKey: .related)
        note = try container.decodeIfPresent(String.self, forKey: .note)
        type = try container.decodeIfPresent(EventType.self, forKey: .type)
    }

    /// Encodes `apiVersion`, `kind` and the modelled fields with microsecond times; `nil` fields
    /// are omitted.
    public func encode(to encoder: any Encoder) throws {
        try Self.typeMeta.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metadata, forKey: .metadata)
        try container.encodeRFC3339IfPresent(eventTime, forKey: .eventTime, precision: .microseconds)
        try container.encodeIfPresent(series, forKey: .series)
        try container.encodeIfPresent(reportingController, forKey: .reportingController)
        try container.encodeIfPresent(reportingInstance, forKey: .reportingInstance)
        try container.encodeIfPresent(action, forKey: .action)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encodeIfPresent(regarding, forKey: .regarding)
        try container.encodeIfPresent(related, forKey: .related)
        try container.encodeIfPresent(note, forKey: .note)
        try container.encodeIfPresent(type, forKey: .type)
    }
}
