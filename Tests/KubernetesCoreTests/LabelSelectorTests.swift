import KubernetesCore
import Testing

@Suite struct LabelSelectorTests {
    typealias Requirement = LabelSelectorRequirement

    static func expression(_ key: String, _ op: Requirement.Operator, _ values: [String]? = nil) -> LabelSelector {
        LabelSelector(matchExpressions: [Requirement(key: key, operator: op, values: values)])
    }

    static let webNotDev = LabelSelector(
        matchLabels: ["tier": "web"], matchExpressions: [Requirement(key: "env", operator: .notIn, values: ["dev"])])

    @Test(
        arguments: [
            // Empty selectors select everything.
            (LabelSelector(), [:], true),
            (LabelSelector(), ["a": "b"], true),
            (LabelSelector(matchLabels: [:], matchExpressions: []), ["a": "b"], true),
            // matchLabels: exact equality, extra labels allowed; absent is not "".
            (LabelSelector(matchLabels: ["tier": "web"]), ["tier": "web"], true),
            (LabelSelector(matchLabels: ["tier": "web"]), ["tier": "web", "x": "y"], true),
            (LabelSelector(matchLabels: ["tier": "web"]), ["tier": "db"], false),
            (LabelSelector(matchLabels: ["tier": "web"]), [:], false),
            (LabelSelector(matchLabels: ["tier": ""]), ["tier": ""], true),
            (LabelSelector(matchLabels: ["tier": ""]), [:], false),
            // In: key present with a listed value.
            (expression("zone", .in, ["a", "b"]), ["zone": "a"], true),
            (expression("zone", .in, ["a", "b"]), ["zone": "c"], false),
            (expression("zone", .in, ["a", "b"]), [:], false),
            // NotIn: key absent, or value not listed.
            (expression("zone", .notIn, ["a", "b"]), ["zone": "c"], true),
            (expression("zone", .notIn, ["a", "b"]), [:], true),
            (expression("zone", .notIn, ["a", "b"]), ["zone": "a"], false),
            // Exists / DoesNotExist.
            (expression("gpu", .exists), ["gpu": ""], true),
            (expression("gpu", .exists, []), ["gpu": "yes"], true),
            (expression("gpu", .exists), [:], false),
            (expression("legacy", .doesNotExist), [:], true),
            (expression("legacy", .doesNotExist), ["legacy": "true"], false),
            // matchLabels and matchExpressions are ANDed.
            (webNotDev, ["tier": "web", "env": "prod"], true),
            (webNotDev, ["tier": "web"], true),
            (webNotDev, ["tier": "web", "env": "dev"], false),
            (webNotDev, ["env": "prod"], false),
            // Invalid selectors select nothing.
            (expression("zone", .in, []), ["zone": ""], false),
            (expression("zone", .notIn), ["zone": "a"], false),
            (expression("zone", .notIn, []), [:], false),
            (expression("gpu", .exists, ["yes"]), ["gpu": "yes"], false),
            (expression("legacy", .doesNotExist, ["x"]), [:], false),
            (expression("size", .other("Gt"), ["3"]), ["size": "5"], false),
            (LabelSelector(matchLabels: ["a b": "x"]), ["a b": "x"], false),
            (LabelSelector(matchLabels: ["a": "x y"]), ["a": "x y"], false),
        ] as [(LabelSelector, [String: String], Bool)])
    func matching(selector: LabelSelector, labels: [String: String], expected: Bool) {
        #expect(selector.matches(labels) == expected)
    }

    @Test func decodesKubernetesJSON() throws {
        let json = """
            {"matchLabels": {"tier": "web"},
             "matchExpressions": [
               {"key": "zone", "operator": "In", "values": ["a", "b"]},
               {"key": "legacy", "operator": "DoesNotExist"},
               {"key": "size", "operator": "Gt", "values": ["3"]}
             ]}
            """
        let selector = try decode(LabelSelector.self, from: json)
        #expect(selector.matchLabels == ["tier": "web"])
        #expect(
            selector.matchExpressions == [
                Requirement(key: "zone", operator: .in, values: ["a", "b"]),
                Requirement(key: "legacy", operator: .doesNotExist),
                Requirement(key: "size", operator: .other("Gt"), values: ["3"]),
            ])
        #expect(try encodedJSON(selector) == canonicalJSON(json))
        #expect(try encodedJSON(LabelSelector()) == "{}")
    }

    @Test func validationReportsEveryProblemWithItsField() {
        let selector = LabelSelector(
            matchLabels: ["ok": "fine", "bad key": "v", "k": "-v"],
            matchExpressions: [
                Requirement(key: "zone", operator: .in),
                Requirement(key: "zone", operator: .notIn, values: []),
                Requirement(key: "gpu", operator: .exists, values: ["x"]),
                Requirement(key: "legacy", operator: .doesNotExist, values: []),
                Requirement(key: "-x", operator: .in, values: ["a", "b c"]),
                Requirement(key: "size", operator: .other("Gt"), values: ["3"]),
            ])
        let problems = selector.validate(at: "spec.poolSelector")
        #expect(
            problems.map(\.field) == [
                "spec.poolSelector.matchLabels[bad key]",
                "spec.poolSelector.matchLabels[k]",
                "spec.poolSelector.matchExpressions[0].values",
                "spec.poolSelector.matchExpressions[1].values",
                "spec.poolSelector.matchExpressions[2].values",
                "spec.poolSelector.matchExpressions[4].key",
                "spec.poolSelector.matchExpressions[4].values[1]",
                "spec.poolSelector.matchExpressions[5].operator",
            ])
        #expect(problems[2].message == "must be specified when operator is In")
        #expect(problems[4].message == "may not be specified when operator is Exists")
        #expect(
            problems[7].description.hasPrefix(
                "spec.poolSelector.matchExpressions[5].operator: unsupported operator \"Gt\""))
        #expect(selector.validate().first?.field == "matchLabels[bad key]")
    }

    @Test(arguments: [
        LabelSelector(),
        LabelSelector(matchLabels: ["ipam.swift-ipam.io/pool": "blue", "empty": ""]),
        webNotDev,
        expression("zone", .in, ["a"]),
    ])
    func validSelectorsHaveNoProblems(selector: LabelSelector) {
        #expect(selector.validate().isEmpty)
    }

    @Test(arguments: [
        (LabelSelector(), ""),
        (LabelSelector(matchLabels: ["tier": "web"]), "tier=web"),
        (
            LabelSelector(
                matchLabels: ["tier": "web"],
                matchExpressions: [
                    Requirement(key: "zone", operator: .in, values: ["b", "a", "b"]),
                    Requirement(key: "legacy", operator: .doesNotExist),
                    Requirement(key: "gpu", operator: .exists),
                    Requirement(key: "env", operator: .notIn, values: ["dev"]),
                ]),
            "env notin (dev),gpu,!legacy,tier=web,zone in (a,b)"
        ),
    ])
    func stringForm(selector: LabelSelector, expected: String) {
        #expect(selector.description == expected)
    }

    @Test func isEmpty() {
        #expect(LabelSelector().isEmpty)
        #expect(LabelSelector(matchLabels: [:], matchExpressions: []).isEmpty)
        #expect(!Self.webNotDev.isEmpty)
    }
}
