public import Foundation

/// A `coordination.k8s.io/v1` Lease: the lock object of leader election and node heartbeats.
///
/// Every field of `LeaseSpec` is modelled, so a decoded Lease can be written back with a full
/// update (PUT) without losing spec fields; the unmodelled metadata fields (`managedFields`) are
/// omitted, which the server treats as "unchanged". That update carries
/// `metadata.resourceVersion`, so a concurrent writer makes it fail with 409 Conflict: this is
/// the compare-and-swap leader election relies on.
///
/// Coding: `acquireTime` and `renewTime` are `metav1.MicroTime`, RFC 3339 strings with six
/// fractional digits (`2024-05-01T10:00:00.123456Z`); they decode from any RFC 3339 precision and
/// encode with microseconds. `nil` fields are omitted; unknown fields are ignored.
///
/// Not guaranteed: that the holder still runs, or that clocks agree. A Lease records what its
/// holder last wrote; whether it has expired is the reader's judgement against its own clock
/// (client-go measures from when it *observed* a change, not from `renewTime`). A Lease does not
/// fence: a holder that stalls past the duration may still act while another takes over.
public struct Lease: Resource, Hashable {
    /// `coordination.k8s.io`.
    public static let group = "coordination.k8s.io"
    /// `v1`.
    public static let version = "v1"
    /// `Lease`.
    public static let kind = "Lease"
    /// `leases`.
    public static let plural = "leases"
    /// Leases are namespaced.
    public static let isNamespaced = true

    /// The Lease's metadata.
    public var metadata: ObjectMeta
    /// The lock's state; `nil` when the server sent none.
    public var spec: Spec?

    /// Creates a Lease value.
    public init(metadata: ObjectMeta, spec: Spec? = nil) {
        self.metadata = metadata
        self.spec = spec
    }

    /// `LeaseSpec`: who holds the lease, since when, and for how long.
    public struct Spec: Codable, Hashable, Sendable {
        /// The current holder's identity; `nil` or empty when nobody holds it (released).
        public var holderIdentity: String?
        /// How long, from the last renewal, candidates wait before taking the lease over.
        public var leaseDurationSeconds: Int32?
        /// When the current holder acquired the lease.
        public var acquireTime: Date?
        /// When the current holder last renewed the lease.
        public var renewTime: Date?
        /// How many times the lease has changed holders.
        public var leaseTransitions: Int32?
        /// The coordinated leader election strategy (e.g. `OldestEmulationVersion`); set only
        /// by the alpha coordinated leader election feature.
        public var strategy: String?
        /// The holder the coordinated election would like to hand over to.
        public var preferredHolder: String?

        /// Creates a spec; every field defaults to `nil`.
        public init(
            holderIdentity: String? = nil,
            leaseDurationSeconds: Int32? = nil,
            acquireTime: Date? = nil,
            renewTime: Date? = nil,
            leaseTransitions: Int32? = nil,
            strategy: String? = nil,
            preferredHolder: String? = nil
        ) {
            self.holderIdentity = holderIdentity
            self.leaseDurationSeconds = leaseDurationSeconds
            self.acquireTime = acquireTime
            self.renewTime = renewTime
            self.leaseTransitions = leaseTransitions
            self.strategy = strategy
            self.preferredHolder = preferredHolder
        }

        private enum CodingKeys: String, CodingKey {
            case holderIdentity, leaseDurationSeconds, acquireTime, renewTime, leaseTransitions
            case strategy, preferredHolder
        }

        /// Decodes a spec; times may be `null` or absent.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            holderIdentity = try container.decodeIfPresent(String.self, forKey: .holderIdentity)
            leaseDurationSeconds = try container.decodeIfPresent(Int32.self, forKey: .leaseDurationSeconds)
            acquireTime = try container.decodeRFC3339IfPresent(forKey: .acquireTime)
            renewTime = try container.decodeRFC3339IfPresent(forKey: .renewTime)
            leaseTransitions = try container.decodeIfPresent(Int32.self, forKey: .leaseTransitions)
            strategy = try container.decodeIfPresent(String.self, forKey: .strategy)
            preferredHolder = try container.decodeIfPresent(String.self, forKey: .preferredHolder)
        }

        /// Encodes with Kubernetes field names and microsecond times, omitting `nil` fields.
        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encodeIfPresent(holderIdentity, forKey: .holderIdentity)
            try container.encodeIfPresent(leaseDurationSeconds, forKey: .leaseDurationSeconds)
            try container.encodeRFC3339IfPresent(acquireTime, forKey: .acquireTime, precision: .microseconds)
            try container.encodeRFC3339IfPresent(renewTime, forKey: .renewTime, precision: .microseconds)
            try container.encodeIfPresent(leaseTransitions, forKey: .leaseTransitions)
            try container.encodeIfPresent(strategy, forKey: .strategy)
            try container.encodeIfPresent(preferredHolder, forKey: .preferredHolder)
        }
    }

    private enum CodingKeys: String, CodingKey {
        case metadata, spec
    }

    /// Encodes `apiVersion`, `kind`, `metadata` and `spec`; a `nil` spec is omitted.
    public func encode(to encoder: any Encoder) throws {
        try Self.typeMeta.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metadata, forKey: .metadata)
        try container.encodeIfPresent(spec, forKey: .spec)
    }
}
