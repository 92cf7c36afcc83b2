/// One named contribution to a process's health probes.
///
/// - `isReady`: whether this part can serve (for a reflector: its cache has synced). Readiness
///   gates traffic and rollouts, never restarts.
/// - `isLive`: whether this part is making progress or can recover on its own (for a reflector:
///   its watcher is not wedged). A failing liveness probe restarts the container, so return
///   `false` only when a restart is the remedy.
///
/// Both are called from probe handlers: they must be cheap and must not block.
public struct HealthCheck: Sendable {
    /// A short name for reports (`reflector:ipclaims`).
    public let name: String
    /// Whether this part is ready.
    public let isReady: @Sendable () -> Bool
    /// Whether this part is alive.
    public let isLive: @Sendable () -> Bool

    public init(name: String, isReady: @escaping @Sendable () -> Bool, isLive: @escaping @Sendable () -> Bool = { true }) {
        self.name = name
        self.isReady = isReady
        self.isLive = isLive
    }
}

/// The result of evaluating health checks: overall and per check, for `/readyz` and `/healthz`
/// bodies (`[+]name ok` / `[-]name failed`, as the Kubernetes API server writes them).
public struct HealthReport: Hashable, Sendable, CustomStringConvertible {
    /// Each check's name and whether it passed, in registration order.
    public var checks: [(name: String, passed: Bool)] {
        zip(names, results).map { ($0, $1) }
    }
    private let names: [String]
    private let results: [Bool]

    /// Whether every check passed.
    public var passed: Bool { !results.contains(false) }

    /// Evaluates `probe` of each of `checks`.
    public init(_ checks: [HealthCheck], probe: (HealthCheck) -> Bool) {
        names = checks.map(\.name)
        results = checks.map(probe)
    }

    /// Readiness of `checks`.
    public static func readiness(_ checks: [HealthCheck]) -> HealthReport {
        HealthReport(checks) { $0.isReady() }
    }

    /// Liveness of `checks`.
    public static func liveness(_ checks: [HealthCheck]) -> HealthReport {
        HealthReport(checks) { $0.isLive() }
    }

    /// `[+]name ok` / `[-]name failed` lines, then `ok` or `failed`.
    public var description: String {
        var lines = zip(names, results).map { "[\($1 ? "+" : "-")]\($0) \($1 ? "ok" : "failed")" }
        lines.append(passed ? "ok" : "failed")
        return lines.joined(separator: "\n")
    }
}
