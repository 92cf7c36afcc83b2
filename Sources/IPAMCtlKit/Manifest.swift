public import IPAMModel
public import KubernetesCore

/// Where an object was read from: a file (or `-` for standard input), the
/// 1-based index of the YAML document in it, and the line the document starts on.
public struct ManifestSource: Hashable, Sendable, CustomStringConvertible {
    public let file: String
    public let document: Int
    public let line: Int

    public init(file: String, document: Int, line: Int) {
        self.file = file
        self.document = document
        self.line = line
    }

    public var description: String { "\(file):\(line) (document \(document))" }
}

/// One object of a kind `ipamctl` understands, with where it came from.
public struct ManifestObject: Sendable {
    /// The decoded object.
    public enum Content: Sendable {
        case pool(IPPool)
        case claim(IPClaim)
        case lease(IPLease)
        case pod(Pod)
        case namespace(Namespace)
    }

    public let source: ManifestSource
    public let content: Content

    public init(source: ManifestSource, content: Content) {
        self.source = source
        self.content = content
    }

    /// `Kind namespace/name` or `Kind name`, as a person would name it.
    public var reference: String {
        let (kind, metadata) = kindAndMetadata
        let name = metadata.name ?? "<unnamed>"
        if let namespace = metadata.namespace { return "\(kind) \(namespace)/\(name)" }
        return "\(kind) \(name)"
    }

    var kindAndMetadata: (String, ObjectMeta) {
        switch content {
        case .pool(let pool): (IPPool.kind, pool.metadata)
        case .claim(let claim): (IPClaim.kind, claim.metadata)
        case .lease(let lease): (IPLease.kind, lease.metadata)
        case .pod(let pod): (Pod.kind, pod.metadata)
        case .namespace(let namespace): (Namespace.kind, namespace.metadata)
        }
    }
}

/// A problem found in the manifests: where, which object, which field, what.
public struct ManifestProblem: Hashable, Sendable, CustomStringConvertible {
    public let source: ManifestSource?
    /// `Kind namespace/name`, when the object could be identified.
    public let object: String?
    /// The field path (`spec.cidrs[1]`), when the problem is in one field.
    public let field: String?
    public let message: String

    public init(source: ManifestSource?, object: String?, field: String?, message: String) {
        self.source = source
        self.object = object
        self.field = field
        self.message = message
    }

    public var description: String {
        var parts: [String] = []
        if let source { parts.append(source.description) }
        if let object { parts.append(object) }
        if let field, !field.isEmpty { parts.append(field) }
        return (parts + [message]).joined(separator: ": ")
    }
}
