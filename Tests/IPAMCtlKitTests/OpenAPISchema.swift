import Foundation
import KubernetesClientTestKit
import KubernetesCore
import Yams

// A minimal structural-schema walker for the tests that hold the CRDs in crds/ against the Swift
// API types and the samples. It reads the subset of OpenAPI v3 that CustomResourceDefinitions
// allow and refuses any keyword it does not know, so that a constraint added to a CRD can never be
// skipped silently. CEL rules (x-kubernetes-validations) are read but not evaluated.

// MARK: - JSON values

// The JSON value is the stand-in's (`KubernetesClientTestKit.JSONValue`); what the schema walker
// adds to it: JSON text through Foundation's coders, and the type names schemas use.
extension JSONValue {
    /// Decodes JSON text.
    init(json data: Data) throws {
        self = try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// The JSON text, keys sorted.
    func jsonData() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self)
    }

    /// The JSON type name, as schemas and messages spell it.
    var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .integer: "integer"
        case .double: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }
}

/// A YAML construct that has no JSON form (aliases, non-scalar keys, duplicate keys).
struct YAMLConversionError: Error, CustomStringConvertible {
    let line: Int
    let message: String
    var description: String { "line \(line): \(message)" }
}

extension JSONValue {
    /// Converts a composed YAML node as the API server's YAML-to-JSON step does, for the YAML
    /// this repository writes: plain scalars are resolved with the YAML 1.2 core schema
    /// (`true`, `null`, `42`, `1.5`), every quoted or block scalar is a string.
    init(yaml node: Node) throws {
        let line = node.mark?.line ?? 0
        switch node {
        case .scalar(let scalar):
            self = scalar.style == .plain || scalar.style == .any ? Self.resolvePlain(scalar.string) : .string(scalar.string)
        case .sequence(let sequence):
            self = .array(try sequence.map(JSONValue.init(yaml:)))
        case .mapping(let mapping):
            var object: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard case .scalar(let keyScalar) = key else {
                    throw YAMLConversionError(line: line, message: "a mapping key is not a scalar")
                }
                guard object.updateValue(try JSONValue(yaml: value), forKey: keyScalar.string) == nil else {
                    throw YAMLConversionError(line: key.mark?.line ?? line, message: "duplicate key \"\(keyScalar.string)\"")
                }
            }
            self = .object(object)
        case .alias:
            throw YAMLConversionError(line: line, message: "aliases are not used in Kubernetes manifests")
        }
    }

    private static func resolvePlain(_ text: String) -> JSONValue {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE": return .bool(true)
        case "false", "False", "FALSE": return .bool(false)
        default: break
        }
        if text.wholeMatch(of: /[-+]?[0-9]+/) != nil, let value = Int64(text) { return .integer(value) }
        if text.wholeMatch(of: /[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?/) != nil, let value = Double(text) {
            return .double(value)
        }
        return .string(text)
    }

    /// Every document of a multi-document YAML text, with the line it starts on.
    static func documents(ofYAML text: String) throws -> [(line: Int, value: JSONValue)] {
        let parser = try Parser(yaml: text)
        var documents: [(line: Int, value: JSONValue)] = []
        while let node = try parser.nextRoot() {
            documents.append((node.mark?.line ?? 0, try JSONValue(yaml: node)))
        }
        return documents
    }
}

// MARK: - Paths

/// One step from a schema node to a child: a named property, any item of an array, or any
/// value of a map (`additionalProperties`).
enum SchemaStep: Hashable, Sendable {
    case property(String)
    case anyItem
    case anyValue

    /// `spec.cidrs[*]`, `spec.namespaceSelector.matchLabels.*`.
    static func render(_ steps: [SchemaStep]) -> String {
        var text = ""
        for step in steps {
            switch step {
            case .property(let name): text += text.isEmpty ? name : ".\(name)"
            case .anyItem: text += "[*]"
            case .anyValue: text += text.isEmpty ? "*" : ".*"
            }
        }
        return text.isEmpty ? "<root>" : text
    }
}

/// Joins a concrete value path: `spec.poolSelector.matchExpressions[0].operator`.
private func joinPath(_ path: String, _ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

extension JSONValue {
    /// Whether some concrete path matching `steps` exists in this value: a property that is
    /// present (even if `null`), an array with an item, a map with a value, all the way down.
    func reaches(_ steps: ArraySlice<SchemaStep>) -> Bool {
        guard let step = steps.first else { return true }
        let rest = steps.dropFirst()
        switch (step, self) {
        case (.property(let name), .object(let object)): return object[name]?.reaches(rest) ?? false
        case (.anyItem, .array(let items)): return items.contains { $0.reaches(rest) }
        case (.anyValue, .object(let object)): return object.values.contains { $0.reaches(rest) }
        default: return false
        }
    }

    /// Where `other` differs from this value, each as `path: what differs`.
    func differences(from other: JSONValue, at path: String) -> [String] {
        switch (self, other) {
        case (.object(let mine), .object(let theirs)):
            return Set(mine.keys).union(theirs.keys).sorted().flatMap { key -> [String] in
                switch (mine[key], theirs[key]) {
                case (let expected?, let found?): return expected.differences(from: found, at: joinPath(path, key))
                case (_?, nil): return ["\(joinPath(path, key)): missing"]
                case (nil, let found?): return ["\(joinPath(path, key)): unexpected \(found)"]
                case (nil, nil): return []
                }
            }
        case (.array(let mine), .array(let theirs)) where mine.count == theirs.count:
            return zip(mine, theirs).enumerated().flatMap { index, pair in
                pair.0.differences(from: pair.1, at: "\(path)[\(index)]")
            }
        default:
            return self == other ? [] : ["\(path): expected \(self), found \(other)"]
        }
    }
}

// MARK: - Schema

/// A schema keyword, or a structure, that this walker does not support.
struct SchemaParseError: Error, CustomStringConvertible {
    let path: String
    let message: String
    var description: String { "schema \(path): \(message)" }
}

/// One problem of a value against a schema, naming the value's path.
struct SchemaViolation: Hashable, Sendable, CustomStringConvertible {
    let path: String
    let message: String
    var description: String { "\(path.isEmpty ? "<root>" : path): \(message)" }
}

/// One node of a CRD's structural schema (`openAPIV3Schema` and everything below it).
final class OpenAPISchema: Sendable {
    /// One CEL rule of `x-kubernetes-validations`.
    struct ValidationRule: Sendable {
        let rule: String
        let message: String?
        let messageExpression: String?
    }

    let type: String?
    let format: String?
    let description: String?
    let properties: [String: OpenAPISchema]
    let items: OpenAPISchema?
    let additionalProperties: OpenAPISchema?
    let required: [String]
    let enumValues: [JSONValue]?
    let pattern: String?
    let minItems: Int?
    let maxItems: Int?
    let minLength: Int?
    let maxLength: Int?
    let minProperties: Int?
    let maxProperties: Int?
    let minimum: Double?
    let maximum: Double?
    let defaultValue: JSONValue?
    let nullable: Bool
    let intOrString: Bool
    let preserveUnknownFields: Bool
    let listType: String?
    let listMapKeys: [String]
    let mapType: String?
    let validations: [ValidationRule]

    private static let keywords: Set<String> = [
        "type", "format", "description", "properties", "items", "additionalProperties", "required",
        "enum", "pattern", "minItems", "maxItems", "minLength", "maxLength", "minProperties",
        "maxProperties", "minimum", "maximum", "default", "nullable", "x-kubernetes-int-or-string",
        "x-kubernetes-preserve-unknown-fields", "x-kubernetes-validations", "x-kubernetes-list-type",
        "x-kubernetes-list-map-keys", "x-kubernetes-map-type",
    ]
    private static let types: Set<String> = ["object", "array", "string", "integer", "number", "boolean"]
    private static let formats: Set<String> = ["int32", "int64", "date-time"]

    /// Reads a schema node; `path` names it in errors.
    init(_ value: JSONValue, at path: [SchemaStep] = []) throws {
        func fail(_ message: String) -> SchemaParseError {
            SchemaParseError(path: SchemaStep.render(path), message: message)
        }
        guard case .object(let node) = value else { throw fail("a schema must be an object") }
        if let unknown = node.keys.filter({ !Self.keywords.contains($0) }).sorted().first {
            throw fail("keyword \"\(unknown)\" is not supported by this walker (teach it, do not skip it)")
        }
        func string(_ key: String) throws -> String? {
            guard let value = node[key] else { return nil }
            guard let text = value.stringValue else { throw fail("\(key) must be a string") }
            return text
        }
        func int(_ key: String) throws -> Int? {
            guard let value = node[key] else { return nil }
            guard case .integer(let number) = value, number >= 0 else { throw fail("\(key) must be a non-negative integer") }
            return Int(number)
        }
        func number(_ key: String) throws -> Double? {
            switch node[key] {
            case nil: return nil
            case .integer(let number)?: return Double(number)
            case .double(let number)?: return number
            default: throw fail("\(key) must be a number")
            }
        }
        func flag(_ key: String) throws -> Bool {
            guard let value = node[key] else { return false }
            guard let flag = value.boolValue else { throw fail("\(key) must be a boolean") }
            return flag
        }
        func strings(_ key: String) throws -> [String] {
            guard let value = node[key] else { return [] }
            guard let list = value.arrayValue?.compactMap(\.stringValue), list.count == value.arrayValue?.count else {
                throw fail("\(key) must be a list of strings")
            }
            return list
        }

        type = try string("type")
        if let type, !Self.types.contains(type) { throw fail("unknown type \"\(type)\"") }
        format = try string("format")
        if let format, !Self.formats.contains(format) { throw fail("format \"\(format)\" is not supported by this walker") }
        description = try string("description")
        var properties: [String: OpenAPISchema] = [:]
        if let value = node["properties"] {
            guard let object = value.objectValue else { throw fail("properties must be an object") }
            for (name, child) in object { properties[name] = try OpenAPISchema(child, at: path + [.property(name)]) }
        }
        self.properties = properties
        items = try node["items"].map { try OpenAPISchema($0, at: path + [.anyItem]) }
        if case .bool? = node["additionalProperties"] {
            throw fail("additionalProperties must be a schema (structural schemas forbid booleans)")
        }
        additionalProperties = try node["additionalProperties"].map { try OpenAPISchema($0, at: path + [.anyValue]) }
        required = try strings("required")
        if let value = node["enum"] {
            guard let list = value.arrayValue, !list.isEmpty else { throw fail("enum must be a non-empty list") }
            enumValues = list
        } else {
            enumValues = nil
        }
        pattern = try string("pattern")
        if let pattern, (try? NSRegularExpression(pattern: pattern)) == nil { throw fail("pattern \(pattern) does not compile") }
        minItems = try int("minItems")
        maxItems = try int("maxItems")
        minLength = try int("minLength")
        maxLength = try int("maxLength")
        minProperties = try int("minProperties")
        maxProperties = try int("maxProperties")
        minimum = try number("minimum")
        maximum = try number("maximum")
        defaultValue = node["default"]
        nullable = try flag("nullable")
        intOrString = try flag("x-kubernetes-int-or-string")
        preserveUnknownFields = try flag("x-kubernetes-preserve-unknown-fields")
        listType = try string("x-kubernetes-list-type")
        listMapKeys = try strings("x-kubernetes-list-map-keys")
        mapType = try string("x-kubernetes-map-type")
        var validations: [ValidationRule] = []
        for rule in node["x-kubernetes-validations"]?.arrayValue ?? [] {
            guard let rule = rule.objectValue, let text = rule["rule"]?.stringValue else { throw fail("a validation rule needs a rule") }
            validations.append(
                ValidationRule(rule: text, message: rule["message"]?.stringValue, messageExpression: rule["messageExpression"]?.stringValue))
        }
        self.validations = validations
    }

    // MARK: Walking

    /// Calls `visit` with this node and every node below it, each with its path.
    func forEachNode(at path: [SchemaStep] = [], _ visit: (_ path: [SchemaStep], _ node: OpenAPISchema) -> Void) {
        visit(path, self)
        for (name, child) in properties.sorted(by: { $0.key < $1.key }) {
            child.forEachNode(at: path + [.property(name)], visit)
        }
        items?.forEachNode(at: path + [.anyItem], visit)
        additionalProperties?.forEachNode(at: path + [.anyValue], visit)
    }

    /// The paths of every node below this one (properties, items, map values), parents first.
    func declaredPaths(under path: [SchemaStep]) -> [[SchemaStep]] {
        var paths: [[SchemaStep]] = []
        forEachNode(at: path) { nodePath, _ in if nodePath != path { paths.append(nodePath) } }
        return paths
    }

    /// The node at `steps` below this one, if the schema declares it.
    func node(at steps: [SchemaStep]) -> OpenAPISchema? {
        guard let step = steps.first else { return self }
        let child: OpenAPISchema? =
            switch step {
            case .property(let name): properties[name]
            case .anyItem: items
            case .anyValue: additionalProperties
            }
        return child?.node(at: Array(steps.dropFirst()))
    }

    // MARK: Validation

    /// How ``violations(of:at:options:)`` checks.
    struct ValidationOptions {
        /// Objects whose undeclared keys are not this schema's business: `metadata` is the API
        /// server's ObjectMeta; a CRD may only restrict it.
        var opaqueObjects: Set<String> = ["metadata"]
        /// Whether `minimum`/`maximum` are checked; off when only the widths of integer formats
        /// are compared.
        var checkBounds = true
    }

    /// Everything about `value` that the API server's structural validation (or its pruning of
    /// unknown fields) would object to, in path order; CEL rules are not evaluated.
    func violations(of value: JSONValue, at path: String = "", options: ValidationOptions = .init()) -> [SchemaViolation] {
        func violation(_ message: String) -> [SchemaViolation] { [SchemaViolation(path: path, message: message)] }
        if value == .null {
            return nullable ? [] : violation("is null, but the schema is not nullable")
        }
        var found: [SchemaViolation] = []
        if let enumValues, !enumValues.contains(value) {
            found += violation("\(value) is not one of \(enumValues.map(\.description).joined(separator: ", "))")
        }
        if intOrString {
            switch value {
            case .integer, .string: return found
            default: return found + violation("is \(value.typeName), expected an integer or a string")
            }
        }
        switch (type, value) {
        case (nil, _):
            return found
        case ("object", .object(let object)):
            for key in required where object[key] == nil {
                found.append(SchemaViolation(path: joinPath(path, key), message: "is required but missing"))
            }
            if let minProperties, object.count < minProperties { found += violation("has \(object.count) properties, fewer than minProperties \(minProperties)") }
            if let maxProperties, object.count > maxProperties { found += violation("has \(object.count) properties, more than maxProperties \(maxProperties)") }
            for (key, child) in object.sorted(by: { $0.key < $1.key }) {
                let childPath = joinPath(path, key)
                if let schema = properties[key] ?? additionalProperties {
                    found += schema.violations(of: child, at: childPath, options: options)
                } else if !preserveUnknownFields && !options.opaqueObjects.contains(path) {
                    found.append(SchemaViolation(path: childPath, message: "is not in the schema (the API server would prune it)"))
                }
            }
            return found
        case ("array", .array(let list)):
            if let minItems, list.count < minItems { found += violation("has \(list.count) items, fewer than minItems \(minItems)") }
            if let maxItems, list.count > maxItems { found += violation("has \(list.count) items, more than maxItems \(maxItems)") }
            for (index, item) in list.enumerated() {
                found += items?.violations(of: item, at: "\(path)[\(index)]", options: options) ?? []
            }
            let identities: [JSONValue] =
                switch listType {
                case "set": list
                case "map": list.map { item in .array(listMapKeys.map { item[$0] ?? .null }) }
                default: []
                }
            for (index, identity) in identities.enumerated() where identities[..<index].contains(identity) {
                found.append(SchemaViolation(path: "\(path)[\(index)]", message: "duplicates an earlier item of a list-type \(listType ?? "") list"))
            }
            return found
        case ("string", .string(let text)):
            let length = text.unicodeScalars.count
            if let minLength, length < minLength { found += violation("is \(length) characters long, shorter than minLength \(minLength)") }
            if let maxLength, length > maxLength { found += violation("is \(length) characters long, longer than maxLength \(maxLength)") }
            if let pattern, let regex = try? NSRegularExpression(pattern: pattern),
                regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) == nil
            {
                found += violation("\(value) does not match pattern \(pattern)")
            }
            if format == "date-time", RFC3339.parse(text) == nil { found += violation("\(value) is not an RFC 3339 date-time") }
            return found
        case ("integer", .integer(let number)):
            if format == "int32", Int32(exactly: number) == nil { found += violation("\(number) does not fit format int32") }
            return found + boundViolations(Double(number), at: path, options: options)
        case ("number", .integer(let number)):
            return found + boundViolations(Double(number), at: path, options: options)
        case ("number", .double(let number)):
            return found + boundViolations(number, at: path, options: options)
        case ("boolean", .bool):
            return found
        case (let type?, _):
            return found + violation("is \(value.typeName) \(value), expected \(type)\(format.map { " (\($0))" } ?? "")")
        }
    }

    private func boundViolations(_ number: Double, at path: String, options: ValidationOptions) -> [SchemaViolation] {
        guard options.checkBounds else { return [] }
        var found: [SchemaViolation] = []
        if let minimum, number < minimum { found.append(SchemaViolation(path: path, message: "\(number) is below minimum \(minimum)")) }
        if let maximum, number > maximum { found.append(SchemaViolation(path: path, message: "\(number) is above maximum \(maximum)")) }
        return found
    }

    // MARK: Generating

    /// Which end of each integer's range ``example(_:variant:at:)`` takes.
    enum Extreme: Sendable, CaseIterable {
        /// The smallest value the schema admits (its minimum, else its format's).
        case lowest
        /// The largest value the schema admits (its maximum, else its format's).
        case highest
    }

    /// A value this schema admits with every declared property filled: integers at the `extreme`
    /// of their range, lists of two items, maps of two entries, strings from the enum or a small
    /// set of candidates that satisfies `pattern` and the length bounds. `variant` tells the items
    /// of one list apart, so that list-type set and map lists stay unique.
    ///
    /// Throws when no candidate string matches a pattern: teach the generator a candidate.
    func example(_ extreme: Extreme, variant: Int = 0, at path: [SchemaStep] = []) throws -> JSONValue {
        if let enumValues { return enumValues[variant % enumValues.count] }
        if intOrString { return .integer(1) }
        switch type {
        case "object":
            var object: [String: JSONValue] = [:]
            for (name, child) in properties {
                object[name] = try child.example(extreme, variant: variant, at: path + [.property(name)])
            }
            if let additionalProperties {
                for index in 0..<2 {
                    object["key\(index)"] = try additionalProperties.example(extreme, variant: index, at: path + [.anyValue])
                }
            }
            return .object(object)
        case "array":
            let count = max(minItems ?? 0, min(2, maxItems ?? 2))
            guard let items else { return .array([]) }
            return .array(try (0..<count).map { try items.example(extreme, variant: $0, at: path + [.anyItem]) })
        case "string":
            if format == "date-time" { return .string(RFC3339.format(Date(timeIntervalSince1970: 1_700_000_000 + Double(variant)))) }
            let suffix = variant == 0 ? "" : String(variant)
            for base in ["Ready", "blue", "10", "0", "a"] {
                let candidate = JSONValue.string(base + suffix)
                if violations(of: candidate).isEmpty { return candidate }
            }
            throw SchemaParseError(path: SchemaStep.render(path), message: "no example string matches pattern \(pattern ?? "-")")
        case "integer":
            let (formatLow, formatHigh): (Int64, Int64) =
                format == "int32" ? (Int64(Int32.min), Int64(Int32.max)) : (Int64.min, Int64.max)
            switch extreme {
            case .lowest: return .integer(minimum.map { max(formatLow, Int64($0.rounded(.up))) } ?? formatLow)
            case .highest: return .integer(maximum.map { min(formatHigh, Int64($0.rounded(.down))) } ?? formatHigh)
            }
        case "number":
            return .double(extreme == .lowest ? (minimum ?? -1.5) : (maximum ?? 1.5))
        case "boolean":
            return .bool(extreme == .highest)
        default:
            return .object([:])
        }
    }
}
