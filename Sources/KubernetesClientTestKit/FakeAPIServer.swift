public import Foundation
public import KubernetesCore
import Logging

/// An in-process stand-in for the Kubernetes API server, speaking its REST protocol over real
/// HTTP/1.1 (optionally TLS) on `127.0.0.1`, so a client's whole stack — URL building,
/// authentication, TLS, JSON, error decoding, watch streaming, retries — runs in tests.
///
/// ```swift
/// try await FakeAPIServer.withRunning(.init(bearerTokens: ["t0ken": "alice"], requiresAuthentication: true)) { server in
///     await server.register(IPPool.self, statusSubresource: true)
///     // point a client at server.baseURL with "Bearer t0ken" …
/// }
/// ```
///
/// ## Flow
/// 1. ``withRunning(_:isolation:_:)`` generates certificates (TLS mode), binds an ephemeral port,
///    serves connections in a task group while the closure runs, and on return cancels that
///    group: every connection (streaming watches included) is closed before it returns.
/// 2. Each request is authenticated (client certificate, then bearer token), resolved to a
///    registered resource and a Kubernetes verb, delayed by matching latency rules, failed by a
///    matching injected failure, or else served by the store. Every answer is recorded in
///    ``requests``.
/// 3. The store is an actor holding objects as ``JSONValue``, with one global resourceVersion;
///    each write is recorded in its kind's bounded history and fanned out to open watches in the
///    same step.
///
/// ## Guarantees (what a controller relies on, as the real server does it)
/// - Paths: `/api/v1/…` and `/apis/GROUP/VERSION/…`, namespaced (`/namespaces/NS/PLURAL[/NAME[/status]]`)
///   and cluster-scoped; list and watch of a namespaced kind across namespaces (`/PLURAL`).
/// - One global, increasing resourceVersion (decimal string, but opaque to clients); the server
///   sets `uid`, `creationTimestamp`, `generation` (1 on create, +1 when anything but metadata —
///   and status, for kinds with the status subresource — changes, and when `deletionTimestamp`
///   is set), `resourceVersion`. `generateName` is supported.
/// - A write that changes nothing is not a write: same resourceVersion, no watch event.
/// - Codes and `metav1.Status` reasons: 201 on create; 404 `NotFound`; 409 `AlreadyExists`;
///   409 `Conflict` for a stale `metadata.resourceVersion`/`uid` on update or failed delete
///   preconditions; 422 `Invalid` for a missing name, invalid names, labels, annotations,
///   finalizers or owner references, and new finalizers on an object being deleted;
///   400 `BadRequest` for bodies that are not JSON or not objects, an `apiVersion`/`kind`/name/namespace
///   that contradicts the URL (as the real server: these are decoding errors, not validation);
///   405, 413, 415 (strategic merge patch, JSON patch, YAML/protobuf bodies); 401 `Unauthorized`;
///   410 `Expired` for expired continue tokens and, inside the watch stream, too-old watch versions.
/// - Status subresource (per registration): `PUT/PATCH …/status` changes only `status`; writes of
///   the object keep the stored `status`; `status` is dropped on create.
/// - Finalizers: DELETE of an object with finalizers sets `deletionTimestamp` and
///   `deletionGracePeriodSeconds: 0` and answers 200 with the object; it is removed by the write
///   that empties `finalizers`. DELETE `preconditions` (`uid`, `resourceVersion`) are enforced.
/// - Garbage collection by owner UID when an owner is removed (unless `Orphan`), with a switch
///   (``setGarbageCollectorEnabled(_:)``) to model a lagging collector.
/// - List: label selectors (full syntax), field selectors (`metadata.name`, `metadata.namespace`
///   and the registration's ``ResourceRegistration/selectableFields``; `=`, `==`, `!=`), `limit`
///   and opaque `continue` tokens, ordered by namespace then name, `metadata.resourceVersion` = the
///   current global version.
/// - Watch: from a resourceVersion (or from "now" with synthetic `ADDED` events for `""`/`"0"`),
///   bounded history (``Configuration/watchHistoryLimit`` events per kind) and an `ERROR` event with
///   410 `Expired` for a version older than that; selectors (an object that starts or stops
///   matching is sent as `ADDED`/`DELETED`); `allowWatchBookmarks` bookmarks every
///   ``Configuration/bookmarkInterval``; `timeoutSeconds` ends the stream cleanly. One JSON event per
///   line, chunked, flushed per event; `DELETED` carries the last state.
/// - JSON merge patch (RFC 7386) and server-side apply (JSON bodies, `fieldManager` required),
///   on the object and its status.
///
/// ## Gaps — how it differs from a real API server
/// "When in doubt, test against a real cluster" (kind, envtest): this is a fake.
/// - No admission (no webhooks, no built-in admission such as NamespaceLifecycle: namespaces
///   need not exist, and a terminating namespace accepts objects), no RBAC (every authenticated
///   user may do everything), no API priority and fairness except injected 429s.
/// - No schema: no CRD OpenAPI validation, pruning or defaulting, no CEL rules, no
///   kind-specific validation (Pod specs are not checked), no immutability rules beyond metadata;
///   unknown fields are kept.
/// - Server-side apply is a merge: no `managedFields`, no field ownership, no conflicts (`force`
///   is accepted and ignored), fields dropped from an apply configuration are not removed, lists
///   are replaced rather than merged by key. YAML apply bodies are refused (send JSON).
/// - No strategic merge patch and no JSON patch (415), no protobuf, no `Table` output, no
///   discovery (`/api`, `/apis`, `/version`, OpenAPI), no `deletecollection` (405), no `dryRun`
///   other than `All`, no subresources but `status` (no `scale`, `eviction`, `binding`, `log`).
/// - Field selectors only on the registered fields; no escapes (`\,`) in values. `limit` pages
///   are read from the current state, not a snapshot at the first page's version (the list's
///   `resourceVersion` is the first page's). `resourceVersion`/`resourceVersionMatch` on list are
///   ignored: a list is always the latest state.
/// - Watch: no `sendInitialEvents`/watch-list, no initial-events-end bookmark, bookmarks are
///   periodic at a test-friendly interval rather than about once a minute; a watch from a
///   version in the future waits for it instead of failing after a few seconds; no default
///   server-side timeout (a watch lasts until `timeoutSeconds`, the client, a drop or shutdown).
/// - Garbage collector: synchronous and by UID only (kind and name of the reference are not
///   checked); `Foreground` behaves as `Background`; `blockOwnerDeletion` is ignored; a dependent
///   whose owner never existed is collected only by a full pass (``collectGarbage()``, or
///   re-enabling the collector), not shortly after it is created.
/// - Deletion: no graceful deletion of Pods (no kubelet): objects without finalizers go at once;
///   `gracePeriodSeconds` is ignored. Namespaces do not delete their contents.
/// - Continue tokens do not expire with time, only with ``compactHistory()``.
/// - Authentication: static bearer tokens and client certificates of the generated CA only (no
///   OIDC, webhook token review, service-account token validation or impersonation); TLS 1.2+
///   with P-256 certificates (no RSA option).
/// - HTTP/1.1 only (no HTTP/2); one process; no persistence across runs.
public final class FakeAPIServer: Sendable {
    /// The configuration the server was started with.
    public let configuration: Configuration
    /// `http://127.0.0.1:PORT` or `https://127.0.0.1:PORT`; no trailing slash.
    public let baseURL: URL
    /// The port the server listens on (ephemeral).
    public let port: Int
    /// The generated CA and certificates, in TLS mode; `nil` for plain HTTP.
    public let certificateAuthority: TestCertificateAuthority?

    let store: ObjectStore
    let authenticator: Authenticator
    let faults = FaultInjector()
    let requestLog = RequestLog()
    let logger: Logger

    init(configuration: Configuration, port: Int, certificateAuthority: TestCertificateAuthority?) {
        self.configuration = configuration
        self.port = port
        self.certificateAuthority = certificateAuthority
        let scheme = certificateAuthority == nil ? "http" : "https"
        // Built from an integer port and a fixed host, this URL string is always valid.
        self.baseURL = URL(string: "\(scheme)://127.0.0.1:\(port)") ?? URL(fileURLWithPath: "/")
        self.store = ObjectStore(
            registrations: configuration.resources, historyLimit: configuration.watchHistoryLimit,
            garbageCollectorEnabled: configuration.isGarbageCollectorEnabled)
        self.authenticator = Authenticator(
            tokens: configuration.bearerTokens, requiresAuthentication: configuration.requiresAuthentication)
        self.logger = configuration.logger
    }

    // MARK: Credentials

    /// The CA certificate clients must trust, PEM; `nil` for plain HTTP.
    public var caCertificatePEM: String? { certificateAuthority?.caCertificatePEM }
    /// A client certificate of the generated CA for ``Configuration/clientCertificateUser``, PEM.
    public var clientCertificatePEM: String? { certificateAuthority?.clientCertificatePEM }
    /// The private key of ``clientCertificatePEM``, PEM (SEC 1 / PKCS#8 as swift-crypto writes it).
    public var clientPrivateKeyPEM: String? { certificateAuthority?.clientPrivateKeyPEM }

    /// The accepted bearer tokens, each with the user it authenticates as.
    public var bearerTokens: [String: String] { authenticator.bearerTokens }

    /// Replaces the accepted bearer tokens at once, e.g. to test token rotation: requests with a
    /// token no longer listed get 401 from the next request on.
    public func setBearerTokens(_ tokens: [String: String]) {
        authenticator.bearerTokens = tokens
    }

    // MARK: Registration

    /// Serves a kind from now on; see ``ResourceRegistration``.
    public func register(_ registration: ResourceRegistration) async {
        await store.register(registration)
    }

    /// Serves a kind given by its parts.
    public func register(
        group: String, version: String, kind: String, plural: String, namespaced: Bool, statusSubresource: Bool,
        selectableFields: [String] = [], deleteReturnsObject: Bool = false
    ) async {
        await register(
            ResourceRegistration(
                group: group, version: version, kind: kind, plural: plural, namespaced: namespaced,
                statusSubresource: statusSubresource, selectableFields: selectableFields,
                deleteReturnsObject: deleteReturnsObject))
    }

    /// Serves the kind of a ``KubernetesCore/Resource`` type.
    public func register<R: Resource>(_ type: R.Type, statusSubresource: Bool, selectableFields: [String] = []) async {
        await register(ResourceRegistration(type, statusSubresource: statusSubresource, selectableFields: selectableFields))
    }

    // MARK: Request log

    /// Every request answered so far, oldest first (including 401s and injected failures).
    public var requests: [RecordedRequest] { requestLog.all }

    /// Forgets the requests recorded so far.
    public func clearRequestLog() {
        requestLog.clear()
    }
}
