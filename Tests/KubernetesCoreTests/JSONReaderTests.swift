import Foundation
import JSONReaderTesting
import KubernetesCore
import Testing

/// Reads `text` as `T` with the reader alone (no fallback).
private func read<T: JSONReadable>(_ type: T.Type, _ text: String) throws -> T {
    try Array(text.utf8).withUnsafeBytes { bytes in try JSONReader.read(T.self, from: bytes) }
}

/// Any JSON value, read with `skipValue()`: whether the reader accepts the document.
private struct AnyValue: JSONReadable {
    init(json reader: inout JSONReader) throws(JSONReadError) {
        try reader.skipValue()
    }
}

@Suite struct JSONReaderGrammarTests {
    @Test(arguments: [
        "null", "true", "false", "0", "-0", "12", "-12.5e+3", "1E-2", "0.25", #""""#, #""a\"\\\/\b\f\n\r\t""#,
        #""\u00e9\uD83E\uDD8A""#, "[]", "[ 1 , [ ] , { } ]", #"{"a":{"b":[null,{"c":"d"}]}}"#, " \n\t\r{ } \n",
        "\"日本語 🦊\"",
    ])
    func acceptsValidJSON(_ text: String) throws {
        _ = try read(AnyValue.self, text)
        #expect(throws: Never.self) { try JSONSerialization.jsonObject(with: Data(text.utf8), options: .fragmentsAllowed) }
    }

    @Test(arguments: [
        "", " ", "nul", "tru", "nulll", "01", "-", "1.", ".5", "1e", "+1", "--1", "0x10", "[1,]", "[,1]", "[1 2]",
        "{,}", #"{"a":1,}"#, #"{"a" 1}"#, #"{"a":1 "b":2}"#, "{a:1}", #"{"a":}"#, "[", "{", #""abc"#, #""\x""#,
        #""\u12""#, #""\uD83E""#, #""\uDD8A""#, "\"tab\there\"", "{} {}", "[] x", "'a'", "NaN", "Infinity",
    ])
    func rejectsInvalidJSON(_ text: String) {
        #expect(throws: JSONReadError.self) { try read(AnyValue.self, text) }
    }

    @Test func rejectsInvalidUTF8InStringsAndKeys() {
        for bytes: [UInt8] in [[0x22, 0xC3, 0x22], [0x22, 0xFF, 0x22], [0x7B, 0x22, 0x80, 0x22, 0x3A, 0x31, 0x7D]] {
            #expect(throws: JSONReadError.self) {
                try bytes.withUnsafeBytes { try JSONReader.read(AnyValue.self, from: $0) }
            }
        }
    }

    @Test func decodesEscapes() throws {
        #expect(try read(String.self, #""a\"\\\/\b\f\n\r\t""#) == "a\"\\/\u{8}\u{c}\n\r\t")
        #expect(try read(String.self, #""\u00e9\uD83E\uDD8A\u0000""#) == "é🦊\u{0}")
        #expect(try read(String.self, "\"日本語\"") == "日本語")
    }

    @Test func matchesKeysWrittenWithEscapes() throws {
        let meta = try read(ObjectMeta.self, #"{"na\u006de":"a","\u006eamespace":"b"}"#)
        #expect(meta.name == "a")
        #expect(meta.namespace == "b")
    }

    @Test func readsIntegersToTheirLimits() throws {
        #expect(try read(Int64.self, "9223372036854775807") == .max)
        #expect(try read(Int64.self, "-9223372036854775808") == .min)
        #expect(try read(Int32.self, "-2147483648") == .min)
        for text in ["9223372036854775808", "-9223372036854775809"] {
            #expect(throws: JSONReadError.self) { try read(Int64.self, text) }
        }
        #expect(throws: JSONReadError.self) { try read(Int32.self, "2147483648") }
    }

    /// Narrower than JSONDecoder on purpose: these go to the fallback.
    @Test func leavesFractionsAndExponentsOfIntegersToTheFallback() throws {
        for text in ["1.0", "1e2", "1E+0"] {
            #expect(throws: JSONReadError.self) { try read(Int64.self, text) }
        }
        #expect(try KubernetesJSON.decode(ListMeta.self, from: Data(#"{"remainingItemCount":2.0}"#.utf8)).remainingItemCount == 2)
    }

    @Test func refusesNestingDeeperThanTheLimit() throws {
        let deep = String(repeating: "[", count: JSONReader.maximumDepth) + String(repeating: "]", count: JSONReader.maximumDepth)
        _ = try read(AnyValue.self, deep)
        let tooDeep = "[" + deep + "]"
        #expect(throws: JSONReadError.self) { try read(AnyValue.self, tooDeep) }
    }

    /// Typed levels count as well as skipped ones, as JSONDecoder counts every level.
    @Test func nestingLimitCountsEveryLevel() throws {
        func document(brackets: Int) -> Data {
            Data((#"{"name":"a","x":"# + String(repeating: "[", count: brackets) + String(repeating: "]", count: brackets) + "}").utf8)
        }
        let deepest = document(brackets: JSONReader.maximumDepth - 1)
        let read = try deepest.withUnsafeBytes { try JSONReader.read(ObjectMeta.self, from: $0) }
        #expect(read == (try JSONDecoder().decode(ObjectMeta.self, from: deepest)))
        let tooDeep = document(brackets: JSONReader.maximumDepth)
        #expect(throws: JSONReadError.self) { try tooDeep.withUnsafeBytes { try JSONReader.read(ObjectMeta.self, from: $0) } }
        #expect(throws: (any Error).self) { try JSONDecoder().decode(ObjectMeta.self, from: tooDeep) }
    }

    /// Large maps are checked for duplicate keys with a set, not key by key.
    @Test func duplicateKeysInLargeMaps() throws {
        let entries = (0..<20_000).map { #""key-\#($0)":"v""# }
        let map = try read([String: String].self, "{" + entries.joined(separator: ",") + "}")
        #expect(map.count == 20_000)
        for duplicate in [#""key-3":"w""#, #""key-19999":"w""#, #""k\u0065y-7":"w""#] {
            #expect(throws: JSONReadError.self) {
                try read([String: String].self, "{" + (entries + [duplicate]).joined(separator: ",") + "}")
            }
        }
        #expect(throws: JSONReadError.self) { try read([String: String].self, #"{"a":"1","b":"2","a":"3"}"#) }
    }

    /// A field named with a capital K matches a key written with the Kelvin sign (U+212A), as
    /// JSONDecoder matches it; two keys that differ only so are duplicates.
    @Test func keysMatchByCanonicalEquivalence() throws {
        struct Capital: JSONReadable, Decodable, Equatable {
            var Kind: String?
            init(json reader: inout JSONReader) throws(JSONReadError) {
                try reader.beginObject()
                while let key = try reader.nextKey() {
                    switch key {
                    case "Kind": Kind = try String?(json: &reader)
                    default: try reader.skipValue()
                    }
                }
            }
        }
        let kelvin = #"{"\u212Aind":"x"}"#
        #expect(try read(Capital.self, kelvin).Kind == "x")
        #expect(try JSONDecoder().decode(Capital.self, from: Data(kelvin.utf8)).Kind == "x")
        #expect(throws: JSONReadError.self) { try read(Capital.self, #"{"Kind":"x","\u212Aind":"y"}"#) }
    }

    @Test func errorsSayWhere() {
        #expect {
            try read(ObjectMeta.self, #"{"name":"a" "uid":"b"}"#)
        } throws: { error in
            (error as? JSONReadError)?.description == "expected ',' or '}' at byte 12"
        }
    }
}

@Suite struct KubernetesJSONDecodeTests {
    @Test func usesTheReaderAndFallsBackToJSONDecoder() throws {
        let pod = try KubernetesJSON.decode(Pod.self, from: Data(#"{"metadata":{"name":"p","generation":3}}"#.utf8))
        #expect(pod.metadata.name == "p")
        // The reader refuses 3.0 for an Int64; JSONDecoder accepts it.
        let fallback = try KubernetesJSON.decode(Pod.self, from: Data(#"{"metadata":{"name":"p","generation":3.0}}"#.utf8))
        #expect(fallback == pod)
    }

    @Test func theFallbackGivesJSONDecodersError() {
        #expect(throws: DecodingError.self) {
            try KubernetesJSON.decode(Pod.self, from: Data(#"{"metadata":{"name":7}}"#.utf8))
        }
    }

    @Test func theChoiceFollowsConformance() {
        #expect(JSONDecoding<Pod>().usesReader)
        #expect(JSONDecoding<WatchEvent<Pod>>().usesReader)
        #expect(JSONDecoding<ResourceList<Namespace>>().usesReader)
        #expect(!JSONDecoding<Status>().usesReader)
        #expect(!JSONDecoding<WatchEvent<Lease>>().usesReader)
        #expect(!JSONDecoding<ResourceList<Lease>>().usesReader)
    }

    @Test func typesWithoutAReaderUseJSONDecoder() throws {
        let status = try KubernetesJSON.decode(Status.self, from: Data(#"{"kind":"Status","code":404}"#.utf8))
        #expect(status.code == 404)
    }
}

/// Every KubernetesCore reader agrees with its type's `Decodable` conformance.
@Suite struct JSONReaderAgreementTests {
    private func expectAgreement<T: JSONReadable & Codable & Equatable>(
        _ type: T.Type, seed: UInt64, count: Int = 60, make: (inout RandomSamples) -> T
    ) {
        let report = JSONReaderAgreement<T>.check(count: count, seed: seed, make: make)
        #expect(report.passed, "\(report)")
    }

    @Test func objectMeta() { expectAgreement(ObjectMeta.self, seed: 1) { $0.objectMeta() } }
    @Test func ownerReference() { expectAgreement(OwnerReference.self, seed: 2) { $0.ownerReference() } }
    @Test func condition() { expectAgreement(Condition.self, seed: 3) { $0.condition() } }
    @Test func labelSelector() { expectAgreement(LabelSelector.self, seed: 4) { $0.labelSelector() } }

    @Test func listMeta() {
        expectAgreement(ListMeta.self, seed: 5) { samples in
            ListMeta(
                resourceVersion: samples.maybe { $0.string() }, continue: samples.maybe { $0.string() },
                remainingItemCount: samples.maybe { $0.integer() })
        }
    }

    @Test func pod() {
        expectAgreement(Pod.self, seed: 6) { samples in
            Pod(
                metadata: samples.objectMeta(),
                spec: samples.maybe { samples in
                    Pod.Spec(
                        nodeName: samples.maybe { $0.string() },
                        containers: samples.maybe { samples in
                            (0..<samples.random.next(below: 3)).map { _ in
                                Pod.Container(name: samples.string(), image: samples.maybe { $0.string() })
                            }
                        })
                },
                status: samples.maybe { samples in
                    Pod.Status(
                        phase: samples.maybe { Pod.Phase(rawValue: $0.string()) },
                        podIPs: samples.maybe { samples in samples.strings().map { Pod.PodIP(ip: $0) } })
                })
        }
    }

    @Test func namespace() {
        expectAgreement(Namespace.self, seed: 7) { samples in
            Namespace(
                metadata: samples.objectMeta(),
                status: samples.maybe { Namespace.Status(phase: $0.maybe { Namespace.Phase(rawValue: $0.string()) }) })
        }
    }

    @Test func watchEvents() {
        expectAgreement(WatchEvent<Namespace>.self, seed: 8) { samples in
            let namespace = Namespace(metadata: samples.objectMeta())
            switch samples.random.next(below: 4) {
            case 0: return .added(namespace)
            case 1: return .modified(namespace)
            case 2: return .deleted(namespace)
            default: return .bookmark(resourceVersion: samples.string())
            }
        }
    }

    @Test func lists() {
        expectAgreement(ResourceList<Namespace>.self, seed: 9, count: 20) { samples in
            var list = ResourceList(
                metadata: ListMeta(resourceVersion: samples.string()),
                items: (0..<samples.random.next(below: 4)).map { _ in Namespace(metadata: samples.objectMeta()) })
            if samples.chance(3) { list.kind = nil }
            return list
        }
    }

    /// A Pod event as the API server writes it: managedFields with escaped keys, non-ASCII text,
    /// surrogate pairs.
    static let podEvent = #"""
        {"type":"MODIFIED","object":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web-0","namespace":"shop",
        "uid":"7a1c","resourceVersion":"4711","generation":2,"creationTimestamp":"2026-11-27T10:00:00Z",
        "labels":{"app":"web","team":"caf\u00e9 \ud83e\udd8a"},"annotations":{"note":"日本語 \"quoted\"\n"},
        "ownerReferences":[{"apiVersion":"apps/v1","kind":"StatefulSet","name":"web","uid":"s-1","controller":true}],
        "managedFields":[{"manager":"kubelet","operation":"Update","fieldsType":"FieldsV1","fieldsV1":{"f:status":{
        "f:conditions":{"k:{\"type\":\"Ready\"}":{".":{},"f:status":{}}},"f:podIPs":{"k:{\"ip\":\"10.0.0.7\"}":{}}}},
        "time":"2026-11-27T10:00:01Z","subresource":"status","n":[1,-2.5e3,true,false,null]}]},
        "spec":{"nodeName":"node-1","containers":[{"name":"app","image":"nginx"}]},
        "status":{"phase":"Running","podIPs":[{"ip":"10.0.0.7"}]}}}
        """#

    /// Every prefix of an event is refused (none is complete), without reading past the bytes
    /// it was given; every document with one byte deleted is refused or read as JSONDecoder reads it.
    @Test func truncatedAndDamagedEvents() throws {
        let bytes = Array(Self.podEvent.utf8)
        let whole = try bytes.withUnsafeBytes { try JSONReader.read(WatchEvent<Pod>.self, from: $0) }
        #expect(whole.object?.metadata.labels?["team"] == "café 🦊")
        #expect(whole == (try JSONDecoder().decode(WatchEvent<Pod>.self, from: Data(bytes))))
        for length in 0..<bytes.count {
            // A copy of exactly the prefix, so reading past it would read outside the allocation.
            let prefix = Array(bytes[..<length])
            #expect(throws: JSONReadError.self, "prefix of \(length) bytes") {
                try prefix.withUnsafeBytes { try JSONReader.read(WatchEvent<Pod>.self, from: $0) }
            }
        }
        for index in bytes.indices {
            var damaged = bytes
            damaged.remove(at: index)
            guard let read = try? damaged.withUnsafeBytes({ try JSONReader.read(WatchEvent<Pod>.self, from: $0) })
            else { continue }
            #expect(read == (try? JSONDecoder().decode(WatchEvent<Pod>.self, from: Data(damaged))), "byte \(index) deleted")
        }
    }

    /// The API server writes `type` first; a writer that puts `object` first is read too.
    @Test func watchEventWithTheObjectFirst() throws {
        let event = try read(WatchEvent<Namespace>.self, #"{"object":{"metadata":{"name":"a"}},"type":"DELETED"}"#)
        #expect(event == .deleted(Namespace(metadata: ObjectMeta(name: "a"))))
    }

    @Test func errorEventsAreLeftToJSONDecoder() throws {
        let line = #"{"type":"ERROR","object":{"kind":"Status","code":410,"reason":"Expired"}}"#
        #expect(throws: JSONReadError.self) { try read(WatchEvent<Namespace>.self, line) }
        let event = try KubernetesJSON.decode(WatchEvent<Namespace>.self, from: Data(line.utf8))
        guard case .error(let status) = event else {
            Issue.record("expected an error event, got \(event)")
            return
        }
        #expect(status.code == 410)
    }
}
