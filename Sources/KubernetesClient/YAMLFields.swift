import Foundation
import Yams

/// Typed reads of one YAML mapping that name the offending field in their errors.
///
/// Kubeconfig fields are read the way client-go reads them (YAML converted to JSON, then decoded):
/// an absent key, `null` and an empty string all mean "not set"; a string field accepts any
/// scalar; a boolean must be a YAML boolean. Errors name `path.key` and never quote a value,
/// since many fields hold secrets.
struct YAMLFields {
    let mapping: Node.Mapping
    /// The field path of this mapping, e.g. `users[0].user`; empty at the top level.
    let path: String
    let file: String
    var context: String?

    init(_ mapping: Node.Mapping, path: String, file: String, context: String? = nil) {
        self.mapping = mapping
        self.path = path
        self.file = file
        self.context = context
    }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : path + "." + key }

    func error(_ key: String?, _ message: String) -> ConfigurationError {
        ConfigurationError(
            source: .kubeconfig, file: file, context: context, field: key.map(fieldPath) ?? (path.isEmpty ? nil : path),
            message: message)
    }

    /// The node for `key`, or `nil` when absent or null.
    func node(_ key: String) -> Node? {
        guard let node = mapping[key] else { return nil }
        if case .scalar(let scalar) = node, Self.isNull(scalar) { return nil }
        return node
    }

    func contains(_ key: String) -> Bool { node(key) != nil }

    /// A string field; `nil` when absent, null or empty.
    func string(_ key: String) throws(ConfigurationError) -> String? {
        guard let node = node(key) else { return nil }
        guard case .scalar(let scalar) = node else { throw error(key, "expected a string") }
        return scalar.string.isEmpty ? nil : scalar.string
    }

    /// A boolean field; `nil` when absent or null.
    func bool(_ key: String) throws(ConfigurationError) -> Bool? {
        guard let node = node(key) else { return nil }
        guard case .scalar(let scalar) = node, let value = Bool.construct(from: scalar) else {
            throw error(key, "expected true or false")
        }
        return value
    }

    /// A list of strings; `nil` when absent or null.
    func strings(_ key: String) throws(ConfigurationError) -> [String]? {
        guard let node = node(key) else { return nil }
        guard case .sequence(let sequence) = node else { throw error(key, "expected a list of strings") }
        var values: [String] = []
        for (index, item) in sequence.enumerated() {
            guard case .scalar(let scalar) = item else { throw error("\(key)[\(index)]", "expected a string") }
            values.append(scalar.string)
        }
        return values
    }

    /// A nested mapping; `nil` when absent or null.
    func mapping(_ key: String) throws(ConfigurationError) -> YAMLFields? {
        guard let node = node(key) else { return nil }
        guard case .mapping(let mapping) = node else { throw error(key, "expected a mapping") }
        return YAMLFields(mapping, path: fieldPath(key), file: file, context: context)
    }

    /// A list of mappings; `nil` when absent or null.
    func mappings(_ key: String) throws(ConfigurationError) -> [YAMLFields]? {
        guard let node = node(key) else { return nil }
        guard case .sequence(let sequence) = node else { throw error(key, "expected a list") }
        var values: [YAMLFields] = []
        for (index, item) in sequence.enumerated() {
            guard case .mapping(let mapping) = item else { throw error("\(key)[\(index)]", "expected a mapping") }
            values.append(YAMLFields(mapping, path: "\(fieldPath(key))[\(index)]", file: file, context: context))
        }
        return values
    }

    /// Whether a scalar is YAML's null: a plain `~`, `null` or nothing (a quoted `''` is a string).
    static func isNull(_ scalar: Node.Scalar) -> Bool {
        NSNull.construct(from: scalar) != nil
    }

    /// A YAML value converted to a JSON-compatible Foundation value (for `JSONSerialization`).
    ///
    /// Plain scalars are typed as YAML 1.1 resolves them (null, boolean, integer, float); quoted
    /// scalars stay strings.
    static func jsonValue(_ node: Node) -> Any {
        switch node {
        case .scalar(let scalar):
            if isNull(scalar) { return NSNull() }
            if let bool = Bool.construct(from: scalar) { return bool }
            if let int = Int.construct(from: scalar) { return int }
            if let double = Double.construct(from: scalar), double.isFinite { return double }
            return scalar.string
        case .mapping(let mapping):
            var object: [String: Any] = [:]
            for (key, value) in mapping { object[key.string ?? "\(key)"] = jsonValue(value) }
            return object
        case .sequence(let sequence):
            return sequence.map(jsonValue)
        case .alias:
            return NSNull()
        }
    }
}
