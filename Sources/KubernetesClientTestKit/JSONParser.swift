import KubernetesCore

/// Parsing into ``JSONValue`` with KubernetesCore's ``JSONReader`` (strict RFC 8259: UTF-8 and
/// escapes checked, nesting limited to 512 levels, never traps on any input).
///
/// Not `JSONDecoder`-based, for two reasons: integers stay apart from fractions (the API
/// server's `generation` must come back as `1`, not `1.0`), and it is several times faster than
/// probing a `Codable` enum case by case, which matters when the client's benchmark creates
/// thousands of objects a second against the stand-in. `JSONValue` is not a ``JSONReadable``:
/// its `Decodable` conformance keeps the first of a key given twice and reads `1.0` as an
/// integer, where the stand-in, like Go's encoding/json, keeps the last.
enum JSONParser {
    static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        let result = bytes.withUnsafeBytes { bytes in
            Result { () throws(JSONReadError) -> JSONValue in
                try JSONReader.read(from: bytes) { reader throws(JSONReadError) in try value(&reader) }
            }
        }
        return try result.mapError { JSONParseError(offset: $0.offset, reason: $0.message) }.get()
    }

    private static func value(_ reader: inout JSONReader) throws(JSONReadError) -> JSONValue {
        switch try reader.nextValueKind() {
        case .object:
            var members: [String: JSONValue] = [:]
            try reader.beginObject()
            // A key given twice: the last one wins, as in Go's encoding/json.
            while let key = try reader.nextKey(allowingDuplicates: true) {
                members[key.string] = try value(&reader)
            }
            return .object(members)
        case .array:
            var elements: [JSONValue] = []
            try reader.beginArray()
            while try reader.nextElement() { elements.append(try value(&reader)) }
            return .array(elements)
        case .string:
            return .string(try reader.readString())
        case .bool:
            return .bool(try reader.readBool())
        case .null:
            _ = reader.consumeNull()
            return .null
        case .number:
            let number = try reader.readNumberText()
            if number.isInteger, let value = Int64(number.text) { return .integer(value) }
            guard let value = Double(number.text), value.isFinite else { throw reader.failure("number out of range") }
            return .double(value)
        }
    }
}
