public import Foundation
public import KubernetesCore
public import Logging
import NIOSSL
import NIOCore

/// A client for one Kubernetes API server.
///
/// Flow of every request: wait for the client-side rate limit → add the
/// `Authorization` header from the credential provider → send through the
/// transport → on a non-2xx answer decode the server's `Status` into a
/// ``KubernetesError`` → retry per ``RetryPolicy`` (429 always, 5xx and
/// connection errors for idempotent requests) → after a 401, drop cached
/// credentials and try once more (rotated tokens, expired exec credentials).
///
/// Guarantees: a request is never retried when the server may have acted on
/// it and repeating could differ (POST/PATCH after a 5xx); secrets never
/// reach logs or errors.
///
/// Not guaranteed: ordering between concurrent requests; that a watch stays
/// open (servers end watches; ``WatchStream`` ends and the caller resumes).
///
/// Lifecycle: call ``shutdown()`` when done (or use
/// ``withClient(configuration:options:logger:_:)``).
public final class KubernetesClient: Sendable {
    /// Tuning of a client.
    public struct Options: Sendable {
        /// Client-side rate limit (requests per second; nil turns it off) and burst.
        public var qps: Double?
        public var burst: Int
        public var retry: RetryPolicy
        /// Deadline for a response head.
        public var requestTimeout: Duration
        /// Largest response body accepted for one object or list page.
        public var maximumResponseBytes: Int
        /// Receives every response code (and 0 for transport failures), for metrics.
        public var responseObserver: (@Sendable (_ method: String, _ code: Int) -> Void)?

        public init(
            qps: Double? = 50, burst: Int = 100, retry: RetryPolicy = .default, requestTimeout: Duration = .seconds(30),
            maximumResponseBytes: Int = 256 << 20, responseObserver: (@Sendable (String, Int) -> Void)? = nil
        ) {
            self.qps = qps
            self.burst = burst
            self.retry = retry
            self.requestTimeout = requestTimeout
            self.maximumResponseBytes = maximumResponseBytes
            self.responseObserver = responseObserver
        }
    }

    public let configuration: ClientConfiguration
    public let options: Options
    let transport: any HTTPTransport
    let credentials: any CredentialProvider
    let rateLimiter: RateLimiter<ContinuousClock>?
    let logger: Logger

    /// A client for `configuration`; `transport` defaults to AsyncHTTPClient with
    /// the configuration's TLS settings.
    public init(
        configuration: ClientConfiguration, options: Options = Options(), transport: (any HTTPTransport)? = nil,
        logger: Logger = Logger(label: "swift-ipam.kubernetes-client")
    ) throws(KubernetesError) {
        self.configuration = configuration
        self.options = options
        self.logger = logger
        self.credentials = configuration.credentials.makeProvider(logger: logger)
        if let qps = options.qps, qps > 0 {
            rateLimiter = RateLimiter(qps: qps, burst: max(1, options.burst))
        } else {
            rateLimiter = nil
        }
        if let transport {
            self.transport = transport
        } else {
            var tls: TLSConfiguration?
            if configuration.server.scheme?.lowercased() == "https" {
                do {
                    tls = try configuration.tls.makeNIOSSLConfiguration()
                } catch {
                    throw KubernetesError(.credentials("TLS settings: \(error)"), request: "configure")
                }
            }
            self.transport = AsyncHTTPClientTransport(
                baseURL: configuration.server, tlsConfiguration: tls, serverName: configuration.tls.serverName)
        }
    }

    /// Runs `body` with a client and shuts it down afterwards, also on error.
    public static func withClient<Result: Sendable>(
        configuration: ClientConfiguration, options: Options = Options(),
        logger: Logger = Logger(label: "swift-ipam.kubernetes-client"),
        _ body: (KubernetesClient) async throws -> Result
    ) async throws -> Result {
        let client = try KubernetesClient(configuration: configuration, options: options, logger: logger)
        do {
            let result = try await body(client)
            try await client.shutdown()
            return result
        } catch {
            try? await client.shutdown()
            throw error
        }
    }

    /// Closes all connections.
    public func shutdown() async throws {
        try await transport.shutdown()
    }

    /// Typed access to one kind, in `namespace` (or all namespaces / cluster-scoped when nil).
    public func resource<R: Resource>(_ type: R.Type, namespace: String? = nil) -> ResourceClient<R> {
        ResourceClient(client: self, namespace: namespace)
    }

    // MARK: Sending

    /// Sends `request` and returns the body of its 2xx response.
    public func send(_ request: APIRequest) async throws(KubernetesError) -> Data {
        let response = try await perform(request)
        do {
            let buffer = try await response.body.collect(upTo: options.maximumResponseBytes)
            return Data(buffer.readableBytesView)
        } catch {
            throw KubernetesError(.transport(error), request: Self.describe(request))
        }
    }

    /// Sends `request` and returns the streaming body of its 2xx response (watches).
    public func stream(_ request: APIRequest) async throws(KubernetesError) -> TransportBody {
        try await perform(request).body
    }

    /// The request loop: rate limit, credentials, send, classify, retry.
    private func perform(_ request: APIRequest) async throws(KubernetesError) -> TransportResponse {
        let description = Self.describe(request)
        var attempt = 0
        var refreshedCredentials = false
        while true {
            attempt += 1
            do {
                try await rateLimiter?.acquire()
            } catch {
                throw KubernetesError(.transport(TransportError("cancelled", requestNotSent: true)), request: description)
            }
            var headers = ["accept": "application/json", "user-agent": configuration.userAgent]
            if let contentType = request.contentType { headers["content-type"] = contentType }
            do {
                if let authorization = try await credentials.authorizationHeader() {
                    headers["authorization"] = authorization
                }
            } catch {
                throw KubernetesError(.credentials(error.description), request: description)
            }

            let failure: KubernetesError
            do {
                let response = try await transport.execute(request, headers: headers, timeout: options.requestTimeout)
                options.responseObserver?(request.method.rawValue, response.status)
                if (200..<300).contains(response.status) {
                    logger.trace("kubernetes request", metadata: ["request": "\(description)", "code": "\(response.status)"])
                    return response
                }
                failure = await apiError(response, request: description)
            } catch {
                options.responseObserver?(request.method.rawValue, 0)
                failure = KubernetesError(.transport(error), request: description)
            }

            if failure.isUnauthorized, !refreshedCredentials {
                refreshedCredentials = true
                await credentials.invalidate()
                logger.debug("401 from the API server; refreshing credentials", metadata: ["request": "\(description)"])
                continue
            }
            guard
                let delay = options.retry.delay(
                    after: failure, attempt: attempt, idempotent: request.isIdempotent, jitter: Double.random(in: 0...1))
            else { throw failure }
            logger.debug(
                "retrying kubernetes request",
                metadata: ["request": "\(description)", "attempt": "\(attempt)", "error": "\(failure)", "delay": "\(delay)"])
            do {
                try await Task.sleep(for: delay)
            } catch {
                throw failure
            }
        }
    }

    /// Decodes a non-2xx response into an API error, synthesizing a `Status`
    /// when the body is not one (proxies and load balancers answer in HTML).
    private func apiError(_ response: TransportResponse, request: String) async -> KubernetesError {
        let body = try? await response.body.collect(upTo: 1 << 20)
        var status = body.flatMap { try? KubernetesJSON.decoder().decode(Status.self, from: Data($0.readableBytesView)) }
        if status?.kind != "Status" { status = nil }
        let text = body.map { String(decoding: $0.readableBytesView.prefix(300), as: UTF8.self) } ?? ""
        let resolved = status ?? Status(status: "Failure", message: text.isEmpty ? nil : text, code: response.status)
        var retryAfter: Duration?
        if let header = response.headers["retry-after"], let seconds = Int(header.trimmingCharacters(in: .whitespaces)) {
            retryAfter = .seconds(max(0, seconds))
        } else if let seconds = resolved.details?.retryAfterSeconds {
            retryAfter = .seconds(max(0, seconds))
        }
        return KubernetesError(.api(code: response.status, status: resolved), request: request, retryAfter: retryAfter)
    }

    static func describe(_ request: APIRequest) -> String {
        "\(request.method.rawValue) \(request.path)"
    }
}
