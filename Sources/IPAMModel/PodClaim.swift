public import KubernetesCore

/// The IPClaim the controller creates for an annotated Pod.
///
/// A Pod annotated with `ipam.swift-ipam.io/pool` or
/// `ipam.swift-ipam.io/pool-selector` (and optionally `ip-families`,
/// `addresses`) gets a claim of the same name in its namespace, owned by the
/// Pod (controller owner reference, by UID). The claim is that Pod's lease.
public enum PodClaim {
    /// Whether the Pod asks for addresses at all.
    public static func isAnnotated(_ pod: Pod) -> Bool {
        let annotations = pod.metadata.annotations ?? [:]
        return annotations[IPAMAPI.PodAnnotation.pool] != nil
            || annotations[IPAMAPI.PodAnnotation.poolSelector] != nil
    }

    /// The claim for `pod`, or `nil` when the Pod is not annotated.
    ///
    /// - Throws: ``ValidationFailure`` naming the annotation that is wrong;
    ///   the field paths are the Pod's (`metadata.annotations[…]`).
    public static func claim(for pod: Pod) throws(ValidationFailure) -> IPClaim? {
        guard isAnnotated(pod) else { return nil }
        let annotations = pod.metadata.annotations ?? [:]
        var problems: [ValidationProblem] = []
        func field(_ key: String) -> String { "metadata.annotations[\(key)]" }

        var spec = IPClaimSpec()
        spec.pool = annotations[IPAMAPI.PodAnnotation.pool]
        if let text = annotations[IPAMAPI.PodAnnotation.poolSelector] {
            do { spec.poolSelector = try LabelSelector(parsing: text) } catch {
                problems.append(ValidationProblem(field: field(IPAMAPI.PodAnnotation.poolSelector), message: error.description))
            }
        }
        spec.ipFamilies = annotations[IPAMAPI.PodAnnotation.ipFamilies].map(commaSeparated)
        spec.addresses = annotations[IPAMAPI.PodAnnotation.addresses].map(commaSeparated)

        var metadata = ObjectMeta(name: pod.metadata.name, namespace: pod.metadata.namespace)
        // blockOwnerDeletion stays false: setting it needs delete rights on pods/finalizers.
        if let owner = OwnerReference(controllerOf: pod, blockOwnerDeletion: false) {
            metadata.ownerReferences = [owner]
        }
        let claim = IPClaim(metadata: metadata, spec: spec)
        // Validate now, translating claim fields back into the annotations they came from.
        // Skipped when an annotation did not parse: the claim would only repeat that.
        if problems.isEmpty {
            do {
                _ = try ClaimDefinition(validating: claim)
            } catch {
                problems += error.problems.map { problem in
                    ValidationProblem(field: annotationField(for: problem.field) ?? problem.field, message: problem.message)
                }
            }
        }
        guard problems.isEmpty else { throw ValidationFailure(problems) }
        return claim
    }

    /// Whether `claim` is owned by `pod` (same UID): only then may the
    /// controller update or delete it on the Pod's behalf.
    public static func isOwned(_ claim: IPClaim, by pod: Pod) -> Bool {
        guard let uid = pod.metadata.uid else { return false }
        return claim.metadata.ownerReferences?.contains { $0.kind == "Pod" && $0.uid == uid } ?? false
    }

    /// The `allocated` annotation value for a bound claim: `ADDRESS/LENGTH,…`.
    public static func allocatedAnnotation(for status: IPClaimStatus) -> String? {
        guard let addresses = status.addresses, !addresses.isEmpty else { return nil }
        return addresses.map { "\($0.address)/\($0.prefixLength)" }.joined(separator: ",")
    }

    private static func commaSeparated(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingWhitespace() }.filter { !$0.isEmpty }
    }

    private static func annotationField(for claimField: String) -> String? {
        func field(_ key: String) -> String { "metadata.annotations[\(key)]" }
        if claimField.hasPrefix("spec.poolSelector") { return field(IPAMAPI.PodAnnotation.poolSelector) }
        if claimField.hasPrefix("spec.pool") { return field(IPAMAPI.PodAnnotation.pool) }
        if claimField.hasPrefix("spec.ipFamilies") { return field(IPAMAPI.PodAnnotation.ipFamilies) }
        if claimField.hasPrefix("spec.addresses") { return field(IPAMAPI.PodAnnotation.addresses) }
        if claimField == "spec" {
            return "metadata.annotations (set exactly one of \(IPAMAPI.PodAnnotation.pool) and \(IPAMAPI.PodAnnotation.poolSelector))"
        }
        return nil
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> String {
        String(drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
    }
}
