import Foundation
@testable import IPAMCtlKit
import IPAMModel
import IPAMTestSupport
import KubernetesClient
import KubernetesClientTestKit
import KubernetesCore
import Synchronization
import Testing

/// The stand-in API server with the IPAM kinds, a client of it, and a kubeconfig file naming it,
/// so commands run end to end: flags → kubeconfig → HTTP → stand-in.
struct TestCluster {
    let server: FakeAPIServer
    let client: KubernetesClient
    let kubeconfig: String
    let directory: URL

    static func with(_ body: (TestCluster) async throws -> Void) async throws {
        try await FakeAPIServer.withRunning { server in
            await server.registerIPAMKinds()
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ipamctl-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let kubeconfig = directory.appendingPathComponent("kubeconfig").path
            try """
                apiVersion: v1
                kind: Config
                clusters:
                - name: stand-in
                  cluster: {server: "\(server.baseURL.absoluteString)"}
                users:
                - name: tester
                  user: {}
                contexts:
                - name: stand-in
                  context: {cluster: stand-in, user: tester}
                current-context: stand-in
                """.write(toFile: kubeconfig, atomically: true, encoding: .utf8)
            try await KubernetesClient.withClient(
                configuration: ClientConfiguration(server: server.baseURL), options: .init(qps: nil, requestTimeout: .seconds(10))
            ) { client in
                try await body(TestCluster(server: server, client: client, kubeconfig: kubeconfig, directory: directory))
            }
        }
    }

    /// A path in this test's directory.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Runs `ipamctl ARGUMENTS --kubeconfig FILE`, capturing what it prints.
    func ipamctl(_ arguments: String...) async -> CommandRun {
        await runIPAMCtl(arguments + ["--kubeconfig", kubeconfig])
    }

    // MARK: Seeding

    static let created = Date(timeIntervalSince1970: 1_700_000_000)

    @discardableResult
    func pool(
        _ name: String, cidrs: [String], gateways: [String]? = nil, created: Date = TestCluster.created,
        conditions: [Condition]? = nil
    ) async throws -> IPPool {
        try await server.seed(IPPool(
            metadata: ObjectMeta(name: name, uid: "uid-pool-\(name)", creationTimestamp: created),
            spec: IPPoolSpec(cidrs: cidrs, gateways: gateways),
            status: conditions.map { IPPoolStatus(conditions: $0) }))
    }

    /// A claim; Bound to `addresses` from `pool` when addresses are given.
    @discardableResult
    func claim(
        _ namespace: String, _ name: String, pool: String, addresses: [String] = [], families: [String]? = nil,
        ownerPod: String? = nil
    ) async throws -> IPClaim {
        var metadata = ObjectMeta(name: name, namespace: namespace, uid: "uid-claim-\(name)", creationTimestamp: TestCluster.created)
        if let ownerPod {
            metadata.ownerReferences = [OwnerReference(apiVersion: "v1", kind: "Pod", name: ownerPod, uid: "uid-pod-\(ownerPod)", controller: true)]
        }
        var status: IPClaimStatus?
        if !addresses.isEmpty {
            status = IPClaimStatus(
                pool: pool, addresses: addresses.map { ClaimAddress(address: $0, prefixLength: 24) },
                conditions: [Condition(type: "Bound", status: .true, lastTransitionTime: TestCluster.created, reason: "Bound", message: "bound")])
        }
        return try await server.seed(IPClaim(metadata: metadata, spec: IPClaimSpec(pool: pool, ipFamilies: families), status: status))
    }

    /// A lease named `name` (default: the address) for `claim` (`namespace/name`, its UID as
    /// ``claim(_:_:pool:addresses:families:ownerPod:)`` makes it).
    @discardableResult
    func lease(
        _ address: String, pool: String, claim: String, name: String? = nil, released: Date? = nil
    ) async throws -> IPLease {
        let parts = claim.split(separator: "/").map(String.init)
        return try await server.seed(IPLease(
            metadata: ObjectMeta(
                name: name ?? address, uid: "uid-lease-\(name ?? address)", creationTimestamp: TestCluster.created,
                labels: [IPAMAPI.poolLabel: pool]),
            spec: IPLeaseSpec(address: address, pool: pool, claimRef: ClaimReference(namespace: parts[0], name: parts[1], uid: "uid-claim-\(parts[1])")),
            status: released.map { IPLeaseStatus(releasedAt: $0) }))
    }

    @discardableResult
    func pod(_ namespace: String, _ name: String) async throws -> Pod {
        try await server.seed(Pod(metadata: ObjectMeta(name: name, namespace: namespace, uid: "uid-pod-\(name)")))
    }

    /// A healthy cluster: pool blue (10.10.0.0/24, gateway .1) with shop/web-0 on .2 and the
    /// claim of Pod shop/pod-a on .3; pool v6 (fd00::/64), empty.
    func seedHealthy() async throws {
        try await pool("blue", cidrs: ["10.10.0.0/24"], gateways: ["10.10.0.1"], created: TestCluster.created.addingTimeInterval(-100))
        try await pool("v6", cidrs: ["fd00::/64"])
        try await claim("shop", "web-0", pool: "blue", addresses: ["10.10.0.2"])
        try await lease("10.10.0.2", pool: "blue", claim: "shop/web-0")
        try await pod("shop", "pod-a")
        try await claim("shop", "pod-a", pool: "blue", addresses: ["10.10.0.3"], ownerPod: "pod-a")
        try await lease("10.10.0.3", pool: "blue", claim: "shop/pod-a")
    }

    /// The healthy cluster plus one of each problem `check` finds.
    func seedBroken() async throws {
        try await seedHealthy()
        // A lease whose claim is gone.
        try await lease("10.10.0.9", pool: "blue", claim: "shop/gone")
        // Two claims naming one address; the lease is dup-a's.
        try await claim("shop", "dup-a", pool: "blue", addresses: ["10.10.0.5"])
        try await claim("shop", "dup-b", pool: "blue", addresses: ["10.10.0.5"])
        try await lease("10.10.0.5", pool: "blue", claim: "shop/dup-a")
        // A second lease for web-0's address, under another name.
        try await lease("10.10.0.2", pool: "blue", claim: "shop/web-0", name: "10.10.0.77")
        // The gateway handed out.
        try await claim("shop", "gw", pool: "blue", addresses: ["10.10.0.1"])
        try await lease("10.10.0.1", pool: "blue", claim: "shop/gw")
        // A Pod claim whose Pod is gone.
        try await claim("shop", "pod-b", pool: "blue", addresses: ["10.10.0.6"], ownerPod: "pod-b")
        try await lease("10.10.0.6", pool: "blue", claim: "shop/pod-b")
        // A newer pool overlapping blue.
        try await pool("red", cidrs: ["10.10.0.128/25"])
    }
}

/// What one `ipamctl` run printed, and its exit code.
struct CommandRun: CustomStringConvertible {
    let code: Int32
    let output: String
    let error: String

    var description: String { "exit \(code)\n--- stdout\n\(output)--- stderr\n\(error)" }
}

/// A text buffer that concurrent writers may append to.
final class TextBuffer: Sendable {
    private let text = Mutex("")
    func append(_ more: String) { text.withLock { $0 += more } }
    var value: String { text.withLock { $0 } }
}

/// Runs `ipamctl` in-process with its terminal captured.
func runIPAMCtl(_ arguments: [String]) async -> CommandRun {
    let output = TextBuffer()
    let error = TextBuffer()
    let code = await Terminal.$current.withValue(Terminal(output: output.append, error: error.append)) {
        await IPAMCtl.execute(arguments)
    }
    return CommandRun(code: code, output: output.value, error: error.value)
}

/// Moves a report file's time by `seconds` (to stand for a report taken earlier), or replaces
/// its server URL.
func rewriteReport(_ path: String, shiftedBy seconds: TimeInterval = 0, server: String? = nil) throws {
    var report = try CheckReport.decode(Data(contentsOf: URL(fileURLWithPath: path)))
    report.time = report.time.addingTimeInterval(seconds)
    if let server { report.cluster.server = server }
    try report.encoded().write(to: URL(fileURLWithPath: path))
}

/// The lines of `text` that contain `part`.
func lines(_ text: String, containing part: String) -> [String] {
    text.split(separator: "\n").map(String.init).filter { $0.contains(part) }
}
