import KubernetesCore
import NIOHTTP1

/// A complete (non-streaming) answer.
struct HTTPResponse: Sendable {
    var status: HTTPResponseStatus
    var headers: HTTPHeaders
    var body: [UInt8]

    static func json(_ value: JSONValue, status: HTTPResponseStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["content-type": "application/json"], body: value.serialized())
    }

    /// A `metav1.Status` body with the error's code, and `Retry-After` when it has one.
    static func error(_ error: FakeAPIError) -> HTTPResponse {
        var response = json(Self.encode(error.status), status: HTTPResponseStatus(statusCode: error.code))
        if let retryAfter = error.retryAfterSeconds {
            response.headers.add(name: "retry-after", value: String(retryAfter))
        }
        return response
    }

    static func encode(_ status: Status) -> JSONValue {
        // Status is a plain Codable value; encoding it cannot fail.
        (try? JSONValue(encoding: status)) ?? ["kind": "Status", "apiVersion": "v1", "status": "Failure"]
    }
}
