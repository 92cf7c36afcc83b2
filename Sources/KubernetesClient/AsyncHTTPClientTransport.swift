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
///
/// Server identity is checked as client-go checks it: the certificate must name the expected
/// identity — `tls-server-name` when given, else the host of the server URL — as a DNS name
/// SAN (for a name) or an IP address SAN (for an IP literal). NIOSSL's own host name check is
/// not enough on its own: it also accepts a certificate whose IP SAN matches the *connected*
/// address, whatever name was expected (see ``ServerIdentity``).
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
        let plan = ServerIdentity.plan(baseURL: baseURL, tlsConfiguration: tlsConfiguration, serverName: serverName)
        self.baseURL = plan.baseURL
        func configuration(read: TimeAmount?) -> HTTPClient.Configuration {
            var configuration = HTTPClient.Configuration(
                tlsConfiguration: plan.tlsConfiguration,
                redirectConfiguration: .disallow,
                timeout: .init(connect: .seconds(10), read: read))
            configuration.dnsOverride = plan.dnsOverride
            if let identity = plan.identityToVerify {
                // Runs once per new connection, after the TLS handshake and before the pool hands
                // the connection to any request: a failure here means no request (and no
                // credential) is ever written to it.
                let check: @Sendable (any Channel) -> EventLoopFuture<Void> = { channel in
                    identity.verifyPeer(of: channel)
                }
                configuration.http1_1ConnectionDebugInitializer = check
                configuration.http2ConnectionDebugInitializer = check
            }
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

/// The identity the API server's certificate must prove: a DNS name or an IP address.
///
/// Why the transport checks this itself: AsyncHTTPClient hands NIOSSL the URL's host (or, with
/// `dnsOverride`, the overridden name) as `serverHostname`, and NIOSSL's `.fullVerification`
/// host check (`validIdentityForService`) passes when *any* SAN matches — a DNS SAN matching that
/// name, **or an IP SAN matching the socket's remote address**. A certificate that names the
/// address we connected to is therefore accepted whatever `tls-server-name` asked for, and a
/// certificate that names only the resolved IP is accepted for a DNS host name. client-go
/// checks only the expected identity; so does ``matches(_:)``.
struct ServerIdentity: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        /// A DNS name, lower-cased, without a trailing dot.
        case dnsName(String)
        /// An IPv4 (4 bytes) or IPv6 (16 bytes) address.
        case ipAddress([UInt8])
    }

    let kind: Kind
    /// As written in the configuration, for messages.
    let text: String

    /// Parses a host (or `tls-server-name`): an IP literal (IPv6 with or without brackets) or a
    /// DNS name. `nil` when empty.
    init?(_ host: String) {
        var trimmed = Substring(host)
        if trimmed.hasPrefix("["), trimmed.hasSuffix("]") { trimmed = trimmed.dropFirst().dropLast() }
        guard !trimmed.isEmpty else { return nil }
        text = String(trimmed)
        if let address = Self.ipAddressBytes(String(trimmed)) {
            kind = .ipAddress(address)
        } else {
            var name = trimmed.lowercased()
            if name.hasSuffix(".") { name.removeLast() }
            guard !name.isEmpty else { return nil }
            kind = .dnsName(name)
        }
    }

    var description: String { text }

    var isIPAddress: Bool {
        if case .ipAddress = kind { return true }
        return false
    }

    /// What the transport does for a server URL, TLS configuration and `tls-server-name`.
    struct Plan {
        /// The URL requests are addressed to (its host is `tls-server-name` when that is a DNS name).
        var baseURL: URL
        /// AsyncHTTPClient's `dnsOverride`: the expected name resolves to the real host.
        var dnsOverride: [String: String] = [:]
        var tlsConfiguration: TLSConfiguration?
        /// The identity to check on every new connection; `nil` when not verifying (plain HTTP,
        /// `insecure-skip-tls-verify`, or no chain verification).
        var identityToVerify: ServerIdentity?
    }

    static func plan(baseURL: URL, tlsConfiguration: TLSConfiguration?, serverName: String?) -> Plan {
        var plan = Plan(baseURL: baseURL, tlsConfiguration: tlsConfiguration)
        let host = baseURL.host.flatMap(ServerIdentity.init)
        let expected = serverName.flatMap(ServerIdentity.init)

        // tls-server-name as a DNS name: address requests to it and resolve it to the real host,
        // so AsyncHTTPClient sends it as SNI and NIOSSL checks it. An IP tls-server-name is never
        // sent as SNI, so there is nothing to rewrite.
        if let expected, case .dnsName = expected.kind, let host, expected != host, let rawHost = baseURL.host,
            var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)
        {
            components.host = expected.text
            if let rewritten = components.url {
                plan.dnsOverride[expected.text] = rawHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
                plan.baseURL = rewritten
            }
        }

        guard var tls = tlsConfiguration, baseURL.scheme?.lowercased() == "https",
            let identity = expected ?? host
        else { return plan }
        switch tls.certificateVerification {
        case .fullVerification:
            plan.identityToVerify = identity
            // NIOSSL checks an IP identity against the connected address only; when
            // tls-server-name is an IP other than the host's, it cannot succeed — the check
            // above is then the host check (the chain is still verified by NIOSSL).
            if identity.isIPAddress, identity != host {
                tls.certificateVerification = .noHostnameVerification
                plan.tlsConfiguration = tls
            }
        case .noHostnameVerification, .none:
            break
        }
        return plan
    }

    /// Whether a certificate with these subject alternative names proves this identity.
    ///
    /// A DNS identity needs a DNS SAN equal to it (ASCII case-insensitive, trailing dot
    /// ignored) or a wildcard SAN `*.rest` whose `*` stands for exactly the first label. An IP
    /// identity needs an equal IP SAN (an IPv4-mapped IPv6 SAN counts as its IPv4 address). The
    /// common name is never used, as in client-go.
    func matches(_ names: [SubjectAlternativeName]) -> Bool {
        switch kind {
        case .dnsName(let expected):
            for case .dnsName(let pattern) in names where Self.dnsName(pattern, matches: expected) { return true }
            return false
        case .ipAddress(let expected):
            let want = Self.canonical(expected)
            for case .ipAddress(let bytes) in names where Self.canonical(bytes) == want { return true }
            return false
        }
    }

    /// A SAN as far as identity checks care.
    enum SubjectAlternativeName: Sendable, Hashable, CustomStringConvertible {
        case dnsName(String)
        case ipAddress([UInt8])

        var description: String {
            switch self {
            case .dnsName(let name): return name
            case .ipAddress(let bytes): return ServerIdentity.format(bytes)
            }
        }
    }

    static func subjectAlternativeNames(of certificate: NIOSSLCertificate) -> [SubjectAlternativeName] {
        certificate._subjectAlternativeNames().compactMap { name in
            switch name.nameType {
            case .dnsName:
                let bytes = Array(name.contents)
                guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7f }) else { return nil }
                return .dnsName(String(decoding: bytes, as: UTF8.self))
            case .ipAddress:
                let bytes = Array(name.contents)
                return bytes.count == 4 || bytes.count == 16 ? .ipAddress(bytes) : nil
            default:
                return nil
            }
        }
    }

    /// Checks the peer certificate of a freshly handshaken connection; on mismatch closes the
    /// connection and fails with ``ServerIdentityError``.
    func verifyPeer(of channel: any Channel) -> EventLoopFuture<Void> {
        let identity = self
        return channel.nioSSL_peerCertificate().flatMap { certificate -> EventLoopFuture<Void> in
            let names = certificate.map(Self.subjectAlternativeNames(of:)) ?? []
            if certificate != nil, identity.matches(names) {
                return channel.eventLoop.makeSucceededVoidFuture()
            }
            let error = ServerIdentityError(expected: identity.text, presented: names.map(\.description))
            // Close before reporting: AsyncHTTPClient's pool ignores the close of a connection it
            // still counts as starting, but would mistake a later close for that of a live one.
            // The failure is reported on a later tick, after every close callback has run.
            channel.close(promise: nil)
            return channel.closeFuture.flatMap {
                channel.eventLoop.submit { throw error }
            }
        }
    }

    private static func dnsName(_ pattern: String, matches expected: String) -> Bool {
        var pattern = pattern.lowercased()
        if pattern.hasSuffix(".") { pattern.removeLast() }
        guard !pattern.isEmpty, !expected.isEmpty else { return false }
        if pattern == expected { return true }
        guard pattern.hasPrefix("*.") else { return false }
        let suffix = pattern.dropFirst()  // ".rest"
        guard let dot = expected.firstIndex(of: "."), dot != expected.startIndex else { return false }
        return expected[dot...] == suffix && !suffix.dropFirst().contains("*")
    }

    private static func ipAddressBytes(_ text: String) -> [UInt8]? {
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    /// IPv4-mapped IPv6 addresses as their IPv4 address, so that the two spellings compare equal.
    private static func canonical(_ bytes: [UInt8]) -> [UInt8] {
        if bytes.count == 16, bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
            return Array(bytes[12...])
        }
        return bytes
    }

    static func format(_ bytes: [UInt8]) -> String {
        if bytes.count == 4 { return bytes.map(String.init).joined(separator: ".") }
        var groups: [String] = []
        var index = 0
        while index + 1 < bytes.count {
            groups.append(String(UInt16(bytes[index]) << 8 | UInt16(bytes[index + 1]), radix: 16))
            index += 2
        }
        return groups.joined(separator: ":")
    }
}

/// The server's certificate, though signed by a trusted CA, does not name the expected server.
struct ServerIdentityError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The expected identity: `tls-server-name`, else the server URL's host.
    let expected: String
    /// The certificate's DNS and IP subject alternative names.
    let presented: [String]

    var description: String {
        let names = presented.isEmpty ? "none" : presented.joined(separator: ", ")
        return "the server certificate is not valid for \(expected) (its names: \(names))"
    }
}
