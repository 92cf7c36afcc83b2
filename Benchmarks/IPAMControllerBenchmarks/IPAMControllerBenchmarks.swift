// IPAM controller benchmarks (issue 5): the whole controller (caches, four reconcilers, event
// recorder) against the in-process stand-in (FakeAPIServer) over plain HTTP on loopback.
//
//   IPAM_BENCHMARKS=1 swift build -c release --scratch-path .build-bench --product IPAMControllerBenchmarks
//   .build-bench/release/IPAMControllerBenchmarks [bind1k] [bind10k] [restart] [standin] [--runs N] [--qps Q]
//   .build-bench/release/IPAMControllerBenchmarks memory        # alone: it reads this process's RSS
//   attribution switches: --timeline (created/Bound/queues/requests every 250 ms of a wave),
//   --claim-workers N (default 4, the executable's).
//
// Why a plain executable and not ordo-one/benchmark: these are one-shot scenarios (set up a
// stand-in, run until a condition, read a dozen figures of different kinds: percentiles, writes
// per kind, conflicts, RSS at chosen instants), which the harness's one-metric-per-iteration model
// and forked runs fit badly; and its malloc interposer (the package's `MallocInterposer` trait)
// adds a header to every allocation, which would skew the resident-memory scenario. So this target
// prints a table of medians over `--runs` runs (default 3) itself.
//
// Conditions common to every scenario: controller configuration = `IPAMControllerConfiguration()`
// (the executable's defaults: 4 claim workers, 2 workers elsewhere, poolStatusInterval 1 s,
// orphanGracePeriod 30 s, resync 600 s, default watcher); pools have `reuseCooldownSeconds: 0` so
// released addresses return at once; the controller's client has no rate limit unless `--qps` is
// given (the executable's default is `--kube-api-qps 50 --kube-api-burst 100`). Claims are created
// and deleted by a separate client (no rate limit, 8 tasks). The stand-in, the client and the
// controller share the machine's cores: every figure is end to end on this machine.
//
// Scenarios:
// - bind1k: 1,000 claims (100 namespaces × 10) on a pool of exactly 1,000 allocatable addresses
//   (10.0.0.0/22 = 1,024, less network and broadcast, less the 22 excluded 10.0.3.233–10.0.3.254),
//   then every claim deleted and the same 1,000 created again.
// - bind10k: 10,000 claims (100 namespaces × 100) on a /18 (16,382 addresses).
//   For both: "all Bound" = first create sent → the poller (reading the stand-in's store directly,
//   no HTTP, every 10 ms, or 19× the last poll's duration if longer, so that it takes at most ~5%
//   of one core; the mean poll is printed) sees every claim Bound. Per-claim latency = that claim's create
//   answered (our own instant: creationTimestamp has second precision) → first poll that saw it
//   Bound (so + up to one poll interval). Writes = POST/PUT/PATCH of ipclaims, ipleases, ippools, events in
//   the stand-in's request log from the first create, counted when all are Bound and again once the
//   log has been quiet for 1.5 s (the coalesced pool status and the event recorder's writes are
//   then in), ÷ claims. Conflicts = `ipam_lease_conflicts_total` (TestMetrics) and 409 answers.
//   Duplicates = addresses found in two Bound claims (must be 0).
// - restart: 10,000 Bound claims and their 10,000 leases seeded; a fresh controller starts;
//   time to `cache.hasSynced`, to every controller started, and to one new claim Bound.
// - standin: attribution only: 4,000 IPLease creates, 4 in flight, no controller: the stand-in
//   and client's own write rate on this machine, the ceiling of the controller's writes.
// - memory: 100,000 Bound claims and 100,000 leases seeded; see `runMemory`.
import Foundation

@main
struct IPAMControllerBenchmarks {
    static func main() async {
        do {
            let options = try Options.parse(Array(CommandLine.arguments.dropFirst()))
            say("IPAM controller benchmarks: \(options.scenarios.joined(separator: ", ")); \(options.runs) run(s); controller client: \(options.qpsDescription)")
            var table: [(String, String)] = []
            for scenario in options.scenarios {
                switch scenario {
                case "bind1k":
                    let spec = BindScenario(
                        namespaces: 100, claimsPerNamespace: 10, cidrs: ["10.0.0.0/22"],
                        exclude: ["10.0.3.233-10.0.3.254"], expectedPoolSize: 1000, recreate: true,
                        pollInterval: .milliseconds(10), limit: .seconds(options.qps == nil ? 120 : 600))
                    table += try await bind("1k", spec, options: options)
                case "bind10k":
                    let spec = BindScenario(
                        namespaces: 100, claimsPerNamespace: 100, cidrs: ["10.0.0.0/18"], exclude: nil,
                        expectedPoolSize: 16382, recreate: false, pollInterval: .milliseconds(10),
                        limit: .seconds(options.qps == nil ? 600 : 3600))
                    table += try await bind("10k", spec, options: options)
                case "restart":
                    table += try await restart(options: options)
                case "memory":
                    table += try await memory(options: options)
                case "standin":
                    var rates: [Double] = []
                    for run in 1...options.runs {
                        let rate = try await runStandInWrites()
                        say("standin run \(run): \(Int(rate)) lease creates/s (4 tasks, no controller)")
                        rates.append(rate)
                    }
                    table.append(("stand-in only: IPLease creates/s, 4 in flight", "\(Int(median(rates)))"))
                default: break
                }
            }
            say("")
            say("| figure | value |")
            say("|---|---|")
            for (name, value) in table { say("| \(name) | \(value) |") }
        } catch {
            say("FAILED: \(error)")
            exit(1)
        }
    }

    static func describe(_ wave: Wave, total: Int, options: Options) -> String {
        "all Bound \(wave.allBound.ms) (creates done \(wave.created.ms); CPU \(format(wave.cpu, 2)) s = \(format(wave.cpu / wave.allBound.seconds, 2)) cores; load avg \(wave.load)); p50 \(wave.p50.ms), p99 \(wave.p99.ms), max \(wave.max.ms); "
            + "writes/claim \(wave.writesAtBound.perClaim(total)) at Bound, \(wave.writesSettled.perClaim(total)) settled\(wave.settled ? "" : " (log not quiet)"); "
            + "conflicts metric \(wave.conflictMetric), 409s \(wave.writesSettled.conflicts) (\(wave.writesSettled.conflictBreakdown)); bound \(wave.bound), leases \(wave.leases), duplicates \(wave.duplicates)\n"
            + "      settled writes: \(wave.writesSettled.breakdown(total))"
            + (options.timeline ? wave.timeline : Array(wave.timeline.suffix(1))).map { "\n      " + $0 }.joined()
    }

    static func bind(_ label: String, _ spec: BindScenario, options: Options) async throws -> [(String, String)] {
        var results: [BindResult] = []
        for run in 1...options.runs {
            say("bind\(label) run \(run): \(spec.total) claims …")
            let result = try await spec.run(options: options)
            say("  first:  " + describe(result.first, total: spec.total, options: options))
            if let again = result.again, let deletion = result.deletion {
                say("  delete all → no claim, no lease: \(deletion.ms)")
                say("  again:  " + describe(again, total: spec.total, options: options))
            }
            guard result.first.duplicates == 0, (result.again?.duplicates ?? 0) == 0 else {
                throw BenchmarkFailure(description: "duplicate addresses")
            }
            results.append(result)
        }
        func rows(_ name: String, _ waves: [Wave]) -> [(String, String)] {
            let writes = waves.map { Double($0.writesSettled.controllerTotal) / Double(spec.total) }
            let atBound = waves.map { Double($0.writesAtBound.controllerTotal) / Double(spec.total) }
            let byKind = Set(waves.flatMap { $0.writesSettled.byKind.keys }).sorted().map { key in
                "\(key) \(format(median(waves.map { Double($0.writesSettled.byKind[key] ?? 0) / Double(spec.total) }), 2))"
            }
            return [
                ("\(name): all \(spec.total) Bound (median of \(waves.count))", median(waves.map(\.allBound)).ms
                    + " (runs: \(waves.map(\.allBound.ms).joined(separator: ", ")))"),
                ("\(name): claim→Bound p50 / p99", "\(median(waves.map(\.p50)).ms) / \(median(waves.map(\.p99)).ms)"),
                ("\(name): controller API writes per claim (settled; at all-Bound)", "\(format(median(writes), 2)); \(format(median(atBound), 2))"),
                ("\(name): writes per claim by kind (ipclaims POST = the users' creates)", byKind.joined(separator: ", ")),
                ("\(name): lease conflicts (metric / 409s), max over runs",
                 "\(waves.map(\.conflictMetric).max() ?? 0) / \(waves.map(\.writesSettled.conflicts).max() ?? 0)"),
                ("\(name): duplicates (all runs)", "\(waves.map(\.duplicates).reduce(0, +))"),
            ]
        }
        var table = rows("bind\(label)", results.map(\.first))
        let again = results.compactMap(\.again)
        if !again.isEmpty {
            table.append(("bind\(label): delete all → no claim/lease left", median(results.compactMap(\.deletion)).ms))
            table += rows("bind\(label) re-created", again)
        }
        return table
    }

    static func restart(options: Options) async throws -> [(String, String)] {
        var results: [RestartResult] = []
        for run in 1...options.runs {
            say("restart run \(run): 10,000 claims + 10,000 leases seeded …")
            let result = try await runRestart(options: options)
            say(
                "  synced \(result.synced.ms), controllers started \(result.started.ms), new claim Bound \(result.newClaimBound.ms) "
                    + "(create→Bound \(result.createToBound.ms)), start-up reconciles drained \(result.drained?.ms ?? "-"); "
                    + "\(result.listRequests) list requests; writes \(result.startupWrites.total): \(result.startupWrites.breakdown(1))")
            results.append(result)
        }
        return [
            ("restart 10k: run() → cache.hasSynced", median(results.map(\.synced)).ms),
            ("restart 10k: run() → all controllers started", median(results.map(\.started)).ms),
            ("restart 10k: run() → new claim Bound", median(results.map(\.newClaimBound)).ms
                + " (runs: \(results.map(\.newClaimBound.ms).joined(separator: ", ")))"),
            ("restart 10k: new claim create→Bound", median(results.map(\.createToBound)).ms),
            ("restart 10k: run() → start-up reconciles drained", median(results.compactMap(\.drained)).ms),
        ]
    }

    static func memory(options: Options) async throws -> [(String, String)] {
        say("memory: 100,000 claims + 100,000 leases …")
        let result = try await runMemory(options: options)
        say(
            "  VmRSS before seeding \(mib(result.beforeSeeding)), after seeding \(mib(result.afterSeeding)) "
                + "(trimmed \(mib(result.seedingAfterTrim))), at sync \(mib(result.afterSync)) (after \(result.syncTime.ms)), "
                + "start-up reconciles drained \(mib(result.afterDrain)) (after \(result.drainTime.ms)), trimmed \(mib(result.afterTrim)); "
                + "VmHWM \(mib(result.peak)); start-up writes \(result.startupWrites.total): \(result.startupWrites.breakdown(1))")
        return [
            ("memory 100k+100k: VmRSS before seeding / after seeding", "\(mib(result.beforeSeeding)) / \(mib(result.afterSeeding))"),
            ("memory: controller share at sync (sync − seeded)", mib(result.afterSync - result.afterSeeding)
                + " (sync took \(result.syncTime.ms))"),
            ("memory: controller share, reconciles drained (− seeded)", mib(result.afterDrain - result.afterSeeding)),
            ("memory: controller share after malloc_trim (− seeded, trimmed)", mib(result.afterTrim - result.seedingAfterTrim)),
            ("memory: process VmRSS at sync / VmHWM", "\(mib(result.afterSync)) / \(mib(result.peak))"),
        ]
    }
}
