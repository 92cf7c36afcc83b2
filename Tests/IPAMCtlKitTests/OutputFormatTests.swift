import Foundation
@testable import IPAMCtlKit
import Testing

@Suite struct OutputFormatTests {
    struct Sample: Codable, Equatable {
        var zulu = "z/1"
        var alpha = 1
        var mike: [String]? = ["a"]
    }

    @Test func jsonIsPrettySortedAndEndsInANewline() throws {
        let text = try OutputFormat.encode(Sample(), as: .json)
        #expect(text == """
            {
              "alpha" : 1,
              "mike" : [
                "a"
              ],
              "zulu" : "z/1"
            }

            """)
    }

    @Test func yamlIsSorted() throws {
        let text = try OutputFormat.encode(Sample(), as: .yaml)
        #expect(text == "alpha: 1\nmike:\n- a\nzulu: z/1\n")
    }

    @Test(arguments: [("table", OutputFormat.table), ("json", .json), ("yaml", .yaml)])
    func parsesKubectlSpellings(text: String, format: OutputFormat) {
        #expect(OutputFormat(argument: text) == format)
    }

    @Test(arguments: ["JSON", "yml", "wide", ""])
    func refusesOthers(text: String) {
        #expect(OutputFormat(argument: text) == nil)
    }
}
