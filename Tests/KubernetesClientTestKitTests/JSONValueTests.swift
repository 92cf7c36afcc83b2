@testable import KubernetesClientTestKit
import Testing

@Suite("JSONValue parsing and serialisation")
struct JSONValueTests {
    @Test(arguments: [
        (#"{"b":1,"a":[true,false,null,"x",-2.5,1e3]}"#, #"{"a":[true,false,null,"x",-2.5,1000.0],"b":1}"#),
        (#"  [ ]  "#, "[]"),
        (#""\u00e9\ud83d\ude00\n\"\\/""#, "\"é😀\\n\\\"\\\\/\""),
        ("9223372036854775807", "9223372036854775807"),
        ("9223372036854775808", "9.223372036854776e+18"),
        ("-0", "0"),
        (#""\u0001""#, #""\u0001""#),
    ])
    func roundTrips(input: String, output: String) throws {
        let value = try JSONValue(parsing: input)
        #expect(value.description == output)
        #expect(try JSONValue(parsing: value.description) == value)
    }

    @Test func integersStayIntegers() throws {
        #expect(try JSONValue(parsing: "1") == .integer(1))
        #expect(try JSONValue(parsing: "1.0") == .double(1))
        #expect(try JSONValue(parsing: "1E2") == .double(100))
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\":}", "{\"a\" 1}", "01", "1.", ".5", "+1", "tru", "nul", "\"abc", "\"\\x\"",
        "\"\\ud800\"", "\"\\udc00\"", "\"a\u{01}\"", "[1] 2", "1e999", "{\"a\":1,}", "\u{FEFF}{}",
    ])
    func rejectsInvalidDocuments(input: String) {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: input) }
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: [0x22, 0xFF, 0x22]) }
    }

    @Test func deepNestingIsRefusedNotRecursed() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        #expect(throws: JSONParseError.self) { try JSONValue(parsing: deep) }
        let fine = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        #expect((try? JSONValue(parsing: fine)) != nil)
    }

    @Test func duplicateKeysKeepTheLast() throws {
        #expect(try JSONValue(parsing: #"{"a":1,"a":2}"#) == ["a": 2])
    }

    @Test func pathAccess() throws {
        let value = try JSONValue(parsing: #"{"spec":{"claimRef":{"uid":"u"}}}"#)
        #expect(value.value(atPath: "spec.claimRef.uid") == "u")
        #expect(value.value(atPath: "spec.missing.uid") == nil)
    }

    @Test func codableMatchesTheParser() throws {
        let value: JSONValue = ["a": [1, 2.5, "x", nil, true], "b": ["c": "d"]]
        let reencoded = try JSONValue(encoding: value)
        #expect(reencoded == value)
        struct Typed: Decodable, Equatable { var a: [JSONValue]; var b: [String: String] }
        #expect(try value.decode(as: Typed.self).b == ["c": "d"])
    }
}
