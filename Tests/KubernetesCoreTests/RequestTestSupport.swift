import Foundation
import KubernetesCore

/// A cluster-scoped custom kind, as swift-ipam's IPPool CRD is, defined here so that the request
/// builder is tested against a group other than the core one.
struct TestIPPool: Resource, Hashable {
    static let group = "ipam.swift-ipam.io"
    static let version = "v1alpha1"
    static let kind = "IPPool"
    static let plural = "ippools"
    static let isNamespaced = false

    var metadata: ObjectMeta
    var spec: Spec?
    var status: Status?

    struct Spec: Codable, Hashable {
        var cidrs: [String]
    }

    struct Status: Codable, Hashable {
        var allocated: Int
    }

    private enum CodingKeys: String, CodingKey {
        case metadata, spec, status
    }

    init(metadata: ObjectMeta, spec: Spec? = nil, status: Status? = nil) {
        self.metadata = metadata
        self.spec = spec
        self.status = status
    }

    func encode(to encoder: any Encoder) throws {
        try Self.typeMeta.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(metadata, forKey: .metadata)
        try container.encodeIfPresent(spec, forKey: .spec)
        try container.encodeIfPresent(status, forKey: .status)
    }
}

extension APIRequest {
    /// The body as text, for exact comparisons; `nil` when there is no body.
    var bodyText: String? {
        body.map { String(decoding: $0, as: UTF8.self) }
    }

    /// The query as `name=value` pairs, unencoded, in order.
    var queryPairs: [String] {
        query.map { "\($0.name)=\($0.value)" }
    }
}
