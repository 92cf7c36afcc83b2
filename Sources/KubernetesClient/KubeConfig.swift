import Foundation
import Logging
import Yams

/// The named entries of one or more kubeconfig files, merged as kubectl merges them.
///
/// Only the structure is checked here (lists of named mappings); an entry's fields are read when
/// a context that uses it is resolved (see `KubeConfig+Resolution.swift`), so that a broken
/// entry nobody uses does not stop the others, as in kubectl.
struct KubeConfig {
    /// One `clusters[]`, `users[]` or `contexts[]` item, remembering where it came from.
    struct Entry {
        var name: String
        /// The item's inner mapping (`cluster`, `user` or `context`), with its field path; `nil`
        /// when the item has none.
        var fields: YAMLFields?
        /// The file that defined it (errors name it; relative paths resolve against it).
        var file: String
        /// `clusters[2].cluster` and the like: where the inner mapping is, for errors.
        var path: String
    }

    /// The files read, in order (the ones that existed).
    var files: [String] = []
    var clusters: [String: Entry] = [:]
    var users: [String: Entry] = [:]
    var contexts: [String: Entry] = [:]
    /// The first `current-context` set, and the file that set it.
    var currentContext: (name: String, file: String)?

    /// Reads and merges `files` in order; see ``ClientConfiguration/fromKubeConfig(paths:context:environment:logger:)``.
    static func load(files: [String], mustExist: Bool, logger: Logger) throws(ConfigurationError) -> KubeConfig {
        var merged = KubeConfig()
        for file in files {
            guard let text = try readFile(file, mustExist: mustExist) else {
                logger.debug("kubeconfig file does not exist; skipping it", metadata: ["file": "\(file)"])
                continue
            }
            let parsed = try parse(text, file: file)
            merged.merge(parsed)
            merged.files.append(file)
        }
        guard !merged.files.isEmpty else {
            throw ConfigurationError(
                source: .kubeconfig, file: files.joined(separator: ":"),
                message: files.count == 1
                    ? "no such file" : "none of the files listed in KUBECONFIG exists")
        }
        logger.trace("read kubeconfig", metadata: ["files": "\(merged.files.joined(separator: ":"))"])
        return merged
    }

    /// Adds `other`'s entries whose names are new; keeps `current-context` when already set.
    mutating func merge(_ other: KubeConfig) {
        clusters.merge(other.clusters) { first, _ in first }
        users.merge(other.users) { first, _ in first }
        contexts.merge(other.contexts) { first, _ in first }
        if currentContext == nil { currentContext = other.currentContext }
    }

    /// The text of `file`; `nil` when it does not exist and need not.
    static func readFile(_ file: String, mustExist: Bool) throws(ConfigurationError) -> String? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            if mustExist { throw ConfigurationError(source: .kubeconfig, file: file, message: "no such file") }
            return nil
        }
        if isDirectory.boolValue {
            throw ConfigurationError(source: .kubeconfig, file: file, message: "is a directory, not a file")
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: file))
        } catch {
            throw ConfigurationError(source: .kubeconfig, file: file, message: FileReading.reason(error))
        }
        guard let text = decodeText(data) else {
            throw ConfigurationError(source: .kubeconfig, file: file, message: "not UTF-8 or UTF-16 text")
        }
        return text
    }

    /// UTF-8 (with or without a byte-order mark) or UTF-16 with a byte-order mark, as Windows
    /// tools sometimes write kubeconfigs.
    static func decodeText(_ data: Data) -> String? {
        let bytes = [UInt8](data.prefix(3))
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { return String(data: data.dropFirst(3), encoding: .utf8) }
        if bytes.starts(with: [0xFF, 0xFE]) { return String(data: data.dropFirst(2), encoding: .utf16LittleEndian) }
        if bytes.starts(with: [0xFE, 0xFF]) { return String(data: data.dropFirst(2), encoding: .utf16BigEndian) }
        return String(data: data, encoding: .utf8)
    }

    /// Parses the text of one file (every YAML document in it, merged first-wins).
    static func parse(_ text: String, file: String) throws(ConfigurationError) -> KubeConfig {
        let documents: [Node]
        do {
            var sequence = try Yams.compose_all(yaml: text)
            var nodes: [Node] = []
            while let node = sequence.next() { nodes.append(node) }
            if let error = sequence.error { throw error }
            documents = nodes
        } catch {
            throw ConfigurationError(source: .kubeconfig, file: file, message: yamlProblem(error))
        }
        var config = KubeConfig()
        for node in documents {
            config.merge(try parseDocument(node, file: file))
        }
        return config
    }

    private static func parseDocument(_ node: Node, file: String) throws(ConfigurationError) -> KubeConfig {
        var config = KubeConfig()
        let root: YAMLFields
        switch node {
        case .mapping(let mapping):
            root = YAMLFields(mapping, path: "", file: file)
        case .scalar(let scalar) where YAMLFields.isNull(scalar) || scalar.string.isEmpty:
            return config  // an empty document is an empty kubeconfig, as in client-go
        default:
            throw ConfigurationError(
                source: .kubeconfig, file: file, message: "expected a kubeconfig (a YAML mapping) at the top level")
        }
        if let kind = try root.string("kind"), kind != "Config" {
            throw root.error("kind", "expected Config, found \(kind)")
        }
        if let apiVersion = try root.string("apiVersion"), apiVersion != "v1" {
            throw root.error("apiVersion", "expected v1, found \(apiVersion)")
        }
        config.clusters = try entries(root, list: "clusters", item: "cluster")
        config.users = try entries(root, list: "users", item: "user")
        config.contexts = try entries(root, list: "contexts", item: "context")
        if let current = try root.string("current-context") {
            config.currentContext = (current, file)
        }
        return config
    }

    private static func entries(
        _ root: YAMLFields, list: String, item: String
    ) throws(ConfigurationError) -> [String: Entry] {
        var result: [String: Entry] = [:]
        for named in try root.mappings(list) ?? [] {
            guard let name = try named.string("name") else {
                throw named.error("name", "missing: every entry of \(list) needs a name")
            }
            let fields = try named.mapping(item)
            result[name] = Entry(name: name, fields: fields, file: root.file, path: named.fieldPath(item))
        }
        return result
    }

    /// A YAML syntax problem with its position, never the offending text (it may be a secret).
    static func yamlProblem(_ error: any Error) -> String {
        guard let error = error as? YamlError else { return "not valid YAML" }
        func at(_ mark: Mark) -> String { "line \(mark.line), column \(mark.column)" }
        switch error {
        case .scanner(let context, let problem, let mark, _),
            .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let circumstance = context.map { " (\($0.text))" } ?? ""
            return "not valid YAML at \(at(mark)): \(problem)\(circumstance)"
        case .reader(let problem, _, _, _):
            return "not valid YAML: \(problem)"
        case .duplicatedKeysInMapping(let duplicates, let context):
            return
                "not valid YAML at \(at(context.mark)): duplicate keys \(duplicates.sorted().joined(separator: ", "))"
        default:
            return "not valid YAML"
        }
    }

    /// `path` made absolute against the directory of `file` (the kubeconfig that names it).
    static func resolve(_ path: String, relativeTo file: String) -> String {
        if path.hasPrefix("/") { return URL(fileURLWithPath: path).standardizedFileURL.path }
        let directory = URL(fileURLWithPath: file).deletingLastPathComponent()
        return URL(fileURLWithPath: path, relativeTo: directory).standardizedFileURL.path
    }
}
