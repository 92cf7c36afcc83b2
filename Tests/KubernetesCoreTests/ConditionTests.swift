import Foundation
import KubernetesCore
import Testing

@Suite struct ConditionTests {
    static let t0 = Date(timeIntervalSince1970: 1_704_164_645)  // 2024-01-02T03:04:05Z
    static let t1 = Date(timeIntervalSince1970: 1_704_168_000)  // 2024-01-02T04:00:00Z

    @Test func decodesAndEncodesKubernetesJSON() throws {
        let json = """
            {"type": "Ready", "status": "False", "observedGeneration": 3,
             "lastTransitionTime": "2024-01-02T03:04:05Z", "reason": "Overlapping",
             "message": "overlaps pool blue (10.10.0.0/24)"}
            """
        let condition = try decode(Condition.self, from: json)
        #expect(
            condition
                == Condition(
                    type: "Ready", status: .false, observedGeneration: 3, lastTransitionTime: Self.t0,
                    reason: "Overlapping", message: "overlaps pool blue (10.10.0.0/24)"))
        #expect(try encodedJSON(condition) == canonicalJSON(json))
    }

    @Test func alwaysEncodesReasonAndMessageButNotANilGeneration() throws {
        let condition = Condition(type: "Ready", status: .true, lastTransitionTime: Self.t0, reason: "Ready")
        #expect(
            try encodedJSON(condition)
                == #"{"lastTransitionTime":"2024-01-02T03:04:05Z","message":"","reason":"Ready","status":"True","type":"Ready"}"#
        )
    }

    @Test(arguments: ["True", "False", "Unknown"])
    func statusSpellings(text: String) throws {
        let condition = try decode(
            Condition.self, from: #"{"type":"A","status":"\#(text)","lastTransitionTime":"2024-01-02T03:04:05Z"}"#)
        #expect(condition.status.rawValue == text)
        #expect(condition.reason == "")
        #expect(condition.message == "")
    }

    @Test(arguments: [
        #"{"type":"A","status":"true","lastTransitionTime":"2024-01-02T03:04:05Z"}"#,
        #"{"type":"A","status":"True"}"#,
        #"{"type":"A","status":"True","lastTransitionTime":"now"}"#,
    ])
    func rejectsInvalidConditions(json: String) {
        #expect(throws: DecodingError.self) { try decode(Condition.self, from: json) }
    }

    // MARK: Array helpers

    static func ready(
        _ status: ConditionStatus, at time: Date = t0, reason: String = "Ready", message: String = "",
        generation: Int64? = 1
    ) -> Condition {
        Condition(
            type: "Ready", status: status, observedGeneration: generation, lastTransitionTime: time,
            reason: reason, message: message)
    }

    static let exhausted = Condition(type: "Exhausted", status: .false, lastTransitionTime: t0, reason: "Available")

    @Test func setAppendsANewType() {
        var conditions = [Self.exhausted]
        let changed = conditions.set(Self.ready(.true, at: Self.t1))
        #expect(changed)
        #expect(conditions == [Self.exhausted, Self.ready(.true, at: Self.t1)])
    }

    @Test(arguments: [
        // (new condition, changed?, expected lastTransitionTime)
        (ready(.true, at: t1), false, t0),
        (ready(.true, at: t1, message: "all good"), true, t0),
        (ready(.true, at: t1, reason: "Reconciled"), true, t0),
        (ready(.true, at: t1, generation: 2), true, t0),
        (ready(.false, at: t1, reason: "Invalid"), true, t1),
        (ready(.unknown, at: t1, reason: "Pending"), true, t1),
    ])
    func setKeepsTransitionTimeUnlessStatusChanges(new: Condition, changed: Bool, transition: Date) throws {
        var conditions = [Self.ready(.true), Self.exhausted]
        let didChange = conditions.set(new)
        #expect(didChange == changed)
        #expect(conditions.count == 2)
        #expect(conditions[1] == Self.exhausted, "order and other conditions are kept")
        var expected = new
        expected.lastTransitionTime = transition
        #expect(conditions[0] == expected)
    }

    @Test func lookups() {
        var conditions = [Self.ready(.true), Self.exhausted]
        #expect(conditions.condition(ofType: "Exhausted") == Self.exhausted)
        #expect(conditions.condition(ofType: "Stalled") == nil)
        #expect(conditions.isTrue("Ready"))
        #expect(!conditions.isTrue("Exhausted"))
        #expect(!conditions.isTrue("Stalled"))
        let removed = conditions.remove(ofType: "Ready")
        let removedAgain = conditions.remove(ofType: "Ready")
        #expect(removed && !removedAgain)
        #expect(conditions == [Self.exhausted])
    }
}
