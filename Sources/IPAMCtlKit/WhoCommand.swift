import ArgumentParser
import Foundation
import IPAM
import IPAMModel
import KubernetesClient
import KubernetesCore

/// `ipamctl who ADDRESS`: who holds an address.
struct WhoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "who",
        abstract: "Show which pool, IPLease, IPClaim and Pod hold an address, and since when.",
        discussion: "Exits 1 when the address is in no pool and held by nothing."
    )

    @OptionGroup var cluster: ClusterOptions

    @Argument(help: "An IPv4 or IPv6 address, e.g. 10.10.0.42 or fd00:10::2.")
    var address: String

    @Option(name: .shortAndLong, help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table

    func validate() throws {
        do { _ = try IPAddress(address) } catch {
            throw ValidationError("ADDRESS \(String(reflecting: address)) is not an IP address: \(error)")
        }
    }

    func run() async throws {
        let parsed = try IPAddress(address)
        let report = try await cluster.withClient { client in try await Self.lookup(parsed, client: client) }
        switch output {
        case .table: Terminal.current.output(report.table(now: Date()))
        case .json, .yaml: Terminal.current.output(try OutputFormat.encode(report, as: output))
        }
        guard report.isKnown else {
            throw CommandFailure("\(parsed) is in no IPPool and held by no IPLease or IPClaim")
        }
    }

    /// Reads pools, leases and claims, then the Pods owning the claims concerned.
    static func lookup(_ address: IPAddress, client: KubernetesClient) async throws -> AddressReport {
        var snapshot = try await ClusterReader(client: client).snapshot(of: [.pools, .claims, .leases], now: Date())
        let first = AddressReport(address: address, snapshot: snapshot)
        for holder in first.holders {
            guard let pod = holder.pod else { continue }
            do throws(KubernetesError) {
                snapshot.pods.append(try await client.resource(Pod.self, namespace: pod.namespace).get(pod.name))
            } catch {
                guard error.isNotFound else { throw CommandFailure("reading Pod \(pod.namespace)/\(pod.name): \(error)") }
            }
        }
        return AddressReport(address: address, snapshot: snapshot)
    }
}
