/// Names shared by every part of swift-ipam: the API group, annotation keys,
/// label keys, finalizers, condition types and reasons.
///
/// One place, so that the controller, `ipamctl` and the manifests in
/// `config/` cannot drift apart.
public enum IPAMAPI {
    /// The API group of IPPool, IPClaim and IPLease.
    public static let group = "ipam.swift-ipam.io"
    /// The served version.
    public static let version = "v1alpha1"

    /// Annotation keys read from and written to Pods.
    public enum PodAnnotation {
        /// The name of the pool to allocate from.
        public static let pool = "ipam.swift-ipam.io/pool"
        /// A label selector (`k=v,…`) choosing the pool.
        public static let poolSelector = "ipam.swift-ipam.io/pool-selector"
        /// Families wanted, primary first: `IPv4`, `IPv6`, `IPv4,IPv6`.
        public static let ipFamilies = "ipam.swift-ipam.io/ip-families"
        /// Exact addresses wanted, comma separated.
        public static let addresses = "ipam.swift-ipam.io/addresses"
        /// Written by the controller once bound: `10.10.0.42/24,fd00:10::2/120`.
        public static let allocated = "ipam.swift-ipam.io/allocated"
    }

    /// The label on every IPLease naming its pool.
    public static let poolLabel = "ipam.swift-ipam.io/pool"

    /// Finalizer the controller puts on pools (held while leases exist) and claims.
    public static let finalizer = "ipam.swift-ipam.io/finalizer"

    /// Default `reuseCooldownSeconds` of a pool.
    public static let defaultReuseCooldownSeconds: Int64 = 30

    /// Condition types.
    public enum ConditionType {
        public static let ready = "Ready"
        public static let bound = "Bound"
        public static let exhausted = "Exhausted"
        public static let lowCapacity = "LowCapacity"
    }

    /// Condition reasons, each a CamelCase word as Kubernetes expects.
    public enum Reason {
        // Pools
        public static let valid = "Valid"
        public static let invalid = "Invalid"
        public static let overlapping = "Overlapping"
        public static let paused = "Paused"
        public static let hasFreeAddresses = "HasFreeAddresses"
        public static let familyExhausted = "FamilyExhausted"
        public static let belowThreshold = "BelowThreshold"
        public static let aboveThreshold = "AboveThreshold"
        // Claims
        public static let bound = "Bound"
        public static let poolNotFound = "PoolNotFound"
        public static let poolNotReady = "PoolNotReady"
        public static let poolExhausted = "PoolExhausted"
        public static let addressUnavailable = "AddressUnavailable"
        public static let notPermitted = "NotPermitted"
    }

    /// Free-address share under which a pool reports `LowCapacity`.
    public static let lowCapacityThreshold = 0.10
}
