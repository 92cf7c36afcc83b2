public import KubernetesCore

/// The three members every IPAM kind has, as ``JSONReader`` finds them: each kind's reader
/// then decides what a missing `spec` means, as its `init(from:)` does.
struct KindMembers<Spec: JSONReadable, Status: JSONReadable> {
    /// Missing or `null` metadata reads as empty, as every IPAM kind decodes it.
    var metadata = ObjectMeta()
    var spec: Spec?
    var status: Status?

    init(json reader: inout JSONReader) throws(JSONReadError) {
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "metadata": metadata = try ObjectMeta?(json: &reader) ?? ObjectMeta()
            case "spec": spec = try Spec?(json: &reader)
            case "status": status = try Status?(json: &reader)
            default: try reader.skipValue()
            }
        }
    }
}
