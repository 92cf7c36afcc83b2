import NIOCore
import NIOHTTP1

/// Collects the parts NIO decodes (head, body chunks, end) into whole requests, keeping at most
/// `maximumBodySize` bytes of a body (the API server's limit is 3 MiB): a bigger body is read to
/// its end and discarded, so the connection stays usable for the 413 answer.
struct HTTPRequestAssembler {
    let maximumBodySize: Int
    private var head: HTTPRequestHead?
    private var body = ByteBuffer()
    private var tooLarge = false

    init(maximumBodySize: Int) {
        self.maximumBodySize = maximumBodySize
    }

    /// Feeds one part; returns the request when it is complete.
    mutating func consume(_ part: HTTPServerRequestPart) -> HTTPRequest? {
        switch part {
        case .head(let newHead):
            head = newHead
            body = ByteBuffer()
            tooLarge = false
            return nil
        case .body(var chunk):
            if !tooLarge, body.readableBytes + chunk.readableBytes <= maximumBodySize {
                body.writeBuffer(&chunk)
            } else {
                tooLarge = true
                body.clear()
            }
            return nil
        case .end:
            guard let head else { return nil }
            self.head = nil
            return HTTPRequest(head: head, body: body, isBodyTooLarge: tooLarge)
        }
    }
}
