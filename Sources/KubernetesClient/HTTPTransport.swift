public import KubernetesCore
import NIOCore

/// The one seam between the client and the network: send a built request,
/// get the response head and a streaming body.
///
/// ``AsyncHTTPClientTransport`` is the real implementation; tests may
/// provide their own. Implementations do not retry, rate-limit or
/// authenticate: ``KubernetesClient`` does, above this seam.
public protocol HTTPTransport: Sendable {
    /// Sends `request` with `headers` and returns once the response head has
    /// arrived (or `timeout` passed). The body then streams without a deadline,
    /// which watches need; whoever reads it bounds it.
    func execute(
        _ request: APIRequest, headers: [String: String], timeout: Duration
    ) async throws(TransportError) -> TransportResponse

    /// Closes connections; the transport is unusable afterwards.
    func shutdown() async throws
}

/// A response head and its streaming body.
public struct TransportResponse: Sendable {
    public var status: Int
    /// Header fields with lower-cased names (the last value wins).
    public var headers: [String: String]
    public var body: TransportBody

    public init(status: Int, headers: [String: String], body: TransportBody) {
        self.status = status
        self.headers = headers
        self.body = body
    }
}

/// The network failed before an HTTP response arrived (connection refused or
/// reset, TLS failure, timeout), or while its body streamed.
///
/// Distinct from an API error (``KubernetesError``'s `.api`), which is a
/// response the server did send.
public struct TransportError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What failed, without request bodies or credentials.
    public let message: String
    /// Whether the request certainly did not reach the server (so even a POST may be retried).
    public let requestNotSent: Bool

    public init(_ message: String, requestNotSent: Bool = false) {
        self.message = message
        self.requestNotSent = requestNotSent
    }

    public var description: String { message }
}
