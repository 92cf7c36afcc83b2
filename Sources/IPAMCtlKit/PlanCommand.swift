import ArgumentParser
import Foundation
import IPAMModel
import KubernetesClient
import KubernetesCore

/// `ipamctl plan PATH…`: what the controller would allocate; with `--cluster`, on top of the
/// cluster's live state.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show which pool and addresses each claim would get, and the pools' usage.",
        discussion: """
            Uses the controller's own decisions: pool selection by priority then name, \
            namespaceSelector, Sequential or Hashed allocation, static addresses, dual-stack \
            all-or-nothing. IPLease objects in the input count as in use. Invalid input is \
            refused with the problems `validate` reports. With --cluster, the manifests are \
            applied over the cluster's pools, claims, Pods and namespaces (a manifest replaces the \
            object of the same name, as kubectl apply would), every IPLease in the cluster counts \
            as in use, and the claims of the manifests are shown: a GitOps change previewed before \
            it is merged.
            """
    )

    @Argument(help: "Manifest files or directories; - reads standard input.")
    var paths: [String]

    @Option(name: .shortAndLong, help: "Output format: table, json or yaml.")
    var output: OutputFormat = .table

    @Flag(help: "Plan on top of the live state of the cluster --kubeconfig and --context select.")
    var cluster = false

    @OptionGroup(title: "Cluster (with --cluster)") var clusterOptions: ClusterOptions

    func run() async throws {
        let input: ManifestInput
        var shown: Set<String>?
        if cluster {
            let snapshot = try await clusterOptions.withClient { client in
                try await ClusterReader(client: client).snapshot(of: Set(ClusterSnapshot.Kind.allCases), now: Date())
            }
            input = ManifestInput.load(paths, over: snapshot)
            shown = input.manifestClaimKeys
        } else {
            input = ManifestInput.load(paths)
        }
        guard input.problems.isEmpty else {
            input.printProblems()
            throw ExitCode(1)
        }
        var report = PlanReport(AllocationPlanner.plan(input.planInput, now: Date()))
        if let shown { report.claims = report.claims.filter { shown.contains("\($0.namespace)/\($0.name)") } }
        switch output {
        case .table: Terminal.current.output(report.table())
        case .json, .yaml: Terminal.current.output(try OutputFormat.encode(report, as: output))
        }
    }
}

extension ManifestInput {
    /// The objects, sorted by kind into the planner's input.
    var planInput: PlanInput {
        var input = PlanInput()
        for object in objects {
            switch object.content {
            case .pool(let pool): input.pools.append(pool)
            case .claim(let claim): input.claims.append(claim)
            case .lease(let lease): input.leases.append(lease)
            case .pod(let pod): input.pods.append(pod)
            case .namespace(let namespace): input.namespaces.append(namespace)
            }
        }
        return input
    }

    /// `namespace/name` of the claims the manifests (not the cluster) define, IPClaims and
    /// annotated Pods.
    var manifestClaimKeys: Set<String> {
        Set(objects.compactMap { object -> String? in
            guard object.source.file != ManifestSource.clusterFile else { return nil }
            switch object.content {
            case .claim(let claim): return "\(claim.metadata.namespace ?? "")/\(claim.metadata.name ?? "")"
            case .pod(let pod) where PodClaim.isAnnotated(pod): return "\(pod.metadata.namespace ?? "")/\(pod.metadata.name ?? "")"
            default: return nil
            }
        })
    }

    /// The manifests of `paths` applied over `snapshot`.
    ///
    /// Merge: the cluster's objects first; a manifest object replaces the cluster's object of the
    /// same kind and name (a replaced pool keeps the cluster's creationTimestamp, so it keeps its
    /// age in overlap decisions). Every cluster IPLease stays. A cluster Pod is left out when its
    /// claim exists in the cluster (the claim stands for it). Problems are reported for the
    /// manifests only: the cluster's own objects are what they are.
    static func load(_ paths: [String], over snapshot: ClusterSnapshot) -> ManifestInput {
        let read = ManifestReader().read(paths)
        let source = ManifestSource(file: ManifestSource.clusterFile, document: 0, line: 0)
        let clusterClaims = Set(snapshot.claims.map { "\($0.metadata.namespace ?? "")/\($0.metadata.name ?? "")" })
        var merged: [ManifestObject] = []
        merged += snapshot.pools.map { ManifestObject(source: source, content: .pool($0)) }
        merged += snapshot.claims.map { ManifestObject(source: source, content: .claim($0)) }
        merged += snapshot.leases.map { ManifestObject(source: source, content: .lease($0)) }
        merged += snapshot.pods.filter { !clusterClaims.contains("\($0.metadata.namespace ?? "")/\($0.metadata.name ?? "")") }
            .map { ManifestObject(source: source, content: .pod($0)) }
        merged += snapshot.namespaces.map { ManifestObject(source: source, content: .namespace($0)) }
        for var object in read.objects {
            if let index = merged.firstIndex(where: { $0.reference == object.reference }) {
                if case .pool(var pool) = object.content, case .pool(let live) = merged[index].content {
                    pool.metadata.creationTimestamp = live.metadata.creationTimestamp
                    object = ManifestObject(source: object.source, content: .pool(pool))
                }
                merged.remove(at: index)
            }
            merged.append(object)
        }
        let problems = (read.problems + ManifestValidator().problems(in: merged)).filter {
            $0.source?.file != ManifestSource.clusterFile
        }
        return ManifestInput(objects: merged, problems: problems)
    }
}

extension ManifestSource {
    /// The file name of objects read from the cluster by `plan --cluster`.
    static let clusterFile = "<cluster>"
}
