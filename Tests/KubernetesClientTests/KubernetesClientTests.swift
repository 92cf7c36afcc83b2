import Foundation
import KubernetesCore
import Testing

@testable import KubernetesClient

@Suite("KubernetesClient request loop")
struct KubernetesClientTests {
    @Test("sends the bearer token, accept and user agent; decodes the object")
    func headersAndDecoding() async throws {
        let transport = ScriptedTransport([.response(status: 200, body: namespaceBody)])
        let client = try scriptedClient(transport)
        let namespace = try await client.resource(Namespace.self).get("shop")
        #expect(namespace.metadata.uid == "u1")
        let (request, headers) = try #require(transport.requests.first)
        #expect(request.path == "/api/v1/namespaces/shop")
        #expect(headers["authorization"] == "Bearer secret-token")
        #expect(headers["accept"] == "application/json")
        #expect(headers["user-agent"] == "swift-ipam")
    }

    @Test("an API error keeps the server's Status and is classified")
    func apiError() async throws {
        let transport = ScriptedTransport([.response(status: 404, body: statusBody(404, "NotFound", "namespace x not found"))])
        let client = try scriptedClient(transport)
        do {
            _ = try await client.resource(Namespace.self).get("x")
            Issue.record("expected an error")
        } catch {
            #expect(error.isNotFound)
            #expect(error.status?.message == "namespace x not found")
            #expect(!error.description.contains("secret-token"))
        }
        #expect(transport.requests.count == 1, "404 is not retried")
    }

    @Test("a GET is retried after 503 and a connection error, then succeeds")
    func retriesIdempotent() async throws {
        let transport = ScriptedTransport([
            .response(status: 503, body: statusBody(503, "ServiceUnavailable")),
            .failure(TransportError("connection reset")),
            .response(status: 200, body: namespaceBody),
        ])
        let client = try scriptedClient(transport)
        _ = try await client.resource(Namespace.self).get("shop")
        #expect(transport.requests.count == 3)
    }

    @Test("a POST is not retried after 503 (the server may have acted on it)")
    func noRetryForPost() async throws {
        let transport = ScriptedTransport([
            .response(status: 503, body: statusBody(503, "ServiceUnavailable")),
            .response(status: 201, body: namespaceBody),
        ])
        let client = try scriptedClient(transport)
        await #expect(throws: KubernetesError.self) {
            _ = try await client.resource(Namespace.self).create(Namespace(metadata: ObjectMeta(name: "shop")))
        }
        #expect(transport.requests.count == 1)
    }

    @Test("429 is retried for any method, after Retry-After")
    func tooManyRequests() async throws {
        let transport = ScriptedTransport([
            .response(status: 429, headers: ["retry-after": "0"], body: statusBody(429, "TooManyRequests")),
            .response(status: 201, body: namespaceBody),
        ])
        let client = try scriptedClient(transport)
        _ = try await client.resource(Namespace.self).create(Namespace(metadata: ObjectMeta(name: "shop")))
        #expect(transport.requests.count == 2)
        #expect(transport.requests.allSatisfy { $0.0.method == .post })
    }

    @Test("after a 401 credentials are refreshed and the request is sent once more, not forever")
    func unauthorizedOnce() async throws {
        let transport = ScriptedTransport(Array(repeating: .response(status: 401, body: statusBody(401, "Unauthorized")), count: 5))
        let client = try scriptedClient(transport)
        await #expect(throws: KubernetesError.self) { _ = try await client.resource(Namespace.self).get("shop") }
        #expect(transport.requests.count == 2)
    }

    @Test("retries stop at maxAttempts")
    func maxAttempts() async throws {
        let transport = ScriptedTransport(Array(repeating: .response(status: 500, body: statusBody(500, "InternalError")), count: 10))
        let client = try scriptedClient(transport)
        await #expect(throws: KubernetesError.self) { _ = try await client.resource(Namespace.self).get("shop") }
        #expect(transport.requests.count == 3)
    }

    @Test("a non-Status error body (a proxy's HTML) still gives a typed error with the code")
    func htmlError() async throws {
        let transport = ScriptedTransport([.response(status: 403, body: "<html>forbidden by proxy</html>")])
        let client = try scriptedClient(transport)
        do {
            _ = try await client.resource(Namespace.self).get("shop")
            Issue.record("expected an error")
        } catch {
            #expect(error.isForbidden)
            #expect(error.status?.message?.contains("forbidden by proxy") == true)
        }
    }

    @Test("delete returns nil when the server answers with a success Status, the object while finalizers hold it")
    func deleteResults() async throws {
        let gone = #"{"kind":"Status","apiVersion":"v1","status":"Success","code":200}"#
        let pending = #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop","deletionTimestamp":"2024-01-01T00:00:00Z","finalizers":["x"]}}"#
        let transport = ScriptedTransport([.response(status: 200, body: gone), .response(status: 200, body: pending)])
        let client = try scriptedClient(transport)
        let namespaces = client.resource(Namespace.self)
        #expect(try await namespaces.delete("shop") == nil)
        let held = try await namespaces.delete("shop", options: DeleteOptions(preconditions: .init(uid: "u1")))
        #expect(held?.metadata.deletionTimestamp != nil)
        let body = try #require(transport.requests.last?.0.body)
        #expect(String(decoding: body, as: UTF8.self).contains(#""uid":"u1""#))
    }

    @Test("the response observer sees every attempt's code, and 0 for transport failures")
    func observer() async throws {
        let seen = Mutex<[Int]>([])
        let transport = ScriptedTransport([.failure(TransportError("reset")), .response(status: 200, body: namespaceBody)])
        let client = try KubernetesClient(
            configuration: ClientConfiguration(server: URL(string: "https://api.test")!),
            options: .init(
                qps: nil, retry: RetryPolicy(maxAttempts: 2, initialBackoff: .milliseconds(1)),
                responseObserver: { _, code in seen.withLock { $0.append(code) } }),
            transport: transport)
        _ = try await client.resource(Namespace.self).get("shop")
        #expect(seen.withLock { $0 } == [0, 200])
    }
}

import Synchronization
