/// A reference from a dependent object to its owner (`metav1.OwnerReference`).
///
/// Owners must be in the same namespace as the dependent, or cluster-scoped. The reference is
/// identified by `uid`: an object of the same name but another UID is a different owner, and
/// code deciding whether an owner still exists must compare UIDs, never names alone.
///
/// Not guaranteed: that the garbage collector acts on the reference promptly, or at all (it may
/// be slow or disabled); controllers that must release resources check owners themselves.
public struct OwnerReference: Codable, Hashable, Sendable {
    /// The owner's API version, e.g. `v1` or `ipam.swift-ipam.io/v1alpha1`.
    public var apiVersion: String
    /// The owner's kind, e.g. `Pod`.
    public var kind: String
    /// The owner's name.
    public var name: String
    /// The owner's UID; the identity that counts.
    public var uid: String
    /// `true` when the owner is the managing controller; at most one reference may say so.
    public var controller: Bool?
    /// When `true`, foreground deletion of the owner waits for this dependent. Setting it requires
    /// permission to update the owner's `finalizers` subresource when the
    /// `OwnerReferencesPermissionEnforcement` admission plugin is on.
    public var blockOwnerDeletion: Bool?

    /// Creates a reference from its fields.
    public init(
        apiVersion: String,
        kind: String,
        name: String,
        uid: String,
        controller: Bool? = nil,
        blockOwnerDeletion: Bool? = nil
    ) {
        self.apiVersion = apiVersion
        self.kind = kind
        self.name = name
        self.uid = uid
        self.controller = controller
        self.blockOwnerDeletion = blockOwnerDeletion
    }

    /// A controller reference to `owner` (`controller: true`), as controller-runtime's
    /// `SetControllerReference` builds it; `nil` when the owner has no name or UID yet (it was
    /// not read from the API server).
    public init?<Owner: Resource>(controllerOf owner: Owner, blockOwnerDeletion: Bool = true) {
        guard let name = owner.metadata.name, let uid = owner.metadata.uid else { return nil }
        self.init(
            apiVersion: Owner.apiVersion, kind: Owner.kind, name: name, uid: uid,
            controller: true, blockOwnerDeletion: blockOwnerDeletion)
    }

    /// Whether this reference points at `owner`: same API group, kind, name and UID.
    ///
    /// The version part of `apiVersion` is ignored, as the garbage collector ignores it.
    public func refers<Owner: Resource>(to owner: Owner) -> Bool {
        let group = apiVersion.contains("/") ? String(apiVersion.prefix { $0 != "/" }) : ""
        return group == Owner.group && kind == Owner.kind && name == owner.metadata.name
            && uid == owner.metadata.uid
    }
}

extension OwnerReference: JSONReadable {
    /// Reads the same fields as the synthesized `init(from:)`; the four identifying ones are required.
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        var apiVersion: String?
        var kind: String?
        var name: String?
        var uid: String?
        var controller: Bool?
        var blockOwnerDeletion: Bool?
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "apiVersion": apiVersion = try String(json: &reader)
            case "kind": kind = try String(json: &reader)
            case "name": name = try String(json: &reader)
            case "uid": uid = try String(json: &reader)
            case "controller": controller = try Bool?(json: &reader)
            case "blockOwnerDeletion": blockOwnerDeletion = try Bool?(json: &reader)
            default: try reader.skipValue()
            }
        }
        guard let apiVersion, let kind, let name, let uid else {
            throw reader.failure("an owner reference needs apiVersion, kind, name and uid")
        }
        self.init(
            apiVersion: apiVersion, kind: kind, name: name, uid: uid,
            controller: controller, blockOwnerDeletion: blockOwnerDeletion)
    }
}
