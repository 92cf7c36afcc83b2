import Foundation
import IPAM
import IPAMModel
import Metrics
import Synchronization

/// The controller's domain metrics (DESIGN.md, issues 5 and 6):
///
/// - `ipam_pool_addresses{pool,family,state}`: size, allocated, free, cooling (gauges; IPv6 sizes
///   beyond 2^53 lose precision as floating point, which a dashboard does not notice). Recorded
///   when a pool's status is refreshed; removed when the pool is gone.
/// - `ipam_claims{state}`: Bound and Pending (not Bound) claims (gauges, sampled).
/// - `ipam_claims_waiting{pool}`: claims not Bound, by the pool their spec names; claims that
///   select pools by label are counted under `pool=""` (in Prometheus: no `pool` label). Every
///   cached pool has a series, 0 when nothing waits for it (sampled).
/// - `ipam_claim_oldest_waiting_seconds{pool}`: the age (since creation) of the oldest of those
///   claims, 0 when none waits (sampled).
/// - `ipam_orphaned_leases`: leases seen without their claim (by UID) and not released yet, i.e.
///   inside the orphan grace period or failing to be released (sampled). The IPClaims of gone
///   Pods, which the same tracker holds, are not counted.
/// - `ipam_allocation_duration_seconds`: claim created → Bound (timer / histogram).
/// - `ipam_lease_conflicts_total`: lease creates that met AlreadyExists (another writer won).
/// - `ipam_leases_released_total{reason}`: `claim_deleted`, `orphaned`, `pod_deleted`, `duplicate`.
///
/// ## Guarantees
/// - The gauges are reported only by the replica running the controllers (the leader):
///   ``removeGauges()`` takes them out of the scrape when its term ends, so a standby never
///   reports a former term's numbers. Counters and the timer stay (they only ever add up).
/// - Sampled gauges are at most ``samplingInterval`` old while the controllers run, and are read
///   from the informer caches (which may lag the API server by a watch event).
///
/// ## Not guaranteed
/// - `ipam_claim_oldest_waiting_seconds` counts from the claim's creation, not from when it last
///   stopped being Bound (claims normally never are unbound), and includes claims that will never
///   be bound (`Invalid`, `NotPermitted`) until they are deleted.
/// - `ipam_orphaned_leases` counts what this process has observed: right after a start or a
///   change of leader it is 0 until the lease reconciler has looked at every lease.
final class IPAMMetrics: Sendable {
    /// How often the sampled gauges are refreshed while the controllers run.
    static let samplingInterval: Duration = .seconds(5)

    private let factory: any MetricsFactory
    let allocationDuration: Metrics.Timer
    let leaseConflicts: Counter
    private let gauges = Mutex<[String: Gauge]>([:])
    private let releases = Mutex<[String: Counter]>([:])
    /// The `pool` values of the `ipam_claims_waiting` series of the last sample.
    private let waitingPools = Mutex<Set<String>>([])

    init(factory: any MetricsFactory) {
        self.factory = factory
        allocationDuration = Metrics.Timer(label: "ipam_allocation_duration_seconds", factory: factory)
        leaseConflicts = Counter(label: "ipam_lease_conflicts_total", factory: factory)
    }

    /// Records a pool's counts for each family it has.
    func recordPool(_ pool: String, usage: [IPAddress.Family: FamilyUsage]) {
        for (family, counts) in usage {
            let values: [(String, UInt128)] = [
                ("size", counts.size), ("allocated", counts.allocated), ("free", counts.free),
                ("cooling", counts.cooling),
            ]
            for (state, value) in values {
                gauge("ipam_pool_addresses", [("pool", pool), ("family", family.rawValue), ("state", state)])
                    .record(Double(value))
            }
        }
    }

    /// Takes a deleted pool's address counts out of the scrape.
    func forgetPool(_ pool: String) {
        let prefix = Self.key("ipam_pool_addresses", [("pool", pool)]) + "|"
        let removed = gauges.withLock { gauges in
            let keys = gauges.keys.filter { $0.hasPrefix(prefix) }
            return keys.compactMap { gauges.removeValue(forKey: $0) }
        }
        for gauge in removed { gauge.destroy() }
    }

    /// Records the claim gauges from one look at the claims: `total` claims, of which `waiting`
    /// are not Bound; `pools` are the names of the cached pools (each gets a waiting series).
    /// Series of pools that are neither cached nor waited for any more are removed.
    func recordClaims(total: Int, waiting: [IPClaim], pools: [String], now: Date) {
        gauge("ipam_claims", [("state", "Bound")]).record(total - waiting.count)
        gauge("ipam_claims", [("state", "Pending")]).record(waiting.count)

        var byPool: [String: (count: Int, oldest: Double)] = Dictionary(
            uniqueKeysWithValues: pools.map { ($0, (0, 0)) })
        for claim in waiting {
            let age = claim.metadata.creationTimestamp.map { max(0, now.timeIntervalSince($0)) } ?? 0
            let pool = claim.spec.pool ?? ""
            let current = byPool[pool] ?? (0, 0)
            byPool[pool] = (current.count + 1, max(current.oldest, age))
        }
        for (pool, waiting) in byPool {
            gauge("ipam_claims_waiting", [("pool", pool)]).record(waiting.count)
            gauge("ipam_claim_oldest_waiting_seconds", [("pool", pool)]).record(waiting.oldest)
        }
        let gone = waitingPools.withLock { previous in
            defer { previous = Set(byPool.keys) }
            return previous.subtracting(byPool.keys)
        }
        for pool in gone {
            removeGauge("ipam_claims_waiting", [("pool", pool)])
            removeGauge("ipam_claim_oldest_waiting_seconds", [("pool", pool)])
        }
    }

    /// Records how many leases are suspected orphans now.
    func recordOrphanedLeases(_ count: Int) {
        gauge("ipam_orphaned_leases", []).record(count)
    }

    /// Counts a released lease.
    func leaseReleased(reason: String) {
        let counter = releases.withLock { counters in
            if let counter = counters[reason] { return counter }
            let counter = Counter(
                label: "ipam_leases_released_total", dimensions: [("reason", reason)], factory: factory)
            counters[reason] = counter
            return counter
        }
        counter.increment()
    }

    /// Takes every gauge out of the scrape (this replica stopped running the controllers): a
    /// standby must not report a former term's numbers. The next term records them again.
    func removeGauges() {
        let removed = gauges.withLock { gauges in
            defer { gauges.removeAll() }
            return Array(gauges.values)
        }
        waitingPools.withLock { $0.removeAll() }
        for gauge in removed { gauge.destroy() }
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)]) -> Gauge {
        gauges.withLock { gauges in
            let key = Self.key(label, dimensions)
            if let gauge = gauges[key] { return gauge }
            let gauge = Gauge(label: label, dimensions: dimensions, factory: factory)
            gauges[key] = gauge
            return gauge
        }
    }

    private func removeGauge(_ label: String, _ dimensions: [(String, String)]) {
        gauges.withLock { $0.removeValue(forKey: Self.key(label, dimensions)) }?.destroy()
    }

    private static func key(_ label: String, _ dimensions: [(String, String)]) -> String {
        label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
    }
}
