public import Foundation
public import IPAMModel

/// The decisions of `ipamctl release`, without I/O: which reports may be used, which objects
/// they allow releasing, and whether one object, re-read just now, may still be deleted.
///
/// ## Flow
/// 1. ``pair(_:now:server:clusterID:rules:)`` checks the two reports: exactly two, of this
///    format, from the cluster the kubeconfig points at (server URL, and `kube-system` UID when
///    both know it), at least the grace period apart, the newer one not older than the maximum
///    age and not from the future.
/// 2. ``candidates(older:newer:)``: the `OrphanedLease` findings present in both reports with the
///    same object UID; each keeps the newer report's resourceVersion.
/// 3. For each, the command re-reads the lease and its claim from the API server (not a cache)
///    and asks ``decide(_:lease:claim:poolCooldownSeconds:olderReportTime:now:)``; only
///    ``Decision/delete`` leads to a DELETE, with preconditions `{uid, resourceVersion}`, so a
///    lease changed or re-issued between the read and the delete is never removed.
///
/// ## Why only orphaned leases
/// An orphaned lease holds an address for a claim that no longer exists: deleting it frees the
/// address and loses nothing. Every other finding still has a holder that a deletion would
/// hurt, so it is reported, not repaired:
/// - a Bound claim without its lease: the controller re-takes the address for the claim;
///   deleting anything would hand the workload's address to someone else;
/// - two holders of one address, a lease not in its claim's status, an address outside its
///   pool: a person must decide which holder keeps the address (one of them is in use);
/// - a Pod claim whose Pod is gone: the controller deletes the claim itself (it owns it);
/// - overlapping pools: the fix is a spec change, in Git.
///
/// ## Not guaranteed
/// The reports' times come from the clocks of the machines that ran `check`; a skewed clock
/// shortens or lengthens the real gap between them.
public enum ReleasePlanner {
    /// The limits the reports must respect.
    public struct Rules: Sendable, Hashable {
        /// The two reports must be at least this far apart (an orphan must be seen twice).
        public var gracePeriod: TimeInterval
        /// The newer report must be at most this old.
        public var maximumReportAge: TimeInterval
        /// How far in the future a report's time may be (clock skew between machines).
        public var clockSkewTolerance: TimeInterval

        public init(gracePeriod: TimeInterval = 300, maximumReportAge: TimeInterval = 3600, clockSkewTolerance: TimeInterval = 60) {
            self.gracePeriod = gracePeriod
            self.maximumReportAge = maximumReportAge
            self.clockSkewTolerance = clockSkewTolerance
        }
    }

    /// Why the reports cannot be used.
    public enum Refusal: Error, Hashable, Sendable, CustomStringConvertible {
        case needsTwoReports(count: Int)
        case unknownFormat(report: String, format: String)
        case otherCluster(report: String, server: String, expected: String)
        case otherClusterID(report: String, id: String, expected: String)
        case tooClose(apart: TimeInterval, gracePeriod: TimeInterval)
        case stale(report: String, age: TimeInterval, maximum: TimeInterval)
        case fromTheFuture(report: String, ahead: TimeInterval)

        public var description: String {
            switch self {
            case .needsTwoReports(let count):
                "release needs exactly two reports (--report A --report B) taken at least the grace period apart; got \(count)"
            case .unknownFormat(let report, let format):
                "\(report): format \(String(reflecting: format)) is not \(CheckReport.currentFormat)"
            case .otherCluster(let report, let server, let expected):
                "\(report): cluster.server is \(server), but \(expected) is the cluster to release in; the reports must come from it"
            case .otherClusterID(let report, let id, let expected):
                "\(report): cluster.id is \(id), but the cluster's kube-system namespace has uid \(expected); the report is from another cluster"
            case .tooClose(let apart, let grace):
                "the reports were taken \(Self.seconds(apart)) apart, less than the grace period of \(Self.seconds(grace)); take another report later"
            case .stale(let report, let age, let maximum):
                "\(report): taken \(Self.seconds(age)) ago, more than --max-report-age \(Self.seconds(maximum)); take fresh reports"
            case .fromTheFuture(let report, let ahead):
                "\(report): time is \(Self.seconds(ahead)) in the future; check the clocks"
            }
        }

        static func seconds(_ interval: TimeInterval) -> String {
            interval.rounded() == interval ? "\(Int(interval))s" : String(format: "%.3fs", interval)
        }
    }

    /// The two reports, older first, if they may be used; `names` label them in messages.
    public static func pair(
        _ reports: [(name: String, report: CheckReport)], now: Date, server: String, clusterID: String?, rules: Rules
    ) throws(Refusal) -> (older: CheckReport, newer: CheckReport) {
        guard reports.count == 2 else { throw .needsTwoReports(count: reports.count) }
        for (name, report) in reports {
            guard report.format == CheckReport.currentFormat else { throw .unknownFormat(report: name, format: report.format) }
            guard report.cluster.server == server else {
                throw .otherCluster(report: name, server: report.cluster.server, expected: server)
            }
            if let id = report.cluster.id, let clusterID, id != clusterID {
                throw .otherClusterID(report: name, id: id, expected: clusterID)
            }
        }
        let sorted = reports.sorted { $0.report.time < $1.report.time }
        let (older, newer) = (sorted[0], sorted[1])
        // Each other's cluster too: when the cluster's own id cannot be read now, two reports of
        // two clusters behind one URL must still not be paired.
        if let olderID = older.report.cluster.id, let newerID = newer.report.cluster.id, olderID != newerID {
            throw .otherClusterID(report: newer.name, id: newerID, expected: olderID)
        }
        let ahead = newer.report.time.timeIntervalSince(now)
        if ahead > rules.clockSkewTolerance { throw .fromTheFuture(report: newer.name, ahead: ahead) }
        for report in [older, newer] {
            let age = now.timeIntervalSince(report.report.time)
            if age > rules.maximumReportAge { throw .stale(report: report.name, age: age, maximum: rules.maximumReportAge) }
        }
        let apart = newer.report.time.timeIntervalSince(older.report.time)
        // Two readings of one moment (one file given twice, or a zero grace period) are one
        // observation, never two.
        if apart <= 0 || apart < rules.gracePeriod { throw .tooClose(apart: apart, gracePeriod: rules.gracePeriod) }
        return (older.report, newer.report)
    }

    /// An object both reports found orphaned.
    public struct Candidate: Hashable, Sendable {
        /// As the newer report saw it (its resourceVersion is the one a delete may carry).
        public var object: Finding.Object
        public var address: String?
        /// The claim both reports found missing (the lease's `spec.claimRef.uid`).
        public var claimUID: String
        /// The claim the lease names, as the newer report's reason gives it.
        public var reason: String
    }

    /// The `OrphanedLease` findings of `newer` whose object (same kind, name and UID) `older` also
    /// found orphaned *from the same claim* (same claim UID): a lease that changed hands between
    /// the reports was seen without its present claim once only. Findings without an object UID
    /// or a claim UID are never candidates.
    public static func candidates(older: CheckReport, newer: CheckReport) -> [Candidate] {
        func key(_ finding: Finding) -> String? {
            guard finding.kind == .orphanedLease, let uid = finding.object.uid, let claimUID = finding.claimUID else {
                return nil
            }
            return "\(finding.object.kind)/\(finding.object.name)/\(uid)/\(claimUID)"
        }
        let before = Set(older.findings.compactMap(key))
        var seen = Set<String>()
        return newer.findings.compactMap { finding in
            guard let key = key(finding), let claimUID = finding.claimUID, finding.object.resourceVersion != nil,
                before.contains(key), seen.insert(key).inserted
            else { return nil }
            return Candidate(object: finding.object, address: finding.address, claimUID: claimUID, reason: finding.reason)
        }
    }

    /// What to do with one candidate after re-reading it.
    public enum Decision: Hashable, Sendable {
        /// Delete with preconditions {uid, resourceVersion} (the newer report's).
        case delete(uid: String, resourceVersion: String)
        /// Leave it; why.
        case skip(String)
    }

    /// Decides on `candidate` given the lease as just read (`nil`: gone) and the claim its
    /// claimRef names as just read (`nil`: gone).
    ///
    /// - Parameters:
    ///   - poolCooldownSeconds: the lease's pool's `reuseCooldownSeconds` (nil when the pool is
    ///     gone); the address must have been unused that long, counted from the older report.
    public static func decide(
        _ candidate: Candidate, lease: IPLease?, claim: IPClaim?, poolCooldownSeconds: Int64?, olderReportTime: Date,
        now: Date
    ) -> Decision {
        let name = candidate.object.description
        guard let lease else { return .skip("\(name) is gone already") }
        guard let uid = candidate.object.uid, let version = candidate.object.resourceVersion else {
            return .skip("\(name): the report has no uid or resourceVersion for it")
        }
        guard lease.metadata.uid == uid else {
            return .skip("\(name) was re-created (uid \(lease.metadata.uid ?? "?"), the reports saw \(uid))")
        }
        guard lease.metadata.resourceVersion == version else {
            return .skip("\(name) changed since the newer report (resourceVersion \(lease.metadata.resourceVersion ?? "?"), the report saw \(version))")
        }
        guard lease.metadata.deletionTimestamp == nil else { return .skip("\(name) is being deleted already") }
        guard !lease.isReleased else { return .skip("\(name) is Released; the controller deletes it after the cooldown") }
        let ref = lease.spec.claimRef
        guard let claimUID = ref.uid else { return .skip("\(name): spec.claimRef has no uid to compare") }
        guard claimUID == candidate.claimUID else {
            return .skip("\(name) now names claim uid \(claimUID), not the \(candidate.claimUID) both reports found missing")
        }
        if let claim, claim.metadata.uid == claimUID {
            return .skip("\(name): claim \(ref.namespace)/\(ref.name) (uid \(claimUID)) exists again")
        }
        if let cooldown = poolCooldownSeconds, now.timeIntervalSince(olderReportTime) < TimeInterval(cooldown) {
            return .skip("\(name): pool \(lease.spec.pool)'s reuseCooldownSeconds (\(cooldown)) has not passed since the older report")
        }
        return .delete(uid: uid, resourceVersion: version)
    }
}
