import KubernetesCore
import Testing

@Suite struct WatchEventTests {
    static let podJSON =
        #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0","namespace":"shop","resourceVersion":"11"}}"#
    static let pod = Pod(metadata: ObjectMeta(name: "web-0", namespace: "shop", resourceVersion: "11"))

    @Test(arguments: [
        ("ADDED", WatchEvent<Pod>.added(pod)),
        ("MODIFIED", .modified(pod)),
        ("DELETED", .deleted(pod)),
    ])
    func objectEvents(type: String, expected: WatchEvent<Pod>) throws {
        let event = try decode(WatchEvent<Pod>.self, from: #"{"type":"\#(type)","object":\#(Self.podJSON)}"#)
        #expect(event == expected)
        #expect(event.type.rawValue == type)
        #expect(event.object == Self.pod)
    }

    @Test func bookmarkCarriesOnlyTheResourceVersion() throws {
        // A bookmark's object is a stub; for a type with required fields it would not decode as R.
        let json = """
            {"type": "BOOKMARK", "object": {"kind": "Pod", "apiVersion": "v1",
             "metadata": {"resourceVersion": "12746", "creationTimestamp": null,
                          "annotations": {"k8s.io/initial-events-end": "true"}},
             "spec": {"containers": null}, "status": {}}}
            """
        let event = try decode(WatchEvent<Pod>.self, from: json)
        #expect(event == .bookmark(resourceVersion: "12746"))
        #expect(event.type == .bookmark)
        #expect(event.object == nil)
    }

    @Test func errorCarriesAStatus() throws {
        let json = """
            {"type": "ERROR", "object": {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
             "message": "too old resource version: 1 (12746)", "reason": "Expired", "code": 410}}
            """
        let event = try decode(WatchEvent<Pod>.self, from: json)
        guard case .error(let status) = event else {
            Issue.record("expected .error, got \(event)")
            return
        }
        #expect(status.code == 410)
        #expect(status.reason == .expired)
        #expect(event.type == .error)
    }

    @Test(arguments: [
        #"{"type": "SYNC", "object": {}}"#,
        #"{"object": {"metadata": {}}}"#,
        #"{"type": "ADDED"}"#,
        #"{"type": "BOOKMARK", "object": {"metadata": {}}}"#,
        #"{"type": "ADDED", "object": {"metadata": {"name": 1}}}"#,
    ])
    func rejectsMalformedEvents(json: String) {
        #expect(throws: DecodingError.self) { try decode(WatchEvent<Pod>.self, from: json) }
    }

    @Test(arguments: [
        WatchEvent<Pod>.added(pod), .modified(pod), .deleted(pod), .bookmark(resourceVersion: "99"),
        .error(Status(status: "Failure", message: "gone", reason: .gone, code: 410)),
    ])
    func roundTrips(event: WatchEvent<Pod>) throws {
        #expect(try decode(WatchEvent<Pod>.self, from: encodedJSON(event)) == event)
    }

    @Test func encodesBookmarksAsTheServerDoes() throws {
        #expect(
            try encodedJSON(WatchEvent<Pod>.bookmark(resourceVersion: "99"))
                == #"{"object":{"apiVersion":"v1","kind":"Pod","metadata":{"resourceVersion":"99"}},"type":"BOOKMARK"}"#
        )
    }
}
