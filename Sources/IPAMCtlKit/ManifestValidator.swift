import IPAM
import IPAMModel
import KubernetesCore

/// Checks a set of manifests as a whole: each object on its own (the same
/// validation the controller applies) and against the others (duplicates,
/// overlapping pools, references to pools that are not there, static
/// addresses a pool cannot give).
///
/// Stricter than the controller on one point: a claim whose pool is missing
/// is an error here, because in a manifest set it is almost always a typo;
/// the controller instead waits for the pool to appear.
public struct ManifestValidator {
    public init() {}

    /// Every problem, grouped by check.
    public func problems(in objects: [ManifestObject]) -> [ManifestProblem] {
        var problems: [ManifestProblem] = []
        func report(_ object: ManifestObject, _ field: String?, _ message: String) {
            problems.append(ManifestProblem(source: object.source, object: object.reference, field: field, message: message))
        }

        // Duplicates: kubectl would apply the later one over the earlier.
        var seen: [String: ManifestObject] = [:]
        for object in objects {
            if let first = seen[object.reference] {
                report(object, nil, "defined again; first defined at \(first.source)")
            } else {
                seen[object.reference] = object
            }
        }

        // Each object on its own.
        var pools: [(ManifestObject, PoolDefinition)] = []
        var claims: [(ManifestObject, ClaimDefinition)] = []
        for object in objects {
            switch object.content {
            case .pool(let pool):
                do { pools.append((object, try PoolDefinition(validating: pool))) } catch {
                    for problem in error.problems { report(object, problem.field, problem.message) }
                }
            case .claim(let claim):
                do { claims.append((object, try ClaimDefinition(validating: claim))) } catch {
                    for problem in error.problems { report(object, problem.field, problem.message) }
                }
            case .pod(let pod):
                do {
                    if let claim = try PodClaim.claim(for: pod) {
                        claims.append((object, try ClaimDefinition(validating: claim)))
                    }
                } catch {
                    for problem in error.problems { report(object, problem.field, problem.message) }
                }
            case .lease(let lease):
                if (try? IPAddress(lease.spec.address)) == nil {
                    report(object, "spec.address", "\(String(reflecting: lease.spec.address)) is not an IP address")
                }
            case .namespace:
                break
            }
        }

        // Overlapping pools: the newer one loses.
        let definitions = pools.map(\.1)
        // By name: the losers come as a dictionary, whose order changes from run to run.
        for (loser, conflict) in PoolOverlap.losers(among: definitions).sorted(by: { $0.key < $1.key }) {
            guard let object = pools.first(where: { $0.1.name == loser })?.0 else { continue }
            // The index in the spec as written (the layout's CIDRs are sorted).
            let written: [String] = if case .pool(let pool) = object.content { pool.spec.cidrs } else { [] }
            let index = written.firstIndex { IPPrefix(parsing: $0) == conflict.cidr }.map { "spec.cidrs[\($0)]" } ?? "spec.cidrs"
            report(object, index, "\(conflict.cidr) overlaps pool \(conflict.winner), which is older; this pool would allocate nothing")
        }

        // Claims against the pools of the input.
        let byName = Dictionary(definitions.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for (object, definition) in claims {
            let isPod: Bool = if case .pod = object.content { true } else { false }
            let poolField = isPod ? "metadata.annotations[\(IPAMAPI.PodAnnotation.pool)]" : "spec.pool"
            let selectorField = isPod ? "metadata.annotations[\(IPAMAPI.PodAnnotation.poolSelector)]" : "spec.poolSelector"
            let addressesField = isPod ? "metadata.annotations[\(IPAMAPI.PodAnnotation.addresses)]" : "spec.addresses"
            let candidates: [PoolDefinition]
            switch definition.target {
            case .named(let name):
                guard let pool = byName[name] else {
                    report(object, poolField, "pool \(name) is not defined in the input")
                    continue
                }
                candidates = [pool]
            case .selected(let selector):
                candidates = definitions.filter { selector.matches($0.labels) }
                if candidates.isEmpty {
                    report(object, selectorField, "no pool in the input matches \(selector)")
                    continue
                }
            }
            let families = definition.request.families.filter { family in !candidates.contains { $0.offers([family]) } }
            if !families.isEmpty {
                let names = candidates.map(\.name).joined(separator: ", ")
                report(object, isPod ? "metadata.annotations[\(IPAMAPI.PodAnnotation.ipFamilies)]" : "spec.ipFamilies",
                       "no candidate pool (\(names)) has \(families.map(\.rawValue).joined(separator: " or ")) CIDRs")
            }
            for (index, address) in definition.request.staticAddresses.enumerated() {
                let reasons = candidates.map { ($0.name, $0.layout.unavailability(of: address)) }
                if reasons.contains(where: { $0.1 == nil }) { continue }
                let field = isPod ? addressesField : "\(addressesField)[\(index)]"
                if let (pool, why) = reasons.first(where: { $0.1 != .outsidePool }), let why {
                    report(object, field, "\(address) cannot be allocated from pool \(pool): it is \(why)")
                } else {
                    report(object, field, "\(address) is outside every CIDR of \(candidates.map(\.name).joined(separator: ", "))")
                }
            }
        }
        return problems
    }
}
