import IPAM
import IPAMModel
import KubernetesCore

/// The consistency checks of `ipamctl check`: DESIGN.md's invariants, read from a snapshot.
///
/// | finding | invariant |
/// |---|---|
/// | OrphanedLease, LeaseWithoutClaimUID | 3: a lease whose claim is gone is released |
/// | BoundClaimWithoutLease, LeaseNotInClaimStatus | 2: a Bound claim's addresses have its leases |
/// | DuplicateAddress, InvalidLease | 1: no two holders of one address |
/// | AddressOutsidePool, LeasePoolMissing | 4: addresses lie in their pool's allocatable space |
/// | PodClaimWithoutPod | 3: a Pod claim whose Pod is gone is released |
/// | OverlappingPool | pools must not overlap |
///
/// Owners are compared by UID, never by name alone. Released (cooling) leases are expected to
/// outlive their claims and are not orphans. A snapshot is one moment: a claim being bound, a
/// lease being released can look inconsistent for an instant, which is why `release` acts only
/// on what two reports a grace period apart both found.
///
/// Findings come sorted by kind, object and address, so two runs print the same.
public enum ConsistencyChecker {
    public static func findings(in snapshot: ClusterSnapshot) -> [Finding] {
        var findings: [Finding] = []
        let catalog = PoolCatalog(snapshot.pools)
        let poolNames = Set(snapshot.pools.compactMap(\.metadata.name))
        var claimsByKey: [String: IPClaim] = [:]
        for claim in snapshot.claims { claimsByKey[key(claim.metadata.namespace, claim.metadata.name)] = claim }
        var podsByKey: [String: Pod] = [:]
        for pod in snapshot.pods { podsByKey[key(pod.metadata.namespace, pod.metadata.name)] = pod }

        // Leases: name, pool, owner.
        var leasesByAddress: [IPAddress: [IPLease]] = [:]
        for lease in snapshot.leases {
            let object = Self.object(lease)
            let name = lease.metadata.name ?? ""
            guard let address = try? IPAddress(lease.spec.address) else {
                findings.append(Finding(
                    kind: .invalidLease, object: object, address: lease.spec.address,
                    reason: "spec.address \(String(reflecting: lease.spec.address)) is not an IP address"))
                continue
            }
            leasesByAddress[address, default: []].append(lease)
            if name != address.leaseName {
                findings.append(Finding(
                    kind: .invalidLease, object: object, address: address.description,
                    reason: "the name should be \(address.leaseName), the lease name of spec.address \(address): "
                        + "only then does the API server refuse a second lease for the address"))
            }
            if !poolNames.contains(lease.spec.pool) {
                findings.append(Finding(
                    kind: .leasePoolMissing, object: object, address: address.description,
                    reason: "spec.pool names pool \(lease.spec.pool), which does not exist"))
            } else if let pool = catalog.definitions[lease.spec.pool], let why = pool.layout.unavailability(of: address) {
                findings.append(Finding(
                    kind: .addressOutsidePool, object: object, address: address.description,
                    reason: "spec.address \(address) is not allocatable in pool \(pool.name): \(why)"))
            }
            guard !lease.isReleased else { continue }
            let ref = lease.spec.claimRef
            let claim = claimsByKey[key(ref.namespace, ref.name)]
            guard let uid = ref.uid else {
                if claim == nil {
                    findings.append(Finding(
                        kind: .leaseWithoutClaimUID, object: object, address: address.description,
                        reason: "spec.claimRef has no uid and claim \(ref.namespace)/\(ref.name) does not exist"))
                }
                continue
            }
            guard let claim, claim.metadata.uid == uid else {
                let why = claim.map { "exists with uid \($0.metadata.uid ?? "?"), not \(uid)" } ?? "does not exist"
                findings.append(Finding(
                    kind: .orphanedLease, object: object, address: address.description, claimUID: uid,
                    reason: "spec.claimRef names claim \(ref.namespace)/\(ref.name) (uid \(uid)), which \(why)"))
                continue
            }
            if isBound(claim), let listed = claim.status?.addresses,
                !listed.contains(where: { (try? IPAddress($0.address)) == address })
            {
                findings.append(Finding(
                    kind: .leaseNotInClaimStatus, object: object, address: address.description,
                    reason: "claim \(ref.namespace)/\(ref.name) is Bound, but its status.addresses do not list \(address)"))
            }
        }
        for (address, leases) in leasesByAddress where leases.count > 1 {
            let names = leases.compactMap(\.metadata.name).sorted()
            for lease in leases {
                let others = names.filter { $0 != lease.metadata.name }.map { "IPLease \($0)" }.joined(separator: ", ")
                findings.append(Finding(
                    kind: .duplicateAddress, object: Self.object(lease), address: address.description,
                    reason: "spec.address \(address) is also held by \(others)"))
            }
        }

        // Claims: bound addresses and their leases, Pod owners.
        var claimsByAddress: [IPAddress: [IPClaim]] = [:]
        for claim in snapshot.claims {
            let object = Self.object(claim)
            let identity = "\(claim.metadata.namespace ?? "")/\(claim.metadata.name ?? "")"
            if isBound(claim) {
                let pool = claim.status?.pool
                for (index, entry) in (claim.status?.addresses ?? []).enumerated() {
                    let field = "status.addresses[\(index)]"
                    guard let address = try? IPAddress(entry.address) else {
                        findings.append(Finding(
                            kind: .boundClaimWithoutLease, object: object, address: entry.address,
                            reason: "\(field).address \(String(reflecting: entry.address)) is not an IP address"))
                        continue
                    }
                    claimsByAddress[address, default: []].append(claim)
                    let leases = leasesByAddress[address] ?? []
                    let held = leases.first { $0.spec.claimRef.uid == claim.metadata.uid && !$0.isReleased }
                    if held == nil {
                        let why: String
                        if let other = leases.first {
                            let holder = other.spec.claimRef
                            why = other.spec.claimRef.uid == claim.metadata.uid
                                ? "its IPLease \(other.metadata.name ?? "") is Released"
                                : "IPLease \(other.metadata.name ?? "") is held by claim \(holder.namespace)/\(holder.name) (uid \(holder.uid ?? "none"))"
                        } else {
                            why = "there is no IPLease \(address.leaseName)"
                        }
                        findings.append(Finding(
                            kind: .boundClaimWithoutLease, object: object, address: address.description,
                            reason: "\(field) is \(address), but \(why)"))
                    }
                    if let pool, let definition = catalog.definitions[pool], let why = definition.layout.unavailability(of: address) {
                        findings.append(Finding(
                            kind: .addressOutsidePool, object: object, address: address.description,
                            reason: "\(field) \(address) is not allocatable in pool \(pool) (status.pool): \(why)"))
                    }
                }
            }
            if let owner = claim.metadata.ownerReferences?.first(where: { $0.kind == "Pod" && $0.apiVersion == "v1" }) {
                let pod = podsByKey[key(claim.metadata.namespace, owner.name)]
                if pod?.metadata.uid != owner.uid {
                    let why = pod.map { "a Pod of that name has uid \($0.metadata.uid ?? "?")" } ?? "it does not exist"
                    findings.append(Finding(
                        kind: .podClaimWithoutPod, object: object,
                        reason: "metadata.ownerReferences names Pod \(claim.metadata.namespace ?? "")/\(owner.name) (uid \(owner.uid)), but \(why); claim \(identity) should have been deleted"))
                }
            }
        }
        for (address, claims) in claimsByAddress where claims.count > 1 {
            let keys = claims.map { "\($0.metadata.namespace ?? "")/\($0.metadata.name ?? "")" }
            for (claim, own) in zip(claims, keys) {
                let others = keys.filter { $0 != own }.map { "IPClaim \($0)" }.joined(separator: ", ")
                findings.append(Finding(
                    kind: .duplicateAddress, object: Self.object(claim), address: address.description,
                    reason: "status.addresses lists \(address), which \(others) also lists"))
            }
        }

        // Pools.
        for (name, conflict) in catalog.overlapping {
            guard let pool = snapshot.pools.first(where: { $0.metadata.name == name }) else { continue }
            findings.append(Finding(
                kind: .overlappingPool, object: Self.object(pool),
                reason: "spec.cidrs: \(conflict.cidr) overlaps the older pool \(conflict.winner); this pool allocates nothing"))
        }

        let order = Dictionary(uniqueKeysWithValues: Finding.Kind.allCases.enumerated().map { ($1, $0) })
        return findings.sorted {
            (order[$0.kind]!, $0.object.description, $0.address ?? "", $0.reason)
                < (order[$1.kind]!, $1.object.description, $1.address ?? "", $1.reason)
        }
    }

    static func isBound(_ claim: IPClaim) -> Bool {
        claim.status?.conditions?.isTrue(IPAMAPI.ConditionType.bound) == true
    }

    private static func key(_ namespace: String?, _ name: String?) -> String { "\(namespace ?? "")/\(name ?? "")" }

    static func object(_ pool: IPPool) -> Finding.Object {
        Finding.Object(kind: IPPool.kind, name: pool.metadata.name ?? "", uid: pool.metadata.uid, resourceVersion: pool.metadata.resourceVersion)
    }

    static func object(_ lease: IPLease) -> Finding.Object {
        Finding.Object(kind: IPLease.kind, name: lease.metadata.name ?? "", uid: lease.metadata.uid, resourceVersion: lease.metadata.resourceVersion)
    }

    static func object(_ claim: IPClaim) -> Finding.Object {
        Finding.Object(
            kind: IPClaim.kind, namespace: claim.metadata.namespace, name: claim.metadata.name ?? "",
            uid: claim.metadata.uid, resourceVersion: claim.metadata.resourceVersion)
    }
}
