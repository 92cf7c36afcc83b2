public import Foundation

/// A type with a hand-written JSON decoder that reads its fields straight from the bytes
/// (see ``JSONReader``), for the objects decoded by the thousand.
///
/// A conformance must agree with the type's `Decodable` conformance: whenever `init(json:)`
/// returns, the value must equal what `JSONDecoder` would decode from the same document
/// (`KubernetesCoreTests` checks every conformance against it on random and hand-made documents).
/// It may throw where `JSONDecoder` succeeds: ``JSONDecoding`` then falls back to
/// `JSONDecoder`, so throwing for anything unusual is always safe.
///
/// Keep the two in step: a field added to the `Codable` type must be read here too, and filled
/// by the test's random samples (the agreement check finds a forgotten field only when a sample
/// sets it).
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

/// How to decode `T` from JSON, chosen once: with its ``JSONReadable`` reader when it has one,
/// with `JSONDecoder` otherwise or when the reader throws (the decoder then gives the error).
///
/// Choosing once matters: asking the runtime whether `T` conforms costs a conformance lookup
/// (for `WatchEvent<R>`, a conditional one) that is a quarter of reading a small object.
public struct JSONDecoding<T: Decodable>: Sendable {
    private let read: (@Sendable (UnsafeRawBufferPointer) throws(JSONReadError) -> T)?

    public init() {
        read = (T.self as? any JSONReadable.Type).map { Self.reader(for: $0) }
    }

    /// Whether `T` has a reader.
    public var usesReader: Bool { read != nil }

    private static func reader<Readable: JSONReadable>(
        for type: Readable.Type
    ) -> @Sendable (UnsafeRawBufferPointer) throws(JSONReadError) -> T {
        { bytes throws(JSONReadError) in
            try JSONReader.read(Readable.self, from: bytes) as! T  // `Readable` is `T`
        }
    }

    /// Decodes one `T` from `bytes`.
    public func decode(_ bytes: UnsafeRawBufferPointer) throws -> T {
        if let read, let value = try? read(bytes) { return value }
        return try KubernetesJSON.decoder().decode(T.self, from: Data(bytes))
    }

    /// Decodes one `T` from `data`.
    public func decode(_ data: Data) throws -> T {
        if let read, let value = data.withUnsafeBytes({ bytes in try? read(bytes) }) { return value }
        return try KubernetesJSON.decoder().decode(T.self, from: data)
    }
}

extension KubernetesJSON {
    /// Decodes a `T` from JSON; see ``JSONDecoding`` (keep one of those to decode many values).
    public static func decode<T: Decodable>(_ type: T.Type, from data: Data) throws -> T {
        try JSONDecoding<T>().decode(data)
    }

    /// Decodes a `T` from JSON bytes; see ``JSONDecoding``.
    public static func decode<T: Decodable>(_ type: T.Type, from bytes: UnsafeRawBufferPointer) throws -> T {
        try JSONDecoding<T>().decode(bytes)
    }
}
