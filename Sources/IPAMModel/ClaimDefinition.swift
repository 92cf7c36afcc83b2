public import IPAM
public import KubernetesCore

/// A validated ``IPClaim``: who asks, which pool(s), and for what.
public struct ClaimDefinition: Hashable, Sendable {
    /// How a claim names its pool.
    public enum PoolTarget: Hashable, Sendable {
        /// Exactly this pool.
        case named(String)
        /// Pools whose labels match, by priority (descending) then name.
        case selected(LabelSelector)
    }

    public let identity: ClaimIdentity
    /// The claim's UID, when it exists in the API server.
    public let uid: String?
    public let target: PoolTarget
    public let request: AllocationRequest
    /// The Pod this claim is the lease of: its owner reference to a Pod (`v1`), controller or not,
    /// as DESIGN.md says and as the garbage collector would treat it.
    public let ownerPod: OwnerReference?

    /// Validates `claim`, collecting every problem with its field path.
    public init(validating claim: IPClaim) throws(ValidationFailure) {
        self = try Self.validated(claim)
    }

    private init(
        identity: ClaimIdentity, uid: String?, target: PoolTarget, request: AllocationRequest, ownerPod: OwnerReference?
    ) {
        self.identity = identity
        self.uid = uid
        self.target = target
        self.request = request
        self.ownerPod = ownerPod
    }

    private static func validated(_ claim: IPClaim) throws(ValidationFailure) -> ClaimDefinition {
        var problems: [ValidationProblem] = []
        let name = claim.metadata.name ?? ""
        let namespace = claim.metadata.namespace ?? ""
        if name.isEmpty {
            problems.append(ValidationProblem(field: "metadata.name", message: "a claim needs a name"))
        } else if let problem = LabelValidation.dns1123SubdomainProblem(name) {
            problems.append(ValidationProblem(field: "metadata.name", message: problem))
        }
        if namespace.isEmpty {
            problems.append(ValidationProblem(field: "metadata.namespace", message: "a claim needs a namespace"))
        }
        let spec = claim.spec

        var target: PoolTarget?
        switch (spec.pool, spec.poolSelector) {
        case (let pool?, nil):
            if let problem = PoolDefinition.nameProblem(pool) {
                problems.append(ValidationProblem(field: "spec.pool", message: problem))
            }
            target = .named(pool)
        case (nil, let selector?):
            problems += selector.validate(at: "spec.poolSelector")
            target = .selected(selector)
        case (.some, .some):
            problems.append(ValidationProblem(field: "spec", message: "set exactly one of pool and poolSelector, not both"))
        case (nil, nil):
            problems.append(ValidationProblem(field: "spec", message: "set exactly one of pool and poolSelector"))
        }

        var addresses: [IPAddress] = []
        for (index, text) in (spec.addresses ?? []).enumerated() {
            do { addresses.append(try IPAddress(text)) } catch {
                problems.append(ValidationProblem(field: "spec.addresses[\(index)]", message: error.description))
            }
        }
        var families: [IPAddress.Family] = []
        for (index, text) in (spec.ipFamilies ?? []).enumerated() {
            if let family = IPAddress.Family(rawValue: text) {
                families.append(family)
            } else {
                problems.append(ValidationProblem(
                    field: "spec.ipFamilies[\(index)]", message: "must be IPv4 or IPv6, not \(String(reflecting: text))"))
            }
        }
        if spec.ipFamilies == nil {
            // Default: the families of the static addresses, else IPv4 alone.
            // Each family once, in the order of the addresses; a second address of
            // one family is then reported against spec.addresses.
            families = []
            for address in addresses where !families.contains(address.family) { families.append(address.family) }
            if families.isEmpty { families = [.ipv4] }
        }

        var request: AllocationRequest?
        if problems.isEmpty {
            do {
                request = try AllocationRequest(families: families, staticAddresses: addresses)
            } catch {
                let field = if case .invalidRequest(.noFamilies) = error { "spec.ipFamilies" } else {
                    if case .invalidRequest(.duplicateFamily) = error { "spec.ipFamilies" } else { "spec.addresses" }
                }
                problems.append(ValidationProblem(field: field, message: error.description))
            }
        }
        guard problems.isEmpty, let target, let request else { throw ValidationFailure(problems) }

        return ClaimDefinition(
            identity: ClaimIdentity(namespace: namespace, name: name),
            uid: claim.metadata.uid,
            target: target,
            request: request,
            ownerPod: claim.metadata.ownerReferences?.first { $0.kind == "Pod" && $0.apiVersion == "v1" })
    }
}

extension ClaimDefinition {
    /// This claim, also asking for `addresses` as static addresses: the controller's way of
    /// completing a half-made binding in place, or of re-taking the addresses a claim's status
    /// names when their leases went missing.
    ///
    /// Families with a static address of their own keep it. Returns `nil` when an address is of
    /// a family the claim does not request, or contradicts the claim's own static address.
    public func requesting(static addresses: [IPAddress]) -> ClaimDefinition? {
        guard !addresses.isEmpty else { return self }
        var wanted: [IPAddress] = []
        for family in request.families {
            let own = request.staticAddress(for: family)
            let extra = addresses.filter { $0.family == family }
            if extra.count > 1 { return nil }
            if let own, let other = extra.first, other != own { return nil }
            if let address = own ?? extra.first { wanted.append(address) }
        }
        guard addresses.allSatisfy({ request.families.contains($0.family) }),
            let widened = try? AllocationRequest(families: request.families, staticAddresses: wanted)
        else { return nil }
        return ClaimDefinition(identity: identity, uid: uid, target: target, request: widened, ownerPod: ownerPod)
    }
}
