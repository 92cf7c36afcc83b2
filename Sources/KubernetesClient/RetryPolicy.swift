/// When a failed request is sent again, and after how long.
///
/// Retried:
/// - 429 Too Many Requests, for any method (the server did not act on it),
///   after its `Retry-After` when given;
/// - connection errors and 500/502/503/504, only for idempotent requests
///   (GET, PUT, DELETE), or for any request known not to have been sent.
///
/// Never retried: other 4xx (the request itself is wrong, or lost a race:
/// the caller must decide), and anything once `maxAttempts` is reached.
/// Backoff is capped exponential with full jitter, as client-go and the AWS
/// architecture guidance recommend, so many clients do not retry in step.
public struct RetryPolicy: Sendable, Hashable {
    /// Total attempts including the first; 1 disables retries.
    public var maxAttempts: Int
    public var initialBackoff: Duration
    public var maximumBackoff: Duration

    public init(maxAttempts: Int = 5, initialBackoff: Duration = .milliseconds(100), maximumBackoff: Duration = .seconds(5)) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.maximumBackoff = maximumBackoff
    }

    public static let `default` = RetryPolicy()
    public static let none = RetryPolicy(maxAttempts: 1)

    /// How long to wait before attempt `attempt + 1` after `error`, or `nil` not to retry.
    ///
    /// - Parameters:
    ///   - attempt: the attempt that just failed, from 1.
    ///   - idempotent: whether repeating the request cannot change the outcome.
    ///   - jitter: a value in 0...1 (random in production, fixed in tests).
    public func delay(after error: KubernetesError, attempt: Int, idempotent: Bool, jitter: Double) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        let retryable: Bool
        switch error.kind {
        case .api(let code, _):
            retryable = code == 429 || (idempotent && [500, 502, 503, 504].contains(code))
        case .transport(let transport):
            retryable = idempotent || transport.requestNotSent
        case .decoding, .invalidRequest, .credentials:
            retryable = false
        }
        guard retryable else { return nil }
        if let retryAfter = error.retryAfter { return min(retryAfter, maximumBackoff * 6) }
        let exponent = min(attempt - 1, 30)
        let ceiling = min(initialBackoff * (1 << exponent), maximumBackoff)
        return ceiling * max(0, min(1, jitter))
    }
}
