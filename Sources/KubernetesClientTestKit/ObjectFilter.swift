import KubernetesCore

/// What a list or watch selects: a namespace (or all), optionally one name, a label selector
/// and a field selector.
struct ObjectFilter: Sendable {
    var namespace: String?
    var name: String?
    var labelSelector: LabelSelector?
    var fieldSelector: FieldSelector?

    static let everything = ObjectFilter()

    /// Whether every object matches.
    var isEmpty: Bool {
        namespace == nil && name == nil && (labelSelector?.isEmpty ?? true) && fieldSelector == nil
    }

    func matches(_ object: JSONValue) -> Bool {
        let metadata = object["metadata"]
        if let namespace, (metadata?["namespace"]?.stringValue ?? "") != namespace { return false }
        if let name, metadata?["name"]?.stringValue != name { return false }
        if let labelSelector, !labelSelector.isEmpty {
            guard labelSelector.matches(ObjectFilter.labels(of: object)) else { return false }
        }
        if let fieldSelector, !fieldSelector.matches(object) { return false }
        return true
    }

    /// `metadata.labels` as a dictionary; non-string values are ignored.
    static func labels(of object: JSONValue) -> [String: String] {
        guard let members = object["metadata"]?["labels"]?.objectValue else { return [:] }
        return members.compactMapValues(\.stringValue)
    }
}
