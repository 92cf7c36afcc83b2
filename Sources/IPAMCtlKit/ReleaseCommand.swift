import ArgumentParser
import CommandLineSupport
import Foundation
import IPAMModel
import KubernetesClient
import KubernetesCore

/// `ipamctl release --report A --report B [--dry-run]`: deletes the leases both reports found
/// orphaned, re-checking each just before; see ``ReleasePlanner`` for the rules.
struct ReleaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Delete IPLeases that two check reports, a grace period apart, both found orphaned.",
        discussion: """
            Releases only OrphanedLease findings present in both reports with the same lease UID and \
            the same missing claim UID. \
            Each lease and its claim are read again from the API server just before the delete; the \
            lease is deleted only if it is still orphaned and unchanged since the newer report, with \
            preconditions {uid, resourceVersion}. Other findings are reported by check, not repaired \
            here: each still has a holder a deletion would hurt. Refuses a single report, reports \
            from another cluster, reports closer than --grace-period (at least 30s), a report older \
            than --max-report-age, and a lease that now names another claim than the one both \
            reports found missing.
            """
    )

    @OptionGroup var cluster: ClusterOptions

    @Option(name: .customLong("report"), help: "A report written by `ipamctl check --report`; give exactly two.")
    var reports: [String] = []

    @Flag(help: "Print what would be deleted; delete nothing.")
    var dryRun = false

    @Option(name: .customLong("grace-period"), help: "The least time between the two reports.")
    var gracePeriod = DurationArgument(.seconds(300), text: "5m")

    @Option(name: .customLong("max-report-age"), help: "The most time since either report.")
    var maxReportAge = DurationArgument(.seconds(3600), text: "1h")

    /// The smallest grace period accepted: the controller's own default orphan grace period.
    /// Two reports closer than that are not two observations of a leak.
    static let minimumGracePeriod: Duration = .seconds(30)

    func validate() throws {
        guard reports.count == 2 else {
            throw ValidationError("give exactly two reports (--report A --report B) taken at least --grace-period apart; got \(reports.count)")
        }
        guard gracePeriod.duration >= Self.minimumGracePeriod else {
            throw ValidationError("--grace-period \(gracePeriod) is shorter than 30s: one observation of an orphan is not enough")
        }
        guard gracePeriod.duration < maxReportAge.duration else {
            throw ValidationError("--grace-period \(gracePeriod) must be shorter than --max-report-age \(maxReportAge): both reports must be younger than the latter")
        }
    }

    func run() async throws {
        let loaded = try reports.map { path in (name: path, report: try Self.load(path)) }
        let rules = ReleasePlanner.Rules(gracePeriod: gracePeriod.seconds, maximumReportAge: maxReportAge.seconds)
        let outcomes = try await cluster.withClient { client in
            try await Self.release(loaded, client: client, rules: rules, dryRun: dryRun, now: Date())
        }
        if outcomes.contains(where: { if case .failed = $0.result { true } else { false } }) { throw ExitCode(1) }
    }

    /// Reads a report file; errors name the file and the field.
    static func load(_ path: String) throws -> CheckReport {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path)) } catch {
            throw CommandFailure("\(path): cannot be read: \(error.localizedDescription)")
        }
        do {
            return try CheckReport.decode(data)
        } catch let error as DecodingError {
            let (field, message) = ManifestReader.describe(error)
            throw CommandFailure("\(path): \(field.isEmpty ? "" : "\(field): ")\(message)")
        } catch {
            throw CommandFailure("\(path): not a check report: \(error)")
        }
    }

    /// What happened to one candidate.
    struct Outcome: Sendable {
        enum Result: Sendable, Equatable {
            case deleted
            case wouldDelete
            case skipped(String)
            case failed(String)
        }

        let object: Finding.Object
        let result: Result

        var line: String {
            switch result {
            case .deleted: "deleted \(object) (uid \(object.uid ?? "?"), resourceVersion \(object.resourceVersion ?? "?"))"
            case .wouldDelete: "would delete \(object) (uid \(object.uid ?? "?"), resourceVersion \(object.resourceVersion ?? "?"))"
            case .skipped(let why): "skipped \(object): \(why)"
            case .failed(let why): "failed \(object): \(why)"
            }
        }
    }

    /// Checks the reports against the cluster, then re-reads and deletes (or, with `dryRun`,
    /// only reports) each candidate, printing one line per candidate.
    static func release(
        _ reports: [(name: String, report: CheckReport)], client: KubernetesClient, rules: ReleasePlanner.Rules,
        dryRun: Bool, now: Date
    ) async throws -> [Outcome] {
        let identity = await ClusterReader(client: client).identity()
        let pair: (older: CheckReport, newer: CheckReport)
        do {
            pair = try ReleasePlanner.pair(reports, now: now, server: identity.server, clusterID: identity.id, rules: rules)
        } catch {
            throw CommandFailure(error.description)
        }
        let candidates = ReleasePlanner.candidates(older: pair.older, newer: pair.newer)
        if candidates.isEmpty {
            Terminal.print("Nothing to release: no IPLease was found orphaned by both reports.")
            return []
        }
        var outcomes: [Outcome] = []
        for candidate in candidates {
            let outcome = await release(candidate, client: client, dryRun: dryRun, olderReportTime: pair.older.time, now: now)
            Terminal.print(outcome.line)
            outcomes.append(outcome)
        }
        return outcomes
    }

    private static func release(
        _ candidate: ReleasePlanner.Candidate, client: KubernetesClient, dryRun: Bool, olderReportTime: Date, now: Date
    ) async -> Outcome {
        let leases = client.resource(IPLease.self)
        func failed(_ error: KubernetesError) -> Outcome { Outcome(object: candidate.object, result: .failed("\(error)")) }
        // Fresh reads from the API server: the lease, its claim, its pool.
        let lease: IPLease?
        do throws(KubernetesError) { lease = try await leases.get(candidate.object.name) } catch {
            guard error.isNotFound else { return failed(error) }
            lease = nil
        }
        var claim: IPClaim?
        var cooldown: Int64?
        if let lease {
            let ref = lease.spec.claimRef
            do throws(KubernetesError) { claim = try await client.resource(IPClaim.self, namespace: ref.namespace).get(ref.name) } catch {
                guard error.isNotFound else { return failed(error) }
            }
            do throws(KubernetesError) {
                let pool = try await client.resource(IPPool.self).get(lease.spec.pool)
                cooldown = pool.spec.reuseCooldownSeconds ?? IPAMAPI.defaultReuseCooldownSeconds
            } catch {
                guard error.isNotFound else { return failed(error) }
            }
        }
        let decision = ReleasePlanner.decide(
            candidate, lease: lease, claim: claim, poolCooldownSeconds: cooldown, olderReportTime: olderReportTime, now: now)
        switch decision {
        case .skip(let why):
            return Outcome(object: candidate.object, result: .skipped(why))
        case .delete(let uid, let resourceVersion):
            if dryRun { return Outcome(object: candidate.object, result: .wouldDelete) }
            do throws(KubernetesError) {
                try await leases.delete(
                    candidate.object.name,
                    options: DeleteOptions(preconditions: .init(uid: uid, resourceVersion: resourceVersion)))
                return Outcome(object: candidate.object, result: .deleted)
            } catch {
                if error.isConflict {
                    return Outcome(object: candidate.object, result: .skipped("changed just before the delete (409 Conflict on the preconditions)"))
                }
                if error.isNotFound { return Outcome(object: candidate.object, result: .skipped("gone just before the delete")) }
                return failed(error)
            }
        }
    }
}
