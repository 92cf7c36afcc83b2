/// Who asks for addresses: a claim's namespace and name.
///
/// Ordered by (namespace, name), the canonical batch order. Its ``key``,
/// `namespace/name`, is what the `Hashed` strategy hashes.
public struct ClaimIdentity: Hashable, Comparable, Sendable, CustomStringConvertible {
    public let namespace: String
    public let name: String
    /// FNV-1a 64 of the UTF-8 bytes of ``key``, computed once: the `Hashed`
    /// strategy needs it on every allocation.
    public let placementHash: UInt64

    public init(namespace: String, name: String) {
        self.namespace = namespace
        self.name = name
        var hash = FNV1a64.offsetBasis
        for byte in namespace.utf8 { hash = FNV1a64.step(hash, byte) }
        hash = FNV1a64.step(hash, UInt8(ascii: "/"))
        for byte in name.utf8 { hash = FNV1a64.step(hash, byte) }
        self.placementHash = hash
    }

    /// `namespace/name`.
    public var key: String { "\(namespace)/\(name)" }

    public static func == (lhs: ClaimIdentity, rhs: ClaimIdentity) -> Bool {
        lhs.namespace == rhs.namespace && lhs.name == rhs.name
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(namespace)
        hasher.combine(name)
    }

    public var description: String { key }

    public static func < (lhs: ClaimIdentity, rhs: ClaimIdentity) -> Bool {
        (lhs.namespace, lhs.name) < (rhs.namespace, rhs.name)
    }
}

/// How a pool chooses among free addresses.
public enum AllocationStrategy: String, Hashable, Sendable, CaseIterable, Codable {
    /// The lowest free address.
    case sequential = "Sequential"
    /// The first free address at or after a position fixed by the claim's
    /// identity (FNV-1a 64 of `namespace/name` modulo the pool size),
    /// wrapping around, so a re-created claim gets its old address back.
    case hashed = "Hashed"
}
