/// The metadata of a list response (`metav1.ListMeta`).
///
/// Not guaranteed: that `remainingItemCount` is present or exact; the server may omit it and the
/// count may change before the next page is read.
public struct ListMeta: Codable, Hashable, Sendable {
    /// The collection's resource version at the time of the list; start a watch from here to see
    /// every change after it. Opaque: compare for equality only.
    public var resourceVersion: String?
    /// The token for the next page of a paginated list; `nil` or empty on the last page. It
    /// expires (410 Gone, reason `Expired`) after a few minutes.
    public var `continue`: String?
    /// An estimate of the items not yet returned in a paginated list.
    public var remainingItemCount: Int64?

    /// Creates list metadata; every field defaults to `nil`.
    public init(resourceVersion: String? = nil, continue: String? = nil, remainingItemCount: Int64? = nil) {
        self.resourceVersion = resourceVersion
        self.continue = `continue`
        self.remainingItemCount = remainingItemCount
    }
}

extension ListMeta: JSONReadable {
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self.init()
        try reader.beginObject()
        while let key = try reader.nextKey() {
            switch key {
            case "resourceVersion": resourceVersion = try String?(json: &reader)
            case "continue": self.continue = try String?(json: &reader)
            case "remainingItemCount": remainingItemCount = try Int64?(json: &reader)
            default: try reader.skipValue()
            }
        }
    }
}
