/// A Kubernetes API path, split into its parts.
///
/// ```
/// /api/v1[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]
/// /apis/{group}/{version}[/namespaces/{ns}]/{plural}[/{name}[/{subresource}]]
/// ```
///
/// `/api/v1/namespaces/a/b` is ambiguous: resource `b` in namespace `a`, or subresource `b`
/// of Namespace `a`. ``interpretations(of:)`` returns both, namespaced first; the router takes the
/// first whose plural is registered with that scope, as the API server's route table does.
struct APIPath: Hashable, Sendable {
    var group: String
    var version: String
    /// The namespace of a namespaced path; `nil` for cluster-scoped or all-namespaces paths.
    var namespace: String?
    var plural: String
    var name: String?
    var subresource: String?

    /// The possible readings of `path`, most specific first; empty when it is no API path.
    static func interpretations(of path: String) -> [APIPath] {
        let segments = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst().map(String.init)
        guard !segments.contains(where: \.isEmpty) else { return [] }
        let group: String
        let version: String
        let rest: ArraySlice<String>
        if segments.count >= 2, segments[0] == "api" {
            group = ""
            version = segments[1]
            rest = segments[2...]
        } else if segments.count >= 3, segments[0] == "apis" {
            group = segments[1]
            version = segments[2]
            rest = segments[3...]
        } else {
            return []
        }
        var readings: [APIPath] = []
        if rest.count >= 3, rest.count <= 5, rest.first == "namespaces" {
            let parts = Array(rest)
            readings.append(
                APIPath(
                    group: group, version: version, namespace: parts[1], plural: parts[2],
                    name: parts.count > 3 ? parts[3] : nil, subresource: parts.count > 4 ? parts[4] : nil))
        }
        if (1...3).contains(rest.count) {
            let parts = Array(rest)
            readings.append(
                APIPath(
                    group: group, version: version, namespace: nil, plural: parts[0],
                    name: parts.count > 1 ? parts[1] : nil, subresource: parts.count > 2 ? parts[2] : nil))
        }
        return readings
    }
}
