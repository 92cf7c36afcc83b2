public import Foundation
public import IPAM
import IPAMModel
import KubernetesCore

/// `ipamctl who ADDRESS`: which pool, lease, claim and Pod hold an address, and since when.
///
/// Built from a snapshot of pools, leases, claims and the Pods that own the claims concerned.
/// Every IPLease whose `spec.address` is the address is a holder (normally one: its name is the
/// address); so is every claim whose status lists the address without holding a lease for it
/// (`check` calls that BoundClaimWithoutLease). "Since" is the lease's creationTimestamp.
public struct AddressReport: Codable, Hashable, Sendable {
    public struct Pool: Codable, Hashable, Sendable {
        public var name: String
        public var cidr: String
        /// Why the pool never hands the address out (gateway, excluded, …), when it does not.
        public var unavailable: String?
    }

    public struct Lease: Codable, Hashable, Sendable {
        public var name: String
        public var uid: String?
        public var pool: String
        /// `Active` or `Released`.
        public var state: String
        public var since: Date?
        public var releasedAt: Date?
    }

    public struct Object: Codable, Hashable, Sendable {
        public var namespace: String
        public var name: String
        public var uid: String?
        /// Whether an object of that name and UID exists (a lease may name a claim that is gone).
        public var exists: Bool
    }

    public struct Holder: Codable, Hashable, Sendable {
        public var lease: Lease?
        public var claim: Object?
        public var pod: Object?
    }

    public var address: String
    public var pools: [Pool]
    public var holders: [Holder]

    /// The report for `address`.
    public init(address: IPAddress, snapshot: ClusterSnapshot) {
        self.address = address.description
        let catalog = PoolCatalog(snapshot.pools)
        pools = catalog.definitions.values.sorted { $0.name < $1.name }.compactMap { pool in
            guard let prefix = pool.layout.prefix(containing: address) else { return nil }
            return Pool(name: pool.name, cidr: prefix.description, unavailable: pool.layout.unavailability(of: address)?.description)
        }
        func claim(namespace: String, name: String) -> IPClaim? {
            snapshot.claims.first { $0.metadata.namespace == namespace && $0.metadata.name == name }
        }
        func pod(of claim: IPClaim) -> Object? {
            guard let owner = claim.metadata.ownerReferences?.first(where: { $0.kind == "Pod" && $0.apiVersion == "v1" }) else {
                return nil
            }
            let namespace = claim.metadata.namespace ?? ""
            let pod = snapshot.pods.first { $0.metadata.namespace == namespace && $0.metadata.name == owner.name }
            return Object(namespace: namespace, name: owner.name, uid: owner.uid, exists: pod?.metadata.uid == owner.uid)
        }
        var holders: [Holder] = []
        var claimsWithLease = Set<String>()
        let leases = snapshot.leases.filter { (try? IPAddress($0.spec.address)) == address }
            .sorted { ($0.metadata.name ?? "") < ($1.metadata.name ?? "") }
        for lease in leases {
            let ref = lease.spec.claimRef
            let found = claim(namespace: ref.namespace, name: ref.name)
            let matches = found != nil && (ref.uid == nil || found?.metadata.uid == ref.uid)
            if let uid = found?.metadata.uid, matches { claimsWithLease.insert(uid) }
            holders.append(Holder(
                lease: Lease(
                    name: lease.metadata.name ?? "", uid: lease.metadata.uid, pool: lease.spec.pool,
                    state: lease.isReleased ? "Released" : "Active", since: lease.metadata.creationTimestamp,
                    releasedAt: lease.status?.releasedAt),
                claim: Object(namespace: ref.namespace, name: ref.name, uid: ref.uid, exists: matches),
                pod: matches ? found.flatMap(pod(of:)) : nil))
        }
        let listing = snapshot.claims.filter { claim in
            (claim.status?.addresses ?? []).contains { (try? IPAddress($0.address)) == address }
        }.sorted { ($0.metadata.namespace ?? "", $0.metadata.name ?? "") < ($1.metadata.namespace ?? "", $1.metadata.name ?? "") }
        for claim in listing where !claimsWithLease.contains(claim.metadata.uid ?? "") {
            holders.append(Holder(
                lease: nil,
                claim: Object(namespace: claim.metadata.namespace ?? "", name: claim.metadata.name ?? "", uid: claim.metadata.uid, exists: true),
                pod: pod(of: claim)))
        }
        self.holders = holders
    }

    /// Whether anything knows this address: a pool contains it or someone holds it.
    public var isKnown: Bool { !pools.isEmpty || !holders.isEmpty }

    /// The table `who` prints; `now` makes "3h ago".
    public func table(now: Date) -> String {
        var table = TableRenderer("ADDRESS", "POOL", "LEASE", "STATE", "SINCE", "CLAIM", "POD")
        let poolText = pools.isEmpty ? "-" : pools.map { pool in
            pool.unavailable.map { "\(pool.name) (\(pool.cidr), \($0))" } ?? "\(pool.name) (\(pool.cidr))"
        }.joined(separator: ",")
        if holders.isEmpty {
            let state = pools.isEmpty ? "NotInAnyPool" : (pools.allSatisfy { $0.unavailable != nil } ? "NotAllocatable" : "Free")
            table.append([address, poolText, "-", state, "-", "-", "-"])
        }
        for holder in holders {
            let lease = holder.lease
            let since = lease?.since.map { "\(RFC3339.format($0)) (\(Self.age(from: $0, to: now)) ago)" } ?? "-"
            var state = lease?.state ?? "NoLease"
            if let released = lease?.releasedAt { state += " at \(RFC3339.format(released))" }
            func describe(_ object: Object?) -> String {
                guard let object else { return "-" }
                return "\(object.namespace)/\(object.name)" + (object.exists ? "" : " (gone)")
            }
            table.append([address, poolText, lease?.name ?? "-", state, since, describe(holder.claim), describe(holder.pod)])
        }
        return table.render() + "\n"
    }

    /// `45s`, `12m`, `3h`, `5d`, as kubectl prints ages.
    static func age(from start: Date, to now: Date) -> String {
        let seconds = max(0, Int(now.timeIntervalSince(start)))
        if seconds < 120 { return "\(seconds)s" }
        if seconds < 2 * 3600 { return "\(seconds / 60)m" }
        if seconds < 2 * 86400 { return "\(seconds / 3600)h" }
        return "\(seconds / 86400)d"
    }
}
