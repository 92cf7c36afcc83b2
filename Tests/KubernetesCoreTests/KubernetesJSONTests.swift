import Foundation
import KubernetesCore
import Testing

@Suite struct KubernetesJSONTests {
    @Test func encoderSortsKeysAndKeepsSlashes() throws {
        let pod = Pod(metadata: ObjectMeta(name: "web-0", annotations: ["ipam.swift-ipam.io/pool": "blue"]))
        let text = String(decoding: try KubernetesJSON.encoder().encode(pod), as: UTF8.self)
        #expect(
            text == #"{"apiVersion":"v1","kind":"Pod","metadata":{"annotations":{"ipam.swift-ipam.io/pool":"blue"},"name":"web-0"}}"#)
    }

    @Test func decoderReadsTimestampsThroughTheTypesNotAStrategy() throws {
        let json = #"{"metadata": {"name": "l"}, "spec": {"renewTime": "2024-05-01T10:00:00.5Z"}}"#
        let lease = try KubernetesJSON.decoder().decode(Lease.self, from: Data(json.utf8))
        #expect(lease.spec?.renewTime == Date(timeIntervalSince1970: 1_714_557_600.5))
    }
}
