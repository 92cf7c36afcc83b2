// Kubernetes client benchmarks (issue: client and stand-in).
//
//   IPAM_BENCHMARKS=1 swift package --disable-sandbox benchmark --target ClientBenchmarks
//
// Creates per second against the in-process stand-in over real HTTP on
// loopback (plain HTTP, no rate limit), with 1 and 16 requests in flight; and
// watch events decoded per second from a prepared stream (decoding only, the
// client's share of a watch).
import Benchmark
import Foundation
import KubernetesClient
import KubernetesClientTestKit
import KubernetesCore
import NIOCore

/// A small namespaced object, about the size of an IPClaim.
struct Item: Resource, Hashable {
    static let group = "bench.swift-ipam.io"
    static let version = "v1"
    static let kind = "Item"
    static let plural = "items"
    static let isNamespaced = true

    struct Spec: Codable, Hashable, Sendable {
        var pool: String
        var ipFamilies: [String]
    }

    var metadata: ObjectMeta
    var spec: Spec

    init(name: String) {
        metadata = ObjectMeta(name: name, namespace: "bench", labels: ["app": "bench"])
        spec = Spec(pool: "blue", ipFamilies: ["IPv4", "IPv6"])
    }

    private enum CodingKeys: String, CodingKey { case metadata, spec }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        metadata = try container.decode(ObjectMeta.self, forKey: .metadata)
        spec = try container.decode(Spec.self, forKey: .spec)
    }

    func encode(to encoder: any Encoder) throws {
        try Self.typeMeta.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metadata, forKey: .metadata)
        try container.encode(spec, forKey: .spec)
    }
}

/// Starts a stand-in and a client, runs `body` (which measures), stops both.
func withStandIn(_ body: (ResourceClient<Item>) async throws -> Void) async throws {
    try await FakeAPIServer.withRunning(FakeAPIServer.Configuration(watchHistoryLimit: 100)) { server in
        await server.register(Item.self, statusSubresource: false)
        let configuration = ClientConfiguration(server: server.baseURL)
        try await KubernetesClient.withClient(configuration: configuration, options: .init(qps: nil)) { client in
            try await body(client.resource(Item.self, namespace: "bench"))
        }
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock], scalingFactor: .kilo, maxDuration: .seconds(20), maxIterations: 10)

    // One create per scaled iteration: throughput is creates per second.
    for inFlight in [1, 16] {
        Benchmark("create \(inFlight) in flight") { benchmark in
            try await withStandIn { items in
                let total = benchmark.scaledIterations.count
                benchmark.startMeasurement()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<inFlight {
                        group.addTask {
                            for index in stride(from: worker, to: total, by: inFlight) {
                                _ = try await items.create(Item(name: "item-\(index)"))
                            }
                        }
                    }
                    try await group.waitForAll()
                }
                benchmark.stopMeasurement()
            }
        }
    }

    // Watch events decoded per second: 1,000 MODIFIED events of an IPClaim-sized
    // object, in 16 KiB chunks as they come off the wire.
    let stream: [ByteBuffer] = {
        let encoder = KubernetesJSON.encoder()
        var all = ByteBuffer()
        for index in 0..<1000 {
            var item = Item(name: "item-\(index)")
            item.metadata.resourceVersion = String(1000 + index)
            item.metadata.uid = UUID().uuidString
            let object = try! encoder.encode(item)
            all.writeString(#"{"type":"MODIFIED","object":"#)
            all.writeBytes(object)
            all.writeString("}\n")
        }
        var chunks: [ByteBuffer] = []
        while all.readableBytes > 0 {
            chunks.append(all.readSlice(length: min(16 * 1024, all.readableBytes))!)
        }
        return chunks
    }()
    Benchmark("watch events decoded", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var decoder = WatchEventDecoder<Item>()
        var decoded = 0
        for chunk in stream { decoded += try decoder.feed(chunk).count }
        precondition(decoded == benchmark.scaledIterations.count, "decoded \(decoded) events")
    }
}
