public import Foundation
public import IPAM
public import KubernetesCore

/// A validated ``IPPool``: everything the allocator and the reconcilers need,
/// parsed and checked.
public struct PoolDefinition: Hashable, Sendable {
    public let name: String
    public let labels: [String: String]
    /// Used to decide which of two overlapping pools wins; `nil` (a manifest
    /// not yet applied) counts as newer than any timestamp.
    public let creationTimestamp: Date?
    public let layout: PoolLayout
    public let strategy: AllocationStrategy
    public let namespaceSelector: LabelSelector?
    public let priority: Int32
    public let paused: Bool
    public let reuseCooldownSeconds: Int64
    /// Whether the pool is being deleted (it then allocates nothing new).
    public let isDeleting: Bool

    /// Validates `pool`, collecting every problem with its field path.
    public init(validating pool: IPPool) throws(ValidationFailure) {
        var problems: [ValidationProblem] = []
        let name = pool.metadata.name ?? ""
        if let problem = Self.nameProblem(name) {
            problems.append(ValidationProblem(field: "metadata.name", message: problem))
        }
        let spec = pool.spec

        var cidrs: [(index: Int, prefix: IPPrefix)] = []
        if spec.cidrs.isEmpty {
            problems.append(ValidationProblem(field: "spec.cidrs", message: "at least one CIDR is required"))
        }
        for (index, text) in spec.cidrs.enumerated() {
            do {
                let prefix = try IPPrefix(text)
                if let earlier = cidrs.first(where: { $0.prefix.overlaps(prefix) }) {
                    problems.append(ValidationProblem(
                        field: "spec.cidrs[\(index)]",
                        message: "\(prefix) overlaps spec.cidrs[\(earlier.index)] (\(earlier.prefix))"))
                } else {
                    cidrs.append((index, prefix))
                }
            } catch {
                problems.append(ValidationProblem(field: "spec.cidrs[\(index)]", message: error.description))
            }
        }
        var exclude: [IPRange] = []
        for (index, text) in (spec.exclude ?? []).enumerated() {
            do { exclude.append(try IPRange(addressRangeOrPrefix: text)) } catch {
                problems.append(ValidationProblem(field: "spec.exclude[\(index)]", message: error.description))
            }
        }
        var gateways: [IPAddress] = []
        for (index, text) in (spec.gateways ?? []).enumerated() {
            do { gateways.append(try IPAddress(text)) } catch {
                problems.append(ValidationProblem(field: "spec.gateways[\(index)]", message: error.description))
            }
        }
        var strategy = AllocationStrategy.sequential
        if let text = spec.strategy {
            if let parsed = AllocationStrategy(rawValue: text) {
                strategy = parsed
            } else {
                problems.append(ValidationProblem(
                    field: "spec.strategy", message: "must be Sequential or Hashed, not \(String(reflecting: text))"))
            }
        }
        if let selector = spec.namespaceSelector {
            problems += selector.validate(at: "spec.namespaceSelector")
        }
        let cooldown = spec.reuseCooldownSeconds ?? IPAMAPI.defaultReuseCooldownSeconds
        if cooldown < 0 {
            problems.append(ValidationProblem(field: "spec.reuseCooldownSeconds", message: "must not be negative"))
        }

        var layout: PoolLayout?
        if !cidrs.isEmpty {
            // Overlaps were reported above, so this cannot fail on them.
            layout = try? PoolLayout(cidrs: cidrs.map(\.prefix), exclude: exclude, gateways: gateways)
        }
        guard problems.isEmpty, let layout else { throw ValidationFailure(problems) }

        self.name = name
        self.labels = pool.metadata.labels ?? [:]
        self.creationTimestamp = pool.metadata.creationTimestamp
        self.layout = layout
        self.strategy = strategy
        self.namespaceSelector = spec.namespaceSelector
        self.priority = spec.priority ?? 0
        self.paused = spec.paused ?? false
        self.reuseCooldownSeconds = cooldown
        self.isDeleting = pool.metadata.deletionTimestamp != nil
    }

    /// Pool names end up as label values on leases, so they must be valid
    /// DNS-1123 labels (at most 63 characters).
    static func nameProblem(_ name: String) -> String? {
        if name.isEmpty { return "a pool needs a name" }
        return LabelValidation.dns1123LabelProblem(name)
    }

    /// Whether a claim in a namespace with `namespaceLabels` may use this pool.
    public func permits(namespaceLabels: [String: String]) -> Bool {
        namespaceSelector?.matches(namespaceLabels) ?? true
    }

    /// Whether the pool has a prefix of every family in `families`.
    public func offers(_ families: [IPAddress.Family]) -> Bool {
        families.allSatisfy { layout.spaces[$0] != nil }
    }

    /// A fresh allocator for this pool with nothing allocated.
    public func makeAllocator() -> PoolAllocator {
        PoolAllocator(layout: layout, strategy: strategy)
    }

    /// Whether this pool is older than `other`: earlier creationTimestamp,
    /// then name. The older of two overlapping pools wins.
    public func isOlder(than other: PoolDefinition) -> Bool {
        switch (creationTimestamp, other.creationTimestamp) {
        case let (mine?, theirs?) where mine != theirs: return mine < theirs
        case (.some, nil): return true
        case (nil, .some): return false
        default: return name < other.name
        }
    }
}
