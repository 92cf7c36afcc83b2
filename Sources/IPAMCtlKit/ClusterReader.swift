import Foundation
import IPAMModel
import KubernetesClient
import KubernetesCore

/// Reads a ``ClusterSnapshot``: the I/O half of the cluster commands, kept thin.
///
/// ## One resourceVersion
/// A real API server cannot list several kinds in one request. The reader lists the first kind
/// at the latest state, takes that list's resourceVersion R, and lists every other kind with
/// `resourceVersion=R&resourceVersionMatch=Exact` (pages after the first follow their continue
/// token, which carries R). Since all kinds here live in one etcd, whose revision is global, the
/// lists are then one snapshot, and the snapshot says ``ClusterSnapshot/Consistency/exact``.
/// It says so only when every list answered with R itself; when the server refuses the request
/// (R already compacted, 410; an old server, 400/422) the kind is listed at its latest state and
/// the snapshot says ``ClusterSnapshot/Consistency/perList``. Either way every list's own
/// resourceVersion is recorded.
///
/// Caveat: a cluster whose Pods (or events) are kept in a separate etcd has separate revisions;
/// the reader cannot tell, and `Exact` there means "each list at R of its own store".
struct ClusterReader {
    let client: KubernetesClient
    var pageSize = 500

    /// Reads `kinds` (in the order of ``ClusterSnapshot/Kind``) and the cluster's identity.
    func snapshot(of kinds: Set<ClusterSnapshot.Kind>, now: Date) async throws -> ClusterSnapshot {
        var snapshot = ClusterSnapshot(identity: await identity(), readAt: now)
        var base: String?
        var exact = true
        func read<R: Resource>(_ type: R.Type, as kind: ClusterSnapshot.Kind) async throws -> [R] {
            let listed = try await list(R.self, at: base)
            snapshot.resourceVersions[kind.rawValue] = listed.metadata.resourceVersion
            if base == nil { base = listed.metadata.resourceVersion }
            exact = exact && listed.metadata.resourceVersion == base
            return listed.items
        }
        for kind in ClusterSnapshot.Kind.allCases where kinds.contains(kind) {
            switch kind {
            case .pools: snapshot.pools = try await read(IPPool.self, as: kind)
            case .claims: snapshot.claims = try await read(IPClaim.self, as: kind)
            case .leases: snapshot.leases = try await read(IPLease.self, as: kind)
            case .pods: snapshot.pods = try await read(Pod.self, as: kind)
            case .namespaces: snapshot.namespaces = try await read(Namespace.self, as: kind)
            }
        }
        snapshot.consistency = exact ? .exact : .perList
        return snapshot
    }

    /// The server URL and, when readable, the UID of `kube-system`.
    func identity() async -> ClusterSnapshot.Identity {
        let id = try? await client.resource(Namespace.self).get("kube-system").metadata.uid
        return ClusterSnapshot.Identity(server: client.configuration.server.absoluteString, id: id)
    }

    struct Listed {
        var resourceVersion: String
    }

    /// Every object of a kind, at `resourceVersion` exactly when given (see the type's doc).
    func list<R: Resource>(_ type: R.Type, at resourceVersion: String?) async throws -> (items: [R], metadata: Listed) {
        let resource = client.resource(R.self)
        var first = ListOptions(limit: pageSize)
        if let resourceVersion {
            first.resourceVersion = resourceVersion
            first.resourceVersionMatch = "Exact"
        }
        var page: ResourceList<R>
        do throws(KubernetesError) {
            page = try await resource.list(first)
        } catch where resourceVersion != nil && (error.isGone || error.code == 400 || error.isInvalid) {
            page = try await resource.list(ListOptions(limit: pageSize))
        } catch {
            throw CommandFailure("listing \(R.plural): \(error)")
        }
        var items = page.items
        let version = page.metadata.resourceVersion ?? ""
        while let token = page.metadata.continue, !token.isEmpty {
            do throws(KubernetesError) {
                page = try await resource.list(ListOptions(limit: pageSize, continueToken: token))
            } catch {
                throw CommandFailure("listing \(R.plural) (next page): \(error)")
            }
            items += page.items
        }
        return (items, Listed(resourceVersion: version))
    }
}
