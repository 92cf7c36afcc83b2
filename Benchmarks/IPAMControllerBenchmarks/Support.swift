import Foundation
import IPAM
import IPAMController
import IPAMModel
import IPAMTestSupport
import KubernetesClient
import KubernetesClientTestKit
import KubernetesCore
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

let quiet = Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() })

struct BenchmarkFailure: Error, CustomStringConvertible {
    var description: String
}

// MARK: Options

/// Command-line options (no ArgumentParser: the target stays light).
struct Options: Sendable {
    var scenarios: [String] = []
    var runs = 3
    /// The controller client's rate limit; `nil` = off.
    var qps: Double?
    var burst = 100
    /// Print a timeline of each wave (every 250 ms: created, Bound, claim queue, requests).
    var timeline = false
    /// `IPAMControllerConfiguration.claimWorkers` (default 4, the executable's); an attribution
    /// experiment only.
    var claimWorkers = 4

    static func parse(_ arguments: [String]) throws -> Options {
        var options = Options()
        var iterator = arguments.makeIterator()
        while let argument = iterator.next() {
            switch argument {
            case "--runs":
                guard let value = iterator.next().flatMap(Int.init), value > 0 else {
                    throw BenchmarkFailure(description: "--runs needs a positive integer")
                }
                options.runs = value
            case "--qps":
                guard let value = iterator.next().flatMap(Double.init), value >= 0 else {
                    throw BenchmarkFailure(description: "--qps needs a number (0 = no limit)")
                }
                options.qps = value > 0 ? value : nil
            case "--burst":
                guard let value = iterator.next().flatMap(Int.init), value > 0 else {
                    throw BenchmarkFailure(description: "--burst needs a positive integer")
                }
                options.burst = value
            case "--claim-workers":
                guard let value = iterator.next().flatMap(Int.init), value > 0 else {
                    throw BenchmarkFailure(description: "--claim-workers needs a positive integer")
                }
                options.claimWorkers = value
            case "--timeline":
                options.timeline = true
            case "bind1k", "bind10k", "memory", "restart", "standin":
                options.scenarios.append(argument)
            case "all":
                options.scenarios += ["bind1k", "bind10k", "restart"]
            default:
                throw BenchmarkFailure(
                    description: """
                        unknown argument \(argument)
                        usage: IPAMControllerBenchmarks [bind1k|bind10k|restart|memory|all]... [--runs N] [--qps Q] [--burst B]
                          --qps 0 (default): the controller's client has no rate limit; --qps 50: the executable's default
                          'memory' reads the process's RSS: run it alone in its own process ('all' leaves it out)
                        """)
            }
        }
        if options.scenarios.isEmpty { options.scenarios = ["bind1k", "bind10k", "restart"] }
        return options
    }

    var clientOptions: KubernetesClient.Options {
        KubernetesClient.Options(qps: qps, burst: burst)
    }

    var qpsDescription: String {
        (qps.map { "qps \(Int($0)), burst \(burst)" } ?? "no client rate limit") + ", claimWorkers \(claimWorkers)"
    }

    /// The executable's defaults, with `claimWorkers` as given.
    var controllerConfiguration: IPAMControllerConfiguration {
        var configuration = IPAMControllerConfiguration()
        configuration.claimWorkers = claimWorkers
        return configuration
    }
}

// MARK: Stand-in

/// A stand-in serving the kinds the controller uses, and a "workload" client (no rate limit, its
/// own connection pool) that plays the users creating and deleting claims.
func withStandIn(
    historyLimit: Int = 20_000, _ body: (FakeAPIServer, KubernetesClient) async throws -> Void
) async throws {
    let configuration = FakeAPIServer.Configuration(
        watchHistoryLimit: historyLimit, isGarbageCollectorEnabled: false, logger: quiet)
    try await FakeAPIServer.withRunning(configuration) { server in
        await server.registerIPAMKinds()
        try await KubernetesClient.withClient(
            configuration: ClientConfiguration(server: server.baseURL),
            options: .init(qps: nil, requestTimeout: .seconds(60)), logger: quiet
        ) { workload in
            try await body(server, workload)
        }
    }
}

/// Seeds namespaces `team-0` … `team-(count-1)`.
func seedNamespaces(_ server: FakeAPIServer, count: Int) async throws {
    for index in 0..<count {
        try await server.seed(
            JSONValue(encoding: Namespace(metadata: ObjectMeta(name: "team-\(index)", labels: ["team": "t\(index)"]))))
    }
}

/// The pool, validated here so that a figure is never quoted for the wrong size.
func poolObject(_ name: String, cidrs: [String], exclude: [String]? = nil, expectedSize: Int? = nil) throws -> IPPool {
    let pool = IPPool(
        metadata: ObjectMeta(name: name),
        spec: IPPoolSpec(cidrs: cidrs, exclude: exclude, strategy: "Sequential", reuseCooldownSeconds: 0))
    let definition = try PoolDefinition(validating: pool)
    let size = definition.layout.spaces[.ipv4]?.size ?? 0
    if let expectedSize, size != UInt128(expectedSize) {
        throw BenchmarkFailure(description: "pool \(name) has \(size) allocatable addresses, not \(expectedSize)")
    }
    return pool
}

// MARK: Reading the stand-in's objects (no API request, no decoding)

func isBound(_ claim: JSONValue) -> Bool {
    claim["status"]?["conditions"]?.arrayValue?.contains {
        $0["type"]?.stringValue == IPAMAPI.ConditionType.bound && $0["status"]?.stringValue == "True"
    } ?? false
}

func claimKey(_ claim: JSONValue) -> String {
    "\(claim["metadata"]?["namespace"]?.stringValue ?? "")/\(claim["metadata"]?["name"]?.stringValue ?? "")"
}

func boundAddresses(_ claim: JSONValue) -> [String] {
    (claim["status"]?["addresses"]?.arrayValue ?? []).compactMap { $0["address"]?.stringValue }
}

func storedClaims(_ server: FakeAPIServer) async throws -> [JSONValue] {
    try await server.objects(group: IPClaim.group, plural: IPClaim.plural)
}

func storedLeases(_ server: FakeAPIServer) async throws -> [JSONValue] {
    try await server.objects(group: IPLease.group, plural: IPLease.plural)
}

/// Polls `condition` every `interval` until it holds; throws after `limit`.
func waitUntil(
    _ what: String, every interval: Duration = .milliseconds(5), within limit: Duration,
    _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now.advanced(by: limit)
    while try await !condition() {
        guard ContinuousClock.now < deadline else { throw BenchmarkFailure(description: "timed out waiting for \(what)") }
        try await Task.sleep(for: interval)
    }
}

/// Waits until the request log has not grown for `quiet`, at most `limit`: the writes that
/// follow a burst (pool status, events) are then in.
func waitForQuietRequestLog(_ server: FakeAPIServer, quiet: Duration, within limit: Duration) async throws -> Bool {
    let deadline = ContinuousClock.now.advanced(by: limit)
    var count = server.requests.count
    var since = ContinuousClock.now
    while ContinuousClock.now < deadline {
        try await Task.sleep(for: .milliseconds(100))
        let now = server.requests.count
        if now != count {
            count = now
            since = .now
        } else if since.duration(to: .now) >= quiet {
            return true
        }
    }
    return false
}

// MARK: Request accounting

/// Writes (POST, PUT, PATCH) of the IPAM kinds and Events in `requests`, by "plural[/subresource] METHOD".
struct WriteCount: Sendable {
    static let kinds: Set<String> = ["ipclaims", "ipleases", "ippools", "events"]
    var byKind: [String: Int] = [:]
    var total = 0
    var conflicts = 0
    /// 409 answers by "plural[/subresource] METHOD".
    var conflictsByKind: [String: Int] = [:]
    var deletes = 0
    var reads = 0

    init(_ requests: [RecordedRequest]) {
        for request in requests {
            guard let resource = request.resource, Self.kinds.contains(resource) else { continue }
            let key = resource + (request.subresource.map { "/\($0)" } ?? "") + " " + request.method
            if request.statusCode == 409 {
                conflicts += 1
                conflictsByKind[key, default: 0] += 1
            }
            switch request.method {
            case "POST", "PUT", "PATCH":
                byKind[key, default: 0] += 1
                total += 1
            case "DELETE": deletes += 1
            default: reads += 1
            }
        }
    }

    /// The controller's writes: all but the claims' creates, which the benchmark (the users) sends;
    /// the controller never creates a claim here (no Pods).
    var controllerTotal: Int { total - (byKind["ipclaims POST"] ?? 0) }

    func perClaim(_ claims: Int) -> String { format(Double(controllerTotal) / Double(claims), 2) }

    var conflictBreakdown: String {
        conflictsByKind.isEmpty ? "none" : conflictsByKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    func breakdown(_ claims: Int) -> String {
        byKind.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value) (\(format(Double($0.value) / Double(claims), 3))/claim)" }
            .joined(separator: ", ")
    }
}

// MARK: CPU

/// User + system CPU time of this process so far, in seconds (getrusage).
func processCPUSeconds() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return seconds(usage.ru_utime) + seconds(usage.ru_stime)
}

/// The 1-minute load average (machine-wide: other processes too).
func loadAverage() -> String {
    (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").first.map(String.init) ?? "?"
}

// MARK: Memory

/// VmRSS of this process in bytes, from /proc/self/status.
func residentBytes() -> Int {
    statusField("VmRSS:")
}

/// VmHWM (peak RSS) in bytes.
func peakResidentBytes() -> Int {
    statusField("VmHWM:")
}

private func statusField(_ field: String) -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
    for line in text.split(separator: "\n") where line.hasPrefix(field) {
        let kib = line.dropFirst(field.count).split(whereSeparator: { $0 == " " || $0 == "\t" }).first.flatMap { Int($0) } ?? 0
        return kib * 1024
    }
    return 0
}

/// glibc's malloc_trim(0), looked up with dlsym (Swift's Glibc module does not import
/// <malloc.h>): returns freed heap pages to the kernel, so RSS shows what is live.
@discardableResult
func mallocTrim() -> Bool {
    #if os(Linux)
    typealias Trim = @convention(c) (Int) -> Int32
    guard let symbol = dlsym(nil, "malloc_trim") else { return false }
    return unsafeBitCast(symbol, to: Trim.self)(0) == 1
    #else
    return false
    #endif
}

func mib(_ bytes: Int) -> String { format(Double(bytes) / 1_048_576, 1) + " MiB" }

// MARK: Numbers

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    var ms: String { format(seconds * 1000, 0) + " ms" }
    var s: String { format(seconds, 2) + " s" }
}

func format(_ value: Double, _ digits: Int) -> String {
    String(format: "%.\(digits)f", value)
}

/// The `q`-quantile (nearest rank) of `values`.
func quantile(_ values: [Duration], _ q: Double) -> Duration {
    guard !values.isEmpty else { return .zero }
    let sorted = values.sorted()
    let rank = Int((q * Double(sorted.count)).rounded(.up)) - 1
    return sorted[min(max(rank, 0), sorted.count - 1)]
}

func median(_ values: [Duration]) -> Duration { quantile(values, 0.5) }

func median(_ values: [Double]) -> Double {
    guard !values.isEmpty else { return 0 }
    let sorted = values.sorted()
    return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
}

func median(_ values: [Int]) -> Int { Int(median(values.map(Double.init)).rounded()) }

func say(_ line: String) {
    print(line)
    fflush(nil)  // every output stream: the log is read with tail while a run goes on
}
