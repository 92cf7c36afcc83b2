import Foundation
import HTTPServerSupport
import Logging
import NIOCore
import NIOHTTP1
import ServiceLifecycle

/// A small HTTP/1.1 server for the controller's own endpoints (`/metrics`, `/healthz`,
/// `/readyz`): GET only, one response per request, keep-alive.
///
/// Why not a web framework: three read-only routes do not justify a framework's dependency tree
/// in the controller image; SwiftNIO, which the client already uses, does the HTTP.
///
/// Runs as a `Service`: it stops accepting on graceful shutdown or cancellation.
final class EndpointServer: Service, Sendable {
    /// What a route answers.
    struct Response: Sendable {
        var status: HTTPResponseStatus
        var contentType: String
        var body: [UInt8]

        static func text(_ text: String, status: HTTPResponseStatus = .ok) -> Response {
            Response(status: status, contentType: "text/plain; charset=utf-8", body: Array(text.utf8))
        }
    }

    /// A route: the query string (without `?`, possibly empty) → response.
    typealias Handler = @Sendable (_ query: String) -> Response

    let address: BindAddress
    private let routes: [String: Handler]
    private let logger: Logger
    private let listener: HTTPListener

    /// Binds `address` now (so that a port in use fails at start-up, not later).
    init(address: BindAddress, routes: [String: Handler], logger: Logger) async throws {
        self.address = address
        self.routes = routes
        self.logger = logger
        self.listener = try await HTTPListener.bind(host: address.host, port: address.port, backlog: 64)
    }

    /// The port actually bound (differs from the asked one when that was 0).
    var port: Int { listener.port ?? address.port }

    func run() async throws {
        logger.info("serving", metadata: ["address": "\(address.host):\(port)", "paths": "\(routes.keys.sorted())"])
        do {
            try await cancelWhenGracefulShutdown {
                try await self.listener.serve { connection in await self.serve(connection) }
            }
        } catch is CancellationError {
            // Shutting down: ending the accept loop by cancellation is the normal way out.
        } catch where Task.isCancelled || Task.isShuttingDownGracefully {
            logger.debug("stopped accepting", metadata: ["error": "\(error)"])
        }
    }

    private func serve(_ connection: HTTPServerConnection) async {
        do {
            try await connection.executeThenClose { inbound, outbound in
                var head: HTTPRequestHead?
                for try await part in inbound {
                    switch part {
                    case .head(let requestHead): head = requestHead
                    case .body: break
                    case .end:
                        guard let request = head else { continue }
                        let response = respond(to: request)
                        var headers = HTTPHeaders()
                        headers.add(name: "Content-Type", value: response.contentType)
                        headers.add(name: "Content-Length", value: String(response.body.count))
                        headers.add(name: "Connection", value: request.isKeepAlive ? "keep-alive" : "close")
                        try await outbound.write(.head(HTTPResponseHead(version: request.version, status: response.status, headers: headers)))
                        try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: response.body))))
                        try await outbound.write(.end(nil))
                        if !request.isKeepAlive { return }
                        head = nil
                    }
                }
            }
        } catch {
            logger.trace("endpoint connection ended", metadata: ["error": "\(error)"])
        }
    }

    private func respond(to request: HTTPRequestHead) -> Response {
        guard request.method == .GET || request.method == .HEAD else {
            return .text("method not allowed\n", status: .methodNotAllowed)
        }
        let (path, query) = Self.split(request.uri)
        guard let handler = routes[path] else { return .text("not found\n", status: .notFound) }
        var response = handler(query)
        if request.method == .HEAD { response.body = [] }
        return response
    }

    static func split(_ uri: String) -> (path: String, query: String) {
        guard let mark = uri.firstIndex(of: "?") else { return (uri, "") }
        return (String(uri[..<mark]), String(uri[uri.index(after: mark)...]))
    }
}

/// Where a server listens: `:8080` (every interface), `127.0.0.1:8080`, `[::1]:8080`; `0` or an
/// empty string turns the server off.
struct BindAddress: Hashable, Sendable, CustomStringConvertible {
    var host: String
    var port: Int

    /// Parses `text`; `nil` means "off".
    static func parse(_ text: String) throws -> BindAddress? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.isEmpty || trimmed == "0" { return nil }
        guard let colon = trimmed.lastIndex(of: ":") else { throw BindAddressError(text: text) }
        var host = String(trimmed[..<colon])
        let portText = trimmed[trimmed.index(after: colon)...]
        guard let port = Int(portText), (0...65_535).contains(port) else { throw BindAddressError(text: text) }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.isEmpty { host = "0.0.0.0" }
        return BindAddress(host: host, port: port)
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}

struct BindAddressError: Error, CustomStringConvertible {
    let text: String
    var description: String { "\(String(reflecting: text)) is not a bind address: use HOST:PORT, :PORT, or 0 to turn it off" }
}
