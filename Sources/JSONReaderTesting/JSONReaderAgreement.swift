import Foundation
public import KubernetesCore

/// Checks a ``JSONReadable`` conformance against the same type's `Decodable` conformance, the
/// contract ``KubernetesJSON/decode(_:from:)`` relies on.
///
/// For each sample value it encodes the value as the API server would (compact, sorted keys)
/// and then rewrites that document many ways:
/// - *valid variants*: members in random order, random whitespace, characters of strings and
///   keys written as escapes (`\u00e9`, surrogate pairs, `\/`), unknown members of every JSON
///   type added to objects. Reader and `JSONDecoder` must agree exactly: both succeed with
///   equal values, or both throw (an added member can make a map invalid).
/// - *corruptions*: a member removed, set to `null` or to a value of another type, duplicated
///   with another value, a byte deleted, inserted or replaced, the text cut short. The reader
///   may throw where `JSONDecoder` succeeds (the caller falls back), but when the reader
///   succeeds, `JSONDecoder` must succeed with an equal value.
///
/// The canonical encoding itself must be read (a reader that always throws would pass the rest).
public struct JSONReaderAgreement<T: JSONReadable & Codable & Equatable> {
    /// What the check found.
    public struct Report: CustomStringConvertible {
        /// Documents checked.
        public var documents = 0
        /// Documents the reader read (equal to `JSONDecoder`'s value each time unless listed below).
        public var readByReader = 0
        /// Corruptions `JSONDecoder` accepted and the reader refused (allowed: the fallback decodes them).
        public var leftToFallback = 0
        /// Each broken rule, with the document.
        public var disagreements: [String] = []
        /// Sample values checked.
        public var samples = 0

        /// No rule broken, and the reader read most documents itself: every valid variant that
        /// `JSONDecoder` reads must be read (a disagreement otherwise), and most are readable
        /// (an added member can spoil a map), so at least 15 documents per sample.
        public var passed: Bool {
            disagreements.isEmpty && readByReader >= samples * 15
        }

        public var description: String {
            "\(documents) documents, \(readByReader) read by the reader, \(leftToFallback) left to JSONDecoder, "
                + "\(disagreements.count) disagreements" + disagreements.prefix(5).map { "\n  " + $0 }.joined()
        }
    }

    private var random: SeededRandom

    public init(seed: UInt64) {
        random = SeededRandom(seed: seed)
    }

    /// Checks `count` values made by `make` from random samples seeded with `seed`.
    public static func check(count: Int = 60, seed: UInt64, make: (inout RandomSamples) -> T) -> Report {
        var samples = RandomSamples(seed: seed)
        var agreement = JSONReaderAgreement(seed: seed)
        return agreement.check((0..<count).map { _ in make(&samples) })
    }

    /// Checks `samples`, each with `variants` valid rewrites and as many corruptions.
    public mutating func check(_ samples: [T], variants: Int = 20) -> Report {
        var report = Report()
        report.samples = samples.count
        for sample in samples {
            let canonical: Data
            let tree: JSONTree
            do {
                canonical = try KubernetesJSON.encoder().encode(sample)
                tree = try JSONDecoder().decode(JSONTree.self, from: canonical)
            } catch {
                report.disagreements.append("\(sample) does not encode: \(error)")
                continue
            }
            compare(canonical, requireReader: true, strict: true, into: &report)
            for _ in 0..<variants {
                compare(Data(validVariant(of: tree).utf8), requireReader: false, strict: true, into: &report)
                compare(corruption(of: tree), requireReader: false, strict: false, into: &report)
            }
        }
        return report
    }

    private func compare(_ document: Data, requireReader: Bool, strict: Bool, into report: inout Report) {
        report.documents += 1
        let decoded = Result { try JSONDecoder().decode(T.self, from: document) }
        let read = Result { try document.withUnsafeBytes { bytes in try JSONReader.read(T.self, from: bytes) } }
        let text = String(decoding: document, as: UTF8.self)
        switch (read, decoded) {
        case (.success(let readValue), .success(let decodedValue)):
            report.readByReader += 1
            if readValue != decodedValue {
                report.disagreements.append("values differ: reader \(readValue), JSONDecoder \(decodedValue) for \(text)")
            }
        case (.success(let readValue), .failure(let error)):
            report.disagreements.append("reader read \(readValue), JSONDecoder threw \(error) for \(text)")
        case (.failure(let error), .success):
            if requireReader || strict {
                report.disagreements.append("reader threw \(error), JSONDecoder decoded \(text)")
            } else {
                report.leftToFallback += 1
            }
        case (.failure, .failure):
            // Valid variants may be refused by both: an "unknown" member added to a map (labels)
            // is an entry of the map, and one of another type than the map's values is an error.
            if requireReader { report.disagreements.append("canonical encoding rejected by both: \(text)") }
        }
    }

    // MARK: Rewrites

    private mutating func validVariant(of tree: JSONTree) -> String {
        var text = ""
        write(tree, to: &text, addUnknownMembers: true)
        return text
    }

    private mutating func corruption(of tree: JSONTree) -> Data {
        switch random.next(below: 4) {
        case 0:
            // A structural change deep inside: remove, null, retype or duplicate one member.
            var changed = tree
            _ = corruptOneMember(of: &changed)
            var text = ""
            write(changed, to: &text, addUnknownMembers: false)
            return Data(text.utf8)
        default:
            var bytes = Array(validVariant(of: tree).utf8)
            guard !bytes.isEmpty else { return Data() }
            let index = random.next(below: bytes.count)
            let noise: [UInt8] = Array(#"{}[],:"\ 0-1.eE+tfnulx"#.utf8) + [0x00, 0x1F, 0x80, 0xC3, 0xFF]
            switch random.next(below: 4) {
            case 0: bytes.remove(at: index)
            case 1: bytes.insert(noise[random.next(below: noise.count)], at: index)
            case 2: bytes[index] = noise[random.next(below: noise.count)]
            default: bytes.removeSubrange(index...)
            }
            return Data(bytes)
        }
    }

    /// Changes one member of one object somewhere in `tree`; `false` when it holds no object member.
    private mutating func corruptOneMember(of tree: inout JSONTree) -> Bool {
        switch tree {
        case .object(var members):
            let keys = members.map(\.key)
            // Descend first when a child can take the change; otherwise change a member here.
            if !keys.isEmpty, random.next(below: 3) > 0 {
                let key = keys[random.next(below: keys.count)]
                if var child = members.first(where: { $0.key == key })?.value, corruptOneMember(of: &child) {
                    members = members.map { $0.key == key ? (key: key, value: child) : $0 }
                    tree = .object(members)
                    return true
                }
            }
            guard !keys.isEmpty else { return false }
            let index = random.next(below: members.count)
            switch random.next(below: 4) {
            case 0: members.remove(at: index)
            case 1: members[index].value = .null
            case 2: members[index].value = randomValue(depth: 1)
            default: members.append((members[index].key, randomValue(depth: 1)))
            }
            tree = .object(members)
            return true
        case .array(var elements):
            guard !elements.isEmpty else { return false }
            let index = random.next(below: elements.count)
            guard corruptOneMember(of: &elements[index]) else {
                elements[index] = randomValue(depth: 1)
                tree = .array(elements)
                return true
            }
            tree = .array(elements)
            return true
        default:
            return false
        }
    }

    // MARK: Writing

    private mutating func write(_ tree: JSONTree, to text: inout String, addUnknownMembers: Bool) {
        switch tree {
        case .null: text += "null"
        case .bool(let value): text += value ? "true" : "false"
        case .integer(let value): text += String(value)
        case .double(let value): text += "\(value)"
        case .string(let value): writeString(value, to: &text)
        case .array(let elements):
            text += "["
            for (index, element) in elements.enumerated() {
                if index > 0 { text += "," }
                whitespace(&text)
                write(element, to: &text, addUnknownMembers: addUnknownMembers)
                whitespace(&text)
            }
            text += "]"
        case .object(var members):
            if addUnknownMembers, random.next(below: 3) == 0 {
                let unknown = "x-unknown-\(random.next(below: 1000))"
                if !members.contains(where: { $0.key == unknown }) {
                    members.append((unknown, randomValue(depth: 0)))
                }
            }
            members.shuffle(using: &random)
            text += "{"
            for (index, member) in members.enumerated() {
                if index > 0 { text += "," }
                whitespace(&text)
                writeString(member.key, to: &text)
                whitespace(&text)
                text += ":"
                whitespace(&text)
                write(member.value, to: &text, addUnknownMembers: addUnknownMembers)
                whitespace(&text)
            }
            text += "}"
        }
    }

    private mutating func whitespace(_ text: inout String) {
        guard random.next(below: 4) == 0 else { return }
        text += [" ", "\n", "\t", "\r\n  "][random.next(below: 4)]
    }

    /// Writes a JSON string, escaping what must be escaped and, at random, other characters too.
    private mutating func writeString(_ value: String, to text: inout String) {
        text += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += random.next(below: 2) == 0 ? "\\n" : "\\u000a"
            case "/" where random.next(below: 2) == 0: text += "\\/"
            case _ where scalar.value < 0x20 || random.next(below: 8) == 0:
                for unit in String(scalar).utf16 {
                    let hex = String(unit, radix: 16, uppercase: random.next(below: 2) == 0)
                    text += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            default: text.unicodeScalars.append(scalar)
            }
        }
        text += "\""
    }

    private mutating func randomValue(depth: Int) -> JSONTree {
        switch random.next(below: depth > 2 ? 5 : 7) {
        case 0: return .null
        case 1: return .bool(random.next(below: 2) == 0)
        case 2: return .integer(Int64(bitPattern: random.next()) >> random.next(below: 64))
        case 3: return .double(Double(random.next(below: 1_000_000)) / 1000)
        case 4: return .string(["", "a", "é", "日本", "🦊", "q\"uote", "back\\slash", "tab\t"][random.next(below: 8)])
        case 5: return .array((0..<random.next(below: 3)).map { _ in randomValue(depth: depth + 1) })
        default:
            return .object((0..<random.next(below: 3)).map { index in ("k\(index)", randomValue(depth: depth + 1)) })
        }
    }
}

/// A parsed JSON document whose object members keep an order the writer can shuffle.
enum JSONTree: Decodable {
    case null
    case bool(Bool)
    case integer(Int64)
    case double(Double)
    case string(String)
    case array([JSONTree])
    case object([(key: String, value: JSONTree)])

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: AnyKey.self) {
            self = .object(try object.allKeys.map { ($0.stringValue, try object.decode(JSONTree.self, forKey: $0)) })
        } else if var array = try? decoder.unkeyedContainer() {
            var elements: [JSONTree] = []
            while !array.isAtEnd { elements.append(try array.decode(JSONTree.self)) }
            self = .array(elements)
        } else {
            let value = try decoder.singleValueContainer()
            if value.decodeNil() {
                self = .null
            } else if let bool = try? value.decode(Bool.self) {
                self = .bool(bool)
            } else if let integer = try? value.decode(Int64.self) {
                self = .integer(integer)
            } else if let double = try? value.decode(Double.self) {
                self = .double(double)
            } else {
                self = .string(try value.decode(String.self))
            }
        }
    }
}

/// SplitMix64: a small seeded generator, so a failing check can be replayed.
public struct SeededRandom: RandomNumberGenerator {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var mixed = state
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }

    /// A number in `0..<bound`.
    public mutating func next(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
