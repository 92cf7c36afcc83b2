import Foundation
import KubernetesCore
import NIOCore
import Synchronization

@testable import KubernetesClient

/// A transport that answers from a script and records what it was asked:
/// the least powerful way to test the client's request loop.
final class ScriptedTransport: HTTPTransport {
    enum Answer: Sendable {
        case response(status: Int, headers: [String: String] = [:], body: String)
        case failure(TransportError)
    }

    private struct State {
        var answers: [Answer]
        var requests: [(APIRequest, [String: String])] = []
    }

    private let state: Mutex<State>

    init(_ answers: [Answer]) {
        state = Mutex(State(answers: answers))
    }

    /// Requests received so far, with their headers.
    var requests: [(APIRequest, [String: String])] { state.withLock { $0.requests } }

    func execute(
        _ request: APIRequest, headers: [String: String], timeout: Duration
    ) async throws(TransportError) -> TransportResponse {
        let answer: Answer = state.withLock { state in
            state.requests.append((request, headers))
            return state.answers.isEmpty ? .failure(TransportError("script exhausted")) : state.answers.removeFirst()
        }
        switch answer {
        case .response(let status, let headers, let body):
            return TransportResponse(status: status, headers: headers, body: TransportBody(ByteBuffer(string: body)))
        case .failure(let error):
            throw error
        }
    }

    func shutdown() async throws {}
}

/// A `Status` body as the API server writes it.
func statusBody(_ code: Int, _ reason: String, _ message: String = "m") -> String {
    #"{"kind":"Status","apiVersion":"v1","status":"Failure","message":"\#(message)","reason":"\#(reason)","code":\#(code)}"#
}

let namespaceBody = #"{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop","uid":"u1","resourceVersion":"3"}}"#

func scriptedClient(_ transport: ScriptedTransport, credentials: Credentials = .token("secret-token")) throws
    -> KubernetesClient
{
    try KubernetesClient(
        configuration: ClientConfiguration(server: URL(string: "https://api.test:6443")!, credentials: credentials),
        options: .init(qps: nil, retry: RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(1), maximumBackoff: .milliseconds(5))),
        transport: transport)
}
