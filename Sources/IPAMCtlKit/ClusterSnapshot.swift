public import Foundation
public import IPAMModel
public import KubernetesCore

/// What `ipamctl` read from one cluster: the objects of the kinds it asked for, each list's
/// resourceVersion, and how consistent the lists are with each other.
///
/// The pure decisions (``PoolUsageReport``, ``ConsistencyChecker``, ``AddressLookup``) take a
/// snapshot; ``ClusterReader`` makes one.
public struct ClusterSnapshot: Sendable {
    /// The kinds a snapshot may hold, by their plural (the keys of ``resourceVersions``), in the
    /// order they are listed.
    ///
    /// Leases are listed before claims on purpose: when the lists cannot share one
    /// resourceVersion (``Consistency/perList``), a claim missing from the later claim list was
    /// deleted (UIDs never come back), so an orphaned-lease finding is never caused by a claim
    /// created between the two lists. The price is the opposite race for the findings `release`
    /// never acts on: a claim bound between the lists can look Bound without its lease.
    public enum Kind: String, CaseIterable, Codable, Sendable {
        case pools = "ippools"
        case leases = "ipleases"
        case claims = "ipclaims"
        case pods = "pods"
        case namespaces = "namespaces"
    }

    /// How the lists relate to each other.
    public enum Consistency: String, Codable, Hashable, Sendable {
        /// Every list was served at the same resourceVersion: the first list's, requested for the
        /// others with `resourceVersionMatch=Exact`, and each answer named that version. On one
        /// etcd, that is one snapshot of the whole cluster.
        case exact = "Exact"
        /// Each list is the latest state when it was read; they may be a few writes apart (the
        /// server refused or ignored `resourceVersionMatch=Exact`, e.g. its history at that
        /// version was already compacted). Findings that span kinds may then be transient.
        case perList = "PerList"
    }

    /// Which cluster: the API server URL of the kubeconfig, and the UID of the `kube-system`
    /// namespace when it could be read (the usual cluster identity: it survives a change of URL
    /// and differs between clusters behind one URL).
    public struct Identity: Codable, Hashable, Sendable {
        public var server: String
        public var id: String?

        public init(server: String, id: String? = nil) {
            self.server = server
            self.id = id
        }
    }

    public var identity: Identity
    /// When the reading started (the local clock).
    public var readAt: Date
    public var consistency: Consistency
    /// The resourceVersion of each list, by ``Kind`` raw value.
    public var resourceVersions: [String: String]
    public var pools: [IPPool]
    public var claims: [IPClaim]
    public var leases: [IPLease]
    public var pods: [Pod]
    public var namespaces: [Namespace]

    public init(
        identity: Identity, readAt: Date, consistency: Consistency = .exact, resourceVersions: [String: String] = [:],
        pools: [IPPool] = [], claims: [IPClaim] = [], leases: [IPLease] = [], pods: [Pod] = [],
        namespaces: [Namespace] = []
    ) {
        self.identity = identity
        self.readAt = readAt
        self.consistency = consistency
        self.resourceVersions = resourceVersions
        self.pools = pools
        self.claims = claims
        self.leases = leases
        self.pods = pods
        self.namespaces = namespaces
    }
}
