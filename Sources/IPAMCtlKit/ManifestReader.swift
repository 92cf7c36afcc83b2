import Foundation
import IPAMModel
import KubernetesCore
import Yams

/// Reads Kubernetes manifests: files, directories (recursively, `*.yaml`,
/// `*.yml`, `*.json`, in name order) and `-` for standard input; each file may
/// hold several YAML documents.
///
/// Objects of kinds `ipamctl` does not use are skipped, as are empty
/// documents. Unreadable files, YAML syntax errors and objects that do not
/// decode become ``ManifestProblem``s; reading goes on with the rest, so one
/// run reports everything.
public struct ManifestReader {
    /// What was read.
    public struct Result: Sendable {
        public var objects: [ManifestObject] = []
        public var problems: [ManifestProblem] = []
    }

    /// Namespace given to namespaced objects that name none, as `kubectl apply` does.
    public var defaultNamespace = "default"
    /// Reads standard input when a path is `-`.
    public var readStandardInput: @Sendable () -> String = {
        String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
    }

    public init() {}

    /// Reads every path in order.
    public func read(_ paths: [String]) -> Result {
        var result = Result()
        for path in paths {
            if path == "-" {
                read(text: readStandardInput(), file: "-", into: &result)
                continue
            }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                result.problems.append(ManifestProblem(source: nil, object: nil, field: nil, message: "\(path): no such file or directory"))
                continue
            }
            let files = isDirectory.boolValue ? manifestFiles(under: path) : [path]
            for file in files {
                do {
                    let text = try String(contentsOfFile: file, encoding: .utf8)
                    read(text: text, file: file, into: &result)
                } catch {
                    result.problems.append(ManifestProblem(
                        source: nil, object: nil, field: nil, message: "\(file): cannot be read as UTF-8 text"))
                }
            }
        }
        return result
    }

    /// The manifest files below `directory`, sorted by path.
    func manifestFiles(under directory: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: directory) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let lower = relative.lowercased()
            guard lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") || lower.hasSuffix(".json") else { continue }
            let path = (directory as NSString).appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(path)
            }
        }
        return files.sorted()
    }

    /// Reads the documents of one file's text.
    func read(text: String, file: String, into result: inout Result) {
        // Documents one at a time: a syntax error in a later document still
        // leaves the earlier ones read (Yams' `compose_all` sequence would
        // end silently at the error).
        var documents: [Node] = []
        do {
            let parser = try Parser(yaml: text)
            while let document = try parser.nextRoot() { documents.append(document) }
        } catch {
            result.problems.append(ManifestProblem(
                source: ManifestSource(file: file, document: documents.count + 1, line: Self.line(of: error) ?? 1),
                object: nil, field: nil, message: "not valid YAML: \(Self.describe(error))"))
        }
        for (index, node) in documents.enumerated() {
            let source = ManifestSource(file: file, document: index + 1, line: node.mark?.line ?? 1)
            // An empty document, or one that is just `null` or `~` (an unresolved
            // scalar's tag is not "null" yet, so ask Yams whether it reads as null).
            if case .scalar(let scalar) = node, scalar.string.isEmpty || node.null != nil {
                continue
            }
            guard let mapping = node.mapping else {
                result.problems.append(ManifestProblem(
                    source: source, object: nil, field: nil, message: "a Kubernetes object must be a mapping"))
                continue
            }
            let apiVersion = mapping["apiVersion"]?.string ?? ""
            let kind = mapping["kind"]?.string ?? ""
            if kind.hasSuffix("List"), apiVersion == "v1", let items = mapping["items"]?.sequence {
                for item in items { decode(item, apiVersion: item["apiVersion"]?.string ?? "", kind: item["kind"]?.string ?? "", source: source, into: &result) }
                continue
            }
            decode(node, apiVersion: apiVersion, kind: kind, source: source, into: &result)
        }
    }

    private func decode(_ node: Node, apiVersion: String, kind: String, source: ManifestSource, into result: inout Result) {
        let decoder = YAMLDecoder()
        let name = node["metadata"]?["name"]?.string
        // Named as ManifestObject.reference names it: `Kind namespace/name` for namespaced kinds.
        let isNamespaced = kind == IPClaim.kind || kind == Pod.kind
        let namespace = node["metadata"]?["namespace"]?.string ?? (isNamespaced ? defaultNamespace : nil)
        let objectName = "\(kind) \(namespace.map { "\($0)/" } ?? "")\(name ?? "<unnamed>")"
        do {
            let content: ManifestObject.Content
            switch (apiVersion, kind) {
            case (IPPool.apiVersion, IPPool.kind): content = .pool(try decoder.decode(IPPool.self, from: node))
            case (IPClaim.apiVersion, IPClaim.kind):
                var claim = try decoder.decode(IPClaim.self, from: node)
                if claim.metadata.namespace == nil { claim.metadata.namespace = defaultNamespace }
                content = .claim(claim)
            case (IPLease.apiVersion, IPLease.kind): content = .lease(try decoder.decode(IPLease.self, from: node))
            case (Pod.apiVersion, Pod.kind):
                var pod = try decoder.decode(Pod.self, from: node)
                if pod.metadata.namespace == nil { pod.metadata.namespace = defaultNamespace }
                content = .pod(pod)
            case (Namespace.apiVersion, Namespace.kind): content = .namespace(try decoder.decode(Namespace.self, from: node))
            case (_, IPPool.kind), (_, IPClaim.kind), (_, IPLease.kind):
                result.problems.append(ManifestProblem(
                    source: source, object: objectName, field: "apiVersion",
                    message: "\(String(reflecting: apiVersion)) is not served; use \(IPAMAPI.group)/\(IPAMAPI.version)"))
                return
            default:
                return  // a kind ipamctl does not use
            }
            result.objects.append(ManifestObject(source: source, content: content))
        } catch let error as DecodingError {
            let (field, message) = Self.describe(error)
            result.problems.append(ManifestProblem(source: source, object: objectName, field: field, message: message))
        } catch {
            result.problems.append(ManifestProblem(source: source, object: objectName, field: nil, message: Self.describe(error)))
        }
    }

    /// A field path such as `spec.cidrs[1]` and a message for a decoding error.
    static func describe(_ error: DecodingError) -> (field: String, message: String) {
        func path(_ keys: [any CodingKey]) -> String {
            keys.reduce(into: "") { path, key in
                if let index = key.intValue { path += "[\(index)]" } else { path += path.isEmpty ? key.stringValue : ".\(key.stringValue)" }
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return (parent.isEmpty ? key.stringValue : "\(parent).\(key.stringValue)", "required field is missing")
        case .typeMismatch(let type, let context):
            return (path(context.codingPath), "expected \(describe(type))")
        case .valueNotFound(let type, let context):
            return (path(context.codingPath), "expected \(describe(type)), found null")
        case .dataCorrupted(let context):
            return (path(context.codingPath), context.debugDescription)
        @unknown default:
            return ("", "\(error)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        let name = String(describing: type)
        switch type {
        case is String.Type: return "a string"
        case is Bool.Type: return "true or false"
        case is Int.Type, is Int32.Type, is Int64.Type: return "an integer"
        default:
            if name.hasPrefix("Array") || name.hasSuffix("Sequence") { return "a list" }
            // Yams reports the node kind it wanted: a single value where a list or mapping was found.
            if name.hasSuffix("Scalar") { return "a single value, not a list or mapping" }
            if name.hasPrefix("Dictionary") || name.hasSuffix("Mapping") || name.hasSuffix("KeyedContainer") {
                return "a mapping"
            }
            return "a \(name)"
        }
    }

    static func describe(_ error: any Error) -> String {
        if let yaml = error as? YamlError {
            switch yaml {
            case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
                .composer(_, let problem, let mark, _):
                return "\(problem) at line \(mark.line), column \(mark.column)"
            default:
                return "\(yaml)".replacingOccurrences(of: "\n", with: " ")
            }
        }
        return "\(error)"
    }

    static func line(of error: any Error) -> Int? {
        switch error as? YamlError {
        case .scanner(_, _, let mark, _)?, .parser(_, _, let mark, _)?, .composer(_, _, let mark, _)?: mark.line
        default: nil
        }
    }
}
