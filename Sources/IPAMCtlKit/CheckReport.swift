public import Foundation
import KubernetesCore

/// What `ipamctl check` found, as written to `--report FILE` (JSON) and read back by
/// `ipamctl release`.
///
/// - `time`: when the cluster was read (the local clock of the machine that ran `check`).
/// - `cluster`: the API server URL and, when readable, the UID of `kube-system`.
/// - `consistency` and `resourceVersions`: each list's resourceVersion, and whether they are one
///   snapshot (`Exact`) or each the latest state when read (`PerList`); see ``ClusterReader``.
/// - `findings`: each names one object (kind, namespace, name, uid, resourceVersion) and why.
public struct CheckReport: Codable, Hashable, Sendable {
    /// The report format, so that a later `ipamctl` can refuse one it does not understand.
    public static let currentFormat = "ipamctl.swift-ipam.io/check-report/v1"

    public var format: String
    public var time: Date
    public var cluster: ClusterSnapshot.Identity
    public var consistency: ClusterSnapshot.Consistency
    public var resourceVersions: [String: String]
    public var findings: [Finding]

    public init(
        time: Date, cluster: ClusterSnapshot.Identity, consistency: ClusterSnapshot.Consistency,
        resourceVersions: [String: String], findings: [Finding]
    ) {
        self.format = Self.currentFormat
        self.time = time
        self.cluster = cluster
        self.consistency = consistency
        self.resourceVersions = resourceVersions
        self.findings = findings
    }

    /// The report of `snapshot`.
    public init(_ snapshot: ClusterSnapshot) {
        self.init(
            time: snapshot.readAt, cluster: snapshot.identity, consistency: snapshot.consistency,
            resourceVersions: snapshot.resourceVersions, findings: ConsistencyChecker.findings(in: snapshot))
    }

    /// JSON with sorted keys and RFC 3339 times with fractional seconds (report files compare
    /// times to the second and below).
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(RFC3339.format(date, precision: .microseconds))
        }
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// Reads a report written by ``encoded()``; errors name the field.
    public static func decode(_ data: Data) throws -> CheckReport {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = RFC3339.parse(text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "\(String(reflecting: text)) is not an RFC 3339 time")
            }
            return date
        }
        return try decoder.decode(CheckReport.self, from: data)
    }
}

/// One inconsistency: which object, what kind of problem, why.
public struct Finding: Codable, Hashable, Sendable {
    /// What is wrong. Only ``orphanedLease`` is ever repaired by `ipamctl release`.
    public enum Kind: String, Codable, Hashable, Sendable, CaseIterable {
        /// An active IPLease whose claim (by UID) no longer exists.
        case orphanedLease = "OrphanedLease"
        /// An active IPLease written without a claim UID, whose claim (by name) does not exist.
        case leaseWithoutClaimUID = "LeaseWithoutClaimUID"
        /// An active IPLease of a Bound claim whose status does not list the lease's address.
        case leaseNotInClaimStatus = "LeaseNotInClaimStatus"
        /// An IPLease whose name is not its address's lease name, or whose address is not one.
        case invalidLease = "InvalidLease"
        /// An IPLease naming a pool that does not exist.
        case leasePoolMissing = "LeasePoolMissing"
        /// A Bound IPClaim whose status lists an address without an active lease held by it.
        case boundClaimWithoutLease = "BoundClaimWithoutLease"
        /// Two IPLeases, or two IPClaims' statuses, naming one address.
        case duplicateAddress = "DuplicateAddress"
        /// An address (of a lease, or in a claim's status) outside its pool's allocatable space.
        case addressOutsidePool = "AddressOutsidePool"
        /// An IPClaim owned by a Pod that no longer exists (by UID).
        case podClaimWithoutPod = "PodClaimWithoutPod"
        /// An IPPool that overlaps an older pool (and so allocates nothing).
        case overlappingPool = "OverlappingPool"
    }

    /// The object a finding is about, as it was when read.
    public struct Object: Codable, Hashable, Sendable, CustomStringConvertible {
        public var kind: String
        public var namespace: String?
        public var name: String
        public var uid: String?
        public var resourceVersion: String?

        public init(kind: String, namespace: String? = nil, name: String, uid: String?, resourceVersion: String?) {
            self.kind = kind
            self.namespace = namespace
            self.name = name
            self.uid = uid
            self.resourceVersion = resourceVersion
        }

        /// `Kind namespace/name` or `Kind name`.
        public var description: String {
            namespace.map { "\(kind) \($0)/\(name)" } ?? "\(kind) \(name)"
        }
    }

    public var kind: Kind
    public var object: Object
    /// The address concerned, when there is one.
    public var address: String?
    /// For an ``Kind/orphanedLease``: the UID of the claim the lease names (`spec.claimRef.uid`),
    /// whose absence is the finding. `release` requires both reports to blame the same claim.
    public var claimUID: String?
    /// Why, in a sentence naming the other objects and the field involved.
    public var reason: String

    public init(kind: Kind, object: Object, address: String? = nil, claimUID: String? = nil, reason: String) {
        self.kind = kind
        self.object = object
        self.address = address
        self.claimUID = claimUID
        self.reason = reason
    }
}

extension CheckReport {
    /// The findings as a table, and a summary line.
    public func table() -> String {
        guard !findings.isEmpty else {
            return "No findings (\(consistency == .exact ? "one snapshot at resourceVersion " + (resourceVersions.values.first ?? "?") : "lists read one after another")).\n"
        }
        var table = TableRenderer("FINDING", "OBJECT", "ADDRESS", "REASON")
        for finding in findings {
            table.append([finding.kind.rawValue, finding.object.description, finding.address ?? "-", finding.reason])
        }
        let count = findings.count
        return table.render() + "\n\n\(count) finding\(count == 1 ? "" : "s")\n"
    }
}
