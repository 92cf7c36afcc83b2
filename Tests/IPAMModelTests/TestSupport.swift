import Foundation
import IPAM
@testable import IPAMModel
import KubernetesCore

// Builders for the objects the model decides from, so that each test states
// only what matters to it.

/// A fixed instant; nothing in these tests reads the clock.
let t0 = Date(timeIntervalSince1970: 1_700_000_000)  // 2023-11-14T22:13:20Z

/// `t0` plus `seconds`.
func at(_ seconds: TimeInterval) -> Date { t0.addingTimeInterval(seconds) }

func makePool(
    _ name: String,
    cidrs: [String],
    exclude: [String]? = nil,
    gateways: [String]? = nil,
    strategy: String? = nil,
    namespaceSelector: LabelSelector? = nil,
    priority: Int32? = nil,
    paused: Bool? = nil,
    cooldown: Int64? = nil,
    labels: [String: String]? = nil,
    created: Date? = nil,
    deleting: Bool = false,
    generation: Int64? = nil,
    status: IPPoolStatus? = nil
) -> IPPool {
    IPPool(
        metadata: ObjectMeta(
            name: name, generation: generation, creationTimestamp: created,
            deletionTimestamp: deleting ? at(3600) : nil, labels: labels),
        spec: IPPoolSpec(
            cidrs: cidrs, exclude: exclude, gateways: gateways, strategy: strategy,
            namespaceSelector: namespaceSelector, priority: priority, paused: paused,
            reuseCooldownSeconds: cooldown),
        status: status)
}

func makeClaim(
    _ namespace: String,
    _ name: String,
    pool: String? = nil,
    selector: LabelSelector? = nil,
    families: [String]? = nil,
    addresses: [String]? = nil,
    uid: String? = nil,
    generation: Int64? = nil,
    owners: [OwnerReference]? = nil,
    status: IPClaimStatus? = nil
) -> IPClaim {
    IPClaim(
        metadata: ObjectMeta(
            name: name, namespace: namespace, uid: uid, generation: generation, ownerReferences: owners),
        spec: IPClaimSpec(pool: pool, poolSelector: selector, ipFamilies: families, addresses: addresses),
        status: status)
}

func makePod(_ namespace: String, _ name: String, uid: String? = nil, annotations: [String: String]? = nil) -> Pod {
    Pod(metadata: ObjectMeta(name: name, namespace: namespace, uid: uid, annotations: annotations))
}

func makeLease(
    _ address: String, pool: String, claim: (String, String), uid: String? = nil, releasedAt: Date? = nil
) -> IPLease {
    let name = (try? IPAddress(address))?.leaseName ?? address
    return IPLease(
        metadata: ObjectMeta(name: name, labels: [IPAMAPI.poolLabel: pool]),
        spec: IPLeaseSpec(address: address, pool: pool, claimRef: ClaimReference(namespace: claim.0, name: claim.1, uid: uid)),
        status: releasedAt.map { IPLeaseStatus(releasedAt: $0) })
}

func makeNamespace(_ name: String, labels: [String: String]? = nil) -> Namespace {
    Namespace(metadata: ObjectMeta(name: name, labels: labels))
}

func selector(_ labels: [String: String]) -> LabelSelector { LabelSelector(matchLabels: labels) }

/// The validated form of a pool the test knows to be valid.
func definition(_ pool: IPPool) -> PoolDefinition {
    do { return try PoolDefinition(validating: pool) } catch { fatalError("test bug: \(error)") }
}

/// The validated form of a claim the test knows to be valid.
func definition(_ claim: IPClaim) -> ClaimDefinition {
    do { return try ClaimDefinition(validating: claim) } catch { fatalError("test bug: \(error)") }
}

/// The error `body` throws, or `nil` when it succeeds.
func failure<T, E: Error>(_ body: () throws(E) -> T) -> E? {
    do {
        _ = try body()
        return nil
    } catch {
        return error
    }
}

func addr(_ text: String) -> IPAddress {
    do { return try IPAddress(text) } catch { fatalError("test bug: \(error)") }
}

func prefix(_ text: String) -> IPPrefix {
    do { return try IPPrefix(text) } catch { fatalError("test bug: \(error)") }
}

func identity(_ namespace: String, _ name: String) -> ClaimIdentity {
    ClaimIdentity(namespace: namespace, name: name)
}

/// `ADDRESS/LENGTH` of each address of a successful result, or `[]`.
func texts(_ result: Result<ClaimBinding, BindingFailure>) -> [String] {
    (try? result.get())?.addresses.map(\.description) ?? []
}

/// The failure of a result, or `nil` when it succeeded.
func failureOf<T>(_ result: Result<T, BindingFailure>) -> BindingFailure? {
    if case .failure(let failure) = result { return failure }
    return nil
}

/// Decodes `json` as the API server would send it.
func decode<T: Decodable>(_ type: T.Type, from json: String) throws -> T {
    try JSONDecoder().decode(type, from: Data(json.utf8))
}

/// Compact JSON with sorted keys, for comparing text.
func encodedJSON(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

/// `json` re-serialised with sorted keys, to compare with ``encodedJSON(_:)``.
func canonicalJSON(_ json: String) throws -> String {
    let object = try JSONSerialization.jsonObject(with: Data(json.utf8))
    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
    return String(decoding: data, as: UTF8.self)
}

/// A deterministic shuffle (SplitMix64), so an order-dependence shows up the same way every run.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

extension Array {
    func shuffled(seed: UInt64) -> [Element] {
        var generator = SplitMix64(seed: seed)
        return shuffled(using: &generator)
    }
}
