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
import IPAMModel
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

extension Item: JSONReadable {
    init(json reader: inout JSONReader) throws(JSONReadError) {
        var metadata: ObjectMeta?
        var spec: Spec?
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "metadata": metadata = try ObjectMeta(json: &reader)
            case "spec": spec = try Spec(json: &reader)
            default: try reader.skipValue()
            }
        }
        guard let metadata, let spec else { throw reader.failure("an Item needs metadata and spec") }
        self.metadata = metadata
        self.spec = spec
    }
}

extension Item.Spec: JSONReadable {
    init(json reader: inout JSONReader) throws(JSONReadError) {
        var pool: String?
        var ipFamilies: [String]?
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "pool": pool = try String(json: &reader)
            case "ipFamilies": ipFamilies = try [String](json: &reader)
            default: try reader.skipValue()
            }
        }
        guard let pool, let ipFamilies else { throw reader.failure("an Item spec needs pool and ipFamilies") }
        self.init(pool: pool, ipFamilies: ipFamilies)
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

    // Watch events decoded per second: 1,000 MODIFIED events in 16 KiB chunks as they come off
    // the wire, decoded by the client (with the objects' hand-written readers), and the same
    // events with JSONDecoder (Codable), the baseline the readers replace. First IPClaim-sized
    // objects...
    watchDecodingBenchmarks(
        "", Item.self,
        objects: (0..<1000).map { index in
            var item = Item(name: "item-\(index)")
            item.metadata.resourceVersion = String(1000 + index)
            item.metadata.uid = UUID().uuidString
            return String(decoding: try! KubernetesJSON.encoder().encode(item), as: UTF8.self)
        })
    // ... then bound IPClaims as a real API server sends them (managedFields, finalizer, a Ready
    // condition): about 1.4 KB each, two thirds of it skipped.
    watchDecodingBenchmarks(", bound IPClaims", IPClaim.self, objects: (0..<1000).map { boundClaimJSON(index: $0) })
}

/// Registers "watch events decoded`suffix`" (the client's `WatchEventDecoder`) and
/// "watch events decoded`suffix`, JSONDecoder" over `objects` as MODIFIED events.
func watchDecodingBenchmarks<R: Resource & JSONReadable>(_ suffix: String, _ type: R.Type, objects: [String]) {
    let chunks = watchStream(objects)
    Benchmark("watch events decoded\(suffix)", configuration: .init(scalingFactor: .kilo)) { benchmark in
        var decoder = WatchEventDecoder<R>()
        var decoded = 0
        for chunk in chunks { decoded += try decoder.feed(chunk).count }
        precondition(decoded == benchmark.scaledIterations.count, "decoded \(decoded) events")
    }
    let lines = objects.map { Data(#"{"type":"MODIFIED","object":\#($0)}"#.utf8) }
    Benchmark("watch events decoded\(suffix), JSONDecoder", configuration: .init(scalingFactor: .kilo)) { _ in
        let decoder = KubernetesJSON.decoder()
        for line in lines {
            _ = try decoder.decode(WatchEvent<R>.self, from: line)
        }
    }
}

/// `objects` (JSON) as MODIFIED events, one per line, cut into 16 KiB chunks.
func watchStream(_ objects: [String]) -> [ByteBuffer] {
    var all = ByteBuffer()
    for object in objects {
        all.writeString(#"{"type":"MODIFIED","object":"#)
        all.writeString(object)
        all.writeString("}\n")
    }
    var chunks: [ByteBuffer] = []
    while all.readableBytes > 0 {
        chunks.append(all.readSlice(length: min(16 * 1024, all.readableBytes))!)
    }
    return chunks
}

/// A bound IPClaim as the API server writes it to a watch.
func boundClaimJSON(index: Int) -> String {
    let uid = UUID().uuidString.lowercased()
    return #"""
        {"apiVersion":"ipam.swift-ipam.io/v1alpha1","kind":"IPClaim","metadata":{"creationTimestamp":"2026-11-27T10:00:00Z",\#
        "finalizers":["ipam.swift-ipam.io/release"],"generation":1,"labels":{"app":"web"},"managedFields":[\#
        {"apiVersion":"ipam.swift-ipam.io/v1alpha1","fieldsType":"FieldsV1","fieldsV1":{"f:spec":{".":{},"f:ipFamilies":{},\#
        "f:pool":{}}},"manager":"kubectl-client-side-apply","operation":"Update","time":"2026-11-27T10:00:00Z"},\#
        {"apiVersion":"ipam.swift-ipam.io/v1alpha1","fieldsType":"FieldsV1","fieldsV1":{"f:metadata":{"f:finalizers":{".":{},\#
        "v:\"ipam.swift-ipam.io/release\"":{}}}},"manager":"ipam-controller","operation":"Update","time":"2026-11-27T10:00:01Z"},\#
        {"apiVersion":"ipam.swift-ipam.io/v1alpha1","fieldsType":"FieldsV1","fieldsV1":{"f:status":{".":{},"f:addresses":{},\#
        "f:conditions":{},"f:observedGeneration":{},"f:pool":{}}},"manager":"ipam-controller","operation":"Update",\#
        "subresource":"status","time":"2026-11-27T10:00:01Z"}],"name":"claim-\#(index)","namespace":"ns-\#(index % 100)",\#
        "resourceVersion":"\#(100_000 + index)","uid":"\#(uid)"},"spec":{"ipFamilies":["IPv4"],"pool":"blue"},\#
        "status":{"addresses":[{"address":"10.0.\#(index / 256).\#(index % 256)","gateway":"10.0.0.1","prefixLength":16}],\#
        "conditions":[{"lastTransitionTime":"2026-11-27T10:00:01Z","message":"bound to 10.0.\#(index / 256).\#(index % 256) from pool blue",\#
        "observedGeneration":1,"reason":"Bound","status":"True","type":"Ready"}],"observedGeneration":1,"pool":"blue"}}
        """#
}
