import NIOCore
import NIOHTTP1
import NIOSSL

/// One client connection: reads requests, answers them one at a time (HTTP/1.1 has no
/// multiplexing), and streams watches.
///
/// Two tasks: a reader that turns inbound parts into requests (and notices the client hanging
/// up, even in the middle of a watch), and the responder. Closing is structured: the connection
/// ends when the client closes, after a `Connection: close` answer, when a watch is dropped on
/// purpose, or when the server is cancelled.
struct HTTPConnection: Sendable {
    let server: FakeAPIServer
    let channel: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    typealias Outbound = NIOAsyncChannelOutboundWriter<HTTPServerResponsePart>

    /// Thrown to tear a connection down without finishing its response.
    struct WatchDropped: Error {}

    func run() async {
        let maximumBodySize = server.configuration.maximumRequestBodySize
        do {
            try await channel.executeThenClose { inbound, outbound in
                let (requests, requestSink) = AsyncStream<HTTPRequest>.makeStream()
                let closeSignal = ConnectionCloseSignal()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        defer {
                            requestSink.finish()
                            closeSignal.fire()
                        }
                        var assembler = HTTPRequestAssembler(maximumBodySize: maximumBodySize)
                        for try await part in inbound {
                            if let request = assembler.consume(part) { requestSink.yield(request) }
                        }
                    }
                    var certificateUser: String??
                    for await request in requests {
                        if certificateUser == nil { certificateUser = .some(await peerCertificateUser()) }
                        let keepAlive = try await respond(
                            to: request, certificateUser: certificateUser ?? nil, outbound: outbound,
                            closeSignal: closeSignal)
                        guard keepAlive else { break }
                    }
                    group.cancelAll()
                }
            }
        } catch {
            server.logger.trace("connection closed", metadata: ["error": "\(error)"])
        }
    }

    /// The common name of the verified client certificate, if the client presented one. Asked
    /// after the first request arrived, so the TLS handshake is complete.
    private func peerCertificateUser() async -> String? {
        guard server.certificateAuthority != nil,
            let certificate = try? await channel.channel.nioSSL_peerCertificate().get(),
            let der = try? certificate.toDERBytes()
        else { return nil }
        return TestCertificateAuthority.commonName(ofDER: der)
    }

    /// Answers one request; returns whether the connection may carry another.
    private func respond(
        to request: HTTPRequest, certificateUser: String?, outbound: Outbound, closeSignal: ConnectionCloseSignal
    ) async throws -> Bool {
        let keepAlive = request.head.isKeepAlive
        switch await server.route(request, certificateUser: certificateUser) {
        case .response(let response):
            try await write(response, version: request.head.version, keepAlive: keepAlive, outbound: outbound)
            return keepAlive
        case .watch(let watch):
            let reusable = try await WatchStreamer(server: server, outbound: outbound, closeSignal: closeSignal)
                .stream(watch, version: request.head.version, keepAlive: keepAlive)
            return reusable && keepAlive
        }
    }

    private func write(
        _ response: HTTPResponse, version: HTTPVersion, keepAlive: Bool, outbound: Outbound
    ) async throws {
        var headers = response.headers
        headers.replaceOrAdd(name: "content-length", value: String(response.body.count))
        if !keepAlive { headers.replaceOrAdd(name: "connection", value: "close") }
        let head = HTTPResponseHead(version: version, status: response.status, headers: headers)
        try await outbound.write(contentsOf: [
            .head(head), .body(.byteBuffer(ByteBuffer(bytes: response.body))), .end(nil),
        ])
    }
}
