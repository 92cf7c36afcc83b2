import AsyncHTTPClient
public import Foundation
public import KubernetesCore
import NIOCore
import NIOPosix
import NIOHTTP1
public import NIOSSL

/// ``HTTPTransport`` over AsyncHTTPClient, with TLS from NIOSSL.
///
/// Two connection pools: ordinary requests have a read timeout, watches have
/// none (a quiet watch is healthy; a read timeout would cut it). Redirects
/// are refused, as client-go refuses them for API requests.
public final class AsyncHTTPClientTransport: HTTPTransport {
    private let baseURL: URL
    private let requestClient: HTTPClient
    private let watchClient: HTTPClient

    /// - Parameters:
    ///   - baseURL: the API server, e.g. `https://10.96.0.1:443`.
    ///   - tlsConfiguration: the client TLS settings; `nil` for plain HTTP
    ///     (tests against the local stand-in only).
    ///   - serverName: the name to expect in the server's certificate and send
    ///     as SNI (kubeconfig `tls-server-name`), when it differs from the URL's host.
    ///   - readTimeout: how long an ordinary request may wait for more bytes.
    public init(
        baseURL: URL, tlsConfiguration: TLSConfiguration?, serverName: String? = nil, readTimeout: Duration = .seconds(60)
    ) {
        // tls-server-name: address requests to the expected name and resolve
        // that name to the real host, so SNI and verification use it.
        var dnsOverride: [String: String] = [:]
        var effectiveBase = baseURL
        if let serverName, !serverName.isEmpty, let host = baseURL.host, host != serverName,
            var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)
        {
            components.host = serverName
            if let rewritten = components.url {
                dnsOverride[serverName] = host
                effectiveBase = rewritten
            }
        }
        self.baseURL = effectiveBase
        func configuration(read: TimeAmount?) -> HTTPClient.Configuration {
            var configuration = HTTPClient.Configuration(
                tlsConfiguration: tlsConfiguration,
                redirectConfiguration: .disallow,
                timeout: .init(connect: .seconds(10), read: read))
            configuration.dnsOverride = dnsOverride
            return configuration
        }
        requestClient = HTTPClient(
            eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration(read: TimeAmount(readTimeout)))
        watchClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration(read: nil))
    }

    public func execute(
        _ request: APIRequest, headers: [String: String], timeout: Duration
    ) async throws(TransportError) -> TransportResponse {
        guard let url = request.url(relativeTo: baseURL) else {
            throw TransportError("cannot form a URL from \(baseURL) and \(request.path)", requestNotSent: true)
        }
        var httpRequest = HTTPClientRequest(url: url.absoluteString)
        httpRequest.method = HTTPMethod(rawValue: request.method.rawValue)
        for (name, value) in headers { httpRequest.headers.replaceOrAdd(name: name, value: value) }
        if let body = request.body { httpRequest.body = .bytes(ByteBuffer(bytes: body)) }
        let client = request.isWatch ? watchClient : requestClient
        do {
            let response = try await client.execute(httpRequest, timeout: TimeAmount(timeout))
            var responseHeaders: [String: String] = [:]
            for (name, value) in response.headers { responseHeaders[name.lowercased()] = value }
            return TransportResponse(
                status: Int(response.status.code), headers: responseHeaders, body: TransportBody(network: response.body))
        } catch {
            throw Self.transportError(error, method: request.method.rawValue, path: request.path)
        }
    }

    public func shutdown() async throws {
        try await requestClient.shutdown()
        try await watchClient.shutdown()
    }

    private static func transportError(_ error: any Error, method: String, path: String) -> TransportError {
        let notSent: Bool
        if let httpError = error as? HTTPClientError {
            notSent = httpError == .connectTimeout || httpError == .invalidURL
        } else if error is NIOConnectionError || error is ChannelError || error is IOError {
            notSent = true
        } else {
            notSent = false
        }
        return TransportError("\(method) \(path): \(error)", requestNotSent: notSent)
    }
}
