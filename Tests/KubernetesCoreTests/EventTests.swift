import Foundation
import KubernetesCore
import Testing

@Suite struct EventTests {
    /// An `events.k8s.io/v1` Event as the API server returns it, deprecated fields included.
    static let json = """
        {
          "apiVersion": "events.k8s.io/v1", "kind": "Event",
          "metadata": {
            "name": "web-0.17cb6a3e2f1d0c9b", "namespace": "shop",
            "uid": "5d2c7e1a-9b3f-4a6d-8e0c-1f2a3b4c5d6e", "resourceVersion": "4800",
            "creationTimestamp": "2024-05-01T10:00:00Z"
          },
          "eventTime": "2024-05-01T10:00:00.123456Z",
          "series": {"count": 3, "lastObservedTime": "2024-05-01T10:05:00.000001Z"},
          "reportingController": "ipam.swift-ipam.io/controller",
          "reportingInstance": "swift-ipam-controller-7d9f8b6c5-x2k4q",
          "action": "Allocate",
          "reason": "Allocated",
          "regarding": {"kind": "Pod", "namespace": "shop", "name": "web-0",
                        "uid": "6f1c2a8e-3b0d-4c55-9a8e-2f1d3c4b5a69", "apiVersion": "v1", "resourceVersion": "4711"},
          "related": {"kind": "IPPool", "name": "blue", "uid": "9a8b7c6d-5e4f-4321-8765-0fedcba98765",
                      "apiVersion": "ipam.swift-ipam.io/v1alpha1"},
          "note": "allocated 10.0.0.7 from pool blue",
          "type": "Normal",
          "deprecatedSource": {},
          "deprecatedFirstTimestamp": null,
          "deprecatedLastTimestamp": null
        }
        """

    /// `2024-05-01T10:00:00Z`.
    static let tenOClock = Date(timeIntervalSince1970: 1_714_557_600)

    @Test func staticTypeInformation() {
        #expect(Event.apiVersion == "events.k8s.io/v1")
        #expect(Event.group == "events.k8s.io")
        #expect(Event.kind == "Event")
        #expect(Event.plural == "events")
        #expect(Event.isNamespaced)
    }

    @Test func decodesEveryModelledField() throws {
        let event = try decode(Event.self, from: Self.json)
        #expect(event.metadata.name == "web-0.17cb6a3e2f1d0c9b")
        let eventTime = try #require(event.eventTime)
        #expect(abs(eventTime.timeIntervalSince(Self.tenOClock) - 0.123456) < 1e-6)
        let series = try #require(event.series)
        #expect(series.count == 3)
        #expect(abs(series.lastObservedTime.timeIntervalSince(Self.tenOClock) - 300.000001) < 1e-6)
        #expect(event.reportingController == "ipam.swift-ipam.io/controller")
        #expect(event.reportingInstance == "swift-ipam-controller-7d9f8b6c5-x2k4q")
        #expect(event.action == "Allocate")
        #expect(event.reason == "Allocated")
        #expect(
            event.regarding
                == ObjectReference(
                    apiVersion: "v1", kind: "Pod", namespace: "shop", name: "web-0",
                    uid: "6f1c2a8e-3b0d-4c55-9a8e-2f1d3c4b5a69", resourceVersion: "4711"))
        #expect(
            event.related
                == ObjectReference(
                    apiVersion: "ipam.swift-ipam.io/v1alpha1", kind: "IPPool", name: "blue",
                    uid: "9a8b7c6d-5e4f-4321-8765-0fedcba98765"))
        #expect(event.note == "allocated 10.0.0.7 from pool blue")
        #expect(event.type == .normal)
    }

    @Test func encodesTheModelledFieldsWithMicrosecondsAndDropsDeprecatedOnes() throws {
        let event = try decode(Event.self, from: Self.json)
        let expected = """
            {"apiVersion": "events.k8s.io/v1", "kind": "Event",
             "metadata": {"name": "web-0.17cb6a3e2f1d0c9b", "namespace": "shop",
                          "uid": "5d2c7e1a-9b3f-4a6d-8e0c-1f2a3b4c5d6e", "resourceVersion": "4800",
                          "creationTimestamp": "2024-05-01T10:00:00Z"},
             "eventTime": "2024-05-01T10:00:00.123456Z",
             "series": {"count": 3, "lastObservedTime": "2024-05-01T10:05:00.000001Z"},
             "reportingController": "ipam.swift-ipam.io/controller",
             "reportingInstance": "swift-ipam-controller-7d9f8b6c5-x2k4q",
             "action": "Allocate", "reason": "Allocated",
             "regarding": {"kind": "Pod", "namespace": "shop", "name": "web-0",
                           "uid": "6f1c2a8e-3b0d-4c55-9a8e-2f1d3c4b5a69", "apiVersion": "v1", "resourceVersion": "4711"},
             "related": {"kind": "IPPool", "name": "blue", "uid": "9a8b7c6d-5e4f-4321-8765-0fedcba98765",
                         "apiVersion": "ipam.swift-ipam.io/v1alpha1"},
             "note": "allocated 10.0.0.7 from pool blue", "type": "Normal"}
            """
        #expect(try encodedJSON(event) == canonicalJSON(expected))
        #expect(try decode(Event.self, from: encodedJSON(event)) == event)
    }

    @Test func eventCreatedThroughTheCoreAPIHasNullEventTime() throws {
        let json = """
            {"apiVersion": "events.k8s.io/v1", "kind": "Event",
             "metadata": {"name": "web-0.17cb6a3e2f1d0c9c", "namespace": "shop"},
             "eventTime": null, "reason": "Scheduled", "type": "Normal",
             "regarding": {"kind": "Pod", "namespace": "shop", "name": "web-0", "apiVersion": "v1"},
             "note": "Successfully assigned shop/web-0 to node-a",
             "deprecatedSource": {"component": "default-scheduler"},
             "deprecatedFirstTimestamp": "2024-05-01T10:00:00Z", "deprecatedLastTimestamp": "2024-05-01T10:00:00Z",
             "deprecatedCount": 1}
            """
        let event = try decode(Event.self, from: json)
        #expect(event.eventTime == nil)
        #expect(event.reason == "Scheduled")
        #expect(
            try encodedJSON(event)
                == """
                {"apiVersion":"events.k8s.io/v1","kind":"Event",\
                "metadata":{"name":"web-0.17cb6a3e2f1d0c9c","namespace":"shop"},\
                "note":"Successfully assigned shop/web-0 to node-a","reason":"Scheduled",\
                "regarding":{"apiVersion":"v1","kind":"Pod","name":"web-0","namespace":"shop"},"type":"Normal"}
                """)
    }

    @Test func aNewEventEncodesAsARecorderWouldPostIt() throws {
        let pod = Pod(metadata: ObjectMeta(name: "web-0", namespace: "shop", uid: "uid-1", resourceVersion: "4711"))
        let event = Event(
            metadata: ObjectMeta(generateName: "web-0.", namespace: "shop"),
            eventTime: Self.tenOClock.addingTimeInterval(0.5),
            reportingController: "ipam.swift-ipam.io/controller",
            reportingInstance: "leader-0",
            action: "Allocate",
            reason: "PoolExhausted",
            regarding: ObjectReference(pod),
            note: "no free address in pool blue",
            type: .warning)
        #expect(
            try encodedJSON(event)
                == """
                {"action":"Allocate","apiVersion":"events.k8s.io/v1","eventTime":"2024-05-01T10:00:00.500000Z",\
                "kind":"Event","metadata":{"generateName":"web-0.","namespace":"shop"},\
                "note":"no free address in pool blue","reason":"PoolExhausted",\
                "regarding":{"apiVersion":"v1","kind":"Pod","name":"web-0","namespace":"shop",\
                "resourceVersion":"4711","uid":"uid-1"},\
                "reportingController":"ipam.swift-ipam.io/controller","reportingInstance":"leader-0","type":"Warning"}
                """)
    }

    @Test func seriesEncodesMicroseconds() throws {
        let series = Event.Series(count: 2, lastObservedTime: Self.tenOClock)
        #expect(try encodedJSON(series) == #"{"count":2,"lastObservedTime":"2024-05-01T10:00:00.000000Z"}"#)
    }

    @Test(arguments: [
        #"{"count": 2}"#,
        #"{"lastObservedTime": "2024-05-01T10:00:00.000000Z"}"#,
        #"{"count": 2, "lastObservedTime": null}"#,
        #"{"count": 2, "lastObservedTime": "yesterday"}"#,
        #"{"count": 2147483648, "lastObservedTime": "2024-05-01T10:00:00.000000Z"}"#,
    ])
    func seriesNeedsBothFields(json: String) {
        #expect(throws: DecodingError.self) { try decode(Event.Series.self, from: json) }
    }

    @Test func malformedEventTimeIsAnError() {
        let json = #"{"metadata": {}, "eventTime": "2024-05-01T10:00:00.123456"}"#
        #expect(throws: DecodingError.self) { try decode(Event.self, from: json) }
    }

    @Test(arguments: ["Normal", "Warning", "Critical"])
    func typesAreAnOpenSet(type: String) throws {
        let event = try decode(Event.self, from: #"{"metadata": {}, "type": "\#(type)"}"#)
        #expect(event.type == Event.EventType(rawValue: type))
        #expect(try encodedJSON(event) == #"{"apiVersion":"events.k8s.io/v1","kind":"Event","metadata":{},"type":"\#(type)"}"#)
    }

    @Test func namedTypesAreSpelledAsKubernetesDoes() {
        #expect(Event.EventType.normal.rawValue == "Normal")
        #expect(Event.EventType.warning.rawValue == "Warning")
    }
}
