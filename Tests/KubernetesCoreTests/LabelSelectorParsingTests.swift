import KubernetesCore
import Testing

@Suite struct LabelSelectorParsingTests {
    typealias Requirement = LabelSelectorRequirement
    typealias Reason = LabelSelectorParseError.Reason

    static func expressions(_ requirements: Requirement...) -> LabelSelector {
        LabelSelector(matchExpressions: requirements)
    }

    @Test(arguments: [
        ("", LabelSelector()),
        ("   ", LabelSelector()),
        ("tier=web", LabelSelector(matchLabels: ["tier": "web"])),
        ("tier==web", LabelSelector(matchLabels: ["tier": "web"])),
        (" tier = web ", LabelSelector(matchLabels: ["tier": "web"])),
        ("tier=", LabelSelector(matchLabels: ["tier": ""])),
        ("tier==,a=b", LabelSelector(matchLabels: ["tier": "", "a": "b"])),
        ("example.com/team=web", LabelSelector(matchLabels: ["example.com/team": "web"])),
        ("a=in", LabelSelector(matchLabels: ["a": "in"])),
        ("a=1,a=1", LabelSelector(matchLabels: ["a": "1"])),
        (
            "a=1,a=2",
            LabelSelector(
                matchLabels: ["a": "1"], matchExpressions: [Requirement(key: "a", operator: .in, values: ["2"])])
        ),
        ("env!=dev", expressions(Requirement(key: "env", operator: .notIn, values: ["dev"]))),
        ("env!=", expressions(Requirement(key: "env", operator: .notIn, values: [""]))),
        ("zone in (a,b)", expressions(Requirement(key: "zone", operator: .in, values: ["a", "b"]))),
        ("zone in( a , b , a )", expressions(Requirement(key: "zone", operator: .in, values: ["a", "b"]))),
        ("zone notin (a)", expressions(Requirement(key: "zone", operator: .notIn, values: ["a"]))),
        ("zone in ()", expressions(Requirement(key: "zone", operator: .in, values: [""]))),
        ("zone in (a,)", expressions(Requirement(key: "zone", operator: .in, values: ["a", ""]))),
        ("zone in (,a,,)", expressions(Requirement(key: "zone", operator: .in, values: ["", "a"]))),
        ("in in (in)", expressions(Requirement(key: "in", operator: .in, values: ["in"]))),
        ("gpu", expressions(Requirement(key: "gpu", operator: .exists))),
        ("!legacy", expressions(Requirement(key: "legacy", operator: .doesNotExist))),
        ("! legacy", expressions(Requirement(key: "legacy", operator: .doesNotExist))),
        (
            "tier=web,env!=dev,zone in (a,b),!legacy,gpu",
            LabelSelector(
                matchLabels: ["tier": "web"],
                matchExpressions: [
                    Requirement(key: "env", operator: .notIn, values: ["dev"]),
                    Requirement(key: "zone", operator: .in, values: ["a", "b"]),
                    Requirement(key: "legacy", operator: .doesNotExist),
                    Requirement(key: "gpu", operator: .exists),
                ])
        ),
    ])
    func parses(input: String, expected: LabelSelector) throws {
        #expect(try LabelSelector(parsing: input) == expected)
    }

    @Test(arguments: [
        (",", 0, Reason.expectedKey(found: ",")),
        ("a,", 2, .expectedKey(found: nil)),
        ("a,,b", 2, .expectedKey(found: ",")),
        ("!", 1, .expectedKey(found: nil)),
        ("(a)", 0, .expectedKey(found: "(")),
        ("!a=b", 2, .expectedCommaOrEnd(found: "=")),
        ("a b", 2, .expectedOperator(found: "b")),
        ("a=b, bad key", 9, .expectedOperator(found: "key")),
        ("a (b)", 2, .expectedOperator(found: "(")),
        ("a=(b)", 2, .expectedValue(found: "(")),
        ("a!=!b", 3, .expectedValue(found: "!")),
        ("a=b=c", 3, .expectedCommaOrEnd(found: "=")),
        ("tier=web,env=dev x", 17, .expectedCommaOrEnd(found: "x")),
        ("zone in a", 8, .expectedOpeningParenthesis(found: "a")),
        ("zone notin", 10, .expectedOpeningParenthesis(found: nil)),
        ("zone in (a b)", 11, .expectedValueOrClosingParenthesis(found: "b")),
        ("zone notin (x y)", 14, .expectedValueOrClosingParenthesis(found: "y")),
        ("zone in (a", 10, .expectedValueOrClosingParenthesis(found: nil)),
        ("zone in (a))", 11, .expectedCommaOrEnd(found: ")")),
        ("a<5", 1, .unsupportedOperator("<")),
        ("a > 5", 2, .unsupportedOperator(">")),
    ])
    func syntaxErrors(input: String, position: Int, reason: Reason) {
        #expect(throws: LabelSelectorParseError(input: input, position: position, reason: reason)) {
            try LabelSelector(parsing: input)
        }
    }

    @Test(arguments: [
        ("-a=b", 0, "-a"),
        ("x=1,é", 4, "é"),
        ("zone in (a), 🙂", 13, "🙂"),
        ("example.com/=x", 0, "example.com/"),
        ("a/b/c", 0, "a/b/c"),
    ])
    func invalidKeys(input: String, position: Int, key: String) throws {
        let error = try #require(throws: LabelSelectorParseError.self) { try LabelSelector(parsing: input) }
        #expect(error.position == position)
        guard case .invalidKey(let found, let problem) = error.reason else {
            Issue.record("expected invalidKey, got \(error.reason)")
            return
        }
        #expect(found == key)
        #expect(!problem.isEmpty)
    }

    @Test(arguments: [
        ("a=-b", 2, "-b"),
        ("a!=b_", 3, "b_"),
        ("zone in (a,-b)", 11, "-b"),
    ])
    func invalidValues(input: String, position: Int, value: String) throws {
        let error = try #require(throws: LabelSelectorParseError.self) { try LabelSelector(parsing: input) }
        #expect(error.position == position)
        guard case .invalidValue(let found, _) = error.reason else {
            Issue.record("expected invalidValue, got \(error.reason)")
            return
        }
        #expect(found == value)
    }

    @Test func errorDescriptionNamesInputAndPosition() {
        let error = LabelSelectorParseError(
            input: "zone in a", position: 8, reason: .expectedOpeningParenthesis(found: "a"))
        #expect(error.description == "invalid label selector \"zone in a\" at position 8: expected '(', found 'a'")
        let atEnd = LabelSelectorParseError(input: "a,", position: 2, reason: .expectedKey(found: nil))
        #expect(atEnd.description.hasSuffix("expected a label key, found end of input"))
    }

    @Test(arguments: [
        "tier=web,env!=dev,zone in (a,b),!legacy,gpu",
        "a=1,a=2",
        "zone notin (a,),x==y",
        "",
    ])
    func stringFormRoundTrips(input: String) throws {
        let selector = try LabelSelector(parsing: input)
        let reparsed = try LabelSelector(parsing: selector.description)
        #expect(reparsed.description == selector.description)
        let samples: [[String: String]] = [
            [:], ["tier": "web"], ["tier": "web", "gpu": "1"], ["tier": "web", "gpu": "", "zone": "a"],
            ["tier": "web", "gpu": "", "zone": "b", "env": "dev"], ["a": "1"], ["a": "2"], ["x": "y", "zone": ""],
            ["x": "y"],
        ]
        for labels in samples {
            #expect(reparsed.matches(labels) == selector.matches(labels), "\(labels)")
        }
    }
}
