public import Foundation

/// A type with a hand-written JSON decoder that reads its fields straight from the bytes
/// (see ``JSONReader``), for the objects decoded by the thousand.
///
/// A conformance must agree with the type's `Decodable` conformance: whenever `init(json:)`
/// returns, the value must equal what `JSONDecoder` would decode from the same document
/// (`KubernetesCoreTests` checks every conformance against it on random and hand-made documents).
/// It may throw where `JSONDecoder` succeeds: ``KubernetesJSON/decode(_:from:)`` then falls back
/// to `JSONDecoder`, so throwing for anything unusual is always safe.
public protocol JSONReadable {
    /// Reads one value at the reader's position, leaving the reader just after it.
    init(json reader: inout JSONReader) throws(JSONReadError)
}

extension String: JSONReadable {
    @inlinable
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self = try reader.readString()
    }
}

extension Bool: JSONReadable {
    @inlinable
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self = try reader.readBool()
    }
}

extension Int: JSONReadable {
    @inlinable
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self = try reader.readInteger()
    }
}

extension Int32: JSONReadable {
    @inlinable
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self = try reader.readInteger()
    }
}

extension Int64: JSONReadable {
    @inlinable
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self = try reader.readInteger()
    }
}

/// `null` reads as `nil`, as `decodeIfPresent` and `Optional`'s `Decodable` do.
extension Optional: JSONReadable where Wrapped: JSONReadable {
    @inlinable
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self = reader.consumeNull() ? nil : try Wrapped(json: &reader)
    }
}

extension Array: JSONReadable where Element: JSONReadable {
    @inlinable
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self = []
        try reader.beginArray()
        while try reader.nextElement() {
            append(try Element(json: &reader))
        }
    }
}

/// A JSON object of any keys (``JSONReader/nextKey()`` refuses a key given twice).
extension Dictionary: JSONReadable where Key == String, Value: JSONReadable {
    @inlinable
    public init(json reader: inout JSONReader) throws(JSONReadError) {
        self = [:]
        try reader.beginObject()
        while let key = try reader.nextKey() {
            self[key.string] = try Value(json: &reader)
        }
    }
}

extension JSONReader {
    /// Reads an RFC 3339 timestamp string, or `null` as `nil`.
    @inlinable
    public mutating func readRFC3339OrNull() throws(JSONReadError) -> Date? {
        consumeNull() ? nil : try readRFC3339()
    }

    /// Reads a `RawRepresentable` string value, as its synthesized `Decodable` does.
    @inlinable
    public mutating func readRawValue<T: RawRepresentable>(_ type: T.Type = T.self) throws(JSONReadError) -> T
    where T.RawValue == String {
        let raw = try readString()
        guard let value = T(rawValue: raw) else { throw failure("\"\(raw)\" is not a valid \(T.self)") }
        return value
    }
}

extension KubernetesJSON {
    /// Decodes a `T` from JSON, with its ``JSONReadable`` reader when it has one and
    /// `JSONDecoder` otherwise, or when the reader throws (the decoder then gives the error).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        if let readable = T.self as? any JSONReadable.Type,
            let value = data.withUnsafeBytes({ bytes in try? JSONReader.read(readable, from: bytes) })
        {
            return value as! T  // `readable` is `T.self`
        }
        return try decoder().decode(T.self, from: data)
    }

    /// Decodes a `T` from JSON bytes; see ``decode(_:from:)-(_,Data)``.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        if let readable = T.self as? any JSONReadable.Type, let value = try? JSONReader.read(readable, from: bytes) {
            return value as! T  // `readable` is `T.self`
        }
        return try decoder().decode(T.self, from: Data(bytes))
    }
}
