import KubernetesCore
import Testing

@testable import KubernetesClient

@Suite("RetryPolicy")
struct RetryPolicyTests {
    let policy = RetryPolicy(maxAttempts: 4, initialBackoff: .milliseconds(100), maximumBackoff: .seconds(1))

    func apiError(_ code: Int, retryAfter: Duration? = nil) -> KubernetesError {
        KubernetesError(.api(code: code, status: Status(code: code)), request: "GET /x", retryAfter: retryAfter)
    }

    @Test("which failures are retried", arguments: [
        (429, false, true), (429, true, true),
        (500, true, true), (502, true, true), (503, true, true), (504, true, true),
        (500, false, false), (503, false, false),
        (400, true, false), (401, true, false), (403, true, false), (404, true, false),
        (409, true, false), (410, true, false), (422, true, false),
    ])
    func retryable(code: Int, idempotent: Bool, expected: Bool) {
        let delay = policy.delay(after: apiError(code), attempt: 1, idempotent: idempotent, jitter: 1)
        #expect((delay != nil) == expected, "code \(code) idempotent \(idempotent)")
    }

    @Test("transport errors: retried when idempotent or certainly not sent")
    func transport() {
        let maybeSent = KubernetesError(.transport(TransportError("reset")), request: "POST /x")
        let notSent = KubernetesError(.transport(TransportError("refused", requestNotSent: true)), request: "POST /x")
        #expect(policy.delay(after: maybeSent, attempt: 1, idempotent: false, jitter: 1) == nil)
        #expect(policy.delay(after: maybeSent, attempt: 1, idempotent: true, jitter: 1) != nil)
        #expect(policy.delay(after: notSent, attempt: 1, idempotent: false, jitter: 1) != nil)
    }

    @Test("capped exponential backoff, scaled by jitter")
    func backoff() {
        let error = apiError(503)
        #expect(policy.delay(after: error, attempt: 1, idempotent: true, jitter: 1) == .milliseconds(100))
        #expect(policy.delay(after: error, attempt: 2, idempotent: true, jitter: 1) == .milliseconds(200))
        #expect(policy.delay(after: error, attempt: 3, idempotent: true, jitter: 1) == .milliseconds(400))
        #expect(policy.delay(after: error, attempt: 3, idempotent: true, jitter: 0.5) == .milliseconds(200))
        let long = RetryPolicy(maxAttempts: 20, initialBackoff: .milliseconds(100), maximumBackoff: .seconds(1))
        #expect(long.delay(after: error, attempt: 10, idempotent: true, jitter: 1) == .seconds(1))
    }

    @Test("no retry once maxAttempts is reached; RetryPolicy.none never retries")
    func attempts() {
        #expect(policy.delay(after: apiError(503), attempt: 4, idempotent: true, jitter: 1) == nil)
        #expect(RetryPolicy.none.delay(after: apiError(429), attempt: 1, idempotent: true, jitter: 1) == nil)
    }

    @Test("Retry-After wins over the computed backoff")
    func retryAfter() {
        let error = apiError(429, retryAfter: .seconds(2))
        #expect(policy.delay(after: error, attempt: 1, idempotent: false, jitter: 0) == .seconds(2))
    }
}
