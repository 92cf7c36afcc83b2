import Foundation
import KubernetesCore

/// A JSON document as the stand-in stores it: the API server keeps objects as unstructured JSON,
/// so the fake can hold any registered kind without knowing its schema.
///
/// Integers and fractional numbers are distinct cases so that `generation: 1` is written back as
/// `1`, not `1.0`; a number with a fraction or an exponent, or one outside `Int64`, is a
/// ``double(_:)``. Objects are unordered (serialisation sorts keys, as ``KubernetesJSON`` does),
/// and `Hashable` compares structurally, so `1` and `1.0` are different values.
///
/// Not guaranteed: that numbers beyond `Double` precision survive a round trip.
public enum JSONValue: Sendable, Hashable {
    /// `null`.
    case null
    /// `true` or `false`.
    case bool(Bool)
    /// A number without fraction or exponent that fits `Int64`.
    case integer(Int64)
    /// Any other (finite) number.
    case double(Double)
    /// A string.
    case string(String)
    /// An array.
    case array([JSONValue])
    /// An object; member order is not kept.
    case object([String: JSONValue])

    /// The members of an object; `nil` for every other case.
    public var objectValue: [String: JSONValue]? {
        if case .object(let members) = self { return members }
        return nil
    }

    /// The elements of an array; `nil` for every other case.
    public var arrayValue: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    /// The text of a string; `nil` for every other case.
    public var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The value of an integer; `nil` for every other case (also for `1.0`).
    public var integerValue: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The value of a boolean; `nil` for every other case.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The member `key` of an object; `nil` when absent or when this is not an object.
    public subscript(key: String) -> JSONValue? {
        get { objectValue?[key] }
        set {
            guard case .object(var members) = self else { return }
            members[key] = newValue
            self = .object(members)
        }
    }

    /// The value at a dotted path such as `spec.claimRef.uid`; `nil` when any step is missing.
    public func value(atPath path: String) -> JSONValue? {
        var current: JSONValue? = self
        for component in path.split(separator: ".", omittingEmptySubsequences: false) {
            current = current?[String(component)]
        }
        return current
    }
}

extension JSONValue {
    /// Parses a JSON document (RFC 8259, UTF-8).
    ///
    /// - Throws: ``JSONParseError`` with the byte offset of the first problem. Never traps,
    ///   whatever the input (nesting deeper than 512 levels is refused, not recursed into).
    public init(parsing bytes: some Collection<UInt8>) throws(JSONParseError) {
        self = try JSONParser.parse(Array(bytes))
    }

    /// Parses JSON text.
    public init(parsing text: String) throws(JSONParseError) {
        try self.init(parsing: Array(text.utf8))
    }

    /// Encodes `value` with ``KubernetesJSON`` and reads it back as a JSON value.
    public init(encoding value: some Encodable) throws {
        let data = try KubernetesJSON.encoder().encode(value)
        self = try JSONValue(parsing: data)
    }

    /// Decodes this value as `T` with ``KubernetesJSON``.
    public func decode<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try KubernetesJSON.decoder().decode(T.self, from: Data(serialized()))
    }
}

extension JSONValue: Codable {
    /// Decodes any JSON value; the decoder's own number handling decides between integer and double.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let value = try? container.decode(Bool.self) {
            self = .bool(value)
        } else if let value = try? container.decode(Int64.self) {
            self = .integer(value)
        } else if let value = try? container.decode(Double.self) {
            self = .double(value)
        } else if let value = try? container.decode(String.self) {
            self = .string(value)
        } else if let value = try? container.decode([JSONValue].self) {
            self = .array(value)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// Encodes the value as itself.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .double(let value): try container.encode(value)
        case .string(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}

/// Literals, so tests and fixtures can write `["metadata": ["name": "a"], "spec": ["replicas": 3]]`.
extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}

extension JSONValue: CustomStringConvertible {
    /// The compact JSON text, keys sorted.
    public var description: String { String(decoding: serialized(), as: UTF8.self) }
}
