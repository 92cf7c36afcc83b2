import IPAM
import Metrics
import Synchronization

/// The controller's domain metrics (DESIGN.md, issue 5):
///
/// - `ipam_pool_addresses{pool,family,state}`: size, allocated, free, cooling (gauges; IPv6 sizes
///   beyond 2^53 lose precision as floating point, which a dashboard does not notice).
/// - `ipam_claims{state}`: Bound and Pending claims (gauges).
/// - `ipam_allocation_duration_seconds`: claim created → Bound (timer / histogram).
/// - `ipam_lease_conflicts_total`: lease creates that met AlreadyExists (another writer won).
/// - `ipam_leases_released_total{reason}`: `claim_deleted`, `orphaned`, `pod_deleted`.
final class IPAMMetrics: Sendable {
    private let factory: any MetricsFactory
    let allocationDuration: Metrics.Timer
    let leaseConflicts: Counter
    private let gauges = Mutex<[String: Gauge]>([:])
    private let releases = Mutex<[String: Counter]>([:])

    init(factory: any MetricsFactory) {
        self.factory = factory
        allocationDuration = Metrics.Timer(label: "ipam_allocation_duration_seconds", factory: factory)
        leaseConflicts = Counter(label: "ipam_lease_conflicts_total", factory: factory)
    }

    /// Records a pool's counts for each family it has.
    func recordPool(_ pool: String, usage: [IPAddress.Family: FamilyUsage]) {
        for (family, counts) in usage {
            let values: [(String, UInt128)] = [
                ("size", counts.size), ("allocated", counts.allocated), ("free", counts.free), ("cooling", counts.cooling),
            ]
            for (state, value) in values {
                gauge("ipam_pool_addresses", [("pool", pool), ("family", family.rawValue), ("state", state)])
                    .record(Double(value))
            }
        }
    }

    /// Records how many claims are bound and pending.
    func recordClaims(bound: Int, pending: Int) {
        gauge("ipam_claims", [("state", "Bound")]).record(bound)
        gauge("ipam_claims", [("state", "Pending")]).record(pending)
    }

    /// Counts a released lease.
    func leaseReleased(reason: String) {
        let counter = releases.withLock { counters in
            if let counter = counters[reason] { return counter }
            let counter = Counter(label: "ipam_leases_released_total", dimensions: [("reason", reason)], factory: factory)
            counters[reason] = counter
            return counter
        }
        counter.increment()
    }

    private func gauge(_ label: String, _ dimensions: [(String, String)]) -> Gauge {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        return gauges.withLock { gauges in
            if let gauge = gauges[key] { return gauge }
            let gauge = Gauge(label: label, dimensions: dimensions, factory: factory)
            gauges[key] = gauge
            return gauge
        }
    }
}
