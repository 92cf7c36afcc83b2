public import Foundation

/// A forward-only reader of one JSON text (RFC 8259), for the hand-written decoders of the
/// objects a controller receives by the thousand: watch events and list items.
///
/// `JSONDecoder` spends most of its time in `Codable`'s generic machinery (keyed containers,
/// metadata lookups per key), not in parsing; a type that conforms to ``JSONReadable`` reads its
/// fields straight from the bytes instead, several times faster. ``KubernetesJSON/decode(_:from:)``
/// uses the reader when the type has one and falls back to `JSONDecoder` whenever the reader
/// throws, so the reader only has to be right when it succeeds.
///
/// Guaranteed: the reader accepts only valid JSON (whitespace, the grammar of every value it
/// reads or skips, string escapes and UTF-8, and nothing after the top-level value), so a value
/// it returns was read from a document `JSONDecoder` would also parse.
///
/// Not guaranteed: that it accepts every document `JSONDecoder` accepts. It is deliberately
/// narrower: integers must be written as integers (`1`, not `1.0` or `1e0`), an object that
/// gives a key twice is refused (`JSONDecoder` keeps the first value), nesting deeper than
/// ``maximumDepth`` is refused as `JSONDecoder` refuses it. Callers fall back to `JSONDecoder`
/// for those.
///
/// A reader borrows the bytes it was made with; it exists only inside
/// ``read(_:from:)`` and the `init(json:)` calls that method makes.
public struct JSONReader {
    /// Deepest nesting of objects and arrays a document may have, the top-level one counted
    /// as 1: `JSONDecoder`'s limit.
    public static let maximumDepth = 512

    private let bytes: UnsafeRawBufferPointer
    private var position: Int
    private let end: Int
    /// Set by `beginObject`/`beginArray`, cleared by the next `nextKey`/`nextElement`: the
    /// first member or element has no comma before it.
    private var atFirstMember = false
    /// How many objects and arrays are open.
    private var depth = 0
    /// The keys read so far of each object being read (innermost last), and where each
    /// object's keys begin: a key given twice is refused, because `JSONDecoder` keeps the
    /// first value where assigning each member in turn would keep the last.
    private var memberKeys: [StringToken] = []
    private var openObjects: [OpenObject] = []

    /// An object being read: where its keys begin in `memberKeys` and, once it has more than
    /// ``OpenObject/keysComparedInPlace`` keys, all its keys in a set (comparing each key with
    /// every earlier one would make a 20,000-entry map quadratic).
    private struct OpenObject {
        static let keysComparedInPlace = 16
        var firstKey: Int
        var keys: Set<String>?
    }

    private init(bytes: UnsafeRawBufferPointer, range: Range<Int>) {
        self.bytes = bytes
        self.position = range.lowerBound
        self.end = range.upperBound
    }

    /// Reads `bytes`, which must hold exactly one `T` (surrounding whitespace allowed).
    public static func read<T: JSONReadable>(
        _ type: T.Type, from bytes: UnsafeRawBufferPointer
    ) throws(JSONReadError) -> T {
        try read(from: bytes) { reader throws(JSONReadError) in try T(json: &reader) }
    }

    /// Reads `bytes` with `body`, which must read exactly one value (surrounding whitespace
    /// allowed); for values that are not ``JSONReadable`` types.
    public static func read<T>(
        from bytes: UnsafeRawBufferPointer, with body: (inout JSONReader) throws(JSONReadError) -> T
    ) throws(JSONReadError) -> T {
        var reader = JSONReader(bytes: bytes, range: 0..<bytes.count)
        let value = try body(&reader)
        try reader.expectEnd()
        return value
    }

    // MARK: Objects and arrays

    /// Consumes the `{` of an object; read its members with ``nextKey()``.
    public mutating func beginObject() throws(JSONReadError) {
        try expect(UInt8(ascii: "{"), "an object")
        try enterContainer()
        if openObjects.capacity == 0 {
            // One allocation each for a typical object and its nested ones.
            openObjects.reserveCapacity(8)
            memberKeys.reserveCapacity(32)
        }
        openObjects.append(OpenObject(firstKey: memberKeys.count))
    }

    /// The next member's key, positioned before its value; `nil` after the closing `}`.
    ///
    /// After a key, read its value (or ``skipValue()``) before asking for the next key. Throws
    /// when the object already had a member with this key, unless `allowingDuplicates` (for
    /// readers of any JSON, which decide themselves which value wins).
    public mutating func nextKey(allowingDuplicates: Bool = false) throws(JSONReadError) -> JSONKey? {
        guard let token = try scanKey() else {
            memberKeys.removeSubrange(openObjects.removeLast().firstKey...)
            return nil
        }
        // Plain ASCII keys (all of Kubernetes' field names) are compared in place.
        let key = JSONKey(
            bytes: UnsafeRawBufferPointer(rebasing: bytes[token.range]), decoded: token.isPlain ? nil : try decode(token))
        if !allowingDuplicates { try refuseDuplicate(of: key, token) }
        return key
    }

    /// Throws when the innermost open object already had `key`; otherwise remembers it.
    private mutating func refuseDuplicate(of key: JSONKey, _ token: StringToken) throws(JSONReadError) {
        let object = openObjects.count - 1
        if var keys = openObjects[object].keys {
            openObjects[object].keys = nil  // keep the set uniquely referenced while it grows
            defer { openObjects[object].keys = keys }
            guard keys.insert(key.string).inserted else { throw failure("the key \"\(key.string)\" is given twice") }
            return
        }
        let firstKey = openObjects[object].firstKey
        for index in firstKey..<memberKeys.count where try isSameKey(memberKeys[index], token) {
            throw failure("the key \"\(key.string)\" is given twice")
        }
        memberKeys.append(token)
        if memberKeys.count - firstKey > OpenObject.keysComparedInPlace {
            var keys = Set<String>()
            for index in firstKey..<memberKeys.count { keys.insert(try decode(memberKeys[index])) }
            openObjects[object].keys = keys
        }
    }

    /// The next key of an object, not decoded; `nil` after the closing `}`.
    private mutating func scanKey() throws(JSONReadError) -> StringToken? {
        skipWhitespace()
        guard position < end else { throw failure("an object is not closed") }
        if bytes[position] == UInt8(ascii: "}") {
            position += 1
            atFirstMember = false
            depth -= 1
            return nil
        }
        if atFirstMember {
            atFirstMember = false
        } else {
            guard bytes[position] == UInt8(ascii: ",") else { throw failure("expected ',' or '}'") }
            position += 1
            skipWhitespace()
        }
        let key = try scanString()
        try expect(UInt8(ascii: ":"), "':'")
        return key
    }

    private func isSameKey(_ first: StringToken, _ second: StringToken) throws(JSONReadError) -> Bool {
        if first.isPlain, second.isPlain {
            guard first.range.count == second.range.count else { return false }
            return memcmp(bytes.baseAddress! + first.range.lowerBound, bytes.baseAddress! + second.range.lowerBound, first.range.count) == 0
        }
        return try decode(first) == decode(second)
    }

    /// Consumes the `[` of an array; read its elements while ``nextElement()`` returns `true`.
    public mutating func beginArray() throws(JSONReadError) {
        try expect(UInt8(ascii: "["), "an array")
        try enterContainer()
    }

    /// Whether another element follows (positioned before it); `false` after the closing `]`.
    public mutating func nextElement() throws(JSONReadError) -> Bool {
        skipWhitespace()
        guard position < end else { throw failure("an array is not closed") }
        if bytes[position] == UInt8(ascii: "]") {
            position += 1
            atFirstMember = false
            depth -= 1
            return false
        }
        if atFirstMember {
            atFirstMember = false
        } else {
            guard bytes[position] == UInt8(ascii: ",") else { throw failure("expected ',' or ']'") }
            position += 1
        }
        return true
    }

    // MARK: Scalars

    /// Consumes `null` when it comes next; otherwise leaves the reader where it was.
    public mutating func consumeNull() -> Bool {
        skipWhitespace()
        guard matchesLiteral("null") else { return false }
        position += 4
        return true
    }

    /// What the next value is, without reading it.
    public mutating func nextValueKind() throws(JSONReadError) -> JSONValueKind {
        skipWhitespace()
        guard position < end else { throw failure("expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return .object
        case UInt8(ascii: "["): return .array
        case UInt8(ascii: "\""): return .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): return .bool
        case UInt8(ascii: "n"): return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number
        default: throw failure("unexpected character")
        }
    }

    /// Reads a number of any form: its text, and whether it is written as an integer (without
    /// fraction or exponent).
    public mutating func readNumberText() throws(JSONReadError) -> (text: String, isInteger: Bool) {
        skipWhitespace()
        let start = position
        let isInteger = try scanNumber()
        return (String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self), isInteger)
    }

    /// Reads a string.
    public mutating func readString() throws(JSONReadError) -> String {
        skipWhitespace()
        let token = try scanString()
        return try decode(token)
    }

    /// Reads `true` or `false`.
    public mutating func readBool() throws(JSONReadError) -> Bool {
        skipWhitespace()
        if matchesLiteral("true") {
            position += 4
            return true
        }
        if matchesLiteral("false") {
            position += 5
            return false
        }
        throw failure("expected true or false")
    }

    /// Reads an integer written without fraction or exponent that fits `T`.
    @inlinable
    public mutating func readInteger<T: FixedWidthInteger>(_ type: T.Type = T.self) throws(JSONReadError) -> T {
        let value = try readInt64()
        guard let exact = T(exactly: value) else { throw failure("integer out of range for \(T.self)") }
        return exact
    }

    /// Reads an integer written without fraction or exponent that fits `Int64`.
    public mutating func readInt64() throws(JSONReadError) -> Int64 {
        typealias T = Int64
        skipWhitespace()
        let negative = position < end && bytes[position] == UInt8(ascii: "-")
        if negative { position += 1 }
        let firstDigit = position
        var value: T = 0
        while position < end, let digit = Self.digitValue(bytes[position]) {
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) =
                negative
                ? shifted.subtractingReportingOverflow(T(digit)) : shifted.addingReportingOverflow(T(digit))
            guard !overflow1 && !overflow2 else { throw failure("integer out of range for \(T.self)") }
            value = next
            position += 1
        }
        guard position > firstDigit else { throw failure("expected an integer") }
        guard bytes[firstDigit] != UInt8(ascii: "0") || position == firstDigit + 1 else {
            throw failure("leading zero in a number")
        }
        if position < end,
            bytes[position] == UInt8(ascii: ".") || bytes[position] == UInt8(ascii: "e")
                || bytes[position] == UInt8(ascii: "E")
        {
            throw failure("expected an integer without fraction or exponent")
        }
        return value
    }

    /// Reads an RFC 3339 timestamp string (see ``RFC3339``).
    public mutating func readRFC3339() throws(JSONReadError) -> Date {
        skipWhitespace()
        let start = position
        let token = try scanString()
        let date =
            token.isPlain
            ? RFC3339.parse(utf8: UnsafeRawBufferPointer(rebasing: bytes[token.range]))
            : RFC3339.parse(try decode(token))
        guard let date else {
            throw JSONReadError(offset: start, message: "expected an RFC 3339 timestamp such as 2024-01-02T03:04:05Z")
        }
        return date
    }

    /// Skips one value of any kind, checking that it is valid JSON.
    public mutating func skipValue() throws(JSONReadError) {
        skipWhitespace()
        guard position < end else { throw failure("expected a value") }
        switch bytes[position] {
        case UInt8(ascii: "\""):
            try check(try scanString())
        case UInt8(ascii: "{"):
            // Keys of a skipped object are not kept: a duplicate cannot change what is read.
            try expect(UInt8(ascii: "{"), "an object")
            try enterContainer()
            while let key = try scanKey() {
                try check(key)
                try skipValue()
            }
        case UInt8(ascii: "["):
            try beginArray()
            while try nextElement() { try skipValue() }
        case UInt8(ascii: "t"), UInt8(ascii: "f"):
            _ = try readBool()
        case UInt8(ascii: "n"):
            guard consumeNull() else { throw failure("expected null") }
        default:
            _ = try scanNumber()
        }
    }

    /// Skips one value and returns a reader for exactly its bytes, for reading it later (when
    /// what it is depends on a member that comes after it).
    public mutating func captureValue() throws(JSONReadError) -> JSONReader {
        skipWhitespace()
        let start = position
        try skipValue()
        return JSONReader(bytes: bytes, range: start..<position)
    }

    /// Throws unless only whitespace is left.
    public mutating func expectEnd() throws(JSONReadError) {
        skipWhitespace()
        guard position == end else { throw failure("unexpected characters after the value") }
    }

    /// A read error at the current position, for `init(json:)` implementations that find a
    /// value they cannot accept.
    public func failure(_ message: String) -> JSONReadError {
        JSONReadError(offset: position, message: message)
    }

    // MARK: Lexing

    private mutating func skipWhitespace() {
        while position < end {
            switch bytes[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    private mutating func expect(_ byte: UInt8, _ what: String) throws(JSONReadError) {
        skipWhitespace()
        guard position < end, bytes[position] == byte else { throw failure("expected \(what)") }
        position += 1
    }

    /// Counts an object or array just opened; ``nextKey()`` and ``nextElement()`` count it closed.
    private mutating func enterContainer() throws(JSONReadError) {
        atFirstMember = true
        depth += 1
        guard depth <= Self.maximumDepth else { throw failure("nested deeper than \(Self.maximumDepth)") }
    }

    private func matchesLiteral(_ literal: StaticString) -> Bool {
        let count = literal.utf8CodeUnitCount
        guard end - position >= count else { return false }
        let start = literal.utf8Start
        for index in 0..<count where bytes[position + index] != start[index] { return false }
        return true
    }

    /// A string token: the bytes between the quotes, whether any is an escape, whether all are ASCII.
    private struct StringToken {
        var range: Range<Int>
        var escaped: Bool
        var ascii: Bool

        /// Whether the bytes are the string itself (no escape or UTF-8 to check).
        var isPlain: Bool { !escaped && ascii }
    }

    /// Scans a string starting at its opening quote, without decoding it.
    private mutating func scanString() throws(JSONReadError) -> StringToken {
        guard position < end, bytes[position] == UInt8(ascii: "\"") else { throw failure("expected a string") }
        position += 1
        let start = position
        var escaped = false
        var highBits: UInt8 = 0
        while position < end {
            let byte = bytes[position]
            highBits |= byte
            if byte == UInt8(ascii: "\"") {
                defer { position += 1 }
                return StringToken(range: start..<position, escaped: escaped, ascii: highBits < 0x80)
            }
            if byte == UInt8(ascii: "\\") {
                escaped = true
                position += 2
                continue
            }
            guard byte >= 0x20 else { throw failure("control character in a string") }
            position += 1
        }
        throw failure("a string is not closed")
    }

    /// The string a token stands for; throws on a bad escape or invalid UTF-8.
    private func decode(_ token: StringToken) throws(JSONReadError) -> String {
        let raw = UnsafeRawBufferPointer(rebasing: bytes[token.range]).assumingMemoryBound(to: UInt8.self)
        if token.isPlain { return String(decoding: raw, as: UTF8.self) }
        if !token.escaped { return try validUTF8(raw, at: token.range.lowerBound) }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(token.range.count)
        try unescape(token, into: &decoded, keeping: true)
        return try decoded.withUnsafeBufferPointer { decoded throws(JSONReadError) in
            try validUTF8(decoded, at: token.range.lowerBound)
        }
    }

    /// Checks a token's escapes and UTF-8 without building the string (for skipped values:
    /// managedFields keys such as `k:{\"type\":\"Ready\"}` are escaped).
    private func check(_ token: StringToken) throws(JSONReadError) {
        if token.isPlain { return }
        guard token.ascii else {
            _ = try decode(token)  // rare in Kubernetes objects: build it to check its UTF-8
            return
        }
        var unused: [UInt8] = []  // never appended to: no allocation
        try unescape(token, into: &unused, keeping: false)
    }

    /// Walks a string token, checking every escape; appends the bytes it stands for to
    /// `output` when `keeping` (checking alone allocates nothing).
    private func unescape(_ token: StringToken, into output: inout [UInt8], keeping: Bool) throws(JSONReadError) {
        let upper = token.range.upperBound
        var index = token.range.lowerBound
        let bad = JSONReadError(offset: token.range.lowerBound, message: "invalid escape in a string")
        while index < upper {
            let byte = bytes[index]
            index += 1
            guard byte == UInt8(ascii: "\\") else {
                if keeping { output.append(byte) }
                continue
            }
            guard index < upper else { throw bad }
            let escape = bytes[index]
            index += 1
            let unescaped: UInt8
            switch escape {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): unescaped = escape
            case UInt8(ascii: "b"): unescaped = 0x08
            case UInt8(ascii: "f"): unescaped = 0x0C
            case UInt8(ascii: "n"): unescaped = 0x0A
            case UInt8(ascii: "r"): unescaped = 0x0D
            case UInt8(ascii: "t"): unescaped = 0x09
            case UInt8(ascii: "u"):
                guard let unit = hexUnit(at: index, limit: upper) else { throw bad }
                index += 4
                var scalarValue = UInt32(unit)
                if (0xD800...0xDBFF).contains(unit) {
                    // A high surrogate must be followed by an escaped low one.
                    guard index + 6 <= upper, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u"),
                        let low = hexUnit(at: index + 2, limit: upper), (0xDC00...0xDFFF).contains(low)
                    else { throw bad }
                    index += 6
                    scalarValue = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                }
                guard let scalar = Unicode.Scalar(scalarValue) else { throw bad }  // a lone low surrogate
                if keeping { output.append(contentsOf: UTF8.encode(scalar)!) }
                continue
            default:
                throw bad
            }
            if keeping { output.append(unescaped) }
        }
    }

    /// `utf8` as a string; throws when it is not valid UTF-8.
    private func validUTF8(_ utf8: UnsafeBufferPointer<UInt8>, at offset: Int) throws(JSONReadError) -> String {
        // Decoding repairs invalid sequences with U+FFFD, so the bytes come back unchanged
        // exactly when they were valid (the specialised decoder is much faster than
        // `String(validating:as:)`, which is generic here).
        let string = String(decoding: utf8, as: UTF8.self)
        guard string.utf8.elementsEqual(utf8) else {
            throw JSONReadError(offset: offset, message: "a string is not valid UTF-8")
        }
        return string
    }

    private func hexUnit(at index: Int, limit: Int) -> UInt16? {
        guard index + 4 <= limit else { return nil }
        var unit: UInt16 = 0
        for offset in 0..<4 {
            let byte = bytes[index + offset]
            let digit: UInt16
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt16(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt16(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt16(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            unit = unit << 4 | digit
        }
        return unit
    }

    private static func digitValue(_ byte: UInt8) -> UInt8? {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") ? byte - UInt8(ascii: "0") : nil
    }

    /// Scans `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    /// Returns whether the number has neither fraction nor exponent.
    private mutating func scanNumber() throws(JSONReadError) -> Bool {
        if position < end, bytes[position] == UInt8(ascii: "-") { position += 1 }
        let integerStart = position
        try scanDigits()
        guard bytes[integerStart] != UInt8(ascii: "0") || position == integerStart + 1 else {
            throw failure("leading zero in a number")
        }
        var isInteger = true
        if position < end, bytes[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            try scanDigits()
        }
        if position < end, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            isInteger = false
            position += 1
            if position < end, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") {
                position += 1
            }
            try scanDigits()
        }
        return isInteger
    }

    private mutating func scanDigits() throws(JSONReadError) {
        let start = position
        while position < end, Self.digitValue(bytes[position]) != nil { position += 1 }
        guard position > start else { throw failure("expected a digit") }
    }
}

/// The key of an object member, as ``JSONReader/nextKey()`` found it.
///
/// Match it against literals in a `switch` (`case "name":`); keys written with escapes match
/// the text they stand for.
public struct JSONKey {
    /// The key's bytes between the quotes; valid only until the reader moves on.
    fileprivate let bytes: UnsafeRawBufferPointer
    /// The decoded key when it was written with escapes or is not ASCII (`bytes` are then unused).
    fileprivate let decoded: String?

    /// The key as a string (for map keys).
    public var string: String {
        decoded ?? String(decoding: bytes, as: UTF8.self)  // ASCII: nothing to repair
    }

    /// Whether `key` is the ASCII literal `pattern`.
    public static func ~= (pattern: StaticString, key: JSONKey) -> Bool {
        let count = pattern.utf8CodeUnitCount
        let start = pattern.utf8Start
        if let decoded = key.decoded {
            // As `JSONDecoder` matches keys: by String equality, so `\u212Aind` (Kelvin sign)
            // is `Kind`.
            return decoded == String(decoding: UnsafeBufferPointer(start: start, count: count), as: UTF8.self)
        }
        guard key.bytes.count == count else { return false }
        for index in 0..<count where key.bytes[index] != start[index] { return false }
        return true
    }
}

/// What kind of value comes next (``JSONReader/nextValueKind()``).
public enum JSONValueKind: Sendable, Hashable {
    case object, array, string, number, bool, null
}

/// Why ``JSONReader`` could not read a document: where and what it expected.
public struct JSONReadError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Byte offset into the document.
    public let offset: Int
    public let message: String

    public init(offset: Int, message: String) {
        self.offset = offset
        self.message = message
    }

    public var description: String { "\(message) at byte \(offset)" }
}
