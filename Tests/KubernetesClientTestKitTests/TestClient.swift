import AsyncHTTPClient
import Foundation
import KubernetesClientTestKit
import NIOSSL
import Testing

/// A raw HTTP client for the stand-in: sends exactly what a test says and returns status,
/// headers and the JSON body, so the tests see the wire protocol rather than a client library.
struct TestClient: Sendable {
    let http: HTTPClient
    let baseURL: String
    var token: String?
    /// How long one request may take; short for tests that expect a failure, because the
    /// HTTP client retries connection (and TLS handshake) errors until this deadline.
    var requestTimeout: Duration = .seconds(10)

    struct Response: Sendable {
        var status: Int
        var headers: [String: String]
        var body: JSONValue?
        var text: String

        /// `reason` of a `metav1.Status` body.
        var reason: String? { body?["reason"]?.stringValue }
        /// The object's `metadata.resourceVersion`.
        var resourceVersion: String? { body?["metadata"]?["resourceVersion"]?.stringValue }
    }

    func send(
        _ method: String, _ path: String, json: JSONValue? = nil, rawBody: String? = nil,
        contentType: String? = "application/json", headers: [String: String] = [:]
    ) async throws -> Response {
        var request = HTTPClientRequest(url: baseURL + path)
        request.method = .init(rawValue: method)
        if let token { request.headers.add(name: "authorization", value: "Bearer \(token)") }
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let bodyText = rawBody ?? json.map(\.description)
        if let bodyText {
            if let contentType { request.headers.add(name: "content-type", value: contentType) }
            request.body = .bytes(Array(bodyText.utf8))
        }
        let response = try await http.execute(request, timeout: .milliseconds(Int64(requestTimeout / .milliseconds(1))))
        let buffer = try await response.body.collect(upTo: 16 << 20)
        let bytes = Array(buffer.readableBytesView)
        var headerMap: [String: String] = [:]
        for header in response.headers { headerMap[header.name.lowercased()] = header.value }
        return Response(
            status: Int(response.status.code), headers: headerMap, body: try? JSONValue(parsing: bytes),
            text: String(decoding: bytes, as: UTF8.self))
    }

    func get(_ path: String) async throws -> Response { try await send("GET", path) }
    func post(_ path: String, _ json: JSONValue) async throws -> Response { try await send("POST", path, json: json) }
    func put(_ path: String, _ json: JSONValue) async throws -> Response { try await send("PUT", path, json: json) }
    func delete(_ path: String, _ json: JSONValue? = nil) async throws -> Response {
        try await send("DELETE", path, json: json)
    }
    func mergePatch(_ path: String, _ json: JSONValue) async throws -> Response {
        try await send("PATCH", path, json: json, contentType: "application/merge-patch+json")
    }
    func apply(_ path: String, _ json: JSONValue, fieldManager: String? = "tests") async throws -> Response {
        let query = fieldManager.map { (path.contains("?") ? "&" : "?") + "fieldManager=\($0)" } ?? ""
        return try await send("PATCH", path + query, json: json, contentType: "application/apply-patch+yaml")
    }

    /// Starts a watch; the caller reads events with ``WatchLines``. The request timeout covers
    /// only the response head: suites that watch carry a time limit so that a missing event
    /// fails the test instead of hanging it.
    func watch(_ path: String) async throws -> (status: Int, lines: WatchLines) {
        var request = HTTPClientRequest(url: baseURL + path)
        if let token { request.headers.add(name: "authorization", value: "Bearer \(token)") }
        let response = try await http.execute(request, timeout: .seconds(10))
        return (Int(response.status.code), WatchLines(body: response.body))
    }
}

/// Splits a watch response into its JSON lines.
struct WatchLines {
    private var iterator: HTTPClientResponse.Body.AsyncIterator
    private var buffer: [UInt8] = []

    init(body: HTTPClientResponse.Body) {
        iterator = body.makeAsyncIterator()
    }

    /// The next event, or `nil` when the server ended the stream cleanly. Throws when the
    /// connection broke mid-stream.
    mutating func next() async throws -> JSONValue? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return try JSONValue(parsing: line)
            }
            guard let chunk = try await iterator.next() else {
                #expect(buffer.isEmpty, "a partial line at the end of the stream")
                return nil
            }
            buffer.append(contentsOf: chunk.readableBytesView)
        }
    }

    /// The next event that is not a BOOKMARK.
    mutating func nextChange() async throws -> JSONValue? {
        while let event = try await next() {
            if event["type"] != "BOOKMARK" { return event }
        }
        return nil
    }
}

/// Runs `body` with a started server and a client for it; both always stop.
func withServer(
    _ configuration: FakeAPIServer.Configuration = .init(),
    token: String? = nil,
    _ body: (FakeAPIServer, TestClient) async throws -> Void
) async throws {
    try await FakeAPIServer.withRunning(configuration) { server async throws in
        var clientConfiguration = HTTPClient.Configuration()
        if let caPEM = server.caCertificatePEM {
            var tls = TLSConfiguration.makeClientConfiguration()
            tls.trustRoots = .certificates([try NIOSSLCertificate(bytes: Array(caPEM.utf8), format: .pem)])
            clientConfiguration.tlsConfiguration = tls
        }
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        do {
            try await body(server, TestClient(http: http, baseURL: server.baseURL.absoluteString, token: token))
        } catch {
            try? await http.shutdown()
            throw error
        }
        try await http.shutdown()
    }
}

/// Object builders for the tests.
enum Fixture {
    static let podsPath = "/api/v1/namespaces/default/pods"
    static let leasesPath = "/apis/coordination.k8s.io/v1/namespaces/default/leases"
    static let widgetsPath = "/apis/example.com/v1/widgets"

    /// A cluster-scoped custom kind with a status subresource and a selectable `spec.pool`.
    static let widgets = ResourceRegistration(
        group: "example.com", version: "v1", kind: "Widget", plural: "widgets", namespaced: false,
        statusSubresource: true, selectableFields: ["spec.pool", "spec.claimRef.uid"])

    /// A namespaced custom kind without a status subresource.
    static let gadgets = ResourceRegistration(
        group: "example.com", version: "v1", kind: "Gadget", plural: "gadgets", namespaced: true)

    static func pod(_ name: String, labels: [String: String] = [:], extra: [String: JSONValue] = [:]) -> JSONValue {
        var metadata: [String: JSONValue] = ["name": .string(name)]
        if !labels.isEmpty { metadata["labels"] = .object(labels.mapValues { .string($0) }) }
        var object: [String: JSONValue] = [
            "apiVersion": "v1", "kind": "Pod", "metadata": .object(metadata),
            "spec": ["containers": [["name": "app", "image": "nginx"]]],
        ]
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }

    static func widget(_ name: String, pool: String = "blue", metadata: [String: JSONValue] = [:]) -> JSONValue {
        var meta = metadata
        meta["name"] = .string(name)
        return ["apiVersion": "example.com/v1", "kind": "Widget", "metadata": .object(meta), "spec": ["pool": .string(pool)]]
    }

    static func configuration(_ extra: [ResourceRegistration] = [widgets, gadgets]) -> FakeAPIServer.Configuration {
        FakeAPIServer.Configuration(resources: ResourceRegistration.coreKinds + extra)
    }
}
