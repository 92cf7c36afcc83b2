import Foundation
import KubernetesCore
import Testing

/// The options are checked through the requests they produce: that is their only use.
@Suite struct RequestOptionsTests {
    let pods = ResourceRequests<Pod>(namespace: "shop")

    // MARK: ListOptions

    @Test func defaultListOptionsAddNoQuery() {
        #expect(pods.list(ListOptions()).query.isEmpty)
    }

    @Test func everyListOptionInOrder() {
        let options = ListOptions(
            labelSelector: "app=web", fieldSelector: "status.phase=Running", limit: 100, continueToken: "tok",
            resourceVersion: "4711", resourceVersionMatch: "NotOlderThan")
        #expect(
            pods.list(options).queryPairs == [
                "labelSelector=app=web", "fieldSelector=status.phase=Running", "limit=100", "continue=tok",
                "resourceVersion=4711", "resourceVersionMatch=NotOlderThan",
            ])
    }

    @Test func listFromTheWatchCache() {
        let request = pods.list(ListOptions(resourceVersion: "0"))
        #expect(request.pathAndQuery == "/api/v1/namespaces/shop/pods?resourceVersion=0")
    }

    @Test func emptySelectorsAreSentAsGiven() {
        // An empty selector selects everything; it is passed through, not dropped.
        #expect(pods.list(ListOptions(labelSelector: "")).pathAndQuery == "/api/v1/namespaces/shop/pods?labelSelector=")
    }

    // MARK: WatchOptions

    @Test func defaultWatchAsksForBookmarks() {
        let request = pods.watch(WatchOptions())
        #expect(request.queryPairs == ["watch=true", "allowWatchBookmarks=true"])
        #expect(request.isWatch)
    }

    @Test func watchWithoutBookmarks() {
        #expect(pods.watch(WatchOptions(allowWatchBookmarks: false)).queryPairs == ["watch=true"])
    }

    @Test func everyWatchOptionInOrder() {
        let options = WatchOptions(
            labelSelector: "app=web", fieldSelector: "metadata.name=web-0", resourceVersion: "4711",
            allowWatchBookmarks: true, timeoutSeconds: 300)
        #expect(
            pods.watch(options).queryPairs == [
                "watch=true", "labelSelector=app=web", "fieldSelector=metadata.name=web-0", "resourceVersion=4711",
                "allowWatchBookmarks=true", "timeoutSeconds=300",
            ])
    }

    // MARK: WriteOptions

    @Test func defaultWriteOptionsAddNoQuery() throws {
        let pod = Pod(metadata: ObjectMeta(name: "web-0"))
        #expect(try pods.create(pod, options: WriteOptions()).query.isEmpty)
        #expect(try pods.update(pod, options: WriteOptions(dryRun: false)).query.isEmpty)
    }

    @Test func fieldManagerAndDryRun() throws {
        let pod = Pod(metadata: ObjectMeta(name: "web-0"))
        #expect(try pods.create(pod, options: WriteOptions(fieldManager: "swift-ipam")).queryPairs == ["fieldManager=swift-ipam"])
        #expect(try pods.create(pod, options: WriteOptions(dryRun: true)).queryPairs == ["dryRun=All"])
    }

    // MARK: Patch and JSONBody

    @Test(arguments: [
        (Patch.merge(JSONBody(data: Data("{}".utf8))), "application/merge-patch+json"),
        (.apply(JSONBody(data: Data("{}".utf8)), force: false), "application/apply-patch+yaml"),
        (.apply(JSONBody(data: Data("{}".utf8)), force: true), "application/apply-patch+yaml"),
    ])
    func patchContentTypes(patch: Patch, contentType: String) throws {
        let request = try pods.patch("web-0", patch, options: WriteOptions(fieldManager: "m"))
        #expect(request.contentType == contentType)
    }

    @Test func jsonBodyIsSortedWithUnescapedSlashes() throws {
        let body = try JSONBody(encoding: ["metadata": ["annotations": ["ipam.swift-ipam.io/pool": "blue", "a": "b"]]])
        #expect(String(decoding: body.data, as: UTF8.self) == #"{"metadata":{"annotations":{"a":"b","ipam.swift-ipam.io/pool":"blue"}}}"#)
    }

    @Test func jsonBodyKeepsGivenBytes() {
        let bytes = Data(#"{ "z": 1,  "a": 2 }"#.utf8)
        #expect(JSONBody(data: bytes).data == bytes)
    }

    // MARK: DeleteOptions

    @Test func deleteOptionsAlwaysCarryTheirTypeMeta() throws {
        #expect(try encodedJSON(DeleteOptions()) == #"{"apiVersion":"v1","kind":"DeleteOptions"}"#)
    }

    @Test func everyDeleteOption() throws {
        let options = DeleteOptions(
            preconditions: .init(uid: "uid-1"), propagationPolicy: .orphan, gracePeriodSeconds: 30)
        #expect(
            try encodedJSON(options)
                == """
                {"apiVersion":"v1","gracePeriodSeconds":30,"kind":"DeleteOptions",\
                "preconditions":{"uid":"uid-1"},"propagationPolicy":"Orphan"}
                """)
    }

    @Test func deleteOptionsDecodeIgnoringTypeMetaAndUnknownFields() throws {
        let json = """
            {"kind": "DeleteOptions", "apiVersion": "meta.k8s.io/v1", "dryRun": ["All"],
             "preconditions": {"resourceVersion": "9"}, "propagationPolicy": "Foreground"}
            """
        let options = try decode(DeleteOptions.self, from: json)
        #expect(options == DeleteOptions(preconditions: .init(resourceVersion: "9"), propagationPolicy: .foreground))
    }

    @Test(arguments: [
        (DeleteOptions.PropagationPolicy.orphan, "Orphan"),
        (.background, "Background"),
        (.foreground, "Foreground"),
    ])
    func propagationPoliciesAreSpelledAsKubernetesDoes(policy: DeleteOptions.PropagationPolicy, text: String) throws {
        #expect(policy.rawValue == text)
        #expect(try decode(DeleteOptions.self, from: #"{"propagationPolicy": "\#(text)"}"#).propagationPolicy == policy)
    }

    @Test func unknownPropagationPolicyIsAnError() {
        #expect(throws: DecodingError.self) { try decode(DeleteOptions.self, from: #"{"propagationPolicy": "foreground"}"#) }
    }
}
