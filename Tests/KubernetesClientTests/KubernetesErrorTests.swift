import KubernetesCore
import Testing

@testable import KubernetesClient

@Suite("KubernetesError")
struct KubernetesErrorTests {
    func error(_ code: Int, _ reason: StatusReason?) -> KubernetesError {
        KubernetesError(.api(code: code, status: Status(message: "m", reason: reason, code: code)), request: "GET /x")
    }

    @Test("classification follows the code and the Status reason")
    func classification() {
        #expect(error(404, .notFound).isNotFound)
        #expect(error(409, .alreadyExists).isAlreadyExists)
        #expect(!error(409, .alreadyExists).isConflict)
        #expect(error(409, .conflict).isConflict)
        #expect(!error(409, .conflict).isAlreadyExists)
        #expect(error(410, .expired).isGone)
        #expect(error(410, nil).isGone)
        #expect(error(429, .tooManyRequests).isTooManyRequests)
        #expect(error(403, .forbidden).isForbidden)
        #expect(error(401, .unauthorized).isUnauthorized)
        #expect(error(422, .invalid).isInvalid)
        #expect(error(503, .serviceUnavailable).isServerError)
        #expect(!error(404, .notFound).isServerError)
    }

    @Test("transport errors are not API errors")
    func transport() {
        let failure = KubernetesError(.transport(TransportError("connection refused")), request: "GET /x")
        #expect(failure.isTransport)
        #expect(failure.code == nil)
        #expect(!failure.isNotFound)
        #expect(failure.description.contains("connection refused"))
    }

    @Test("the description names the request, code, reason and message")
    func description() {
        let text = error(409, .conflict).description
        #expect(text.contains("GET /x"))
        #expect(text.contains("409"))
        #expect(text.contains("Conflict"))
    }
}
