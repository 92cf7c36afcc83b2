/// A list response (`PodList`, `IPPoolList`, …): list metadata and the items of one page.
///
/// Decoding tolerates what real servers and proxies send: `items: null` or a missing `items`
/// gives an empty array, missing `metadata` an empty ``ListMeta``. Item decoding is strict: one
/// item that does not decode as `R` fails the whole list.
///
/// Not guaranteed: that this is the whole collection; check `metadata.continue` for more pages.
public struct ResourceList<R: Resource>: Codable, Sendable {
    /// The list's API version, normally `R.apiVersion`.
    public var apiVersion: String?
    /// The list's kind, normally `R.kind + "List"`.
    public var kind: String?
    /// The collection's resource version and the pagination token.
    public var metadata: ListMeta
    /// The objects of this page, in the server's order (by name/namespace for etcd, not promised).
    public var items: [R]

    /// Creates a list with `apiVersion` and `kind` filled from `R`.
    public init(metadata: ListMeta = ListMeta(), items: [R]) {
        self.apiVersion = R.apiVersion
        self.kind = R.kind + "List"
        self.metadata = metadata
        self.items = items
    }

    private enum CodingKeys: String, CodingKey {
        case apiVersion, kind, metadata, items
    }

    /// Decodes a list response; see the type's documentation for what is tolerated.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        apiVersion = try container.decodeIfPresent(String.self, forKey: .apiVersion)
        kind = try container.decodeIfPresent(String.self, forKey: .kind)
        metadata = try container.decodeIfPresent(ListMeta.self, forKey: .metadata) ?? ListMeta()
        items = try container.decodeIfPresent([R].self, forKey: .items) ?? []
    }
}

extension ResourceList: Equatable where R: Equatable {}
extension ResourceList: Hashable where R: Hashable {}

extension ResourceList: JSONReadable where R: JSONReadable {
    /// Reads the same fields as `init(from:)`, each item with `R`'s reader.
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        var apiVersion: String?
        var kind: String?
        var metadata: ListMeta?
        var items: [R]?
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "apiVersion": apiVersion = try String?(json: &reader)
            case "kind": kind = try String?(json: &reader)
            case "metadata": metadata = try ListMeta?(json: &reader)
            case "items": items = try [R]?(json: &reader)
            default: try reader.skipValue()
            }
        }
        self.init(metadata: metadata ?? ListMeta(), items: items ?? [])
        self.apiVersion = apiVersion
        self.kind = kind
    }
}
