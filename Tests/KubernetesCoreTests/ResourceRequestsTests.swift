import Foundation
import KubernetesCore
import Testing

@Suite struct ResourceRequestsTests {
    let pods = ResourceRequests<Pod>(namespace: "shop")
    let allPods = ResourceRequests<Pod>()
    let pools = ResourceRequests<TestIPPool>()

    static let pool = TestIPPool(
        metadata: ObjectMeta(name: "blue", resourceVersion: "42"), spec: .init(cidrs: ["10.0.0.0/24"]))
    static let poolJSON = """
        {"apiVersion":"ipam.swift-ipam.io/v1alpha1","kind":"IPPool","metadata":{"name":"blue","resourceVersion":"42"},\
        "spec":{"cidrs":["10.0.0.0/24"]}}
        """

    // MARK: Paths

    @Test func groupVersionPaths() {
        #expect(ResourceRequests<Pod>.groupVersionPath == "/api/v1")
        #expect(ResourceRequests<Namespace>.groupVersionPath == "/api/v1")
        #expect(ResourceRequests<TestIPPool>.groupVersionPath == "/apis/ipam.swift-ipam.io/v1alpha1")
        #expect(ResourceRequests<Lease>.groupVersionPath == "/apis/coordination.k8s.io/v1")
        #expect(ResourceRequests<Event>.groupVersionPath == "/apis/events.k8s.io/v1")
    }

    @Test func collectionPaths() {
        #expect(pods.collectionPath == "/api/v1/namespaces/shop/pods")
        #expect(allPods.collectionPath == "/api/v1/pods")
        #expect(pools.collectionPath == "/apis/ipam.swift-ipam.io/v1alpha1/ippools")
        #expect(ResourceRequests<Namespace>().collectionPath == "/api/v1/namespaces")
        #expect(
            ResourceRequests<Lease>(namespace: "kube-system").collectionPath
                == "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases")
        #expect(ResourceRequests<Event>(namespace: "shop").collectionPath == "/apis/events.k8s.io/v1/namespaces/shop/events")
    }

    @Test func clusterScopedKindsIgnoreANamespace() throws {
        let scoped = ResourceRequests<TestIPPool>(namespace: "shop")
        #expect(scoped.namespace == nil)
        #expect(scoped.collectionPath == "/apis/ipam.swift-ipam.io/v1alpha1/ippools")
        #expect(try scoped.get("blue").path == "/apis/ipam.swift-ipam.io/v1alpha1/ippools/blue")
    }

    @Test func anEmptyNamespaceMeansAllNamespaces() {
        let requests = ResourceRequests<Pod>(namespace: "")
        #expect(requests.namespace == nil)
        #expect(requests.list().path == "/api/v1/pods")
        #expect(throws: RequestBuildError.namespaceRequired) { try requests.get("web-0") }
    }

    // MARK: Get

    @Test func getNamespacedCoreObject() throws {
        let request = try pods.get("web-0")
        #expect(request.method == .get)
        #expect(request.pathAndQuery == "/api/v1/namespaces/shop/pods/web-0")
        #expect(request.query.isEmpty)
        #expect(request.body == nil)
        #expect(request.contentType == nil)
        #expect(!request.isWatch)
    }

    @Test func getClusterScopedCustomObject() throws {
        let request = try pools.get("blue")
        #expect(request.method == .get)
        #expect(request.pathAndQuery == "/apis/ipam.swift-ipam.io/v1alpha1/ippools/blue")
    }

    @Test func getNeedsANameAndForNamespacedKindsANamespace() {
        #expect(throws: RequestBuildError.nameRequired) { try pods.get("") }
        #expect(throws: RequestBuildError.nameRequired) { try pools.get("") }
        #expect(throws: RequestBuildError.nameRequired) { try allPods.get("") }
        #expect(throws: RequestBuildError.namespaceRequired) { try allPods.get("web-0") }
    }

    @Test(arguments: [".", "..", "a/b", "../../namespaces/kube-system", "50%", "%2F"])
    func namesThatAreNotOnePathSegmentAreRefused(name: String) {
        let expected = RequestBuildError.invalidName(name)
        #expect(throws: expected) { try pods.get(name) }
        #expect(throws: expected) { try pools.get(name) }
        #expect(throws: expected) { try pods.delete(name) }
        #expect(throws: expected) { try pools.patch(name, .merge(JSONBody(data: Data("{}".utf8)))) }
        #expect(throws: expected) { try pods.update(Pod(metadata: ObjectMeta(name: name))) }
        #expect(throws: expected) { try pools.updateStatus(TestIPPool(metadata: ObjectMeta(name: name))) }
    }

    @Test(arguments: [".", "..", "kube-system/pods", "a%2Fb"])
    func namespacesThatAreNotOnePathSegmentAreRefused(namespace: String) {
        let expected = RequestBuildError.invalidNamespace(namespace)
        let pod = Pod(metadata: ObjectMeta(name: "web-0", namespace: namespace))
        #expect(throws: expected) { try allPods.create(pod) }
        #expect(throws: expected) { try allPods.update(pod) }
        #expect(throws: expected) { try ResourceRequests<Pod>(namespace: namespace).get("web-0") }
    }

    @Test func otherSpecialCharactersInANameArePercentEncodedAndStayInThePath() throws {
        #expect(try pods.get("a?b#c d").pathAndQuery == "/api/v1/namespaces/shop/pods/a%3Fb%23c%20d")
    }

    // MARK: List and watch

    @Test func listInOneNamespace() {
        let request = pods.list()
        #expect(request.method == .get)
        #expect(request.pathAndQuery == "/api/v1/namespaces/shop/pods")
        #expect(request.body == nil)
        #expect(!request.isWatch)
    }

    @Test func listAcrossAllNamespaces() {
        #expect(allPods.list().pathAndQuery == "/api/v1/pods")
        #expect(
            allPods.list(ListOptions(labelSelector: "app=web")).pathAndQuery == "/api/v1/pods?labelSelector=app%3Dweb")
    }

    @Test func listClusterScopedCustomKind() {
        #expect(pools.list().pathAndQuery == "/apis/ipam.swift-ipam.io/v1alpha1/ippools")
    }

    @Test func listSelectorsArePercentEncoded() {
        let request = pods.list(ListOptions(labelSelector: "tier in (a,b),env!=dev", fieldSelector: "spec.nodeName=node-1"))
        #expect(request.queryPairs == ["labelSelector=tier in (a,b),env!=dev", "fieldSelector=spec.nodeName=node-1"])
        #expect(
            request.pathAndQuery
                == "/api/v1/namespaces/shop/pods?labelSelector=tier%20in%20%28a%2Cb%29%2Cenv%21%3Ddev"
                + "&fieldSelector=spec.nodeName%3Dnode-1")
    }

    @Test func listPagination() {
        let first = pools.list(ListOptions(limit: 500))
        #expect(first.pathAndQuery == "/apis/ipam.swift-ipam.io/v1alpha1/ippools?limit=500")
        // Continue tokens are base64: `+`, `/` and `=` must survive the query.
        let next = pools.list(ListOptions(limit: 500, continueToken: "eyJ2IjoibWV0YS+rOHMuaW8vdjEi/Q=="))
        #expect(
            next.pathAndQuery
                == "/apis/ipam.swift-ipam.io/v1alpha1/ippools?limit=500&continue=eyJ2IjoibWV0YS%2BrOHMuaW8vdjEi%2FQ%3D%3D")
    }

    @Test func watchQuery() {
        let request = pods.watch(WatchOptions(resourceVersion: "4711", timeoutSeconds: 290))
        #expect(request.method == .get)
        #expect(request.isWatch)
        #expect(request.body == nil)
        #expect(
            request.pathAndQuery
                == "/api/v1/namespaces/shop/pods?watch=true&resourceVersion=4711&allowWatchBookmarks=true&timeoutSeconds=290"
        )
    }

    @Test func watchAcrossAllNamespacesWithSelectors() {
        let options = WatchOptions(
            labelSelector: "ipam.swift-ipam.io/pool in (blue,green)", fieldSelector: "spec.nodeName=node-1",
            resourceVersion: "0", allowWatchBookmarks: false)
        let request = allPods.watch(options)
        #expect(request.isWatch)
        #expect(
            request.queryPairs == [
                "watch=true", "labelSelector=ipam.swift-ipam.io/pool in (blue,green)",
                "fieldSelector=spec.nodeName=node-1", "resourceVersion=0",
            ])
        #expect(
            request.pathAndQuery
                == "/api/v1/pods?watch=true&labelSelector=ipam.swift-ipam.io%2Fpool%20in%20%28blue%2Cgreen%29"
                + "&fieldSelector=spec.nodeName%3Dnode-1&resourceVersion=0")
    }

    // MARK: Create

    @Test func createIntoTheObjectsNamespace() throws {
        let request = try allPods.create(Pod(metadata: ObjectMeta(name: "web-0", namespace: "shop")))
        #expect(request.method == .post)
        #expect(request.pathAndQuery == "/api/v1/namespaces/shop/pods")
        #expect(request.contentType == "application/json")
        #expect(request.bodyText == #"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"web-0","namespace":"shop"}}"#)
    }

    @Test func createIntoTheBuildersNamespaceWhenTheObjectHasNone() throws {
        #expect(try pods.create(Pod(metadata: ObjectMeta(name: "web-0"))).path == "/api/v1/namespaces/shop/pods")
        #expect(try pods.create(Pod(metadata: ObjectMeta(name: "web-0", namespace: ""))).path == "/api/v1/namespaces/shop/pods")
    }

    @Test func theObjectsNamespaceWinsOverTheBuilders() throws {
        let pod = Pod(metadata: ObjectMeta(name: "web-0", namespace: "other"))
        #expect(try pods.create(pod).path == "/api/v1/namespaces/other/pods")
        #expect(try pods.update(pod).path == "/api/v1/namespaces/other/pods/web-0")
    }

    @Test func createNeedsANamespaceForNamespacedKinds() {
        #expect(throws: RequestBuildError.namespaceRequired) { try allPods.create(Pod(metadata: ObjectMeta(name: "web-0"))) }
        #expect(throws: RequestBuildError.namespaceRequired) {
            try allPods.create(Pod(metadata: ObjectMeta(name: "web-0", namespace: "")))
        }
    }

    @Test func createNeedsNoNameWithGenerateName() throws {
        let request = try pods.create(Pod(metadata: ObjectMeta(generateName: "web-")))
        #expect(request.bodyText == #"{"apiVersion":"v1","kind":"Pod","metadata":{"generateName":"web-"}}"#)
    }

    @Test func createClusterScopedCustomObjectWithOptions() throws {
        let request = try pools.create(Self.pool, options: WriteOptions(fieldManager: "swift-ipam", dryRun: true))
        #expect(request.method == .post)
        #expect(request.pathAndQuery == "/apis/ipam.swift-ipam.io/v1alpha1/ippools?fieldManager=swift-ipam&dryRun=All")
        #expect(request.bodyText == Self.poolJSON)
    }

    // MARK: Update

    @Test func updateClusterScopedCustomObject() throws {
        let request = try pools.update(Self.pool)
        #expect(request.method == .put)
        #expect(request.pathAndQuery == "/apis/ipam.swift-ipam.io/v1alpha1/ippools/blue")
        #expect(request.contentType == "application/json")
        #expect(request.bodyText == Self.poolJSON)
    }

    @Test func updateNamespacedObject() throws {
        let lease = Lease(
            metadata: ObjectMeta(name: "swift-ipam", namespace: "kube-system", resourceVersion: "7"),
            spec: Lease.Spec(holderIdentity: "a", renewTime: Date(timeIntervalSince1970: 1_714_557_600.25)))
        let request = try ResourceRequests<Lease>().update(lease, options: WriteOptions(fieldManager: "swift-ipam"))
        #expect(request.pathAndQuery == "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/swift-ipam?fieldManager=swift-ipam")
        #expect(
            request.bodyText
                == """
                {"apiVersion":"coordination.k8s.io/v1","kind":"Lease",\
                "metadata":{"name":"swift-ipam","namespace":"kube-system","resourceVersion":"7"},\
                "spec":{"holderIdentity":"a","renewTime":"2024-05-01T10:00:00.250000Z"}}
                """)
    }

    @Test func updateUsesTheBuildersNamespaceWhenTheObjectHasNone() throws {
        #expect(try pods.update(Pod(metadata: ObjectMeta(name: "web-0"))).path == "/api/v1/namespaces/shop/pods/web-0")
    }

    @Test func updateNeedsANameAndANamespace() {
        #expect(throws: RequestBuildError.nameRequired) { try pools.update(TestIPPool(metadata: ObjectMeta())) }
        #expect(throws: RequestBuildError.nameRequired) { try pods.update(Pod(metadata: ObjectMeta(generateName: "web-"))) }
        #expect(throws: RequestBuildError.namespaceRequired) { try allPods.update(Pod(metadata: ObjectMeta(name: "web-0"))) }
        #expect(throws: RequestBuildError.namespaceRequired) {
            try allPods.updateStatus(Pod(metadata: ObjectMeta(name: "web-0")))
        }
    }

    @Test func updateStatusAddressesTheSubresource() throws {
        let pool = TestIPPool(metadata: ObjectMeta(name: "blue", resourceVersion: "43"), status: .init(allocated: 3))
        let request = try pools.updateStatus(pool)
        #expect(request.method == .put)
        #expect(request.pathAndQuery == "/apis/ipam.swift-ipam.io/v1alpha1/ippools/blue/status")
        #expect(
            request.bodyText
                == #"{"apiVersion":"ipam.swift-ipam.io/v1alpha1","kind":"IPPool","metadata":{"name":"blue","resourceVersion":"43"},"status":{"allocated":3}}"#
        )
        #expect(
            try allPods.updateStatus(Pod(metadata: ObjectMeta(name: "web-0", namespace: "shop"))).path
                == "/api/v1/namespaces/shop/pods/web-0/status")
    }

    // MARK: Patch

    static let annotationPatch = Data(#"{"metadata":{"annotations":{"ipam.swift-ipam.io/address":"10.0.0.7"}}}"#.utf8)

    @Test func mergePatch() throws {
        let request = try pods.patch("web-0", .merge(JSONBody(data: Self.annotationPatch)))
        #expect(request.method == .patch)
        #expect(request.pathAndQuery == "/api/v1/namespaces/shop/pods/web-0")
        #expect(request.contentType == "application/merge-patch+json")
        #expect(request.body == Self.annotationPatch)
    }

    @Test func mergePatchOfTheStatusWithOptions() throws {
        let body = try JSONBody(encoding: ["status": ["allocated": 4]])
        let request = try pools.patch(
            "blue", .merge(body), status: true, options: WriteOptions(fieldManager: "swift-ipam", dryRun: true))
        #expect(request.pathAndQuery == "/apis/ipam.swift-ipam.io/v1alpha1/ippools/blue/status?fieldManager=swift-ipam&dryRun=All")
        #expect(request.bodyText == #"{"status":{"allocated":4}}"#)
    }

    @Test func forcedServerSideApply() throws {
        let body = try JSONBody(encoding: Self.pool)
        let request = try pools.patch("blue", .apply(body, force: true), options: WriteOptions(fieldManager: "swift-ipam"))
        #expect(request.method == .patch)
        #expect(request.pathAndQuery == "/apis/ipam.swift-ipam.io/v1alpha1/ippools/blue?fieldManager=swift-ipam&force=true")
        #expect(request.contentType == "application/apply-patch+yaml")
        #expect(request.bodyText == Self.poolJSON)
    }

    @Test func serverSideApplyWithoutForce() throws {
        let body = try JSONBody(encoding: Self.pool)
        let request = try pools.patch(
            "blue", .apply(body, force: false), status: true, options: WriteOptions(fieldManager: "swift-ipam"))
        #expect(request.pathAndQuery == "/apis/ipam.swift-ipam.io/v1alpha1/ippools/blue/status?fieldManager=swift-ipam")
        #expect(request.contentType == "application/apply-patch+yaml")
    }

    @Test func serverSideApplyNeedsAFieldManager() throws {
        let body = try JSONBody(encoding: Self.pool)
        #expect(throws: RequestBuildError.fieldManagerRequired) { try pools.patch("blue", .apply(body, force: true)) }
        #expect(throws: RequestBuildError.fieldManagerRequired) { try pools.patch("blue", .apply(body, force: false)) }
    }

    @Test func patchNeedsANameAndANamespace() {
        let patch = Patch.merge(JSONBody(data: Self.annotationPatch))
        #expect(throws: RequestBuildError.nameRequired) { try pods.patch("", patch) }
        #expect(throws: RequestBuildError.namespaceRequired) { try allPods.patch("web-0", patch) }
    }

    // MARK: Delete

    @Test func plainDeleteHasNoBody() throws {
        let request = try pods.delete("web-0")
        #expect(request.method == .delete)
        #expect(request.pathAndQuery == "/api/v1/namespaces/shop/pods/web-0")
        #expect(request.body == nil)
        #expect(request.contentType == nil)
    }

    @Test func deleteWithPreconditionsAndPropagationPolicy() throws {
        let options = DeleteOptions(
            preconditions: .init(uid: "uid-1", resourceVersion: "4711"), propagationPolicy: .foreground)
        let request = try pools.delete("blue", options: options)
        #expect(request.method == .delete)
        #expect(request.pathAndQuery == "/apis/ipam.swift-ipam.io/v1alpha1/ippools/blue")
        #expect(request.contentType == "application/json")
        #expect(
            request.bodyText
                == """
                {"apiVersion":"v1","kind":"DeleteOptions",\
                "preconditions":{"resourceVersion":"4711","uid":"uid-1"},"propagationPolicy":"Foreground"}
                """)
    }

    @Test func deleteWithOnlyAPropagationPolicy() throws {
        let request = try pods.delete("web-0", options: DeleteOptions(propagationPolicy: .background))
        #expect(request.bodyText == #"{"apiVersion":"v1","kind":"DeleteOptions","propagationPolicy":"Background"}"#)
    }

    @Test func aZeroGracePeriodIsSentNotOmitted() throws {
        let request = try pods.delete("web-0", options: DeleteOptions(gracePeriodSeconds: 0))
        #expect(request.bodyText == #"{"apiVersion":"v1","gracePeriodSeconds":0,"kind":"DeleteOptions"}"#)
    }

    @Test func deleteNeedsANameSoItCannotBecomeADeleteCollection() {
        #expect(throws: RequestBuildError.nameRequired) { try pools.delete("") }
        #expect(throws: RequestBuildError.nameRequired) {
            try pods.delete("", options: DeleteOptions(propagationPolicy: .orphan))
        }
        #expect(throws: RequestBuildError.namespaceRequired) { try allPods.delete("web-0") }
    }

    // MARK: Idempotency of what is built

    @Test func builtRequestsSayWhetherTheyMayBeRetried() throws {
        #expect(try pods.get("web-0").isIdempotent)
        #expect(pods.list().isIdempotent)
        #expect(pods.watch(WatchOptions()).isIdempotent)
        #expect(try pools.update(Self.pool).isIdempotent)
        #expect(try pools.updateStatus(Self.pool).isIdempotent)
        #expect(try pools.delete("blue").isIdempotent)
        #expect(try !pools.create(Self.pool).isIdempotent)
        #expect(try !pools.patch("blue", .merge(JSONBody(data: Data("{}".utf8)))).isIdempotent)
    }
}
